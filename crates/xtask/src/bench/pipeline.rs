//! `cargo xtask bench pipeline`: `gas-admin loadgen` against the local cloud with release binaries.
//! loadgen itself compares each run with one whose handler skips annotation (the peer: the same
//! pipeline on the same stand-in, minus the engine) and reports the stand-in's own CPU per job.

use std::process::Command;

use crate::cloud::Moto;
use crate::env::{binary_in, dotenv, testdata};
use crate::setup::run_step;
use crate::supervisor::Supervisor;

/// Jobs per second and seconds per phase: a steady load two cores keep up with, long enough for
/// stable percentiles (120 jobs per phase).
const RATE: &str = "2";
const DURATION: &str = "60s";

pub fn run() -> Result<(), String> {
    super::build_release(&[("gas-util", "gas-admin"), ("gas-ann", "gas-annotator")])?;
    let bundle = crate::demo::ensure_bundle()?;
    let samples = testdata()?.join("anntools");
    let mut supervisor = Supervisor::default();
    let moto = Moto::start(&mut supervisor)?;
    let runs = [
        ("small jobs: test.vcf (10 KB) and free_1.vcf (33 KB)", vec!["test.vcf", "free_1.vcf"]),
        ("every sample file in turn (10 KB to 2.8 MB)", vec![]),
    ];
    let mut outcome = Ok(());
    for (label, files) in runs {
        println!();
        println!("pipeline bench: {label}, {RATE} jobs/s for {DURATION} per phase");
        let mut command = Command::new(binary_in("release", "gas-admin"));
        command
            .envs(dotenv())
            .envs(moto.env())
            .env("GAS_ANNOTATION_BUNDLE", &bundle)
            .env("GAS_TESTDATA", testdata()?)
            .env("GAS_DEPLOYMENT", "bench")
            .args(["loadgen", "--rate", RATE, "--duration", DURATION, "--cloud-pid", &moto.pid.to_string()]);
        if !files.is_empty() {
            command.arg("--files").args(files.iter().map(|f| samples.join(f)));
        }
        outcome = run_step(&mut command, "gas-admin loadgen");
        if outcome.is_err() {
            break;
        }
    }
    supervisor.stop_all();
    outcome
}
