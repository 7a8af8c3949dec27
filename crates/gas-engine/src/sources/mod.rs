//! Readers for the standard files a bundle is built from: GFF3 and GTF gene models, BED tracks.

pub mod bed;
pub mod gff;

/// A problem in a source file, with its 1-based line number.
#[derive(Debug, thiserror::Error)]
#[error("{file}: line {line}: {message}")]
pub struct SourceError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strand {
    Forward,
    Reverse,
}
