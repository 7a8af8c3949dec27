//! Allele normalization, so a known variant is found however a caller wrote it: shared trailing and
//! then leading bases are trimmed (keeping at least one base), moving the position past a trimmed
//! prefix. Both the bundle builder and the annotator normalize the same way.

/// A normalized (position, REF, ALT), borrowing from the original alleles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Normalized<'a> {
    pub pos: u32,
    pub reference: &'a [u8],
    pub alt: &'a [u8],
}

pub fn normalize<'a>(pos: u32, reference: &'a [u8], alt: &'a [u8]) -> Normalized<'a> {
    let (mut r, mut a, mut p) = (reference, alt, pos);
    while r.len() > 1 && a.len() > 1 && r[r.len() - 1].eq_ignore_ascii_case(&a[a.len() - 1]) {
        r = &r[..r.len() - 1];
        a = &a[..a.len() - 1];
    }
    while r.len() > 1 && a.len() > 1 && r[0].eq_ignore_ascii_case(&a[0]) {
        r = &r[1..];
        a = &a[1..];
        p += 1;
    }
    Normalized { pos: p, reference: r, alt: a }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(pos: u32, r: &str, a: &str) -> (u32, String, String) {
        let n = normalize(pos, r.as_bytes(), a.as_bytes());
        (n.pos, String::from_utf8_lossy(n.reference).into(), String::from_utf8_lossy(n.alt).into())
    }

    #[test]
    fn trims_shared_bases_the_same_way_however_written() {
        assert_eq!(norm(100, "A", "G"), (100, "A".into(), "G".into()));
        // A SNV written with padding, as multi-allelic records often do.
        assert_eq!(norm(100, "ACT", "GCT"), (100, "A".into(), "G".into()));
        assert_eq!(norm(99, "CAT", "CGT"), (100, "A".into(), "G".into()));
        // A deletion keeps its anchor base.
        assert_eq!(norm(100, "ATG", "A"), (100, "ATG".into(), "A".into()));
        assert_eq!(norm(100, "ATGC", "AC"), (100, "ATG".into(), "A".into()));
        assert_eq!(norm(100, "acg", "ACT"), (102, "g".into(), "T".into()));
    }
}
