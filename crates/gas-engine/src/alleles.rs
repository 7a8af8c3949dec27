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

/// Whether [`left_align`] could move these alleles: only when their last bases are the same can an
/// indel's bases rotate left. Otherwise it returns them as they are (upper-cased).
pub fn may_shift_left(norm: &Normalized<'_>) -> bool {
    match (norm.reference.last(), norm.alt.last()) {
        (Some(r), Some(a)) => r.eq_ignore_ascii_case(a),
        _ => true,
    }
}

/// Shifts an indel to its leftmost equivalent position (as `bcftools norm` and `vt normalize` do), so
/// the same insertion or deletion in a repeat is written one way. `base_at(p)` gives the reference base
/// at 1-based position `p`. Alleles come already [`normalize`]d; the result goes into `reference` and
/// `alt` and the new position is returned. SNVs and MNVs come back unchanged.
pub fn left_align(
    norm: Normalized<'_>,
    mut base_at: impl FnMut(u32) -> Option<u8>,
    reference: &mut Vec<u8>,
    alt: &mut Vec<u8>,
) -> u32 {
    reference.clear();
    reference.extend(norm.reference.iter().map(u8::to_ascii_uppercase));
    alt.clear();
    alt.extend(norm.alt.iter().map(u8::to_ascii_uppercase));
    if reference.len() == alt.len() {
        return norm.pos;
    }
    let mut pos = norm.pos;
    loop {
        let mut changed = false;
        if !reference.is_empty() && !alt.is_empty() && reference.last() == alt.last() {
            reference.pop();
            alt.pop();
            changed = true;
        }
        if reference.is_empty() || alt.is_empty() {
            let Some(base) = pos.checked_sub(1).filter(|p| *p >= 1).and_then(&mut base_at) else { break };
            reference.insert(0, base);
            alt.insert(0, base);
            pos -= 1;
            changed = true;
        }
        if !changed {
            break;
        }
    }
    if reference.is_empty() || alt.is_empty() {
        // Ran off the contig's start: keep what the caller wrote.
        reference.clear();
        reference.extend(norm.reference.iter().map(u8::to_ascii_uppercase));
        alt.clear();
        alt.extend(norm.alt.iter().map(u8::to_ascii_uppercase));
        return norm.pos;
    }
    while reference.len() > 1 && alt.len() > 1 && reference[0] == alt[0] {
        reference.remove(0);
        alt.remove(0);
        pos += 1;
    }
    pos
}

#[cfg(test)]
mod left_align_tests {
    use super::*;

    //                       1234567890
    const SEQ: &[u8] = b"GGCACACATT";

    fn align(pos: u32, r: &str, a: &str) -> (u32, String, String) {
        let (mut rr, mut aa) = (Vec::new(), Vec::new());
        let base = |p: u32| SEQ.get(p as usize - 1).copied();
        let p = left_align(normalize(pos, r.as_bytes(), a.as_bytes()), base, &mut rr, &mut aa);
        (p, String::from_utf8(rr).unwrap(), String::from_utf8(aa).unwrap())
    }

    #[test]
    fn deletions_and_insertions_in_a_repeat_move_to_its_start() {
        // Deleting one "CA" of CACACA, written at its right end, at its middle, and at its left.
        assert_eq!(align(6, "ACA", "A"), (2, "GCA".into(), "G".into()));
        assert_eq!(align(4, "ACA", "A"), (2, "GCA".into(), "G".into()));
        assert_eq!(align(2, "GCA", "G"), (2, "GCA".into(), "G".into()));
        // Inserting one more "CA".
        assert_eq!(align(8, "A", "ACA"), (2, "G".into(), "GCA".into()));
        // An SNV is left alone.
        assert_eq!(align(9, "T", "C"), (9, "T".into(), "C".into()));
    }

    #[test]
    fn only_alleles_whose_last_bases_match_can_move() {
        // Those that move end alike…
        for (pos, r, a) in [(6, "ACA", "A"), (4, "ACA", "A"), (8, "A", "ACA")] {
            assert_ne!(align(pos, r, a).0, pos, "{r}>{a}");
            assert!(may_shift_left(&normalize(pos, r.as_bytes(), a.as_bytes())), "{r}>{a}");
        }
        // …and those that do not come back as they are, upper-cased.
        for (pos, r, a) in [(4, "ACG", "A"), (8, "a", "act"), (2, "GCAc", "G")] {
            assert!(!may_shift_left(&normalize(pos, r.as_bytes(), a.as_bytes())), "{r}>{a}");
            assert_eq!(align(pos, r, a), (pos, r.to_ascii_uppercase(), a.to_ascii_uppercase()));
        }
    }

    #[test]
    fn an_indel_that_would_run_off_the_contig_keeps_its_place() {
        assert_eq!(align(1, "GG", "G"), (1, "GG".into(), "G".into()));
    }
}
