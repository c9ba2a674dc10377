//! Bytes in, runs out. No file I/O here: callers hand over each file's name and bytes.

mod table;

use crate::error::Error;
use crate::model::Drop;

/// One dropped file.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Reads every file of one drop into runs.
pub fn read(inputs: &[Input<'_>]) -> Result<Drop, Error> {
    if inputs.is_empty() {
        return Err(Error::NoFiles);
    }
    let mut drop = Drop::default();
    for input in inputs {
        let text = text_of(input)?;
        let run = table::read(input.name, text, &mut drop.warnings)?;
        drop.runs.push(run);
    }
    Ok(drop)
}

/// The file's text, or why it is not a text log.
fn text_of<'a>(input: &Input<'a>) -> Result<&'a str, Error> {
    let bytes = input
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(input.bytes);
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::Binary {
            file: input.name.to_string(),
            offset,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Binary {
        file: input.name.to_string(),
        offset: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(Error::Empty {
            file: input.name.to_string(),
        });
    }
    Ok(text)
}
