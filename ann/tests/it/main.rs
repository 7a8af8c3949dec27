//! gas-annotate as a researcher runs it, and the annotator pipeline against the local cloud.

mod bundle_source;
mod crash;
mod faults;
mod pipeline;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn demo_bundle() -> PathBuf {
    std::env::var_os("GAS_DEMO_BUNDLE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.gas/demo/bundle-grch37"))
}

pub fn testdata(path: &str) -> PathBuf {
    std::env::var_os("GAS_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata"))
        .join(path)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gas-annotate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn annotate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gas-annotate"))
        .arg("annotate")
        .arg("--bundle")
        .arg(demo_bundle())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn gzip_in_gives_bgzip_out_with_log_and_summary() {
    let dir = scratch("gz");
    let out = dir.join("chr22.annot.vcf.gz");
    let (log, summary) = (dir.join("chr22.count.log"), dir.join("chr22.json"));
    let result = annotate(&[
        "-o",
        out.to_str().unwrap(),
        "--log",
        log.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
        testdata("grch37/chr22.vcf.gz").to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));

    // BGZF: gzip members with the BC extra field, ending with the empty EOF block.
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..4], &[0x1f, 0x8b, 8, 4]);
    assert_eq!(&bytes[12..14], b"BC");
    assert!(bytes.ends_with(&[
        0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0x1b, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0
    ]));
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
    assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 10_376);
    assert!(text.contains("##GAS_annotateCommand="));

    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.starts_with("Total: 10376\nIn dbSNP: 76 (0.73%)\nVariants located:\n    CDS: 1015\n"),
        "{log}"
    );
    assert!(log.contains("\nIn CpG: 783 in 10376 variants\n"), "{log}");
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    assert_eq!(summary["total"], 10_376);
    assert_eq!(summary["regions"][0], serde_json::json!({"class": "CDS", "count": 1015}));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_malformed_file_fails_with_its_line_and_leaves_no_output() {
    let dir = scratch("bad");
    let input = dir.join("bad.vcf");
    std::fs::write(
        &input,
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t10\t.\tA\tC\t.\t.\t.\nchr1\t11\t.\tAZ\tC\t.\t.\t.\n",
    )
    .unwrap();
    let (out, log) = (dir.join("bad.annot.vcf"), dir.join("bad.count.log"));
    let result =
        annotate(&["-o", out.to_str().unwrap(), "--log", log.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&result.stderr), "gas-annotate: line 4: REF contains 'Z'\n");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left, ["bad.vcf"], "partial output left behind");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stdin_to_stdout() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gas-annotate"))
        .args(["annotate", "--bundle", demo_bundle().to_str().unwrap(), "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr22\t50301476\t.\tT\tC\t.\t.\t.\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().last().unwrap(),
        "chr22\t50301476\trs8135963\tT\tC\t.\t.\tDB;GENE=ALG12;REGION=CDS"
    );
}

#[test]
fn a_missing_bundle_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_gas-annotate"))
        .args(["annotate", "--bundle", "/nonexistent", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("gas-annotate: cannot read the annotation bundle: "), "{stderr}");
}
