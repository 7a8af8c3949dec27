//! The coding part of a call: where a change lands in the coding sequence and what it does to the
//! protein (codon translation, frameshifts, inframe indels, starts and stops).

use super::change::{Change, deletion_trim};
use super::flags::{self, Flags};
use super::model::TranscriptModel;
use crate::bundle::Bundle;

/// Bases past the coding sequence's 3′ end kept for translating a frameshift that runs off it.
const PAST_STOP: u32 = 10;

/// A transcript's coding sequence in transcript orientation (5′ to 3′), then up to [`PAST_STOP`]
/// bases that follow it, and its translation.
pub struct CodingSequence {
    seq: Vec<u8>,
    past: Vec<u8>,
    /// Every whole codon from the 5′ phase on, translated (stops included): a frameshift reads the
    /// reference protein from its codon to the first stop, hundreds of codons, translated once here.
    protein: Vec<u8>,
}

pub fn coding_sequence(bundle: &Bundle, contig: u32, t: &TranscriptModel) -> CodingSequence {
    let mut seq = Vec::new();
    for &(s, e) in &t.cds {
        seq.extend_from_slice(bundle.reference(contig, s, e));
    }
    let (first, last) = (t.cds[0].0, t.cds[t.cds.len() - 1].1);
    let past = if t.reverse {
        reverse_complement(&mut seq);
        let mut past = Vec::new();
        if first > 1 {
            past.extend_from_slice(bundle.reference(
                contig,
                first.saturating_sub(PAST_STOP).max(1),
                first - 1,
            ));
        }
        reverse_complement(&mut past);
        past
    } else {
        bundle.reference(contig, last + 1, last + PAST_STOP).to_vec()
    };
    let protein =
        seq.get(usize::from(t.phase)..).unwrap_or_default().chunks_exact(3).map(amino_acid).collect();
    CodingSequence { seq, past, protein }
}

fn reverse_complement(seq: &mut [u8]) {
    seq.reverse();
    for b in seq.iter_mut() {
        *b = COMPLEMENT[usize::from(*b)];
    }
}

/// Each byte's complement: `A`↔`T`, `C`↔`G`, anything else itself. A table rather than a `match`:
/// a transcript's whole coding sequence is complemented, and a branch per base mispredicted most
/// of the time.
const COMPLEMENT: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'A' => b'T',
            b'C' => b'G',
            b'G' => b'C',
            b'T' => b'A',
            other => other,
        };
        b += 1;
    }
    table
};

/// The offset in the coding sequence (transcript orientation) of genomic position `pos`.
fn coding_offset(t: &TranscriptModel, pos: u32) -> Option<usize> {
    let mut before = 0usize;
    let mut found = None;
    for &(s, e) in &t.cds {
        if found.is_none() && (s..=e).contains(&pos) {
            found = Some(before + (pos - s) as usize);
            if !t.reverse {
                break;
            }
        }
        before += (e - s + 1) as usize;
    }
    // On the reverse strand the offset counts from the other end: `before` is then the whole length.
    found.map(|forward| if t.reverse { before - 1 - forward } else { forward })
}

/// The VCF record as written, and where to read reference bases around it (needed only for a
/// deletion at a start codon).
pub struct Vcf<'a> {
    pub pos: u32,
    pub reference: &'a [u8],
    pub alt: &'a [u8],
    pub bundle: &'a Bundle,
    pub contig: u32,
}

