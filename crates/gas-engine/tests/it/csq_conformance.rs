//! BCSQ against bcftools csq's own test cases (`../shared/testdata/bcftools-csq/`): every sample-free
//! VCF is annotated with a bundle built from its case's GFF3 and FASTA, and each record's BCSQ is
//! compared, as a set of entries, with what bcftools recorded: the local-mode output `.txt-l` where it
//! exists, else the default-mode `.txt`, else the VCF's own `EXP`.
//!
//! Out of scope, by design: VCFs with sample columns (bcftools checks them per sample, TBCSQ) and the
//! `*.cmd` cases (whole commands with extra options).
//!
//! `tests/csq-known-failures.txt` lists the records we do not match yet, each with its reason. The test
//! fails on a failure not in the list and on a listed record that now matches, so the list stays true.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gas_engine::bundle::{BuildOptions, Bundle, build};

use crate::common::{info, records, run, testdata};

/// One record's expectation: its id (`dir/file.vcf:POS:REF>ALT`) and the expected BCSQ entries.
struct Expected {
    id: String,
    entries: BTreeSet<String>,
}

fn entries(text: &str) -> BTreeSet<String> {
    if text == "." || text.is_empty() {
        return BTreeSet::new();
    }
    text.split(',').map(str::to_owned).collect()
}

/// What bcftools recorded in a `.txt`/`.txt-l` file: blocks of `POS REF ALT EXP` and `POS REF ALT BCSQ`.
fn recorded(path: &Path) -> Vec<(String, BTreeSet<String>)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.split("\n\n")
        .filter_map(|block| {
            let printed = block.lines().filter(|l| !l.trim().is_empty()).nth(1)?;
            let columns: Vec<&str> = printed.split('\t').collect();
            let key = format!("{}:{}>{}", columns[0], columns[1], columns.get(2).unwrap_or(&""));
            Some((key, entries(columns.get(3).copied().unwrap_or("."))))
        })
        .collect()
}

fn cases() -> Vec<(PathBuf, Vec<PathBuf>)> {
    let root = testdata("bcftools-csq");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    dirs.into_iter()
        .filter(|d| d.is_dir())
        .map(|dir| {
            let mut vcfs: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "vcf"))
                .collect();
            vcfs.sort();
            (dir, vcfs)
        })
        .collect()
}

fn with_extension(dir: &Path, ext: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == ext))
        .unwrap_or_else(|| panic!("{}: no .{ext} file", dir.display()))
}

/// A bundle of a case folder's GFF3 and FASTA, built into `out`.
fn case_bundle(dir: &Path, out: &Path) -> Bundle {
    let options = BuildOptions {
        out: out.to_owned(),
        gff3: Some(with_extension(dir, "gff")),
        fasta: Some(with_extension(dir, "fa")),
        assembly: "bcftools-csq".into(),
        ..BuildOptions::default()
    };
    build(&options).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    Bundle::open(out).unwrap()
}

fn known_failures() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/csq-known-failures.txt");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, reason) = l.split_once('\t').unwrap_or((l, ""));
            assert!(!reason.trim().is_empty(), "known failure {id} needs a reason");
            (id.to_owned(), reason.to_owned())
        })
        .collect()
}

