//! The text encodings of logs people really have: UTF-8 (a byte-order mark skipped), UTF-16 by
//! its byte-order mark (PowerShell's `Out-File` default), and any line that is not UTF-8 read as
//! Windows-1252 (older Windows tools; a superset of Latin-1). Windows-1252 is one 32-entry table
//! here rather than `encoding_rs`, whose decoder dispatch would bring every encoding's tables
//! into the page's module.

use std::borrow::Cow;

pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether `bytes` start with a UTF-16 byte-order mark (little- or big-endian).
pub fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF")
}

/// The text of UTF-16 `bytes` (starting with their byte-order mark), or the byte offset of the
/// first unit that is not UTF-16 (an unpaired surrogate, or an odd last byte).
pub fn utf16(bytes: &[u8]) -> Result<String, usize> {
    let little = bytes.starts_with(b"\xFF\xFE");
    let body = &bytes[2..];
    let units = body.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut at = 2;
    for c in char::decode_utf16(units) {
        let c = c.map_err(|_| at)?;
        at += 2 * c.len_utf16();
        text.push(c);
    }
    if body.len() % 2 == 1 {
        return Err(bytes.len() - 1);
    }
    Ok(text)
}

/// `bytes` as text: each line (split at `\n` and `\r`, which no UTF-8 sequence contains) that
/// is not UTF-8 is read as Windows-1252. The flag says whether any line was.
pub fn lines(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), false);
    }
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    for line in bytes.split_inclusive(|&b| b == b'\n' || b == b'\r') {
        match std::str::from_utf8(line) {
            Ok(text) => out.push_str(text),
            Err(_) => out.extend(line.iter().map(|&b| windows_1252(b))),
        }
    }
    (Cow::Owned(out), true)
}

/// The warning for a file with lines read as Windows-1252.
pub fn legacy_warning(file: &str) -> String {
    format!("{file}: some lines are not UTF-8: read them as Windows-1252 (Latin-1), the usual encoding of older Windows tools")
}

/// One Windows-1252 byte as a character (the five unassigned bytes keep their C1 code points,
/// as browsers decode them).
fn windows_1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    match b {
        0x80..=0x9F => char::from_u32(u32::from(HIGH[usize::from(b - 0x80)])).unwrap_or('\u{FFFD}'),
        _ => char::from(b),
    }
}
