//! The annotation pass: one output record per input record, in input order, with the user's columns
//! untouched except ID (known rsIDs added) and INFO (our fields appended).

use std::io::{self, BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::alleles::{left_align, may_shift_left, normalize};
use crate::bundle::Bundle;
use crate::bundle::known::{KnownCursor, KnownSnv};
use crate::bundle::regions::{INTERGENIC, RegionClass, RegionCursor};
use crate::bundle::tracks::TrackCursor;
use crate::csq::{Consequences, CsqCaller, Key};
use crate::short_copy::{Padded, append};
use crate::summary::{ContigCount, Summary};
use crate::vcf::{AltAllele, Header, Record, Tabs, VcfError, parse_split, read_header, split_line};

#[derive(Debug, Clone, Default)]
pub struct AnnotateOptions {
    /// Recorded in the output header for provenance.
    pub command_line: String,
    /// Set by another thread to stop the pass early (a time limit ran out); checked every 65,536
    /// records, so a stopped pass ends within milliseconds and frees its thread.
    pub cancel: Option<Arc<AtomicBool>>,
}

#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    /// The input is not valid VCF; the message names the line.
    #[error(transparent)]
    Input(#[from] VcfError),
    #[error("cannot write the output: {0}")]
    Output(io::Error),
    #[error("cannot read the annotation bundle: {0}")]
    Bundle(io::Error),
    #[error("the annotation was cancelled")]
    Cancelled,
}

/// Annotates `input` into `output`. `progress` is called every 65,536 records with the count so far.
pub fn annotate(
    bundle: &Bundle,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    options: &AnnotateOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Summary, AnnotateError> {
    let header = read_header(input)?;
    let warnings = crate::assembly::check(&header, &bundle.manifest.assembly, |name| {
        bundle.contig(name.as_bytes()).and_then(|id| bundle.manifest.contigs[id as usize].length)
    });
    let mut summary = Summary::new(&bundle.manifest.assembly, &bundle.manifest.tracks, warnings);
    write_header(bundle, &header, &summary.warnings, options, output).map_err(AnnotateError::Output)?;

    let mut pass = Pass::new(bundle);
    // A line that spans two reads of the input is gathered here; most lines are read in place.
    let mut straddling = Vec::with_capacity(1024);
    // Output is gathered into large batches: one copy per line, not two.
    let mut out = Vec::with_capacity(OUTPUT_BATCH + 4096);
    let mut n = header.lines;
    let mut tabs = Tabs::default();
    loop {
        let buffered = input.fill_buf().map_err(VcfError::Io)?;
        if buffered.is_empty() {
            break;
        }
        // Every whole line in the buffer, each line's end and tabs found in one pass.
        let mut rest = buffered;
        while let Some(end) = split_line(rest, &mut tabs) {
            n += 1;
            let line = Line { text: trim_end(&rest[..end]), buffered: rest };
            rest = &rest[end + 1..];
            if !line.text.is_empty() {
                pass.annotate_line(line, &tabs, n, &mut out, &mut summary)?;
                if summary.total & 0xffff == 0 {
                    checkpoint(bundle, summary.total, options, progress)?;
                }
            }
        }
        let used = buffered.len() - rest.len();
        if used > 0 {
            input.consume(used);
        } else {
            // A line that continues past the buffer: read the slow way.
            straddling.clear();
            input.read_until(b'\n', &mut straddling).map_err(VcfError::Io)?;
            split_line(&straddling, &mut tabs);
            n += 1;
            let line = Line { text: trim_end(&straddling), buffered: &straddling };
            if !line.text.is_empty() {
                pass.annotate_line(line, &tabs, n, &mut out, &mut summary)?;
                if summary.total & 0xffff == 0 {
                    checkpoint(bundle, summary.total, options, progress)?;
                }
            }
        }
        if out.len() >= OUTPUT_BATCH {
            output.write_all(&out).map_err(AnnotateError::Output)?;
            out.clear();
        }
    }
    output.write_all(&out).map_err(AnnotateError::Output)?;
    output.flush().map_err(AnnotateError::Output)?;
    summary.finish();
    Ok(summary)
}

/// Every 65,536 records: reports progress, lets go of the bundle's pages read so far, and stops the
/// pass when it was cancelled.
fn checkpoint(
    bundle: &Bundle,
    total: u64,
    options: &AnnotateOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<(), AnnotateError> {
    if options.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
        return Err(AnnotateError::Cancelled);
    }
    bundle.release_pages();
    progress(total);
    Ok(())
}

/// A data line (without its line end) and the input buffered from its start: the line and what
/// follows it, which short copies of the line's pieces may read past its end (see
/// [`crate::short_copy`]).
#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a [u8],
    buffered: &'a [u8],
}

/// Output bytes gathered before one write.
const OUTPUT_BATCH: usize = 1 << 18;

/// A line without its line ending (`\n`, `\r\n`, stray `\r`s).
fn trim_end(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\n' | b'\r'] = line {
        line = rest;
    }
    line
}

