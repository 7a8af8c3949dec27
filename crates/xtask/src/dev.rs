//! `cargo xtask dev`: the whole service on this machine against the local cloud.

use std::net::SocketAddr;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use crate::cloud::Moto;
use crate::env::{binary, dotenv, root};
use crate::http::wait_ok;
use crate::setup::run_step;
use crate::supervisor::{Supervisor, requested, stop_requested};

/// Queue consumers that `dev` runs. A worker joins this list when its issue implements it; until then
/// its binary only says it is not implemented.
const WORKERS: &[&str] = &["gas-annotator"];

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

pub fn run(no_build: bool) -> Result<ExitCode, String> {
    let stop = stop_requested()?;
    if !no_build {
        run_step(
            Command::new(env!("CARGO")).current_dir(root()).args(["build", "--bins", "--quiet"]),
            "building the services",
        )?;
    }
    let demo_bundle = crate::demo::ensure_bundle()?;
    let mut supervisor = Supervisor::default();
    let moto = Moto::start(&mut supervisor)?;

    let listen = std::env::var("GAS_WEB_LISTEN").unwrap_or_else(|_| DEFAULT_LISTEN.to_owned());
    let addr: SocketAddr = listen.parse().map_err(|e| format!("GAS_WEB_LISTEN={listen}: {e}"))?;
    let origin =
        std::env::var("GAS_WEB_ORIGIN").unwrap_or_else(|_| format!("http://localhost:{}", addr.port()));
    let mut env = dotenv();
    env.extend(moto.env().into_iter().map(|(k, v)| (k.to_owned(), v)));
    env.push(("GAS_WEB_LISTEN".to_owned(), listen));
    env.push(("GAS_WEB_ORIGIN".to_owned(), origin.clone()));
    env.push(("GAS_ANNOTATION_BUNDLE".to_owned(), demo_bundle.display().to_string()));
    let service = |name: &str| {
        let mut command = Command::new(binary(name));
        command.envs(env.iter().map(|(k, v)| (k, v))).stdin(Stdio::null());
        command
    };

    run_step(service("gas-admin").arg("provision"), "provisioning the local deployment")?;
    supervisor.spawn("gas-web", &mut service("gas-web"))?;
    for worker in WORKERS {
        supervisor.spawn(worker, &mut service(worker))?;
    }
    if !wait_ok(addr, "/healthz", Duration::from_secs(30)) {
        return Err(format!(
            "gas-web did not become healthy on {addr}; is the port taken? Set GAS_WEB_LISTEN"
        ));
    }
    println!();
    println!("GAS is running: open {origin}");
    println!("  local AWS stand-in: {} (state is in memory and starts empty)", moto.endpoint);
    println!("  demo annotation bundle: {}", demo_bundle.display());
    println!("  logs: this terminal; moto's in .gas/logs/moto.log");
    println!("Ctrl-C stops everything.");

    while !requested(&stop) {
        if let Some((name, status)) = supervisor.exited() {
            supervisor.stop_all();
            return Err(format!("{name} exited unexpectedly ({status}); stopped the rest"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("xtask: stopping");
    supervisor.stop_all();
    Ok(ExitCode::SUCCESS)
}
