use gas_aws::{AnnotationsTable, ProfilesTable};
use gas_core::{Job, JobId, Plan, Profile, Timestamp, UserId};
use gas_testkit::{TestDeployment, fast_queues};

fn job(user: &UserId, submitted: i64) -> Job {
    let job_id = JobId::new();
    Job::pending(
        job_id,
        user.clone(),
        format!("{submitted}.vcf"),
        "inputs".into(),
        format!("{user}/{job_id}~{submitted}.vcf"),
        Timestamp::from_unix_seconds(submitted),
    )
}

#[tokio::test]
async fn a_users_jobs_are_listed_newest_first_and_only_theirs() {
    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let table = AnnotationsTable::new(&t.aws, t.deployment.annotations_table());
    let alice: UserId = "alice".parse().unwrap();
    let bob: UserId = "bob".parse().unwrap();
    for (user, time) in
        [(&alice, 1_700_000_200), (&bob, 1_700_000_250), (&alice, 1_700_000_300), (&alice, 1_700_000_100)]
    {
        assert!(table.insert_new(&job(user, time)).await.unwrap());
    }
    let listed: Vec<i64> =
        table.list_for_user(&alice).await.unwrap().iter().map(|j| j.submit_time.unix_seconds()).collect();
    assert_eq!(listed, [1_700_000_300, 1_700_000_200, 1_700_000_100]);
    assert_eq!(table.list_for_user(&"carol".parse().unwrap()).await.unwrap(), []);
}

#[tokio::test]
async fn profiles_round_trip_and_missing_ones_are_none() {
    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let profiles = ProfilesTable::new(&t.aws, t.deployment.profiles_table());
    let user_id: UserId = "b9a0c5d2-4c1e-4a3c-9d1f-0e2f3a4b5c6d".parse().unwrap();
    assert_eq!(profiles.get(&user_id).await.unwrap(), None);
    let mut profile = Profile {
        user_id: user_id.clone(),
        name: "Rosalind Franklin".into(),
        email: "rosalind@example.org".into(),
        institution: "King's College London".into(),
        plan: Plan::Free,
        created: Timestamp::from_unix_seconds(1_700_000_000),
        updated: Timestamp::from_unix_seconds(1_700_000_000),
    };
    profiles.put(&profile).await.unwrap();
    assert_eq!(profiles.get(&user_id).await.unwrap().as_ref(), Some(&profile));
    profile.plan = Plan::Premium;
    profile.updated = Timestamp::from_unix_seconds(1_700_000_500);
    profiles.put(&profile).await.unwrap();
    let stored = profiles.get(&user_id).await.unwrap().unwrap();
    assert_eq!((stored.plan, stored.updated.unix_seconds()), (Plan::Premium, 1_700_000_500));
}

#[tokio::test]
async fn a_job_is_claimed_once_and_only_its_current_attempt_can_finish_it() {
    use gas_aws::{Claim, Finish};
    use gas_core::JobStatus;

    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let table = AnnotationsTable::new(&t.aws, t.deployment.annotations_table());
    let user: UserId = "dora".parse().unwrap();
    let job = job(&user, 1_700_000_000);
    table.insert_new(&job).await.unwrap();
    let at = Timestamp::from_unix_seconds(1_700_000_010);

    let Claim::Claimed(running) = table.claim(&job.job_id, "attempt-1", at, false).await.unwrap() else {
        panic!("a PENDING job must be claimable")
    };
    assert_eq!(running.job_status, JobStatus::Running);
    assert_eq!((running.attempt_id.as_deref(), running.start_time), (Some("attempt-1"), Some(at)));

    // A duplicate delivery while the first attempt runs does not take the job.
    let held = table.claim(&job.job_id, "attempt-2", at, false).await.unwrap();
    assert!(matches!(held, Claim::HeldElsewhere(ref j) if j.attempt_id.as_deref() == Some("attempt-1")));

    // The message came back (attempt 1 presumed dead): attempt 3 takes over and fences attempt 1 out.
    assert!(matches!(table.claim(&job.job_id, "attempt-3", at, true).await.unwrap(), Claim::Claimed(_)));
    let summary = gas_core::ResultSummary {
        variants: 2788,
        known: 1021,
        regions: vec![gas_core::NamedCount { name: "CDS".into(), count: 40 }],
        tracks: vec![],
        consequences: vec![gas_core::NamedCount { name: "missense".into(), count: 7 }],
        warnings: vec!["the file declares NCBI36".into()],
        annotation_ms: 12,
    };
    let completed = Finish::Completed {
        s3_results_bucket: "results".into(),
        s3_key_result_file: "k.annot.vcf".into(),
        s3_key_log_file: "k.count.log".into(),
        summary: summary.clone(),
    };
    assert!(
        table.finish(&job.job_id, "attempt-1", &completed, at, at).await.unwrap().is_none(),
        "a fenced attempt finished the job"
    );
    let done = table.finish(&job.job_id, "attempt-3", &completed, at, at).await.unwrap().unwrap();
    assert_eq!(table.get(&job.job_id).await.unwrap().unwrap(), done, "the returned row is the stored one");
    assert_eq!(done.job_status, JobStatus::Completed);
    assert_eq!(done.s3_key_result_file.as_deref(), Some("k.annot.vcf"));
    assert_eq!(done.complete_time, Some(at));
    assert_eq!(done.summary, Some(summary), "the summary survives the round trip through DynamoDB");

    // Final is final: no claim, no second finish.
    assert!(matches!(table.claim(&job.job_id, "attempt-4", at, true).await.unwrap(), Claim::Final(_)));
    let failed = Finish::Failed { reason: "line 3: REF contains 'Z'".into() };
    assert!(table.finish(&job.job_id, "attempt-3", &failed, at, at).await.unwrap().is_none());
    assert_eq!(table.claim(&JobId::new(), "attempt-5", at, false).await.unwrap(), Claim::Missing);
}

#[tokio::test]
async fn a_failed_job_keeps_a_reason_its_owner_can_read() {
    use gas_aws::{Claim, Finish};

    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let table = AnnotationsTable::new(&t.aws, t.deployment.annotations_table());
    let job = job(&"erin".parse().unwrap(), 1_700_000_000);
    table.insert_new(&job).await.unwrap();
    let at = Timestamp::from_unix_seconds(1_700_000_020);
    assert!(matches!(table.claim(&job.job_id, "a", at, false).await.unwrap(), Claim::Claimed(_)));
    let failed = Finish::Failed { reason: "line 12: REF contains 'Z'".into() };
    assert!(table.finish(&job.job_id, "a", &failed, at, at).await.unwrap().is_some());
    let row = table.get(&job.job_id).await.unwrap().unwrap();
    assert_eq!(row.job_status, gas_core::JobStatus::Failed);
    assert_eq!(row.failure_reason.as_deref(), Some("line 12: REF contains 'Z'"));
    assert_eq!(row.s3_key_result_file, None);
}