/// Per-pass state: cursors into the bundle, reusable buffers, the contig last seen.
struct Pass<'b> {
    bundle: &'b Bundle,
    known: KnownCursor,
    regions: RegionCursor,
    tracks: Vec<TrackCursor>,
    aligned: (Vec<u8>, Vec<u8>),
    last_contig: Option<LastContig>,
    info_values: Vec<Vec<Vec<u8>>>,
    genes: Vec<(u32, RegionClass)>,
    regions_written: RegionsWritten,
    csq: CsqCaller,
}

impl<'b> Pass<'b> {
    fn new(bundle: &'b Bundle) -> Self {
        Self {
            bundle,
            known: KnownCursor::default(),
            regions: RegionCursor::default(),
            tracks: bundle.tracks.iter().map(|_| TrackCursor::default()).collect(),
            aligned: (Vec::new(), Vec::new()),
            last_contig: None,
            info_values: vec![Vec::new(); bundle.manifest.known_info.len()],
            genes: Vec::new(),
            regions_written: RegionsWritten::default(),
            csq: CsqCaller::default(),
        }
    }

    /// The bundle's id for CHROM (`line`'s first `chrom_len` bytes).
    fn contig(&mut self, line: &[u8], chrom_len: usize) -> Option<u32> {
        let word = name_word(line, chrom_len);
        match &self.last_contig {
            Some(last) if last.word.is_some() && last.word == word => last.id,
            Some(last) if word.is_none() && last.name == line[..chrom_len] => last.id,
            _ => {
                let name = &line[..chrom_len];
                let id = self.bundle.contig(name);
                self.last_contig = Some(LastContig { name: name.to_vec(), word, id });
                id
            }
        }
    }

