//! The GAS annotation engine. Reads what users really upload (VCF 3.3 to 4.4, plain or gzip/bgzip,
//! messy headers), and annotates every record from a prebuilt [`bundle::Bundle`]: known rsIDs and
//! carried INFO fields per ALT allele, the genes it falls in with the most severe region class per gene,
//! overlap tracks, and an AnnTools-style count log.
//!
//! The pass streams: memory stays flat however large the input, and the bundle opens in milliseconds
//! (only directories are read at open; data is read per contig and per block as the input reaches it).

pub mod alleles;
pub mod annotate;
pub mod assembly;
pub mod bundle;
pub mod csq;
pub mod input;
mod search;
mod short_copy;
pub mod sources;
pub mod summary;
pub mod vcf;

pub use annotate::{AnnotateError, AnnotateOptions, annotate};
pub use bundle::Bundle;
pub use summary::Summary;
