//! One record's BCSQ value, built from the staged entries of each ALT allele.

use super::flags::Flags;
use super::model::TranscriptModel;
use super::stage::{self, Stage};
use crate::short_copy::Padded;

/// One record's BCSQ value (the entries of all ALT alleles, without duplicates, joined by `,`),
/// written at the end of `text` after its key (written with the first entry: a record without any
/// gets neither), and the types it prints.
#[derive(Debug)]
pub struct Consequences<'o> {
    text: &'o mut Vec<u8>,
    key: Key,
    /// Where the value starts in `text`, once the key is written.
    start: Option<usize>,
    pub types: Flags,
}

/// What the value is written after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Nothing: the entries alone.
    None,
    /// `BCSQ=`, the first INFO entry.
    First,
    /// `;BCSQ=`, after other INFO entries.
    AfterOthers,
}

/// Entries without a protein change print the same text for every variant in that part of that
/// transcript: formatted once, kept per transcript (index) with their printed types.
pub type FormattedEntries = Vec<Vec<(Flags, Vec<u8>)>>;

impl<'o> Consequences<'o> {
    /// An empty value, to be written at the end of `text` after `key`.
    pub fn new(text: &'o mut Vec<u8>, key: Key) -> Self {
        Self { text, key, start: None, types: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.start.is_none()
    }

    /// Where the value starts, after the key (written now if it is not yet).
    fn start(&mut self) -> usize {
        *self.start.get_or_insert_with(|| {
            // Each key a constant: written with a store or two, not a copy call.
            match self.key {
                Key::None => {}
                Key::First => self.text.extend_from_slice(b"BCSQ="),
                Key::AfterOthers => self.text.extend_from_slice(b";BCSQ="),
            }
            self.text.len()
        })
    }

    /// Adds the staged entries of one allele.
    pub(super) fn add(
        &mut self,
        stage: &Stage,
        transcripts: &[TranscriptModel],
        formatted: &mut FormattedEntries,
    ) {
        for entry in &stage.entries {
            let printed = stage::printed(entry.found);
            self.types |= printed;
            let t = &transcripts[entry.transcript];
            let before = self.begin_entry();
            match entry.change {
                Some(range) => stage::format(t, printed, Some(stage.change_text(range)), self.text),
                None => {
                    let cached = &mut formatted[entry.transcript];
                    let at = match cached.iter().position(|(types, _)| *types == printed) {
                        Some(at) => at,
                        None => {
                            let mut text = Vec::new();
                            stage::format(t, printed, None, &mut text);
                            cached.push((printed, text));
                            cached.len() - 1
                        }
                    };
                    self.text.extend_from_slice(&cached[at].1);
                }
            }
            self.end_entry(before);
        }
    }

    /// Adds the entries of the first allele as already printed (with the types they print).
    pub(super) fn add_printed(&mut self, printed: &Padded, types: Flags) {
        debug_assert!(self.is_empty(), "printed entries are not checked for duplicates");
        if !printed.is_empty() {
            self.start();
            printed.append_to(self.text);
            self.types |= types;
        }
    }

    /// Starts an entry; returns the text's length before it.
    fn begin_entry(&mut self) -> usize {
        let start = self.start();
        let before = self.text.len();
        if before > start {
            self.text.push(b',');
        }
        before
    }

    /// Ends the entry begun at `before`, dropping it again when an earlier entry says the same.
    fn end_entry(&mut self, before: usize) {
        let start = self.start();
        if before == start {
            return;
        }
        let (earlier, new) = self.text.split_at(before + 1);
        if earlier[start..before].split(|b| *b == b',').any(|e| e == new) {
            self.text.truncate(before);
        }
    }
}
