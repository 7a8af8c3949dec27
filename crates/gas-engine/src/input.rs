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
        Box::new(Bgzf(noodles_bgzf::io::Reader::new(Frames::new(buffered))))
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
struct Bgzf<R>(noodles_bgzf::io::Reader<Frames<R>>);

fn damaged(e: &io::Error) -> io::Error {
    if e.get_ref().is_some_and(|inner| inner.is::<CutShort>()) || e.kind() == io::ErrorKind::UnexpectedEof {
        return io::Error::new(io::ErrorKind::UnexpectedEof, CutShort);
    }
    io::Error::new(e.kind(), format!("the bgzip compression is damaged ({e})"))
}

#[derive(Debug, thiserror::Error)]
#[error("the bgzip file ends inside a block: was it cut short?")]
struct CutShort;

/// The compressed bytes on their way to the BGZF reader, followed block by block so that a file cut
/// inside a block's header is an error: the reader takes a header it cannot read whole for the end.
struct Frames<R> {
    inner: R,
    /// The header bytes read so far of the next block (while `body_left` is 0).
    header: [u8; 18],
    header_len: usize,
    /// Bytes of the current block still to come after its header.
    body_left: usize,
}

impl<R> Frames<R> {
    fn new(inner: R) -> Self {
        Self { inner, header: [0; 18], header_len: 0, body_left: 0 }
    }

    fn follow(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let take = if self.body_left > 0 {
                let take = self.body_left.min(bytes.len());
                self.body_left -= take;
                take
            } else {
                let take = (self.header.len() - self.header_len).min(bytes.len());
                self.header[self.header_len..self.header_len + take].copy_from_slice(&bytes[..take]);
                self.header_len += take;
                if self.header_len == self.header.len() {
                    // BSIZE, the block's size minus 1, ends the header (a wrong one the reader refuses).
                    let size = usize::from(u16::from_le_bytes([self.header[16], self.header[17]])) + 1;
                    self.body_left = size.saturating_sub(self.header.len());
                    self.header_len = 0;
                }
                take
            };
            bytes = &bytes[take..];
        }
    }
}

impl<R: Read> Read for Frames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && (self.header_len > 0 || self.body_left > 0) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, CutShort));
        }
        self.follow(&buf[..n]);
        Ok(n)
    }
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
