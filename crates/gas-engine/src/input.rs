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
    let gzipped = start.starts_with(&GZIP_MAGIC);
    let reader: Box<dyn BufRead + Send> = if starts_bgzf_block(start) {
        // Blocks of at most 64 KiB, each inflated in one call: twice as fast as streaming.
        Box::new(Gzip::Blocks(noodles_bgzf::io::Reader::new(Blocks::new(buffered))))
    } else if gzipped {
        Box::new(streaming(buffered))
    } else {
        Box::new(buffered)
    };
    Ok(Input { reader, gzipped })
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const BGZF_HEADER: usize = 18;

/// Whether `start` opens with a BGZF block header: a gzip header whose only extra field is the
/// block size (`BC`), as bgzip and htslib write it.
fn starts_bgzf_block(start: &[u8]) -> bool {
    matches!(start, [0x1f, 0x8b, 8, 4, _, _, _, _, _, _, 6, 0, b'B', b'C', 2, 0, ..])
}

/// Gzip members of any kind (concatenated), inflated as a stream.
fn streaming<R: Read>(compressed: R) -> BufReader<MultiGzDecoder<R>> {
    BufReader::with_capacity(BUFFER, MultiGzDecoder::new(compressed))
}

/// A bgzip input: read block by block until a member that is not a BGZF block (files concatenated
/// from different compressors), then as a stream. Errors say that the compression is what is damaged.
enum Gzip<R> {
    Blocks(noodles_bgzf::io::Reader<Blocks<R>>),
    /// The rest, from the plain member on.
    Stream(Box<dyn BufRead + Send>),
    /// Only while switching from one to the other.
    Switching,
}

impl<R: Read + Send + 'static> Gzip<R> {
    /// Goes on as a stream from the plain gzip member the blocks stopped at (its first bytes read).
    fn switch_to_stream(&mut self) {
        if let Self::Blocks(reader) = std::mem::replace(self, Self::Switching) {
            let blocks = reader.into_inner();
            *self = Self::Stream(Box::new(streaming(io::Cursor::new(blocks.header).chain(blocks.inner))));
        }
    }
}

fn damaged(e: &io::Error) -> io::Error {
    if e.get_ref().is_some_and(|inner| inner.is::<CutShort>()) || e.kind() == io::ErrorKind::UnexpectedEof {
        return io::Error::new(io::ErrorKind::UnexpectedEof, CutShort);
    }
    io::Error::new(e.kind(), format!("the bgzip compression is damaged ({e})"))
}

#[derive(Debug, thiserror::Error)]
#[error("the bgzip file ends inside a block: was it cut short?")]
struct CutShort;

/// The compressed bytes on their way to the BGZF reader, a block at a time: each block's header is
/// read whole first, so that a file cut inside it is an error (the reader takes a header it cannot
/// read whole for the end), and so that a member which is not a BGZF block is seen before the reader
/// gets it: the blocks end there.
struct Blocks<R> {
    inner: R,
    /// The current block's header, and how much of it the reader has had.
    header: [u8; BGZF_HEADER],
    header_served: usize,
    /// Bytes of the current block still to come after its header.
    body_left: usize,
    /// The blocks ended at a plain gzip member, whose first bytes are in `header`.
    at_plain_member: bool,
}

impl<R: Read> Blocks<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            header: [0; BGZF_HEADER],
            header_served: BGZF_HEADER,
            body_left: 0,
            at_plain_member: false,
        }
    }

    /// Reads the next member's header: `false` at the end of the input or at a plain gzip member.
    fn next_block(&mut self) -> io::Result<bool> {
        let mut len = 0;
        while len < BGZF_HEADER {
            match self.inner.read(&mut self.header[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if len == 0 {
            return Ok(false);
        }
        if len < BGZF_HEADER {
            return Err(io::Error::new(io::ErrorKind::InvalidData, CutShort));
        }
        if !starts_bgzf_block(&self.header) {
            if self.header.starts_with(&GZIP_MAGIC) {
                // Every gzip member is at least 18 bytes long: these are all its own.
                self.at_plain_member = true;
                return Ok(false);
            }
            return Err(io::Error::new(io::ErrorKind::InvalidData, "what follows a block is not gzip"));
        }
        // BSIZE, the block's size minus 1, ends the header (a wrong one the reader refuses).
        let size = usize::from(u16::from_le_bytes([self.header[16], self.header[17]])) + 1;
        self.body_left = size.saturating_sub(BGZF_HEADER);
        self.header_served = 0;
        Ok(true)
    }
}

impl<R: Read> Read for Blocks<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.header_served == BGZF_HEADER && self.body_left == 0 && !self.next_block()? {
            return Ok(0);
        }
        if self.header_served < BGZF_HEADER {
            let n = (BGZF_HEADER - self.header_served).min(buf.len());
            buf[..n].copy_from_slice(&self.header[self.header_served..self.header_served + n]);
            self.header_served += n;
            return Ok(n);
        }
        let want = self.body_left.min(buf.len());
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 && want > 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, CutShort));
        }
        self.body_left -= n;
        Ok(n)
    }
}

impl<R: Read + Send + 'static> Read for Gzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read + Send + 'static> BufRead for Gzip<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if let Self::Blocks(reader) = self {
            let ended = reader.fill_buf().map_err(|e| damaged(&e))?.is_empty();
            if ended && reader.get_ref().at_plain_member {
                self.switch_to_stream();
            }
        }
        match self {
            Self::Blocks(reader) => reader.fill_buf().map_err(|e| damaged(&e)),
            Self::Stream(reader) => reader.fill_buf(),
            Self::Switching => unreachable!("switched within one call"),
        }
    }

    fn consume(&mut self, amount: usize) {
        match self {
            Self::Blocks(reader) => reader.consume(amount),
            Self::Stream(reader) => reader.consume(amount),
            Self::Switching => {}
        }
    }
}
