//! Collecting one allele's consequences the way bcftools csq merges them before printing: types found
//! for the same transcript by different checks join into one entry (`splice_region&3_prime_utr`),
//! while a protein change keeps its own entry beside a splice type it does not explain.

use super::flags::{self, Flags};
use super::model::TranscriptModel;

/// One BCSQ entry in the making.
#[derive(Debug, Clone, Copy)]
pub struct Staged {
    /// The transcript, as its index in the contig's transcripts.
    pub transcript: usize,
    pub found: Flags,
    /// The protein and DNA change (`508VA>508V|19026CAGG>CA`) for protein-changing types, as a range
    /// of the caller's change text.
    pub change: Option<(u32, u32)>,
}

/// The entries staged for one allele, and the text their protein changes point into.
#[derive(Default)]
pub struct Stage {
    pub entries: Vec<Staged>,
    pub changes: Vec<u8>,
}

impl Stage {
    pub fn clear(&mut self) {
        self.entries.clear();
        self.changes.clear();
    }

    pub fn change_text(&self, range: (u32, u32)) -> &[u8] {
        &self.changes[range.0 as usize..range.1 as usize]
    }

    /// Adds `new`, merged into an existing entry where bcftools would merge it.
    pub fn push(&mut self, transcripts: &[TranscriptModel], mut new: Staged) {
        if new.found == 0 {
            return;
        }
        let nt = &transcripts[new.transcript];
        // Entries that print no transcript (intron, non_coding) merge across transcripts of one biotype;
        // bcftools compares genes only for protein changes, so two genes' introns print as the first's.
        let same_target = |old: &Staged| {
            let ot = &transcripts[old.transcript];
            let shows_transcript = (old.found | new.found) & !(flags::INTRON | flags::NON_CODING) != 0;
            (ot.id == nt.id || !shows_transcript) && ot.biotype == nt.biotype
        };
        let changes = &self.changes;
        let text = |range: (u32, u32)| &changes[range.0 as usize..range.1 as usize];
        if new.found & flags::PROTEIN != 0 {
            let same_gene = |old: &Staged| transcripts[old.transcript].gene == nt.gene;
            for old in self.entries.iter_mut().filter(|old| same_target(old) && same_gene(old)) {
                match (old.change, new.change) {
                    (Some(a), Some(b)) if text(a) != text(b) => continue,
                    (Some(_), Some(_)) | (None, None) => {}
                    _ => {
                        // A start or stop found at the CDS edge and the same one found by translation.
                        if old.found & flags::START_STOP == 0 || new.found & flags::START_STOP == 0 {
                            continue;
                        }
                        if old.change.is_none() {
                            old.change = new.change.take();
                        }
                    }
                }
                old.found |= new.found;
                if old.found & flags::STOP_RETAINED != 0 {
                    old.found &= !(flags::STOP_LOST | flags::SYNONYMOUS);
                }
                return;
            }
        } else {
            for old in self.entries.iter_mut().filter(|old| same_target(old)) {
                if old.found & flags::PROTEIN == 0 {
                    old.found |= new.found;
                    return;
                }
                if old.found | new.found == old.found {
                    return;
                }
            }
        }
        self.entries.push(new);
    }
}

/// The types an entry prints: the start or stop of an incomplete CDS gives way to anything else
/// found, and a lost or gained start or stop says more than "missense".
pub fn printed(found: Flags) -> Flags {
    let mut found = found;
    if found & flags::INCOMPLETE_CDS != 0 && found & !(flags::START_STOP | flags::INCOMPLETE_CDS) != 0 {
        found &= !(flags::START_STOP | flags::INCOMPLETE_CDS);
    }
    if found & flags::START_STOP != 0 {
        found &= !flags::MISSENSE;
    }
    found
}

/// Appends the entry as BCSQ prints it: its printed types `found` for transcript `t`, with the protein
/// and DNA `change` if it has one.
pub fn format(t: &TranscriptModel, found: Flags, change: Option<&[u8]>, out: &mut Vec<u8>) {
    flags::write_names(found, out);
    // NMD transcripts say so on every consequence but intron and non_coding ones.
    if t.biotype == "nonsense_mediated_decay" && found & !(flags::INTRON | flags::NON_CODING) != 0 {
        out.extend_from_slice(b"&NMD_transcript");
    }
    let shows_transcript = found & !(flags::INTRON | flags::NON_CODING) != 0;
    let transcript = if shows_transcript { t.id.as_str() } else { "" };
    for field in [t.gene.as_str(), transcript, t.biotype_label()] {
        out.push(b'|');
        out.extend_from_slice(field.as_bytes());
    }
    let strand: &[u8] = if t.reverse { b"|-" } else { b"|+" };
    if let Some(change) = change {
        out.extend_from_slice(strand);
        out.push(b'|');
        out.extend_from_slice(change);
    } else if found & flags::PROTEIN != 0 && found & flags::SPLICE == 0 {
        out.extend_from_slice(strand);
    }
}
