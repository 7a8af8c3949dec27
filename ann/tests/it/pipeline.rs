use std::sync::Arc;
use std::time::Duration;

use gas_ann::Annotator;
use gas_aws::{AnnotationsTable, Bucket, JobSubmission, ProfilesTable, Publisher, Queue, submit_job};
use gas_core::config::WorkerConfig;
use gas_core::keys::{KeyLayout, sanitize_file_name};
use gas_core::messages::{ArchiveRequest, JobRequest, JobResult, Version};
use gas_core::{Job, JobId, JobStatus, Plan, Profile, Timestamp, Topic, UserId};
use gas_engine::{AnnotateOptions, Bundle};
use gas_testkit::{TestDeployment, eventually, fast_queues};
use gas_worker::Worker;
use tokio::sync::oneshot;

pub struct Stack {
    pub t: TestDeployment,
    pub annotations: AnnotationsTable,
    publisher: Publisher,
    stop: Option<oneshot::Sender<()>>,
    worker: Option<WorkerTask>,
}

impl Stack {
    async fn start() -> Self {
        let mut stack = Self::without_annotator().await;
        let (stop, worker) = spawn_annotator(&stack.t, "a").await;
        (stack.stop, stack.worker) = (Some(stop), Some(worker));
        stack
    }

    /// A provisioned deployment with no annotator running.
    /// A deployment with one annotator whose settings `adjust` changes.
    pub(crate) async fn start_with(adjust: impl FnOnce(&mut Annotator)) -> Self {
        let mut stack = Self::without_annotator().await;
        let (stop, worker) = spawn_annotator_with(&stack.t, "a", adjust).await;
        (stack.stop, stack.worker) = (Some(stop), Some(worker));
        stack
    }

    pub async fn without_annotator() -> Self {
        // A short visibility timeout: a copy that finds its job held elsewhere, or whose annotator
        // died, comes back in seconds.
        let t = TestDeployment::new(fast_queues(3, 5)).await;
        let publisher = Publisher::connect(&t.aws, &t.deployment).await.unwrap();
        let annotations = AnnotationsTable::new(&t.aws, t.deployment.annotations_table());
        Self { t, annotations, publisher, stop: None, worker: None }
    }

    /// Another annotator on the same deployment (only its worker is used).
    async fn rival(of: &Stack) -> Rival {
        let (stop, worker) = spawn_annotator(&of.t, "b").await;
        Rival { stop, worker }
    }

    /// Uploads `content` as `file_name` for `user` and submits it; returns the job id.
    pub async fn submit(&self, user: &str, file_name: &str, content: Vec<u8>) -> JobId {
        self.submit_maybe_uploaded(user, file_name, Some(content)).await
    }

    /// Submits a job whose input was uploaded only if `content` is given.
    async fn submit_maybe_uploaded(&self, user: &str, file_name: &str, content: Option<Vec<u8>>) -> JobId {
        let user_id: UserId = user.parse().unwrap();
        let job_id = JobId::new();
        let name = sanitize_file_name(file_name).unwrap();
        let key = KeyLayout::new("").input_key(&user_id, &job_id, &name);
        let inputs = Bucket::new(&self.t.aws, self.t.deployment.inputs_bucket());
        if let Some(content) = content {
            inputs.put_bytes(&key, content, "text/plain").await.unwrap();
        }
        let submission = JobSubmission {
            job_id,
            user_id,
            input_file_name: name,
            s3_inputs_bucket: inputs.name().to_owned(),
            s3_key_input_file: key,
        };
        submit_job(&self.annotations, &self.publisher, submission).await.unwrap();
        job_id
    }

    pub async fn ended(&self, job_id: &JobId) -> Job {
        eventually(Duration::from_secs(60), "the job to end", || async {
            self.annotations.get(job_id).await.unwrap().filter(|j| j.results_published_time.is_some())
        })
        .await
    }

    /// Waits until `n` job requests are in the dead-letter queue.
    pub async fn dead_letters(&self, n: u64) {
        let dlq =
            Queue::connect_dead_letter(&self.t.aws, &self.t.deployment, Topic::JobRequests).await.unwrap();
        eventually(Duration::from_secs(40), "the requests in the dead-letter queue", || async {
            (dlq.depth().await.unwrap().0 == n).then_some(())
        })
        .await;
    }

