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
    bases: Window,
}

impl SequenceCursor {
    /// The base at 1-based `pos` on `contig`, or `None` past either end (or without a sequence).
    pub fn base(&mut self, bundle: &Bundle, contig: u32, pos: u32) -> io::Result<Option<u8>> {
        let at = u64::from(pos).saturating_sub(1);
        let same_contig = self.contig == Some(contig);
        if !(same_contig && self.bases.holds(at, 1)) {
            let section = &bundle.sequence_sections[contig as usize];
            let Some(len) = bundle.container.section_len(section) else { return Ok(None) };
            if at >= len {
                return Ok(None);
            }
            let in_order = same_contig && self.bases.continued_from(at, BEHIND);
            let start = at.saturating_sub(BEHIND);
            let end = if in_order { (at + AHEAD).min(len) } else { at + 1 };
            self.bases.read(&bundle.container, section, start, (end - start) as usize)?;
            self.contig = Some(contig);
        }
        Ok(self.bases.bytes().get((at - self.bases.start()) as usize).copied())
    }
}
