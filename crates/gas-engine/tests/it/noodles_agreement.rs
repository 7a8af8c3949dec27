//! On valid input, the hand-written tokenizer sees the same CHROM, POS, ID, REF and ALT as noodles.

use gas_engine::vcf::{parse_record, read_header};
use noodles_vcf::variant::record::{AlternateBases as _, Ids as _};

use crate::common::read_testdata;

fn agree(file: &str) -> usize {
    let text = read_testdata(file);

    let mut noodles = noodles_vcf::io::Reader::new(&text[..]);
    let header = noodles.read_header().unwrap();
    let mut theirs = Vec::new();
    for record in noodles.records() {
        let record = record.unwrap();
        let pos = record.variant_start().unwrap().unwrap().get();
        let ids: Vec<String> = record.ids().iter().map(str::to_owned).collect();
        let alts: Vec<String> = record.alternate_bases().iter().map(|a| a.unwrap().to_owned()).collect();
        theirs.push((
            record.reference_sequence_name().to_owned(),
            pos,
            ids,
            record.reference_bases().to_owned(),
            alts,
        ));
    }
    let _ = header;

    let mut reader = &text[..];
    let header = read_header(&mut reader).unwrap();
    assert!(header.lines > 0);
    let ours: Vec<_> = reader
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|line| {
            let r = parse_record(line).unwrap();
            let s = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
            let ids = if r.id == b"." { Vec::new() } else { r.id.split(|b| *b == b';').map(s).collect() };
            let alts = if r.alt == b"." { Vec::new() } else { r.alt.split(|b| *b == b',').map(s).collect() };
            (s(r.chrom), r.pos as usize, ids, s(r.reference), alts)
        })
        .collect();
    assert_eq!(ours, theirs, "{file}");
    ours.len()
}

#[test]
fn tokenizer_agrees_with_noodles_on_valid_files() {
    assert_eq!(agree("grch37/chr22.vcf.gz"), 10_376);
    assert_eq!(agree("anntools/free_1.vcf"), 1141);
    assert_eq!(agree("anntools/premium_1.vcf"), 3000);
    assert_eq!(agree("anntools/premium_2.vcf"), 976);
}