    /// Every message waiting on `topic`'s queue, parsed.
    pub async fn drain<M: serde::de::DeserializeOwned>(&self, topic: Topic) -> Vec<M> {
        gas_testkit::drain(&Queue::connect(&self.t.aws, &self.t.deployment, topic).await.unwrap()).await
    }

    pub async fn stop(mut self) {
        if let (Some(stop), Some(worker)) = (self.stop.take(), self.worker.take()) {
            let _ = stop.send(());
            worker.await.unwrap().unwrap();
        }
    }
}

type WorkerTask = tokio::task::JoinHandle<Result<(), gas_aws::AwsError>>;

struct Rival {
    stop: oneshot::Sender<()>,
    worker: WorkerTask,
}

impl Rival {
    async fn stop(self) {
        let _ = self.stop.send(());
        self.worker.await.unwrap().unwrap();
    }
}

/// Runs an annotator on `t`'s job_requests queue in this process, with its own work directory.
async fn spawn_annotator(t: &TestDeployment, name: &str) -> (oneshot::Sender<()>, WorkerTask) {
    spawn_annotator_with(t, name, |_| {}).await
}

/// As [`spawn_annotator`], with settings changed by `adjust`.
async fn spawn_annotator_with(
    t: &TestDeployment,
    name: &str,
    adjust: impl FnOnce(&mut Annotator),
) -> (oneshot::Sender<()>, WorkerTask) {
    let publisher = Publisher::connect(&t.aws, &t.deployment).await.unwrap();
    let mut annotator = Annotator {
        aws: t.aws.clone(),
        annotations: AnnotationsTable::new(&t.aws, t.deployment.annotations_table()),
        profiles: ProfilesTable::new(&t.aws, t.deployment.profiles_table()),
        results: Bucket::new(&t.aws, t.deployment.results_bucket()),
        publisher: publisher.clone(),
        bundle: Arc::new(Bundle::open(&crate::demo_bundle()).unwrap()),
        work_dir: std::env::temp_dir().join(format!("gas-annotator-{}-{name}", t.deployment.name())),
        max_input_bytes: 4 * 1024 * 1024,
        time_limit: Duration::from_secs(60),
        min_free_bytes: 0,
        publish_lease: Duration::from_secs(2),
        failpoint: None,
        skip_annotation: false,
    };
    adjust(&mut annotator);
    let queue = Queue::connect(&t.aws, &t.deployment, Topic::JobRequests).await.unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let config = WorkerConfig { concurrency: 2, drain: Duration::from_secs(10) };
    let worker = tokio::spawn(Worker::new(queue, annotator, config).run(async move {
        let _ = stopped.await;
    }));
    (stop, worker)
}

pub fn expected_output(input: &[u8]) -> (Vec<u8>, String) {
    let bundle = Bundle::open(&crate::demo_bundle()).unwrap();
    let mut reader =
        gas_engine::input::from_reader(Box::new(std::io::Cursor::new(input.to_vec()))).unwrap().reader;
    let mut out = Vec::new();
    let summary =
        gas_engine::annotate(&bundle, &mut reader, &mut out, &AnnotateOptions::default(), &mut |_| {})
            .unwrap();
    (out, summary.count_log())
}

#[tokio::test]
async fn a_free_users_job_completes_with_its_results_and_both_messages_once() {
    let stack = Stack::start().await;
    let input = std::fs::read(crate::testdata("anntools/free_2.vcf")).unwrap();
    let job_id = stack.submit("free-user", "free_2.vcf", input.clone()).await;

    let job = stack.ended(&job_id).await;
    assert_eq!(job.job_status, JobStatus::Completed);
    assert!(job.s3_key_result_file.as_deref().unwrap().ends_with(&format!("{job_id}~free_2.annot.vcf")));
    assert!(job.s3_key_log_file.as_deref().unwrap().ends_with(&format!("{job_id}~free_2.count.log")));
    let results = Bucket::new(&stack.t.aws, job.s3_results_bucket.clone().unwrap());
    let (vcf, log) = expected_output(&input);
    assert!(results.get_bytes(job.s3_key_result_file.as_deref().unwrap()).await.unwrap().unwrap() == vcf);
    let stored_log = results.get_bytes(job.s3_key_log_file.as_deref().unwrap()).await.unwrap().unwrap();
    assert_eq!(String::from_utf8(stored_log).unwrap(), log);
    assert!(log.contains("Total: 2788\n"));

    // The same request delivered again changes nothing and publishes nothing.
    let again = JobRequest {
        version: Version,
        job_id,
        user_id: job.user_id.clone(),
        input_file_name: job.input_file_name.clone(),
        s3_inputs_bucket: job.s3_inputs_bucket.clone(),
        s3_key_input_file: job.s3_key_input_file.clone(),
        submit_time: job.submit_time,
    };
    stack.publisher.publish(&again).await.unwrap();
    let requests = Queue::connect(&stack.t.aws, &stack.t.deployment, Topic::JobRequests).await.unwrap();
    eventually(Duration::from_secs(30), "the repeated request to be handled", || async {
        (requests.depth().await.unwrap() == (0, 0)).then_some(())
    })
    .await;

    let results: Vec<JobResult> = stack.drain(Topic::JobResults).await;
    assert_eq!(results.len(), 1);
    assert_eq!((results[0].job_id, results[0].job_status), (job_id, JobStatus::Completed));
    let archives: Vec<ArchiveRequest> = stack.drain(Topic::Archive).await;
    assert_eq!(archives.len(), 1, "a user with no profile counts as free");
    assert_eq!(stack.annotations.get(&job_id).await.unwrap().unwrap(), job);
    stack.stop().await;
}