impl Vcf<'_> {
    /// `len` bases from `start` (1-based) of the sequence with REF replaced by ALT, as bcftools builds
    /// the window it compares a splice site by (`splice_build_hap`): reference bases up to POS, ALT
    /// from `start` on, then the bases after REF. Those it reads from an offset counted as how far
    /// `start` lies into ALT, less the ALT bases taken, less one; this is the change's true sequence
    /// only for a one-base ALT or a window that starts well before its end, and it is kept because
    /// the calls depend on it (`C>CG` on a piece's last base reads that C again after the G).
    pub fn changed_bases(&self, start: u32, len: usize) -> Option<Vec<u8>> {
        let end = i64::from(self.pos) + self.reference.len() as i64; // the first base after REF
        let mut out = Vec::with_capacity(len);
        let mut into_alt = 0i64;
        if start < self.pos {
            out.extend(self.bases(start, (self.pos - start) as usize)?);
        } else {
            into_alt = i64::from(start - self.pos);
        }
        if into_alt < self.alt.len() as i64 && out.len() < len {
            let taken = (self.alt.len() - into_alt as usize).min(len - out.len());
            out.extend_from_slice(&self.alt[into_alt as usize..into_alt as usize + taken]);
            into_alt -= taken as i64;
        }
        let past_ref = if into_alt < 0 { 0 } else { into_alt - 1 };
        if out.len() < len {
            out.extend(self.bases(u32::try_from(end + past_ref).ok()?, len - out.len())?);
        }
        out.truncate(len);
        Some(out)
    }

    /// Reference bases `start..start+len` (1-based), when the contig has them.
    pub fn bases(&self, start: u32, len: usize) -> Option<&[u8]> {
        let bases = self.bundle.reference(self.contig, start, start + len as u32 - 1);
        (bases.len() == len).then_some(bases)
    }
}

pub enum Coding {
    /// Only what the change does at the coding sequence's edges (no protein change is written).
    Boundary(Flags),
    /// The protein change (its text, e.g. `508VA>508V` or `257P`, appended to the caller's buffer):
    /// its types, and the start or stop found at the CDS edges.
    Protein { found: Flags, edges: Flags },
}

/// Buffers one coding call reuses, kept by the caller between records.
#[derive(Default)]
pub struct Scratch {
    alt: Vec<u8>,
    /// The changed coding sequence from the first codon the change touches.
    mutated: Vec<u8>,
    ref_aa: Vec<u8>,
    alt_aa: Vec<u8>,
}

