//! Bytes on the wire: little-endian numbers, LEB128 varints and length-prefixed UTF-8, read with
//! every length checked against what is left.

use super::LinkError;

/// Appends values to a growing payload.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }

    pub fn len(&mut self, n: usize) {
        self.varint(n as u64);
    }

    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }
}

/// Reads a payload front to back; every read names what it expected when the bytes run out.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn damaged(&self, expected: &str) -> LinkError {
        LinkError::Damaged {
            offset: self.pos,
            expected: expected.to_string(),
        }
    }

    pub fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], LinkError> {
        if n > self.remaining() {
            return Err(LinkError::Truncated {
                expected: format!("{n} bytes of {what} at byte {}", self.pos),
            });
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub fn u8(&mut self, what: &str) -> Result<u8, LinkError> {
        Ok(self.take(1, what)?[0])
    }

    pub fn u64(&mut self, what: &str) -> Result<u64, LinkError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8, what)?);
        Ok(u64::from_le_bytes(b))
    }

    pub fn varint(&mut self, what: &str) -> Result<u64, LinkError> {
        let start = self.pos;
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8(what)?;
            if shift == 63 && b > 1 {
                self.pos = start;
                return Err(self.damaged(&format!("{what} (a number that fits in 64 bits)")));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        self.pos = start;
        Err(self.damaged(&format!("{what} (a number of at most 10 bytes)")))
    }

    /// A count of items that each take at least `min_bytes` of what is left.
    pub fn count(&mut self, min_bytes: usize, what: &str) -> Result<usize, LinkError> {
        let start = self.pos;
        let n = self.varint(what)?;
        let fits = usize::try_from(n)
            .ok()
            .filter(|&n| n.saturating_mul(min_bytes.max(1)) <= self.remaining());
        fits.ok_or_else(|| {
            self.pos = start;
            self.damaged(&format!(
                "{what} no larger than the {} bytes left allow (found {n})",
                self.remaining()
            ))
        })
    }

    pub fn str(&mut self, what: &str) -> Result<String, LinkError> {
        let n = self.count(1, &format!("the length of {what}"))?;
        let start = self.pos;
        let bytes = self.take(n, what)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| {
            self.pos = start;
            self.damaged(&format!("{what} as UTF-8 text"))
        })
    }
}