    fn annotate_line(
        &mut self,
        Line { text: line, buffered }: Line<'_>,
        tabs: &Tabs,
        n: u64,
        out: &mut Vec<u8>,
        summary: &mut Summary,
    ) -> Result<(), AnnotateError> {
        let record = parse_split(line, tabs).map_err(|message| VcfError::Malformed { line: n, message })?;
        summary.total += 1;
        let Some(contig) = self.contig(line, record.chrom.len()) else {
            count_unknown(summary, record.chrom);
            out.extend_from_slice(line);
            out.push(b'\n');
            return Ok(());
        };
        let bundle = self.bundle;

        // The record as it is up to its INFO column (most get no new ID), then our INFO entries; INFO
        // is copied too unless it is `.` (our entries replace it).
        let offset = |column: &[u8]| column.as_ptr() as usize - line.as_ptr() as usize;
        let (id_at, id_end) = (offset(record.id), offset(record.id) + record.id.len());
        let info_empty = record.info == b".";
        let copied_to = offset(record.info) + if info_empty { 0 } else { record.info.len() };
        let matched = match self.known_snv(&record, contig) {
            // Most records: the columns before ID, then the known SNV's IDs or the `.` the record had,
            // then the rest. The same steps whether the SNV is known or not (see `KnownCursor::snv`):
            // the `.` is written, and cut again when IDs follow.
            Some(snv) => {
                append(out, buffered, id_at);
                out.push(b'.');
                out.truncate(out.len() - usize::from(!snv.ids.is_empty()));
                append(out, snv.in_block, snv.ids.len());
                append(out, &buffered[id_end..], copied_to - id_end);
                snv.known
            }
            None => {
                let mut ids = IdColumn { start: out.len() + id_at, own: record.id, added_from: None };
                append(out, buffered, copied_to);
                let matched = self.find_known_alleles(&record, contig, &mut ids, out)?;
                ids.finish(out, &buffered[id_end..], copied_to - id_end);
                matched
            }
        };

        // Genes and regions over the REF span: the entries written for the last record where they
        // are the same, else looked up.
        let end = record.pos.saturating_add(record.reference.len() as u32).saturating_sub(1).max(record.pos);
        if !self.regions_written.holds(contig, record.pos, end) {
            self.write_regions(contig, record.pos, end)?;
        }

        let mut info = InfoWriter { out, empty: info_empty };
        // Most INFO columns have no `DB` anywhere: no need to split them. Known or not, the same steps
        // (see `KnownCursor::snv`).
        let maybe_db = record.info.windows(2).fold(false, |found, pair| found | (pair == b"DB"));
        let has_db = maybe_db && list_contains(record.info, b';', b"DB");
        info.flag_if(matched & !has_db, b"DB");
        if !bundle.manifest.known_info.is_empty() && matched {
            for (field, values) in bundle.manifest.known_info.iter().zip(&self.info_values) {
                info.key(b"KNOWN_");
                info.out.extend_from_slice(field.id.as_bytes());
                info.out.push(b'=');
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        info.out.push(b',');
                    }
                    info.out.extend_from_slice(if value.is_empty() { b"." } else { value });
                }
            }
        }
        // GENE and REGION written as one piece (`key` adds the separator before it); most records
        // are between genes, whose entry is a constant (written with a few stores, not a copy call).
        if self.regions_written.intergenic {
            info.key(INTERGENIC_ENTRY);
        } else {
            info.separate();
            self.regions_written.entries.append_to(info.out);
        }
        for (t, track) in bundle.tracks.iter().enumerate() {
            let hit = self.tracks[t]
                .overlaps(track, &bundle.container, contig, record.pos, end)
                .map_err(AnnotateError::Bundle)?;
            if hit {
                info.flag(track.name.as_bytes());
                summary.tracks[t].count += 1;
            }
        }
        if bundle.has_consequences() {
            // Written in place, the key with the first entry.
            let key = if info.empty { Key::First } else { Key::AfterOthers };
            let mut consequences = Consequences::new(info.out, key);
            // Symbolic insertions (`<INS…>`) and deletions (`<DEL>`, to INFO END) have consequences
            // too; the caller skips other symbols.
            let end = if record.has_symbolic_alt() { info_end(record.info) } else { None };
            let (csq, pos, reference) = (&mut self.csq, record.pos, record.reference);
            if let Some(alt) = record.single_sequence_alt() {
                csq.call(bundle, contig, pos, reference, AltAllele::Sequence(alt), end, &mut consequences)
                    .map_err(AnnotateError::Bundle)?;
            } else {
                for allele in record.alt_alleles() {
                    csq.call(bundle, contig, pos, reference, allele, end, &mut consequences)
                        .map_err(AnnotateError::Bundle)?;
                }
            }
            if !consequences.is_empty() {
                info.empty = false;
                summary.count_consequences(consequences.types);
            }
        }
        info.finish();
        if let Some(samples) = record.samples {
            out.push(b'\t');
            out.extend_from_slice(samples);
        }
        out.push(b'\n');

        summary.known += u64::from(matched);
        summary.regions[self.regions_written.slot].count += 1;
        Ok(())
    }

    /// The known SNV a record is, for the usual record (one SNV, no IDs of its own) and a bundle that
    /// carries no INFO values; `None` for any other (see [`Pass::find_known_alleles`]).
    #[inline(always)]
    fn known_snv(&mut self, record: &Record<'_>, contig: u32) -> Option<KnownSnv<'b>> {
        match (record.reference, record.single_sequence_alt()) {
            ([reference], Some([alt])) if record.id == b"." && self.info_values.is_empty() => {
                self.known.snv(self.bundle, contig, record.pos, *reference, *alt)
            }
            _ => None,
        }
    }

    /// Looks up each ALT allele of bases among the known variants: adds their IDs to the record's ID
    /// column and their INFO values to `info_values`; returns whether any matched.
    fn find_known_alleles(
        &mut self,
        record: &Record<'_>,
        contig: u32,
        ids: &mut IdColumn<'_>,
        out: &mut Vec<u8>,
    ) -> Result<bool, AnnotateError> {
        if !self.info_values.is_empty() {
            let alt_count = record.alt_count();
            for values in &mut self.info_values {
                values.clear();
                values.resize(alt_count, Vec::new());
            }
        }
        // Most records have one ALT allele of bases: no need to iterate.
        if let Some(alt) = record.single_sequence_alt() {
            return self.find_known(record, contig, 0, alt, ids, out);
        }
        let mut matched = false;
        for (i, allele) in record.alt_alleles().enumerate() {
            if let AltAllele::Sequence(alt) = allele {
                matched |= self.find_known(record, contig, i, alt, ids, out)?;
            }
        }
        Ok(matched)
    }

    /// Looks up ALT allele `i` (`alt`, bases) among the known variants: adds their IDs to the record's
    /// ID column (`ids`, in `out`) and their INFO values to `info_values`; returns whether any matched.
    fn find_known(
        &mut self,
        record: &Record<'_>,
        contig: u32,
        i: usize,
        alt: &[u8],
        ids: &mut IdColumn<'_>,
        out: &mut Vec<u8>,
    ) -> Result<bool, AnnotateError> {
        let bundle = self.bundle;
        let mut norm = normalize(record.pos, record.reference, alt);
        if bundle.manifest.sequence && norm.reference.len() != norm.alt.len() && may_shift_left(&norm) {
            // An indel in a repeat can be written at several places; the bundle stores the leftmost.
            let (bases, (reference, alt)) = (bundle.sequence(contig), &mut self.aligned);
            let base_at = |p: u32| (p as usize).checked_sub(1).and_then(|i| bases.get(i)).copied();
            let pos = left_align(norm, base_at, reference, alt);
            norm = crate::alleles::Normalized { pos, reference, alt };
        }
        let info_values = &mut self.info_values;
        let mut matched = false;
        self.known
            .for_each_match(bundle, contig, norm.pos, norm.reference, norm.alt, |m| {
                matched = true;
                ids.add(out, m.ids, m.ids_in_block);
                for (f, values) in info_values.iter_mut().enumerate() {
                    if values[i].is_empty() {
                        values[i].extend_from_slice(m.info(f));
                    }
                }
            })
            .map_err(AnnotateError::Bundle)?;
        Ok(matched)
    }

    /// Looks up the genes and region classes over `pos..=end` and writes their INFO entries.
    fn write_regions(&mut self, contig: u32, pos: u32, end: u32) -> Result<(), AnnotateError> {
        let (bundle, genes, written) = (self.bundle, &mut self.genes, &mut self.regions_written);
        genes.clear();
        let span = self
            .regions
            .lookup(&bundle.regions, &bundle.container, contig, pos, end, genes)
            .map_err(AnnotateError::Bundle)?;
        genes.sort_unstable_by_key(|(gene, _)| *gene);
        written.contig = contig;
        written.span = span;
        let most_severe = genes.iter().map(|(_, c)| *c).min();
        written.slot = most_severe.map_or(RegionClass::ALL.len(), |c| c as usize);
        written.intergenic = genes.is_empty();
        written.entries.rewrite(|text| {
            if genes.is_empty() {
                text.extend_from_slice(INTERGENIC_ENTRY);
                return;
            }
            text.extend_from_slice(b"GENE=");
            for (i, (gene, _)) in genes.iter().enumerate() {
                if i > 0 {
                    text.push(b',');
                }
                text.extend_from_slice(bundle.regions.gene_info_name(*gene).as_bytes());
            }
            text.extend_from_slice(b";REGION=");
            for (i, (_, class)) in genes.iter().enumerate() {
                if i > 0 {
                    text.push(b',');
                }
                text.extend_from_slice(class.name().as_bytes());
            }
        });
        Ok(())
    }
}

