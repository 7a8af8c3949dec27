//! Collecting one allele's consequences the way bcftools csq merges them before printing: types found
//! for the same transcript by different checks join into one entry (`splice_region&3_prime_utr`),
//! while a protein change keeps its own entry beside a splice type it does not explain.

use std::fmt::Write as _;

use super::flags::{self, Flags};
use super::model::TranscriptModel;

/// One BCSQ entry in the making.
pub struct Staged<'t> {
    pub transcript: &'t TranscriptModel,
    pub found: Flags,
    /// The protein and DNA change (`508VA>508V|19026CAGG>CA`), for protein-changing types.
    pub change: Option<String>,
}

/// Adds `new`, merged into an existing entry where bcftools would merge it.
pub fn push<'t>(staged: &mut Vec<Staged<'t>>, mut new: Staged<'t>) {
    if new.found == 0 {
        return;
    }
    // A donor or acceptor site implies its splice region.
    if new.found & flags::SPLICE_REGION != 0
        && new.found & (flags::SPLICE_DONOR | flags::SPLICE_ACCEPTOR) != 0
    {
        new.found &= !flags::SPLICE_REGION;
    }
    // Entries that print no transcript (intron, non_coding) merge across transcripts of one biotype;
    // bcftools compares genes only for protein changes, so two genes' introns print as the first's.
    let same_target = |old: &Staged<'_>| {
        let shows_transcript = (old.found | new.found) & !(flags::INTRON | flags::NON_CODING) != 0;
        (old.transcript.id == new.transcript.id || !shows_transcript)
            && old.transcript.biotype == new.transcript.biotype
    };
    if new.found & flags::PROTEIN != 0 {
        let same_gene = |old: &&mut Staged<'_>| old.transcript.gene == new.transcript.gene;
        for old in staged.iter_mut().filter(|old| same_target(old)).filter(same_gene) {
            match (&old.change, &new.change) {
                (Some(a), Some(b)) if a != b => continue,
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
        for old in staged.iter_mut().filter(|old| same_target(old)) {
            if old.found & flags::PROTEIN == 0 {
                old.found |= new.found;
                return;
            }
            if old.found | new.found == old.found {
                return;
            }
        }
    }
    staged.push(new);
}

/// The types an entry prints: the start or stop of an incomplete CDS gives way to anything else
/// found, and a lost or gained start or stop says more than "missense".
pub fn printed(entry: &Staged<'_>) -> Flags {
    let mut found = entry.found;
    if found & flags::INCOMPLETE_CDS != 0 && found & !(flags::START_STOP | flags::INCOMPLETE_CDS) != 0 {
        found &= !(flags::START_STOP | flags::INCOMPLETE_CDS);
    }
    if found & flags::START_STOP != 0 {
        found &= !flags::MISSENSE;
    }
    found
}

/// The entry as BCSQ prints it.
pub fn format(entry: &Staged<'_>) -> String {
    let t = entry.transcript;
    let found = printed(entry);
    let mut text = flags::names(found);
    // NMD transcripts say so on every consequence but intron and non_coding ones.
    if t.biotype == "nonsense_mediated_decay" && found & !(flags::INTRON | flags::NON_CODING) != 0 {
        text.push_str("&NMD_transcript");
    }
    let shows_transcript = found & !(flags::INTRON | flags::NON_CODING) != 0;
    let transcript = if shows_transcript { t.id.as_str() } else { "" };
    let _ = write!(text, "|{}|{transcript}|{}", t.gene, t.biotype_label());
    let strand = if t.reverse { '-' } else { '+' };
    if let Some(change) = &entry.change {
        let _ = write!(text, "|{strand}|{change}");
    } else if found & flags::PROTEIN != 0 && found & flags::SPLICE == 0 {
        let _ = write!(text, "|{strand}");
    }
    text
}
