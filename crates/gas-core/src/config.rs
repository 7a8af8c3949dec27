//! Typed configuration, one struct per concern, each loaded from environment variables by `from_env()`.
//! Every AWS resource name derives from one deployment name (`GAS_DEPLOYMENT`). `.env.example` at the
//! repository root documents every variable.

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use crate::Topic;
use crate::keys::KeyLayout;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub reason: String,
}

/// Where configuration values come from: the process environment, or a map in tests.
pub struct Vars<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Vars<'a> {
    pub fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self { lookup }
    }

    /// The variable's value; unset and empty both count as absent.
    fn get(&self, var: &str) -> Option<String> {
        (self.lookup)(var).filter(|v| !v.trim().is_empty())
    }

    fn parse<T: FromStr>(&self, var: &'static str, default: T) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        match self.get(var) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|e: T::Err| ConfigError { var, reason: format!("cannot parse {raw:?}: {e}") }),
        }
    }

    fn seconds(&self, var: &'static str, default: u64) -> Result<Duration, ConfigError> {
        self.parse(var, default).map(Duration::from_secs)
    }
}

/// Runs `load` against the process environment.
fn from_process_env<T>(load: impl FnOnce(&Vars<'_>) -> Result<T, ConfigError>) -> Result<T, ConfigError> {
    let lookup = |var: &str| std::env::var(var).ok();
    load(&Vars::new(&lookup))
}

/// The deployment: one name from which every bucket, table, topic and queue name derives, so several
/// deployments (dev, test, prod, one per test) share an account without clashing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    name: String,
}

impl Deployment {
    pub const DEFAULT: &'static str = "gas-dev";

    pub fn from_env() -> Result<Self, ConfigError> {
        from_process_env(Self::from_vars)
    }

    pub fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let name = vars.get("GAS_DEPLOYMENT").unwrap_or_else(|| Self::DEFAULT.to_owned());
        Self::new(&name).map_err(|reason| ConfigError { var: "GAS_DEPLOYMENT", reason })
    }

    /// A deployment name is 3-40 characters of `a-z`, `0-9` and `-`, starting with a letter: it must fit
    /// S3 bucket naming with a suffix added.
    pub fn new(name: &str) -> Result<Self, String> {
        let valid_chars = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let starts_with_letter = name.starts_with(|c: char| c.is_ascii_lowercase());
        if (3..=40).contains(&name.len()) && valid_chars && starts_with_letter && !name.ends_with('-') {
            Ok(Self { name: name.to_owned() })
        } else {
            Err(format!(
                "{name:?} is not a deployment name: use 3-40 characters of a-z, 0-9 and -, starting with a letter"
            ))
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn inputs_bucket(&self) -> String {
        format!("{}-inputs", self.name)
    }

    pub fn results_bucket(&self) -> String {
        format!("{}-results", self.name)
    }

    pub fn annotations_table(&self) -> String {
        format!("{}-annotations", self.name)
    }

    pub fn profiles_table(&self) -> String {
        format!("{}-profiles", self.name)
    }

    /// The SNS topic, e.g. `gas-dev-job-requests`.
    pub fn topic(&self, topic: Topic) -> String {
        format!("{}-{}", self.name, topic.name().replace('_', "-"))
    }

    /// The SQS queue subscribed to `topic`, named after its consumer, e.g. `gas-dev-annotator`.
    pub fn queue(&self, topic: Topic) -> String {
        format!("{}-{}", self.name, topic.consumer())
    }

    /// Where the queue's messages go after too many failed receives.
    pub fn dead_letter_queue(&self, topic: Topic) -> String {
        format!("{}-dlq", self.queue(topic))
    }
}

/// S3 object layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageConfig {
    /// `GAS_S3_KEY_PREFIX`, default empty: a prefix before every object key.
    pub keys: KeyLayout,
}

impl StorageConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        from_process_env(Self::from_vars)
    }

    pub fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        Ok(Self { keys: KeyLayout::new(&vars.get("GAS_S3_KEY_PREFIX").unwrap_or_default()) })
    }
}

/// How queues are provisioned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueSettings {
    /// `GAS_QUEUE_MAX_RECEIVES`, default 5: receives before a message moves to the dead-letter queue.
    pub max_receive_count: u32,
    /// `GAS_QUEUE_VISIBILITY_SECONDS`, default 60: how long a received message stays hidden.
    pub visibility_timeout: Duration,
}

impl Default for QueueSettings {
    fn default() -> Self {
        Self { max_receive_count: 5, visibility_timeout: Duration::from_secs(60) }
    }
}

