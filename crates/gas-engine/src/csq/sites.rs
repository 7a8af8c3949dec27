//! Where a change falls in a transcript's structure: coding pieces, UTRs, splice sites.

use super::change::{Change, insertion_span};
use super::flags::{self, Flags};
use super::model::TranscriptModel;

/// Intron bases next to an exon that make a splice region (the first two are donor/acceptor).
const SPLICE_REGION_INTRON: u32 = 8;
const SPLICE_SITE: u32 = 2;
/// Exon bases next to an intron that make a splice region.
const SPLICE_REGION_EXON: u32 = 3;

pub fn overlaps_any(ranges: &[(u32, u32)], from: u32, to: u32) -> bool {
    ranges.iter().any(|&(s, e)| s <= to && e >= from)
}

/// Whether the change lies inside the coding sequence (an insertion: between two coding bases).
pub fn cds_covers(t: &TranscriptModel, change: &Change<'_>) -> bool {
    let (from, to) = change.span();
    if change.reference.is_empty() {
        return t.cds.iter().any(|&(s, e)| s <= from && to <= e);
    }
    t.cds.iter().any(|&(s, e)| s <= to && e >= from)
}

/// 5′ or 3′ UTR when the change lies in an exon outside the CDS of a coding transcript (an insertion:
/// with both neighbouring bases in it).
pub fn utr_side(t: &TranscriptModel, change: &Change<'_>) -> Flags {
    let (from, to) = change.span();
    let inside = |&(s, e): &(u32, u32)| {
        if change.reference.is_empty() { s <= from && to <= e } else { s <= to && e >= from }
    };
    if t.utr5.iter().any(inside) {
        return flags::UTR5;
    }
    if t.utr3.iter().any(inside) {
        return flags::UTR3;
    }
    if !t.utr5.is_empty() || !t.utr3.is_empty() {
        return 0;
    }
    // No UTR features: exon parts outside the CDS are UTR by their side of it.
    let (cds_start, cds_end) = (t.cds[0].0, t.cds[t.cds.len() - 1].1);
    let outside_cds = to < cds_start || from > cds_end;
    if !outside_cds || !t.exons.iter().any(inside) {
        return 0;
    }
    match (to < cds_start, t.reverse) {
        (true, false) | (false, true) => flags::UTR5,
        _ => flags::UTR3,
    }
}

/// The UTR next to a CDS piece for an insertion after base `anchor`: after a piece's last base, the
/// UTR of the next base; before a piece's first base, the UTR of the anchor.
pub fn utr_beside_cds(t: &TranscriptModel, anchor: u32) -> Flags {
    let utr_of = |pos: u32| {
        let inside = |&(s, e): &(u32, u32)| s <= pos && pos <= e;
        if t.utr5.iter().any(inside) {
            flags::UTR5
        } else if t.utr3.iter().any(inside) {
            flags::UTR3
        } else {
            0
        }
    };
    for &(s, e) in &t.cds {
        if anchor == e {
            return utr_of(anchor + 1);
        }
        if anchor + 1 == s {
            return utr_of(anchor);
        }
    }
    0
}

/// Splice donor/acceptor and splice region flags from the change's distance to the exon boundaries
/// of each intron (bcftools' windows: 1-2 intron bases are the site, 3-8 intron bases and 1-3 exon
/// bases the region; an insertion is placed by the base before it).
pub fn splice_flags(t: &TranscriptModel, change: &Change<'_>) -> Flags {
    let overlaps = |(f, l): (u32, u32), lo: u32, hi: u32| f <= hi && l >= lo;
    let mut found = 0;
    for pair in t.exons.windows(2) {
        let (e, s) = (pair[0].1, pair[1].0);
        if s <= e + 1 {
            continue;
        }
        // Every window below lies within 10 bases of this intron: skip introns far from the change
        // (and stop at the first one past it, the exons being sorted).
        let (near_lo, near_hi) = insertion_span(change).unwrap_or_else(|| change.span());
        if near_hi + 10 < e {
            break;
        }
        if near_lo > s + 10 {
            continue;
        }
        // What the site after exon end `e` and before exon start `s` is, by strand.
        let (after_end, before_start) = if t.reverse {
            (flags::SPLICE_ACCEPTOR, flags::SPLICE_DONOR)
        } else {
            (flags::SPLICE_DONOR, flags::SPLICE_ACCEPTOR)
        };
        if let Some((rb, re)) = insertion_span(change) {
            if rb >= e {
                if rb <= e + 1 {
                    found |= after_end;
                } else if rb < e + SPLICE_REGION_INTRON && re > e + SPLICE_SITE {
                    found |= flags::SPLICE_REGION;
                }
            } else if re + SPLICE_SITE > e {
                found |= flags::SPLICE_REGION;
            }
            if re < s {
                if re + SPLICE_SITE > s {
                    found |= before_start;
                } else if re + SPLICE_REGION_INTRON > s && rb + SPLICE_SITE < s {
                    found |= flags::SPLICE_REGION;
                }
            } else if rb <= s + 2 {
                found |= flags::SPLICE_REGION;
            }
        } else {
            let bases = change.span();
            let mut here = 0;
            if overlaps(bases, e + 1, e + SPLICE_SITE) {
                here |= after_end;
            }
            if overlaps(bases, s - SPLICE_SITE, s - 1) {
                here |= before_start;
            }
            // A donor or acceptor site found by this check implies its splice region.
            let region = overlaps(bases, e + SPLICE_SITE + 1, e + SPLICE_REGION_INTRON)
                || overlaps(bases, s - SPLICE_REGION_INTRON, s - SPLICE_SITE - 1)
                || overlaps(bases, (e + 1).saturating_sub(SPLICE_REGION_EXON).max(pair[0].0), e)
                || overlaps(bases, s, (s + SPLICE_REGION_EXON - 1).min(pair[1].1));
            if region && here == 0 {
                here = flags::SPLICE_REGION;
            }
            found |= here;
        }
    }
    found
}
