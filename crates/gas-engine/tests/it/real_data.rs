use crate::common::{demo_bundle, info, read_testdata, records, run};

/// chr22 of 1000 Genomes with its ID column blanked gets the rsIDs of the common-SNP set back.
#[test]
fn chr22_recovers_the_known_rsids() {
    let original = read_testdata("grch37/chr22.vcf.gz");
    let original = String::from_utf8(original).unwrap();
    let blanked: String = original
        .lines()
        .map(|l| {
            if l.starts_with('#') {
                return format!("{l}\n");
            }
            let mut c: Vec<&str> = l.split('\t').collect();
            c[2] = ".";
            format!("{}\n", c.join("\t"))
        })
        .collect();
    let (out, summary) = run(demo_bundle(), blanked.as_bytes()).unwrap();

    assert_eq!(summary.total, 10_376);
    assert_eq!(summary.known, 76);
    let theirs = records(&original);
    let ours = records(&out);
    assert_eq!(ours.len(), theirs.len());
    let recovered: Vec<(&str, &str, &str)> =
        ours.iter().zip(&theirs).filter(|(o, _)| o[2] != ".").map(|(o, t)| (o[1], o[2], t[2])).collect();
    assert_eq!(recovered.len(), 76);
    assert_eq!(recovered.iter().filter(|(_, ours, theirs)| ours == theirs).count(), 75);
    for (pos, id) in [
        ("50301476", "rs8135963"),
        ("50308429", "rs148768038"),
        ("50317418", "rs191858878"),
        ("50321623", "rs7287579"),
    ] {
        assert!(recovered.contains(&(pos, id, id)), "{pos} should get {id}");
    }
    // Every matched record carries the DB flag, and only those.
    for record in &ours {
        assert_eq!(info(record[7], "DB").is_some(), record[2] != ".", "{}", record[1]);
    }
    // CHROM, POS, REF, ALT, QUAL, FILTER and the samples are untouched; INFO only grows.
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!((o[0], o[1], o[3], o[4], o[5], o[6]), (t[0], t[1], t[3], t[4], t[5], t[6]));
        assert_eq!(o[8..], t[8..]);
        assert!(o[7].starts_with(t[7]));
    }
}

/// Unsorted input finds the same known variants: chr22's records, blanked, reversed and then
/// interleaved, get the IDs they get in order (76 of them).
#[test]
fn records_in_any_order_get_the_ids_they_get_in_order() {
    let original = String::from_utf8(read_testdata("grch37/chr22.vcf.gz")).unwrap();
    let (header, body): (Vec<&str>, Vec<&str>) = original.lines().partition(|l| l.starts_with('#'));
    let blank = |l: &&str| {
        let mut c: Vec<&str> = l.split('\t').take(8).collect();
        c[2] = ".";
        c.join("\t")
    };
    let vcf = |lines: Vec<String>| format!("{}\n{}\n", header.join("\n"), lines.join("\n"));
    let sorted: Vec<String> = body.iter().map(blank).collect();
    // Backwards, then every 7th record of that from each of 7 starts: far jumps both ways.
    let mut reversed = sorted.clone();
    reversed.reverse();
    let shuffled: Vec<String> = (0..7).flat_map(|s| reversed.iter().skip(s).step_by(7).cloned()).collect();

    let ids = |text: &str| -> std::collections::BTreeMap<(String, String, String), String> {
        records(text)
            .iter()
            .map(|r| ((r[1].to_owned(), r[3].to_owned(), r[4].to_owned()), r[2].to_owned()))
            .collect()
    };
    let (in_order, _) = run(demo_bundle(), vcf(sorted).as_bytes()).unwrap();
    let expected = ids(&in_order);
    assert_eq!(expected.values().filter(|id| *id != ".").count(), 76);
    for lines in [reversed, shuffled] {
        let (out, summary) = run(demo_bundle(), vcf(lines).as_bytes()).unwrap();
        assert_eq!(summary.known, 76);
        assert_eq!(ids(&out), expected);
    }
}