impl QueueSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        from_process_env(Self::from_vars)
    }

    pub fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let max_receive_count = vars.parse("GAS_QUEUE_MAX_RECEIVES", defaults.max_receive_count)?;
        if !(1..=1000).contains(&max_receive_count) {
            return Err(ConfigError { var: "GAS_QUEUE_MAX_RECEIVES", reason: "must be 1 to 1000".into() });
        }
        let visibility_timeout =
            vars.seconds("GAS_QUEUE_VISIBILITY_SECONDS", defaults.visibility_timeout.as_secs())?;
        if visibility_timeout > Duration::from_secs(12 * 3600) {
            return Err(ConfigError {
                var: "GAS_QUEUE_VISIBILITY_SECONDS",
                reason: "must be at most 43200 (12 hours)".into(),
            });
        }
        Ok(Self { max_receive_count, visibility_timeout })
    }
}

/// How a queue consumer runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerConfig {
    /// `GAS_WORKER_CONCURRENCY`, default the number of cores: messages handled at once.
    pub concurrency: usize,
    /// `GAS_DRAIN_SECONDS`, default 30: on SIGTERM, how long running handlers may take to finish.
    pub drain: Duration,
}

impl WorkerConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        from_process_env(Self::from_vars)
    }

    pub fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let concurrency = vars.parse("GAS_WORKER_CONCURRENCY", cores)?;
        if concurrency == 0 {
            return Err(ConfigError { var: "GAS_WORKER_CONCURRENCY", reason: "must be at least 1".into() });
        }
        Ok(Self { concurrency, drain: vars.seconds("GAS_DRAIN_SECONDS", 30)? })
    }
}

/// The annotator worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotatorConfig {
    /// `GAS_ANNOTATION_BUNDLE`: the annotation bundle, a local directory or `s3://bucket/prefix/`.
    pub bundle: String,
    /// `GAS_BUNDLE_CACHE_DIR`, default `<temp dir>/gas-bundles`: where a bundle from S3 is kept.
    pub bundle_cache: std::path::PathBuf,
    /// `GAS_ANNOTATOR_WORK_DIR`, default `<temp dir>/gas-annotator`: per-job scratch directories.
    pub work_dir: std::path::PathBuf,
    /// `GAS_MAX_INPUT_MB`, default 1024: larger inputs fail with a clear reason.
    pub max_input_bytes: u64,
    /// `GAS_JOB_TIME_LIMIT_SECONDS`, default 3600: annotation taking longer fails the job.
    pub time_limit: Duration,
    /// `GAS_MIN_FREE_DISK_MB`, default 1024: free space to keep beyond a job's input; with less, jobs
    /// wait for another delivery instead of filling the disk.
    pub min_free_bytes: u64,
    /// `GAS_PUBLISH_LEASE_SECONDS`, default 60: how long the attempt that ended a job has to publish its
    /// result messages before a redelivered request may publish them instead.
    pub publish_lease: Duration,
}

impl AnnotatorConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        from_process_env(Self::from_vars)
    }

    pub fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let bundle = vars.get("GAS_ANNOTATION_BUNDLE").ok_or_else(|| ConfigError {
            var: "GAS_ANNOTATION_BUNDLE",
            reason: "is required: the annotation bundle (a directory or s3://bucket/prefix/)".into(),
        })?;
        let work_dir = vars
            .get("GAS_ANNOTATOR_WORK_DIR")
            .map_or_else(|| std::env::temp_dir().join("gas-annotator"), std::path::PathBuf::from);
        let max_input_mb: u64 = vars.parse("GAS_MAX_INPUT_MB", 1024)?;
        let bundle_cache = vars
            .get("GAS_BUNDLE_CACHE_DIR")
            .map_or_else(|| std::env::temp_dir().join("gas-bundles"), std::path::PathBuf::from);
        Ok(Self {
            bundle,
            bundle_cache,
            work_dir,
            max_input_bytes: max_input_mb * 1024 * 1024,
            time_limit: vars.seconds("GAS_JOB_TIME_LIMIT_SECONDS", 3600)?,
            min_free_bytes: vars.parse::<u64>("GAS_MIN_FREE_DISK_MB", 1024)?.saturating_mul(1024 * 1024),
            publish_lease: vars.seconds("GAS_PUBLISH_LEASE_SECONDS", 60)?,
        })
    }
}

/// The web front end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebConfig {
    /// `GAS_WEB_LISTEN`, default `127.0.0.1:8080`: the address gas-web binds.
    pub listen: SocketAddr,
    /// `GAS_WEB_ORIGIN`, default `http://localhost:8080`: the origin browsers use, for links, redirects
    /// and the buckets' CORS rule.
    pub origin: String,
}

