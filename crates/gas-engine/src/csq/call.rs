//! Local (one record at a time, like `bcftools csq -l`) consequence calling for one ALT allele against
//! every transcript it touches, in bcftools csq's order of checks.

use std::io;
use std::sync::Arc;

use super::change::{Change, deletion_trim, realigned_into_piece, trim};
use super::coding::{Coding, CodingSequence, Scratch, Vcf, coding, coding_sequence, push_decimal};
use super::consequences::{Consequences, FormattedEntries};
use super::flags::{self, Flags};
use super::model::TranscriptModel;
use super::quiet::QuietStretch;
use super::sites::{
    cds_covers, overlaps_any, splice_flags, unchanged_splice_sequence, utr_beside_cds, utr_side,
};
use super::stage::{Stage, Staged};
use crate::bundle::Bundle;
use crate::vcf::AltAllele;

/// Where an allele is: its record's contig, POS and REF, and INFO `END`.
#[derive(Clone, Copy)]
struct Site<'a> {
    contig: u32,
    pos: u32,
    reference: &'a [u8],
    end: Option<u32>,
}

/// The position of REF's last base.
fn last_base(pos: u32, reference: &[u8]) -> u32 {
    pos.saturating_add(reference.len() as u32 - 1)
}

/// Whether ALT differs from REF (as `trim` finds), without a call for one-base alleles.
#[inline(always)]
fn changes(reference: &[u8], alt: &[u8]) -> bool {
    match (reference, alt) {
        ([r], [a]) => r != a,
        _ => reference != alt,
    }
}

/// One pass's consequence caller: the current contig's transcripts and their coding sequences, and
/// buffers kept between records.
#[derive(Default)]
pub struct CsqCaller {
    contig: Option<u32>,
    transcripts: Arc<[TranscriptModel]>,
    /// The largest end among transcripts `0..=i` (they are sorted by start): where a backward scan
    /// for transcripts reaching a position can stop.
    max_end: Vec<u32>,
    /// Per transcript, its coding sequence once a change has reached it.
    coding: Vec<Option<CodingSequence>>,
    formatted: FormattedEntries,
    /// The transcripts near the current record and their splice flags.
    candidates: Vec<(usize, Flags)>,
    /// Where the last search for transcripts starting by a position ended.
    hint: usize,
    /// Where SNVs get the entries the last such SNV got, without the full check.
    quiet: QuietStretch,
    stage: Stage,
    scratch: Scratch,
}

impl CsqCaller {
    /// Appends the BCSQ entries of `allele` (REF `reference` at `pos`) to `out`, without duplicates.
    /// `end` is the record's INFO `END`, which places a symbolic deletion (`<DEL>`).
    ///
    /// The checks run in bcftools csq's order: the coding sequence, UTRs, splice sites, and only when
    /// none of them found anything for any transcript, introns and non-coding exons.
    #[expect(clippy::too_many_arguments, reason = "one record's allele and where to put its entries")]
    // Always inlined: the shortcut below is most records' whole call (a plain `#[inline]` was not).
    #[inline(always)]
    pub fn call(
        &mut self,
        bundle: &Bundle,
        contig: u32,
        pos: u32,
        reference: &[u8],
        allele: AltAllele<'_>,
        end: Option<u32>,
        out: &mut Consequences<'_>,
    ) -> io::Result<()> {
        // Most variants lie in a quiet stretch (see `quiet`): their entries, already printed, are
        // copied here in the caller. An indel whose REF lies in the stretch is as far from every
        // boundary as an SNV there (the margin covers what the checks look at around REF).
        if let AltAllele::Sequence(alt) = allele
            && self.contig == Some(contig)
            && out.is_empty()
            && self.quiet.covers(pos, last_base(pos, reference))
            && changes(reference, alt)
        {
            out.add_printed(&self.quiet.printed, self.quiet.types);
            return Ok(());
        }
        self.call_in_full(bundle, Site { contig, pos, reference, end }, allele, out)
    }

