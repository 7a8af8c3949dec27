//! VCF reading: a header parser lenient enough for VCFv3.3 and a fast, validating record tokenizer.

mod header;
mod record;

pub(crate) use header::trim_line_end as header_trim;
pub use header::{Header, read_header};
pub use record::{AltAllele, AltAlleles, Record, Tabs, parse_record, parse_split, split_line};

/// A problem in the input, with the 1-based line number counting every line of the file (header
/// included). The message is written for the person who uploaded the file.
#[derive(Debug, thiserror::Error)]
pub enum VcfError {
    #[error("line {line}: {message}")]
    Malformed { line: u64, message: String },
    #[error("cannot read the input: {0}")]
    Io(#[from] std::io::Error),
}

/// Shows a field value in an error message: at most 40 characters, control characters escaped.
pub(crate) fn shown(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    let mut out: String = text.chars().take(40).flat_map(char::escape_debug).collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}