impl WebConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        from_process_env(Self::from_vars)
    }

    pub fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let listen = vars.parse("GAS_WEB_LISTEN", SocketAddr::from(([127, 0, 0, 1], 8080)))?;
        let origin = vars.get("GAS_WEB_ORIGIN").unwrap_or_else(|| "http://localhost:8080".to_owned());
        let origin = origin.trim_end_matches('/').to_owned();
        if !(origin.starts_with("http://") || origin.starts_with("https://")) {
            return Err(ConfigError {
                var: "GAS_WEB_ORIGIN",
                reason: format!("{origin:?} is not an http(s) origin"),
            });
        }
        Ok(Self { listen, origin })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn vars_from(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn load<T>(
        pairs: &[(&str, &str)],
        f: impl FnOnce(&Vars<'_>) -> Result<T, ConfigError>,
    ) -> Result<T, ConfigError> {
        let map = vars_from(pairs);
        let lookup = move |k: &str| map.get(k).cloned();
        f(&Vars::new(&lookup))
    }

    #[test]
    fn every_resource_name_derives_from_the_deployment() {
        let d = load(&[("GAS_DEPLOYMENT", "acme-gas")], Deployment::from_vars).unwrap();
        assert_eq!(d.inputs_bucket(), "acme-gas-inputs");
        assert_eq!(d.results_bucket(), "acme-gas-results");
        assert_eq!(d.annotations_table(), "acme-gas-annotations");
        assert_eq!(d.profiles_table(), "acme-gas-profiles");
        assert_eq!(d.topic(Topic::JobRequests), "acme-gas-job-requests");
        assert_eq!(d.queue(Topic::JobRequests), "acme-gas-annotator");
        assert_eq!(d.dead_letter_queue(Topic::JobResults), "acme-gas-notify-dlq");
        assert_eq!(load(&[], Deployment::from_vars).unwrap().name(), "gas-dev");
    }

    #[test]
    fn bad_deployment_names_are_refused_with_the_variable_named() {
        for bad in ["ab", "Gas", "gas_dev", "1gas", "gas-", &"g".repeat(41)] {
            let err = load(&[("GAS_DEPLOYMENT", bad)], Deployment::from_vars).unwrap_err();
            assert_eq!(err.var, "GAS_DEPLOYMENT", "{bad}");
        }
    }

    #[test]
    fn queue_settings_default_and_parse() {
        assert_eq!(load(&[], QueueSettings::from_vars).unwrap(), QueueSettings::default());
        let s = load(
            &[("GAS_QUEUE_MAX_RECEIVES", "2"), ("GAS_QUEUE_VISIBILITY_SECONDS", "3")],
            QueueSettings::from_vars,
        )
        .unwrap();
        assert_eq!((s.max_receive_count, s.visibility_timeout), (2, Duration::from_secs(3)));
        let err = load(&[("GAS_QUEUE_MAX_RECEIVES", "many")], QueueSettings::from_vars).unwrap_err();
        assert_eq!(
            err.to_string(),
            "GAS_QUEUE_MAX_RECEIVES: cannot parse \"many\": invalid digit found in string"
        );
        assert!(load(&[("GAS_QUEUE_MAX_RECEIVES", "0")], QueueSettings::from_vars).is_err());
    }

    #[test]
    fn worker_config_reads_drain_seconds() {
        let w = load(&[("GAS_DRAIN_SECONDS", "7"), ("GAS_WORKER_CONCURRENCY", "3")], WorkerConfig::from_vars)
            .unwrap();
        assert_eq!((w.concurrency, w.drain), (3, Duration::from_secs(7)));
        assert_eq!(load(&[], WorkerConfig::from_vars).unwrap().drain, Duration::from_secs(30));
        assert!(load(&[("GAS_WORKER_CONCURRENCY", "0")], WorkerConfig::from_vars).is_err());
    }

    #[test]
    fn web_origin_must_be_http() {
        let w = load(&[("GAS_WEB_ORIGIN", "https://gas.example.org/")], WebConfig::from_vars).unwrap();
        assert_eq!(w.origin, "https://gas.example.org");
        assert!(load(&[("GAS_WEB_ORIGIN", "gas.example.org")], WebConfig::from_vars).is_err());
    }

    #[test]
    fn storage_prefix_gets_a_slash() {
        let s = load(&[("GAS_S3_KEY_PREFIX", "team")], StorageConfig::from_vars).unwrap();
        assert_eq!(s.keys.prefix(), "team/");
    }
}

#[cfg(test)]
mod documentation {
    /// Every `GAS_*` variable this crate reads is documented in `.env.example`.
    #[test]
    fn env_example_documents_every_variable() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let example = std::fs::read_to_string(format!("{root}/.env.example")).unwrap();
        let sources = [include_str!("config.rs"), include_str!("telemetry.rs")];
        let mut read: Vec<&str> = Vec::new();
        for source in sources {
            for (start, _) in source.match_indices("\"GAS_") {
                let name = &source[start + 1..];
                let end = name.find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'));
                let name = &name[..end.unwrap_or(name.len())];
                if !name.ends_with('_') {
                    read.push(name);
                }
            }
        }
        assert!(read.len() >= 8, "found only {read:?}");
        for name in read {
            assert!(
                example.contains(&format!("{name}=")),
                "{name} is read but not documented in .env.example"
            );
        }
    }
}
