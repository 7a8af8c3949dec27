//! Paths and the environment the commands share.

use std::path::PathBuf;

/// The repository root.
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.join("../..").canonicalize().expect("repository root")
}

/// Tools and state the commands install or create, kept out of the source tree: `.gas/` (ignored by git).
pub fn state_dir() -> PathBuf {
    root().join(".gas")
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// A built (debug) binary of the workspace.
pub fn binary(name: &str) -> PathBuf {
    binary_in("debug", name)
}

/// A built binary of the workspace in `profile`'s directory.
pub fn binary_in(profile: &str, name: &str) -> PathBuf {
    target_dir().join(profile).join(name)
}

/// `KEY=VALUE` lines of the repository's `.env`, if there is one (comments and blank lines skipped).
/// Variables already set in the environment win.
pub fn dotenv() -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(root().join(".env")) else { return Vec::new() };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches("export ").split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
        .filter(|(k, _)| std::env::var_os(k).is_none())
        .collect()
}

/// The shared real-data test files: `GAS_TESTDATA`, else `../shared/testdata` beside the repository.
pub fn testdata() -> Result<PathBuf, String> {
    let dir =
        std::env::var_os("GAS_TESTDATA").map_or_else(|| root().join("../shared/testdata"), PathBuf::from);
    match dir.canonicalize() {
        Ok(dir) if dir.join("grch37/chr22.vcf.gz").exists() => Ok(dir),
        _ => Err(format!(
            "the shared test data is not at {}: put it there (../shared/testdata beside the repository) or set GAS_TESTDATA",
            dir.display()
        )),
    }
}
