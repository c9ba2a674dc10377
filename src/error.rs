//! Input errors: every message says which file, where in it, and what was expected.

use std::borrow::Cow;
use std::fmt;

/// Why a drop of files could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The file has no bytes (or only whitespace).
    Empty { file: String },
    /// The bytes are not text (a NUL byte or invalid UTF-8 was found).
    Binary { file: String, offset: usize },
    /// Delimited text that could not be split into fields.
    Csv {
        file: String,
        line: u64,
        message: String,
    },
    /// A cell in a numeric column holds something else.
    Cell {
        file: String,
        line: u64,
        column: usize,
        name: String,
        found: String,
    },
    /// JSON that is malformed (`at` is "line L, column C") or lacks what a log needs (`at` is a path).
    Json {
        file: String,
        at: String,
        message: String,
    },
    /// Bytes recognised as something other than a log, such as an image or an archive.
    NotALog { file: String, what: &'static str },
    /// A header was read but no column holds numbers.
    NoNumericColumn { file: String, columns: Vec<String> },
    /// Too few data rows to draw a curve.
    TooFewRows { file: String, rows: usize },
    /// A TensorBoard event file record whose checksum or protobuf does not check out
    /// (`record` counts from 1, `offset` is the record's first byte).
    Record {
        file: String,
        record: usize,
        offset: usize,
        what: &'static str,
    },
    /// A drop in which no file gave a curve: how many files were skipped, and why the first was.
    NoLog { skipped: usize, first: String },
    /// No file was given at all.
    NoFiles,
}

/// At most this many column names are listed in a message (a header can have thousands)...
const LISTED_COLUMNS: usize = 10;
/// ... each cut to this many characters (a header cell can be megabytes long).
const LISTED_NAME_CHARS: usize = 80;

impl fmt::Display for Error {
    /// One line: text that came from a file (names, cells, file names) has its hidden characters
    /// written as escapes (see [`escaped`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escaped(&Sentence(self).to_string()))
    }
}

/// `text` with every character that does not show as itself written as an escape (`\n`,
/// `\u{202e}`): control characters, so that a quoted header cell holding a line break cannot
/// split a sentence, and format characters and other invisibles (bidi overrides and isolates such
/// as U+202E, which would reorder the rest of the sentence on screen, zero-width spaces and
/// joiners, U+200E/U+200F, U+061C, a byte-order mark), so that a name cannot hide or disguise
/// what follows it. Every sentence naming something from a file or a link goes through here.
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if hidden(c) {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Whether `c` does not show as itself: a control character, or one `str::escape_debug` escapes
/// after a letter — what the standard library's Unicode tables call not printable (format
/// characters, separators other than the space, unassigned code points). After a letter, combining
/// marks (an accent of a decomposed `é`) are not escaped: they show, on the letter before them.
fn hidden(c: char) -> bool {
    if c.is_control() {
        return true;
    }
    if matches!(c, '"' | '\'' | '\\') {
        return false;
    }
    let mut pair = [0u8; 5];
    pair[0] = b'a';
    let n = c.encode_utf8(&mut pair[1..]).len();
    std::str::from_utf8(&pair[..=n]).is_ok_and(|s| s.escape_debug().nth(1) == Some('\\'))
}

/// The message as written, before hidden characters are escaped.
struct Sentence<'a>(&'a Error);

impl fmt::Display for Sentence<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Error::Empty { file } => write!(f, "{file} is empty: expected a training log."),
            Error::Binary { file, offset } => write!(
                f,
                "{file} is not a text log (binary data at byte {offset}): expected a CSV or JSON training log."
            ),
            Error::Csv { file, line, message } => write!(f, "{file} line {line}: {message}."),
            Error::Cell {
                file,
                line,
                column,
                name,
                found,
            } => write!(
                f,
                "{file} line {line}, column {column} (`{name}`): expected a number, found `{found}`."
            ),
            Error::Json { file, at, message } => write!(f, "{file} {at}: {message}."),
            Error::NotALog { file, what } => write!(
                f,
                "{file} is {what}, not a training log: expected a CSV or JSON log."
            ),
            Error::NoNumericColumn { file, columns } => {
                let mut listed = columns[..columns.len().min(LISTED_COLUMNS)]
                    .iter()
                    .map(|name| match name.char_indices().nth(LISTED_NAME_CHARS) {
                        Some((cut, _)) => format!("{}…", &name[..cut]),
                        None => name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                if columns.len() > LISTED_COLUMNS {
                    listed.push_str(&format!(" and {} more", columns.len() - LISTED_COLUMNS));
                }
                write!(
                    f,
                    "{file} has no numeric column (columns: {listed}): expected numbers such as loss per epoch."
                )
            }
            Error::TooFewRows { file, rows } => write!(
                f,
                "{file} has {rows} data rows: expected at least one row of numbers."
            ),
            Error::Record {
                file,
                record,
                offset,
                what,
            } => write!(
                f,
                "{file} record {record} (byte {offset}): the {what}: the event file is damaged from there on."
            ),
            Error::NoLog { skipped: 0, first } => write!(f, "no training curve found: {first}."),
            Error::NoLog { skipped, first } => write!(
                f,
                "no training curve found: {skipped} file{} skipped (first: {first}).",
                if *skipped == 1 { "" } else { "s" }
            ),
            Error::NoFiles => write!(f, "no file given: expected at least one training log."),
        }
    }
}

impl std::error::Error for Error {}
