//! Where objects live in S3: `<key prefix><user_id>/<job_id>~<file name>` for an input, and result keys
//! derived from the input key, so every service computes the same keys from the row alone.

use std::fmt;

use crate::{JobId, UserId};

/// The longest sanitized file name, in bytes. S3 allows 1,024-byte keys; this leaves ample room for the
/// prefix, the ids and the result suffixes.
pub const MAX_FILE_NAME_BYTES: usize = 200;

/// Suffixes that name a VCF, longest first; result keys replace them.
const VCF_SUFFIXES: [&str; 3] = [".vcf.bgz", ".vcf.gz", ".vcf"];

/// A file name that is safe as the last segment of a key: no `/`, no `~`, no control characters, not
/// empty, at most [`MAX_FILE_NAME_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileNameError {
    #[error("the file name is empty")]
    Empty,
}

/// Turns the name a browser reported into a [`FileName`]: keeps only the last path segment (browsers
/// on Windows send `C:\fakepath\x.vcf`), replaces `~` and control characters with `_`, trims spaces and
/// leading dots, and shortens long names while keeping their VCF suffix.
pub fn sanitize_file_name(raw: &str) -> Result<FileName, FileNameError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let replaced: String = base.chars().map(|c| if c == '~' || c.is_control() { '_' } else { c }).collect();
    let trimmed = replaced.trim().trim_start_matches('.').trim_start();
    if trimmed.is_empty() {
        return Err(FileNameError::Empty);
    }
    Ok(FileName(shorten(trimmed)))
}

/// Cuts a name to [`MAX_FILE_NAME_BYTES`] on a character boundary, keeping a VCF suffix if it has one.
fn shorten(name: &str) -> String {
    if name.len() <= MAX_FILE_NAME_BYTES {
        return name.to_owned();
    }
    let suffix_len = vcf_suffix_len(name);
    let (stem, suffix) = name.split_at(name.len() - suffix_len);
    let mut cut = MAX_FILE_NAME_BYTES - suffix.len();
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", stem[..cut].trim_end())
}

/// Length in bytes of the VCF suffix `name` ends with (any case), or 0.
fn vcf_suffix_len(name: &str) -> usize {
    let ends_with = |suffix: &str| {
        let start = name.len().checked_sub(suffix.len());
        start.is_some_and(|i| name.is_char_boundary(i) && name[i..].eq_ignore_ascii_case(suffix))
    };
    VCF_SUFFIXES.iter().find(|s| ends_with(s)).map_or(0, |s| s.len())
}

/// The S3 key layout of one deployment: a fixed prefix (empty, or ending in `/`) before every key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyLayout {
    prefix: String,
}

