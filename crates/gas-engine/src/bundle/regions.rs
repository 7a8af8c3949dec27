//! Genes and region classes: per contig, a list of segments, each the start of a stretch where the
//! same genes are overlapped with the same most severe class per gene. Built by a sweep over every
//! transcript's intervals; looked up by position with a forward-moving hint.

use std::collections::HashMap;
use std::io;

use super::codec::{Corrupt, Reader, put_bytes, put_varint};
use super::container::{Container, ContainerWriter};

/// Region classes, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum RegionClass {
    Cds = 0,
    SpliceRegion = 1,
    Utr5 = 2,
    Utr3 = 3,
    /// An exon of a non-coding transcript (or the non-coding part of a coding one without UTR annotation).
    Exon = 4,
    Intron = 5,
    /// Within the promoter window upstream of a transcription start.
    Promoter = 6,
}

impl RegionClass {
    pub const ALL: [RegionClass; 7] = [
        RegionClass::Cds,
        RegionClass::SpliceRegion,
        RegionClass::Utr5,
        RegionClass::Utr3,
        RegionClass::Exon,
        RegionClass::Intron,
        RegionClass::Promoter,
    ];

    /// The name written in INFO `REGION` and the count log.
    pub const fn name(self) -> &'static str {
        match self {
            RegionClass::Cds => "CDS",
            RegionClass::SpliceRegion => "splice_region",
            RegionClass::Utr5 => "5_UTR",
            RegionClass::Utr3 => "3_UTR",
            RegionClass::Exon => "exon",
            RegionClass::Intron => "intron",
            RegionClass::Promoter => "promoter",
        }
    }

    fn from_u8(value: u8) -> Option<Self> {
        Self::ALL.get(usize::from(value)).copied()
    }
}

/// What `REGION` says when no gene is near.
pub const INTERGENIC: &str = "intergenic";

/// Collects classified intervals (1-based, inclusive) per contig and gene.
#[derive(Default)]
pub struct RegionsBuilder {
    genes: Vec<String>,
    intervals: Vec<Vec<(u32, u32, u32, RegionClass)>>,
}

impl RegionsBuilder {
    /// Registers a gene; returns its index.
    pub fn gene(&mut self, name: &str) -> u32 {
        self.genes.push(name.to_owned());
        (self.genes.len() - 1) as u32
    }

    pub fn add(&mut self, contig: u32, start: u32, end: u32, gene: u32, class: RegionClass) {
        if start > end || end == u32::MAX {
            return;
        }
        let contig = contig as usize;
        if self.intervals.len() <= contig {
            self.intervals.resize_with(contig + 1, Vec::new);
        }
        self.intervals[contig].push((start.max(1), end, gene, class));
    }

    pub fn gene_count(&self) -> usize {
        self.genes.len()
    }

    /// Writes `regions/genes`, `regions/sets` and one `regions/<contig>` section per contig.
    pub fn write(self, contigs: &[String], out: &mut ContainerWriter) -> io::Result<()> {
        let mut sets: HashMap<Vec<(u32, RegionClass)>, u32> = HashMap::from([(Vec::new(), 0)]);
        let mut set_list: Vec<Vec<(u32, RegionClass)>> = vec![Vec::new()];
        for (contig, intervals) in self.intervals.iter().enumerate() {
            if intervals.is_empty() {
                continue;
            }
            let segments = sweep(intervals, &mut sets, &mut set_list);
            let mut bytes = Vec::with_capacity(segments.len() * 8);
            for (start, set) in segments {
                bytes.extend_from_slice(&start.to_le_bytes());
                bytes.extend_from_slice(&set.to_le_bytes());
            }
            out.add(&format!("regions/{}", contigs[contig]), &bytes)?;
        }
        let mut genes = Vec::new();
        put_varint(&mut genes, self.genes.len() as u64);
        for name in &self.genes {
            put_bytes(&mut genes, name.as_bytes());
        }
        out.add("regions/genes", &genes)?;
        let mut encoded = Vec::new();
        put_varint(&mut encoded, set_list.len() as u64);
        for set in &set_list {
            put_varint(&mut encoded, set.len() as u64);
            for (gene, class) in set {
                put_varint(&mut encoded, u64::from(*gene));
                encoded.push(*class as u8);
            }
        }
        out.add("regions/sets", &encoded)
    }
}

/// Turns overlapping intervals into segments: (start, set id) where each set lists (gene, most severe
/// class) for the genes present from that start to the next segment's.
fn sweep(
    intervals: &[(u32, u32, u32, RegionClass)],
    sets: &mut HashMap<Vec<(u32, RegionClass)>, u32>,
    set_list: &mut Vec<Vec<(u32, RegionClass)>>,
) -> Vec<(u32, u32)> {
    let mut events: Vec<(u32, bool, u32, RegionClass)> = Vec::with_capacity(intervals.len() * 2);
    for &(start, end, gene, class) in intervals {
        events.push((start, true, gene, class));
        events.push((end + 1, false, gene, class));
    }
    events.sort_unstable_by_key(|e| e.0);
    let mut active: Vec<(u32, RegionClass, u32)> = Vec::new();
    let mut segments: Vec<(u32, u32)> = Vec::new();
    let mut current_set = 0;
    let mut i = 0;
    let mut set: Vec<(u32, RegionClass)> = Vec::new();
    while i < events.len() {
        let pos = events[i].0;
        while i < events.len() && events[i].0 == pos {
            let (_, starts, gene, class) = events[i];
            match active.iter_mut().position(|(g, c, _)| *g == gene && *c == class) {
                Some(k) if starts => active[k].2 += 1,
                Some(k) => {
                    active[k].2 -= 1;
                    if active[k].2 == 0 {
                        active.swap_remove(k);
                    }
                }
                None => active.push((gene, class, 1)),
            }
            i += 1;
        }
        set.clear();
        for &(gene, class, _) in &active {
            match set.iter_mut().find(|(g, _)| *g == gene) {
                Some((_, c)) => *c = (*c).min(class),
                None => set.push((gene, class)),
            }
        }
        set.sort_unstable();
        let id = match sets.get(&set) {
            Some(&id) => id,
            None => {
                let id = set_list.len() as u32;
                sets.insert(set.clone(), id);
                set_list.push(set.clone());
                id
            }
        };
        if id != current_set || segments.is_empty() {
            segments.push((pos, id));
            current_set = id;
        }
    }
    segments
}

