//! Consequence types, as bits in bcftools csq's order: a record's types print joined by `&` in this
//! order (e.g. `start_lost&splice_region`).

pub type Flags = u32;

pub const SYNONYMOUS: Flags = 1 << 1;
pub const MISSENSE: Flags = 1 << 2;
pub const STOP_LOST: Flags = 1 << 3;
pub const STOP_GAINED: Flags = 1 << 4;
pub const INFRAME_DELETION: Flags = 1 << 5;
pub const INFRAME_INSERTION: Flags = 1 << 6;
pub const FRAMESHIFT: Flags = 1 << 7;
pub const SPLICE_ACCEPTOR: Flags = 1 << 8;
pub const SPLICE_DONOR: Flags = 1 << 9;
pub const START_LOST: Flags = 1 << 10;
pub const SPLICE_REGION: Flags = 1 << 11;
pub const STOP_RETAINED: Flags = 1 << 12;
pub const UTR5: Flags = 1 << 13;
pub const UTR3: Flags = 1 << 14;
pub const NON_CODING: Flags = 1 << 15;
pub const INTRON: Flags = 1 << 16;
/// Not printed: a start or stop found in a CDS that is incomplete at that end.
pub const INCOMPLETE_CDS: Flags = 1 << 20;
pub const CODING_SEQUENCE: Flags = 1 << 21;
/// A symbolic insertion (`<INS…>`) of unknown sequence.
pub const ELONGATION: Flags = 1 << 22;
pub const START_RETAINED: Flags = 1 << 23;
/// A symbolic deletion (`<DEL>`) over part of a transcript.
pub const TRUNCATION: Flags = 1 << 24;

pub const SPLICE: Flags = SPLICE_ACCEPTOR | SPLICE_DONOR | SPLICE_REGION;

/// Types that change the protein; entries with one of them (and no splice type) show the strand.
pub const PROTEIN: Flags = SYNONYMOUS
    | MISSENSE
    | STOP_LOST
    | STOP_GAINED
    | INFRAME_DELETION
    | INFRAME_INSERTION
    | FRAMESHIFT
    | START_LOST
    | STOP_RETAINED
    | START_RETAINED
    | INCOMPLETE_CDS;

/// Starts and stops, gained, lost or kept.
pub const START_STOP: Flags = STOP_LOST | STOP_GAINED | STOP_RETAINED | START_LOST | START_RETAINED;

const NAMES: [(Flags, &str); 20] = [
    (SYNONYMOUS, "synonymous"),
    (MISSENSE, "missense"),
    (STOP_LOST, "stop_lost"),
    (STOP_GAINED, "stop_gained"),
    (INFRAME_DELETION, "inframe_deletion"),
    (INFRAME_INSERTION, "inframe_insertion"),
    (FRAMESHIFT, "frameshift"),
    (SPLICE_ACCEPTOR, "splice_acceptor"),
    (SPLICE_DONOR, "splice_donor"),
    (START_LOST, "start_lost"),
    (SPLICE_REGION, "splice_region"),
    (STOP_RETAINED, "stop_retained"),
    (UTR5, "5_prime_utr"),
    (UTR3, "3_prime_utr"),
    (NON_CODING, "non_coding"),
    (INTRON, "intron"),
    (CODING_SEQUENCE, "coding_sequence"),
    (ELONGATION, "feature_elongation"),
    (START_RETAINED, "start_retained"),
    (TRUNCATION, "feature_truncation"),
];

/// The names of the set types, in order.
pub fn each(found: Flags) -> impl Iterator<Item = &'static str> {
    NAMES.into_iter().filter(move |(flag, _)| found & flag != 0).map(|(_, name)| name)
}

/// Appends the names of the set types, joined by `&`.
pub fn write_names(found: Flags, out: &mut Vec<u8>) {
    let mut first = true;
    for (flag, name) in NAMES {
        if found & flag != 0 {
            if !first {
                out.push(b'&');
            }
            first = false;
            out.extend_from_slice(name.as_bytes());
        }
    }
}