    /// `call` without its shortcut: kept out of the caller's code.
    #[inline(never)]
    fn call_in_full(
        &mut self,
        bundle: &Bundle,
        site: Site<'_>,
        allele: AltAllele<'_>,
        out: &mut Consequences<'_>,
    ) -> io::Result<()> {
        let Site { contig, pos, reference, end } = site;
        if self.contig != Some(contig) {
            self.load(bundle, contig)?;
        }
        self.stage.clear();
        match allele {
            AltAllele::Other(alt) if alt.starts_with(b"<INS") => self.symbolic_insertion(pos, reference, alt),
            AltAllele::Other(alt) if alt.starts_with(b"<DEL") => {
                if let Some(end) = end.filter(|end| *end > pos) {
                    self.symbolic_deletion(pos + 1, end);
                }
            }
            // Other symbols and `*` (an upstream deletion) have none.
            AltAllele::Other(alt) if alt.starts_with(b"<") || alt.contains(&b'*') => {}
            AltAllele::Sequence(alt) | AltAllele::Other(alt) => {
                if let Some(change) = trim(pos, reference, alt) {
                    let snv = reference.len() == 1 && alt.len() == 1;
                    if matches!(allele, AltAllele::Sequence(_))
                        && self.quiet.covers(pos, last_base(pos, reference))
                    {
                        // The quiet stretch's entries (not the first allele's: merged entry by entry).
                        self.stage.entries.extend_from_slice(&self.quiet.entries);
                    } else {
                        let vcf = Vcf { pos, reference, alt, bundle, contig };
                        let found = self.stage_change(bundle, contig, &change, &vcf)?;
                        if snv && !found {
                            let (transcripts, max_end) = (&self.transcripts, &self.max_end);
                            self.quiet.keep(transcripts, max_end, pos, &self.stage, &mut self.formatted);
                        }
                    }
                }
            }
        }
        out.add(&self.stage, &self.transcripts, &mut self.formatted);
        Ok(())
    }

    fn load(&mut self, bundle: &Bundle, contig: u32) -> io::Result<()> {
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
        self.coding.resize_with(self.transcripts.len(), || None);
        self.formatted.clear();
        self.formatted.resize_with(self.transcripts.len(), Vec::new);
        self.hint = 0;
        self.quiet.clear();
        self.contig = Some(contig);
        Ok(())
    }

    /// Stages the entries of `change`; returns whether any is a coding, UTR or splice consequence
    /// (not just `intron` or `non_coding`, nor none at all).
    fn stage_change(
        &mut self,
        bundle: &Bundle,
        contig: u32,
        change: &Change<'_>,
        vcf: &Vcf<'_>,
    ) -> io::Result<bool> {
        let (from, to) = change.span();
        // bcftools looks one base past REF for CDS, UTR and exon overlaps (insertions).
        let (record_from, record_to) = (vcf.pos, vcf.pos + vcf.reference.len() as u32);
        let (lo, hi) = (from.min(record_from), to.max(record_to));
        let deletion = deletion_trim(vcf.pos, vcf.reference, vcf.alt);
        let candidates = &mut self.candidates;
        candidates.clear();
        // Each nearby transcript with its splice flags (computed once; only coding ones have any), in
        // start order: walk back from the last transcript starting by `hi` while one could still reach `lo`.
        let last = crate::search::partition_from(&self.transcripts, &mut self.hint, |t| t.start <= hi);
        for i in (0..last).rev() {
            if self.max_end[i] < lo {
                break;
            }
            let t = &self.transcripts[i];
            if t.end >= lo {
                candidates
                    .push((i, if t.is_coding() { splice_flags(t, change, deletion.as_ref()) } else { 0 }));
            }
        }
        if candidates.is_empty() {
            return Ok(false);
        }
        candidates.reverse();
        let (transcripts, stage) = (&self.transcripts[..], &mut self.stage);
        for (i, splice) in candidates.iter_mut() {
            if *splice != 0 && transcripts[*i].is_coding() {
                *splice |= unchanged_splice_sequence(&transcripts[*i], vcf);
            }
        }

        let mut hit = false;
        for &(i, splice) in candidates.iter() {
            let t = &transcripts[i];
            if !t.is_coding() || !overlaps_any(&t.cds, record_from, record_to) {
                continue;
            }
            hit = true;
            // A deletion the VCF way in the intron after a piece may, placed the bcftools way, delete
            // the piece's last base instead (`GG>G` at its end): bcftools calls that a coding change.
            let moved = deletion
                .as_ref()
                .filter(|_| !cds_covers(t, change))
                .map(|d| d.placed(vcf.reference, vcf.alt))
                .filter(|placed| cds_covers(t, placed));
            let change = moved.as_ref().unwrap_or(change);
            if !cds_covers(t, change) {
                // An insertion right at a CDS end belongs to the UTR on its other side.
                if change.reference.is_empty() {
                    let found = utr_beside_cds(t, change.pos - 1);
                    stage.push(transcripts, Staged { transcript: i, found, change: None });
                }
                continue;
            }
            if self.coding[i].is_none() {
                self.coding[i] = Some(coding_sequence(bundle, contig, t));
            }
            let Some(cs) = &self.coding[i] else { unreachable!("filled above") };
            let text_start = stage.changes.len();
            let realigned = realigned_into_piece(&t.cds, vcf.pos, vcf.reference, vcf.alt);
            let change = realigned.as_ref().unwrap_or(change);
            match coding(t, cs, change, vcf, splice, &mut self.scratch, &mut stage.changes) {
                Coding::Boundary(found) => {
                    stage.push(transcripts, Staged { transcript: i, found, change: None })
                }
                Coding::Protein { found, edges } => {
                    // The protein change, then the DNA change as the VCF writes it: `508VA>508V|19026CAGG>CA`.
                    let text = &mut stage.changes;
                    text.push(b'|');
                    push_decimal(text, vcf.pos as usize);
                    text.extend_from_slice(vcf.reference);
                    text.push(b'>');
                    text.extend_from_slice(vcf.alt);
                    let range = Some((text_start as u32, text.len() as u32));
                    stage.push(transcripts, Staged { transcript: i, found: edges | splice, change: None });
                    stage.push(
                        transcripts,
                        Staged { transcript: i, found: found & flags::PROTEIN, change: range },
                    );
                    let rest = (found | splice) & !flags::PROTEIN;
                    stage.push(transcripts, Staged { transcript: i, found: rest, change: None });
                }
            }
        }
        for &(i, _) in candidates.iter() {
            let t = &transcripts[i];
            if !t.is_coding() {
                continue;
            }
            let utr = utr_side(t, change, deletion.as_ref());
            if utr != 0 {
                hit = true;
                stage.push(transcripts, Staged { transcript: i, found: utr, change: None });
            }
        }
        for &(i, splice) in candidates.iter() {
            if splice != 0 {
                hit = true;
                stage.push(transcripts, Staged { transcript: i, found: splice, change: None });
            }
        }
        if !hit {
            for &(i, _) in candidates.iter() {
                let t = &transcripts[i];
                // An insertion counts only strictly inside the transcript (not after its last base);
                // a deletion placed as for the UTR test (`GCGTG>G` on a transcript's last base reaches it).
                let inside = match &deletion {
                    Some(deletion) => deletion.reaches(t.start, t.end),
                    None if change.reference.is_empty() => t.start <= from && from < t.end,
                    None => t.start <= to && t.end >= from,
                };
                if inside {
                    let found = if t.is_coding() { flags::INTRON } else { flags::NON_CODING };
                    stage.push(transcripts, Staged { transcript: i, found, change: None });
                }
            }
        }
        Ok(hit)
    }

