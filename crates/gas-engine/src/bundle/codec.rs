//! The bundle's byte encoding: LEB128 varints and length-prefixed byte strings.

#[derive(Debug, thiserror::Error)]
#[error("the annotation bundle is corrupt ({0}); rebuild it")]
pub struct Corrupt(pub &'static str);

pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Reads what [`put_varint`] and [`put_bytes`] wrote.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Reads `buf` from offset `pos`.
    pub fn at(buf: &'a [u8], pos: usize) -> Self {
        Self { buf, pos }
    }

    /// The offset of what comes next.
    pub fn position(&self) -> usize {
        self.pos
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    // Inlined whole: a known record is several numbers (lengths), most of them one byte.
    #[inline(always)]
    pub fn varint(&mut self) -> Result<u64, Corrupt> {
        // Most numbers in a bundle (deltas, lengths) fit one byte.
        if let Some(&byte) = self.buf.get(self.pos)
            && byte < 0x80
        {
            self.pos += 1;
            return Ok(u64::from(byte));
        }
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let byte = *self.buf.get(self.pos).ok_or(Corrupt("truncated number"))?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
            shift += 7;
            if shift > 63 {
                return Err(Corrupt("number too long"));
            }
        }
    }

    pub fn u8(&mut self) -> Result<u8, Corrupt> {
        let byte = *self.buf.get(self.pos).ok_or(Corrupt("truncated byte"))?;
        self.pos += 1;
        Ok(byte)
    }

    #[inline(always)]
    pub fn u32(&mut self) -> Result<u32, Corrupt> {
        u32::try_from(self.varint()?).map_err(|_| Corrupt("number out of range"))
    }

    /// A length-prefixed byte string, as the range it occupies in the buffer.
    #[inline(always)]
    pub fn bytes_range(&mut self) -> Result<(u32, u32), Corrupt> {
        let len = self.varint()? as usize;
        let start = self.pos;
        if start.checked_add(len).is_none_or(|end| end > self.buf.len()) {
            return Err(Corrupt("truncated bytes"));
        }
        self.pos += len;
        Ok((start as u32, len as u32))
    }

    #[inline(always)]
    pub fn bytes(&mut self) -> Result<&'a [u8], Corrupt> {
        let (start, len) = self.bytes_range()?;
        Ok(&self.buf[start as usize..(start + len) as usize])
    }

    pub fn string(&mut self) -> Result<String, Corrupt> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| Corrupt("text is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut out = Vec::new();
        for v in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            put_varint(&mut out, v);
        }
        put_bytes(&mut out, b"rs123");
        let mut r = Reader::new(&out);
        for v in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(r.varint().unwrap(), v);
        }
        assert_eq!(r.bytes().unwrap(), b"rs123");
        assert!(r.is_empty());
        assert!(r.varint().is_err());
    }
}
