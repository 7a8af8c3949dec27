//! Does the input claim another assembly than the bundle's? Real uploads declare theirs loosely
//! (`##reference=human_b36_both.fasta`, `##reference=1000GenomesPilot-NCBI36`, `##reference=rCRS`), so
//! claims are matched against the common names of each assembly.

use crate::vcf::Header;

/// Canonical assembly names and the tokens that identify them in a header value.
const KNOWN: &[(&str, &[&str])] = &[
    ("NCBI36", &["ncbi36", "b36", "hg18", "grch36"]),
    ("GRCh37", &["grch37", "hg19", "b37", "hs37", "v37", "ncbi37"]),
    ("GRCh38", &["grch38", "hg38", "b38", "hs38"]),
    ("T2T-CHM13", &["chm13", "t2t", "hs1"]),
    ("rCRS", &["rcrs"]),
];

/// The canonical assembly a header value names, if it names one.
pub fn canonical(value: &str) -> Option<&'static str> {
    let lower = value.to_ascii_lowercase();
    let tokens: Vec<&str> =
        lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()).collect();
    KNOWN.iter().find_map(|(name, marks)| {
        let hit = marks.iter().any(|m| tokens.iter().any(|t| t == m || t.starts_with(m) || t.ends_with(m)));
        hit.then_some(*name)
    })
}

/// Warnings for an input whose declared assembly or contig lengths differ from the bundle's.
pub fn check(
    header: &Header,
    bundle_assembly: &str,
    bundle_length: impl Fn(&str) -> Option<u64>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let bundle = canonical(bundle_assembly).unwrap_or(bundle_assembly);
    let mut reported = Vec::new();
    for (key, value) in &header.assembly_claims {
        if let Some(claimed) = canonical(value)
            && claimed != bundle
            && !reported.contains(&claimed)
        {
            reported.push(claimed);
            warnings.push(format!(
                "the input declares assembly {claimed} (##{key}={value}) but the annotation bundle is {bundle_assembly}: positions may not match, so rsIDs, genes and regions may be wrong"
            ));
        }
    }
    let mismatched: Vec<String> = header
        .contig_lengths
        .iter()
        .filter_map(|(name, length)| {
            let expected = bundle_length(name)?;
            (expected != *length).then(|| format!("{name} ({length} vs {expected})"))
        })
        .collect();
    if !mismatched.is_empty() {
        warnings.push(format!(
            "contig lengths in the input differ from the annotation bundle's {bundle_assembly}: {}",
            mismatched.join(", ")
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_names_real_files_use() {
        assert_eq!(canonical("human_b36_both.fasta"), Some("NCBI36"));
        assert_eq!(canonical("1000GenomesPilot-NCBI36"), Some("NCBI36"));
        assert_eq!(canonical("rCRS"), Some("rCRS"));
        assert_eq!(canonical("file:///ref/human_g1k_v37.fasta"), Some("GRCh37"));
        assert_eq!(canonical("GRCh38.p14"), Some("GRCh38"));
        assert_eq!(canonical("hg19"), Some("GRCh37"));
        assert_eq!(canonical("/work/ref/genome.fa"), None);
    }
}
