//! Opening what the user gave: a file or stdin, plain, gzip or bgzip, told apart by content.

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
    let start = buffered.fill_buf()?;
    let gzipped = start.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead + Send> = if starts_bgzf_block(start) {
        // Blocks of at most 64 KiB, each inflated in one call: twice as fast as streaming.
        Box::new(Bgzf(noodles_bgzf::io::Reader::new(buffered)))
    } else if gzipped {
        Box::new(BufReader::with_capacity(BUFFER, MultiGzDecoder::new(buffered)))
    } else {
        Box::new(buffered)
    };
    Ok(Input { reader, gzipped })
}

/// Whether `start` opens with a BGZF block header: a gzip header whose only extra field is the
/// block size (`BC`), as bgzip and htslib write it.
fn starts_bgzf_block(start: &[u8]) -> bool {
    matches!(start, [0x1f, 0x8b, 8, 4, _, _, _, _, _, _, 6, 0, b'B', b'C', 2, 0, ..])
}

/// A bgzip reader whose errors say that the compression is what is damaged.
struct Bgzf<R>(noodles_bgzf::io::Reader<R>);

fn damaged(e: &io::Error) -> io::Error {
    let what = match e.kind() {
        io::ErrorKind::UnexpectedEof => "the bgzip file ends inside a block: was it cut short?".to_owned(),
        _ => format!("the bgzip compression is damaged ({e})"),
    };
    io::Error::new(e.kind(), what)
}

impl<R: Read> Read for Bgzf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| damaged(&e))
    }
}

impl<R: Read> BufRead for Bgzf<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.0.fill_buf().map_err(|e| damaged(&e))
    }

    fn consume(&mut self, amount: usize) {
        self.0.consume(amount);
    }
}
