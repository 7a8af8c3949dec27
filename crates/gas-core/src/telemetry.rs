//! Logging set-up shared by every binary: human-readable text in development, one JSON object per
//! line in production (`GAS_LOG_FORMAT=json`). `RUST_LOG` filters as usual (default `info`).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; call once at the top of `main`.
pub fn init() {
    init_with_default("info");
}

/// As [`init`], logging at `level` and above when `RUST_LOG` is not set (a command-line tool whose
/// output is a report keeps its log quiet).
pub fn init_with_default(level: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let json = std::env::var("GAS_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second init (tests that start several services in one process) keeps the first subscriber.
    let _ = if json {
        builder.json().flatten_event(true).with_current_span(true).try_init()
    } else {
        builder.compact().try_init()
    };
}
