//! `gas-annotate bundle build`: standard sources in, a bundle directory out.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use super::container::ContainerWriter;
use super::known::KnownBuilder;
use super::regions::{RegionClass, RegionsBuilder};
use super::tracks::TrackBuilder;
use super::{
    ContigInfo, DATA_FILE, DataFile, FORMAT_VERSION, InfoField, MANIFEST, Manifest, SourceFile,
    default_aliases, sha256_file,
};
use crate::alleles::{left_align, normalize};
use crate::csq::TranscriptModel;
use crate::sources::gff::{Gene, Transcript, read_gff3, read_gtf};
use crate::sources::{SourceError, Strand, bed::read_bed};
use crate::vcf::{AltAllele, VcfError, parse_record, read_header};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub out: PathBuf,
    pub gff3: Option<PathBuf>,
    pub gtf: Option<PathBuf>,
    pub fasta: Option<PathBuf>,
    pub known: Option<PathBuf>,
    /// INFO fields of the known variants to carry (`AF`, …).
    pub known_info: Vec<String>,
    /// (track name, BED file)
    pub beds: Vec<(String, PathBuf)>,
    pub assembly: String,
    pub promoter_window: u32,
    /// Extra contig aliases: (alias, contig).
    pub aliases: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{path}: {source}")]
    Vcf { path: String, source: VcfError },
    #[error("{0}")]
    Invalid(String),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io { path: path.display().to_string(), source }
}

/// Contig names in the order sources first mention them.
#[derive(Default)]
struct Contigs {
    names: Vec<String>,
    ids: HashMap<String, u32>,
    lengths: HashMap<String, u64>,
}

impl Contigs {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }
}

