//! A variant allele reduced to what it changes, the way bcftools csq trims it before calling.

/// A variant allele reduced to what changes: `reference` replaced by `alt` at `pos` (1-based); an
/// insertion has an empty `reference` and goes before `pos`.
pub struct Change<'a> {
    pub pos: u32,
    pub reference: &'a [u8],
    pub alt: &'a [u8],
    /// A symbolic insertion (`<INS…>`): sequence unknown, placed at `pos`.
    pub symbolic: bool,
}

impl Change<'_> {
    /// The genomic bases the change touches (for an insertion, the two bases around it).
    pub fn span(&self) -> (u32, u32) {
        if self.reference.is_empty() {
            (self.pos.saturating_sub(1), self.pos)
        } else {
            (self.pos, self.pos + self.reference.len() as u32 - 1)
        }
    }
}

/// Removes the bases REF and ALT share at the end (keeping one base of each), then at the start; `None` when
/// nothing changes.
pub fn trim<'a>(pos: u32, reference: &'a [u8], alt: &'a [u8]) -> Option<Change<'a>> {
    if let ([r], [a]) = (reference, alt) {
        // Most alleles are SNVs: nothing to trim.
        return (r != a).then_some(Change { pos, reference, alt, symbolic: false });
    }
    // Like bcftools, the suffix is trimmed only while both alleles keep a base: an indel written the
    // VCF way (`CGCC>C`) keeps its first base as the anchor and changes the bases after it.
    let shared_suffix = reference.iter().rev().zip(alt.iter().rev()).take_while(|(a, b)| a == b).count();
    let suffix = shared_suffix.min(reference.len().min(alt.len()) - 1);
    let (reference, alt) = (&reference[..reference.len() - suffix], &alt[..alt.len() - suffix]);
    let prefix = reference.iter().zip(alt).take_while(|(a, b)| a == b).count();
    if reference.len() == prefix && alt.len() == prefix {
        return None;
    }
    Some(Change {
        pos: pos + prefix as u32,
        reference: &reference[prefix..],
        alt: &alt[prefix..],
        symbolic: false,
    })
}

/// A deletion trimmed the way bcftools judges splice sites: the whole shared suffix, then the prefix.
pub struct DeletionTrim {
    /// Bases REF and ALT share at the start and (counted first) at the end.
    pub tbeg: usize,
    pub tend: usize,
    /// The base before the first deleted one, and the last deleted one.
    pub before: u32,
    pub last: u32,
}

impl DeletionTrim {
    /// The change this placement makes of the record's alleles.
    pub fn placed<'a>(&self, reference: &'a [u8], alt: &'a [u8]) -> Change<'a> {
        Change {
            pos: self.before + 1,
            reference: &reference[self.tbeg..reference.len() - self.tend],
            alt: &alt[self.tbeg..alt.len() - self.tend],
            symbolic: false,
        }
    }

    /// Whether the deleted bases, so placed, reach any of `start..=end`.
    pub fn reaches(&self, start: u32, end: u32) -> bool {
        start <= self.last && self.before < end
    }
}

/// bcftools' trim of a pair of alleles for the splice checks: the bases they share at the end (while
/// both keep one), then at the start of what is left. Returns the counts (start, end).
pub fn suffix_first_trim(reference: &[u8], alt: &[u8]) -> (usize, usize) {
    let tend = reference.iter().rev().zip(alt.iter().rev()).take_while(|(a, b)| a == b).count();
    let tbeg = reference[..reference.len() - tend]
        .iter()
        .zip(&alt[..alt.len() - tend])
        .take_while(|(a, b)| a == b)
        .count();
    (tbeg, tend)
}

/// `None` unless REF is longer than ALT.
pub fn deletion_trim(pos: u32, reference: &[u8], alt: &[u8]) -> Option<DeletionTrim> {
    if reference.len() <= alt.len() {
        return None;
    }
    let (tbeg, tend) = suffix_first_trim(reference, alt);
    let (before, last) = (pos + tbeg as u32 - 1, pos + (reference.len() - tend) as u32 - 1);
    Some(DeletionTrim { tbeg, tend, before, last })
}

