//! The reference sequence, when the bundle was built with `--fasta`: one section per contig of
//! upper-case bases, read in small windows as left-alignment needs them.

use std::io;

use super::Bundle;

const WINDOW: u64 = 4096;

/// One pass's window into the reference.
#[derive(Default)]
pub struct SequenceCursor {
    contig: Option<u32>,
    start: u64,
    bases: Vec<u8>,
}

impl SequenceCursor {
    /// The base at 1-based `pos` on `contig`, or `None` past either end (or without a sequence).
    pub fn base(&mut self, bundle: &Bundle, contig: u32, pos: u32) -> io::Result<Option<u8>> {
        let at = u64::from(pos).saturating_sub(1);
        let cached =
            self.contig == Some(contig) && at >= self.start && at < self.start + self.bases.len() as u64;
        if !cached {
            let section = &bundle.sequence_sections[contig as usize];
            let Some(len) = bundle.container.section_len(section) else { return Ok(None) };
            if at >= len {
                return Ok(None);
            }
            // Left-alignment walks left: take the window that ends at this base.
            let start = (at + 1).saturating_sub(WINDOW);
            bundle.container.read_part(section, start, (at + 1 - start) as usize, &mut self.bases)?;
            self.contig = Some(contig);
            self.start = start;
        }
        Ok(self.bases.get((at - self.start) as usize).copied())
    }
}
