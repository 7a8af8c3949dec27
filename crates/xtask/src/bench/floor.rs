//! The floor of the engine bench: decompressing the input, which every run does before any
//! annotation, with the decoder gas-annotate uses (flate2 with zlib-rs, the same buffer size). No
//! annotator reading these files can take less time, so `bcftools time / floor time` is the highest
//! speed-up the run allows.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::time::{Duration, Instant};

use flate2::read::MultiGzDecoder;

/// gas-engine's input buffer size.
const BUFFER: usize = 256 * 1024;

/// Decompresses `input`, keeping nothing; returns the wall time.
pub fn decompress(input: &Path) -> std::io::Result<Duration> {
    let started = Instant::now();
    let mut reader = MultiGzDecoder::new(BufReader::with_capacity(BUFFER, File::open(input)?));
    let mut block = vec![0; BUFFER];
    while reader.read(&mut block)? > 0 {}
    Ok(started.elapsed())
}
