//! Local (one record at a time, like `bcftools csq -l`) consequence calling for one ALT allele against
//! every transcript it touches, written as BCSQ entries.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;

use super::flags::{self, Flags};
use super::model::TranscriptModel;
use crate::bundle::Bundle;

/// Intron bases next to an exon that make a splice region (the first two are donor/acceptor).
const SPLICE_REGION_INTRON: u32 = 8;
const SPLICE_SITE: u32 = 2;
/// Exon bases next to an intron that make a splice region.
const SPLICE_REGION_EXON: u32 = 3;

/// One pass's consequence caller: the current contig's transcripts and their coding sequences.
#[derive(Default)]
pub struct CsqCaller {
    contig: Option<u32>,
    transcripts: Vec<TranscriptModel>,
    longest: u32,
    coding: HashMap<usize, CodingSequence>,
}

/// A variant allele reduced to what changes: `reference` replaced by `alt` at `pos` (1-based); an
/// insertion has an empty `reference` and goes before `pos`.
struct Change<'a> {
    pos: u32,
    reference: &'a [u8],
    alt: &'a [u8],
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
    pub fn call(
        &mut self,
        bundle: &Bundle,
        contig: u32,
        pos: u32,
        reference: &[u8],
        alt: &[u8],
        entries: &mut Vec<String>,
    ) -> io::Result<()> {
        if self.contig != Some(contig) {
            self.transcripts = bundle.transcripts(contig)?;
            self.longest = self.transcripts.iter().map(|t| t.end - t.start + 1).max().unwrap_or(0);
            self.coding.clear();
            self.contig = Some(contig);
        }
        let Some(change) = trim(pos, reference, alt) else { return Ok(()) };
        let first_new = entries.len();
        let (from, to) = change.span();
        let first = self.transcripts.partition_point(|t| t.start + self.longest <= from);
        for i in first..self.transcripts.len() {
            let t = &self.transcripts[i];
            if t.start > to {
                break;
            }
            if t.end < from {
                continue;
            }
            for entry in self.classify(bundle, contig, i, &change, pos, reference, alt)? {
                if !entries.contains(&entry) {
                    entries.push(entry);
                }
            }
        }
        // An intron is reported only when the allele does nothing else to any transcript.
        if entries[first_new..].iter().any(|e| !e.starts_with("intron|")) {
            let mut i = first_new;
            while i < entries.len() {
                if entries[i].starts_with("intron|") {
                    entries.remove(i);
                } else {
                    i += 1;
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn classify(
        &mut self,
        bundle: &Bundle,
        contig: u32,
        index: usize,
        change: &Change<'_>,
        vcf_pos: u32,
        vcf_ref: &[u8],
        vcf_alt: &[u8],
    ) -> io::Result<Vec<String>> {
        let t = &self.transcripts[index];
        let (from, to) = change.span();
        let mut found = splice_flags(t, from, to, change.reference.is_empty());
        let mut coding_detail = None;
        let overlaps = |ranges: &[(u32, u32)]| ranges.iter().any(|&(s, e)| s <= to && e >= from);
        let in_exon = if change.reference.is_empty() {
            t.exons.iter().any(|&(s, e)| s <= from && e >= to)
        } else {
            overlaps(&t.exons)
        };
        if t.is_coding() && cds_covers(t, change) {
            if let std::collections::hash_map::Entry::Vacant(slot) = self.coding.entry(index) {
                slot.insert(coding_sequence(bundle, contig, t)?);
            }
            let t = &self.transcripts[index];
            let mut near = Vec::new();
            let vcf_end = vcf_pos + vcf_ref.len() as u32 - 1;
            bundle.reference(
                contig,
                vcf_pos.saturating_sub(vcf_ref.len() as u32),
                vcf_end + vcf_ref.len() as u32,
                &mut near,
            )?;
            let near_start = vcf_pos.saturating_sub(vcf_ref.len() as u32).max(1);
            let vcf = Vcf { pos: vcf_pos, reference: vcf_ref, alt: vcf_alt, near: &near, near_start };
            match coding(t, &self.coding[&index], change, &vcf, found) {
                Coding::Boundary(boundary) => found = boundary,
                Coding::Protein(all, aa) => {
                    found = all;
                    coding_detail = Some(aa);
                }
            }
        } else if in_exon {
            let utr = if t.is_coding() { utr_side(t, from, to) } else { 0 };
            found |= if utr != 0 {
                utr
            } else if t.is_coding() {
                flags::CODING_SEQUENCE
            } else {
                flags::NON_CODING
            };
        } else if found == 0 {
            found = flags::INTRON;
        }
        let t = &self.transcripts[index];
        let dna =
            || format!("{vcf_pos}{}>{}", String::from_utf8_lossy(vcf_ref), String::from_utf8_lossy(vcf_alt));
        let mut out = Vec::new();
        match coding_detail {
            // bcftools reports splice sites beside a coding change as an entry of their own, except
            // when the change is a lost start (found on the same path as the splice sites).
            Some(aa) if found & flags::START_LOST == 0 && found & flags::SPLICE != 0 => {
                out.push(entry(t, found & !flags::SPLICE, Some((&aa, &dna()))));
                out.push(entry(t, found & flags::SPLICE, None));
            }
            Some(aa) => out.push(entry(t, found, Some((&aa, &dna())))),
            None if found != 0 => out.push(entry(t, found, None)),
            None => {}
        }
        Ok(out)
    }
}

/// One BCSQ entry: `types|gene|transcript|biotype[|strand|aa|dna]`.
fn entry(t: &TranscriptModel, found: Flags, coding: Option<(&str, &str)>) -> String {
    let mut text = flags::names(found);
    // NMD transcripts say so on every consequence but intron and non_coding ones.
    if t.biotype == "nonsense_mediated_decay" && found & !(flags::INTRON | flags::NON_CODING) != 0 {
        text.push_str("&NMD_transcript");
    }
    let show_transcript = found & !(flags::INTRON | flags::NON_CODING) != 0;
    let transcript = if show_transcript { t.id.as_str() } else { "" };
    let _ = write!(text, "|{}|{transcript}|{}", t.gene, t.biotype_label());
    let strand = if t.reverse { '-' } else { '+' };
    if let Some((aa, dna)) = coding {
        let _ = write!(text, "|{strand}|{aa}|{dna}");
    } else if found & flags::PROTEIN != 0 && found & flags::SPLICE == 0 {
        let _ = write!(text, "|{strand}");
    }
    text
}

/// Removes the bases REF and ALT share at the end, then at the start; `None` when nothing changes.
fn trim<'a>(pos: u32, reference: &'a [u8], alt: &'a [u8]) -> Option<Change<'a>> {
    let suffix = reference.iter().rev().zip(alt.iter().rev()).take_while(|(a, b)| a == b).count();
    let (reference, alt) = (&reference[..reference.len() - suffix], &alt[..alt.len() - suffix]);
    let prefix = reference.iter().zip(alt).take_while(|(a, b)| a == b).count();
    if reference.len() == prefix && alt.len() == prefix {
        return None;
    }
    Some(Change { pos: pos + prefix as u32, reference: &reference[prefix..], alt: &alt[prefix..] })
}

/// Whether the change lies inside the coding sequence (an insertion: between two coding bases).
fn cds_covers(t: &TranscriptModel, change: &Change<'_>) -> bool {
    let (from, to) = change.span();
    if change.reference.is_empty() {
        return t.cds.iter().any(|&(s, e)| s <= from && to <= e);
    }
    t.cds.iter().any(|&(s, e)| s <= to && e >= from)
}

/// 5′ or 3′ UTR for an exonic change outside the CDS of a coding transcript.
fn utr_side(t: &TranscriptModel, from: u32, to: u32) -> Flags {
    let overlaps = |ranges: &[(u32, u32)]| ranges.iter().any(|&(s, e)| s <= to && e >= from);
    if overlaps(&t.utr5) {
        return flags::UTR5;
    }
    if overlaps(&t.utr3) {
        return flags::UTR3;
    }
    let cds_start = t.cds.first().map_or(0, |c| c.0);
    let before = to < cds_start;
    match (before, t.reverse) {
        (true, false) | (false, true) => flags::UTR5,
        _ => flags::UTR3,
    }
}

/// Splice donor/acceptor and splice region flags from the change's distance to exon boundaries.
fn splice_flags(t: &TranscriptModel, from: u32, to: u32, insertion: bool) -> Flags {
    let mut found = 0;
    for pair in t.exons.windows(2) {
        let (left_end, right_start) = (pair[0].1, pair[1].0);
        if right_start <= left_end + 1 {
            continue;
        }
        // Intron bases [left_end+1, right_start-1].
        let (intron_from, intron_to) = (left_end + 1, right_start - 1);
        let touches = |a: u32, b: u32| {
            if insertion { from >= a && to <= b + 1 && from + 1 > a && to <= b } else { from <= b && to >= a }
        };
        let left_site = (intron_from, intron_from + SPLICE_SITE - 1);
        let right_site = (intron_to + 1 - SPLICE_SITE, intron_to);
        let (left_is, right_is) = if t.reverse {
            (flags::SPLICE_ACCEPTOR, flags::SPLICE_DONOR)
        } else {
            (flags::SPLICE_DONOR, flags::SPLICE_ACCEPTOR)
        };
        if touches(left_site.0, left_site.1) {
            found |= left_is;
        }
        if touches(right_site.0, right_site.1) {
            found |= right_is;
        }
        let left_region = (intron_from + SPLICE_SITE, intron_from + SPLICE_REGION_INTRON - 1);
        let right_region = (intron_to + 1 - SPLICE_REGION_INTRON, intron_to - SPLICE_SITE);
        if touches(left_region.0, left_region.1) || touches(right_region.0, right_region.1) {
            found |= flags::SPLICE_REGION;
        }
        // The exon bases on either side of the intron.
        let exon_left = (left_end + 1 - SPLICE_REGION_EXON.min(left_end - pair[0].0 + 1), left_end);
        let exon_right = (right_start, right_start + SPLICE_REGION_EXON - 1);
        if touches(exon_left.0, exon_left.1) || touches(exon_right.0, exon_right.1) {
            found |= flags::SPLICE_REGION;
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

/// The VCF record as written, with reference bases around it (for a start codon that a deletion only
/// appears to touch).
struct Vcf<'a> {
    pos: u32,
    reference: &'a [u8],
    alt: &'a [u8],
    near: &'a [u8],
    near_start: u32,
}

impl Vcf<'_> {
    /// Reference bases `start..start+len` (1-based), when in the window.
    fn bases(&self, start: u32, len: usize) -> Option<&[u8]> {
        let at = start.checked_sub(self.near_start)? as usize;
        self.near.get(at..at + len)
    }
}

enum Coding {
    /// Only what the change does at the coding sequence's edges (no protein change is written).
    Boundary(Flags),
    /// The protein change: all types and the amino-acid text (`508VA>508V`, `257P`).
    Protein(Flags, String),
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
            found &= !flags::STOP_LOST;
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
    Coding::Protein(found | splice, text)
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
    vcf.bases(block_start, ndel) == Some(deleted)
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
