//! The annotator processes a load run drives: real `gas-annotator` binaries on the run's own
//! deployment, so their CPU time and AWS calls are measured from outside, as an operator would see them.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub struct Fleet {
    members: Vec<Member>,
}

struct Member {
    child: Child,
    pid: i32,
    /// The AWS requests the process reported when it stopped.
    usage: JoinHandle<Option<BTreeMap<String, u64>>>,
}

impl Fleet {
    /// Starts `count` annotators on `deployment`, each with its own work directory, and waits until each
    /// is polling its queue. `skip_annotation` makes them copy inputs instead of annotating.
    pub async fn start(
        binary: &Path,
        count: usize,
        deployment: &str,
        skip_annotation: bool,
        work_root: &Path,
    ) -> Result<Self, String> {
        let mut members = Vec::new();
        let (ready_tx, mut ready_rx) = mpsc::channel::<()>(count.max(1));
        for i in 0..count {
            let mut command = Command::new(binary);
            command
                .env("GAS_DEPLOYMENT", deployment)
                .env("GAS_LOG_FORMAT", "json")
                .env("RUST_LOG", "info")
                .env("GAS_ANNOTATOR_WORK_DIR", work_root.join(format!("annotator-{i}")))
                .env("GAS_SKIP_ANNOTATION", if skip_annotation { "1" } else { "0" })
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .kill_on_drop(true);
            let mut child = command.spawn().map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
            let pid = child.id().and_then(|id| i32::try_from(id).ok()).ok_or("annotator exited at once")?;
            let stderr = child.stderr.take().ok_or("no stderr pipe")?;
            let usage = tokio::spawn(read_log(stderr, ready_tx.clone()));
            members.push(Member { child, pid, usage });
        }
        drop(ready_tx);
        for _ in 0..count {
            match tokio::time::timeout(Duration::from_secs(60), ready_rx.recv()).await {
                Ok(Some(())) => {}
                Ok(None) => {
                    return Err("an annotator exited before it started polling (its log is above)".into());
                }
                Err(_) => return Err("an annotator did not start polling within 60 s".into()),
            }
        }
        Ok(Self { members })
    }

    /// CPU time (user + system) the fleet has used so far.
    pub fn cpu_time(&self) -> Duration {
        self.members.iter().map(|m| cpu_time_of(m.pid).unwrap_or_default()).sum()
    }

    /// SIGTERMs every annotator, waits for them to exit and returns the AWS requests they reported.
    pub async fn stop(self) -> Result<BTreeMap<String, u64>, String> {
        let mut total = BTreeMap::new();
        for mut member in self.members {
            // SAFETY: kill(2) on our own child's pid; no memory is involved.
            #[allow(unsafe_code)]
            unsafe {
                libc::kill(member.pid, libc::SIGTERM);
            }
            let status = tokio::time::timeout(Duration::from_secs(60), member.child.wait())
                .await
                .map_err(|_| "an annotator did not stop within 60 s of SIGTERM")?
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err(format!("an annotator exited with {status}"));
            }
            let usage =
                member.usage.await.map_err(|e| e.to_string())?.ok_or("an annotator reported no usage")?;
            for (operation, count) in usage {
                *total.entry(operation).or_default() += count;
            }
        }
        Ok(total)
    }
}

/// Follows one annotator's JSON log: reports when it polls, passes on warnings and errors, and returns
/// the request counts of its final "annotator stopped" event.
async fn read_log(
    stderr: tokio::process::ChildStderr,
    ready: mpsc::Sender<()>,
) -> Option<BTreeMap<String, u64>> {
    let mut lines = BufReader::new(stderr).lines();
    let mut usage = None;
    let mut ready = Some(ready);
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) else {
            eprintln!("{line}");
            continue;
        };
        match event["message"].as_str() {
            Some("worker started") => {
                if let Some(ready) = ready.take() {
                    let _ = ready.send(()).await;
                }
            }
            Some("annotator stopped") => {
                usage = event["aws_requests"].as_str().and_then(|counts| serde_json::from_str(counts).ok());
            }
            _ if matches!(event["level"].as_str(), Some("WARN" | "ERROR")) => eprintln!("annotator: {line}"),
            _ => {}
        }
    }
    usage
}

/// utime + stime of a process, from /proc (Linux).
pub fn cpu_time_of(pid: i32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a system constant.
    #[allow(unsafe_code)]
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let per_second = u64::try_from(per_second).ok().filter(|&t| t > 0)?;
    Some(Duration::from_nanos(ticks * 1_000_000_000 / per_second))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpu_time_of_this_process_grows_with_work() {
        let pid = i32::try_from(std::process::id()).unwrap();
        let before = super::cpu_time_of(pid).unwrap();
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_millis(200) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let used = super::cpu_time_of(pid).unwrap() - before;
        assert!(used >= std::time::Duration::from_millis(100), "{used:?}");
    }
}
