use std::collections::HashSet;
use std::io::BufRead;

use super::{VcfError, shown};

/// What the annotator needs from a VCF header; the lines themselves are kept verbatim for the output.
#[derive(Debug, Default, Clone)]
pub struct Header {
    /// The `##` lines, without line ends.
    pub meta_lines: Vec<Vec<u8>>,
    /// The `#CHROM` line, without its line end.
    pub column_line: Vec<u8>,
    /// `VCFv4.0`, `VCFv3.3`, …
    pub file_format: String,
    /// INFO IDs the header declares, in either the VCFv4 (`##INFO=<ID=DP,…>`) or the VCFv3.3
    /// (`##INFO=DP,1,Integer,"…"`) style.
    pub info_ids: HashSet<String>,
    /// Assembly declarations: (`reference` | `assembly` | `contig`, value).
    pub assembly_claims: Vec<(String, String)>,
    /// `##contig` lines with a length.
    pub contig_lengths: Vec<(String, u64)>,
    /// Lines the header took, so data lines are numbered from `lines + 1`.
    pub lines: u64,
}

/// Reads the header, leaving `reader` at the first data line.
pub fn read_header(reader: &mut (impl BufRead + ?Sized)) -> Result<Header, VcfError> {
    let mut header = Header::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            let message = if header.lines == 0 {
                "the file is empty; expected a VCF file starting with ##fileformat=VCFv…".to_owned()
            } else {
                "the header ends without a #CHROM line".to_owned()
            };
            return Err(VcfError::Malformed { line: header.lines + 1, message });
        }
        header.lines += 1;
        let n = header.lines;
        trim_line_end(&mut line);
        if n == 1 {
            let Some(version) = line.strip_prefix(b"##fileformat=") else {
                let message = format!(
                    "not a VCF file: the first line must be ##fileformat=VCFv…, found '{}'",
                    shown(&line)
                );
                return Err(VcfError::Malformed { line: 1, message });
            };
            header.file_format = String::from_utf8_lossy(version).trim().to_owned();
            if !header.file_format.starts_with("VCF") {
                let message = format!("not a VCF file: unknown file format '{}'", shown(version));
                return Err(VcfError::Malformed { line: 1, message });
            }
        }
        if line.starts_with(b"##") {
            header.note_meta_line(&line);
            header.meta_lines.push(line.clone());
        } else if line.starts_with(b"#CHROM") {
            check_columns(&line, n)?;
            header.column_line = line;
            return Ok(header);
        } else if line.is_empty() {
            continue;
        } else {
            let message = "expected a header line (## or #CHROM) before the first record".to_owned();
            return Err(VcfError::Malformed { line: n, message });
        }
    }
}

const COLUMNS: [&[u8]; 8] = [b"#CHROM", b"POS", b"ID", b"REF", b"ALT", b"QUAL", b"FILTER", b"INFO"];

fn check_columns(line: &[u8], n: u64) -> Result<(), VcfError> {
    let columns: Vec<&[u8]> = line.split(|b| *b == b'\t').collect();
    let ok = columns.len() >= 8 && columns.iter().zip(COLUMNS).all(|(found, wanted)| *found == wanted);
    if ok {
        Ok(())
    } else {
        let message =
            "the #CHROM line must start with the tab-separated columns CHROM POS ID REF ALT QUAL FILTER INFO";
        Err(VcfError::Malformed { line: n, message: message.to_owned() })
    }
}

pub(crate) fn trim_line_end(line: &mut Vec<u8>) {
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
}

impl Header {
    fn note_meta_line(&mut self, line: &[u8]) {
        let text = String::from_utf8_lossy(&line[2..]);
        let Some((key, value)) = text.split_once('=') else { return };
        match key {
            "INFO" => {
                let id = match value.strip_prefix('<') {
                    Some(fields) => structured(fields, "ID"),
                    None => value.split(',').next().map(str::to_owned),
                };
                if let Some(id) = id {
                    self.info_ids.insert(id.trim().to_owned());
                }
            }
            "reference" | "assembly" => self.assembly_claims.push((key.to_owned(), value.trim().to_owned())),
            "contig" => {
                let fields = value.trim_start_matches('<');
                let Some(id) = structured(fields, "ID") else { return };
                if let Some(length) = structured(fields, "length").and_then(|l| l.parse().ok()) {
                    self.contig_lengths.push((id, length));
                }
                if let Some(assembly) = structured(fields, "assembly") {
                    self.assembly_claims.push(("contig".to_owned(), assembly));
                }
            }
            _ => {}
        }
    }

    /// The declared VCF version as (major, minor), if it reads as one.
    pub fn version(&self) -> Option<(u32, u32)> {
        let (major, minor) = self.file_format.strip_prefix("VCFv")?.split_once('.')?;
        Some((major.parse().ok()?, minor.parse().ok()?))
    }
}

/// The value of `key` in a structured header line body such as `ID=1,length=249250621,assembly=b37>`.
fn structured(fields: &str, key: &str) -> Option<String> {
    let fields = fields.trim_end_matches('>');
    let mut rest = fields;
    while !rest.is_empty() {
        let (k, after) = rest.split_once('=')?;
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            (&quoted[..end], quoted.get(end + 1..).unwrap_or("").trim_start_matches(','))
        } else {
            after.split_once(',').unwrap_or((after, ""))
        };
        if k.trim() == key {
            return Some(value.to_owned());
        }
        rest = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Header, VcfError> {
        read_header(&mut text.as_bytes())
    }

    #[test]
    fn reads_v4_and_v33_info_declarations() {
        let h = read(concat!(
            "##fileformat=VCFv3.3\n",
            "##INFO=DP,1,Integer,\"Total Depth\"\n",
            "##INFO=<ID=AF,Number=A,Type=Float,Description=\"Allele, frequency\">\n",
            "##reference=human_b36_both.fasta\n",
            "##contig=<ID=1,length=249250621,assembly=b37>\n",
            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n",
        ))
        .unwrap();
        assert_eq!(h.version(), Some((3, 3)));
        assert!(h.info_ids.contains("DP") && h.info_ids.contains("AF"));
        assert_eq!(h.contig_lengths, [("1".to_owned(), 249_250_621)]);
        assert_eq!(
            h.assembly_claims,
            [
                ("reference".to_owned(), "human_b36_both.fasta".to_owned()),
                ("contig".to_owned(), "b37".to_owned())
            ]
        );
        assert_eq!(h.lines, 6);
    }

    #[test]
    fn refuses_what_is_not_a_vcf_with_a_line_number() {
        let cases = [
            ("", "line 1: the file is empty; expected a VCF file starting with ##fileformat=VCFv…"),
            ("hello\n", "line 1: not a VCF file: the first line must be ##fileformat=VCFv…, found 'hello'"),
            ("##fileformat=VCFv4.2\n##x=1\n", "line 3: the header ends without a #CHROM line"),
            (
                "##fileformat=VCFv4.2\n1\t2\t.\tA\tC\t.\t.\t.\n",
                "line 2: expected a header line (## or #CHROM) before the first record",
            ),
            (
                "##fileformat=VCFv4.2\n#CHROM\tPOS\tREF\n",
                "line 2: the #CHROM line must start with the tab-separated columns CHROM POS ID REF ALT QUAL FILTER INFO",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(read(text).unwrap_err().to_string(), message, "{text:?}");
        }
    }
}
