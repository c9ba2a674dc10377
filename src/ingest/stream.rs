//! [`read`](super::read) a piece at a time, for logs too large to hold twice: the page's worker
//! pushes a file's chunks as they arrive. Delimited dialects are parsed line by line, keeping only
//! the numbers and the unfinished last line; TensorBoard event files record by record, keeping
//! only the scalars and the unfinished last record; the JSON dialects are buffered and read whole.
//!
//! The result, warnings and errors are the same as `read` on the whole bytes: an encoding problem
//! anywhere outranks a parse error, as it does there, so a parse error is held until the file ends.

use super::detect::HEAD;
use super::dialect::{ReadTable, Reader};
use super::encoding;
use super::events::Decoder;
use super::table::{self, Builder};
use super::{dialect_of, finish, is_side_file, read_file, Gather, Input, Piece};
use crate::error::Error;
use crate::model::Dropped;

/// Bytes collected before complete lines are parsed: small chunks are parsed together.
const PIECE: usize = 16 << 10;
/// Bytes past which no complete line found means a quote that never closes (or lines that long):
/// the rest of the file is then collected and parsed at its end, so nothing is scanned twice.
const STUCK: usize = 256 << 10;

/// A drop read file by file, chunk by chunk: `begin`, `push`…, `end` per file, then `finish`.
#[derive(Default)]
pub struct Stream {
    gather: Gather,
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
    /// A TensorBoard event file, decoded record by record; the first damaged record stops it.
    Events(Box<Decoder>, Option<Error>),
}

/// A delimited file being parsed line by line.
struct Lines {
    /// The dialect's reader of the table, once every line is in.
    read: ReadTable,
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

    /// A drop of folders (see [`read_folder`](super::read_folder)): files are named by their path
    /// under the folder picked, runs are put together by folder, files that are not logs skipped.
    pub fn folder() -> Stream {
        Stream {
            gather: Gather::new(true),
            ..Stream::default()
        }
    }

    /// Starts the next file of the drop; `size` (its length in bytes) sizes the first allocation.
    pub fn begin(&mut self, name: &str, size: usize) {
        self.current = Some(File {
            name: name.to_string(),
            size,
            pending: Vec::new(),
            tried: 0,
            phase: if is_side_file(name) {
                Phase::Whole
            } else {
                Phase::Head
            },
        });
    }

