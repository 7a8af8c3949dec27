//! The reference sequence, when the bundle was built with `--fasta`: one section per contig of
//! upper-case bases, read in windows as left-alignment needs them.

use std::io;

use super::Bundle;
use super::container::Window;

/// Bases kept before the one asked for: left-alignment walks left from an indel, rarely far.
const BEHIND: u64 = 4096;
/// Bases also kept after it when the pass reads in order (the base lies within [`BEHIND`] past the
/// window): a sorted input's next indels lie to the right, so one read serves many of them. An
/// unsorted input reads only what is behind, not 64 kB per jump.
const AHEAD: u64 = 60 * 1024;

/// One pass's window into the reference.
#[derive(Default)]
pub struct SequenceCursor {
    contig: Option<u32>,
    start: u64,
    bases: Window,
}

impl SequenceCursor {
    /// The base at 1-based `pos` on `contig`, or `None` past either end (or without a sequence).
    pub fn base(&mut self, bundle: &Bundle, contig: u32, pos: u32) -> io::Result<Option<u8>> {
        let at = u64::from(pos).saturating_sub(1);
        let cached = self.contig == Some(contig)
            && at >= self.start
            && at < self.start + self.bases.bytes().len() as u64;
        if !cached {
            let section = &bundle.sequence_sections[contig as usize];
            let Some(len) = bundle.container.section_len(section) else { return Ok(None) };
            if at >= len {
                return Ok(None);
            }
            let window_end = self.start + self.bases.bytes().len() as u64;
            let in_order = self.contig == Some(contig) && at >= window_end && at - window_end < BEHIND;
            let start = at.saturating_sub(BEHIND);
            let end = if in_order { (at + AHEAD).min(len) } else { at + 1 };
            self.bases.read(&bundle.container, section, start, (end - start) as usize)?;
            self.contig = Some(contig);
            self.start = start;
        }
        Ok(self.bases.bytes().get((at - self.start) as usize).copied())
    }
}
