use memchr::memchr;

use super::shown;

/// One data line split into its columns, borrowed from the line. Built by [`parse_record`], which
/// validates what the annotator relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub chrom: &'a [u8],
    pub pos: u32,
    pub pos_text: &'a [u8],
    pub id: &'a [u8],
    pub reference: &'a [u8],
    pub alt: &'a [u8],
    pub qual: &'a [u8],
    pub filter: &'a [u8],
    pub info: &'a [u8],
    /// FORMAT and sample columns, tab-separated, if any.
    pub samples: Option<&'a [u8]>,
}

/// One ALT allele, classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AltAllele<'a> {
    /// Bases: the only kind a known variant can match.
    Sequence(&'a [u8]),
    /// `*`, `.`, `<DEL>`, breakends: kept, never matched.
    Other(&'a [u8]),
}

impl<'a> Record<'a> {
    /// The ALT alleles in order (none when ALT is `.`).
    pub fn alt_alleles(&self) -> impl Iterator<Item = AltAllele<'a>> {
        let alt = self.alt;
        let none = alt == b".";
        alt.split(|b| *b == b',')
            .filter(move |_| !none)
            .map(|a| if a.iter().all(|b| is_base(*b)) { AltAllele::Sequence(a) } else { AltAllele::Other(a) })
    }

    /// How many ALT alleles the record has.
    pub fn alt_count(&self) -> usize {
        if self.alt == b"." { 0 } else { memchr::memchr_iter(b',', self.alt).count() + 1 }
    }
}

/// Bases VCF allows in REF and ALT (with IUPAC ambiguity codes, which real files contain).
fn is_base(b: u8) -> bool {
    matches!(
        b.to_ascii_uppercase(),
        b'A' | b'C'
            | b'G'
            | b'T'
            | b'N'
            | b'R'
            | b'Y'
            | b'K'
            | b'M'
            | b'S'
            | b'W'
            | b'B'
            | b'D'
            | b'H'
            | b'V'
    )
}

/// Splits and checks one data line (without its line end). The error is the message without the line
/// number, e.g. `REF contains 'Z'`.
pub fn parse_record(line: &[u8]) -> Result<Record<'_>, String> {
    let mut columns = [&line[..0]; 8];
    let mut rest = line;
    for (i, column) in columns.iter_mut().take(7).enumerate() {
        let Some(tab) = memchr(b'\t', rest) else {
            return Err(format!("expected 8 tab-separated columns, found {}", i + 1));
        };
        *column = &rest[..tab];
        rest = &rest[tab + 1..];
    }
    let samples = match memchr(b'\t', rest) {
        Some(tab) => {
            columns[7] = &rest[..tab];
            Some(&rest[tab + 1..])
        }
        None => {
            columns[7] = rest;
            None
        }
    };
    let [chrom, pos_text, id, reference, alt, qual, filter, info] = columns;
    if chrom.is_empty() {
        return Err("CHROM is empty".to_owned());
    }
    let pos = parse_pos(pos_text)?;
    if id.is_empty() {
        return Err("ID is empty (use . for none)".to_owned());
    }
    check_reference(reference)?;
    check_alt(alt)?;
    check_qual(qual)?;
    if filter.is_empty() {
        return Err("FILTER is empty (use . for none)".to_owned());
    }
    if info.is_empty() {
        return Err("INFO is empty (use . for none)".to_owned());
    }
    Ok(Record { chrom, pos, pos_text, id, reference, alt, qual, filter, info, samples })
}

fn parse_pos(text: &[u8]) -> Result<u32, String> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return Err(format!("POS '{}' is not a whole number", shown(text)));
    }
    let mut value: u64 = 0;
    for digit in text {
        value = value * 10 + u64::from(digit - b'0');
        if value > u64::from(u32::MAX) {
            return Err(format!("POS {} is larger than any chromosome", shown(text)));
        }
    }
    Ok(value as u32)
}

fn check_reference(reference: &[u8]) -> Result<(), String> {
    if reference.is_empty() {
        return Err("REF is empty".to_owned());
    }
    match reference.iter().find(|b| !is_base(**b)) {
        None => Ok(()),
        Some(&b) => Err(format!("REF contains '{}'", shown(&[b]))),
    }
}

