//! The engine on real data and on what goes wrong with real uploads.

mod common;
mod csq_conformance;
mod errors;
mod noodles_agreement;
mod properties;
mod real_data;
mod regions;
