//! Local (one record at a time, like `bcftools csq -l`) consequence calling for one ALT allele against
//! every transcript it touches, written as BCSQ entries.

use std::collections::HashMap;
use std::io;

use super::flags::{self, Flags};
use super::model::TranscriptModel;
use super::stage::{self, Staged};
use crate::bundle::Bundle;

/// Intron bases next to an exon that make a splice region (the first two are donor/acceptor).
const SPLICE_REGION_INTRON: u32 = 8;
const SPLICE_SITE: u32 = 2;
/// Exon bases next to an intron that make a splice region.
const SPLICE_REGION_EXON: u32 = 3;

/// One record's BCSQ value (the entries of all ALT alleles, without duplicates, joined by `,`) and the
/// types they print.
#[derive(Debug, Default)]
pub struct Consequences {
    pub text: Vec<u8>,
    pub types: Flags,
}

impl Consequences {
    pub fn clear(&mut self) {
        self.text.clear();
        self.types = 0;
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Adds the staged entries; those without a protein change (the same text for every variant in
    /// that part of that transcript) are formatted once and kept in `formatted`.
    fn add(&mut self, staged: &[Staged<'_>], formatted: &mut HashMap<(usize, Flags), String>) {
        for entry in staged {
            let printed = stage::printed(entry);
            self.types |= printed;
            if entry.change.is_some() {
                self.push(stage::format(entry).as_bytes());
            } else {
                let key = (std::ptr::from_ref(entry.transcript) as usize, printed);
                let text = formatted.entry(key).or_insert_with(|| stage::format(entry));
                self.push(text.as_bytes());
            }
        }
    }

    fn push(&mut self, entry: &[u8]) {
        if self.text.split(|b| *b == b',').any(|e| e == entry) {
            return;
        }
        if !self.text.is_empty() {
            self.text.push(b',');
        }
        self.text.extend_from_slice(entry);
    }
}

/// One pass's consequence caller: the current contig's transcripts and their coding sequences.
#[derive(Default)]
pub struct CsqCaller {
    contig: Option<u32>,
    transcripts: Vec<TranscriptModel>,
    /// The largest end among transcripts `0..=i` (they are sorted by start): where a backward scan
    /// for transcripts reaching a position can stop.
    max_end: Vec<u32>,
    coding: HashMap<usize, CodingSequence>,
    /// The transcripts near the current record and their splice flags (a buffer kept between records).
    candidates: Vec<(usize, Flags)>,
    /// Entries without a protein change, by transcript (address) and types; cleared with the contig.
    formatted: HashMap<(usize, Flags), String>,
}

/// A variant allele reduced to what changes: `reference` replaced by `alt` at `pos` (1-based); an
/// insertion has an empty `reference` and goes before `pos`.
struct Change<'a> {
    pos: u32,
    reference: &'a [u8],
    alt: &'a [u8],
    /// A symbolic insertion (`<INS…>`): sequence unknown, placed at `pos`.
    symbolic: bool,
}

impl Change<'_> {
    /// The genomic bases the change touches (for an insertion, the two bases around it).
    fn span(&self) -> (u32, u32) {
        if self.reference.is_empty() {
            (self.pos.saturating_sub(1), self.pos)
        } else {
            (self.pos, self.pos + self.reference.len() as u32 - 1)
        }
    }
}

impl CsqCaller {
    /// Appends the BCSQ entries of `alt` (REF `reference` at `pos`) to `entries`, without duplicates.
    ///
    /// The checks run in bcftools csq's order: the coding sequence, UTRs, splice sites, and only when
    /// none of them found anything for any transcript, introns and non-coding exons.
    pub fn call(
        &mut self,
        bundle: &Bundle,
        contig: u32,
        pos: u32,
        reference: &[u8],
        alt: &[u8],
        out: &mut Consequences,
    ) -> io::Result<()> {
        if self.contig != Some(contig) {
            self.transcripts = bundle.transcripts(contig)?;
            self.max_end = self
                .transcripts
                .iter()
                .scan(0, |max, t| {
                    *max = t.end.max(*max);
                    Some(*max)
                })
                .collect();
            self.coding.clear();
            self.formatted.clear();
            self.contig = Some(contig);
        }
        if alt.starts_with(b"<INS") {
            self.symbolic_insertion(pos, reference, alt, out);
            return Ok(());
        }
        if alt.starts_with(b"<") || alt.contains(&b'*') {
            return Ok(());
        }
        let Some(change) = trim(pos, reference, alt) else { return Ok(()) };
        let (from, to) = change.span();
        // bcftools looks one base past REF for CDS, UTR and exon overlaps (insertions).
        let (record_from, record_to) = (pos, pos + reference.len() as u32);
        let (lo, hi) = (from.min(record_from), to.max(record_to));
        let mut candidates = std::mem::take(&mut self.candidates);
        candidates.clear();
        // Each nearby transcript with its splice flags (computed once; only coding ones have any), in
        // start order: walk back from the last transcript starting by `hi` while one could still reach `lo`.
        let last = self.transcripts.partition_point(|t| t.start <= hi);
        for i in (0..last).rev() {
            if self.max_end[i] < lo {
                break;
            }
            let t = &self.transcripts[i];
            if t.end >= lo {
                candidates.push((i, if t.is_coding() { splice_flags(t, &change) } else { 0 }));
            }
        }
        candidates.reverse();
        for &(i, _) in &candidates {
            let t = &self.transcripts[i];
            if t.is_coding() && overlaps_any(&t.cds, record_from, record_to) && !self.coding.contains_key(&i)
            {
                let seq = coding_sequence(bundle, contig, t)?;
                self.coding.insert(i, seq);
            }
        }
        if candidates.is_empty() {
            self.candidates = candidates;
            return Ok(());
        }
        let vcf = Vcf { pos, reference, alt, bundle, contig };

        let mut staged: Vec<Staged<'_>> = Vec::new();
        let mut hit = false;
        for &(i, splice) in &candidates {
            let t = &self.transcripts[i];
            if !t.is_coding() || !overlaps_any(&t.cds, record_from, record_to) {
                continue;
            }
            hit = true;
            if !cds_covers(t, &change) {
                // An insertion right at a CDS end belongs to the UTR on its other side.
                if change.reference.is_empty() {
                    let found = utr_beside_cds(t, change.pos - 1);
                    stage::push(&mut staged, Staged { transcript: t, found, change: None });
                }
                continue;
            }
            match coding(t, &self.coding[&i], &change, &vcf, splice) {
                Coding::Boundary(found) => {
                    stage::push(&mut staged, Staged { transcript: t, found, change: None })
                }
                Coding::Protein(found, aa, edges) => {
                    stage::push(&mut staged, Staged { transcript: t, found: edges | splice, change: None });
                    let dna = (String::from_utf8_lossy(reference), String::from_utf8_lossy(alt));
                    let change = Some(format!("{aa}|{pos}{}>{}", dna.0, dna.1));
                    stage::push(&mut staged, Staged { transcript: t, found: found & flags::PROTEIN, change });
                    let rest = (found | splice) & !flags::PROTEIN;
                    stage::push(&mut staged, Staged { transcript: t, found: rest, change: None });
                }
            }
        }
        for &(i, _) in &candidates {
            let t = &self.transcripts[i];
            if !t.is_coding() {
                continue;
            }
            let utr = utr_side(t, &change);
            if utr != 0 {
                hit = true;
                stage::push(&mut staged, Staged { transcript: t, found: utr, change: None });
            }
        }
        for &(i, splice) in &candidates {
            let t = &self.transcripts[i];
            if splice != 0 {
                hit = true;
                stage::push(&mut staged, Staged { transcript: t, found: splice, change: None });
            }
        }
        if !hit {
            for &(i, _) in &candidates {
                let t = &self.transcripts[i];
                // An insertion counts only strictly inside the transcript (not after its last base).
                let inside = if change.reference.is_empty() {
                    t.start <= from && from < t.end
                } else {
                    t.start <= to && t.end >= from
                };
                if inside {
                    let found = if t.is_coding() { flags::INTRON } else { flags::NON_CODING };
                    stage::push(&mut staged, Staged { transcript: t, found, change: None });
                }
            }
        }
        out.add(&staged, &mut self.formatted);
        drop(staged);
        self.candidates = candidates;
        Ok(())
    }
}

impl CsqCaller {
    /// A symbolic insertion (`<INS:ME:ALU>`): its sequence is unknown, so it is a feature elongation of
    /// whatever the base after POS belongs to, plus the splice sites it is near.
    fn symbolic_insertion(&self, pos: u32, reference: &[u8], alt: &[u8], out: &mut Consequences) {
        let change = Change { pos, reference, alt, symbolic: true };
        let at = pos + 1;
        let mut staged: Vec<Staged<'_>> = Vec::new();
        let mut hit = false;
        let last = self.transcripts.partition_point(|t| t.start <= at + 1);
        let reach = self.max_end[..last].iter().rposition(|&end| end + 1 < pos).map_or(0, |i| i + 1);
        let candidates = self.transcripts[reach..last].iter().filter(|t| t.end + 1 >= pos);
        for t in candidates.clone() {
            let mut found = 0;
            if t.is_coding() && overlaps_any(&t.cds, at, at) {
                found |= flags::CODING_SEQUENCE;
            }
            if overlaps_any(&t.utr5, at, at) {
                found |= flags::UTR5;
            }
            if overlaps_any(&t.utr3, at, at) {
                found |= flags::UTR3;
            }
            if t.is_coding() {
                found |= splice_flags(t, &change);
            }
            if found != 0 {
                hit = true;
                stage::push(
                    &mut staged,
                    Staged { transcript: t, found: found | flags::ELONGATION, change: None },
                );
            }
        }
        if !hit {
            for t in candidates.filter(|t| t.start <= at && at <= t.end) {
                let found = if t.is_coding() { flags::INTRON } else { flags::NON_CODING };
                stage::push(
                    &mut staged,
                    Staged { transcript: t, found: found | flags::ELONGATION, change: None },
                );
            }
        }
        out.add(&staged, &mut HashMap::new());
    }
}

fn overlaps_any(ranges: &[(u32, u32)], from: u32, to: u32) -> bool {
    ranges.iter().any(|&(s, e)| s <= to && e >= from)
}

/// Removes the bases REF and ALT share at the end, then at the start; `None` when nothing changes.
fn trim<'a>(pos: u32, reference: &'a [u8], alt: &'a [u8]) -> Option<Change<'a>> {
    let alt_full = alt;
    let suffix = reference.iter().rev().zip(alt.iter().rev()).take_while(|(a, b)| a == b).count();
    let (reference, alt) = (&reference[..reference.len() - suffix], &alt[..alt.len() - suffix]);
    let prefix = reference.iter().zip(alt).take_while(|(a, b)| a == b).count();
    if reference.len() == prefix && alt.len() == prefix {
        return None;
    }
    if prefix == 0 && reference.is_empty() && suffix > 0 {
        // The suffix took the whole REF (`A>AA`): like bcftools, keep the first base as the anchor and
        // insert after it (the same sequence, rotated).
        let inserted = alt.len();
        let full_alt = &alt_full[1..=inserted];
        return Some(Change { pos: pos + 1, reference: &[], alt: full_alt, symbolic: false });
    }
    Some(Change {
        pos: pos + prefix as u32,
        reference: &reference[prefix..],
        alt: &alt[prefix..],
        symbolic: false,
    })
}

/// Whether the change lies inside the coding sequence (an insertion: between two coding bases).
fn cds_covers(t: &TranscriptModel, change: &Change<'_>) -> bool {
    let (from, to) = change.span();
    if change.reference.is_empty() {
        return t.cds.iter().any(|&(s, e)| s <= from && to <= e);
    }
    t.cds.iter().any(|&(s, e)| s <= to && e >= from)
}

/// 5′ or 3′ UTR when the change lies in an exon outside the CDS of a coding transcript (an insertion:
/// with both neighbouring bases in it).
fn utr_side(t: &TranscriptModel, change: &Change<'_>) -> Flags {
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

/// The bases bcftools judges an insertion's splice effect by: its anchor and the base after it; for a
/// symbolic insertion (`<INS…>` at POS), the bases before and after POS.
fn insertion_span(change: &Change<'_>) -> Option<(u32, u32)> {
    if change.symbolic {
        return Some((change.pos.saturating_sub(1), change.pos + 1));
    }
    change.reference.is_empty().then(|| (change.pos - 1, change.pos))
}

/// The UTR next to a CDS piece for an insertion after base `anchor`: after a piece's last base, the
/// UTR of the next base; before a piece's first base, the UTR of the anchor.
fn utr_beside_cds(t: &TranscriptModel, anchor: u32) -> Flags {
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
fn splice_flags(t: &TranscriptModel, change: &Change<'_>) -> Flags {
    let overlaps = |(f, l): (u32, u32), lo: u32, hi: u32| f <= hi && l >= lo;
    let mut found = 0;
    for pair in t.exons.windows(2) {
        let (e, s) = (pair[0].1, pair[1].0);
        if s <= e + 1 {
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
            if overlaps(bases, e + 1, e + SPLICE_SITE) {
                found |= after_end;
            }
            if overlaps(bases, s - SPLICE_SITE, s - 1) {
                found |= before_start;
            }
            if overlaps(bases, e + SPLICE_SITE + 1, e + SPLICE_REGION_INTRON)
                || overlaps(bases, s - SPLICE_REGION_INTRON, s - SPLICE_SITE - 1)
                || overlaps(bases, (e + 1).saturating_sub(SPLICE_REGION_EXON).max(pair[0].0), e)
                || overlaps(bases, s, (s + SPLICE_REGION_EXON - 1).min(pair[1].1))
            {
                found |= flags::SPLICE_REGION;
            }
        }
    }
    found
}

/// Bases past the coding sequence's 3′ end kept for translating a frameshift that runs off it.
const PAST_STOP: u32 = 10;

/// A transcript's coding sequence in transcript orientation (5′ to 3′), then up to [`PAST_STOP`]
/// bases that follow it.
struct CodingSequence {
    seq: Vec<u8>,
    past: Vec<u8>,
}

fn coding_sequence(bundle: &Bundle, contig: u32, t: &TranscriptModel) -> io::Result<CodingSequence> {
    let mut seq = Vec::new();
    let mut piece = Vec::new();
    for &(s, e) in &t.cds {
        bundle.reference(contig, s, e, &mut piece)?;
        seq.extend_from_slice(&piece);
    }
    let (first, last) = (t.cds[0].0, t.cds[t.cds.len() - 1].1);
    let mut past = Vec::new();
    if t.reverse {
        reverse_complement(&mut seq);
        if first > 1 {
            bundle.reference(contig, first.saturating_sub(PAST_STOP).max(1), first - 1, &mut past)?;
        }
        reverse_complement(&mut past);
    } else {
        bundle.reference(contig, last + 1, last + PAST_STOP, &mut past)?;
    }
    Ok(CodingSequence { seq, past })
}

fn reverse_complement(seq: &mut [u8]) {
    seq.reverse();
    for b in seq.iter_mut() {
        *b = complement(*b);
    }
}

fn complement(b: u8) -> u8 {
    match b {
        b'A' => b'T',
        b'C' => b'G',
        b'G' => b'C',
        b'T' => b'A',
        other => other,
    }
}

/// The offset in the coding sequence (transcript orientation) of genomic position `pos`.
fn coding_offset(t: &TranscriptModel, pos: u32) -> Option<usize> {
    let mut before = 0usize;
    let pieces: Box<dyn Iterator<Item = &(u32, u32)>> =
        if t.reverse { Box::new(t.cds.iter().rev()) } else { Box::new(t.cds.iter()) };
    for &(s, e) in pieces {
        if (s..=e).contains(&pos) {
            let within = if t.reverse { e - pos } else { pos - s };
            return Some(before + within as usize);
        }
        before += (e - s + 1) as usize;
    }
    None
}

/// The VCF record as written, and where to read reference bases around it (needed only for a
/// deletion at a start codon).
struct Vcf<'a> {
    pos: u32,
    reference: &'a [u8],
    alt: &'a [u8],
    bundle: &'a Bundle,
    contig: u32,
}

impl Vcf<'_> {
    /// Reference bases `start..start+len` (1-based), when the contig has them.
    fn bases(&self, start: u32, len: usize) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        self.bundle.reference(self.contig, start, start + len as u32 - 1, &mut out).ok()?;
        (out.len() == len).then_some(out)
    }
}