fn check_alt(alt: &[u8]) -> Result<(), String> {
    if alt.is_empty() {
        return Err("ALT is empty (use . for none)".to_owned());
    }
    if alt == b"." {
        return Ok(());
    }
    for allele in alt.split(|b| *b == b',') {
        let symbolic = allele.len() > 2 && allele[0] == b'<' && allele[allele.len() - 1] == b'>';
        let breakend = allele.contains(&b'[') || allele.contains(&b']');
        let single_breakend = allele.len() > 1 && (allele[0] == b'.' || allele[allele.len() - 1] == b'.');
        if symbolic || breakend || single_breakend || allele == b"*" {
            continue;
        }
        if allele.is_empty() {
            return Err(format!("ALT '{}' has an empty allele", shown(alt)));
        }
        if let Some(&b) = allele.iter().find(|b| !is_base(**b)) {
            return Err(format!("ALT allele '{}' contains '{}'", shown(allele), shown(&[b])));
        }
    }
    Ok(())
}

fn check_qual(qual: &[u8]) -> Result<(), String> {
    if qual == b"." {
        return Ok(());
    }
    let plausible = !qual.is_empty()
        && qual.iter().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    let is_number = plausible && std::str::from_utf8(qual).is_ok_and(|q| q.parse::<f64>().is_ok());
    let special = matches!(qual, b"inf" | b"Inf" | b"-inf" | b"NaN" | b"nan");
    if is_number || special { Ok(()) } else { Err(format!("QUAL '{}' is not a number", shown(qual))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_record_with_samples() {
        let line = b"1\t1105468\t.\tG\tA\t-1\t0\tAA=g;DP=1238\tGT:DP\t0/0:1\t0/1:5";
        let r = parse_record(line).unwrap();
        assert_eq!(
            (r.chrom, r.pos, r.id, r.reference, r.alt),
            (&b"1"[..], 1_105_468, &b"."[..], &b"G"[..], &b"A"[..])
        );
        assert_eq!((r.qual, r.filter, r.info), (&b"-1"[..], &b"0"[..], &b"AA=g;DP=1238"[..]));
        assert_eq!(r.samples, Some(&b"GT:DP\t0/0:1\t0/1:5"[..]));
        let sites_only = parse_record(b"MT\t60\t.\tT\tA\t.\t.\tAC=1;AN=1").unwrap();
        assert_eq!(sites_only.samples, None);
    }

    #[test]
    fn classifies_alt_alleles() {
        let r = parse_record(b"1\t5\t.\tAC\tA,ACC,<DEL>,*,G]2:5]\t.\t.\t.").unwrap();
        let alts: Vec<_> = r.alt_alleles().collect();
        assert_eq!(
            alts,
            [
                AltAllele::Sequence(b"A"),
                AltAllele::Sequence(b"ACC"),
                AltAllele::Other(b"<DEL>"),
                AltAllele::Other(b"*"),
                AltAllele::Other(b"G]2:5]"),
            ]
        );
        assert_eq!(r.alt_count(), 5);
        assert_eq!(parse_record(b"1\t5\t.\tA\t.\t.\t.\t.").unwrap().alt_count(), 0);
    }

    #[test]
    fn says_what_is_wrong() {
        let cases: [(&[u8], &str); 10] = [
            (b"1\t12\t.\tAZ\tC\t.\t.\t.", "REF contains 'Z'"),
            (b"1\tx12\t.\tA\tC\t.\t.\t.", "POS 'x12' is not a whole number"),
            (b"1\t99999999999\t.\tA\tC\t.\t.\t.", "POS 99999999999 is larger than any chromosome"),
            (b"1\t12\t.\tA\tC1\t.\t.\t.", "ALT allele 'C1' contains '1'"),
            (b"1\t12\t.\tA\tC,,G\t.\t.\t.", "ALT 'C,,G' has an empty allele"),
            (b"1\t12\t.\tA\tC\thigh\t.\t.", "QUAL 'high' is not a number"),
            (b"1\t12\t.\tA\tC", "expected 8 tab-separated columns, found 5"),
            (b"1 12 . A C . . .", "expected 8 tab-separated columns, found 1"),
            (b"\t12\t.\tA\tC\t.\t.\t.", "CHROM is empty"),
            (b"1\t12\t.\t\tC\t.\t.\t.", "REF is empty"),
        ];
        for (line, message) in cases {
            assert_eq!(parse_record(line).unwrap_err(), message, "{}", String::from_utf8_lossy(line));
        }
    }
}