/// The contig of the last record, which most records share.
struct LastContig {
    name: Vec<u8>,
    /// The name as one word, when it is short (see `name_word`).
    word: Option<u64>,
    id: Option<u32>,
}

/// A name of 1 to 7 bytes at the start of `line` as one word (its length in the top byte, the bytes
/// below it), read at once: comparing two is one instruction where comparing slices is a call.
/// `None` for longer names and lines shorter than 8 bytes.
fn name_word(line: &[u8], len: usize) -> Option<u64> {
    if !(1..8).contains(&len) {
        return None;
    }
    let word = u64::from_le_bytes(*line.first_chunk::<8>()?);
    Some(word & ((1u64 << (8 * len)) - 1) | (len as u64) << 56)
}

/// The `GENE` and `REGION` entries written for the last record looked up, its count-log slot (its most
/// severe class), and the positions where every record gets the same.
struct RegionsWritten {
    contig: u32,
    span: Option<(u32, u32)>,
    entries: Padded,
    /// Whether `entries` is [`INTERGENIC_ENTRY`].
    intergenic: bool,
    slot: usize,
}

/// The REGION entry of a record near no gene.
const INTERGENIC_ENTRY: &[u8] = b"REGION=intergenic";

impl Default for RegionsWritten {
    fn default() -> Self {
        Self { contig: u32::MAX, span: None, entries: Padded::default(), intergenic: false, slot: 0 }
    }
}

