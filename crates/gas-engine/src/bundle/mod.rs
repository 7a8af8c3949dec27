//! The annotation bundle: a directory with `manifest.json` (format version, assembly, sources and
//! their checksums, contigs and aliases, what it carries) and `bundle.gas`, the data file.

mod build;
pub(crate) mod codec;
mod container;
pub mod known;
pub mod regions;
pub mod tracks;

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::csq::TranscriptModel;
pub use build::{BuildError, BuildOptions, build};
pub use codec::Corrupt;
use container::Container;
use known::KnownIndex;
use regions::RegionIndex;
use tracks::Track;

pub const FORMAT_VERSION: u32 = 5;
pub const MANIFEST: &str = "manifest.json";
pub const DATA_FILE: &str = "bundle.gas";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    /// GRCh37, GRCh38, … as given at build time.
    pub assembly: String,
    pub created_by: String,
    pub sources: Vec<SourceFile>,
    pub contigs: Vec<ContigInfo>,
    /// Other names for contigs (`1` for `chr1`, `MT` for `chrM`, …): alias → contig.
    pub aliases: BTreeMap<String, String>,
    /// Bases upstream of a transcription start that count as `promoter`.
    pub promoter_window: u32,
    /// INFO fields carried from the known variants, written as `KNOWN_<id>`.
    pub known_info: Vec<InfoField>,
    pub tracks: Vec<String>,
    /// Whether the reference sequence is in the bundle (built with `--fasta`): then indels are
    /// left-aligned before matching known variants.
    #[serde(default)]
    pub sequence: bool,
    pub genes: usize,
    /// Transcripts with ids stored for consequence calling (`tx/<contig>` sections).
    #[serde(default)]
    pub transcripts: usize,
    pub known_records: usize,
    pub data: DataFile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// gff3, gtf, fasta, known, bed:<track>
    pub kind: String,
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContigInfo {
    pub name: String,
    pub length: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoField {
    pub id: String,
    /// The VCF Number of the source field (`A` fields are split per ALT allele).
    pub number: String,
    pub kind: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFile {
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot read the annotation bundle: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Corrupt(#[from] Corrupt),
    #[error("the annotation bundle's manifest is not valid: {0}")]
    Manifest(#[from] serde_json::Error),
    #[error(
        "the annotation bundle has format version {found}; this gas-annotate reads version {FORMAT_VERSION}: rebuild it"
    )]
    Version { found: u32 },
    #[error(
        "the annotation bundle's data file has {found} bytes, its manifest says {expected}: it is incomplete or changed"
    )]
    Size { found: u64, expected: u64 },
    #[error("the annotation bundle's checksum does not match its manifest: it is damaged")]
    Checksum,
}

impl From<container::OpenError> for OpenError {
    fn from(e: container::OpenError) -> Self {
        match e {
            container::OpenError::Io(e) => Self::Io(e),
            container::OpenError::Corrupt(e) => Self::Corrupt(e),
        }
    }
}

/// An open bundle. Immutable and shareable between concurrent passes; each pass keeps its own cursors.
pub struct Bundle {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub(crate) container: Container,
    pub(crate) known: KnownIndex,
    pub(crate) regions: RegionIndex,
    pub(crate) tracks: Vec<Track>,
    /// Where each contig's reference sequence lies in the data file (empty without one).
    sequences: Vec<Range<usize>>,
    contig_ids: HashMap<Vec<u8>, u32>,
    /// Each contig's transcripts, read once and shared by every pass (an annotator keeps its bundle
    /// open for all its jobs).
    transcripts: Vec<OnceLock<Arc<[TranscriptModel]>>>,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("dir", &self.dir)
            .field("assembly", &self.manifest.assembly)
            .finish_non_exhaustive()
    }
}

