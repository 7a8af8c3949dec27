//! Known variants (a dbSNP-like VCF): per contig, blocks of records sorted by position, each record
//! a normalized (REF, ALT) with its IDs and carried INFO values. A block is its records' keys (see
//! [`key`]), where each one's payload starts, then the payloads: fixed-width, so a lookup reads the
//! keys straight from the mapped bundle with nothing to decode. A cursor keeps one block; a sorted
//! input steps through each block once, an unsorted one seeks by a binary search of the block index.

use std::io;
use std::ops::Range;

use super::codec::{Corrupt, Reader, put_bytes, put_varint};
use super::container::{Container, ContainerWriter};

/// Records per block (a position's records never straddle blocks, so a block may run a little over).
const BLOCK_RECORDS: usize = 512;

struct Entry {
    contig: u32,
    pos: u32,
    at: usize,
    len: u32,
}

/// Collects known variants in any order; sorts and writes them in blocks.
#[derive(Default)]
pub struct KnownBuilder {
    entries: Vec<Entry>,
    arena: Vec<u8>,
}

impl KnownBuilder {
    /// Adds one allele: alleles already normalized and upper-cased, `ids` as in the VCF's ID column,
    /// one value per carried INFO field (`.` when absent). The IDs are stored as a clean list (see
    /// `clean_ids`), which lets a lookup add them as they are.
    pub fn add(&mut self, contig: u32, pos: u32, reference: &[u8], alt: &[u8], ids: &[u8], infos: &[&[u8]]) {
        let at = self.arena.len();
        put_bytes(&mut self.arena, reference);
        put_bytes(&mut self.arena, alt);
        put_bytes(&mut self.arena, &clean_ids(ids));
        for info in infos {
            put_bytes(&mut self.arena, info);
        }
        let len = (self.arena.len() - at) as u32;
        self.entries.push(Entry { contig, pos, at, len });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Writes the sections `known/<contig>/blocks` and `known/<contig>/index`.
    pub fn write(mut self, contigs: &[String], out: &mut ContainerWriter) -> io::Result<()> {
        let arena = &self.arena;
        let payload = |e: &Entry| &arena[e.at..e.at + e.len as usize];
        self.entries.sort_unstable_by(|a, b| {
            (a.contig, a.pos).cmp(&(b.contig, b.pos)).then_with(|| payload(a).cmp(payload(b)))
        });
        self.entries.dedup_by(|a, b| a.contig == b.contig && a.pos == b.pos && payload(a) == payload(b));

        let mut start = 0;
        while start < self.entries.len() {
            let contig = self.entries[start].contig;
            let end = start + self.entries[start..].partition_point(|e| e.contig == contig);
            let (mut blocks, mut index) = (Vec::new(), Vec::new());
            let records = &self.entries[start..end];
            put_varint(&mut index, 0); // block count, patched below
            let mut block_count = 0u64;
            let mut i = 0;
            while i < records.len() {
                let mut j = (i + BLOCK_RECORDS).min(records.len());
                while j < records.len() && records[j].pos == records[j - 1].pos {
                    j += 1;
                }
                let block_at = blocks.len();
                let records = &records[i..j];
                // Keys, then payload starts (from the block's start), then the payloads.
                let mut at = 12 * records.len();
                for e in records {
                    blocks.extend_from_slice(&key(e.pos, payload(e)).to_le_bytes());
                }
                for e in records {
                    let start = u32::try_from(at).map_err(|_| io::Error::other("known block over 4 GiB"))?;
                    blocks.extend_from_slice(&start.to_le_bytes());
                    at += e.len as usize;
                }
                for e in records {
                    blocks.extend_from_slice(payload(e));
                }
                put_varint(&mut index, u64::from(records[0].pos));
                put_varint(&mut index, u64::from(records[records.len() - 1].pos));
                put_varint(&mut index, block_at as u64);
                put_varint(&mut index, records.len() as u64);
                put_varint(&mut index, (blocks.len() - block_at) as u64);
                block_count += 1;
                i = j;
            }
            let mut patched = Vec::new();
            put_varint(&mut patched, block_count);
            patched.extend_from_slice(&index[1..]);
            let name = &contigs[contig as usize];
            out.add(&format!("known/{name}/blocks"), &blocks)?;
            out.add(&format!("known/{name}/index"), &patched)?;
            start = end;
        }
        Ok(())
    }
}

/// An ID column as the bundle stores it: its IDs once each, in order, `;`-separated, without `.` or
/// empty ones (`rs1;.;rs1;rs2` is `rs1;rs2`, `.` is empty).
fn clean_ids(ids: &[u8]) -> Vec<u8> {
    let mut clean: Vec<u8> = Vec::with_capacity(ids.len());
    let mut kept: Vec<&[u8]> = Vec::new();
    for id in ids.split(|b| *b == b';').filter(|id| !id.is_empty() && *id != b".") {
        if !kept.contains(&id) {
            if !clean.is_empty() {
                clean.push(b';');
            }
            clean.extend_from_slice(id);
            kept.push(id);
        }
    }
    clean
}

#[derive(Debug, Clone)]
struct BlockMeta {
    first: u32,
    last: u32,
    records: usize,
    /// Where the block lies in the bundle's data file.
    bytes: Range<usize>,
}

/// The block index of every contig, read when the bundle opens.
pub struct KnownIndex {
    info_fields: usize,
    blocks: Vec<Vec<BlockMeta>>,
}

impl KnownIndex {
    pub fn open(
        container: &Container,
        contigs: &[String],
        info_fields: usize,
    ) -> Result<Self, super::OpenError> {
        let mut blocks = Vec::with_capacity(contigs.len());
        for name in contigs {
            let mut metas = Vec::new();
            if let Some(index) = container.section(&format!("known/{name}/index")) {
                let section = container.locate(&format!("known/{name}/blocks")).unwrap_or(0..0);
                let mut r = Reader::new(index);
                for _ in 0..r.varint()? {
                    let (first, last, at) = (r.u32()?, r.u32()?, r.varint()?);
                    let (records, len) = (r.varint()?, r.varint()?);
                    let start = (section.start as u64).saturating_add(at);
                    let end = start.saturating_add(len);
                    if end > section.end as u64 || records.saturating_mul(12) > len {
                        return Err(Corrupt("known block out of range").into());
                    }
                    let (records, bytes) = (records as usize, start as usize..end as usize);
                    metas.push(BlockMeta { first, last, records, bytes });
                }
            }
            blocks.push(metas);
        }
        Ok(Self { info_fields, blocks })
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.iter().all(Vec::is_empty)
    }
}

/// One known record that matched.
pub struct KnownMatch<'a> {
    pub ids: &'a [u8],
    /// `ids` and the rest of the block after them (a chunk copy of `ids` may read past them).
    pub ids_in_block: &'a [u8],
    infos: &'a [(u32, u32)],
    buf: &'a [u8],
}

