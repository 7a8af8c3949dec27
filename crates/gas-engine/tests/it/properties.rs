//! Arbitrary bytes and mutated VCFs: the engine answers with an error or a result, never a panic or a hang.

use proptest::prelude::*;

use crate::common::{demo_bundle, run};

const VALID: &str = "##fileformat=VCFv4.2\n##INFO=<ID=DP,Number=1,Type=Integer,Description=\"d\">\n\
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
chr22\t50301476\trs1\tT\tC,TA\t50\tPASS\tDP=3\tGT\t0/1\n\
22\t50312225\t.\tCAG\tC\t.\t.\t.\tGT\t1/1\n\
chrX\t100\t.\tN\t<DEL>\t.\t.\tEND=200\tGT\t./.\n";

fn config() -> ProptestConfig {
    ProptestConfig { cases: 256, timeout: 10_000, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = run(demo_bundle(), &bytes);
    }

    #[test]
    fn mutated_vcfs_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..12)) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte, kind) in edits {
            let at = at % (bytes.len() + 1);
            match kind {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => { bytes.remove(at); }
                _ => {}
            }
        }
        if let Ok((out, summary)) = run(demo_bundle(), &bytes) {
            // Whatever was accepted comes out one record per record: every line after the column
            // line, even one whose CHROM starts with `#` (a record, as bcftools reads it too).
            let records = out.lines().skip_while(|l| !l.starts_with("#CHROM")).skip(1).count();
            prop_assert_eq!(records as u64, summary.total);
        }
    }
}

/// A data line whose CHROM starts with `#` is a record (as bcftools reads it): passed through as it is,
/// counted, its contig reported as unknown. Found by `mutated_vcfs_never_panic`.
#[test]
fn a_record_whose_chrom_starts_with_a_hash_is_kept_and_counted() {
    let input = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
                 chr22\t50301476\t.\tT\tC\t.\t.\t.\n#2\t7\t.\tA\tC\t.\t.\t.\n";
    let (out, summary) = run(demo_bundle(), input.as_bytes()).unwrap();
    assert!(out.ends_with("\n#2\t7\t.\tA\tC\t.\t.\t.\n"), "{out}");
    assert_eq!(summary.total, 2);
    let unknown: Vec<_> = summary.unknown_contigs.iter().map(|c| (c.contig.as_str(), c.count)).collect();
    assert_eq!(unknown, [("#2", 1)]);
}