pub fn build(options: &BuildOptions) -> Result<Manifest, BuildError> {
    if options.assembly.trim().is_empty() {
        return Err(BuildError::Invalid("--assembly is required (GRCh37, GRCh38, …)".into()));
    }
    if options.gff3.is_some() && options.gtf.is_some() {
        return Err(BuildError::Invalid("give either --gff3 or --gtf, not both".into()));
    }
    std::fs::create_dir_all(&options.out).map_err(io_error(&options.out))?;
    let mut contigs = Contigs::default();
    let mut sources = Vec::new();

    let genes = match (&options.gff3, &options.gtf) {
        (Some(path), _) => Some((path, "gff3", read_gff3(open(path)?, &path.display().to_string())?)),
        (_, Some(path)) => Some((path, "gtf", read_gtf(open(path)?, &path.display().to_string())?)),
        _ => None,
    };
    let mut regions = RegionsBuilder::default();
    let mut transcripts: BTreeMap<u32, Vec<TranscriptModel>> = BTreeMap::new();
    if let Some((path, kind, genes)) = genes {
        sources.push(source(kind, path)?);
        for gene in &genes {
            let contig = contigs.id(&gene.contig);
            add_gene(&mut regions, contig, gene, options.promoter_window);
            let models = gene.transcripts.iter().filter_map(|t| TranscriptModel::new(gene, t));
            transcripts.entry(contig).or_default().extend(models);
        }
    }

    let mut sequences: HashMap<u32, Vec<u8>> = HashMap::new();
    if let Some(path) = &options.fasta {
        sources.push(source("fasta", path)?);
        for (name, bases) in read_fasta(path)? {
            let id = contigs.id(&name);
            contigs.lengths.insert(name, bases.len() as u64);
            sequences.insert(id, bases);
        }
    }

    let mut known = KnownBuilder::default();
    let mut known_info = Vec::new();
    if let Some(path) = &options.known {
        sources.push(source("known", path)?);
        known_info = read_known(path, &options.known_info, &mut contigs, &sequences, &mut known)?;
    }

    let mut tracks = Vec::new();
    for (name, path) in &options.beds {
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.is_empty() {
            return Err(BuildError::Invalid(format!(
                "track name {name:?}: use letters, digits and _ (it becomes an INFO flag)"
            )));
        }
        sources.push(source(&format!("bed:{name}"), path)?);
        let mut track = TrackBuilder::default();
        for (contig, start, end) in read_bed(open(path)?, &path.display().to_string())? {
            track.add(contigs.id(&contig), start, end);
        }
        tracks.push((name.clone(), track));
    }

    let data_path = options.out.join(DATA_FILE);
    let partial = options.out.join(format!("{DATA_FILE}.partial"));
    let known_records = known.len();
    let gene_count = regions.gene_count();
    let mut writer = ContainerWriter::create(&partial).map_err(io_error(&partial))?;
    regions.write(&contigs.names, &mut writer).map_err(io_error(&partial))?;
    known.write(&contigs.names, &mut writer).map_err(io_error(&partial))?;
    for (name, track) in tracks {
        track.write(&name, &contigs.names, &mut writer).map_err(io_error(&partial))?;
    }
    let mut transcript_count = 0;
    for (contig, models) in &mut transcripts {
        models.sort_by_key(|t| (t.start, t.end));
        transcript_count += models.len();
        let encoded = crate::csq::model::encode(models);
        writer
            .add(&format!("tx/{}", contigs.names[*contig as usize]), &encoded)
            .map_err(io_error(&partial))?;
    }
    let has_sequence = !sequences.is_empty();
    for (id, bases) in &sequences {
        writer.add(&format!("seq/{}", contigs.names[*id as usize]), bases).map_err(io_error(&partial))?;
    }
    writer.finish().map_err(io_error(&partial))?;
    std::fs::rename(&partial, &data_path).map_err(io_error(&data_path))?;

    let mut aliases = BTreeMap::new();
    for name in &contigs.names {
        for alias in default_aliases(name) {
            if !contigs.ids.contains_key(&alias) {
                aliases.entry(alias).or_insert_with(|| name.clone());
            }
        }
    }
    for (alias, target) in &options.aliases {
        aliases.insert(alias.clone(), target.clone());
    }
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        assembly: options.assembly.trim().to_owned(),
        created_by: format!("gas-annotate {}", env!("CARGO_PKG_VERSION")),
        sources,
        contigs: contigs
            .names
            .iter()
            .map(|n| ContigInfo { name: n.clone(), length: contigs.lengths.get(n).copied() })
            .collect(),
        aliases,
        promoter_window: options.promoter_window,
        known_info,
        tracks: options.beds.iter().map(|(n, _)| n.clone()).collect(),
        sequence: has_sequence,
        genes: gene_count,
        transcripts: transcript_count,
        known_records,
        data: DataFile {
            file: DATA_FILE.to_owned(),
            bytes: std::fs::metadata(&data_path).map_err(io_error(&data_path))?.len(),
            sha256: sha256_file(&data_path).map_err(io_error(&data_path))?,
        },
    };
    let manifest_path = options.out.join(MANIFEST);
    let text = serde_json::to_string_pretty(&manifest).expect("manifest serializes");
    std::fs::write(&manifest_path, text + "\n").map_err(io_error(&manifest_path))?;
    Ok(manifest)
}

fn open(path: &Path) -> Result<Box<dyn BufRead + Send>, BuildError> {
    let input = crate::input::open(Some(path)).map_err(io_error(path))?;
    Ok(input.reader)
}

fn source(kind: &str, path: &Path) -> Result<SourceFile, BuildError> {
    let bytes = std::fs::metadata(path).map_err(io_error(path))?.len();
    let sha256 = sha256_file(path).map_err(io_error(path))?;
    Ok(SourceFile { kind: kind.to_owned(), path: path.display().to_string(), bytes, sha256 })
}

