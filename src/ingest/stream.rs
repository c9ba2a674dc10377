//! [`read`](super::read) a piece at a time, for logs too large to hold twice: the page's worker
//! pushes a file's chunks as they arrive. Delimited dialects are parsed line by line, keeping only
//! the numbers and the unfinished last line; the JSON dialects are buffered and read whole.
//!
//! The result, warnings and errors are the same as `read` on the whole bytes: an encoding problem
//! anywhere outranks a parse error, as it does there, so a parse error is held until the file ends.

use super::detect::HEAD;
use super::encoding;
use super::table::{self, Builder};
use super::{dialect_of, finish, from_table, is_delimited, join, read_file, Dialect, Input};
use crate::error::Error;
use crate::model::Drop;

/// Bytes collected before complete lines are parsed: small chunks are parsed together.
const PIECE: usize = 16 << 10;
/// Bytes past which no complete line found means a quote that never closes (or lines that long):
/// the rest of the file is then collected and parsed at its end, so nothing is scanned twice.
const STUCK: usize = 256 << 10;

/// A drop read file by file, chunk by chunk: `begin`, `push`…, `end` per file, then `finish`.
#[derive(Default)]
pub struct Stream {
    drop: Drop,
    files: usize,
    current: Option<File>,
}

/// The file being read.
struct File {
    name: String,
    size: usize,
    /// The head until the dialect is known, then the unfinished last line (or, for JSON, everything).
    pending: Vec<u8>,
    /// `pending`'s length when a look for complete lines last found too few: the next look waits
    /// until it has doubled, so that tiny chunks do not rescan the same bytes (linear, not quadratic).
    tried: usize,
    phase: Phase,
}

enum Phase {
    /// Collecting the first bytes: enough for `detect` and the delimiter sniffing.
    Head,
    /// A JSON dialect, UTF-16 text, or a head with no five complete lines in [`STUCK`] bytes: the file is read
    /// whole at the end.
    Whole,
    Lines(Box<Lines>),
}

/// A delimited file being parsed line by line.
struct Lines {
    dialect: Dialect,
    builder: Builder,
    /// Text bytes (after any byte-order mark) already handed on: offsets in errors count from there.
    passed: usize,
    /// The first NUL byte, which makes the file binary whatever else is wrong with it.
    nul: Option<usize>,
    /// Whether a line was read as Windows-1252 (not UTF-8), and where in the drop's warnings
    /// the warning about it goes (where reading the whole file would have put it).
    legacy: bool,
    warnings_at: usize,
    /// The first parse error, reported when no encoding problem turns up later.
    failed: Option<Error>,
    /// No line end was found in [`STUCK`] bytes: the rest is parsed at the end of the file.
    stuck: bool,
}

impl Stream {
    pub fn new() -> Stream {
        Stream::default()
    }

    /// Starts the next file of the drop; `size` (its length in bytes) sizes the first allocation.
    pub fn begin(&mut self, name: &str, size: usize) {
        self.current = Some(File {
            name: name.to_string(),
            size,
            pending: Vec::new(),
            tried: 0,
            phase: Phase::Head,
        });
    }

    /// The next chunk of the current file (ignored when no file was begun). Fails early only
    /// when the first bytes show the file is not a log.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let Some(file) = &mut self.current else {
            return Ok(());
        };
        file.pending.extend_from_slice(chunk);
        match &mut file.phase {
            Phase::Whole => Ok(()),
            Phase::Head if file.pending.len() >= HEAD.max(2 * file.tried) => {
                file.start(&mut self.drop.warnings)
            }
            Phase::Head => Ok(()),
            Phase::Lines(lines)
                if lines.stuck || file.pending.len() < PIECE.max(2 * file.tried) =>
            {
                Ok(())
            }
            Phase::Lines(lines) => {
                let cut = table::complete(&file.pending, lines.builder.line_end());
                lines.take(&file.pending[..cut], &mut self.drop.warnings);
                file.pending.drain(..cut);
                file.tried = if cut == 0 { file.pending.len() } else { 0 };
                lines.stuck = file.pending.len() > STUCK;
                Ok(())
            }
        }
    }

    /// Data rows of the current file parsed so far (0 while its head or a JSON file is collected).
    pub fn rows(&self) -> usize {
        match self.current.as_ref().map(|f| &f.phase) {
            Some(Phase::Lines(lines)) => lines.builder.rows(),
            _ => 0,
        }
    }

    /// Ends the current file: its runs join the drop, or its error is returned.
    pub fn end(&mut self) -> Result<(), Error> {
        let Some(file) = self.current.take() else {
            return Ok(());
        };
        self.files += 1;
        let warnings = &mut self.drop.warnings;
        let runs = match file.phase {
            Phase::Head | Phase::Whole => read_file(
                &Input {
                    name: &file.name,
                    bytes: &file.pending,
                },
                warnings,
            )?,
            Phase::Lines(mut lines) => {
                let cut = table::complete(&file.pending, lines.builder.line_end());
                lines.take(&file.pending[..cut], warnings);
                lines.take_last(&file.pending[cut..], warnings);
                if let Some(offset) = lines.nul {
                    return Err(Error::Binary {
                        file: file.name,
                        offset,
                    });
                }
                if let Some(e) = lines.failed {
                    return Err(e);
                }
                if lines.legacy {
                    warnings.insert(lines.warnings_at, encoding::legacy_warning(&file.name));
                }
                let table = lines.builder.finish(warnings)?;
                from_table(&file.name, lines.dialect, table, warnings)?
            }
        };
        join(&mut self.drop.runs, runs);
        Ok(())
    }

    /// The drop, once every file has ended.
    pub fn finish(mut self) -> Result<Drop, Error> {
        self.end()?;
        if self.files == 0 {
            return Err(Error::NoFiles);
        }
        Ok(finish(self.drop))
    }
}

