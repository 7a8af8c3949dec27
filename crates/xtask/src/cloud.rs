//! The local cloud: moto in server mode, standing in for S3, DynamoDB, SNS, SQS (and later Glacier
//! and SES) over their real wire protocols.

use std::net::SocketAddr;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use crate::env::state_dir;
use crate::http::{free_port, wait_ok};
use crate::setup::{ensure_moto, venv_bin};
use crate::supervisor::{Supervisor, requested, stop_requested};

pub struct Moto {
    pub endpoint: String,
    pub pid: u32,
}

impl Moto {
    /// Starts moto on a free loopback port under `supervisor` and waits until it answers.
    pub fn start(supervisor: &mut Supervisor) -> Result<Self, String> {
        ensure_moto()?;
        let port = free_port().map_err(|e| e.to_string())?;
        let logs = state_dir().join("logs");
        std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
        let log_path = logs.join("moto.log");
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let stderr = log.try_clone().map_err(|e| e.to_string())?;
        let pid = supervisor.spawn(
            "moto",
            Command::new(venv_bin("moto_server"))
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(stderr),
        )?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        if !wait_ok(addr, "/moto-api/", Duration::from_secs(60)) {
            return Err(format!("moto did not answer on {addr} within 60 s; see {}", log_path.display()));
        }
        Ok(Self { endpoint: format!("http://{addr}"), pid })
    }

    /// The variables that point the AWS SDK (ours and any other) at the stand-in.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ]
    }
}

/// `cargo xtask moto`: the stand-in alone, until Ctrl-C.
pub fn run_alone() -> Result<ExitCode, String> {
    let stop = stop_requested()?;
    let mut supervisor = Supervisor::default();
    let moto = Moto::start(&mut supervisor)?;
    println!("The local AWS stand-in is running. In another shell:");
    for (key, value) in moto.env() {
        println!("  export {key}={value}");
    }
    println!("Ctrl-C stops it.");
    while !requested(&stop) {
        if let Some((_, status)) = supervisor.exited() {
            return Err(format!("moto exited ({status})"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(ExitCode::SUCCESS)
}
