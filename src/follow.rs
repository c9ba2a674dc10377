//! A log followed while training writes it: each read hands over only the bytes appended since
//! the last one, which the [`Stream`] parses where it stopped (an unfinished last line waits).
//! A file that shrank or whose last bytes read changed was replaced: it is read again from the
//! start. The page (a file handle or a URL) and `plateau watch` share this type; they only fetch
//! bytes.
//!
//! The caller asks [`Follow::resume_at`] where to start reading, reads from there to the end of
//! the file (or gets the whole file when a server ignores `Range`), and hands the bytes with the
//! offset they start at to [`Follow::update`].

use crate::error::Error;
use crate::ingest::Stream;
use crate::model::Dropped;

/// Bytes before the end of what was read that each read fetches again, to notice a file that
/// was replaced by another one of the same or a larger size.
const TAIL: usize = 64;

/// What a read found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// No new bytes.
    Unchanged,
    /// Bytes were appended and parsed (or a JSON log, read whole, grew).
    Appended,
    /// The file shrank or was replaced, and what was handed over was read from its start.
    Restarted,
    /// The file was replaced but the bytes handed over do not start at 0: read it again from
    /// [`Follow::resume_at`] (which is now 0).
    Replaced,
}

impl Change {
    /// The word the page and the CLI use.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Unchanged => "unchanged",
            Change::Appended => "appended",
            Change::Restarted => "restarted",
            Change::Replaced => "replaced",
        }
    }
}

/// One followed file.
pub struct Follow {
    name: String,
    stream: Stream,
    /// Bytes of the file handed to the stream so far.
    offset: u64,
    /// The last bytes handed over (up to [`TAIL`]), to recognise the same file next time.
    tail: Vec<u8>,
}

impl Follow {
    /// Follows the file called `name` (the name picks the dialect, as for a drop).
    pub fn new(name: &str) -> Follow {
        let mut follow = Follow {
            name: name.to_string(),
            stream: Stream::new(),
            offset: 0,
            tail: Vec::new(),
        };
        follow.restart();
        follow
    }

    fn restart(&mut self) {
        self.stream = Stream::new();
        self.stream.begin(&self.name, 0);
        self.offset = 0;
        self.tail.clear();
    }

    /// Bytes of the file read so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Where the next read should start: just before the end of what was read (the kept tail
    /// is checked again), or 0 for a file read whole each time (JSON) or not read yet.
    pub fn resume_at(&self) -> u64 {
        if self.stream.whole() {
            0
        } else {
            self.offset - self.tail.len() as u64
        }
    }

    /// Takes the file's bytes from offset `at` to its end. Bytes already read are checked (the
    /// kept tail) and skipped, never parsed again; only the rest is pushed to the stream.
    pub fn update(&mut self, at: u64, bytes: &[u8]) -> Result<Change, Error> {
        let end = at.saturating_add(bytes.len() as u64);
        let seen = self.offset - self.tail.len() as u64;
        let same = at <= seen
            && end >= self.offset
            && bytes[(seen - at) as usize..(self.offset - at) as usize] == self.tail[..];
        if self.stream.whole() && same && end == self.offset {
            return Ok(Change::Unchanged);
        }
        if same && !self.stream.whole() {
            let new = &bytes[(self.offset - at) as usize..];
            if new.is_empty() {
                return Ok(Change::Unchanged);
            }
            self.take(new)?;
            return Ok(Change::Appended);
        }
        // A JSON log is rewritten, not appended to: one that grew is taken as appended to.
        let grew = self.offset == 0 || (self.stream.whole() && end >= self.offset);
        self.restart();
        if at != 0 {
            return Ok(Change::Replaced);
        }
        self.take(bytes)?;
        Ok(if grew {
            Change::Appended
        } else {
            Change::Restarted
        })
    }

    fn take(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if let Err(e) = self.stream.push(bytes) {
            // The stream kept the bytes it refused: the next read starts from nothing.
            self.restart();
            return Err(e);
        }
        self.offset += bytes.len() as u64;
        let keep = bytes.len().min(TAIL);
        let old = (TAIL - keep).min(self.tail.len());
        self.tail.drain(..self.tail.len() - old);
        self.tail.extend_from_slice(&bytes[bytes.len() - keep..]);
        Ok(())
    }

    /// The runs read so far (the unfinished last line left out).
    pub fn drop(&mut self) -> Result<Dropped, Error> {
        self.stream.snapshot()
    }
}

/// Rows in a drop: each run's longest series, summed (what "rows added" counts).
pub fn rows(drop: &Dropped) -> usize {
    drop.runs
        .iter()
        .map(|r| r.series.iter().map(|s| s.len()).max().unwrap_or(0))
        .sum()
}
