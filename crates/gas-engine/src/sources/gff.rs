//! Gene models from GFF3 (Ensembl, GENCODE) or GTF. Genes hold transcripts; a transcript holds its
//! exons, CDS and UTR pieces. Exon/CDS/UTR features attached straight to a gene (as in the demo data,
//! which has no transcript ids) form one transcript spanning the gene.

use std::collections::HashMap;
use std::io::BufRead;

use super::{SourceError, Strand};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gene {
    pub name: String,
    pub biotype: String,
    pub contig: String,
    pub start: u32,
    pub end: u32,
    pub strand: Strand,
    pub transcripts: Vec<Transcript>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    /// The transcript's id without its `transcript:` prefix (`ENST00000218032`); empty when the source
    /// has none.
    pub id: String,
    /// `protein_coding`, `nonsense_mediated_decay`, `lincRNA`, …; the gene's when the transcript has none.
    pub biotype: String,
    pub start: u32,
    pub end: u32,
    pub exons: Vec<(u32, u32)>,
    pub cds: Vec<(u32, u32)>,
    /// The GFF phase of each CDS piece, in the order of `cds` (0 when the source has none).
    pub cds_phases: Vec<u8>,
    pub utr5: Vec<(u32, u32)>,
    pub utr3: Vec<(u32, u32)>,
    /// UTR pieces whose side (5′ or 3′) the source did not say.
    pub utr: Vec<(u32, u32)>,
}

enum Part {
    Exon,
    Cds,
    Utr5,
    Utr3,
    Utr,
}

fn part_of(kind: &str) -> Option<Part> {
    match kind {
        "exon" => Some(Part::Exon),
        "CDS" => Some(Part::Cds),
        "five_prime_UTR" | "five_prime_utr" | "5UTR" | "5'UTR" => Some(Part::Utr5),
        "three_prime_UTR" | "three_prime_utr" | "3UTR" | "3'UTR" => Some(Part::Utr3),
        "UTR" => Some(Part::Utr),
        _ => None,
    }
}

/// Ensembl writes `biotype`, GENCODE `transcript_type`/`gene_type`, Ensembl GTF `*_biotype`.
fn biotype_of(f: &Feature) -> Option<&str> {
    ["biotype", "transcript_biotype", "transcript_type", "gene_biotype", "gene_type"]
        .into_iter()
        .find_map(|key| f.attr(key))
}

fn is_gene(kind: &str) -> bool {
    matches!(kind, "gene" | "ncRNA_gene" | "pseudogene" | "transposable_element_gene")
}

impl Transcript {
    fn add(&mut self, part: &Part, range: (u32, u32), phase: u8) {
        match part {
            Part::Exon => self.exons.push(range),
            Part::Cds => {
                self.cds.push(range);
                self.cds_phases.push(phase);
            }
            Part::Utr5 => self.utr5.push(range),
            Part::Utr3 => self.utr3.push(range),
            Part::Utr => self.utr.push(range),
        }
    }
}

struct Feature {
    kind: String,
    contig: String,
    start: u32,
    end: u32,
    strand: Strand,
    phase: u8,
    attributes: Vec<(String, String)>,
}

impl Feature {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// Splits the nine columns; `None` for comment lines.
fn feature(line: &str, gtf: bool) -> Result<Option<Feature>, String> {
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let columns: Vec<&str> = line.split('\t').collect();
    if columns.len() < 9 {
        return Err(format!("expected 9 tab-separated columns, found {}", columns.len()));
    }
    // Whole-sequence and annotation-only features say nothing about genes (and Ensembl writes some
    // with odd coordinates, e.g. a negative chromosome start).
    if matches!(
        columns[2],
        "chromosome" | "region" | "supercontig" | "scaffold" | "contig" | "biological_region"
    ) {
        return Ok(None);
    }
    let number = |i: usize, what: &str| {
        columns[i].parse::<u32>().map_err(|_| format!("{what} '{}' is not a number", columns[i]))
    };
    let strand = if columns[6] == "-" { Strand::Reverse } else { Strand::Forward };
    let attributes = if gtf { gtf_attributes(columns[8]) } else { gff3_attributes(columns[8]) };
    Ok(Some(Feature {
        kind: columns[2].to_owned(),
        contig: columns[0].to_owned(),
        // A feature cut from a larger assembly may start before base 1; it starts at 1 here.
        start: columns[3]
            .parse::<i64>()
            .map(|n| n.clamp(1, i64::from(u32::MAX)) as u32)
            .map_err(|_| format!("start '{}' is not a number", columns[3]))?,
        end: number(4, "end")?,
        strand,
        phase: columns[7].parse().unwrap_or(0),
        attributes,
    }))
}

fn gff3_attributes(text: &str) -> Vec<(String, String)> {
    text.split(';')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), unescape(v.trim())))
        .collect()
}

