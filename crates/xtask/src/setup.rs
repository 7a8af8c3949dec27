//! Installs what the commands need and the machine lacks. Idempotent and quick when all is there.

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use crate::env::{root, state_dir};

pub fn ensure_all() -> Result<ExitCode, String> {
    ensure_moto()?;
    crate::demo::ensure_bundle()?;
    println!("xtask: everything is installed");
    Ok(ExitCode::SUCCESS)
}

/// A program in the project's Python venv.
pub fn venv_bin(name: &str) -> PathBuf {
    state_dir().join("venv/bin").join(name)
}

/// The Python venv with the pinned moto, recreated whenever `requirements.txt` changes.
pub fn ensure_moto() -> Result<(), String> {
    let requirements = root().join("crates/xtask/requirements.txt");
    let wanted =
        std::fs::read_to_string(&requirements).map_err(|e| format!("{}: {e}", requirements.display()))?;
    let stamp = state_dir().join("venv/.installed-requirements");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) && venv_bin("moto_server").exists() {
        return Ok(());
    }
    if !venv_bin("python").exists() {
        let venv = state_dir().join("venv");
        let create =
            || Command::new("python3").args(["-m", "venv"]).arg(&venv).status().is_ok_and(|s| s.success());
        if !create() {
            // Debian splits venv support out of python3.
            apt_install(&["python3", "python3-venv"])?;
            if !create() {
                return Err(
                    "cannot create a Python venv with `python3 -m venv`; install Python 3 with venv".into()
                );
            }
        }
    }
    run_step(
        Command::new(venv_bin("pip"))
            .args(["install", "--disable-pip-version-check", "--quiet", "-r"])
            .arg(&requirements),
        "installing the local AWS stand-in (moto) into .gas/venv",
    )?;
    std::fs::write(&stamp, wanted).map_err(|e| e.to_string())
}

/// Installs Debian packages, as root or through passwordless sudo.
pub fn apt_install(packages: &[&str]) -> Result<(), String> {
    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let prefix: &[&str] = if is_root { &[] } else { &["sudo", "-n"] };
    let apt = |args: &[&str]| {
        let mut argv: Vec<&str> = prefix.to_vec();
        argv.push("apt-get");
        argv.extend_from_slice(args);
        Command::new(argv[0])
            .args(&argv[1..])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    println!("xtask: installing Debian packages {}", packages.join(" "));
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend_from_slice(packages);
    if apt(&["update", "-qq"]) && apt(&install) {
        Ok(())
    } else {
        Err(format!("could not install {}: install them and run again", packages.join(" ")))
    }
}

/// Runs a command to completion, failing with `what` if it fails.
pub fn run_step(command: &mut Command, what: &str) -> Result<(), String> {
    println!("xtask: {what}");
    let status = command.status().map_err(|e| format!("{what}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{what}: failed ({status})")) }
}