/// What `gas-annotate` (the real binary) writes for `input` with the demo bundle: the VCF without its
/// command-line provenance header, and the count log.
fn gas_annotate_output(input: &std::path::Path) -> (String, String) {
    let log = std::env::temp_dir().join(format!("gas-expected-{}.log", uuid::Uuid::new_v4()));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gas-annotate"))
        .arg("annotate")
        .arg("--bundle")
        .arg(crate::demo_bundle())
        .arg("--log")
        .arg(&log)
        .arg(input)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let vcf = String::from_utf8(output.stdout).unwrap();
    let vcf: String =
        vcf.split_inclusive('\n').filter(|l| !l.starts_with("##GAS_annotateCommand=")).collect();
    let log_text = std::fs::read_to_string(&log).unwrap();
    std::fs::remove_file(&log).unwrap();
    (vcf, log_text)
}

#[tokio::test]
async fn every_sample_file_completes_with_what_gas_annotate_writes() {
    let stack = Stack::start().await;
    put_profile(&stack, "premium-user", Plan::Premium).await;
    let files = [
        ("free-user", "anntools/free_1.vcf"),
        ("free-user", "anntools/free_2.vcf"),
        ("premium-user", "anntools/premium_1.vcf"),
        ("premium-user", "anntools/premium_2.vcf"),
        ("premium-user", "anntools/premium_3.vcf"),
        ("free-user", "anntools/test.vcf"),
        ("free-user", "grch37/chr22.vcf.gz"),
    ];
    let mut jobs = Vec::new();
    for (user, file) in files {
        let path = crate::testdata(file);
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        jobs.push((stack.submit(user, &name, std::fs::read(&path).unwrap()).await, user, path));
    }

    for (job_id, user, path) in &jobs {
        let job = stack.ended(job_id).await;
        let file = path.display();
        assert_eq!(job.job_status, JobStatus::Completed, "{file}: {:?}", job.failure_reason);
        assert_eq!(job.user_id.as_str(), *user);
        assert!(job.start_time.is_some() && job.complete_time >= job.start_time, "{file}");
        let results = Bucket::new(&stack.t.aws, job.s3_results_bucket.clone().unwrap());
        let vcf = results.get_bytes(job.s3_key_result_file.as_deref().unwrap()).await.unwrap().unwrap();
        let log = results.get_bytes(job.s3_key_log_file.as_deref().unwrap()).await.unwrap().unwrap();
        let (expected_vcf, expected_log) = gas_annotate_output(path);
        assert!(String::from_utf8(vcf).unwrap() == expected_vcf, "{file}: the result differs");
        assert_eq!(String::from_utf8(log).unwrap(), expected_log, "{file}");

        // The row's summary says what the count log says.
        let summary = job.summary.clone().unwrap();
        assert!(expected_log.contains(&format!("Total: {}\n", summary.variants)), "{file}");
        assert!(expected_log.contains(&format!("In dbSNP: {} (", summary.known)), "{file}");
        for region in &summary.regions {
            assert!(expected_log.contains(&format!("    {}: {}\n", region.name, region.count)), "{file}");
        }
        assert_eq!(summary.regions.iter().map(|r| r.count).sum::<u64>(), summary.variants, "{file}");
    }
    let chr22 = stack.annotations.get(&jobs[6].0).await.unwrap().unwrap().summary.unwrap();
    assert_eq!(
        (chr22.variants, chr22.regions[0].name.as_str(), chr22.regions[0].count),
        (10_376, "CDS", 1015)
    );

    let mut published: Vec<JobId> =
        stack.drain::<JobResult>(Topic::JobResults).await.iter().map(|r| r.job_id).collect();
    published.sort();
    let mut all: Vec<JobId> = jobs.iter().map(|j| j.0).collect();
    all.sort();
    assert_eq!(published, all, "one results message per job");
    let mut archived: Vec<JobId> =
        stack.drain::<ArchiveRequest>(Topic::Archive).await.iter().map(|r| r.job_id).collect();
    archived.sort();
    let mut free: Vec<JobId> = jobs.iter().filter(|j| j.1 == "free-user").map(|j| j.0).collect();
    free.sort();
    assert_eq!(archived, free, "archive messages for the free user's jobs only");
    stack.stop().await;
}

