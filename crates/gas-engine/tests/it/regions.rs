//! Exact region classes, allele matching and carried INFO on a small bundle built from hand-written
//! sources, where the right answer can be read off the coordinates.

use crate::common::{TinyBundle, info, records, run};

const GFF3: &str = "##gff-version 3\n\
chr1\tt\tgene\t1001\t1500\t.\t+\t.\tID=g1;Name=FWD\n\
chr1\tt\tmRNA\t1001\t1500\t.\t+\t.\tID=t1;Parent=g1\n\
chr1\tt\texon\t1001\t1100\t.\t+\t.\tParent=t1\n\
chr1\tt\texon\t1201\t1300\t.\t+\t.\tParent=t1\n\
chr1\tt\texon\t1401\t1500\t.\t+\t.\tParent=t1\n\
chr1\tt\tCDS\t1051\t1100\t.\t+\t0\tParent=t1\n\
chr1\tt\tCDS\t1201\t1300\t.\t+\t0\tParent=t1\n\
chr1\tt\tCDS\t1401\t1450\t.\t+\t0\tParent=t1\n\
chr1\tt\tncRNA_gene\t5001\t5300\t.\t-\t.\tID=g2;Name=REV\n\
chr1\tt\tlnc_RNA\t5001\t5300\t.\t-\t.\tID=t2;Parent=g2\n\
chr1\tt\texon\t5001\t5100\t.\t-\t.\tParent=t2\n\
chr1\tt\texon\t5201\t5300\t.\t-\t.\tParent=t2\n";

const KNOWN: &str = "##fileformat=VCFv4.2\n\
##INFO=<ID=AF,Number=A,Type=Float,Description=\"Allele frequency\">\n\
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
chr1\t1060\trs1\tC\tT\t.\t.\tAF=0.1\n\
chr1\t1149\trs2\tATG\tA\t.\t.\tAF=0.2\n\
chr1\t1150\trs3\tC\tA,G\t.\t.\tAF=0.3,0.4\n";

const BED: &str = "track name=hot\nchr1\t1000\t1100\n";

fn bundle() -> TinyBundle {
    TinyBundle::build("regions", &[("genes.gff3", GFF3), ("known.vcf", KNOWN), ("hot.bed", BED)], |o, dir| {
        o.gff3 = Some(dir.join("genes.gff3"));
        o.known = Some(dir.join("known.vcf"));
        o.known_info = vec!["AF".into()];
        o.beds = vec![("HOT".into(), dir.join("hot.bed"))];
    })
}