#[test]
fn bcsq_matches_the_bcftools_csq_cases() {
    let scratch = std::env::temp_dir().join(format!("gas-csq-cases-{}", std::process::id()));
    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    let (mut total, mut skipped_files) = (0, 0);
    for (dir, vcfs) in cases() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let vcfs: Vec<PathBuf> = vcfs
            .into_iter()
            .filter(|vcf| {
                let text = std::fs::read_to_string(vcf).unwrap();
                let columns = text.lines().find(|l| l.starts_with("#CHROM")).unwrap().split('\t').count();
                let per_sample = columns > 8;
                skipped_files += usize::from(per_sample);
                !per_sample
            })
            .collect();
        if vcfs.is_empty() {
            continue;
        }
        let bundle = case_bundle(&dir, &scratch.join(&name));
        for vcf in vcfs {
            let file = vcf.file_name().unwrap().to_string_lossy().into_owned();
            let stem = vcf.with_extension("");
            let from_file = [stem.with_extension("txt-l"), stem.with_extension("txt")]
                .into_iter()
                .find(|p| p.exists())
                .map(|p| recorded(&p));
            let (annotated, _) = run(&bundle, &std::fs::read(&vcf).unwrap()).unwrap();
            let input = std::fs::read_to_string(&vcf).unwrap();
            let originals = records(&input);
            for (i, record) in records(&annotated).iter().enumerate() {
                let key = format!("{}:{}>{}", record[1], record[3], record[4]);
                let expected = match &from_file {
                    Some(blocks) => match blocks.iter().find(|(k, _)| *k == key) {
                        Some((_, e)) => e.clone(),
                        None => continue,
                    },
                    None => match info(originals[i][7], "EXP") {
                        Some(exp) => entries(exp),
                        None => continue,
                    },
                };
                let expected = Expected { id: format!("{name}/{file}:{key}"), entries: expected };
                total += 1;
                let ours = entries(info(record[7], "BCSQ").unwrap_or("."));
                if ours != expected.entries {
                    let show = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(",");
                    failures.insert(
                        expected.id,
                        format!("expected {} got {}", show(&expected.entries), show(&ours)),
                    );
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);

    let known = known_failures();
    let new: Vec<String> = failures
        .iter()
        .filter(|(id, _)| !known.contains_key(*id))
        .map(|(id, why)| format!("{id}: {why}"))
        .collect();
    let fixed: Vec<&String> = known.keys().filter(|id| !failures.contains_key(*id)).collect();
    println!(
        "bcftools csq conformance: {} of {total} records agree, {} on the known-failure list \
         ({skipped_files} per-sample VCFs out of scope)",
        total - failures.len(),
        failures.len()
    );
    assert!(new.is_empty(), "new BCSQ disagreements:\n{}", new.join("\n"));
    assert!(fixed.is_empty(), "these now agree; remove them from tests/csq-known-failures.txt: {fixed:?}");
}

#[test]
fn the_count_log_counts_records_per_consequence() {
    // bcftools' own case of 39 SNVs over one reverse-strand transcript; the expected tallies are
    // those of its recorded local-mode output (each type once per record).
    let dir = testdata("bcftools-csq/ENST00000423372");
    let out = std::env::temp_dir().join(format!("gas-csq-count-log-{}", std::process::id()));
    let bundle = case_bundle(&dir, &out);
    let (_, summary) = run(&bundle, &std::fs::read(dir.join("snps.vcf")).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&out);

    let mut counts: Vec<(&str, u64)> =
        summary.consequences.iter().map(|c| (c.consequence.as_str(), c.count)).collect();
    counts.sort_unstable();
    assert_eq!(
        counts,
        [
            ("3_prime_utr", 17),
            ("5_prime_utr", 6),
            ("intron", 1),
            ("missense", 5),
            ("splice_donor", 1),
            ("splice_region", 5),
            ("stop_gained", 1),
            ("stop_lost", 2),
            ("synonymous", 3),
        ]
    );
    let log = summary.count_log();
    assert!(log.contains("Consequences (records with each, BCSQ):\n    3_prime_utr: 17\n"), "{log}");
}

/// Changes at the edges of coding pieces of two of bcftools' transcripts (SAMD11 forward, IL5RA
/// reverse), where no case of bcftools' own sits; expected as Debian's bcftools 1.16 `csq -l` calls
/// them.
/// - Right before a piece's first base (genome order) an insertion lengthens that piece (told from
///   its codon); right after a piece's last base it is in the intron. One whose ALT ends with all
///   of REF (`C>CGAC`, `A>AA`) is told from the codons of REF's base and the next (`12HW>12HDW`;
///   on the reverse strand the codon before). A complex insertion is placed
///   by its anchor and the base after the bases it replaces (`TC>TGGAA` two bases into a piece is in
///   its splice region).
/// - A deletion is placed the bcftools way (the whole shared suffix trimmed first): through a piece's
///   last base from inside it shifts the frame, the last base alone with the intron after it leaves
///   the edges alone, and one that stays in the intron changes no coding base; `CC>C` on a piece's
///   last base deletes that base.
/// - A substitution from inside a piece past its end gets the splice site alone, as a deletion there.
/// - A splice site that reads the same afterwards adds `synonymous`: bcftools compares the last two
///   bases of the window after a piece, checks a deletion that ends right before a piece too, and an
///   insertion beside a piece, reading the bases after REF from one base early once the window
///   starts past ALT's first base (`T>TC` before `CT` reads `CT` again).
#[test]
fn changes_at_coding_piece_edges_are_called_as_bcftools_calls_them() {
    // POS REF ALT, then the entries: types, and strand and changes where bcftools prints them.
    const SAMD11: &str = "\
        6157 CAG C      synonymous&splice_acceptor
        6158 A AG       splice_acceptor
        6158 AG AGG     synonymous&splice_acceptor
        6159 G GGGC     splice_region, inframe_insertion|+|8R>8RA|6159G>GGGC
        6162 TC TGGAA   splice_region, inframe_insertion|+|9V>9VE|6162TC>TGGAA
        6172 C CGAC     inframe_insertion|+|12HW>12HDW|6172C>CGAC
        6208 CAGG C     frameshift&splice_donor
        6209 AGG A      splice_donor
        6209 AGGTA A    frameshift&splice_donor
        6210 G GGGC     splice_donor
        6210 GGT G      splice_donor
        6209 AGG TTT    splice_donor
        6210 GGT CCA    splice_donor
        6210 G GG       splice_donor
        6210 G GGT      synonymous&splice_donor
        10888 TGCAGC T  splice_acceptor&coding_sequence
        10889 GCAGC G   synonymous&splice_acceptor&coding_sequence
        10890 CAGC C    splice_acceptor
        10891 AGC A     splice_acceptor&coding_sequence
        10892 G GGGC    splice_region, inframe_insertion|+|25S>25RA|10892G>GGGC";
    const IL5RA: &str = "\
        781 TTTC T      synonymous&frameshift&splice_acceptor
        782 TTC T       splice_acceptor
        774 A AA        frameshift|-|395GSSETEIEVICYIEKPGVETLEDSVF*>395GFQ*|774A>AA
        783 T TGGC      splice_acceptor
        783 T TC        synonymous&splice_acceptor
        5338 T TCT      synonymous&splice_acceptor
        783 TCT T       splice_acceptor
        5250 TTACC T    splice_donor&coding_sequence
        5251 TACC T     splice_donor&coding_sequence
        5252 AC A       synonymous&splice_donor
        5252 ACC A      splice_donor&coding_sequence
        5253 C CGGC     splice_region, inframe_insertion|-|392E>392EA|5253C>CGGC
        7000 TACA T     splice_donor&coding_sequence
        7001 ACA A      splice_donor
        7002 C CGGC     splice_region, inframe_insertion|-|364I>364MP|7002C>CGGC
        28762 CC C      splice_region, frameshift|-|123GSPGTSIVNLTCTTNTTEDNYSRLRSYQVSLHCTWLVGTDAPEDTQYFLYYRYGSWTEECQEYSKDTLGRNIACWFPRTFILSKGRDWLAVLVNGSSKHSAIRPFDQLFALHAIDQINPPLNVTAEIEGTRLSIQWEKPVSAFPIHCFDYEVKIHNTRNGYLQIEKLMTNAFISIIDDLSKYDVQVRAAVSSMCREAGLWSEWSQPIYVGNDEHKPLREWFVIVIMATICFILLILSLICKICHLWIKLFPPIPAPKSNIKDLFVTTNYEKAGSSETEIEVICYIEKPGVETLEDSVF*>123GLLEPQL*|28762CC>C";
    for (case, chrom, gene, table) in
        [("ENST00000341065", "1", "SAMD11", SAMD11), ("ENST00000256452", "3", "IL5RA", IL5RA)]
    {
        let dir = testdata(&format!("bcftools-csq/{case}"));
        let out = std::env::temp_dir().join(format!("gas-csq-edges-{case}-{}", std::process::id()));
        let bundle = case_bundle(&dir, &out);
        let mut vcf = String::from("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        let mut expected = Vec::new();
        for row in table.lines() {
            let mut words = row.split_whitespace();
            let (pos, reference, alt) = (words.next().unwrap(), words.next().unwrap(), words.next().unwrap());
            vcf += &format!("{chrom}\t{pos}\t.\t{reference}\t{alt}\t.\t.\t.\n");
            let entries: BTreeSet<String> = words
                .collect::<Vec<_>>()
                .join(" ")
                .split(", ")
                .map(|entry| match entry.split_once('|') {
                    Some((types, rest)) => format!("{types}|{gene}|{case}|protein_coding|{rest}"),
                    None => format!("{entry}|{gene}|{case}|protein_coding"),
                })
                .collect();
            expected.push((format!("{pos} {reference}>{alt}"), entries));
        }
        let (annotated, _) = run(&bundle, vcf.as_bytes()).unwrap();
        let _ = std::fs::remove_dir_all(&out);
        let rows = records(&annotated);
        assert_eq!(rows.len(), expected.len(), "{case}");
        for (row, (record, want)) in rows.iter().zip(&expected) {
            assert_eq!(&entries(info(row[7], "BCSQ").unwrap_or("")), want, "{case} {record}");
        }
    }
}

/// A deletion written on a non-coding transcript's last base (lincRNA ENST00000413103, bases 21 to
/// 1605) reaches it when bcftools' placement (the whole shared suffix trimmed first) puts a deleted
/// base there: `TGCAAT>T` deletes 1605–1609, `TGCA>T` only bases after the transcript. Expected as
/// Debian's bcftools 1.16 `csq -l` calls them.
#[test]
fn a_deletion_at_a_non_coding_transcripts_end_is_placed_as_bcftools_places_it() {
    let dir = testdata("bcftools-csq/ENST00000413103");
    let out = std::env::temp_dir().join(format!("gas-csq-lnc-end-{}", std::process::id()));
    let bundle = case_bundle(&dir, &out);
    let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
        1\t1604\t.\tCT\tC\t.\t.\t.\n1\t1605\t.\tTGCAAT\tT\t.\t.\t.\n1\t1605\t.\tTGCA\tT\t.\t.\t.\n";
    let (annotated, _) = run(&bundle, vcf.as_bytes()).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    let bcsq: Vec<Option<&str>> = records(&annotated).iter().map(|row| info(row[7], "BCSQ")).collect();
    let non_coding = Some("non_coding|RP11-148B18.1||lincRNA");
    assert_eq!(bcsq, [non_coding, non_coding, None]);
}

mod never_panics {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;

    /// bcftools' SAMD11 (forward strand, 19.7 kb) and AL627309.1 (reverse strand, 4.5 kb) cases.
    fn bundles() -> &'static [Bundle; 2] {
        static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
        BUNDLES.get_or_init(|| {
            let scratch = std::env::temp_dir().join(format!("gas-csq-prop-{}", std::process::id()));
            ["ENST00000341065", "ENST00000423372"]
                .map(|case| case_bundle(&testdata(&format!("bcftools-csq/{case}")), &scratch.join(case)))
        })
    }

    fn allele() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => "[ACGT]{1,8}",
            1 => Just("<INS:ME:ALU>".to_owned()),
            1 => Just("<DEL>".to_owned()),
            1 => Just("*".to_owned()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Any allele anywhere on either strand (past the contig's ends too): a result whose BCSQ
        /// entries all have their fields, never a panic.
        #[test]
        fn any_allele_anywhere_gets_well_formed_entries(
            alleles in proptest::collection::vec((1u32..20_000, "[ACGT]{1,8}", allele(), 0u32..30_000), 1..20),
            reverse in any::<bool>(),
        ) {
            let mut vcf = String::from("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
            // END places a `<DEL>` (anywhere from POS to past the contig's end).
            for (pos, reference, alt, span) in &alleles {
                vcf.push_str(&format!("1\t{pos}\t.\t{reference}\t{alt}\t.\t.\tEND={}\n", pos + span));
            }
            let (out, _) = run(&bundles()[usize::from(reverse)], vcf.as_bytes()).unwrap();
            for record in records(&out) {
                if let Some(value) = info(record[7], "BCSQ") {
                    for entry in value.split(',') {
                        let fields: Vec<&str> = entry.split('|').collect();
                        prop_assert!(fields.len() >= 4 && !fields[0].is_empty(), "{}", entry);
                    }
                }
            }
        }
    }
}

/// Variants between genes and deep in introns reuse the entries of the stretch's first SNV (a
/// shortcut): a variant at every third base of two case genomes (both strands, every feature and
/// boundary; SNVs, deletions of up to 24 bases and insertions of up to 3) gets the same BCSQ in one pass over
/// all of them as when it is the only record.
#[test]
fn a_variant_gets_the_same_entries_in_a_pass_as_alone() {
    for (case, chrom) in [("ENST00000341065", "1"), ("ENST00000256452", "3")] {
        let dir = testdata(&format!("bcftools-csq/{case}"));
        let out = std::env::temp_dir().join(format!("gas-csq-alone-{case}-{}", std::process::id()));
        let bundle = case_bundle(&dir, &out);
        let fasta = std::fs::read_to_string(with_extension(&dir, "fa")).unwrap();
        let genome: Vec<u8> =
            fasta.lines().filter(|l| !l.starts_with('>')).flat_map(|l| l.trim().bytes()).collect();
        let header = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
        let base = |i: usize| genome[i].to_ascii_uppercase() as char;
        let lines: Vec<String> = (0..genome.len() - 30)
            .step_by(3)
            .map(|i| {
                let reference = genome[i].to_ascii_uppercase();
                let (reference, alt) = match i % 9 {
                    // A deletion of 1 to 24 bases: from a quiet stretch, its REF may reach a boundary.
                    3 => ((i..i + 2 + (i / 9) % 24).map(base).collect(), base(i).to_string()),
                    // An insertion of 1 to 3 bases.
                    6 => (base(i).to_string(), format!("{}{}", base(i), &"GCA"[..1 + (i / 9) % 3])),
                    _ => {
                        let alt = b"ACGT"
                            .iter()
                            .copied()
                            .find(|b| *b != reference && (i + usize::from(*b)) % 2 == 0);
                        let alt = alt.unwrap_or(if reference == b'T' { b'G' } else { b'T' });
                        (base(i).to_string(), (alt as char).to_string())
                    }
                };
                format!("{chrom}\t{}\t.\t{reference}\t{alt}\t.\t.\t.\n", i + 1)
            })
            .collect();
        let bcsq = |vcf: &[u8]| -> Vec<String> {
            let (annotated, _) = run(&bundle, vcf).unwrap();
            records(&annotated).iter().map(|row| info(row[7], "BCSQ").unwrap_or("").to_owned()).collect()
        };
        let in_one_pass = bcsq((header.to_owned() + &lines.concat()).as_bytes());
        let alone: Vec<String> =
            lines.iter().flat_map(|line| bcsq((header.to_owned() + line).as_bytes())).collect();
        let _ = std::fs::remove_dir_all(&out);
        assert_eq!(in_one_pass.len(), lines.len(), "{case}");
        for ((line, together), alone) in lines.iter().zip(&in_one_pass).zip(&alone) {
            assert_eq!(together, alone, "{case}: {}", line.trim_end());
        }
        // The shortcut's ground was covered: intronic and coding SNVs, and indels, both.
        let count = |kind: &str| in_one_pass.iter().filter(|b| b.starts_with(kind)).count();
        assert!(count("intron|") > 1000 && count("missense|") > 100, "{case}: {} intron", count("intron|"));
        assert!(
            count("frameshift|") > 50 && count("splice_region") > 5,
            "{case}: {} frameshift",
            count("frameshift|")
        );
    }
}
