use wide::u8x16;

use super::shown;

/// One data line split into the columns the annotator reads, borrowed from the line. Built by
/// [`parse_record`], which validates every column it can (POS, REF, ALT, QUAL; none empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub chrom: &'a [u8],
    pub pos: u32,
    pub id: &'a [u8],
    pub reference: &'a [u8],
    pub alt: &'a [u8],
    pub info: &'a [u8],
    /// FORMAT and sample columns, tab-separated, if any.
    pub samples: Option<&'a [u8]>,
    /// Whether ALT is one allele of bases (as most are), known from its check.
    one_sequence_alt: bool,
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
    pub fn alt_alleles(&self) -> AltAlleles<'a> {
        AltAlleles { rest: (self.alt != b".").then_some(self.alt), one_sequence: self.one_sequence_alt }
    }

    /// ALT, when it is one allele of bases (as most are).
    pub fn single_sequence_alt(&self) -> Option<&'a [u8]> {
        self.one_sequence_alt.then_some(self.alt)
    }

    /// Whether an ALT allele is symbolic (`<DEL>`, `<INS:ME>`, …).
    pub fn has_symbolic_alt(&self) -> bool {
        !self.one_sequence_alt && self.alt.contains(&b'<')
    }

    /// How many ALT alleles the record has.
    pub fn alt_count(&self) -> usize {
        // ALT is short: a plain count beats memchr's set-up.
        if self.alt == b"." { 0 } else { self.alt.iter().filter(|b| **b == b',').count() + 1 }
    }
}

/// The ALT alleles of a record, classified one by one.
pub struct AltAlleles<'a> {
    rest: Option<&'a [u8]>,
    /// ALT is one allele of bases: no need to look for commas or classify it.
    one_sequence: bool,
}

impl<'a> Iterator for AltAlleles<'a> {
    type Item = AltAllele<'a>;

    fn next(&mut self) -> Option<AltAllele<'a>> {
        let rest = self.rest?;
        if self.one_sequence {
            self.rest = None;
            return Some(AltAllele::Sequence(rest));
        }
        let (allele, after) = match rest.iter().position(|b| *b == b',') {
            Some(comma) => (&rest[..comma], Some(&rest[comma + 1..])),
            None => (rest, None),
        };
        self.rest = after;
        Some(if allele.iter().all(|b| is_base(*b)) {
            AltAllele::Sequence(allele)
        } else {
            AltAllele::Other(allele)
        })
    }
}

/// Bases VCF allows in REF and ALT (with IUPAC ambiguity codes, which real files contain).
fn is_base(b: u8) -> bool {
    BASES[usize::from(b)]
}

static BASES: [bool; 256] = {
    let mut table = [false; 256];
    let codes = b"ACGTNRYKMSWBDHV";
    let mut i = 0;
    while i < codes.len() {
        table[codes[i] as usize] = true;
        table[codes[i].to_ascii_lowercase() as usize] = true;
        i += 1;
    }
    table
};

/// Splits and checks one data line (without its line end). The error is the message without the line
/// number, e.g. `REF contains 'Z'`.
pub fn parse_record(line: &[u8]) -> Result<Record<'_>, String> {
    let mut tabs = Tabs::default();
    // Without a line end the search runs to the line's end, finding its tabs.
    split_line(line, &mut tabs);
    parse_split(line, &tabs)
}

/// Where a line's columns end: the offsets of its first tabs, up to the one after INFO.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tabs {
    at: [usize; 8],
    found: usize,
}

