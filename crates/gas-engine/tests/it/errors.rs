use crate::common::{demo_bundle, records, run};

const HEADER: &str = "##fileformat=VCFv4.2\n##source=test\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";

fn error_for(body: &str) -> String {
    run(demo_bundle(), format!("{HEADER}{body}").as_bytes()).unwrap_err().to_string()
}

#[test]
fn malformed_lines_are_reported_with_their_line_number() {
    // Line numbers count every line of the file, the 3 header lines included.
    assert_eq!(
        error_for("chr1\t100\t.\tA\tC\t.\t.\t.\nchr1\t200\t.\tZ\tC\t.\t.\t.\n"),
        "line 5: REF contains 'Z'"
    );
    assert_eq!(error_for("chr1\tabc\t.\tA\tC\t.\t.\t.\n"), "line 4: POS 'abc' is not a whole number");
    assert_eq!(error_for("chr1 100 . A C . . .\n"), "line 4: expected 8 tab-separated columns, found 1");
    assert_eq!(
        error_for("chr1\t100\t.\tA\tC\t.\t.\t.\n\nchr1\t5\t.\tA\tC!\t.\t.\t.\n"),
        "line 6: ALT allele 'C!' contains '!'"
    );
}

#[test]
fn what_is_not_a_vcf_is_refused_on_line_one() {
    let err = run(demo_bundle(), b"\x89PNG\r\n\x1a\n").unwrap_err().to_string();
    assert!(err.starts_with("line 1: not a VCF file: the first line must be ##fileformat=VCFv…"), "{err}");
}

#[test]
fn a_header_only_vcf_is_valid() {
    let (out, summary) = run(demo_bundle(), HEADER.as_bytes()).unwrap();
    assert_eq!(summary.total, 0);
    assert!(summary.count_log().starts_with("Total: 0\nIn dbSNP: 0 (0.00%)\n"));
    assert!(out.ends_with("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"));
    assert!(out.starts_with("##fileformat=VCFv4.2\n##source=test\n"));
}

#[test]
fn windows_line_endings_and_trailing_blank_lines_are_fine() {
    let text = HEADER.replace('\n', "\r\n") + "chr22\t50301476\t.\tT\tC\t.\t.\t.\r\n\r\n\r\n";
    let (out, summary) = run(demo_bundle(), text.as_bytes()).unwrap();
    assert_eq!(summary.total, 1);
    assert_eq!(records(&out)[0][2], "rs8135963");
    assert!(!out.contains('\r'));
}

#[test]
fn gzip_is_recognised_by_content() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(format!("{HEADER}chr22\t50301476\t.\tT\tC\t.\t.\t.\n").as_bytes()).unwrap();
    let (out, _) = run(demo_bundle(), &gz.finish().unwrap()).unwrap();
    assert_eq!(records(&out)[0][2], "rs8135963");
    // Corrupt gzip is an input error, not a crash.
    let err = run(demo_bundle(), &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1, 2, 3]).unwrap_err();
    assert!(err.to_string().starts_with("cannot read the input"), "{err}");
}

#[test]
fn bgzip_reads_as_any_gzip_and_damage_is_an_input_error() {
    use std::io::Read;
    let raw = std::fs::read(crate::common::testdata("grch37/chr22.vcf.gz")).unwrap();
    let mut streamed = Vec::new();
    flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut streamed).unwrap();
    assert_eq!(crate::common::read_testdata("grch37/chr22.vcf.gz"), streamed, "block by block = streamed");

    // The second block (the first holds the header): a flipped byte inside it, or the file cut there.
    let second = 1 + usize::from(u16::from_le_bytes([raw[16], raw[17]]));
    let mut flipped = raw.clone();
    flipped[second + 1000] ^= 0x55;
    let cut = &raw[..second + 1000];
    let err = run(demo_bundle(), &flipped).unwrap_err().to_string();
    assert!(err.starts_with("cannot read the input: the bgzip compression is damaged ("), "{err}");
    // Cut inside the block, or inside its header (which a reader could take for the end).
    for cut in [cut, &raw[..second + 10]] {
        let err = run(demo_bundle(), cut).unwrap_err().to_string();
        assert_eq!(err, "cannot read the input: the bgzip file ends inside a block: was it cut short?");
    }
}

