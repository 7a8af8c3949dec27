//! A profile-guided (PGO) release build of gas-annotate: built once instrumented, run on training
//! files, and built again with the recorded profile, which tells the compiler which branches the
//! annotation pass takes and which code is cold. The output is the same; the bench times both builds.
//!
//! It needs `llvm-profdata` of the LLVM major version rustc is built on (Debian's `llvm-N`, installed
//! when missing). Without it the bench goes on with the plain build alone and says why.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::env::root;
use crate::setup::{apt_install, run_step};

/// Builds gas-annotate with a profile recorded by `train`, which gets the instrumented binary and
/// runs it. Returns the optimized binary, or why there is none.
pub fn build_annotator(train: impl FnOnce(&Path) -> Result<(), String>) -> Result<PathBuf, String> {
    let profdata = llvm_profdata()?;
    let target = root().join("target");
    let profiles = target.join("pgo-profiles");
    let instrumented = target.join("pgo-train");
    let optimized = target.join("pgo");

    build(&instrumented, &format!("-Cprofile-generate={}", profiles.display()), "instrumented")?;
    // Build scripts ran instrumented too: only the training run's profile counts.
    let _ = std::fs::remove_dir_all(&profiles);
    train(&instrumented.join("release/gas-annotate"))?;
    let merged = target.join("gas-annotate.profdata");
    let raw: Vec<PathBuf> = std::fs::read_dir(&profiles)
        .map_err(|e| format!("the training run wrote no profile: {e}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "profraw"))
        .collect();
    run_step(
        Command::new(&profdata).arg("merge").arg("-o").arg(&merged).args(&raw),
        "merging the training profile",
    )?;
    build(&optimized, &format!("-Cprofile-use={}", merged.display()), "with the training profile")?;
    Ok(optimized.join("release/gas-annotate"))
}

/// A release build of gas-annotate into its own target directory (the flags differ from the usual
/// build's, which would otherwise be rebuilt every time).
fn build(target_dir: &Path, rustflags: &str, what: &str) -> Result<(), String> {
    run_step(
        Command::new(env!("CARGO"))
            .current_dir(root())
            .args(["build", "--release", "--quiet", "-p", "gas-ann", "--bin", "gas-annotate"])
            .env("CARGO_TARGET_DIR", target_dir)
            .env("RUSTFLAGS", rustflags),
        &format!("building gas-annotate (release, {what})"),
    )
}

/// `llvm-profdata` matching rustc's LLVM, installed from Debian's `llvm-N` when missing.
fn llvm_profdata() -> Result<PathBuf, String> {
    let version = Command::new("rustc").arg("-vV").output().map_err(|e| format!("rustc -vV: {e}"))?;
    let text = String::from_utf8_lossy(&version.stdout);
    let major = text
        .lines()
        .find_map(|line| line.strip_prefix("LLVM version: "))
        .and_then(|v| v.split('.').next())
        .ok_or("rustc -vV names no LLVM version")?
        .to_owned();
    let tool = PathBuf::from(format!("/usr/lib/llvm-{major}/bin/llvm-profdata"));
    if !tool.exists() {
        apt_install(&[&format!("llvm-{major}")])?;
    }
    if tool.exists() { Ok(tool) } else { Err(format!("{} is missing", tool.display())) }
}
