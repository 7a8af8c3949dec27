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

/// The bases bcftools judges an insertion's splice effect by: its anchor and the base after it; for a
/// symbolic insertion (`<INS…>` at POS), the bases before and after POS.
pub fn insertion_span(change: &Change<'_>) -> Option<(u32, u32)> {
    if change.symbolic {
        return Some((change.pos.saturating_sub(1), change.pos + 1));
    }
    change.reference.is_empty().then(|| (change.pos - 1, change.pos))
}