impl RegionsWritten {
    /// Whether a record over `pos..=end` on `contig` gets these entries.
    fn holds(&self, contig: u32, pos: u32, end: u32) -> bool {
        self.contig == contig && self.span.is_some_and(|(from, to)| from <= pos && end <= to)
    }
}

/// Appends `key` entries to a record's INFO column (written up to here), replacing a `.` column.
struct InfoWriter<'o> {
    out: &'o mut Vec<u8>,
    /// Whether the column has no entry yet (it was `.`).
    empty: bool,
}

impl InfoWriter<'_> {
    fn key(&mut self, key: &[u8]) {
        self.separate();
        self.out.extend_from_slice(key);
    }

    /// Ends the entry before the next one, which the caller writes.
    fn separate(&mut self) {
        if !self.empty {
            self.out.push(b';');
        }
        self.empty = false;
    }

    fn flag(&mut self, name: &[u8]) {
        self.key(name);
    }

    /// Writes flag `name` when `on`, with the same steps either way (no branch on `on`).
    fn flag_if(&mut self, on: bool, name: &[u8]) {
        let (before, empty) = (self.out.len(), self.empty);
        self.key(name);
        let after = self.out.len();
        self.out.truncate(if on { after } else { before });
        self.empty = empty & !on;
    }

    fn finish(self) {
        if self.empty {
            self.out.push(b'.');
        }
    }
}

/// A record's ID column as it is written to the output: the record's own IDs (`own`), then the known
/// ones found that it lacks, each once. The record is first copied as it is (most get no new ID): the
/// first known ID cuts the copy back to the column's start, and [`IdColumn::finish`] copies the rest
/// of the line after the column again.
struct IdColumn<'l> {
    /// Where the column starts in the output.
    start: usize,
    own: &'l [u8],
    /// Where the added IDs start in the output, once the copy was cut.
    added_from: Option<usize>,
}

impl IdColumn<'_> {
    /// Adds the IDs of `known` (a clean list: see `clean_ids`; `known_in_block` is it and the rest of
    /// its block, for a chunk copy) that the column lacks.
    fn add(&mut self, out: &mut Vec<u8>, known: &[u8], known_in_block: &[u8]) {
        if known.is_empty() {
            return;
        }
        let added_from = match self.added_from {
            Some(at) => at,
            None => {
                out.truncate(self.start);
                if self.own != b"." {
                    out.extend_from_slice(self.own);
                    out.push(b';');
                }
                *self.added_from.insert(out.len())
            }
        };
        // The usual case, a record without IDs matching one known record: its list as it is.
        if self.own == b"." && out.len() == added_from {
            append(out, known_in_block, known.len());
            return;
        }
        for id in known.split(|b| *b == b';').filter(|id| !id.is_empty()) {
            if !list_contains(&out[self.start..], b';', id) {
                if out.len() > added_from {
                    out.push(b';');
                }
                out.extend_from_slice(id);
            }
        }
    }

    /// Ends the column, and when IDs were added copies the rest of the line after it: `after[..len]`
    /// (`after` is the line from the column's end on, and what follows it).
    fn finish(self, out: &mut Vec<u8>, after: &[u8], len: usize) {
        let Some(added_from) = self.added_from else { return };
        if out.len() == added_from {
            // The record had every known ID already: drop the `;` written after its own.
            out.pop();
        }
        append(out, after, len);
    }
}

/// Whether a `sep`-separated list holds `item` (for INFO keys, an entry `item` or `item=…`).
fn list_contains(list: &[u8], sep: u8, item: &[u8]) -> bool {
    // Mostly asked of `.` or an empty list: shorter than the item, it cannot hold it.
    list.len() >= item.len()
        && list
            .split(|b| *b == sep)
            .any(|entry| entry == item || (entry.starts_with(item) && entry.get(item.len()) == Some(&b'=')))
}

