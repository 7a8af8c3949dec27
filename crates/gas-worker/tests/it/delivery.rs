use std::time::Duration;

use gas_aws::Queue;
use gas_core::Topic;
use gas_testkit::{TestDeployment, eventually, fast_queues};

use crate::probe::{Probe, Recorder, RunningWorker, publish_all};

const PATIENCE: Duration = Duration::from_secs(30);

async fn queue(t: &TestDeployment) -> Queue {
    Queue::connect(&t.aws, &t.deployment, Topic::Archive).await.unwrap()
}

#[tokio::test]
async fn handled_messages_are_deleted() {
    let t = TestDeployment::new(fast_queues(3, 2)).await;
    let recorder = Recorder::default();
    let worker = RunningWorker::start(&t, recorder.clone(), 4).await;
    publish_all(&t, (1..=3).map(Probe::new)).await;

    eventually(PATIENCE, "three probes handled", || async { (recorder.finished().len() == 3).then_some(()) })
        .await;
    // Well past the 2 s visibility timeout: nothing comes back, so all three were deleted.
    tokio::time::sleep(Duration::from_secs(3)).await;
    worker.stop().await;
    let mut finished = recorder.finished();
    finished.sort_unstable();
    assert_eq!(finished, [1, 2, 3]);
    assert_eq!(recorder.attempts().len(), 3, "a handled message was delivered again");
    assert_eq!(queue(&t).await.depth().await.unwrap(), (0, 0));
}

#[tokio::test]
async fn a_failed_message_comes_back_after_the_visibility_timeout() {
    let t = TestDeployment::new(fast_queues(3, 2)).await;
    let recorder = Recorder::default();
    let worker = RunningWorker::start(&t, recorder.clone(), 2).await;
    publish_all(&t, [Probe { fail_times: 1, ..Probe::new(7) }]).await;

    eventually(PATIENCE, "probe 7 handled", || async { (recorder.finished() == [7]).then_some(()) }).await;
    worker.stop().await;
    let attempts = recorder.attempts();
    let counts: Vec<(u32, u32, bool)> =
        attempts.iter().map(|a| (a.id, a.receive_count, a.last_attempt)).collect();
    assert_eq!(counts, [(7, 1, false), (7, 2, false)]);
    let gap = attempts[1].at - attempts[0].at;
    assert!(
        gap >= Duration::from_millis(1500),
        "redelivered after {gap:?}, before the 2 s visibility timeout"
    );
    assert_eq!(queue(&t).await.depth().await.unwrap(), (0, 0));
}

#[tokio::test]
async fn the_handler_knows_its_last_attempt_before_the_message_goes_to_the_dead_letter_queue() {
    let t = TestDeployment::new(fast_queues(2, 1)).await;
    let recorder = Recorder::default();
    let worker = RunningWorker::start(&t, recorder.clone(), 2).await;
    publish_all(&t, [Probe { fail_times: 10, ..Probe::new(9) }]).await;

    let dlq = Queue::connect_dead_letter(&t.aws, &t.deployment, Topic::Archive).await.unwrap();
    eventually(PATIENCE, "probe 9 in the dead-letter queue", || async {
        (dlq.depth().await.unwrap().0 == 1).then_some(())
    })
    .await;
    worker.stop().await;
    let counts: Vec<(u32, bool)> =
        recorder.attempts().iter().map(|a| (a.receive_count, a.last_attempt)).collect();
    assert_eq!(counts, [(1, false), (2, true)]);
}

#[tokio::test]
async fn malformed_bodies_reach_the_dead_letter_queue_while_good_messages_keep_flowing() {
    let t = TestDeployment::new(fast_queues(2, 1)).await;
    let q = queue(&t).await;
    let bad_bodies = ["not json at all", r#"{"version":2,"id":1}"#, r#"{"version":1}"#];
    for body in bad_bodies {
        q.send(body).await.unwrap();
    }
    let recorder = Recorder::default();
    let worker = RunningWorker::start(&t, recorder.clone(), 2).await;
    publish_all(&t, (1..=3).map(Probe::new)).await;

    let dlq = Queue::connect_dead_letter(&t.aws, &t.deployment, Topic::Archive).await.unwrap();
    eventually(PATIENCE, "three malformed bodies in the dead-letter queue", || async {
        (dlq.depth().await.unwrap().0 == 3).then_some(())
    })
    .await;
    let mut dead: Vec<String> = Vec::new();
    while dead.len() < 3 {
        for m in dlq.receive(10, Duration::from_secs(1)).await.unwrap() {
            dead.push(m.body);
        }
    }
    dead.sort();
    let mut expected: Vec<String> = bad_bodies.iter().map(|b| (*b).to_owned()).collect();
    expected.sort();
    assert_eq!(dead, expected, "the dead-letter queue holds the bodies exactly as sent");

    // The worker is still up and handles what comes next.
    assert!(worker.is_running());
    publish_all(&t, [Probe::new(4)]).await;
    eventually(PATIENCE, "probe 4 handled", || async { recorder.finished().contains(&4).then_some(()) })
        .await;
    worker.stop().await;
    let mut finished = recorder.finished();
    finished.sort_unstable();
    assert_eq!(finished, [1, 2, 3, 4]);
}

#[tokio::test]
async fn a_worker_with_two_slots_never_holds_more_than_two_messages() {
    let t = TestDeployment::new(fast_queues(3, 30)).await;
    let recorder = Recorder::default();
    let worker = RunningWorker::start(&t, recorder.clone(), 2).await;
    publish_all(&t, (1..=6).map(|id| Probe { sleep_ms: 1200, ..Probe::new(id) })).await;

    let q = queue(&t).await;
    let mut most_in_flight = 0;
    while recorder.finished().len() < 6 {
        let (_, in_flight) = q.depth().await.unwrap();
        most_in_flight = most_in_flight.max(in_flight);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    worker.stop().await;
    assert_eq!(most_in_flight, 2, "messages received but not yet deleted");
    assert_eq!(recorder.max_running(), 2, "handlers running at once");
    assert_eq!(recorder.attempts().len(), 6);
}

#[tokio::test]
async fn a_handler_running_past_the_visibility_timeout_keeps_its_message_hidden() {
    // Visibility 2 s, handler 5 s: without extension the message would be visible (and handed to
    // another worker) after 2 s.
    let t = TestDeployment::new(fast_queues(3, 2)).await;
    let recorder = Recorder::default();
    let worker = RunningWorker::start(&t, recorder.clone(), 1).await;
    publish_all(&t, [Probe { sleep_ms: 5000, ..Probe::new(5) }]).await;
    eventually(PATIENCE, "probe 5 to start", || async { (!recorder.attempts().is_empty()).then_some(()) })
        .await;

    let rival = queue(&t).await;
    let stolen = rival.receive(10, Duration::from_secs(4)).await.unwrap();
    assert!(stolen.is_empty(), "another consumer received the message while its handler ran");
    eventually(PATIENCE, "probe 5 handled", || async { (recorder.finished() == [5]).then_some(()) }).await;
    worker.stop().await;
    assert_eq!(recorder.attempts().len(), 1);
    assert_eq!(queue(&t).await.depth().await.unwrap(), (0, 0));
}
