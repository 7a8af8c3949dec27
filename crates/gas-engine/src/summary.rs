//! What a pass found, as the AnnTools-style count log and as JSON for the web page's chart.

use std::fmt::Write as _;

use serde::Serialize;

use crate::bundle::regions::{INTERGENIC, RegionClass};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: u64,
    /// Records with at least one ALT allele in the known variants.
    pub known: u64,
    /// Records by their most severe region class (`intergenic` last), in severity order.
    pub regions: Vec<ClassCount>,
    pub tracks: Vec<TrackCount>,
    /// Records on contigs the bundle does not know, per contig, in order of appearance.
    pub unknown_contigs: Vec<ContigCount>,
    pub warnings: Vec<String>,
    pub bundle_assembly: String,
    /// Records with each consequence type (BCSQ), in order of first appearance.
    pub consequences: Vec<ConsequenceCount>,
    /// Records by their set of consequence types, during the pass.
    #[serde(skip)]
    consequence_sets: Vec<(crate::csq::flags::Flags, u64)>,
    /// The set the last record counted in: neighbouring records mostly have the same types.
    #[serde(skip)]
    last_set: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsequenceCount {
    pub consequence: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassCount {
    pub class: &'static str,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackCount {
    pub track: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContigCount {
    pub contig: String,
    pub count: u64,
}

impl Summary {
    pub fn new(bundle_assembly: &str, tracks: &[String], warnings: Vec<String>) -> Self {
        let mut regions: Vec<ClassCount> =
            RegionClass::ALL.iter().map(|c| ClassCount { class: c.name(), count: 0 }).collect();
        regions.push(ClassCount { class: INTERGENIC, count: 0 });
        Self {
            regions,
            tracks: tracks.iter().map(|t| TrackCount { track: t.clone(), count: 0 }).collect(),
            warnings,
            bundle_assembly: bundle_assembly.to_owned(),
            ..Self::default()
        }
    }

    /// The count for a class name (`CDS`, …, `intergenic`).
    pub fn region(&self, class: &str) -> u64 {
        self.regions.iter().find(|c| c.class == class).map_or(0, |c| c.count)
    }

    /// Counts one record's BCSQ consequence types (each type once per record). Records are tallied by
    /// their set of types (few distinct ones); [`Summary::finish`] turns the sets into per-type counts.
    // Inlined: most records count the same set as the one before.
    #[inline(always)]
    pub fn count_consequences(&mut self, types: crate::csq::flags::Flags) {
        match self.consequence_sets.get_mut(self.last_set) {
            Some((set, count)) if *set == types => *count += 1,
            _ => self.count_another_set(types),
        }
    }

    /// Counts a set other than the last one counted.
    #[inline(never)]
    fn count_another_set(&mut self, types: crate::csq::flags::Flags) {
        let sets = &mut self.consequence_sets;
        self.last_set = match sets.iter().position(|(set, _)| *set == types) {
            Some(at) => at,
            None => {
                sets.push((types, 0));
                sets.len() - 1
            }
        };
        sets[self.last_set].1 += 1;
    }

    /// Folds the tallies kept during the pass into the counts it reports.
    pub fn finish(&mut self) {
        // Sets in order of first appearance give the types in order of first appearance too.
        for (types, count) in std::mem::take(&mut self.consequence_sets) {
            for name in crate::csq::flags::each(types) {
                match self.consequences.iter_mut().find(|c| c.consequence == name) {
                    Some(c) => c.count += count,
                    None => self.consequences.push(ConsequenceCount { consequence: name.to_owned(), count }),
                }
            }
        }
    }

    pub fn unknown_contig_records(&self) -> u64 {
        self.unknown_contigs.iter().map(|c| c.count).sum()
    }

    /// The count log, AnnTools style.
    pub fn count_log(&self) -> String {
        let mut log = String::new();
        for warning in &self.warnings {
            let _ = writeln!(log, "WARNING: {warning}");
        }
        let _ = writeln!(log, "Total: {}", self.total);
        let percent = if self.total == 0 { 0.0 } else { self.known as f64 * 100.0 / self.total as f64 };
        let _ = writeln!(log, "In dbSNP: {} ({percent:.2}%)", self.known);
        let _ = writeln!(log, "Variants located:");
        for class in &self.regions {
            let _ = writeln!(log, "    {}: {}", class.class, class.count);
        }
        for track in &self.tracks {
            let _ = writeln!(log, "In {}: {} in {} variants", track.track, track.count, self.total);
        }
        if !self.consequences.is_empty() {
            let _ = writeln!(log, "Consequences (records with each, BCSQ):");
            for c in &self.consequences {
                let _ = writeln!(log, "    {}: {}", c.consequence, c.count);
            }
        }
        if !self.unknown_contigs.is_empty() {
            let listed: Vec<String> =
                self.unknown_contigs.iter().map(|c| format!("{}: {}", c.contig, c.count)).collect();
            let _ = writeln!(
                log,
                "Unknown contigs: {} variants not annotated ({})",
                self.unknown_contig_records(),
                listed.join(", ")
            );
        }
        let _ = writeln!(log, "Annotation bundle: {}", self.bundle_assembly);
        log
    }
}