impl KnownMatch<'_> {
    /// The value of the `i`-th carried INFO field.
    pub fn info(&self, i: usize) -> &[u8] {
        let (at, len) = self.infos[i];
        &self.buf[at as usize..(at + len) as usize]
    }
}

/// The known SNV at a position, or none (see [`KnownCursor::snv`]).
pub struct KnownSnv<'a> {
    pub known: bool,
    /// Its IDs (empty when there is none, or no such SNV).
    pub ids: &'a [u8],
    /// `ids` and the rest of the block after them (a chunk copy of `ids` may read past them).
    pub in_block: &'a [u8],
}

impl KnownSnv<'_> {
    const NONE: Self = Self { known: false, ids: &[], in_block: &[] };
}

/// A loaded block's parts, and where a lookup landed in it.
struct Block<'b> {
    buf: &'b [u8],
    keys: &'b [[u8; 8]],
    payloads: &'b [[u8; 4]],
    at: usize,
}

/// Reads known variants for a pass; keeps the block it is in.
#[derive(Default)]
pub struct KnownCursor {
    /// The loaded block's span.
    loaded: Option<Span>,
    /// The last span found to hold no known variant (between blocks).
    gap: Option<Span>,
    /// Where the last lookup in the loaded block landed.
    next: usize,
    /// Where the loaded block lies in the bundle's data file, and its record count.
    block: Range<usize>,
    records: usize,
    /// The INFO values of the record that matched, as ranges in the block.
    infos: Vec<(u32, u32)>,
}