/// The coding consequence of a change inside a coding sequence; `splice` holds the splice flags found
/// from exon boundaries.
pub fn coding(
    t: &TranscriptModel,
    cs: &CodingSequence,
    change: &Change<'_>,
    vcf: &Vcf<'_>,
    splice: Flags,
    scratch: &mut Scratch,
    text: &mut Vec<u8>,
) -> Coding {
    let seq = &cs.seq;
    let phase = usize::from(t.phase);
    let (from, to) = change.span();
    let n = t.cds.len();
    let (first_piece, last_piece) = if t.reverse { (n - 1, 0) } else { (0, n - 1) };
    let complete_start = phase == 0 && seq.len() >= 3 && amino_acid(&seq[..3]) == b'M';
    let insertion = change.reference.is_empty();
    // The record's deletion as bcftools places it (the whole shared suffix trimmed first).
    let placed = deletion_trim(vcf.pos, vcf.reference, vcf.alt);
    let deletion = placed.is_some();

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
    // Placed so, a deletion that stays in the intron before a piece changes no coding base: `CTCGC>C`
    // ending next to the piece.
    if let Some(p) = &placed
        && !t.cds.iter().any(|&(s, e)| s <= p.last && p.before < e)
    {
        return Coding::Boundary(splice);
    }
    if let Some(p) = placed {
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
                // Nor can a start or stop at that piece's edge be told.
                return Coding::Boundary(splice | flags::CODING_SEQUENCE);
            }
            if edges & flags::STOP_LOST != 0 && ref_end > e && ends_mid_codon(seq, phase) {
                // Past the end of a coding sequence that stops mid-codon (a 3′-incomplete model, e.g.
                // a TR_J segment): there is no frame to shift.
                return Coding::Boundary(splice | flags::CODING_SEQUENCE);
            }
            // At the piece's end bcftools goes by its own placement: a deletion through the last base
            // from inside the piece shifts the frame.
            let through_end = p.before + 1 < e && p.last >= e;
            if before || through_end {
                // The net change in length decides the frame (a complex allele also inserts bases:
                // `CAAG>CT` through a piece's end shifts it, as a 2026 case has it; 1.16 counts only the
                // deleted bases).
                let (net, inserted) = if before {
                    ((d - a) as usize, change.alt.len())
                } else {
                    ((e - p.before) as usize, vcf.alt.len() - p.tbeg - p.tend)
                };
                let net = net.abs_diff(inserted);
                let frame = if !net.is_multiple_of(3) { flags::FRAMESHIFT } else { flags::INFRAME_DELETION };
                return Coding::Boundary(splice | edges | frame);
            }
            if p.last > e {
                // Only the piece's last base deleted with intron bases after it: bcftools cannot apply
                // it to the coding sequence and reports the edges alone.
                let found = splice | edges;
                return Coding::Boundary(if found == 0 { flags::CODING_SEQUENCE } else { found });
            }
        }
    }
    if !insertion && (coding_offset(t, from).is_none() || coding_offset(t, to).is_none()) {
        // A substitution from inside a piece past its end, like a deletion there (above): bcftools
        // cannot apply it to the coding sequence and reports the edges alone.
        if change.reference.len() == change.alt.len() && coding_offset(t, from).is_some() {
            let found = splice | edges;
            return Coding::Boundary(if found == 0 { flags::CODING_SEQUENCE } else { found });
        }
        return Coding::Boundary(splice | edges | flags::CODING_SEQUENCE);
    }
    if edges | splice == flags::START_LOST {
        return Coding::Boundary(flags::START_LOST);
    }

    let (start, end) = if insertion {
        let (a, b) = (coding_offset(t, from), coding_offset(t, to));
        // Right before a piece (the base before it intronic), on the forward strand the inserted
        // bases follow the previous piece's last coding base.
        let after = if t.reverse { b } else { a.or_else(|| b?.checked_sub(1)) };
        let Some(after) = after else {
            return Coding::Boundary(flags::CODING_SEQUENCE);
        };
        (after + 1, after)
    } else {
        let (Some(a), Some(b)) = (coding_offset(t, from), coding_offset(t, to)) else {
            return Coding::Boundary(flags::CODING_SEQUENCE);
        };
        (a.min(b), a.max(b))
    };
    let alt = &mut scratch.alt;
    alt.clear();
    alt.extend_from_slice(change.alt);
    if t.reverse {
        reverse_complement(alt);
    }
    let delta = alt.len() as isize - (end + 1 - start) as isize;
    // An indel's protein change is told from the codon of its anchor base: `508VA>508V`.
    // A deletion whose anchor lies in the intron before its piece is told from the codon after it
    // (`508VA>508A`; on the reverse strand, by symmetry, the codon before it: no case shows that).
    let anchor = match delta != 0 {
        false => None,
        true => coding_offset(t, change.pos.saturating_sub(1)).or_else(|| match (insertion, t.reverse) {
            // An insertion right before a piece is told from the piece's first base (bcftools moves
            // its intronic anchor there).
            (true, _) => coding_offset(t, to),
            (false, false) => Some(end + 1).filter(|&after| after < seq.len()),
            (false, true) => start.checked_sub(1),
        }),
    };
    // An insertion whose ALT ends with all of REF (`C>CC`, `A>AGAA`) bcftools takes to replace REF's
    // first base and the base after it, so it tells the change from both bases' codons
    // (`213KT>213KET`; on the reverse strand the codon before: `81RA>81RVA`).
    let ends_with_ref = vcf.reference.len() < vcf.alt.len()
        && vcf.alt.ends_with(vcf.reference)
        && vcf.alt.first() == vcf.reference.first();
    let next_base = if insertion && ends_with_ref { coding_offset(t, vcf.pos + 1) } else { None };
    let (lo, hi) = match (insertion, anchor) {
        (true, Some(anchor)) => {
            next_base.map_or((anchor, anchor), |next| (anchor.min(next), anchor.max(next)))
        }
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
    let frameshift = delta % 3 != 0;
    // The changed sequence from `codon_start`: to the codons the change touches, or for a frameshift
    // (read to the first stop) to the end and the bases after it.
    let (before_change, after_change) = (start.min(seq.len()), (end + 1).min(seq.len()));
    let tail_end = if frameshift { seq.len() } else { codon_end.max(after_change) };
    let mutated = &mut scratch.mutated;
    mutated.clear();
    mutated.extend_from_slice(&seq[codon_start..before_change]);
    mutated.extend_from_slice(alt);
    mutated.extend_from_slice(&seq[after_change..tail_end]);
    if frameshift {
        mutated.extend_from_slice(&cs.past);
    }
    let (ref_aa, alt_aa) = (&mut scratch.ref_aa, &mut scratch.alt_aa);
    ref_aa.clear();
    alt_aa.clear();
    if frameshift {
        // The shifted frame is read to the end of the (changed) coding sequence, its last codon
        // completed from the bases after it.
        // The bases after the stop are read only when the stop codon itself is hit.
        let alt_len = seq.len().saturating_add_signed(delta).saturating_sub(phase);
        let codons = if edges & flags::STOP_LOST != 0 { alt_len.div_ceil(3) } else { alt_len / 3 };
        let alt_end = (phase + codons * 3).min(codon_start + mutated.len());
        let reference = cs.protein.get(codon..).unwrap_or_default();
        let to_stop = reference.iter().position(|&aa| aa == b'*').map_or(reference.len(), |stop| stop + 1);
        ref_aa.extend_from_slice(&reference[..to_stop]);
        translate_to_stop(&mutated[..alt_end.saturating_sub(codon_start)], alt_aa);
    } else {
        let alt_end =
            codon_end.saturating_add_signed(delta).min(codon_start + mutated.len()).max(codon_start);
        translate_to_stop(&seq[codon_start..codon_end], ref_aa);
        translate_to_stop(&mutated[..alt_end - codon_start], alt_aa);
    }
    let (ref_aa, alt_aa) = (&scratch.ref_aa[..], &scratch.alt_aa[..]);
    let ref_stop = ref_aa.ends_with(b"*");
    let alt_stop = alt_aa.ends_with(b"*");
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
        for (&r, &a) in ref_aa.iter().zip(alt_aa) {
            if r == a {
                continue;
            }
            changed = true;
            found |= if r == b'*' {
                flags::STOP_LOST
            } else if a == b'*' {
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
    // A start codon that was not ATG cannot be lost. (Missense beside a lost start or stop is dropped
    // on output, after an incomplete CDS's start and stop give way to it.)
    if found & flags::START_LOST != 0 && !ref_aa.starts_with(b"M") {
        found &= !flags::START_LOST;
    }
    push_decimal(text, codon + 1);
    text.extend_from_slice(ref_aa);
    if found & flags::SYNONYMOUS == 0 && (delta != 0 || ref_aa != alt_aa) {
        text.push(b'>');
        push_decimal(text, codon + 1);
        text.extend_from_slice(alt_aa);
    }
    if found & flags::STOP_RETAINED != 0 {
        found &= !flags::SYNONYMOUS;
    }
    Coding::Protein { found, edges }
}

/// Whether the coding sequence ends with a partial codon (counted from its 5′ `phase`).
fn ends_mid_codon(seq: &[u8], phase: usize) -> bool {
    !seq.len().saturating_sub(phase).is_multiple_of(3)
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

const GENETIC_CODE: &[u8; 64] = b"KNKNTTTTRSRSIIMIQHQHPPPPRRRRLLLLEDEDAAAAGGGGVVVV*Y*YSSSS*CWCLFLF";

/// Each base's index in [`GENETIC_CODE`]'s order (A, C, G, T); 4 for anything else. A frameshift
/// translates the rest of the coding sequence, so this is a table, not a match.
static BASE_INDEX: [u8; 256] = {
    let mut table = [4; 256];
    table[b'A' as usize] = 0;
    table[b'C' as usize] = 1;
    table[b'G' as usize] = 2;
    table[b'T' as usize] = 3;
    table
};

fn amino_acid(codon: &[u8]) -> u8 {
    let [a, b, c] = [codon[0], codon[1], codon[2]].map(|base| usize::from(BASE_INDEX[usize::from(base)]));
    if (a | b | c) > 3 { b'X' } else { GENETIC_CODE[a << 4 | b << 2 | c] }
}

/// Appends the translation of `seq` up to and including the first stop codon.
fn translate_to_stop(seq: &[u8], out: &mut Vec<u8>) {
    for codon in seq.chunks_exact(3) {
        let aa = amino_acid(codon);
        out.push(aa);
        if aa == b'*' {
            break;
        }
    }
}

/// Appends `n` in decimal.
pub fn push_decimal(out: &mut Vec<u8>, n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}
