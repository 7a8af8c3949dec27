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
            // Whatever was accepted comes out one record per record.
            prop_assert_eq!(out.lines().filter(|l| !l.starts_with('#')).count() as u64, summary.total);
        }
    }
}