/// Gene names and class sets, read when the bundle opens.
pub struct RegionIndex {
    /// As INFO writes them (no spaces, semicolons, commas, equals signs or tabs).
    genes: Vec<String>,
    /// Every class set's members, one set after another: set `i` is `members[set_starts[i]..set_starts[i + 1]]`
    /// (one allocation, not one per set: a bundle has tens of thousands of them).
    members: Vec<(u32, RegionClass)>,
    set_starts: Vec<u32>,
    sections: Vec<String>,
}

impl RegionIndex {
    pub fn open(container: &Container, contigs: &[String]) -> Result<Self, super::OpenError> {
        let mut genes = Vec::new();
        if let Some(bytes) = container.section("regions/genes") {
            let mut r = Reader::new(bytes);
            for _ in 0..r.varint()? {
                genes.push(r.string()?.replace([' ', ';', ',', '=', '\t'], "_"));
            }
        }
        let (mut members, mut set_starts) = (Vec::new(), vec![0]);
        if let Some(bytes) = container.section("regions/sets") {
            let mut r = Reader::new(bytes);
            for _ in 0..r.varint()? {
                for _ in 0..r.varint()? {
                    let gene = r.u32()?;
                    let class = RegionClass::from_u8(r.u8()?).ok_or(Corrupt("unknown region class"))?;
                    if gene as usize >= genes.len() {
                        return Err(Corrupt("gene out of range").into());
                    }
                    members.push((gene, class));
                }
                set_starts.push(u32::try_from(members.len()).map_err(|_| Corrupt("too many region sets"))?);
            }
        }
        let sections = contigs.iter().map(|c| format!("regions/{c}")).collect();
        Ok(Self { genes, members, set_starts, sections })
    }

    pub fn gene_count(&self) -> usize {
        self.genes.len()
    }

    /// The members of class set `set`: genes, each with its class.
    /// (`set` was checked when its contig's segments were read.)
    fn set(&self, set: u32) -> &[(u32, RegionClass)] {
        let set = set as usize;
        &self.members[self.set_starts[set] as usize..self.set_starts[set + 1] as usize]
    }

    /// The gene's name as INFO `GENE` writes it.
    pub fn gene_info_name(&self, gene: u32) -> &str {
        &self.genes[gene as usize]
    }
}

/// One pass's view of the regions: the segments of contigs it reached, and where it is.
#[derive(Default)]
pub struct RegionCursor {
    segments: Vec<Option<Vec<(u32, u32)>>>,
    hint: usize,
    hint_contig: u32,
}

impl RegionCursor {
    /// Adds to `found` each gene overlapping `start..=end` on `contig` with its most severe class.
    /// Returns the positions around the span, when it lies in one segment, where every span gets the
    /// same answer: a caller may keep the answer for those.
    pub fn lookup(
        &mut self,
        index: &RegionIndex,
        container: &Container,
        contig: u32,
        start: u32,
        end: u32,
        found: &mut Vec<(u32, RegionClass)>,
    ) -> io::Result<Option<(u32, u32)>> {
        let c = contig as usize;
        if self.segments.len() < index.sections.len() {
            self.segments.resize(index.sections.len(), None);
        }
        if self.segments[c].is_none() {
            let bytes = container.section(&index.sections[c]).unwrap_or_default();
            let segments: Vec<(u32, u32)> = bytes.chunks_exact(8).map(le_pair).collect();
            if segments.iter().any(|&(_, set)| set as usize + 1 >= index.set_starts.len()) {
                return Err(io::Error::other(Corrupt("region set out of range")));
            }
            self.segments[c] = Some(segments);
        }
        if self.hint_contig != contig {
            self.hint_contig = contig;
            self.hint = 0;
        }
        let segments = self.segments[c].as_deref().unwrap_or_default();
        if segments.is_empty() {
            return Ok(Some((0, u32::MAX)));
        }
        if segments[0].0 > end {
            return Ok(Some((0, segments[0].0 - 1)));
        }
        // The segment holding `start`: the last one starting at or before it.
        let mut k =
            crate::search::partition_from(segments, &mut self.hint, |s| s.0 <= start).saturating_sub(1);
        let first = k;
        while k < segments.len() && segments[k].0 <= end {
            for &(gene, class) in index.set(segments[k].1) {
                match found.iter_mut().find(|(g, _)| *g == gene) {
                    Some((_, c)) => *c = (*c).min(class),
                    None => found.push((gene, class)),
                }
            }
            k += 1;
        }
        // One segment reached (`k` is past it): the answer holds from its start to the next one's.
        let next_start = segments.get(k).map_or(u32::MAX, |s| s.0 - 1);
        Ok((k == first + 1 && segments[first].0 <= start).then_some((segments[first].0, next_start)))
    }
}

pub(crate) fn le_pair(bytes: &[u8]) -> (u32, u32) {
    let word = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (word(0), word(4))
}