enum Coding {
    /// Only what the change does at the coding sequence's edges (no protein change is written).
    Boundary(Flags),
    /// The protein change: its types, the amino-acid text (`508VA>508V`, `257P`), and the start or
    /// stop found at the CDS edges.
    Protein(Flags, String, Flags),
}

/// The coding consequence of a change inside a coding sequence; `splice` holds the splice flags found
/// from exon boundaries.
fn coding(
    t: &TranscriptModel,
    cs: &CodingSequence,
    change: &Change<'_>,
    vcf: &Vcf<'_>,
    splice: Flags,
) -> Coding {
    let seq = &cs.seq;
    let phase = usize::from(t.phase);
    let (from, to) = change.span();
    let n = t.cds.len();
    let (first_piece, last_piece) = if t.reverse { (n - 1, 0) } else { (0, n - 1) };
    let complete_start = phase == 0 && seq.len() >= 3 && amino_acid(&seq[..3]) == 'M';
    let insertion = change.reference.is_empty();
    let deletion = change.reference.len() > change.alt.len();

    // Edges of the coding sequence the change reaches: the start and stop codons.
    let mut edges = 0;
    // bcftools measures an indel from the base before it (its anchor).
    let (ref_beg, ref_end) = if insertion || deletion { (change.pos - 1, to) } else { (from, to) };
    for (k, &(s, e)) in t.cds.iter().enumerate() {
        if ref_end < s || ref_beg > e {
            continue;
        }
        let (near_beg, near_end) = if insertion {
            (ref_beg <= s + 2, ref_end > e.saturating_sub(2))
        } else if deletion {
            (ref_beg < s + 2, ref_end > e.saturating_sub(3))
        } else {
            (ref_beg < s + 3, ref_end > e.saturating_sub(3))
        };
        let (at_start, at_stop) = if t.reverse { (near_end, near_beg) } else { (near_beg, near_end) };
        if at_start && k == first_piece && complete_start {
            edges |= flags::START_LOST;
        }
        if at_stop && k == last_piece {
            edges |= flags::STOP_LOST;
        }
    }

    if deletion && edges & flags::START_LOST != 0 && start_retained(t, vcf) {
        return Coding::Boundary(flags::START_RETAINED);
    }
    if deletion {
        // bcftools clips a deletion to the CDS piece it starts in; one that reaches the piece's last
        // base (or starts before the piece) gets only its frame effect, without a protein change.
        for &(s, e) in &t.cds {
            let (mut a, mut d) = (ref_beg, ref_end);
            if d < s || a >= e {
                continue;
            }
            let before = a + 1 < s;
            if before {
                a = s - 1;
            }
            if e < d {
                d = e;
            }
            // Written the usual VCF way (one shared base first, none at the end), a deletion that runs
            // from the intron into the piece cannot be placed inside it: bcftools says coding_sequence.
            let vcf_form = vcf.alt.len() == 1
                && vcf.reference.first() == vcf.alt.first()
                && vcf.reference.last() != vcf.alt.last();
            if before && vcf_form {
                return Coding::Boundary(splice | edges | flags::CODING_SEQUENCE);
            }
            if before || (a + 1 < e && d >= e) || ref_end > e {
                // The net change in length decides the frame (a complex allele also inserts bases).
                let net = (d - a) as usize;
                let net = net.abs_diff(change.alt.len());
                let frame = if !net.is_multiple_of(3) { flags::FRAMESHIFT } else { flags::INFRAME_DELETION };
                return Coding::Boundary(splice | edges | frame);
            }
        }
    }
    if !insertion && (coding_offset(t, from).is_none() || coding_offset(t, to).is_none()) {
        return Coding::Boundary(splice | edges | flags::CODING_SEQUENCE);
    }
    if edges | splice == flags::START_LOST {
        return Coding::Boundary(flags::START_LOST);
    }

    let (start, end) = if insertion {
        let (a, b) = (coding_offset(t, from), coding_offset(t, to));
        let Some(after) = (if t.reverse { b } else { a }) else {
            return Coding::Boundary(flags::CODING_SEQUENCE);
        };
        (after + 1, after)
    } else {
        let (Some(a), Some(b)) = (coding_offset(t, from), coding_offset(t, to)) else {
            return Coding::Boundary(flags::CODING_SEQUENCE);
        };
        (a.min(b), a.max(b))
    };
    let mut alt: Vec<u8> = change.alt.to_vec();
    if t.reverse {
        reverse_complement(&mut alt);
    }
    let mut mutated = Vec::with_capacity(seq.len() + alt.len() + cs.past.len());
    mutated.extend_from_slice(&seq[..start.min(seq.len())]);
    mutated.extend_from_slice(&alt);
    mutated.extend_from_slice(&seq[(end + 1).min(seq.len())..]);
    mutated.extend_from_slice(&cs.past);
    let delta = alt.len() as isize - (end + 1 - start) as isize;
    // An indel's protein change is told from the codon of its anchor base: `508VA>508V`.
    let anchor = if delta != 0 { coding_offset(t, change.pos.saturating_sub(1)) } else { None };
    let (lo, hi) = match (insertion, anchor) {
        (true, Some(anchor)) => (anchor, anchor),
        (true, None) => (start, start),
        (false, Some(anchor)) => (start.min(anchor), end.max(anchor)),
        (false, None) => (start, end),
    };
    if lo < phase {
        return Coding::Boundary(flags::CODING_SEQUENCE);
    }
    let codon = (lo - phase) / 3;
    let codon_start = (phase + codon * 3).min(seq.len());
    let codon_end = (phase + ((hi - phase) / 3 + 1) * 3).min(seq.len());
    let (ref_aa, alt_aa) = if delta % 3 != 0 {
        // The shifted frame is read to the end of the (changed) coding sequence, its last codon
        // completed from the bases after it.
        // The bases after the stop are read only when the stop codon itself is hit.
        let alt_len = seq.len().saturating_add_signed(delta).saturating_sub(phase);
        let codons = if edges & flags::STOP_LOST != 0 { alt_len.div_ceil(3) } else { alt_len / 3 };
        let alt_end = (phase + codons * 3).min(mutated.len());
        let alt_part = &mutated[codon_start.min(alt_end)..alt_end];
        (translate_to_stop(&seq[codon_start..]), translate_to_stop(alt_part))
    } else {
        let alt_end = codon_end.saturating_add_signed(delta).min(mutated.len()).max(codon_start);
        (to_stop(translate(&seq[codon_start..codon_end])), to_stop(translate(&mutated[codon_start..alt_end])))
    };
    let ref_stop = ref_aa.ends_with('*');
    let alt_stop = alt_aa.ends_with('*');
    let mut found = edges;
    if delta != 0 {
        found |= if delta % 3 != 0 {
            flags::FRAMESHIFT
        } else if delta < 0 {
            flags::INFRAME_DELETION
        } else {
            flags::INFRAME_INSERTION
        };
        if !ref_stop && alt_stop {
            found |= flags::STOP_GAINED;
        }
    } else {
        let mut changed = false;
        for (r, a) in ref_aa.chars().zip(alt_aa.chars()) {
            if r == a {
                continue;
            }
            changed = true;
            found |= if r == '*' {
                flags::STOP_LOST
            } else if a == '*' {
                flags::STOP_GAINED
            } else {
                flags::MISSENSE
            };
        }
        if !changed {
            found |= flags::SYNONYMOUS;
        }
    }
    if found & flags::STOP_LOST != 0 {
        if ref_stop && alt_stop {
            found = (found & !flags::STOP_LOST) | flags::STOP_RETAINED;
        } else if !ref_stop && alt_stop {
            // A 3′-incomplete CDS whose last codon becomes a stop.
            found = (found & !(flags::STOP_LOST | flags::STOP_GAINED)) | flags::STOP_RETAINED;
        } else if !ref_stop {
            // A 3′-incomplete CDS: the stop is not really there (dropped on output if anything else is).
            found |= flags::INCOMPLETE_CDS;
        }
    }
    if found & flags::START_LOST != 0 {
        if ref_aa.starts_with('M') {
            found &= !flags::MISSENSE;
        } else {
            found &= !flags::START_LOST;
        }
    }
    let text = if found & flags::SYNONYMOUS != 0 || (delta == 0 && ref_aa == alt_aa) {
        format!("{}{ref_aa}", codon + 1)
    } else {
        format!("{}{ref_aa}>{}{alt_aa}", codon + 1, codon + 1)
    };
    if found & flags::STOP_RETAINED != 0 {
        found &= !flags::SYNONYMOUS;
    }
    Coding::Protein(found, text, edges)
}