/// Finds the first line in `buf` and its tabs: returns the offset of the line's `\n`, or `None` when
/// `buf` holds no whole line. The line then goes to [`parse_split`] (without its line end).
///
/// 64 bytes are compared at once (four SIMD compares per byte kind) into a bit mask of tabs and one
/// of newlines; most lines fit in one such window, and their tabs are then taken from the mask in
/// straight-line code.
// Inlined into the pass's loop: a call per line cost more than the search.
#[inline(always)]
pub fn split_line(buf: &[u8], tabs: &mut Tabs) -> Option<usize> {
    let mut base = 0;
    loop {
        let (window_tabs, newlines) = marks(&buf[base..]);
        // Only the tabs before the line's end are the line's.
        let line_tabs = if newlines == 0 {
            window_tabs
        } else {
            window_tabs & ((newlines & newlines.wrapping_neg()) - 1)
        };
        if base == 0 {
            take_first_tabs(tabs, line_tabs);
        } else {
            take_more_tabs(tabs, line_tabs, base);
        }
        if newlines != 0 {
            return Some(base + newlines.trailing_zeros() as usize);
        }
        if tabs.found == tabs.at.len() {
            // Samples follow: they can be long, which memchr is best at.
            let after = tabs.at[7] + 1;
            return memchr::memchr(b'\n', &buf[after..]).map(|end| after + end);
        }
        base += 64;
        if base >= buf.len() {
            return None;
        }
    }
}

/// The first eight tabs of a line's first 64 bytes, without a loop (a missing tab's slot gets 64,
/// beyond `found`).
#[inline(always)]
fn take_first_tabs(tabs: &mut Tabs, bits: u64) {
    let mut rest = bits;
    for at in &mut tabs.at {
        *at = rest.trailing_zeros() as usize;
        rest &= rest.wrapping_sub(1);
    }
    // Most lines have their first 7 or 8 tabs here: told from the last slots, without counting the
    // bits (no `popcnt` instruction on the baseline x86-64 this is built for).
    tabs.found = if tabs.at[7] < 64 {
        8
    } else if tabs.at[6] < 64 {
        7
    } else {
        bits.count_ones() as usize
    };
}

/// Tabs after the first 64 bytes of a long line, until eight are found.
fn take_more_tabs(tabs: &mut Tabs, mut bits: u64, base: usize) {
    while bits != 0 && tabs.found < tabs.at.len() {
        tabs.at[tabs.found] = base + bits.trailing_zeros() as usize;
        tabs.found += 1;
        bits &= bits - 1;
    }
}

/// The tabs and the newlines of the first 64 bytes of `bytes` (all of it when shorter) as bit
/// masks, the first byte lowest.
#[inline(always)]
fn marks(bytes: &[u8]) -> (u64, u64) {
    // Zeroed only when needed (at the buffer's end).
    let mut padded;
    let block: &[u8; 64] = match bytes.first_chunk() {
        Some(block) => block,
        None => {
            padded = [0u8; 64];
            padded[..bytes.len()].copy_from_slice(bytes);
            &padded
        }
    };
    let (tab, newline) = (u8x16::splat(b'\t'), u8x16::splat(b'\n'));
    let (mut tabs, mut newlines) = (0u64, 0u64);
    for (i, chunk) in block.chunks_exact(16).enumerate() {
        let bytes = u8x16::new(chunk.try_into().expect("16 bytes"));
        tabs |= u64::from(bytes.cmp_eq(tab).move_mask() as u16) << (16 * i);
        newlines |= u64::from(bytes.cmp_eq(newline).move_mask() as u16) << (16 * i);
    }
    (tabs, newlines)
}

/// Checks a line split by [`split_line`] (cut before its line end) and returns its record.
// Inlined: returned through memory, the record was read back in wider loads than it was written in,
// which stalled every line (store forwarding fails), costing more than all its checks.
#[inline(always)]
pub fn parse_split<'a>(line: &'a [u8], tabs: &Tabs) -> Result<Record<'a>, String> {
    let (tabs, found) = (&tabs.at, tabs.found);
    if found < 7 {
        return Err(format!("expected 8 tab-separated columns, found {}", found + 1));
    }
    let column = |i: usize| &line[if i == 0 { 0 } else { tabs[i - 1] + 1 }..tabs[i]];
    let [chrom, pos_text, id, reference, alt, qual, filter] = std::array::from_fn(column);
    let (info, samples) = if found == 8 {
        (&line[tabs[6] + 1..tabs[7]], Some(&line[tabs[7] + 1..]))
    } else {
        (&line[tabs[6] + 1..], None)
    };
    if chrom.is_empty() {
        return Err("CHROM is empty".to_owned());
    }
    // Most POS are read at once (see `eight_digits`); the rest, and every malformed one, digit by digit.
    let pos = match eight_digits(line, tabs[0] + 1, tabs[1]) {
        Some(pos) => pos,
        None => parse_pos(pos_text)?,
    };
    if id.is_empty() {
        return Err("ID is empty (use . for none)".to_owned());
    }
    // Most REF and ALT are one base and most QUAL a number or `.`: checked here, the rest in calls.
    if !matches!(reference, [b] if is_base(*b)) {
        check_reference(reference)?;
    }
    let one_sequence_alt = match alt {
        [b] if is_base(*b) => true,
        _ => check_alt(alt)?,
    };
    if !matches!(qual, [b'.'] | [b'0'..=b'9'] | [b'0'..=b'9', b'0'..=b'9']) {
        check_qual(qual)?;
    }
    if filter.is_empty() {
        return Err("FILTER is empty (use . for none)".to_owned());
    }
    if info.is_empty() {
        return Err("INFO is empty (use . for none)".to_owned());
    }
    Ok(Record { chrom, pos, id, reference, alt, info, samples, one_sequence_alt })
}

