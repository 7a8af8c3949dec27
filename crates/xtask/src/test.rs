//! `cargo xtask test`: every check CI runs, with the stand-ins started and stopped here.

use std::process::{Command, ExitCode};

use crate::cloud::Moto;
use crate::env::root;
use crate::setup::{ensure_moto, run_step};
use crate::supervisor::Supervisor;

pub fn run(extra: &[String]) -> Result<ExitCode, String> {
    let testdata = crate::env::testdata()?;
    ensure_moto()?;
    let cargo = || {
        let mut command = Command::new(env!("CARGO"));
        command.current_dir(root());
        command
    };
    run_step(cargo().args(["fmt", "--all", "--check"]), "checking formatting (cargo fmt)")?;
    run_step(
        cargo().args(["clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"]),
        "linting (cargo clippy -D warnings)",
    )?;

    let demo_bundle = crate::demo::ensure_bundle()?;
    let mut supervisor = Supervisor::default();
    let moto = Moto::start(&mut supervisor)?;
    let has_nextest = cargo().args(["nextest", "--version"]).output().is_ok_and(|o| o.status.success());
    let mut tests = cargo();
    if has_nextest {
        tests.args(["nextest", "run", "--workspace", "--no-fail-fast"]);
    } else {
        tests.args(["test", "--workspace", "--no-fail-fast"]);
    }
    tests.args(extra).envs(moto.env()).env("GAS_DEMO_BUNDLE", &demo_bundle).env("GAS_TESTDATA", &testdata);
    let outcome =
        run_step(&mut tests, &format!("running the tests against the local cloud at {}", moto.endpoint));
    supervisor.stop_all();
    outcome.map(|()| {
        println!("xtask: all checks passed");
        ExitCode::SUCCESS
    })
}
