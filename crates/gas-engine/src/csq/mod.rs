//! Consequence prediction: what a variant does to each transcript it touches, written as INFO `BCSQ` in
//! bcftools csq's notation (`consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change`),
//! calling each record on its own like `bcftools csq -l`. Needs a bundle built from GFF3 with
//! transcript ids and with the reference sequence (`--fasta`).

mod call;
mod change;
mod coding;
mod consequences;
pub mod flags;
pub mod model;
mod quiet;
mod sites;
mod stage;

pub use call::CsqCaller;
pub use consequences::{Consequences, Key};
pub use model::TranscriptModel;
