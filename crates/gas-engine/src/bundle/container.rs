//! The bundle's data file: named byte sections and, at the end, a directory of them. Opening maps
//! the file and reads only the directory, so a bundle of any size opens in milliseconds; a pass
//! touches only the sections (and parts of them) it uses.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
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
    /// The whole file, mapped: a pass reads the sections it needs straight from the page cache, with
    /// no copy and no system call per block.
    map: memmap2::Mmap,
    sections: HashMap<String, (usize, usize)>,
}

impl Container {
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let file = File::open(path)?;
        // SAFETY: a data file is never changed once written: `build` writes a new one beside it and
        // renames it into place, and a process that mapped the old file keeps reading its bytes.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file)? };
        let size = map.len();
        if size < 24 || map[..8] != *MAGIC || map[size - 8..] != *MAGIC {
            return Err(Corrupt("not a GAS bundle data file").into());
        }
        let directory_at = u64::from_le_bytes(map[size - 16..size - 8].try_into().expect("8 bytes"));
        let directory_at = usize::try_from(directory_at).unwrap_or(usize::MAX);
        if directory_at > size - 16 {
            return Err(Corrupt("directory out of range").into());
        }
        let mut r = Reader::new(&map[directory_at..size - 16]);
        let mut sections = HashMap::new();
        for _ in 0..r.varint()? {
            let name = r.string()?;
            let (offset, len) = (r.varint()?, r.varint()?);
            if offset.checked_add(len).is_none_or(|end| end > directory_at as u64) {
                return Err(Corrupt("section out of range").into());
            }
            sections.insert(name, (offset as usize, len as usize));
        }
        Ok(Self { map, sections })
    }

    /// The section's bytes, or `None` if the bundle has no such section.
    pub fn section(&self, name: &str) -> Option<&[u8]> {
        self.locate(name).map(|range| self.bytes(range))
    }

    /// Where the section lies in the file, for [`Container::bytes`]: a cursor keeps it rather than
    /// looking the name up again.
    pub fn locate(&self, name: &str) -> Option<Range<usize>> {
        let &(offset, len) = self.sections.get(name)?;
        Some(offset..offset + len)
    }

    pub fn bytes(&self, range: Range<usize>) -> &[u8] {
        &self.map[range]
    }

    /// Lets go of the file's pages this process has touched; they stay in the page cache, and a
    /// later read maps them again. Called now and then in a pass, so that its resident size is what
    /// it reads at the moment rather than every part of the bundle it has read.
    pub fn release(&self) {
        // SAFETY: the map is a read-only shared mapping of a file that is never changed in place:
        // dropping its pages loses nothing, the next read maps the same bytes again. Only advice:
        // when it fails, the pages simply stay.
        #[allow(unsafe_code)]
        let _ = unsafe { self.map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
    }
}