/// Positions `first..=last` of a contig.
#[derive(Clone, Copy)]
struct Span {
    contig: u32,
    first: u32,
    last: u32,
}

impl KnownCursor {
    /// Calls `found` for every known record at (`contig`, `pos`) with these normalized alleles (bases,
    /// in either case).
    pub fn for_each_match(
        &mut self,
        bundle: &super::Bundle,
        contig: u32,
        pos: u32,
        reference: &[u8],
        alt: &[u8],
        mut found: impl FnMut(KnownMatch<'_>),
    ) -> io::Result<()> {
        let Some(Block { buf, keys, payloads, at: mut i }) = self.seek(bundle, contig, pos) else {
            return Ok(());
        };
        let key_at = |i: usize| u64::from_le_bytes(keys[i]);
        let next_position = (u64::from(pos) + 1) << 32;
        let n = bundle.known.info_fields;
        // An SNV's key is its whole lookup; other alleles compare their payloads.
        let snv = snv_key(pos, reference, alt);
        while i < keys.len() && key_at(i) < next_position {
            let at = u32::from_le_bytes(payloads[i]) as usize;
            let corrupt = |e: Corrupt| io::Error::other(e);
            let ids_at = match snv {
                Some(key) => (key_at(i) == key).then_some(at + 4),
                None => {
                    let mut r = Reader::at(buf, at);
                    (same_allele(r.bytes().map_err(corrupt)?, reference)
                        && same_allele(r.bytes().map_err(corrupt)?, alt))
                    .then_some(r.position())
                }
            };
            if let Some(ids_at) = ids_at {
                let mut r = Reader::at(buf, ids_at);
                let ids = r.bytes().map_err(corrupt)?;
                let ids_in_block = &buf[r.position() - ids.len()..];
                self.infos.clear();
                for _ in 0..n {
                    self.infos.push(r.bytes_range().map_err(corrupt)?);
                }
                found(KnownMatch { ids, ids_in_block, infos: &self.infos, buf });
            }
            i += 1;
        }
        Ok(())
    }

    /// The known SNV `reference>alt` at (`contig`, `pos`), for a bundle that carries no INFO values:
    /// whether there is one and its IDs, decided without a branch on the answer (about half of the
    /// records of a usual input are known, at random: a branch on it would be mispredicted for a
    /// quarter of all records). `None` when the position holds several known records, or an ID list
    /// longer than 127 bytes: [`KnownCursor::for_each_match`] handles those.
    #[inline(always)]
    pub fn snv<'b>(
        &mut self,
        bundle: &'b super::Bundle,
        contig: u32,
        pos: u32,
        reference: u8,
        alt: u8,
    ) -> Option<KnownSnv<'b>> {
        let Some(Block { buf, keys, payloads, at: i }) = self.seek(bundle, contig, pos) else {
            return Some(KnownSnv::NONE);
        };
        // The loaded block's span holds `pos`, so some key lies at or after it: `i` is in range.
        let key_at = |i: usize| keys.get(i).map_or(u64::MAX, |k| u64::from_le_bytes(*k));
        if key_at(i + 1) < (u64::from(pos) + 1) << 32 {
            return None;
        }
        let known = key_at(i) == key(pos, &[1, reference & 0xdf, 1, alt & 0xdf]);
        // An SNV's payload is `1 REF 1 ALT`, then its IDs' length and IDs. For another record the
        // bytes read are not IDs, and a length of 0 is taken instead. A length of two bytes or more
        // (or a byte of a long allele) is left to the general lookup, whether known or not: a
        // branch on `known` here would be mispredicted just the same.
        let ids_at = payloads.get(i).map_or(0, |at| u32::from_le_bytes(*at) as usize + 5).min(buf.len());
        let len = buf.get(ids_at.wrapping_sub(1)).copied().unwrap_or(0);
        if len >= 0x80 {
            return None;
        }
        let in_block = &buf[ids_at..];
        let ids_len = usize::from(len) * usize::from(known);
        Some(KnownSnv { known, ids: in_block.get(..ids_len)?, in_block })
    }

    /// The block that may hold records at (`contig`, `pos`), loaded, with where the records at or
    /// after `pos` start in it; `None` when there is none.
    #[inline(always)]
    fn seek<'b>(&mut self, bundle: &'b super::Bundle, contig: u32, pos: u32) -> Option<Block<'b>> {
        let within =
            |span: Option<Span>| span.is_some_and(|s| s.contig == contig && s.first <= pos && pos <= s.last);
        if !within(self.loaded) && (within(self.gap) || !self.load_block_of(&bundle.known, contig, pos)) {
            return None;
        }
        let buf = bundle.container.bytes(self.block.clone());
        let (keys, rest) = buf.split_at(8 * self.records);
        let (keys, payloads) = (keys.as_chunks::<8>().0, rest[..4 * self.records].as_chunks::<4>().0);
        let key_at = |i: usize| u64::from_le_bytes(keys[i]);
        let first = u64::from(pos) << 32;
        // A sorted input asks for positions in order: step on from the last answer (each record is
        // stepped over once per pass); an earlier position is searched for.
        let mut i = self.next.min(keys.len());
        if i > 0 && key_at(i - 1) >= first {
            i = keys.partition_point(|k| u64::from_le_bytes(*k) < first);
        } else {
            while i < keys.len() && key_at(i) < first {
                i += 1;
            }
        }
        self.next = i;
        Some(Block { buf, keys, payloads, at: i })
    }

    /// Loads the block of `contig` whose span holds `pos`; `false` when there is none.
    fn load_block_of(&mut self, index: &KnownIndex, contig: u32, pos: u32) -> bool {
        let blocks = &index.blocks[contig as usize];
        let b = blocks.partition_point(|m| m.last < pos);
        if b == blocks.len() || blocks[b].first > pos {
            // Between blocks (or on a contig without any): so are the records up to the next block.
            let first = if b == 0 { 0 } else { blocks[b - 1].last + 1 };
            let last = blocks.get(b).map_or(u32::MAX, |next| next.first - 1);
            self.gap = Some(Span { contig, first, last });
            return false;
        }
        let meta = &blocks[b];
        (self.block, self.records, self.next) = (meta.bytes.clone(), meta.records, 0);
        self.loaded = Some(Span { contig, first: meta.first, last: meta.last });
        true
    }
}