/// Whether complete lines hold the five non-empty ones the delimiter is sniffed from, so that
/// sniffing them agrees with sniffing the whole file.
fn enough_lines(complete: &[u8]) -> bool {
    complete
        .split(|&b| b == b'\r' || b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .nth(4)
        .is_some()
}

fn line_end(text: &[u8]) -> u8 {
    if memchr::memchr(b'\n', text).is_some() {
        b'\n'
    } else {
        b'\r'
    }
}

impl File {
    /// Picks the dialect from the head (at least [`HEAD`] bytes); a delimited file starts
    /// parsing once it has five complete lines.
    fn start(&mut self, warnings: &mut Vec<String>) -> Result<(), Error> {
        if encoding::is_utf16(&self.pending) {
            self.phase = Phase::Whole;
            return Ok(());
        }
        let dialect = dialect_of(&self.name, &self.pending)?;
        if !is_delimited(dialect) {
            self.phase = Phase::Whole;
            return Ok(());
        }
        let skip = if self.pending.starts_with(encoding::UTF8_BOM) {
            encoding::UTF8_BOM.len()
        } else {
            0
        };
        let text = &self.pending[skip..];
        let cut = table::complete(text, line_end(text));
        if !enough_lines(&text[..cut]) {
            self.tried = self.pending.len();
            if self.pending.len() > STUCK {
                self.phase = Phase::Whole;
            }
            return Ok(());
        }
        let (head, _) = encoding::lines(&text[..cut]);
        let mut lines = Box::new(Lines {
            dialect,
            builder: Builder::new(&self.name, &head, self.size),
            passed: 0,
            nul: None,
            legacy: false,
            warnings_at: warnings.len(),
            failed: None,
            stuck: false,
        });
        lines.take(&text[..cut], warnings);
        self.pending.drain(..skip + cut);
        self.tried = 0;
        self.phase = Phase::Lines(lines);
        Ok(())
    }
}

impl Lines {
    /// Checks and parses the next complete lines.
    fn take(&mut self, piece: &[u8], warnings: &mut Vec<String>) {
        if let Some(text) = self.text(piece) {
            if let Err(e) = self.builder.feed(&text, warnings) {
                self.failed = Some(e);
            }
        }
    }

    /// Checks and parses the file's unfinished last line (see [`Builder::feed_last`]).
    fn take_last(&mut self, piece: &[u8], warnings: &mut Vec<String>) {
        if let Some(text) = self.text(piece) {
            if let Err(e) = self.builder.feed_last(&text, warnings) {
                self.failed = Some(e);
            }
        }
    }

    /// The text of the next piece, or `None` once the file is known binary or failed.
    fn text<'a>(&mut self, piece: &'a [u8]) -> Option<std::borrow::Cow<'a, str>> {
        let at = self.passed;
        self.passed += piece.len();
        if self.nul.is_none() {
            self.nul = memchr::memchr(0, piece).map(|i| at + i);
        }
        if self.nul.is_some() || self.failed.is_some() {
            return None;
        }
        let (text, legacy) = encoding::lines(piece);
        self.legacy |= legacy;
        Some(text)
    }
}
