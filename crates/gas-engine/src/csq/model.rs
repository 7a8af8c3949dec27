//! The transcripts consequence calling reads: one compact record per transcript, built from the gene
//! models at bundle build time and stored per contig (`tx/<contig>`), sorted by start.

use crate::bundle::codec::{Corrupt, Reader, put_bytes, put_varint};
use crate::sources::Strand;
use crate::sources::gff::{Gene, Transcript};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptModel {
    pub id: String,
    pub gene: String,
    /// As the source writes it (`protein_coding`, `nonsense_mediated_decay`, `lincRNA`, …).
    pub biotype: String,
    pub reverse: bool,
    pub start: u32,
    pub end: u32,
    /// Exons, sorted by position, 1-based inclusive.
    pub exons: Vec<(u32, u32)>,
    /// Coding pieces, sorted by position.
    pub cds: Vec<(u32, u32)>,
    pub utr5: Vec<(u32, u32)>,
    pub utr3: Vec<(u32, u32)>,
    /// Bases before the first full codon at the 5′ end of the coding sequence (an incomplete CDS).
    pub phase: u8,
}

impl TranscriptModel {
    /// The model of one transcript, or `None` for one without an id (demo data folds transcripts).
    pub fn new(gene: &Gene, t: &Transcript) -> Option<Self> {
        if t.id.is_empty() {
            return None;
        }
        let sorted = |ranges: &[(u32, u32)]| {
            let mut ranges = ranges.to_vec();
            ranges.sort_unstable();
            ranges
        };
        let mut exons = sorted(&t.exons);
        if exons.is_empty() {
            // Some sources list only CDS and UTR pieces: those touching each other form one exon.
            let mut pieces: Vec<(u32, u32)> =
                t.cds.iter().chain(&t.utr5).chain(&t.utr3).chain(&t.utr).copied().collect();
            pieces.sort_unstable();
            for (s, e) in pieces {
                match exons.last_mut() {
                    Some(last) if s <= last.1 + 1 => last.1 = last.1.max(e),
                    _ => exons.push((s, e)),
                }
            }
        }
        if exons.is_empty() {
            exons.push((t.start, t.end));
        }
        let reverse = gene.strand == Strand::Reverse;
        // The phase of the CDS piece at the transcript's 5′ end.
        let mut pieces: Vec<((u32, u32), u8)> =
            t.cds.iter().copied().zip(t.cds_phases.iter().copied()).collect();
        pieces.sort_unstable();
        let phase = if reverse { pieces.last() } else { pieces.first() }.map_or(0, |p| p.1 % 3);
        Some(Self {
            id: t.id.clone(),
            gene: gene.name.clone(),
            biotype: if t.biotype.is_empty() { gene.biotype.clone() } else { t.biotype.clone() },
            reverse,
            start: t.start.min(exons[0].0),
            end: t.end.max(exons.iter().map(|e| e.1).max().unwrap_or(t.end)),
            exons,
            cds: pieces.iter().map(|p| p.0).collect(),
            utr5: sorted(&t.utr5),
            utr3: sorted(&t.utr3),
            phase,
        })
    }

    pub fn is_coding(&self) -> bool {
        !self.cds.is_empty()
    }

    /// The biotype as BCSQ prints it.
    pub fn biotype_label(&self) -> &str {
        match self.biotype.as_str() {
            "nonsense_mediated_decay" => "NMD",
            // Immunoglobulin and T-cell receptor segments: `TR_J_gene` prints as `TR_J`.
            other if other.starts_with("IG_") || other.starts_with("TR_") => {
                other.strip_suffix("_gene").unwrap_or(other)
            }
            other => other,
        }
    }
}

/// Writes a contig's transcripts in the bundle's binary encoding (a human chromosome's worth reads
/// in milliseconds, where JSON took a fifth of a second).
pub(crate) fn encode(transcripts: &[TranscriptModel]) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, transcripts.len() as u64);
    for t in transcripts {
        for text in [&t.id, &t.gene, &t.biotype] {
            put_bytes(&mut out, text.as_bytes());
        }
        out.push(u8::from(t.reverse) | t.phase << 1);
        put_varint(&mut out, u64::from(t.start));
        put_varint(&mut out, u64::from(t.end - t.start));
        for ranges in [&t.exons, &t.cds, &t.utr5, &t.utr3] {
            // Ranges as offsets from the transcript's start: small numbers, short varints.
            put_varint(&mut out, ranges.len() as u64);
            for &(s, e) in ranges.iter() {
                put_varint(&mut out, u64::from(s.saturating_sub(t.start)));
                put_varint(&mut out, u64::from(e - s));
            }
        }
    }
    out
}

/// Reads what [`encode`] wrote.
pub(crate) fn decode(bytes: &[u8]) -> Result<Vec<TranscriptModel>, Corrupt> {
    let mut r = Reader::new(bytes);
    let count = r.varint()? as usize;
    let mut transcripts = Vec::with_capacity(count.min(bytes.len()));
    for _ in 0..count {
        let (id, gene, biotype) = (r.string()?, r.string()?, r.string()?);
        let flags = r.u8()?;
        let start = r.u32()?;
        let end = start.checked_add(r.u32()?).ok_or(Corrupt("transcript end out of range"))?;
        let mut ranges = || -> Result<Vec<(u32, u32)>, Corrupt> {
            let n = r.varint()? as usize;
            let mut out = Vec::with_capacity(n.min(bytes.len()));
            for _ in 0..n {
                let s = start.checked_add(r.u32()?).ok_or(Corrupt("range out of range"))?;
                let e = s.checked_add(r.u32()?).ok_or(Corrupt("range out of range"))?;
                out.push((s, e));
            }
            Ok(out)
        };
        let (exons, cds, utr5, utr3) = (ranges()?, ranges()?, ranges()?, ranges()?);
        transcripts.push(TranscriptModel {
            id,
            gene,
            biotype,
            reverse: flags & 1 != 0,
            start,
            end,
            exons,
            cds,
            utr5,
            utr3,
            phase: (flags >> 1) % 3,
        });
    }
    Ok(transcripts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let t = TranscriptModel {
            id: "ENST00000341065".into(),
            gene: "SAMD11".into(),
            biotype: "protein_coding".into(),
            reverse: true,
            start: 100,
            end: 5_000,
            exons: vec![(100, 300), (4_000, 5_000)],
            cds: vec![(250, 300), (4_000, 4_100)],
            utr5: vec![(4_101, 5_000)],
            utr3: vec![(100, 249)],
            phase: 2,
        };
        let forward =
            TranscriptModel { reverse: false, phase: 0, utr5: vec![], id: "T2".into(), ..t.clone() };
        let both = vec![t, forward];
        assert_eq!(decode(&encode(&both)).unwrap(), both);
        assert!(decode(&encode(&both)[..20]).is_err());
    }
}
