//! Quiet stretches: most variants lie between genes or deep in an intron, where every SNV gets the same
//! entries (none, `intron` or `non_coding` for the same transcripts) whatever its position or bases.
//! Once the full check has found such an SNV, the stretch around it free of any feature boundary is
//! kept with its entries, and the variants after it whose REF lies in the stretch (SNVs and indels)
//! reuse them.

use super::consequences::{Consequences, FormattedEntries, Key};
use super::flags::Flags;
use super::model::TranscriptModel;
use super::stage::{Stage, Staged};
use crate::short_copy::Padded;

/// How far from every transcript, exon, coding and UTR boundary a stretch stays: more than any window
/// an SNV is checked against (the splice region reaches 8 intron bases, the coding check one base past
/// REF).
const MARGIN: u32 = 16;

/// A stretch of one contig's positions where an SNV's staged entries are `entries`, which print as
/// `printed` (BCSQ entries joined by `,`) with the types `types`.
#[derive(Debug, Default)]
pub struct QuietStretch {
    /// `from..=to`; empty (`from > to`) when there is none.
    from: u32,
    to: u32,
    pub entries: Vec<Staged>,
    pub printed: Padded,
    pub types: Flags,
}

impl QuietStretch {
    /// Forgets the stretch (another contig's transcripts are loaded).
    pub fn clear(&mut self) {
        (self.from, self.to) = (1, 0);
        self.entries.clear();
        self.printed.clear();
        self.types = 0;
    }

    /// Whether the stretch holds all of `from..=to`.
    pub fn covers(&self, from: u32, to: u32) -> bool {
        self.from <= from && to <= self.to
    }

    /// Keeps the stretch around an SNV at `pos` whose full check found no coding, UTR or splice
    /// consequence and staged `stage`. `transcripts` are sorted by start and `max_end[i]` is the
    /// largest end among `transcripts[..=i]`.
    pub fn keep(
        &mut self,
        transcripts: &[TranscriptModel],
        max_end: &[u32],
        pos: u32,
        stage: &Stage,
        formatted: &mut FormattedEntries,
    ) {
        self.clear();
        let Some((from, to)) = stretch(transcripts, max_end, pos) else { return };
        (self.from, self.to) = (from, to);
        self.entries.extend_from_slice(&stage.entries);
        let mut types = 0;
        self.printed.rewrite(|text| {
            let mut printed = Consequences::new(text, Key::None);
            printed.add(stage, transcripts, formatted);
            types = printed.types;
        });
        self.types = types;
    }
}

/// The positions around `pos` at least [`MARGIN`] bases from every boundary of every transcript, or
/// `None` when `pos` itself is that close to one.
fn stretch(transcripts: &[TranscriptModel], max_end: &[u32], pos: u32) -> Option<(u32, u32)> {
    let (mut from, mut to) = (1, u32::MAX);
    let mut boundary = |at: u32| {
        if at.abs_diff(pos) <= MARGIN {
            return false;
        }
        if at < pos {
            from = from.max(at + MARGIN + 1);
        } else {
            to = to.min(at - MARGIN - 1);
        }
        true
    };
    // Transcripts starting after `pos` + 1 are not candidates: the next one's start bounds the stretch.
    let started = transcripts.partition_point(|t| t.start <= pos.saturating_add(1));
    if let Some(next) = transcripts.get(started)
        && !boundary(next.start)
    {
        return None;
    }
    for i in (0..started).rev() {
        if max_end[i].saturating_add(MARGIN) < pos {
            // All of `transcripts[..=i]` end well before `pos`.
            boundary(max_end[i]);
            break;
        }
        let t = &transcripts[i];
        let pieces = t.exons.iter().chain(&t.cds).chain(&t.utr5).chain(&t.utr3);
        let all_clear =
            [t.start, t.end].into_iter().chain(pieces.flat_map(|&(s, e)| [s, e])).all(&mut boundary);
        if !all_clear {
            return None;
        }
    }
    Some((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript(start: u32, exons: &[(u32, u32)], cds: &[(u32, u32)]) -> TranscriptModel {
        TranscriptModel {
            id: format!("T{start}"),
            gene: "G".into(),
            biotype: "protein_coding".into(),
            reverse: false,
            start,
            end: exons.last().map_or(start, |e| e.1),
            exons: exons.to_vec(),
            cds: cds.to_vec(),
            utr5: vec![],
            utr3: vec![],
            phase: 0,
        }
    }

    fn max_end(transcripts: &[TranscriptModel]) -> Vec<u32> {
        transcripts
            .iter()
            .scan(0, |max, t| {
                *max = t.end.max(*max);
                Some(*max)
            })
            .collect()
    }

    #[test]
    fn a_stretch_keeps_clear_of_every_boundary_by_the_margin() {
        // Exons 1000-1100, 2000-2100 and 3000-3100 (CDS in the middle one); a second transcript
        // 5000-6000 and a third, long one 500-9000 with exons at its ends only.
        let transcripts = vec![
            transcript(500, &[(500, 600), (8900, 9000)], &[]),
            transcript(1000, &[(1000, 1100), (2000, 2100), (3000, 3100)], &[(2050, 2100)]),
            transcript(5000, &[(5000, 6000)], &[]),
        ];
        let ends = max_end(&transcripts);
        let cases = [
            // (SNV position, stretch)
            (1500, Some((1117, 1983))),
            (1117, Some((1117, 1983))),
            (1116, None),
            (2084, None),
            // Inside the CDS (never kept: the full check finds a coding change there) only the
            // geometry counts.
            (2075, Some((2067, 2083))),
            (4000, Some((3117, 4983))),
            (7000, Some((6017, 8883))),
            (9100, Some((9017, u32::MAX))),
            (100, Some((1, 483))),
            (484, None),
        ];
        for (pos, expected) in cases {
            assert_eq!(stretch(&transcripts, &ends, pos), expected, "SNV at {pos}");
        }
    }
}