/// A record's key: its position in the high half, the first four bytes of its payload (big-endian)
/// in the low half. For a one-base REF and ALT those bytes are `1, REF, 1, ALT`: the whole alleles.
/// Keys sort as the records do (by position, then payload).
fn key(pos: u32, payload: &[u8]) -> u64 {
    let head = payload.first_chunk::<4>().map_or(0, |head| u32::from_be_bytes(*head));
    u64::from(pos) << 32 | u64::from(head)
}

/// The key a known SNV with these bases at `pos` has (stored upper-cased); `None` for longer
/// alleles. The alleles are bases, letters all: clearing bit 5 upper-cases them.
#[inline(always)]
fn snv_key(pos: u32, reference: &[u8], alt: &[u8]) -> Option<u64> {
    match (reference, alt) {
        ([r], [a]) => Some(key(pos, &[1, r & 0xdf, 1, a & 0xdf])),
        _ => None,
    }
}

/// Whether `known` (stored upper-cased) is the allele `query`, whatever the case of its bases.
#[inline(always)]
fn same_allele(known: &[u8], query: &[u8]) -> bool {
    match (known, query) {
        // Most alleles are one base: no loop.
        ([k], [q]) => *k == q.to_ascii_uppercase(),
        _ => known.len() == query.len() && known.iter().zip(query).all(|(k, q)| *k == q.to_ascii_uppercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::clean_ids;

    #[test]
    fn ids_are_stored_once_each_without_dots_or_empty_ones() {
        let cases: [(&[u8], &[u8]); 5] = [
            (b"rs1", b"rs1"),
            (b".", b""),
            (b"rs1;.;rs1;rs2", b"rs1;rs2"),
            (b";rs3;;", b"rs3"),
            (b"b;a;b", b"b;a"),
        ];
        for (column, stored) in cases {
            assert_eq!(clean_ids(column), stored, "{}", String::from_utf8_lossy(column));
        }
    }
}