    /// The next chunk of the current file (ignored when no file was begun). Fails early only
    /// when the first bytes show the file is not a log (in a folder drop, the file is then skipped).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let Some(file) = &mut self.current else {
            return Ok(());
        };
        if let Phase::Events(decoder, failed) = &mut file.phase {
            if failed.is_none() {
                *failed = decoder.push(chunk).err();
            }
            return Ok(());
        }
        file.pending.extend_from_slice(chunk);
        match &mut file.phase {
            Phase::Whole | Phase::Events(..) => Ok(()),
            Phase::Head if file.pending.len() >= HEAD.max(2 * file.tried) => {
                match file.start(&mut self.gather.warnings) {
                    Err(e) if self.gather.folder => {
                        let name = file.name.clone();
                        self.current = None;
                        self.files += 1;
                        self.gather.add(&name, Err(e))
                    }
                    other => other,
                }
            }
            Phase::Head => Ok(()),
            Phase::Lines(lines)
                if lines.stuck || file.pending.len() < PIECE.max(2 * file.tried) =>
            {
                Ok(())
            }
            Phase::Lines(lines) => {
                let cut = lines.builder.complete(&file.pending);
                lines.take(&file.pending[..cut], &mut self.gather.warnings);
                file.pending.drain(..cut);
                file.tried = if cut == 0 { file.pending.len() } else { 0 };
                lines.stuck = file.pending.len() > STUCK;
                Ok(())
            }
        }
    }

    /// Whether a file is begun and its further chunks still matter: not once a folder's file
    /// showed it is no log, nor once an event file hit a damaged record (nothing after it is read;
    /// what came before it is kept when it held scalars).
    pub fn reading(&self) -> bool {
        self.current.as_ref().is_some_and(|f| match &f.phase {
            Phase::Events(decoder, failed) => failed.is_none() && !decoder.stopped(),
            _ => true,
        })
    }

    /// Data rows (event file: scalar points) of the current file parsed so far (0 while its head
    /// or a JSON file is collected).
    pub fn rows(&self) -> usize {
        match self.current.as_ref().map(|f| &f.phase) {
            Some(Phase::Lines(lines)) => lines.builder.rows(),
            Some(Phase::Events(decoder, _)) => decoder.points(),
            _ => 0,
        }
    }

    /// The drop as read so far, the current file included up to its last complete line (its
    /// unfinished last line waits for more bytes) or record: a followed file seen between two
    /// appends. The complete lines not yet parsed are parsed now; none is parsed twice. Only a head
    /// (under [`HEAD`] bytes, or without five complete lines) or a JSON file is read again whole.
    pub fn snapshot(&mut self) -> Result<Dropped, Error> {
        if let Some(file) = &mut self.current {
            // Warnings about these lines are kept, as those of lines parsed on `push` are.
            file.catch_up(&mut self.gather.warnings);
        }
        if self.files == 0 && self.current.is_none() {
            return Err(Error::NoFiles);
        }
        let mut gather = self.gather.clone();
        if let Some(file) = &self.current {
            let piece = file.snapshot(&mut gather.warnings);
            gather.add(&file.name, piece)?;
        }
        Ok(finish(gather.finish()?))
    }

    /// Whether the current file is read whole at every [`snapshot`](Stream::snapshot) (a JSON
    /// dialect, rewritten rather than appended to).
    pub fn whole(&self) -> bool {
        match self.current.as_ref() {
            Some(File {
                phase: Phase::Whole,
                ..
            }) => true,
            // A JSON log still under the head's size.
            Some(File {
                phase: Phase::Head,
                name,
                pending,
                ..
            }) => !pending.is_empty() && dialect_of(name, pending).is_ok_and(|r| !r.is_table()),
            _ => false,
        }
    }

    /// Ends the current file: what it gave is kept for the drop, or its error is returned (in a
    /// folder drop, the file is counted as skipped).
    pub fn end(&mut self) -> Result<(), Error> {
        let Some(file) = self.current.take() else {
            return Ok(());
        };
        self.files += 1;
        let name = file.name.clone();
        let piece = file.read(&mut self.gather.warnings);
        self.gather.add(&name, piece)
    }

    /// The drop, once every file has ended.
    pub fn finish(mut self) -> Result<Dropped, Error> {
        self.end()?;
        if self.files == 0 {
            return Err(Error::NoFiles);
        }
        Ok(finish(self.gather.finish()?))
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

impl File {
    /// What the whole file gives, once its last chunk is in.
    fn read(self, warnings: &mut Vec<String>) -> Result<Piece, Error> {
        match self.phase {
            Phase::Head | Phase::Whole => read_file(
                &Input {
                    name: &self.name,
                    bytes: &self.pending,
                },
                warnings,
            ),
            Phase::Events(_, Some(e)) => Err(e),
            Phase::Events(decoder, None) => Ok(Piece::Events(decoder.finish(warnings))),
            Phase::Lines(mut lines) => {
                let cut = lines.builder.complete(&self.pending);
                lines.take(&self.pending[..cut], warnings);
                lines.take_last(&self.pending[cut..], warnings);
                if let Some(offset) = lines.nul {
                    return Err(Error::Binary {
                        file: self.name,
                        offset,
                    });
                }
                if let Some(e) = lines.failed {
                    return Err(e);
                }
                if lines.legacy {
                    warnings.insert(
                        lines.warnings_at.min(warnings.len()),
                        encoding::legacy_warning(&self.name),
                    );
                }
                let table = lines.builder.finish(warnings)?;
                Ok(Piece::Runs((lines.read)(&self.name, table, warnings)?))
            }
        }
    }

    /// Picks the dialect from the head (at least [`HEAD`] bytes); a delimited file starts
    /// parsing once it has five complete lines, an event file decoding at once.
    fn start(&mut self, warnings: &mut Vec<String>) -> Result<(), Error> {
        if encoding::is_utf16(&self.pending) {
            self.phase = Phase::Whole;
            return Ok(());
        }
        let read = match dialect_of(&self.name, &self.pending)?.read {
            Reader::Records => {
                let mut decoder = Box::new(Decoder::new(&self.name));
                let failed = decoder.push(&self.pending).err();
                self.pending = Vec::new();
                self.phase = Phase::Events(decoder, failed);
                return Ok(());
            }
            Reader::Whole(_) => {
                self.phase = Phase::Whole;
                return Ok(());
            }
            Reader::Table(read) => read,
        };
        let skip = if self.pending.starts_with(encoding::UTF8_BOM) {
            encoding::UTF8_BOM.len()
        } else {
            0
        };
        let text = &self.pending[skip..];
        let cut = table::complete(text, table::line_end(text));
        if !enough_lines(&text[..cut]) {
            self.tried = self.pending.len();
            if self.pending.len() > STUCK {
                self.phase = Phase::Whole;
            }
            return Ok(());
        }
        let (head, _) = encoding::lines(&text[..cut]);
        let builder = Builder::new(&self.name, &head, self.size);
        // Cut again now that the delimiter is known: a quote after another candidate is text.
        let cut = builder.complete(text);
        let mut lines = Box::new(Lines {
            read,
            builder,
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

impl File {
    /// Parses the complete lines not parsed yet (see [`Stream::snapshot`]).
    fn catch_up(&mut self, warnings: &mut Vec<String>) {
        if let Phase::Lines(lines) = &mut self.phase {
            if !lines.stuck {
                let cut = lines.builder.complete(&self.pending);
                lines.take(&self.pending[..cut], warnings);
                self.pending.drain(..cut);
            }
        }
    }

    /// What the complete lines (or records) read so far give, once [`File::catch_up`] parsed
    /// them (see [`Stream::snapshot`]).
    fn snapshot(&self, warnings: &mut Vec<String>) -> Result<Piece, Error> {
        let lines = match &self.phase {
            Phase::Lines(lines) => lines,
            Phase::Events(_, Some(e)) => return Err(e.clone()),
            Phase::Events(decoder, None) => {
                // A damaged record stops a followed event file too: said at every look.
                warnings.extend(decoder.damage_warning());
                return Ok(Piece::Events(decoder.scalars().clone()));
            }
            Phase::Head | Phase::Whole => {
                let whole = matches!(self.phase, Phase::Whole)
                    || !dialect_of(&self.name, &self.pending)?.is_table();
                let cut = if whole {
                    self.pending.len()
                } else {
                    table::complete(&self.pending, table::line_end(&self.pending))
                };
                return read_file(
                    &Input {
                        name: &self.name,
                        bytes: &self.pending[..cut],
                    },
                    warnings,
                );
            }
        };
        if let Some(offset) = lines.nul {
            return Err(Error::Binary {
                file: self.name.clone(),
                offset,
            });
        }
        if let Some(e) = &lines.failed {
            return Err(e.clone());
        }
        if lines.legacy {
            warnings.insert(
                lines.warnings_at.min(warnings.len()),
                encoding::legacy_warning(&self.name),
            );
        }
        let table = lines.builder.clone().finish(warnings)?;
        Ok(Piece::Runs((lines.read)(&self.name, table, warnings)?))
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