/// bcftools' placement of a deletion that starts in the intron before a coding piece and reaches
/// into it: when ALT is REF's ends (a pure deletion) and they share bases at the end, the deleted
/// bases move one base right (`CAG.GTGGCCAG>CAG.GCCAG` deletes `GTG` in the exon, not `GGT` across
/// the boundary), and the coding sequence is judged by that. `None` when this does not apply.
pub fn realigned_into_piece<'a>(
    cds: &[(u32, u32)],
    pos: u32,
    reference: &'a [u8],
    alt: &'a [u8],
) -> Option<Change<'a>> {
    let DeletionTrim { tbeg, tend, before, last } = deletion_trim(pos, reference, alt)?;
    if tend == 0 || tbeg + tend != alt.len() {
        return None;
    }
    if !cds.iter().any(|&(s, _)| before + 1 < s && last >= s) {
        return None;
    }
    let start = tbeg.saturating_sub(1);
    let (reference, alt) = (&reference[start..=reference.len() - tend], &alt[start..=alt.len() - tend]);
    let prefix = reference.iter().zip(alt).take_while(|(a, b)| a == b).count();
    Some(Change {
        pos: pos + (start + prefix) as u32,
        reference: &reference[prefix..],
        alt: &alt[prefix..],
        symbolic: false,
    })
}

/// The bases bcftools judges an insertion's splice effect by: its anchor and the base after it (after
/// the replaced bases of a complex one, `AC>ATT`: A and the base after C); for a symbolic insertion
/// (`<INS…>` at POS), the bases before and after POS.
pub fn insertion_span(change: &Change<'_>) -> Option<(u32, u32)> {
    if change.symbolic {
        return Some((change.pos.saturating_sub(1), change.pos + 1));
    }
    (change.reference.len() < change.alt.len())
        .then(|| (change.pos - 1, change.pos + change.reference.len() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(change: Option<Change<'_>>) -> Option<(u32, &[u8], &[u8])> {
        change.map(|c| (c.pos, c.reference, c.alt))
    }

    #[test]
    fn indels_keep_the_vcf_anchor() {
        // The deleted bases are those after the shared first base, even where the end is shared too.
        assert_eq!(placed(trim(100, b"CGCC", b"C")), Some((101, &b"GCC"[..], &b""[..])));
        assert_eq!(placed(trim(4958, b"AGA", b"A")), Some((4959, &b"GA"[..], &b""[..])));
        assert_eq!(placed(trim(10, b"A", b"AA")), Some((11, &b""[..], &b"A"[..])));
        // Bases shared at both ends of a longer pair go; a change of nothing is none.
        assert_eq!(placed(trim(10, b"ATG", b"AG")), Some((11, &b"T"[..], &b""[..])));
        assert_eq!(placed(trim(10, b"ACGT", b"AGGT")), Some((11, &b"C"[..], &b"G"[..])));
        assert_eq!(placed(trim(10, b"AC", b"AC")), None);
    }

    #[test]
    fn a_deletion_into_a_coding_piece_moves_one_base_right() {
        // bcftools' frame3 case: the piece starts at 19029; CAG.GTGGCCAG>CAG.GCCAG deletes GTG in it.
        let cds = [(18_819, 18_929), (19_029, 19_274)];
        let moved = realigned_into_piece(&cds, 19_026, b"CAGGTGGCCAG", b"CAGGCCAG");
        assert_eq!(placed(moved), Some((19_029, &b"GTG"[..], &b""[..])));
        // Written the VCF way (nothing shared at the end) it stays where it is.
        assert_eq!(placed(realigned_into_piece(&cds, 19_026, b"CAGGT", b"C")), None);
        // Inside the piece, or an insertion: nothing to move.
        assert_eq!(placed(realigned_into_piece(&cds, 19_100, b"AGTGA", b"AA")), None);
        assert_eq!(placed(realigned_into_piece(&cds, 19_026, b"C", b"CAG")), None);
    }
}