fn vcf(lines: &[&str]) -> String {
    let mut text = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n".to_owned();
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

#[test]
fn each_position_gets_its_most_severe_class() {
    let t = bundle();
    let cases = [
        (800, "FWD", "promoter"),
        (1020, "FWD", "5_UTR"),
        (1060, "FWD", "CDS"),
        (1099, "FWD", "CDS"),
        (1105, "FWD", "splice_region"),
        (1150, "FWD", "intron"),
        (1198, "FWD", "splice_region"),
        (1480, "FWD", "3_UTR"),
        (1499, "FWD", "3_UTR"),
        (5050, "REV", "exon"),
        (5099, "REV", "splice_region"),
        (5150, "REV", "intron"),
        (5500, "REV", "promoter"),
    ];
    let lines: Vec<String> = cases.iter().map(|(pos, ..)| format!("chr1\t{pos}\t.\tN\tA\t.\t.\t.")).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let (out, summary) = run(&t.bundle, vcf(&refs).as_bytes()).unwrap();
    for ((pos, gene, class), record) in cases.iter().zip(records(&out)) {
        assert_eq!(info(record[7], "GENE"), Some(*gene), "{pos}");
        assert_eq!(info(record[7], "REGION"), Some(*class), "{pos}");
    }
    let (out, _) = run(&t.bundle, vcf(&["chr1\t3000\t.\tA\tC\t.\t.\t."]).as_bytes()).unwrap();
    assert_eq!(records(&out)[0][7], "REGION=intergenic");
    assert_eq!(summary.region("splice_region"), 3);
    assert_eq!(summary.region("promoter"), 2);
}

/// A record in a pass gets the genes and classes it gets alone, wherever it starts and ends: the
/// pass reuses the last record's entries only where they hold.
#[test]
fn every_span_gets_the_same_regions_in_a_pass_as_alone() {
    let t = bundle();
    // Every start from before the first gene to past the last, REF 1 to 4 bases long.
    let lines: Vec<String> =
        (700..=5600).map(|pos| format!("chr1\t{pos}\t.\t{}\tA\t.\t.\t.", "N".repeat(1 + pos % 4))).collect();
    let regions = |vcf: &str| -> (Vec<(String, String)>, u64) {
        let (out, summary) = run(&t.bundle, vcf.as_bytes()).unwrap();
        let entries = records(&out)
            .iter()
            .map(|r| (info(r[7], "GENE").unwrap_or("").to_owned(), info(r[7], "REGION").unwrap().to_owned()))
            .collect();
        (entries, summary.regions.iter().map(|c| c.count).sum())
    };
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let (in_one_pass, counted) = regions(&vcf(&refs));
    assert_eq!((in_one_pass.len(), counted), (lines.len(), lines.len() as u64));
    let mut classes = std::collections::BTreeSet::new();
    for (line, together) in lines.iter().zip(&in_one_pass) {
        let (alone, _) = regions(&vcf(&[line]));
        assert_eq!(&alone[0], together, "{line}");
        classes.insert(together.1.clone());
    }
    // The ground covered: every class there is, spans across their borders among them.
    let expected = ["3_UTR", "5_UTR", "CDS", "exon", "intergenic", "intron", "promoter", "splice_region"];
    assert_eq!(classes.iter().map(String::as_str).collect::<Vec<_>>(), expected);
}

#[test]
fn a_deletion_takes_the_most_severe_class_it_spans() {
    let t = bundle();
    // 1095..1104: CDS at 1095-1100, then splice region and intron.
    let (out, _) = run(&t.bundle, vcf(&["chr1\t1095\t.\tAAAAAAAAAA\tA\t.\t.\t."]).as_bytes()).unwrap();
    assert_eq!(info(records(&out)[0][7], "REGION"), Some("CDS"));
}

#[test]
fn known_alleles_match_however_they_are_written() {
    let t = bundle();
    let input = vcf(&[
        "1\t1060\t.\tc\tt\t.\t.\tAF=0.9", // another contig name, lower case; the user's own AF stays
        "chr1\t1148\tmine\tCATG\tCA\t.\t.\t.", // rs2 padded with a base
        "chr1\t1150\t.\tC\tG,T\t.\t.\tDP=3", // only the first ALT is known, as rs3's second allele
        "chr1\t1060\t.\tC\tG\t.\t.\t.",   // same position, another allele: not rs1
    ]);
    let (out, summary) = run(&t.bundle, input.as_bytes()).unwrap();
    let r = records(&out);
    assert_eq!((r[0][2], r[0][7]), ("rs1", "AF=0.9;DB;KNOWN_AF=0.1;GENE=FWD;REGION=CDS;HOT"));
    assert_eq!((r[1][2], info(r[1][7], "KNOWN_AF")), ("mine;rs2", Some("0.2")));
    assert_eq!((r[2][2], info(r[2][7], "KNOWN_AF")), ("rs3", Some("0.4,.")));
    assert_eq!((r[3][2], info(r[3][7], "DB")), (".", None));
    assert_eq!(summary.known, 3);
    assert_eq!(summary.tracks[0].count, 2);
    assert!(out.contains("##INFO=<ID=KNOWN_AF,Number=A,Type=Float,"), "{out}");
    assert!(out.contains("##INFO=<ID=HOT,Number=0,Type=Flag,"));
}

/// The ID column keeps the user's IDs first and adds each known ID once, across ALT alleles; the
/// rest of the line is copied after it unchanged.
#[test]
fn the_id_column_gets_each_known_id_once_after_the_users_own() {
    let known = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
        chr1\t100\trs1\tA\tC\t.\t.\t.\n\
        chr1\t100\trs2;rs9\tA\tG\t.\t.\t.\n\
        chr1\t200\t.\tT\tC\t.\t.\t.\n\
        chr1\t300\trs3\tG\tA\t.\t.\t.\n";
    let t = TinyBundle::build("idcolumn", &[("known.vcf", known)], |o, dir| {
        o.known = Some(dir.join("known.vcf"))
    });
    let input = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
        chr1\t100\t.\tA\tC\t50\tPASS\tDP=1\tGT\t0/1\n\
        chr1\t100\trs1\tA\tC\t50\tPASS\tDP=1\tGT\t0/1\n\
        chr1\t100\tmine\tA\tC,G\t50\tPASS\t.\tGT\t1/2\n\
        chr1\t100\trs9;x\tA\tG,C\t50\tPASS\t.\tGT\t1/2\n\
        chr1\t100\t.\tA\tC,G\t50\tPASS\t.\tGT\t1/2\n\
        chr1\t200\t.\tT\tC\t50\tPASS\tDP=2\tGT\t0/1\n\
        chr1\t300\t.\tG\tA\t.\t.\t.\tGT:DP\t0/1:7\n";
    let (out, summary) = run(&t.bundle, input.as_bytes()).unwrap();
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines,
        [
            "chr1\t100\trs1\tA\tC\t50\tPASS\tDP=1;DB;REGION=intergenic\tGT\t0/1",
            "chr1\t100\trs1\tA\tC\t50\tPASS\tDP=1;DB;REGION=intergenic\tGT\t0/1",
            "chr1\t100\tmine;rs1;rs2;rs9\tA\tC,G\t50\tPASS\tDB;REGION=intergenic\tGT\t1/2",
            "chr1\t100\trs9;x;rs2;rs1\tA\tG,C\t50\tPASS\tDB;REGION=intergenic\tGT\t1/2",
            "chr1\t100\trs1;rs2;rs9\tA\tC,G\t50\tPASS\tDB;REGION=intergenic\tGT\t1/2",
            // Known, without an ID: the flag alone.
            "chr1\t200\t.\tT\tC\t50\tPASS\tDP=2;DB;REGION=intergenic\tGT\t0/1",
            "chr1\t300\trs3\tG\tA\t.\t.\tDB;REGION=intergenic\tGT:DP\t0/1:7",
        ]
    );
    assert_eq!(summary.known, 7);
}

