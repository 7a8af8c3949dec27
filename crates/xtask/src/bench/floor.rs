//! The floor of the engine bench: decompressing the input, which every run does before any
//! annotation, with gas-annotate's own reader (`gas_engine::input`). No annotator reading these
//! files can take less time, so `bcftools time / floor time` is the highest speed-up the run allows.

use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, Instant};

/// Decompresses `input`, keeping nothing; returns the wall time.
pub fn decompress(input: &Path) -> std::io::Result<Duration> {
    let started = Instant::now();
    let mut reader = gas_engine::input::open(Some(input))?.reader;
    loop {
        let n = reader.fill_buf()?.len();
        if n == 0 {
            return Ok(started.elapsed());
        }
        reader.consume(n);
    }
}
