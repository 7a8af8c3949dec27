//! Opening what the user gave: a file or stdin, plain or gzip/bgzip, told apart by content.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

const BUFFER: usize = 256 * 1024;

/// A buffered reader over the decompressed input, and whether the input was gzip (bgzip is gzip).
pub struct Input {
    pub reader: Box<dyn BufRead + Send>,
    pub gzipped: bool,
}

/// Opens `path` (or stdin for `None` or `-`), decompressing gzip and bgzip transparently.
pub fn open(path: Option<&Path>) -> io::Result<Input> {
    let raw: Box<dyn Read + Send> = match path {
        None => Box::new(io::stdin()),
        Some(p) if p == Path::new("-") => Box::new(io::stdin()),
        Some(p) => Box::new(File::open(p)?),
    };
    from_reader(raw)
}

pub fn from_reader(raw: Box<dyn Read + Send>) -> io::Result<Input> {
    let mut buffered = BufReader::with_capacity(BUFFER, raw);
    let gzipped = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead + Send> = if gzipped {
        Box::new(BufReader::with_capacity(BUFFER, MultiGzDecoder::new(buffered)))
    } else {
        Box::new(buffered)
    };
    Ok(Input { reader, gzipped })
}