/// Adds one gene's classified intervals, transcript by transcript.
fn add_gene(regions: &mut RegionsBuilder, contig: u32, gene: &Gene, promoter_window: u32) {
    let id = regions.gene(&gene.name);
    let single;
    let transcripts: &[Transcript] = if gene.transcripts.is_empty() {
        // A gene with no transcript is taken as one non-coding transcript over its span.
        single = [Transcript { start: gene.start, end: gene.end, ..Transcript::default() }];
        &single
    } else {
        &gene.transcripts
    };
    for t in transcripts {
        let mut exons = t.exons.clone();
        if exons.is_empty() {
            exons.push((t.start, t.end));
        }
        exons.sort_unstable();
        // Overlapping exons (several transcripts folded into one, as in the demo data) become their union,
        // so junctions are real intron boundaries.
        exons.dedup_by(|next, merged| {
            let overlaps = next.0 <= merged.1.saturating_add(1);
            if overlaps {
                merged.1 = merged.1.max(next.1);
            }
            overlaps
        });
        let (start, end) =
            (t.start.min(exons[0].0), t.end.max(exons.iter().map(|e| e.1).max().unwrap_or(t.end)));
        let mut add = |s: u32, e: u32, class| regions.add(contig, s, e, id, class);
        add(start, end, RegionClass::Intron);
        for &(s, e) in &exons {
            add(s, e, RegionClass::Exon);
        }
        let cds_span = t.cds.iter().fold(None, |span: Option<(u32, u32)>, &(s, e)| {
            Some(span.map_or((s, e), |(a, b)| (a.min(s), b.max(e))))
        });
        // Which side of the CDS a piece lies on decides 5′ or 3′, by strand.
        let side = |s: u32, e: u32| -> Option<RegionClass> {
            let (cs, ce) = cds_span?;
            let upstream = match gene.strand {
                Strand::Forward => e < cs,
                Strand::Reverse => s > ce,
            };
            let downstream = match gene.strand {
                Strand::Forward => s > ce,
                Strand::Reverse => e < cs,
            };
            if upstream {
                Some(RegionClass::Utr5)
            } else if downstream {
                Some(RegionClass::Utr3)
            } else {
                None
            }
        };
        for &(s, e) in &t.utr5 {
            add(s, e, RegionClass::Utr5);
        }
        for &(s, e) in &t.utr3 {
            add(s, e, RegionClass::Utr3);
        }
        for &(s, e) in &t.utr {
            if let Some(class) = side(s, e) {
                add(s, e, class);
            }
        }
        let no_utr_given = t.utr5.is_empty() && t.utr3.is_empty() && t.utr.is_empty();
        if let Some((cs, ce)) = cds_span.filter(|_| no_utr_given) {
            // No UTR given: the exonic parts outside the CDS are the UTRs.
            for &(s, e) in &exons {
                if s < cs {
                    add(s, e.min(cs - 1), side(s, e.min(cs - 1)).unwrap_or(RegionClass::Exon));
                }
                if e > ce {
                    add(s.max(ce + 1), e, side(s.max(ce + 1), e).unwrap_or(RegionClass::Exon));
                }
            }
        }
        for &(s, e) in &t.cds {
            add(s, e, RegionClass::Cds);
        }
        // Splice regions: 1-3 bases into the exon and 3-8 (here 1-8) bases into the intron at each junction.
        for pair in exons.windows(2) {
            let ((a_start, a_end), (b_start, b_end)) = (pair[0], pair[1]);
            if a_end + 1 >= b_start {
                continue;
            }
            add(a_end + 1, (a_end + 8).min(b_start - 1), RegionClass::SpliceRegion);
            add(b_start.saturating_sub(8).max(a_end + 1), b_start - 1, RegionClass::SpliceRegion);
            add(a_end.saturating_sub(2).max(a_start), a_end, RegionClass::SpliceRegion);
            add(b_start, (b_start + 2).min(b_end), RegionClass::SpliceRegion);
        }
        if promoter_window > 0 {
            match gene.strand {
                Strand::Forward if start > 1 => {
                    add(start.saturating_sub(promoter_window).max(1), start - 1, RegionClass::Promoter)
                }
                Strand::Reverse => add(end + 1, end.saturating_add(promoter_window), RegionClass::Promoter),
                Strand::Forward => {}
            }
        }
    }
}

