//! `cargo xtask dev` as a developer uses it: the stack comes up, and stopping the command leaves no
//! process behind, however it is stopped. Runs the already-built binaries (`dev --no-build`), which
//! `cargo xtask test` builds before any test runs.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Processes whose environment carries `GAS_DEV_RUN_ID=<run_id>`: the dev command and all it started.
fn processes_of(run_id: &str) -> Vec<(u32, String)> {
    let marker = format!("GAS_DEV_RUN_ID={run_id}");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else { continue };
        if environ.split(|b| *b == 0).any(|var| var == marker.as_bytes()) {
            let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            // A zombie is already dead; only its parent's wait is missing.
            let state = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            if !state.split(") ").nth(1).is_some_and(|s| s.starts_with('Z')) {
                found.push((pid, comm.trim().to_owned()));
            }
        }
    }
    found
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn healthz(addr: SocketAddr) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else { return false };
    let _ = write!(stream, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200") && response.ends_with("ok")
}

struct Dev {
    child: Child,
    run_id: String,
    addr: SocketAddr,
}

impl Dev {
    fn start() -> Self {
        let run_id = format!("{}-{}", std::process::id(), Instant::now().elapsed().as_nanos());
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["dev", "--no-build"])
            .env("GAS_DEV_RUN_ID", &run_id)
            .env("GAS_WEB_LISTEN", addr.to_string())
            .env_remove("AWS_ENDPOINT_URL")
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the banner, which comes after the health check passed.
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let banner = format!("GAS is running: open http://localhost:{}", addr.port());
        let mut seen = Vec::new();
        for line in stdout.by_ref() {
            let line = line.unwrap();
            seen.push(line.clone());
            if line == banner {
                // Keep reading, as a terminal would, so the command can print while it stops.
                std::thread::spawn(move || stdout.for_each(drop));
                return Self { child, run_id, addr };
            }
        }
        panic!("dev exited before the stack came up ({:?}); output:\n{}", child.wait(), seen.join("\n"));
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill").args([signal, &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
    }

    fn wait_gone(&self, limit: Duration) -> Vec<(u32, String)> {
        let deadline = Instant::now() + limit;
        loop {
            let left = processes_of(&self.run_id);
            if left.is_empty() || Instant::now() > deadline {
                return left;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn ctrl_c_stops_every_process_the_dev_command_started() {
    let mut dev = Dev::start();
    assert!(healthz(dev.addr), "GET /healthz did not answer 200 ok");
    let names: Vec<String> = processes_of(&dev.run_id).into_iter().map(|(_, name)| name).collect();
    for expected in ["xtask", "gas-web", "gas-annotator"] {
        assert!(names.iter().any(|n| n == expected), "{expected} not running: {names:?}");
    }
    assert!(
        names.iter().any(|n| n.starts_with("moto") || n.starts_with("python")),
        "moto not running: {names:?}"
    );

    dev.signal("-INT");
    let status = dev.child.wait().unwrap();
    assert!(status.success(), "dev exited with {status}");
    assert_eq!(dev.wait_gone(Duration::from_secs(5)), [], "processes left behind");
    assert!(!healthz(dev.addr));
}

#[test]
fn killing_the_dev_command_outright_still_leaves_no_process_behind() {
    let mut dev = Dev::start();
    assert!(processes_of(&dev.run_id).len() >= 3);
    dev.signal("-KILL");
    dev.child.wait().unwrap();
    assert_eq!(dev.wait_gone(Duration::from_secs(20)), [], "processes left behind");
}