impl KeyLayout {
    /// A layout with `prefix` before every key; a `/` is added if the prefix does not end with one.
    pub fn new(prefix: &str) -> Self {
        let prefix = prefix.trim_start_matches('/');
        let prefix = match prefix {
            "" => String::new(),
            p if p.ends_with('/') => p.to_owned(),
            p => format!("{p}/"),
        };
        Self { prefix }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// `<prefix><user_id>/<job_id>~<file name>`
    pub fn input_key(&self, user_id: &UserId, job_id: &JobId, file_name: &FileName) -> String {
        format!("{}{user_id}/{job_id}~{file_name}", self.prefix)
    }

    /// Where a user's inputs live, for a browser upload policy's `starts-with` condition.
    pub fn user_prefix(&self, user_id: &UserId) -> String {
        format!("{}{user_id}/", self.prefix)
    }
}

/// The annotated VCF's key: the input key with its VCF suffix replaced by `.annot.vcf`.
pub fn result_key(input_key: &str) -> String {
    format!("{}.annot.vcf", without_vcf_suffix(input_key))
}

/// The count log's key: the input key with its VCF suffix replaced by `.count.log`.
pub fn log_key(input_key: &str) -> String {
    format!("{}.count.log", without_vcf_suffix(input_key))
}

fn without_vcf_suffix(key: &str) -> &str {
    &key[..key.len() - vcf_suffix_len(key)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(raw: &str) -> String {
        sanitize_file_name(raw).unwrap().to_string()
    }

    #[test]
    fn plain_names_are_kept() {
        assert_eq!(clean("free_1.vcf"), "free_1.vcf");
        assert_eq!(clean("My Sample (2).vcf.gz"), "My Sample (2).vcf.gz");
        assert_eq!(clean("échantillon-π.vcf"), "échantillon-π.vcf");
    }

    #[test]
    fn paths_keep_only_their_last_segment() {
        assert_eq!(clean(r"C:\fakepath\sample.vcf"), "sample.vcf");
        assert_eq!(clean("../../etc/passwd"), "passwd");
        assert_eq!(clean("dir/sub/x.vcf"), "x.vcf");
    }

    #[test]
    fn tildes_and_control_characters_become_underscores() {
        assert_eq!(clean("a~b.vcf"), "a_b.vcf");
        assert_eq!(clean("a\nb\tc\u{7f}.vcf"), "a_b_c_.vcf");
        assert_eq!(clean("~~~.vcf"), "___.vcf");
    }

    #[test]
    fn leading_dots_and_surrounding_spaces_go() {
        assert_eq!(clean("  .hidden.vcf  "), "hidden.vcf");
        assert_eq!(clean("..vcf"), "vcf");
    }

    #[test]
    fn names_with_nothing_left_are_refused() {
        for raw in ["", "   ", ".", "..", "/", "dir/", r"C:\", "...  "] {
            assert_eq!(sanitize_file_name(raw), Err(FileNameError::Empty), "{raw:?}");
        }
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary_keeping_the_suffix() {
        let long = format!("{}.vcf.gz", "é".repeat(300));
        let name = clean(&long);
        assert!(name.len() <= MAX_FILE_NAME_BYTES, "{}", name.len());
        assert!(name.ends_with("é.vcf.gz"), "{name}");
        assert_eq!(clean(&"x".repeat(500)), "x".repeat(MAX_FILE_NAME_BYTES));
        let exact = format!("{}.vcf", "y".repeat(MAX_FILE_NAME_BYTES - 4));
        assert_eq!(clean(&exact), exact);
    }

    #[test]
    fn input_keys_follow_the_layout() {
        let user: UserId = "user-1".parse().unwrap();
        let job: JobId = "0c1b2e4e-8a55-4f3a-9c6e-2b7f0d9e1a33".parse().unwrap();
        let name = sanitize_file_name("a~b.vcf").unwrap();
        assert_eq!(
            KeyLayout::new("").input_key(&user, &job, &name),
            "user-1/0c1b2e4e-8a55-4f3a-9c6e-2b7f0d9e1a33~a_b.vcf"
        );
        assert_eq!(
            KeyLayout::new("/gas/prod").input_key(&user, &job, &name),
            "gas/prod/user-1/0c1b2e4e-8a55-4f3a-9c6e-2b7f0d9e1a33~a_b.vcf"
        );
        assert_eq!(KeyLayout::new("p/").user_prefix(&user), "p/user-1/");
    }

    #[test]
    fn result_and_log_keys_replace_the_vcf_suffix() {
        let cases = [
            ("u/j~free_1.vcf", "u/j~free_1.annot.vcf", "u/j~free_1.count.log"),
            ("u/j~x.vcf.gz", "u/j~x.annot.vcf", "u/j~x.count.log"),
            ("u/j~x.VCF.BGZ", "u/j~x.annot.vcf", "u/j~x.count.log"),
            ("u/j~x.vcf.vcf", "u/j~x.vcf.annot.vcf", "u/j~x.vcf.count.log"),
            ("u/j~notes.txt", "u/j~notes.txt.annot.vcf", "u/j~notes.txt.count.log"),
            ("u/j~vcf", "u/j~vcf.annot.vcf", "u/j~vcf.count.log"),
            ("u/j~ünïcödé.vcf", "u/j~ünïcödé.annot.vcf", "u/j~ünïcödé.count.log"),
        ];
        for (input, result, log) in cases {
            assert_eq!(result_key(input), result, "{input}");
            assert_eq!(log_key(input), log, "{input}");
        }
    }
}
