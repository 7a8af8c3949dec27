//! Overlap tracks from BED files: per track and contig, merged intervals (1-based, inclusive).

use std::io;

use super::container::{Container, ContainerWriter};

/// One track's intervals per contig, added in any order.
#[derive(Default)]
pub struct TrackBuilder {
    intervals: Vec<Vec<(u32, u32)>>,
}

impl TrackBuilder {
    pub fn add(&mut self, contig: u32, start: u32, end: u32) {
        let contig = contig as usize;
        if self.intervals.len() <= contig {
            self.intervals.resize_with(contig + 1, Vec::new);
        }
        if start <= end {
            self.intervals[contig].push((start, end));
        }
    }

    /// Writes `track/<name>/<contig>` sections of merged, sorted intervals.
    pub fn write(mut self, name: &str, contigs: &[String], out: &mut ContainerWriter) -> io::Result<()> {
        for (contig, intervals) in self.intervals.iter_mut().enumerate() {
            if intervals.is_empty() {
                continue;
            }
            intervals.sort_unstable();
            let mut merged: Vec<(u32, u32)> = Vec::with_capacity(intervals.len());
            for &(start, end) in intervals.iter() {
                match merged.last_mut() {
                    Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
                    _ => merged.push((start, end)),
                }
            }
            let bytes: Vec<u8> =
                merged.iter().flat_map(|(s, e)| s.to_le_bytes().into_iter().chain(e.to_le_bytes())).collect();
            out.add(&format!("track/{name}/{}", contigs[contig]), &bytes)?;
        }
        Ok(())
    }
}

/// One track of the bundle.
pub struct Track {
    pub name: String,
    sections: Vec<String>,
}

impl Track {
    pub fn new(name: &str, contigs: &[String]) -> Self {
        let sections = contigs.iter().map(|c| format!("track/{name}/{c}")).collect();
        Self { name: name.to_owned(), sections }
    }
}

/// One pass's view of a track: the intervals of contigs it reached.
#[derive(Default)]
pub struct TrackCursor {
    intervals: Vec<Option<Vec<(u32, u32)>>>,
}

impl TrackCursor {
    /// Whether any interval of `track` overlaps `start..=end` on `contig`.
    pub fn overlaps(
        &mut self,
        track: &Track,
        container: &Container,
        contig: u32,
        start: u32,
        end: u32,
    ) -> io::Result<bool> {
        let c = contig as usize;
        if self.intervals.len() < track.sections.len() {
            self.intervals.resize(track.sections.len(), None);
        }
        if self.intervals[c].is_none() {
            let bytes = container.section(&track.sections[c]).unwrap_or_default();
            self.intervals[c] = Some(bytes.chunks_exact(8).map(super::regions::le_pair).collect());
        }
        let intervals = self.intervals[c].as_deref().unwrap_or_default();
        let k = intervals.partition_point(|iv| iv.1 < start);
        Ok(k < intervals.len() && intervals[k].0 <= end)
    }
}