fn gtf_attributes(text: &str) -> Vec<(String, String)> {
    text.split(';')
        .filter_map(|kv| kv.trim().split_once(' '))
        .map(|(k, v)| (k.to_owned(), v.trim().trim_matches('"').to_owned()))
        .collect()
}

/// GFF3 escapes reserved characters as %XX.
fn unescape(value: &str) -> String {
    if !value.contains('%') {
        return value.to_owned();
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn read_features(reader: impl BufRead, file: &str, gtf: bool) -> Result<Vec<Feature>, SourceError> {
    let mut features = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let error = |message: String| SourceError { file: file.to_owned(), line: n as u64 + 1, message };
        let line = line.map_err(|e| error(e.to_string()))?;
        if line.starts_with("##FASTA") {
            break;
        }
        if let Some(f) = feature(&line, gtf).map_err(error)? {
            features.push(f);
        }
    }
    Ok(features)
}

/// Reads a GFF3 file's genes.
pub fn read_gff3(reader: impl BufRead, file: &str) -> Result<Vec<Gene>, SourceError> {
    let features = read_features(reader, file, false)?;
    let mut genes: Vec<Gene> = Vec::new();
    let mut gene_by_id: HashMap<&str, usize> = HashMap::new();
    for f in features.iter().filter(|f| {
        // Ensembl also writes genes as `J_gene_segment` and the like, always with `ID=gene:…`.
        let top_level = f.attr("Parent").is_none();
        is_gene(&f.kind)
            || (top_level && f.kind.ends_with("_gene"))
            || (top_level && f.attr("ID").is_some_and(|id| id.starts_with("gene:")))
    }) {
        let id = f.attr("ID").unwrap_or_default();
        let name = f.attr("Name").or(f.attr("gene_name")).or(f.attr("gene_id")).unwrap_or(id);
        let name = name.strip_prefix("gene:").unwrap_or(name).to_owned();
        gene_by_id.insert(id, genes.len());
        genes.push(Gene {
            name,
            biotype: biotype_of(f).unwrap_or_default().to_owned(),
            contig: f.contig.clone(),
            start: f.start,
            end: f.end,
            strand: f.strand,
            transcripts: Vec::new(),
        });
    }
    // Transcripts: features whose parent is a gene and which are not themselves parts.
    let mut transcript_by_id: HashMap<&str, (usize, usize)> = HashMap::new();
    for f in &features {
        if part_of(&f.kind).is_some() || is_gene(&f.kind) {
            continue;
        }
        let (Some(id), Some(parent)) = (f.attr("ID"), f.attr("Parent")) else { continue };
        if let Some(&g) = gene_by_id.get(parent) {
            let t = genes[g].transcripts.len();
            let transcript_id = f.attr("transcript_id").unwrap_or(id);
            let biotype = biotype_of(f).unwrap_or(&genes[g].biotype).to_owned();
            genes[g].transcripts.push(Transcript {
                id: transcript_id.strip_prefix("transcript:").unwrap_or(transcript_id).to_owned(),
                biotype,
                start: f.start,
                end: f.end,
                ..Transcript::default()
            });
            transcript_by_id.insert(id, (g, t));
        }
    }
    // Parts go to their transcript, or to the gene's own transcript when attached to the gene.
    let mut gene_level: HashMap<usize, usize> = HashMap::new();
    for f in &features {
        let Some(part) = part_of(&f.kind) else { continue };
        for parent in f.attr("Parent").unwrap_or_default().split(',') {
            if let Some(&(g, t)) = transcript_by_id.get(parent) {
                genes[g].transcripts[t].add(&part, (f.start, f.end), f.phase);
            } else if let Some(&g) = gene_by_id.get(parent) {
                let gene = &mut genes[g];
                let t = *gene_level.entry(g).or_insert_with(|| {
                    gene.transcripts.push(Transcript {
                        start: gene.start,
                        end: gene.end,
                        ..Transcript::default()
                    });
                    gene.transcripts.len() - 1
                });
                gene.transcripts[t].add(&part, (f.start, f.end), f.phase);
            }
        }
    }
    Ok(genes)
}

/// Reads a GTF file's genes (grouped by gene_id and transcript_id; gene and transcript lines optional).
pub fn read_gtf(reader: impl BufRead, file: &str) -> Result<Vec<Gene>, SourceError> {
    let features = read_features(reader, file, true)?;
    let mut genes: Vec<Gene> = Vec::new();
    let mut gene_by_id: HashMap<String, usize> = HashMap::new();
    let mut transcript_by_id: HashMap<String, (usize, usize)> = HashMap::new();
    for f in &features {
        let Some(gene_id) = f.attr("gene_id") else { continue };
        let g = *gene_by_id.entry(gene_id.to_owned()).or_insert_with(|| {
            let name = f.attr("gene_name").unwrap_or(gene_id).to_owned();
            genes.push(Gene {
                name,
                biotype: f.attr("gene_biotype").or(f.attr("gene_type")).unwrap_or_default().to_owned(),
                contig: f.contig.clone(),
                start: f.start,
                end: f.end,
                strand: f.strand,
                transcripts: Vec::new(),
            });
            genes.len() - 1
        });
        let gene = &mut genes[g];
        gene.start = gene.start.min(f.start);
        gene.end = gene.end.max(f.end);
        let Some(transcript_id) = f.attr("transcript_id") else { continue };
        let (_, t) = *transcript_by_id.entry(transcript_id.to_owned()).or_insert_with(|| {
            let biotype = biotype_of(f).unwrap_or(&gene.biotype).to_owned();
            let id = transcript_id.to_owned();
            gene.transcripts.push(Transcript {
                id,
                biotype,
                start: f.start,
                end: f.end,
                ..Transcript::default()
            });
            (g, gene.transcripts.len() - 1)
        });
        let transcript = &mut gene.transcripts[t];
        transcript.start = transcript.start.min(f.start);
        transcript.end = transcript.end.max(f.end);
        if let Some(part) = part_of(&f.kind) {
            transcript.add(&part, (f.start, f.end), f.phase);
        }
    }
    Ok(genes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ensembl_style_gff3() {
        let gff = "##gff-version 3\n\
            1\tensembl\tgene\t100\t900\t.\t+\t.\tID=gene:G1;Name=ABC;biotype=protein_coding\n\
            1\tensembl\tmRNA\t100\t900\t.\t+\t.\tID=transcript:T1;Parent=gene:G1\n\
            1\tensembl\texon\t100\t300\t.\t+\t.\tParent=transcript:T1\n\
            1\tensembl\texon\t600\t900\t.\t+\t.\tParent=transcript:T1\n\
            1\tensembl\tCDS\t200\t300\t.\t+\t0\tParent=transcript:T1\n\
            1\tensembl\tfive_prime_UTR\t100\t199\t.\t+\t.\tParent=transcript:T1\n";
        let genes = read_gff3(gff.as_bytes(), "t.gff3").unwrap();
        assert_eq!(genes.len(), 1);
        assert_eq!((genes[0].name.as_str(), genes[0].start, genes[0].end), ("ABC", 100, 900));
        let t = &genes[0].transcripts[0];
        assert_eq!(t.exons, [(100, 300), (600, 900)]);
        assert_eq!((t.cds.as_slice(), t.utr5.as_slice()), (&[(200, 300)][..], &[(100, 199)][..]));
    }

    #[test]
    fn parts_attached_to_a_gene_form_one_transcript() {
        let gff = "chr1\tx\tgene\t10\t50\t.\t-\t.\tID=G1;Name=N%3B1\n\
            chr1\tx\texon\t10\t20\t.\t-\t.\tParent=G1\n\
            chr1\tx\texon\t40\t50\t.\t-\t.\tParent=G1\n";
        let genes = read_gff3(gff.as_bytes(), "t.gff3").unwrap();
        assert_eq!(genes[0].name, "N;1");
        assert_eq!(genes[0].transcripts.len(), 1);
        assert_eq!(genes[0].transcripts[0].exons, [(10, 20), (40, 50)]);
        assert_eq!((genes[0].transcripts[0].start, genes[0].transcripts[0].end), (10, 50));
    }

    #[test]
    fn reads_gtf() {
        let gtf = "1\th\texon\t100\t200\t.\t-\t.\tgene_id \"G\"; transcript_id \"T\"; gene_name \"XYZ\";\n\
            1\th\tCDS\t150\t200\t.\t-\t0\tgene_id \"G\"; transcript_id \"T\"; gene_name \"XYZ\";\n";
        let genes = read_gtf(gtf.as_bytes(), "t.gtf").unwrap();
        assert_eq!((genes[0].name.as_str(), genes[0].strand), ("XYZ", Strand::Reverse));
        assert_eq!(genes[0].transcripts[0].cds, [(150, 200)]);
    }

    #[test]
    fn bad_lines_name_their_number() {
        let err = read_gff3("chr1\tx\tgene\tten\t50\t.\t+\t.\tID=G\n".as_bytes(), "g.gff3").unwrap_err();
        assert_eq!(err.to_string(), "g.gff3: line 1: start 'ten' is not a number");
    }
}