/// The number `line[start..end]` spells when it is 1 to 8 digits and `line` has 8 bytes up to `end`,
/// read at once: those 8 bytes as one word, the ones before `start` set to '0', checked and summed
/// in three multiplications (pairs, then fours, then eights). `None` otherwise, and when a byte is
/// not a digit: the caller then reads POS the slow way, which says what is wrong.
fn eight_digits(line: &[u8], start: usize, end: usize) -> Option<u32> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let digits = end - start;
    if digits == 0 || digits > 8 {
        return None;
    }
    // The digits are the word's high bytes (the last ones in the line).
    let word = u64::from_le_bytes(line.get(end.checked_sub(8)?..end)?.try_into().ok()?);
    let kept = !0u64 << (64 - 8 * digits);
    let word = (word & kept) | (ZEROS & !kept);
    // Every byte 0x30..=0x39: high nibble 3, low nibble at most 9.
    let low = word & 0x0f0f_0f0f_0f0f_0f0f;
    if word & 0xf0f0_f0f0_f0f0_f0f0 != ZEROS || (low + 0x0606_0606_0606_0606) & 0xf0f0_f0f0_f0f0_f0f0 != 0 {
        return None;
    }
    // The first digit is the lowest byte: combine neighbours, the lower one times its place.
    let pairs = (low.wrapping_mul(10) + (low >> 8)) & 0x00ff_00ff_00ff_00ff;
    let fours = (pairs.wrapping_mul(100) + (pairs >> 16)) & 0x0000_ffff_0000_ffff;
    Some(((fours.wrapping_mul(10_000) + (fours >> 32)) & 0xffff_ffff) as u32)
}

fn parse_pos(text: &[u8]) -> Result<u32, String> {
    let not_a_number = || format!("POS '{}' is not a whole number", shown(text));
    let mut value = 0u64;
    for (i, &b) in text.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return Err(not_a_number());
        }
        value = value * 10 + u64::from(digit);
        if value > u64::from(u32::MAX) {
            return Err(if text[i..].iter().all(u8::is_ascii_digit) {
                format!("POS {} is larger than any chromosome", shown(text))
            } else {
                not_a_number()
            });
        }
    }
    if text.is_empty() { Err(not_a_number()) } else { Ok(value as u32) }
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