async fn put_profile(stack: &Stack, user: &str, plan: Plan) {
    let profiles = ProfilesTable::new(&stack.t.aws, stack.t.deployment.profiles_table());
    let now = Timestamp::now();
    profiles
        .put(&Profile {
            user_id: user.parse().unwrap(),
            name: "P".into(),
            email: "p@example.org".into(),
            institution: "X".into(),
            plan,
            created: now,
            updated: now,
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_premium_users_job_is_not_archived() {
    let stack = Stack::start().await;
    put_profile(&stack, "premium-user", Plan::Premium).await;
    let job_id = stack
        .submit("premium-user", "test.vcf", std::fs::read(crate::testdata("anntools/test.vcf")).unwrap())
        .await;
    assert_eq!(stack.ended(&job_id).await.job_status, JobStatus::Completed);
    assert_eq!(stack.drain::<JobResult>(Topic::JobResults).await.len(), 1);
    assert_eq!(stack.drain::<ArchiveRequest>(Topic::Archive).await.len(), 0);
    stack.stop().await;
}

#[tokio::test]
async fn bad_inputs_fail_the_job_with_a_reason_the_user_can_read() {
    let stack = Stack::start().await;
    let malformed = b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t5\t.\tA\tC\t.\t.\t.\nchr1\t9\t.\tZ\tC\t.\t.\t.\n";
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("bad.vcf", malformed.to_vec(), "line 4: REF contains 'Z'"),
        (
            "empty.vcf",
            Vec::new(),
            "line 1: the file is empty; expected a VCF file starting with ##fileformat=VCFv…",
        ),
        ("big.vcf", vec![b'#'; 5 * 1024 * 1024], "the file is larger than the 4 MB limit"),
    ];
    for (name, content, reason) in cases {
        let job_id = stack.submit("careless-user", name, content).await;
        let job = stack.ended(&job_id).await;
        assert_eq!(job.job_status, JobStatus::Failed, "{name}");
        assert_eq!(job.failure_reason.as_deref(), Some(reason), "{name}");
    }
    let results: Vec<JobResult> = stack.drain(Topic::JobResults).await;
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|r| r.job_status == JobStatus::Failed));
    assert_eq!(stack.drain::<ArchiveRequest>(Topic::Archive).await.len(), 0);
    stack.stop().await;
}

#[tokio::test]
async fn two_annotators_racing_on_the_same_jobs_complete_each_once() {
    let stack = Stack::start().await;
    // A second annotator process on the same queue.
    let rival = Stack::rival(&stack).await;
    let input = std::fs::read(crate::testdata("anntools/test.vcf")).unwrap();
    let mut jobs = Vec::new();
    for i in 0..6 {
        let job_id = stack.submit("racer", &format!("run{i}.vcf"), input.clone()).await;
        // The same request twice at once: the two annotators may each get a copy.
        let job = stack.annotations.get(&job_id).await.unwrap().unwrap();
        let duplicate = JobRequest {
            version: Version,
            job_id,
            user_id: job.user_id,
            input_file_name: job.input_file_name,
            s3_inputs_bucket: job.s3_inputs_bucket,
            s3_key_input_file: job.s3_key_input_file,
            submit_time: job.submit_time,
        };
        stack.publisher.publish(&duplicate).await.unwrap();
        jobs.push(job_id);
    }
    for job_id in &jobs {
        assert_eq!(stack.ended(job_id).await.job_status, JobStatus::Completed);
    }
    let requests = Queue::connect(&stack.t.aws, &stack.t.deployment, Topic::JobRequests).await.unwrap();
    eventually(Duration::from_secs(60), "every copy to be handled", || async {
        (requests.depth().await.unwrap() == (0, 0)).then_some(())
    })
    .await;
    let results: Vec<JobResult> = stack.drain(Topic::JobResults).await;
    let mut ids: Vec<JobId> = results.iter().map(|r| r.job_id).collect();
    ids.sort();
    let mut expected = jobs.clone();
    expected.sort();
    assert_eq!(ids, expected, "each job's result published exactly once");
    rival.stop().await;
    stack.stop().await;
}

