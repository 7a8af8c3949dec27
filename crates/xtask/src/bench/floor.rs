//! The I/O floor of the engine bench: what reading and writing the files costs before any annotation.
//! It decompresses the input with the decoder gas-annotate uses (flate2 with zlib-rs) and writes the
//! bytes back out in large blocks. No annotator that reads these files and writes a VCF at least as
//! long can take less time, so `bcftools time / floor time` is the highest speed-up the run allows.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use flate2::read::MultiGzDecoder;

/// gas-engine's input buffer and output batch size.
const BUFFER: usize = 256 * 1024;

/// Writes the decompressed `input` to `output`; returns the wall time and the bytes written.
pub fn copy(input: &Path, output: &Path) -> std::io::Result<(Duration, u64)> {
    let started = Instant::now();
    let raw = BufReader::with_capacity(BUFFER, File::open(input)?);
    let mut reader = MultiGzDecoder::new(raw);
    let mut out = File::create(output)?;
    let mut block = vec![0; BUFFER];
    let mut written = 0;
    loop {
        let n = reader.read(&mut block)?;
        if n == 0 {
            break;
        }
        out.write_all(&block[..n])?;
        written += n as u64;
    }
    Ok((started.elapsed(), written))
}
