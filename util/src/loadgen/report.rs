//! What one load run measured, and the side-by-side table the operator reads.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// The measurements of one phase (full annotation, or the handler skipping it).
#[derive(Debug, Default)]
pub struct Phase {
    pub label: &'static str,
    pub submitted: usize,
    pub completed: usize,
    pub failed: usize,
    /// First submission to last result.
    pub span: Duration,
    /// Submission to the job_results message, per completed job.
    pub latencies: Vec<Duration>,
    /// The same minus the job's annotation time: what the pipeline around the engine costs.
    pub overheads: Vec<Duration>,
    pub annotation: Vec<Duration>,
    /// CPU time of the annotator processes while the phase ran.
    pub annotator_cpu: Duration,
    /// CPU time of the local cloud's process over the phase (its requests from loadgen included).
    pub cloud_cpu: Option<Duration>,
    /// AWS requests the annotators made over their whole life (polling included).
    pub aws_requests: BTreeMap<String, u64>,
}

impl Phase {
    pub fn jobs_per_minute(&self) -> f64 {
        if self.span.is_zero() { 0.0 } else { self.completed as f64 * 60.0 / self.span.as_secs_f64() }
    }

    pub fn cpu_per_job(&self) -> Duration {
        self.per_job(self.annotator_cpu)
    }

    fn per_job(&self, total: Duration) -> Duration {
        total.checked_div(u32::try_from(self.finished()).unwrap_or(u32::MAX).max(1)).unwrap_or_default()
    }

    pub fn aws_requests_per_job(&self) -> f64 {
        self.aws_requests.values().sum::<u64>() as f64 / self.finished().max(1) as f64
    }

    fn finished(&self) -> usize {
        self.completed + self.failed
    }
}

/// The `p`th percentile (nearest rank) of `values`.
pub fn percentile(values: &[Duration], p: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = values.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The phases side by side.
pub struct Comparison<'a>(pub &'a [Phase]);

impl fmt::Display for Comparison<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phases = self.0;
        let mut row = |name: &str, cell: &dyn Fn(&Phase) -> String| -> fmt::Result {
            write!(f, "{name:<40}")?;
            for phase in phases {
                write!(f, "{:>18}", cell(phase))?;
            }
            writeln!(f)
        };
        let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
        row("", &|p| p.label.to_owned())?;
        row("jobs completed / failed / submitted", &|p| {
            format!("{}/{}/{}", p.completed, p.failed, p.submitted)
        })?;
        row("jobs/min", &|p| format!("{:.1}", p.jobs_per_minute()))?;
        for (name, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0)] {
            row(&format!("submit -> COMPLETED {name}"), &|p| ms(percentile(&p.latencies, pct)))?;
        }
        for (name, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0)] {
            row(&format!("  minus annotation (overhead) {name}"), &|p| ms(percentile(&p.overheads, pct)))?;
        }
        row("annotation time p50", &|p| ms(percentile(&p.annotation, 50.0)))?;
        row("annotator CPU per job", &|p| format!("{:.1} ms", p.cpu_per_job().as_secs_f64() * 1000.0))?;
        if phases.iter().any(|p| p.cloud_cpu.is_some()) {
            row("local cloud CPU per job", &|p| {
                p.cloud_cpu.map_or_else(
                    || "-".to_owned(),
                    |c| format!("{:.1} ms", p.per_job(c).as_secs_f64() * 1000.0),
                )
            })?;
        }
        row("AWS calls per job (annotator)", &|p| format!("{:.1}", p.aws_requests_per_job()))?;
        let mut operations: Vec<&String> = phases.iter().flat_map(|p| p.aws_requests.keys()).collect();
        operations.sort();
        operations.dedup();
        for operation in operations {
            row(&format!("  {operation}"), &|p| {
                let count = p.aws_requests.get(operation).copied().unwrap_or(0);
                format!("{:.2}", count as f64 / p.finished().max(1) as f64)
            })?;
        }
        Ok(())
    }
}

/// "1.5" or "90s" or "2m" as a duration.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = match text.strip_suffix('m') {
        Some(minutes) => (minutes, 60.0),
        None => (text.strip_suffix('s').unwrap_or(text), 1.0),
    };
    match number.parse::<f64>() {
        Ok(n) if n > 0.0 && n.is_finite() => Ok(Duration::from_secs_f64(n * unit)),
        _ => Err(format!("{text:?} is not a duration: use seconds (90, 90s) or minutes (2m)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        assert_eq!(percentile(&values, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&values, 95.0), Duration::from_millis(95));
        assert_eq!(percentile(&values, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&values[..1], 99.0), Duration::from_millis(100));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn durations_read_as_seconds_or_minutes() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("soon").unwrap_err().contains("not a duration"));
    }
}