#[test]
fn chr22_positions_get_their_genes_and_region_classes() {
    let input = read_testdata("grch37/chr22.vcf.gz");
    let (out, summary) = run(demo_bundle(), &input).unwrap();
    let at = |pos: &str| -> (Option<String>, String) {
        let record =
            records(&out).into_iter().find(|r| r[1] == pos).unwrap_or_else(|| panic!("no record at {pos}"));
        (info(record[7], "GENE").map(str::to_owned), info(record[7], "REGION").unwrap().to_owned())
    };
    let expect = |gene: &str, region: &str| (Some(gene.to_owned()), region.to_owned());
    assert_eq!(at("50301476"), expect("ALG12", "CDS"));
    assert_eq!(at("50300078"), expect("ALG12", "intron"));
    assert_eq!(at("50302891"), expect("ALG12", "splice_region"));
    assert_eq!(at("50307487"), expect("ALG12", "5_UTR"));
    assert_eq!(at("50320994"), expect("CRELD2", "3_UTR"));
    assert_eq!(at("50314970"), expect("CRELD2", "exon"));
    assert_eq!(at("50312225"), expect("ALG12,CRELD2", "promoter,intron"));
    // Each variant is counted once, by its most severe class.
    let located: u64 = summary.regions.iter().map(|c| c.count).sum();
    assert_eq!(located, 10_376);
    assert_eq!(
        summary.regions.iter().map(|c| (c.class, c.count)).collect::<Vec<_>>(),
        [
            ("CDS", 1015),
            ("splice_region", 72),
            ("5_UTR", 63),
            ("3_UTR", 443),
            ("exon", 489),
            ("intron", 6149),
            ("promoter", 132),
            ("intergenic", 2013)
        ]
    );
    assert_eq!(summary.tracks[0].count, 783);
}

/// Every upload of the original service is read and annotated; IDs the user had are kept.
#[test]
fn every_original_upload_is_read_and_annotated() {
    let cases = [
        ("anntools/free_1.vcf", 1141, Some("rCRS")),
        ("anntools/free_2.vcf", 2788, Some("NCBI36")),
        ("anntools/premium_1.vcf", 3000, Some("NCBI36")),
        ("anntools/premium_2.vcf", 976, None),
        ("anntools/premium_3.vcf", 3431, Some("NCBI36")),
        ("anntools/test.vcf", 350, Some("rCRS")),
    ];
    for (file, total, assembly) in cases {
        let input = read_testdata(file);
        let (out, summary) = run(demo_bundle(), &input).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(summary.total, total, "{file}");
        assert_eq!(records(&out).len(), total as usize, "{file}");
        match assembly {
            Some(name) => {
                assert_eq!(summary.warnings.len(), 1, "{file}: {:?}", summary.warnings);
                assert!(
                    summary.warnings[0].starts_with(&format!("the input declares assembly {name} ")),
                    "{file}"
                );
                assert!(out.contains("\n##GAS_WARNING=the input declares assembly"), "{file}");
                assert!(summary.count_log().starts_with("WARNING: the input declares assembly"), "{file}");
            }
            None => assert!(summary.warnings.is_empty(), "{file}: {:?}", summary.warnings),
        }
        let input_text = String::from_utf8(input).unwrap();
        for (theirs, ours) in records(&input_text).iter().zip(records(&out)) {
            if theirs[2] != "." {
                assert!(
                    ours[2] == theirs[2] || ours[2].starts_with(&format!("{};", theirs[2])),
                    "{file}: {} lost",
                    theirs[2]
                );
            }
        }
    }
}

#[test]
fn ids_the_user_had_are_kept_and_new_ones_appended_once() {
    // premium_2 is GRCh37 with IDs already present: a known rsID already there is not repeated.
    let input = String::from_utf8(read_testdata("anntools/premium_2.vcf")).unwrap();
    let (out, summary) = run(demo_bundle(), input.as_bytes()).unwrap();
    assert!(summary.known > 0);
    for record in records(&out) {
        let ids: Vec<&str> = record[2].split(';').collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids.len(), unique.len(), "duplicate IDs at {}: {}", record[1], record[2]);
    }
    // The user's own DB flag is not written twice, and the DB declaration is not duplicated.
    assert_eq!(out.matches("##INFO=<ID=DB,").count(), 1);
    assert!(!out.contains(";DB;DB"));
}

#[test]
fn contigs_the_bundle_does_not_know_are_counted_not_fatal() {
    let input = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
        22\t50301476\t.\tT\tC\t.\t.\t.\n\
        chrUn_xyz\t5\t.\tA\tC\t.\t.\tX=1\n\
        chrUn_xyz\t9\t.\tA\tC\t.\t.\t.\n";
    let (out, summary) = run(demo_bundle(), input.as_bytes()).unwrap();
    assert_eq!((summary.total, summary.known, summary.unknown_contig_records()), (3, 1, 2));
    let r = records(&out);
    assert_eq!(r[0][2], "rs8135963", "22 is an alias of chr22");
    assert_eq!(r[1].join("\t"), "chrUn_xyz\t5\t.\tA\tC\t.\t.\tX=1", "unknown contigs pass through untouched");
    assert!(summary.count_log().contains("Unknown contigs: 2 variants not annotated (chrUn_xyz: 2)"));
}
