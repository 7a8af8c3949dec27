//! Where a change falls in a transcript's structure: coding pieces, UTRs, splice sites.

use super::change::{Change, DeletionTrim, deletion_trim, insertion_span, suffix_first_trim};
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

/// Whether the change lies inside the coding sequence. An insertion lies between two coding bases,
/// or (as bcftools places it) right before the first base of any piece but the first in genome
/// order: it lengthens that piece, not the intron before it.
pub fn cds_covers(t: &TranscriptModel, change: &Change<'_>) -> bool {
    let (from, to) = change.span();
    if change.reference.is_empty() {
        return t.cds.iter().enumerate().any(|(k, &(s, e))| (s <= from || (k > 0 && to == s)) && to <= e);
    }
    t.cds.iter().any(|&(s, e)| s <= to && e >= from)
}

/// 5′ or 3′ UTR when the change lies in an exon outside the CDS of a coding transcript (an insertion:
/// with both neighbouring bases in it).
///
/// A deletion (`deletion`, the record's [`deletion_trim`]) is placed the way bcftools' UTR test
/// places it, the whole shared suffix trimmed first: `CCC>C` written on a UTR's last base deletes
/// the first two Cs and so changes that UTR; a deletion that, so placed, ends on a CDS's last base
/// does not reach the UTR after it.
pub fn utr_side(t: &TranscriptModel, change: &Change<'_>, deletion: Option<&DeletionTrim>) -> Flags {
    let (from, to) = change.span();
    let span_inside = |&(s, e): &(u32, u32)| {
        if change.reference.is_empty() { s <= from && to <= e } else { s <= to && e >= from }
    };
    let inside = |piece: &(u32, u32)| match deletion {
        Some(deletion) => deletion.reaches(piece.0, piece.1),
        None => span_inside(piece),
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
    // No UTR features: exon parts outside the CDS are UTR by their side of it, the change placed as
    // trimmed (so ENST00000318249's `AGA>A` before its start codon stays `start_retained` alone).
    let (cds_start, cds_end) = (t.cds[0].0, t.cds[t.cds.len() - 1].1);
    let outside_cds = to < cds_start || from > cds_end;
    if !outside_cds || !t.exons.iter().any(span_inside) {
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
///
/// A deletion (`deletion`, the record's [`deletion_trim`]) is placed as bcftools places it here, the
/// whole shared suffix trimmed first: `GG>G` deletes the first G.
pub fn splice_flags(t: &TranscriptModel, change: &Change<'_>, deletion: Option<&DeletionTrim>) -> Flags {
    let overlaps = |(f, l): (u32, u32), lo: u32, hi: u32| f <= hi && l >= lo;
    let mut found = 0;
    // Introns ending more than 10 bases before the change cannot be near it (see below): start at
    // the first exon that ends within reach.
    let (near_lo, _) = insertion_span(change).unwrap_or_else(|| change.span());
    let first = t.exons.partition_point(|&(_, end)| end + 20 < near_lo).saturating_sub(1);
    for pair in t.exons[first..].windows(2) {
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
            let bases = deletion.map_or_else(|| change.span(), |d| (d.before + 1, d.last));
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

/// bcftools' sequence-identity check for an indel whose REF reaches into a coding piece (or ends right
/// before one) and which also changes the intron beside it: when the splice region (or site) it hits reads the same after
/// the change (a base deleted from a run that continues into the intron), the splice entry also says
/// `synonymous`. Returns [`flags::SYNONYMOUS`] or 0.
pub fn unchanged_splice_sequence(t: &TranscriptModel, vcf: &super::coding::Vcf<'_>) -> Flags {
    if vcf.reference.len() < vcf.alt.len() {
        return unchanged_beside_insertion(t, vcf);
    }
    let Some(DeletionTrim { before, last, .. }) = deletion_trim(vcf.pos, vcf.reference, vcf.alt) else {
        return 0;
    };
    // The piece the record reaches, looking one base past REF as bcftools does (`AG>A` right before a
    // piece is checked against it).
    let past_ref = vcf.pos + vcf.reference.len() as u32;
    let Some(k) = t.cds.iter().position(|&(s, e)| s <= past_ref && e >= vcf.pos) else { return 0 };
    let (ex_beg, ex_end) = t.cds[k];
    let window = |start: u32| {
        Some((
            vcf.bases(start, SPLICE_REGION_INTRON as usize)?,
            vcf.changed_bases(start, SPLICE_REGION_INTRON as usize)?,
        ))
    };
    let site = SPLICE_SITE as usize;
    let region = SPLICE_REGION_INTRON as usize;
    // The intron before the piece (not before the first one), compared over its last 8 bases.
    if k > 0
        && before + 1 < ex_beg
        && ex_beg > SPLICE_REGION_INTRON
        && let Some((ref8, alt8)) = window(ex_beg - SPLICE_REGION_INTRON)
    {
        let in_region = last + SPLICE_REGION_INTRON >= ex_beg && before + SPLICE_SITE < ex_beg;
        let at_site = last + SPLICE_SITE >= ex_beg;
        if (in_region && ref8 == alt8) || (at_site && ref8[region - site..] == alt8[region - site..]) {
            return flags::SYNONYMOUS;
        }
    }
    // The intron after the piece (not after the last one), compared over its first 8 bases.
    if k + 1 < t.cds.len()
        && ex_end < last
        && let Some((ref8, alt8)) = window(ex_end + 1)
    {
        let in_region = before < ex_end + SPLICE_REGION_INTRON && last > ex_end + SPLICE_SITE;
        let at_site = before < ex_end + SPLICE_SITE;
        // bcftools compares the window's last two bases for the site here too (not the site's own).
        if (in_region && ref8 == alt8) || (at_site && ref8[region - site..] == alt8[region - site..]) {
            return flags::SYNONYMOUS;
        }
    }
    0
}

/// The same check for an insertion (ALT longer than REF) written on a coding piece's edge: the intron
/// after the piece compared over its first 8 bases (the region) or 2 (the site), the intron before
/// it over its last 8 or 2, as bcftools compares them (not beside the first or last piece).
fn unchanged_beside_insertion(t: &TranscriptModel, vcf: &super::coding::Vcf<'_>) -> Flags {
    let (reference, alt) = (vcf.reference, vcf.alt);
    let (tbeg, tend) = suffix_first_trim(reference, alt);
    // The bases before and after the inserted ones (bcftools' ref_beg and ref_end, 1-based).
    let (ref_beg, ref_end) = if tbeg > 0 || reference[0] != alt[0] {
        (vcf.pos + tbeg as u32 - 1, vcf.pos + (reference.len() - tend) as u32)
    } else {
        (vcf.pos, vcf.pos + (reference.len() - tend.saturating_sub(1)) as u32)
    };
    let past_ref = vcf.pos + reference.len() as u32;
    let Some(k) = t.cds.iter().position(|&(s, e)| s <= past_ref && e >= vcf.pos) else { return 0 };
    let (ex_beg, ex_end) = t.cds[k];
    let (site, region) = (SPLICE_SITE as usize, SPLICE_REGION_INTRON as usize);
    let (start, in_region, at_site, site_bases) = if k + 1 < t.cds.len() && ref_beg >= ex_end {
        let in_region = ref_beg < ex_end + SPLICE_REGION_INTRON && ref_end > ex_end + SPLICE_SITE;
        (ex_end + 1, in_region, ref_beg < ex_end + SPLICE_SITE, 0..site)
    } else if k > 0 && ref_end < ex_beg && ex_beg > SPLICE_REGION_INTRON {
        let in_region = ref_end + SPLICE_REGION_INTRON > ex_beg && ref_beg + SPLICE_SITE < ex_beg;
        (ex_beg - SPLICE_REGION_INTRON, in_region, ref_end + SPLICE_SITE > ex_beg, region - site..region)
    } else {
        return 0;
    };
    let unchanged = (in_region || at_site)
        && vcf.bases(start, region).zip(vcf.changed_bases(start, region)).is_some_and(|(ref8, alt8)| {
            (in_region && ref8 == alt8) || (at_site && ref8[site_bases.clone()] == alt8[site_bases])
        });
    if unchanged { flags::SYNONYMOUS } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csq::change::trim;

    /// A forward-strand transcript: 5′ UTR 101–150, CDS 151–300, 3′ UTR 301–400.
    fn transcript() -> TranscriptModel {
        TranscriptModel {
            id: "T".into(),
            gene: "G".into(),
            biotype: "protein_coding".into(),
            reverse: false,
            start: 101,
            end: 400,
            exons: vec![(101, 400)],
            cds: vec![(151, 300)],
            utr5: vec![(101, 150)],
            utr3: vec![(301, 400)],
            phase: 0,
        }
    }

    /// Two exons around the intron 201–300 (donor 201–202, region 203–208; region 293–298,
    /// acceptor 299–300), coding throughout.
    fn spliced() -> TranscriptModel {
        TranscriptModel {
            exons: vec![(101, 200), (301, 400)],
            cds: vec![(101, 200), (301, 400)],
            ..transcript()
        }
    }

    /// Each row's allele handed to `check` as the caller hands it over (trimmed, with its deletion
    /// placement), against the flags the row expects.
    fn expect(check: fn(&Change<'_>, Option<&DeletionTrim>) -> Flags, rows: &[(u32, &[u8], &[u8], Flags)]) {
        for &(pos, reference, alt, want) in rows {
            let change = trim(pos, reference, alt).expect("a change");
            let got = check(&change, deletion_trim(pos, reference, alt).as_ref());
            let allele =
                format!("{pos} {}>{}", String::from_utf8_lossy(reference), String::from_utf8_lossy(alt));
            assert_eq!(got, want, "{allele}");
        }
    }

    #[test]
    fn deletions_meet_splice_windows_where_bcftools_places_them() {
        expect(
            |change, deletion| splice_flags(&spliced(), change, deletion),
            &[
                // GG>G at 208 deletes 208 the bcftools way (209 the VCF way, past the region).
                (208, b"GG", b"G", flags::SPLICE_REGION),
                (208, b"GA", b"G", 0),
                // Into the site from the exon: the site, which implies its region.
                (199, b"CAG", b"C", flags::SPLICE_DONOR),
                // SNVs as before.
                (203, b"A", b"T", flags::SPLICE_REGION),
                (298, b"A", b"T", flags::SPLICE_REGION),
                (299, b"A", b"T", flags::SPLICE_ACCEPTOR),
            ],
        );
    }

    #[test]
    fn deletions_meet_utrs_where_bcftools_places_them() {
        expect(
            |change, deletion| utr_side(&transcript(), change, deletion),
            &[
                // CCC>C anchored on the 5′ UTR's last base deletes 150–151 the bcftools way (151–152 the
                // VCF way, past the UTR).
                (150, b"CCC", b"C", flags::UTR5),
                // TATAAT>T at 296 deletes 296–300 the bcftools way, ending on the CDS's last base (297–301
                // the VCF way, into the 3′ UTR); one base on, it reaches the UTR either way.
                (296, b"TATAAT", b"T", 0),
                (297, b"TATAAT", b"T", flags::UTR3),
                // Only the anchor in the UTR: not a UTR change.
                (150, b"CA", b"C", 0),
                // Not deletions: placed as trimmed.
                (150, b"C", b"T", flags::UTR5),
                (151, b"C", b"T", 0),
                (300, b"A", b"AT", 0),
                (301, b"A", b"AT", flags::UTR3),
            ],
        );
    }
}