/// Reads a known-variants VCF into `known`; returns the carried INFO fields' declarations.
fn read_known(
    path: &Path,
    wanted: &[String],
    contigs: &mut Contigs,
    sequences: &HashMap<u32, Vec<u8>>,
    known: &mut KnownBuilder,
) -> Result<Vec<InfoField>, BuildError> {
    let vcf_error = |source| BuildError::Vcf { path: path.display().to_string(), source };
    let mut reader = open(path)?;
    let header = read_header(&mut reader).map_err(vcf_error)?;
    let fields: Vec<InfoField> = wanted.iter().map(|id| declared_info(&header.meta_lines, id)).collect();
    let per_allele: Vec<bool> = fields.iter().map(|f| f.number == "A").collect();
    let mut line = Vec::new();
    let mut n = header.lines;
    let (mut reference, mut alt) = (Vec::new(), Vec::new());
    let mut values: Vec<Vec<u8>> = vec![Vec::new(); fields.len()];
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(|e| vcf_error(e.into()))? == 0 {
            break;
        }
        n += 1;
        crate::vcf::header_trim(&mut line);
        if line.is_empty() {
            continue;
        }
        let record =
            parse_record(&line).map_err(|message| vcf_error(VcfError::Malformed { line: n, message }))?;
        let contig = contigs.id(&String::from_utf8_lossy(record.chrom));
        for (allele_index, allele) in record.alt_alleles().enumerate() {
            let AltAllele::Sequence(a) = allele else { continue };
            let sequence = sequences.get(&contig);
            let base_at = |p: u32| sequence.and_then(|s| s.get(p as usize - 1).copied());
            let pos =
                left_align(normalize(record.pos, record.reference, a), base_at, &mut reference, &mut alt);
            for (i, field) in fields.iter().enumerate() {
                values[i].clear();
                let value = info_value(record.info, &field.id).unwrap_or(b".");
                let value = if per_allele[i] {
                    value.split(|b| *b == b',').nth(allele_index).unwrap_or(b".")
                } else {
                    value
                };
                values[i].extend_from_slice(value);
            }
            let infos: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
            known.add(contig, pos, &reference, &alt, record.id, &infos);
        }
    }
    Ok(fields)
}

/// The value of INFO key `id` (`None` if absent; a flag's value is empty).
pub(crate) fn info_value<'a>(info: &'a [u8], id: &str) -> Option<&'a [u8]> {
    info.split(|b| *b == b';').find_map(|entry| {
        let (key, value) = match entry.iter().position(|b| *b == b'=') {
            Some(eq) => (&entry[..eq], &entry[eq + 1..]),
            None => (entry, &entry[entry.len()..]),
        };
        (key == id.as_bytes()).then_some(value)
    })
}

/// The declaration of INFO field `id` in a header, or a String/`.` default if it is not declared.
fn declared_info(meta_lines: &[Vec<u8>], id: &str) -> InfoField {
    let prefix = format!("##INFO=<ID={id},");
    let line = meta_lines.iter().map(|l| String::from_utf8_lossy(l)).find(|l| l.starts_with(&prefix));
    let get = |key: &str| -> Option<String> {
        let line = line.as_ref()?;
        let at = line.find(&format!(",{key}="))? + key.len() + 2;
        let rest = &line[at..];
        Some(if let Some(quoted) = rest.strip_prefix('"') {
            quoted[..quoted.find('"').unwrap_or(quoted.len())].to_owned()
        } else {
            rest[..rest.find([',', '>']).unwrap_or(rest.len())].to_owned()
        })
    };
    InfoField {
        id: id.to_owned(),
        number: get("Number").unwrap_or_else(|| ".".to_owned()),
        kind: get("Type").unwrap_or_else(|| "String".to_owned()),
        description: get("Description").unwrap_or_else(|| format!("{id} of the known variant")),
    }
}

/// The FASTA's sequences, upper-cased.
fn read_fasta(path: &Path) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let mut sequences: Vec<(String, Vec<u8>)> = Vec::new();
    let mut reader = open(path)?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(io_error(path))? == 0 {
            return Ok(sequences);
        }
        crate::vcf::header_trim(&mut line);
        if let Some(name) = line.strip_prefix(b">") {
            let name = String::from_utf8_lossy(name).split_whitespace().next().unwrap_or_default().to_owned();
            sequences.push((name, Vec::new()));
        } else if let Some((_, bases)) = sequences.last_mut() {
            bases.extend(line.iter().map(u8::to_ascii_uppercase));
        }
    }
}