/// One-base records find their known IDs however the position's known records lie: in either case,
/// beside a known indel at the same position, among several records with the same alleles, with an
/// ID list too long for one length byte, or not at all.
#[test]
fn single_base_records_find_exactly_their_known_ids() {
    let long_id = format!("rs{}", "1234567890".repeat(14));
    let known = format!(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
         chr1\t400\trs4\tA\tG\t.\t.\t.\n\
         chr1\t500\trs5\tAT\tA\t.\t.\t.\n\
         chr1\t600\trs6\tC\tT\t.\t.\t.\n\
         chr1\t600\trs7\tC\tT\t.\t.\t.\n\
         chr1\t700\t{long_id}\tG\tC\t.\t.\t.\n\
         chr1\t800\trs8\tT\tA\t.\t.\t.\n"
    );
    let t =
        TinyBundle::build("snvs", &[("known.vcf", &known)], |o, dir| o.known = Some(dir.join("known.vcf")));
    let input = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
        chr1\t50\t.\tA\tC\t.\t.\t.\n\
        chr1\t400\t.\ta\tg\t.\t.\tDP=3\n\
        chr1\t400\t.\tA\tG\t.\t.\tDB;DP=3\n\
        chr1\t500\t.\tA\tG\t.\t.\t.\n\
        chr1\t500\t.\tAT\tA\t.\t.\t.\n\
        chr1\t600\t.\tC\tT\t.\t.\t.\n\
        chr1\t700\t.\tG\tC\t.\t.\t.\n\
        chr1\t800\t.\tT\tG\t.\t.\tDP=4\n\
        chr1\t900\t.\tT\tG\t.\t.\t.\n";
    let (out, summary) = run(&t.bundle, input.as_bytes()).unwrap();
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
    let long = format!("chr1\t700\t{long_id}\tG\tC\t.\t.\tDB;REGION=intergenic");
    assert_eq!(
        lines,
        [
            "chr1\t50\t.\tA\tC\t.\t.\tREGION=intergenic",
            "chr1\t400\trs4\ta\tg\t.\t.\tDP=3;DB;REGION=intergenic",
            // The user's DB flag is not written twice.
            "chr1\t400\trs4\tA\tG\t.\t.\tDB;DP=3;REGION=intergenic",
            // The known deletion at 500 is not this SNV.
            "chr1\t500\t.\tA\tG\t.\t.\tREGION=intergenic",
            "chr1\t500\trs5\tAT\tA\t.\t.\tDB;REGION=intergenic",
            "chr1\t600\trs6;rs7\tC\tT\t.\t.\tDB;REGION=intergenic",
            &long,
            "chr1\t800\t.\tT\tG\t.\t.\tDP=4;REGION=intergenic",
            "chr1\t900\t.\tT\tG\t.\t.\tREGION=intergenic",
        ]
    );
    assert_eq!(summary.known, 5);
}

