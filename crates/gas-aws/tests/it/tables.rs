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
