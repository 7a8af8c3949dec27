//! The annotator: takes a job request, annotates the job's VCF with the engine and stores the results.
//! See [`pipeline::Annotator`] for the steps and why each is safe to repeat.

pub mod bundle_source;
pub mod pipeline;

pub use pipeline::Annotator;