    /// A symbolic deletion (`<DEL>`) of bases `from..=to`: its sequence is not given, so each
    /// transcript it reaches is truncated, whatever part of it the deletion takes.
    fn symbolic_deletion(&mut self, from: u32, to: u32) {
        let (transcripts, stage) = (&self.transcripts[..], &mut self.stage);
        let last = transcripts.partition_point(|t| t.start <= to);
        let reach = self.max_end[..last].iter().rposition(|&end| end < from).map_or(0, |i| i + 1);
        for i in (reach..last).filter(|&i| transcripts[i].end >= from) {
            stage.push(transcripts, Staged { transcript: i, found: flags::TRUNCATION, change: None });
        }
    }

    /// A symbolic insertion (`<INS:ME:ALU>`): its sequence is unknown, so it is a feature elongation of
    /// whatever the base after POS belongs to, plus the splice sites it is near.
    fn symbolic_insertion(&mut self, pos: u32, reference: &[u8], alt: &[u8]) {
        let change = Change { pos, reference, alt, symbolic: true };
        let at = pos + 1;
        let (transcripts, stage) = (&self.transcripts[..], &mut self.stage);
        let mut hit = false;
        let last = transcripts.partition_point(|t| t.start <= at + 1);
        let reach = self.max_end[..last].iter().rposition(|&end| end + 1 < pos).map_or(0, |i| i + 1);
        let candidates = (reach..last).filter(|&i| transcripts[i].end + 1 >= pos);
        for i in candidates.clone() {
            let t = &transcripts[i];
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
                found |= splice_flags(t, &change, None);
            }
            if found != 0 {
                hit = true;
                stage.push(
                    transcripts,
                    Staged { transcript: i, found: found | flags::ELONGATION, change: None },
                );
            }
        }
        if !hit {
            for i in candidates.filter(|&i| transcripts[i].start <= at && at <= transcripts[i].end) {
                let found = if transcripts[i].is_coding() { flags::INTRON } else { flags::NON_CODING };
                stage.push(
                    transcripts,
                    Staged { transcript: i, found: found | flags::ELONGATION, change: None },
                );
            }
        }
    }
}