#[test]
fn the_count_log_reads_like_anntools() {
    let t = bundle();
    let (_, summary) =
        run(&t.bundle, vcf(&["chr1\t1060\t.\tC\tT\t.\t.\t.", "chr1\t3000\t.\tA\tC\t.\t.\t."]).as_bytes())
            .unwrap();
    assert_eq!(
        summary.count_log(),
        "Total: 2\n\
         In dbSNP: 1 (50.00%)\n\
         Variants located:\n    CDS: 1\n    splice_region: 0\n    5_UTR: 0\n    3_UTR: 0\n    exon: 0\n    intron: 0\n    \
         promoter: 0\n    intergenic: 1\n\
         In HOT: 1 in 2 variants\n\
         Annotation bundle: GRCh37\n"
    );
}

#[test]
fn the_bundle_records_its_sources_and_verifies_its_checksum() {
    let t = bundle();
    let m = &t.bundle.manifest;
    assert_eq!((m.format_version, m.assembly.as_str(), m.genes, m.known_records), (5, "GRCh37", 2, 4));
    let kinds: Vec<&str> = m.sources.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["gff3", "known", "bed:HOT"]);
    assert_eq!(m.aliases.get("1").map(String::as_str), Some("chr1"));
    t.bundle.verify().unwrap();

    // A flipped byte is caught by verify; a truncated file already by open.
    let data = t.bundle.dir.join("bundle.gas");
    let mut bytes = std::fs::read(&data).unwrap();
    bytes[20] ^= 0xff;
    std::fs::write(&data, &bytes).unwrap();
    let reopened = gas_engine::Bundle::open(&t.bundle.dir).unwrap();
    assert_eq!(
        reopened.verify().unwrap_err().to_string(),
        "the annotation bundle's checksum does not match its manifest: it is damaged"
    );
    std::fs::write(&data, &bytes[..bytes.len() - 1]).unwrap();
    assert!(
        gas_engine::Bundle::open(&t.bundle.dir).unwrap_err().to_string().contains("incomplete or changed")
    );
}

#[test]
fn indels_in_a_repeat_match_wherever_they_are_written_when_the_bundle_has_the_reference() {
    // Positions 100-109 are GCACACACAT: one "CA" more or less can be written at several places.
    let fasta = format!(">chr1 test\n{}GCACACACAT{}\n", "A".repeat(99), "T".repeat(391));
    let known = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
        chr1\t100\trsINS\tG\tGCA\t.\t.\t.\n\
        chr1\t106\trsDEL\tACA\tA\t.\t.\t.\n";
    let input = vcf(&[
        "chr1\t108\t.\tA\tACA\t.\t.\t.",
        "chr1\t100\t.\tGCA\tG\t.\t.\t.",
        "chr1\t103\t.\tCAC\tC\t.\t.\t.",
    ]);
    let with_reference =
        TinyBundle::build("leftalign", &[("ref.fa", &fasta), ("known.vcf", known)], |o, dir| {
            o.fasta = Some(dir.join("ref.fa"));
            o.known = Some(dir.join("known.vcf"));
        });
    assert!(with_reference.bundle.manifest.sequence);
    assert_eq!(with_reference.bundle.manifest.contigs[0].length, Some(500));
    let (out, _) = run(&with_reference.bundle, input.as_bytes()).unwrap();
    let ids: Vec<&str> = records(&out).iter().map(|r| r[2]).collect();
    assert_eq!(ids, ["rsINS", "rsDEL", "rsDEL"]);

    // Without the reference only trimming applies, and the shifted spellings are not found.
    let without =
        TinyBundle::build("noalign", &[("known.vcf", known)], |o, dir| o.known = Some(dir.join("known.vcf")));
    let (out, _) = run(&without.bundle, input.as_bytes()).unwrap();
    let ids: Vec<&str> = records(&out).iter().map(|r| r[2]).collect();
    assert_eq!(ids, [".", ".", "."]);
}
