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

/// Removes the bases REF and ALT share at the end, then at the start; `None` when nothing changes.
pub fn trim<'a>(pos: u32, reference: &'a [u8], alt: &'a [u8]) -> Option<Change<'a>> {
    let alt_full = alt;
    let suffix = reference.iter().rev().zip(alt.iter().rev()).take_while(|(a, b)| a == b).count();
    let (reference, alt) = (&reference[..reference.len() - suffix], &alt[..alt.len() - suffix]);
    let prefix = reference.iter().zip(alt).take_while(|(a, b)| a == b).count();
    if reference.len() == prefix && alt.len() == prefix {
        return None;
    }
    if prefix == 0 && reference.is_empty() && suffix > 0 {
        // The suffix took the whole REF (`A>AA`): like bcftools, keep the first base as the anchor and
        // insert after it (the same sequence, rotated).
        let inserted = alt.len();
        let full_alt = &alt_full[1..=inserted];
        return Some(Change { pos: pos + 1, reference: &[], alt: full_alt, symbolic: false });
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