impl Bundle {
    /// Opens a bundle: reads the manifest and the data file's directories only.
    pub fn open(dir: &Path) -> Result<Self, OpenError> {
        let manifest: Manifest = serde_json::from_slice(&std::fs::read(dir.join(MANIFEST))?)?;
        if manifest.format_version != FORMAT_VERSION {
            return Err(OpenError::Version { found: manifest.format_version });
        }
        let data = dir.join(&manifest.data.file);
        let found = std::fs::metadata(&data)?.len();
        if found != manifest.data.bytes {
            return Err(OpenError::Size { found, expected: manifest.data.bytes });
        }
        let container = Container::open(&data)?;
        let names: Vec<String> = manifest.contigs.iter().map(|c| c.name.clone()).collect();
        let known = KnownIndex::open(&container, &names, manifest.known_info.len())?;
        let regions = RegionIndex::open(&container, &names)?;
        let tracks = manifest.tracks.iter().map(|t| Track::new(t, &names)).collect();
        let mut contig_ids: HashMap<Vec<u8>, u32> =
            names.iter().enumerate().map(|(i, n)| (n.as_bytes().to_vec(), i as u32)).collect();
        for (alias, target) in &manifest.aliases {
            if let Some(&id) = contig_ids.get(target.as_bytes()) {
                contig_ids.entry(alias.as_bytes().to_vec()).or_insert(id);
            }
        }
        let sequences = names.iter().map(|n| container.locate(&format!("seq/{n}")).unwrap_or(0..0)).collect();
        let transcripts = names.iter().map(|_| OnceLock::new()).collect();
        Ok(Self {
            dir: dir.to_owned(),
            manifest,
            container,
            known,
            regions,
            tracks,
            sequences,
            contig_ids,
            transcripts,
        })
    }

    /// Checks the data file against the manifest's checksum (reads it whole).
    pub fn verify(&self) -> Result<(), OpenError> {
        let digest = sha256_file(&self.dir.join(&self.manifest.data.file))?;
        if digest == self.manifest.data.sha256 { Ok(()) } else { Err(OpenError::Checksum) }
    }

    /// The bundle's id for a contig name as the input writes it (`chr1`, `1`, `MT`, …).
    pub fn contig(&self, name: &[u8]) -> Option<u32> {
        self.contig_ids.get(name).copied()
    }

    pub fn contig_name(&self, id: u32) -> &str {
        &self.manifest.contigs[id as usize].name
    }

    pub fn has_known(&self) -> bool {
        !self.known.is_empty()
    }

    pub fn has_genes(&self) -> bool {
        self.regions.gene_count() > 0
    }

    /// Whether records get BCSQ consequences: transcripts and the reference sequence are both here.
    pub fn has_consequences(&self) -> bool {
        self.manifest.transcripts > 0 && self.manifest.sequence
    }

    /// The transcripts on `contig`, sorted by start.
    pub fn transcripts(&self, contig: u32) -> std::io::Result<Arc<[TranscriptModel]>> {
        let cell = &self.transcripts[contig as usize];
        if let Some(transcripts) = cell.get() {
            return Ok(Arc::clone(transcripts));
        }
        let section = format!("tx/{}", self.contig_name(contig));
        let read = match self.container.section(&section) {
            None => Vec::new(),
            Some(bytes) => crate::csq::model::decode(bytes).map_err(std::io::Error::other)?,
        };
        // Two passes reading the same contig at once both parse it; the first to finish is kept.
        Ok(Arc::clone(cell.get_or_init(|| read.into())))
    }

    /// Unmaps the parts of the bundle this process has read (see [`Container::release`]).
    pub fn release_pages(&self) {
        self.container.release();
    }

    /// The reference bases `start..=end` (1-based) of `contig`; short past the contig's end, empty
    /// without a sequence.
    pub fn reference(&self, contig: u32, start: u32, end: u32) -> &[u8] {
        let bases = self.sequence(contig);
        let from = (start.max(1) - 1) as usize;
        if from >= bases.len() || end < start {
            return &[];
        }
        &bases[from..(end as usize).min(bases.len())]
    }

    /// The reference sequence of `contig`, upper-case; empty without one.
    pub fn sequence(&self, contig: u32) -> &[u8] {
        self.container.bytes(self.sequences[contig as usize].clone())
    }
}

/// The hex SHA-256 of a file, read in a streaming fashion.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The usual other names of a contig: with or without `chr`, and `MT`/`chrM`/`M` for the mitochondrion.
pub fn default_aliases(name: &str) -> Vec<String> {
    let bare = name.strip_prefix("chr").unwrap_or(name);
    let mut aliases = vec![bare.to_owned(), format!("chr{bare}")];
    if matches!(bare, "M" | "MT") {
        aliases.extend(["M", "MT", "chrM", "chrMT"].map(str::to_owned));
    }
    aliases.retain(|a| a != name);
    aliases.dedup();
    aliases
}