#[test]
fn a_bgzip_file_with_a_plain_gzip_file_appended_reads_whole() {
    use std::io::Write;
    // `cat a.vcf.gz b.vcf.gz` where a came from bgzip and b from gzip: still one valid gzip file.
    let (first, appended) =
        (format!("{HEADER}chr22\t50301476\t.\tT\tC\t.\t.\t.\n"), "chr22\t50301476\t.\tT\tG\t.\t.\t.\n");
    let mut bgzf = noodles_bgzf::io::Writer::new(Vec::new());
    bgzf.write_all(first.as_bytes()).unwrap();
    let mut mixed = bgzf.finish().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(appended.as_bytes()).unwrap();
    mixed.extend(gz.finish().unwrap());

    let (out, summary) = run(demo_bundle(), &mixed).unwrap();
    let (plain, _) = run(demo_bundle(), format!("{first}{appended}").as_bytes()).unwrap();
    assert_eq!(summary.total, 2);
    assert_eq!(out, plain);
    assert_eq!(records(&out)[1][4], "G", "the appended member's record");

    // What follows the blocks must be gzip too.
    let mut bgzf = noodles_bgzf::io::Writer::new(Vec::new());
    bgzf.write_all(first.as_bytes()).unwrap();
    let mut trailing = bgzf.finish().unwrap();
    trailing.extend(b"this is not gzip at all");
    let err = run(demo_bundle(), &trailing).unwrap_err().to_string();
    assert_eq!(
        err,
        "cannot read the input: the bgzip compression is damaged (what follows a block is not gzip)"
    );
}

#[test]
fn a_cancelled_pass_stops_within_65536_records() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let mut input = String::from(HEADER);
    for pos in 1..=200_000 {
        input.push_str(&format!("chr22\t{}\t.\tA\tC\t.\t.\t.\n", 16_000_000 + pos));
    }
    let mut reader =
        gas_engine::input::from_reader(Box::new(std::io::Cursor::new(input.into_bytes()))).unwrap().reader;
    let cancel = Arc::new(AtomicBool::new(false));
    let options = gas_engine::AnnotateOptions { cancel: Some(Arc::clone(&cancel)), ..Default::default() };
    let mut seen = Vec::new();
    let mut out = Vec::new();
    let result = gas_engine::annotate(demo_bundle(), &mut reader, &mut out, &options, &mut |n| {
        seen.push(n);
        // Another thread's time limit runs out after the first progress report.
        cancel.store(true, Ordering::Relaxed);
    });
    assert!(matches!(result, Err(gas_engine::AnnotateError::Cancelled)), "{result:?}");
    assert_eq!(seen, [65_536], "stopped at the next check, not at the end of the file");
}

#[test]
fn lines_longer_than_the_read_buffer_come_out_the_same() {
    // A 64-byte read buffer: nearly every line spans two reads, some many.
    let long_info = format!("NOTE={}", "x".repeat(300));
    let body = format!(
        "chr22\t16050075\t.\tA\tG\t.\t.\t{long_info}\r\nchr22\t16050115\t.\tG\tA\t.\t.\t.\n\nchr22\t16050213\t.\tC\tT\t.\t.\tDP=1"
    );
    let vcf = format!("{HEADER}{body}");
    let (expected, summary) = run(demo_bundle(), vcf.as_bytes()).unwrap();
    let mut small = std::io::BufReader::with_capacity(64, std::io::Cursor::new(vcf.into_bytes()));
    let mut out = Vec::new();
    let again =
        gas_engine::annotate(demo_bundle(), &mut small, &mut out, &Default::default(), &mut |_| {}).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), expected);
    assert_eq!((summary.total, again.total), (3, 3));
    assert!(records(&expected)[0][7].starts_with(&format!("{long_info};")), "{expected}");
}
