use std::io::BufRead;

use super::SourceError;

/// Reads BED intervals as (contig, 1-based start, inclusive end).
pub fn read_bed(reader: impl BufRead, file: &str) -> Result<Vec<(String, u32, u32)>, SourceError> {
    let mut intervals = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let error = |message: String| SourceError { file: file.to_owned(), line: n as u64 + 1, message };
        let line = line.map_err(|e| error(e.to_string()))?;
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with("track")
            || line.starts_with("browser")
        {
            continue;
        }
        let mut columns = line.split('\t');
        let (Some(contig), Some(start), Some(end)) = (columns.next(), columns.next(), columns.next()) else {
            return Err(error("expected at least 3 tab-separated columns: chrom, start, end".into()));
        };
        let start: u32 =
            start.trim().parse().map_err(|_| error(format!("start '{start}' is not a number")))?;
        let end: u32 = end.trim().parse().map_err(|_| error(format!("end '{end}' is not a number")))?;
        if end < start {
            return Err(error(format!("end {end} is before start {start}")));
        }
        // BED is 0-based, half-open.
        intervals.push((contig.to_owned(), start + 1, end));
    }
    Ok(intervals)
}