/// Checks ALT; returns whether it is one allele of bases.
fn check_alt(alt: &[u8]) -> Result<bool, String> {
    if alt.is_empty() {
        return Err("ALT is empty (use . for none)".to_owned());
    }
    if alt.iter().all(|b| is_base(*b)) {
        return Ok(true);
    }
    if alt == b"." {
        return Ok(false);
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
    Ok(false)
}

fn check_qual(qual: &[u8]) -> Result<(), String> {
    // Most QUALs are `.` or a whole number: no need to parse those as floats.
    if qual == b"." || (!qual.is_empty() && qual.len() < 16 && qual.iter().all(u8::is_ascii_digit)) {
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
        assert_eq!(r.info, b"AA=g;DP=1238");
        assert_eq!(r.samples, Some(&b"GT:DP\t0/0:1\t0/1:5"[..]));
        let sites_only = parse_record(b"MT\t60\t.\tT\tA\t.\t.\tAC=1;AN=1").unwrap();
        assert_eq!(parse_record(b"1\t004294967295\t.\tA\tC\t.\t.\t.").unwrap().pos, u32::MAX);
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
        let cases: [(&[u8], &str); 15] = [
            (b"1\t12\t.\tAZ\tC\t.\t.\t.", "REF contains 'Z'"),
            (b"1\tx12\t.\tA\tC\t.\t.\t.", "POS 'x12' is not a whole number"),
            (b"1\t99999999999\t.\tA\tC\t.\t.\t.", "POS 99999999999 is larger than any chromosome"),
            (b"1\t4294967296\t.\tA\tC\t.\t.\t.", "POS 4294967296 is larger than any chromosome"),
            (b"1\t99999999999x\t.\tA\tC\t.\t.\t.", "POS '99999999999x' is not a whole number"),
            (b"1\t\t.\tA\tC\t.\t.\t.", "POS '' is not a whole number"),
            (b"1\t12\t.\tA\tC1\t.\t.\t.", "ALT allele 'C1' contains '1'"),
            (b"1\t12\t.\tA\tC,,G\t.\t.\t.", "ALT 'C,,G' has an empty allele"),
            (b"1\t12\t.\tA\tC\thigh\t.\t.", "QUAL 'high' is not a number"),
            (b"1\t12\t.\tA\tC", "expected 8 tab-separated columns, found 5"),
            (b"chr1\t12\t.\tA\tC\t.\t.", "expected 8 tab-separated columns, found 7"),
            (
                b"1\t00000000000000000000012x\t.\tA\tC\t.\t.\t.",
                "POS '00000000000000000000012x' is not a whole number",
            ),
            (b"1 12 . A C . . .", "expected 8 tab-separated columns, found 1"),
            (b"\t12\t.\tA\tC\t.\t.\t.", "CHROM is empty"),
            (b"1\t12\t.\t\tC\t.\t.\t.", "REF is empty"),
        ];
        for (line, message) in cases {
            assert_eq!(parse_record(line).unwrap_err(), message, "{}", String::from_utf8_lossy(line));
        }
    }

    proptest::proptest! {
        /// POS read at once (up to 8 digits) is the number read digit by digit, wherever the column
        /// sits in the line and whatever it holds.
        #[test]
        fn reads_pos_at_once_as_digit_by_digit(chrom in "[a-zA-Z0-9_]{1,12}", pos in "[0-9]{0,10}|[0-9x/ ]{0,9}") {
            let line = format!("{chrom}\t{pos}\t.\tA\tC\t.\t.\t.");
            let slow = parse_pos(pos.as_bytes());
            let (start, end) = (chrom.len() + 1, chrom.len() + 1 + pos.len());
            if let Some(at_once) = eight_digits(line.as_bytes(), start, end) {
                proptest::prop_assert_eq!(Some(&at_once), slow.as_ref().ok());
            }
            proptest::prop_assert_eq!(parse_record(line.as_bytes()).map(|r| r.pos), slow);
        }

        /// The word-at-a-time search finds the line's end and tabs that a plain split finds, wherever
        /// they fall.
        #[test]
        fn finds_the_end_and_tabs_a_split_finds(buf in proptest::collection::vec(proptest::prop_oneof![
            8 => proptest::prelude::Just(b'\t'), 1 => proptest::prelude::Just(b'\n'), 8 => proptest::prelude::any::<u8>()
        ], 0..300)) {
            let end = buf.iter().position(|b| *b == b'\n');
            let line = &buf[..end.unwrap_or(buf.len())];
            let expected: Vec<usize> =
                line.iter().enumerate().filter(|(_, b)| **b == b'\t').map(|(i, _)| i).take(8).collect();
            let mut tabs = Tabs::default();
            proptest::prop_assert_eq!(split_line(&buf, &mut tabs), end);
            proptest::prop_assert_eq!(&tabs.at[..tabs.found], &expected[..]);
        }
    }
}
