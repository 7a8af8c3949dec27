//! Starts the local stack's processes and makes sure none outlives the command: each child runs in its
//! own process group (so Ctrl-C reaches only xtask, which then stops the children in order) and is
//! killed by the kernel if xtask itself dies.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long children get to stop after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_secs(15);

#[derive(Default)]
pub struct Supervisor {
    children: Vec<(String, Child)>,
}

impl Supervisor {
    pub fn spawn(&mut self, name: &str, command: &mut Command) -> Result<u32, String> {
        command.process_group(0);
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        #[allow(unsafe_code)]
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().map_err(|e| format!("cannot start {name}: {e}"))?;
        let pid = child.id();
        self.children.push((name.to_owned(), child));
        Ok(pid)
    }

    /// The first child that has exited, if any.
    pub fn exited(&mut self) -> Option<(String, ExitStatus)> {
        self.children
            .iter_mut()
            .find_map(|(name, child)| child.try_wait().ok().flatten().map(|status| (name.clone(), status)))
    }

    /// Stops the children, last started first: SIGTERM, then SIGKILL after the grace period.
    pub fn stop_all(&mut self) {
        while let Some((name, mut child)) = self.children.pop() {
            if child.try_wait().ok().flatten().is_some() {
                continue;
            }
            signal(&child, libc::SIGTERM);
            let deadline = Instant::now() + GRACE;
            loop {
                match child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                    _ => {
                        eprintln!("xtask: {name} did not stop within {GRACE:?}; killing it");
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                }
            }
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.stop_all();
    }
}

fn signal(child: &Child, signal: libc::c_int) {
    let Ok(pid) = libc::pid_t::try_from(child.id()) else { return };
    // SAFETY: kill has no memory-safety preconditions; the pid is our own unreaped child.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(pid, signal);
    }
}

/// Set once SIGINT, SIGTERM or SIGHUP arrives.
pub fn stop_requested() -> Result<Arc<AtomicBool>, String> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&flag)).map_err(|e| e.to_string())?;
    }
    Ok(flag)
}

pub fn requested(flag: &AtomicBool) -> bool {
    flag.load(Ordering::SeqCst)
}