/// The INFO `END` value, if the record has a valid one.
fn info_end(info: &[u8]) -> Option<u32> {
    let value = info.split(|b| *b == b';').find_map(|entry| entry.strip_prefix(b"END="))?;
    std::str::from_utf8(value).ok()?.parse().ok()
}

fn count_unknown(summary: &mut Summary, chrom: &[u8]) {
    let name = String::from_utf8_lossy(chrom);
    match summary.unknown_contigs.iter_mut().find(|c| c.contig == name) {
        Some(c) => c.count += 1,
        None => summary.unknown_contigs.push(ContigCount { contig: name.into_owned(), count: 1 }),
    }
}

fn write_header(
    bundle: &Bundle,
    header: &Header,
    warnings: &[String],
    options: &AnnotateOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    for line in &header.meta_lines {
        out.write_all(line)?;
        out.write_all(b"\n")?;
    }
    let declare =
        |out: &mut dyn Write, id: &str, number: &str, kind: &str, description: &str| -> io::Result<()> {
            if header.info_ids.contains(id) {
                return Ok(());
            }
            writeln!(
                out,
                "##INFO=<ID={id},Number={number},Type={kind},Description=\"{}\">",
                description.replace('"', "'")
            )
        };
    if bundle.has_known() {
        declare(out, "DB", "0", "Flag", "In the known variants of the GAS annotation bundle")?;
        for field in &bundle.manifest.known_info {
            let number = "A";
            let description =
                format!("{} of the matching known variant (per ALT allele): {}", field.id, field.description);
            declare(out, &format!("KNOWN_{}", field.id), number, &field.kind, &description)?;
        }
    }
    declare(out, "GENE", ".", "String", "Genes the variant overlaps or lies in the promoter of")?;
    let classes: Vec<&str> = RegionClass::ALL.iter().map(|c| c.name()).collect();
    let region = format!(
        "Most severe region class for each gene in GENE, in the same order ({}); {INTERGENIC} when no gene is near",
        classes.join(" > ")
    );
    declare(out, "REGION", ".", "String", &region)?;
    for track in &bundle.manifest.tracks {
        declare(
            out,
            track,
            "0",
            "Flag",
            &format!("Overlaps the {track} track of the GAS annotation bundle"),
        )?;
    }
    if bundle.has_consequences() {
        declare(
            out,
            "BCSQ",
            ".",
            "String",
            "Local consequence annotation in the notation of BCFtools/csq. \
             Format: Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change",
        )?;
    }
    writeln!(out, "##GAS_annotateVersion={}", env!("CARGO_PKG_VERSION"))?;
    let sources: Vec<String> = bundle
        .manifest
        .sources
        .iter()
        .map(|s| {
            format!(
                "{}:{}",
                s.kind,
                std::path::Path::new(&s.path)
                    .file_name()
                    .map_or_else(|| s.path.clone(), |f| f.to_string_lossy().into_owned())
            )
        })
        .collect();
    writeln!(
        out,
        "##GAS_annotateBundle=<Assembly={},Sources=\"{}\">",
        bundle.manifest.assembly,
        sources.join(" ")
    )?;
    if !options.command_line.is_empty() {
        writeln!(out, "##GAS_annotateCommand={}", options.command_line)?;
    }
    for warning in warnings {
        writeln!(out, "##GAS_WARNING={warning}")?;
    }
    out.write_all(&header.column_line)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::{INTERGENIC, INTERGENIC_ENTRY, name_word};

    #[test]
    fn the_intergenic_entry_names_the_intergenic_class() {
        assert_eq!(INTERGENIC_ENTRY, format!("REGION={INTERGENIC}").as_bytes());
    }

    #[test]
    fn short_contig_names_compare_as_words_and_differ_by_length() {
        let word = |line: &str, len: usize| name_word(line.as_bytes(), len);
        assert_eq!(word("chr1\t100\t.", 4), word("chr1\t7\t.\tA", 4));
        assert_ne!(word("chr1\t100\t.", 4), word("chr10\t100\t.", 5));
        assert_ne!(word("chr1\t100\t.", 4), word("chr2\t100\t.", 4));
        // The length is part of the word: `1` is not `1\0`.
        assert_ne!(word("1\t100\t.\tA", 1), word("1\0\t100\t.\tA", 2));
        // Long names and short lines are compared the slow way.
        assert_eq!(word("chrUn_gl000220\t5\t.", 14), None);
        assert_eq!(word("1\t5\t.", 1), None);
    }
}