#[tokio::test]
async fn a_job_over_the_time_limit_fails_with_that_reason() {
    let stack = Stack::start_with(|a| a.time_limit = Duration::ZERO).await;
    let job_id = stack
        .submit("patient-user", "slow.vcf", std::fs::read(crate::testdata("anntools/premium_1.vcf")).unwrap())
        .await;
    let job = stack.ended(&job_id).await;
    assert_eq!(job.job_status, JobStatus::Failed);
    assert_eq!(job.failure_reason.as_deref(), Some("annotation took longer than the 0-second limit"));
    stack.stop().await;
}

#[tokio::test]
async fn an_engine_panic_fails_the_job_and_the_worker_goes_on() {
    let stack = Stack::start_with(|a| a.failpoint = Some("engine-panic".into())).await;
    let input = std::fs::read(crate::testdata("anntools/test.vcf")).unwrap();
    for name in ["first.vcf", "second.vcf"] {
        let job_id = stack.submit("unlucky-user", name, input.clone()).await;
        let job = stack.ended(&job_id).await;
        assert_eq!(job.job_status, JobStatus::Failed, "{name}");
        assert_eq!(job.failure_reason.as_deref(), Some("the annotator failed unexpectedly on this file"));
        let results = Bucket::new(&stack.t.aws, stack.t.deployment.results_bucket());
        let log = results.get_bytes(&gas_core::keys::log_key(&job.s3_key_input_file)).await.unwrap().unwrap();
        assert_eq!(log, b"FAILED: the annotator failed unexpectedly on this file\n", "the log says why");
    }
    stack.stop().await;
}

#[tokio::test]
async fn a_job_that_keeps_failing_for_lack_of_disk_ends_failed_on_its_last_delivery() {
    // No host ever has room: the request is retried (3 deliveries), then the job ends FAILED rather
    // than staying RUNNING forever, and the message goes to the dead-letter queue.
    let stack = Stack::start_with(|a| a.min_free_bytes = u64::MAX / 2).await;
    let job_id = stack
        .submit("unlucky-user", "free_1.vcf", std::fs::read(crate::testdata("anntools/free_1.vcf")).unwrap())
        .await;
    let job = stack.ended(&job_id).await;
    assert_eq!(job.job_status, JobStatus::Failed);
    assert_eq!(job.failure_reason.as_deref(), Some("the job could not be processed; please resubmit it"));
    stack.dead_letters(1).await;
    let results: Vec<JobResult> = stack.drain(Topic::JobResults).await;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].job_status, JobStatus::Failed);
    stack.stop().await;
}

#[tokio::test]
async fn a_missing_input_fails_and_garbage_requests_go_to_the_dead_letter_queue() {
    let stack = Stack::start().await;
    let requests = Queue::connect(&stack.t.aws, &stack.t.deployment, Topic::JobRequests).await.unwrap();
    requests.send("{\"version\":1,\"job_id\":\"not-a-uuid\"}").await.unwrap();

    let job_id = stack.submit_maybe_uploaded("forgetful-user", "gone.vcf", None).await;
    let job = stack.ended(&job_id).await;
    assert_eq!(job.job_status, JobStatus::Failed);
    assert_eq!(
        job.failure_reason.as_deref(),
        Some("the uploaded file was not found; please upload it again")
    );

    stack.dead_letters(1).await;
    // The annotator is still at work.
    let next = stack
        .submit("forgetful-user", "test.vcf", std::fs::read(crate::testdata("anntools/test.vcf")).unwrap())
        .await;
    assert_eq!(stack.ended(&next).await.job_status, JobStatus::Completed);
    stack.stop().await;
}
