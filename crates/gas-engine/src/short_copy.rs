//! Copying the short pieces an output record is made of. A `memcpy` call per piece (a record has
//! several: its columns, IDs, GENE/REGION and BCSQ entries) cost more than the copying itself; a piece
//! of up to [`CHUNK`] bytes is instead copied as one fixed-size chunk of its source (a few vector
//! moves), and the bytes past the piece are cut off again. That needs the source to go on for a
//! chunk: the input buffer after a line, a known block after an ID, or the padding of [`Padded`].

/// The bytes one chunk copy moves.
const CHUNK: usize = 64;

/// Appends `source[..len]` to `out`, as one chunk when `len` and `source` allow (see the module).
#[inline(always)]
pub fn append(out: &mut Vec<u8>, source: &[u8], len: usize) {
    match source.first_chunk::<CHUNK>() {
        Some(chunk) if len <= CHUNK => {
            let end = out.len() + len;
            out.extend_from_slice(chunk);
            out.truncate(end);
        }
        _ => out.extend_from_slice(&source[..len]),
    }
}

/// Bytes written rarely and copied often (a stretch's entries), kept with a chunk of padding after
/// them so that [`append`] copies them as one chunk.
#[derive(Debug, Clone)]
pub struct Padded {
    /// The bytes, then `CHUNK` zeros.
    bytes: Vec<u8>,
}

impl Default for Padded {
    fn default() -> Self {
        Self { bytes: vec![0; CHUNK] }
    }
}

impl Padded {
    #[cfg(test)]
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.bytes.len() - CHUNK]
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.len() == CHUNK
    }

    pub fn clear(&mut self) {
        self.rewrite(|_| {});
    }

    /// Replaces the bytes with what `write` writes into an empty vector.
    pub fn rewrite(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        self.bytes.clear();
        write(&mut self.bytes);
        self.bytes.resize(self.bytes.len() + CHUNK, 0);
    }

    /// Appends the bytes (without the padding) to `out`.
    #[inline(always)]
    pub fn append_to(&self, out: &mut Vec<u8>) {
        append(out, &self.bytes, self.bytes.len() - CHUNK);
    }
}

#[cfg(test)]
mod tests {
    use super::{CHUNK, Padded, append};

    #[test]
    fn appends_exactly_the_piece_however_long_and_wherever_it_lies() {
        let source: Vec<u8> = (0..200u8).collect();
        for start in [0, 10, 100, 136, 137, 190, 200] {
            for len in [0, 1, 7, 33, CHUNK - 1, CHUNK, CHUNK + 1, 100] {
                if start + len > source.len() {
                    continue;
                }
                let mut out = b"head:".to_vec();
                append(&mut out, &source[start..], len);
                assert_eq!(out[..5], *b"head:");
                assert_eq!(out[5..], source[start..start + len], "start {start}, len {len}");
            }
        }
    }

    #[test]
    fn padded_bytes_read_and_copy_without_their_padding() {
        let mut padded = Padded::default();
        assert!(padded.is_empty());
        padded.rewrite(|b| b.extend_from_slice(b"GENE=A;REGION=exon"));
        assert_eq!(padded.as_slice(), b"GENE=A;REGION=exon");
        let mut out = b"DP=3;".to_vec();
        padded.append_to(&mut out);
        assert_eq!(out, b"DP=3;GENE=A;REGION=exon");
        padded.clear();
        assert!(padded.is_empty());
        padded.append_to(&mut out);
        assert_eq!(out, b"DP=3;GENE=A;REGION=exon");
    }
}
