//! The bundle's data file: named byte sections and, at the end, a directory of them. Opening reads
//! only the directory; sections are read on demand with positioned reads, so a bundle of any size
//! opens in milliseconds and a pass holds only what it is using.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::codec::{Corrupt, Reader, put_bytes, put_varint};

const MAGIC: &[u8; 8] = b"GASBNDL1";

pub struct ContainerWriter {
    out: BufWriter<File>,
    offset: u64,
    sections: Vec<(String, u64, u64)>,
}

impl ContainerWriter {
    pub fn create(path: &Path) -> io::Result<Self> {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        out.write_all(MAGIC)?;
        Ok(Self { out, offset: MAGIC.len() as u64, sections: Vec::new() })
    }

    pub fn add(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.sections.push((name.to_owned(), self.offset, bytes.len() as u64));
        self.offset += bytes.len() as u64;
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<()> {
        let mut directory = Vec::new();
        put_varint(&mut directory, self.sections.len() as u64);
        for (name, offset, len) in &self.sections {
            put_bytes(&mut directory, name.as_bytes());
            put_varint(&mut directory, *offset);
            put_varint(&mut directory, *len);
        }
        self.out.write_all(&directory)?;
        self.out.write_all(&self.offset.to_le_bytes())?;
        self.out.write_all(MAGIC)?;
        self.out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(transparent)]
    Corrupt(#[from] Corrupt),
}

pub struct Container {
    file: File,
    sections: HashMap<String, (u64, u64)>,
}

impl Container {
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let file = File::open(path)?;
        let size = file.metadata()?.len();
        if size < 24 {
            return Err(Corrupt("file too short").into());
        }
        let mut tail = [0u8; 16];
        file.read_exact_at(&mut tail, size - 16)?;
        let mut magic = [0u8; 8];
        file.read_exact_at(&mut magic, 0)?;
        if &tail[8..] != MAGIC || &magic != MAGIC {
            return Err(Corrupt("not a GAS bundle data file").into());
        }
        let directory_at = u64::from_le_bytes(tail[..8].try_into().expect("8 bytes"));
        if directory_at > size - 16 {
            return Err(Corrupt("directory out of range").into());
        }
        let mut directory = vec![0u8; (size - 16 - directory_at) as usize];
        file.read_exact_at(&mut directory, directory_at)?;
        let mut r = Reader::new(&directory);
        let mut sections = HashMap::new();
        for _ in 0..r.varint()? {
            let name = r.string()?;
            let (offset, len) = (r.varint()?, r.varint()?);
            if offset + len > directory_at {
                return Err(Corrupt("section out of range").into());
            }
            sections.insert(name, (offset, len));
        }
        Ok(Self { file, sections })
    }

    pub fn has(&self, name: &str) -> bool {
        self.sections.contains_key(name)
    }

    /// The section's length, or `None` if the bundle has no such section.
    pub fn section_len(&self, name: &str) -> Option<u64> {
        self.sections.get(name).map(|&(_, len)| len)
    }

    /// The whole section, or `None` if the bundle has no such section.
    pub fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        let Some(&(offset, len)) = self.sections.get(name) else { return Ok(None) };
        let mut buf = vec![0u8; len as usize];
        self.file.read_exact_at(&mut buf, offset)?;
        Ok(Some(buf))
    }

    /// `len` bytes at `at` within the section, into `buf` (resized).
    pub fn read_part(&self, name: &str, at: u64, len: usize, buf: &mut Vec<u8>) -> io::Result<()> {
        buf.resize(len, 0);
        self.read_part_into(name, at, buf)
    }

    /// `buf.len()` bytes at `at` within the section, into `buf`.
    fn read_part_into(&self, name: &str, at: u64, buf: &mut [u8]) -> io::Result<()> {
        let &(offset, section_len) = self.sections.get(name).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidData, format!("bundle has no section {name}"))
        })?;
        if at + buf.len() as u64 > section_len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the annotation bundle is corrupt (block out of range)",
            ));
        }
        self.file.read_exact_at(buf, offset + at)
    }
}

/// A cursor's window onto a section: its room only grows, so a read does not first zero the bytes it
/// is about to overwrite (windows of up to half a megabyte, read thousands of times a pass).
#[derive(Default)]
pub struct Window {
    room: Vec<u8>,
    /// The window is bytes `start..start + len` of its section.
    start: u64,
    len: usize,
}

impl Window {
    /// Reads `len` bytes at `at` within section `name`; empty after an error.
    pub fn read(&mut self, container: &Container, name: &str, at: u64, len: usize) -> io::Result<()> {
        if self.room.len() < len {
            self.room.resize(len, 0);
        }
        self.len = 0;
        container.read_part_into(name, at, &mut self.room[..len])?;
        (self.start, self.len) = (at, len);
        Ok(())
    }

    pub fn bytes(&self) -> &[u8] {
        &self.room[..self.len]
    }

    /// Where the window starts in its section.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// Where the window ends in its section (exclusive).
    pub fn end(&self) -> u64 {
        self.start + self.len as u64
    }

    /// Whether bytes `at..at + len` of the section are in the window.
    pub fn holds(&self, at: u64, len: usize) -> bool {
        at >= self.start && at + len as u64 <= self.end()
    }

    /// Whether a read from `at` goes on from the window: `at` lies in it or less than `distance` past
    /// its end (a cursor reading in order; one that needs more than the window holds from `at`).
    pub fn continued_from(&self, at: u64, distance: u64) -> bool {
        at >= self.start && at < self.end() + distance
    }
}