/// A deletion at the start codon whose deleted bases the neighbouring reference replaces, so the
/// start codon stays (bcftools: start_retained).
fn start_retained(t: &TranscriptModel, vcf: &Vcf<'_>) -> bool {
    let (ref_len, alt_len) = (vcf.reference.len(), vcf.alt.len());
    if alt_len >= ref_len || alt_len == 0 {
        return false;
    }
    let ndel = ref_len - alt_len;
    let deleted = &vcf.reference[alt_len..];
    let block_start = if t.reverse {
        // The bases right after the REF allele.
        vcf.pos + ref_len as u32
    } else {
        // The `ndel` bases before the deleted ones.
        match (vcf.pos + ref_len as u32).checked_sub(2 * ndel as u32) {
            Some(start) if start >= 1 => start,
            _ => return false,
        }
    };
    vcf.bases(block_start, ndel).as_deref() == Some(deleted)
}

fn to_stop(mut aa: String) -> String {
    if let Some(i) = aa.find('*') {
        aa.truncate(i + 1);
    }
    aa
}

const GENETIC_CODE: &[u8; 64] = b"KNKNTTTTRSRSIIMIQHQHPPPPRRRRLLLLEDEDAAAAGGGGVVVV*Y*YSSSS*CWCLFLF";

fn base_index(b: u8) -> Option<usize> {
    match b {
        b'A' => Some(0),
        b'C' => Some(1),
        b'G' => Some(2),
        b'T' => Some(3),
        _ => None,
    }
}

fn amino_acid(codon: &[u8]) -> char {
    match (base_index(codon[0]), base_index(codon[1]), base_index(codon[2])) {
        (Some(a), Some(b), Some(c)) => char::from(GENETIC_CODE[a << 4 | b << 2 | c]),
        _ => 'X',
    }
}

fn translate(seq: &[u8]) -> String {
    seq.chunks_exact(3).map(amino_acid).collect()
}

/// Translates up to and including the first stop codon.
fn translate_to_stop(seq: &[u8]) -> String {
    let mut out = String::new();
    for codon in seq.chunks_exact(3) {
        let aa = amino_acid(codon);
        out.push(aa);
        if aa == '*' {
            break;
        }
    }
    out
}
