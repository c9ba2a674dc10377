//! A log followed while training writes it: each read hands over only the bytes appended since
//! the last one, which the [`Stream`] parses where it stopped (an unfinished last line waits).
//! A file that shrank or whose last bytes read changed was replaced: it is read again from the
//! start. The page (a file handle or a URL) and `plateau watch` share this type; they only fetch
//! bytes.
//!
//! The caller asks [`Follow::resume_at`] where to start reading, reads from there to the end of
//! the file (or gets the whole file when a server ignores `Range`), and hands the bytes with the
//! offset they start at to [`Follow::update`].

use std::hash::Hasher;

use siphasher::sip::SipHasher13;

use serde::{Deserialize, Serialize};

use crate::error::{escaped, Error};
use crate::ingest::{Dialect, Stream};
use crate::model::{Axis, Direction, Dropped, Kind, Role, Run, Series};
use crate::parts;

/// Bytes handed over at once: a log that grew by gigabytes, or was replaced by a large one, is
/// read a piece at a time (see [`Follow::piece`]).
pub const PIECE: u64 = 16 << 20;

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

    /// Whether the file is read whole at every change (a JSON log is rewritten, not appended to).
    pub fn whole(&self) -> bool {
        self.stream.whole()
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

    /// The bytes of a file of `size` bytes to read next, as `(start, end)`: from [`resume_at`]
    /// (from 0 when the file shrank) for at most [`PIECE`] bytes, the next piece after
    /// [`update`] took them, until a piece reaches `size`. A JSON log is read whole, as it is
    /// parsed whole.
    ///
    /// [`resume_at`]: Follow::resume_at
    /// [`update`]: Follow::update
    pub fn piece(&self, size: u64) -> (u64, u64) {
        let at = if size < self.offset {
            0
        } else {
            self.resume_at()
        };
        let end = if self.whole() {
            size
        } else {
            size.min(at.saturating_add(PIECE))
        };
        (at, end.max(at))
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

/// What the page was last sent of a followed log, so that the next answer carries only what was
/// appended: per run its name, source, dialect and info, and per series its metadata, how many
/// points and restarts were sent and a hash of the points (the next drop's first points must hash
/// the same). The hash is SipHash-1-3 keyed per follower ([`Sent::seeded`]), so a file cannot be
/// written to make rewritten rows hash like the ones sent.
#[derive(Default)]
pub struct Sent {
    runs: Vec<SentRun>,
    seed: u64,
}

struct SentRun {
    name: String,
    source: String,
    dialect: Dialect,
    info: Vec<(String, String)>,
    series: Vec<SentSeries>,
}

struct SentSeries {
    name: String,
    axis: Axis,
    role: Role,
    kind: Kind,
    direction: Direction,
    partner: Option<String>,
    points: usize,
    restarts: Vec<usize>,
    /// The hash of the points sent, which the points appended next continue.
    hash: SipHasher13,
}

/// The hash of a series' points: x and y, bit for bit (NaN included).
fn hash_points(hasher: &mut SipHasher13, series: &Series, points: std::ops::Range<usize>) {
    for (x, y) in series.x[points.clone()].iter().zip(&series.y[points]) {
        hasher.write_u64(x.to_bits());
        hasher.write_u64(y.to_bits());
    }
}

/// A hasher that hashes the same points the same for one follower (its `seed`).
fn hasher(seed: u64) -> SipHasher13 {
    SipHasher13::new_with_keys(seed, seed.rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15)
}

/// The points appended to one series: `x` and `y` continue the series from point `from`, and
/// `restarts` are the new session starts among them (indices into the whole series).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tail {
    pub from: usize,
    pub restarts: Vec<usize>,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

/// A drop as the rows appended to the one sent before: every run sent then only grew (same
/// names, same series, their points kept), and runs after them are new.
#[derive(Debug, Clone, PartialEq)]
pub struct Growth {
    /// Per run sent before, per series, what was appended.
    pub grown: Vec<Vec<Tail>>,
    /// The runs that follow them, whole.
    pub added: Vec<Run>,
    pub warnings: Vec<String>,
}

/// A [`Growth`] as the page's worker sends it: the tails as they are, the new runs split as
/// [`parts::split`] splits a drop (their columns sent as arrays).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrowthShape {
    pub grown: Vec<Vec<Tail>>,
    pub added: parts::Shape,
}

impl Growth {
    /// Splits the growth into its shape and the new runs' columns.
    pub fn split(self) -> (GrowthShape, Vec<Vec<f64>>) {
        let drop = Dropped {
            runs: self.added,
            warnings: self.warnings,
        };
        let (added, columns) = parts::split(&drop);
        let columns = columns.into_iter().map(<[f64]>::to_vec).collect();
        let shape = GrowthShape {
            grown: self.grown,
            added,
        };
        (shape, columns)
    }

    /// Puts a split growth back together; a shape that does not fit its columns is one sentence.
    pub fn join(shape: GrowthShape, columns: Vec<Vec<f64>>) -> Result<Growth, String> {
        let added = parts::join(shape.added, columns)?;
        Ok(Growth {
            grown: shape.grown,
            added: added.runs,
            warnings: added.warnings,
        })
    }
}

impl Sent {
    /// Nothing sent yet, hashing with `seed` (a random one per follower in the page).
    pub fn seeded(seed: u64) -> Sent {
        Sent {
            runs: Vec::new(),
            seed,
        }
    }

    /// Remembers `drop` as sent whole (seed 0; see [`Sent::remember`] to keep a seed).
    pub fn whole(drop: &Dropped) -> Sent {
        let mut sent = Sent::default();
        sent.remember(drop);
        sent
    }

    /// Remembers `drop` as sent whole, keeping the seed.
    pub fn remember(&mut self, drop: &Dropped) {
        let seed = self.seed;
        self.runs = drop.runs.iter().map(|r| SentRun::of(r, seed)).collect();
    }

    /// `drop` as rows appended to what was sent, or `None` when something sent changed (it is then
    /// sent whole). Either way `self` then describes `drop`. Costs one pass over the points (the
    /// hash of those sent, continued over the new ones); what it returns holds only the new points.
    pub fn growth(&mut self, drop: &Dropped) -> Option<Growth> {
        let seed = self.seed;
        let kept: Option<Vec<SentRun>> = (self.runs.len() <= drop.runs.len())
            .then(|| {
                self.runs
                    .iter()
                    .zip(&drop.runs)
                    .map(|(sent, run)| sent.grown_into(run, seed))
                    .collect()
            })
            .flatten();
        let Some(mut kept) = kept else {
            self.remember(drop);
            return None;
        };
        let grown = self
            .runs
            .iter()
            .zip(&drop.runs)
            .map(|(sent, run)| {
                sent.series
                    .iter()
                    .zip(&run.series)
                    .map(|(s, series)| Tail {
                        from: s.points,
                        restarts: series.restarts[s.restarts.len()..].to_vec(),
                        x: series.x[s.points..].to_vec(),
                        y: series.y[s.points..].to_vec(),
                    })
                    .collect()
            })
            .collect();
        let added = &drop.runs[self.runs.len()..];
        kept.extend(added.iter().map(|r| SentRun::of(r, seed)));
        self.runs = kept;
        Some(Growth {
            grown,
            added: added.to_vec(),
            warnings: drop.warnings.clone(),
        })
    }
}

impl SentRun {
    fn of(run: &Run, seed: u64) -> SentRun {
        SentRun {
            name: run.name.clone(),
            source: run.source.clone(),
            dialect: run.dialect,
            info: run.info.clone(),
            series: run
                .series
                .iter()
                .map(|s| {
                    let mut hash = hasher(seed);
                    hash_points(&mut hash, s, 0..s.len());
                    SentSeries {
                        name: s.name.clone(),
                        axis: s.axis,
                        role: s.role,
                        kind: s.kind,
                        direction: s.direction,
                        partner: s.partner.clone(),
                        points: s.len(),
                        restarts: s.restarts.clone(),
                        hash,
                    }
                })
                .collect(),
        }
    }

    /// This run as sent after `run`, when `run` is this run with points appended to its series.
    fn grown_into(&self, run: &Run, seed: u64) -> Option<SentRun> {
        let same = self.name == run.name
            && self.source == run.source
            && self.dialect == run.dialect
            && self.info == run.info
            && self.series.len() == run.series.len();
        if !same {
            return None;
        }
        let series = self
            .series
            .iter()
            .zip(&run.series)
            .map(|(s, series)| {
                let kept = s.name == series.name
                    && s.axis == series.axis
                    && s.role == series.role
                    && s.kind == series.kind
                    && s.direction == series.direction
                    && s.partner == series.partner
                    && s.points <= series.len()
                    && series.restarts.starts_with(&s.restarts)
                    && series.restarts[s.restarts.len()..]
                        .iter()
                        .all(|&r| r >= s.points);
                if !kept {
                    return None;
                }
                let mut hash = hasher(seed);
                hash_points(&mut hash, series, 0..s.points);
                if hash.finish() != s.hash.finish() {
                    return None;
                }
                hash_points(&mut hash, series, s.points..series.len());
                Some(SentSeries {
                    name: s.name.clone(),
                    partner: s.partner.clone(),
                    points: series.len(),
                    restarts: series.restarts.clone(),
                    hash,
                    ..*s
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(SentRun {
            name: self.name.clone(),
            source: self.source.clone(),
            dialect: self.dialect,
            info: self.info.clone(),
            series,
        })
    }
}

/// Appends `growth` to `drop` (the drop it was made against); a growth that does not fit (another
/// number of runs or series, a series of another length) is one sentence and leaves `drop` as it was.
pub fn grow(drop: &mut Dropped, growth: Growth) -> Result<(), String> {
    if growth.grown.len() != drop.runs.len() {
        return Err(format!(
            "it continues {} runs, not {}",
            growth.grown.len(),
            drop.runs.len()
        ));
    }
    for (run, tails) in drop.runs.iter().zip(&growth.grown) {
        if tails.len() != run.series.len() {
            return Err(
                escaped(&format!("run `{}` has another number of series", run.name)).into_owned(),
            );
        }
        for (series, tail) in run.series.iter().zip(tails) {
            let to = tail.from.saturating_add(tail.x.len());
            let fits = tail.from == series.len()
                && tail.x.len() == tail.y.len()
                && tail.restarts.windows(2).all(|w| w[0] < w[1])
                && tail
                    .restarts
                    .iter()
                    .all(|&r| r >= tail.from.max(1) && r < to)
                && match (series.restarts.last(), tail.restarts.first()) {
                    (Some(r), Some(t)) => t > r,
                    _ => true,
                };
            if !fits {
                return Err(escaped(&format!(
                    "series `{}` does not continue where it ended",
                    series.name
                ))
                .into_owned());
            }
        }
    }
    for (run, tails) in drop.runs.iter_mut().zip(growth.grown) {
        for (series, tail) in run.series.iter_mut().zip(tails) {
            series.x.extend_from_slice(&tail.x);
            series.y.extend_from_slice(&tail.y);
            series.restarts.extend_from_slice(&tail.restarts);
        }
    }
    drop.runs.extend(growth.added);
    drop.warnings = growth.warnings;
    Ok(())
}

/// Gives the first of `arrays` within an eighth of its capacity room for as many points again;
/// whether one was given room. Called once per update of a followed log, it copies one array
/// ahead of the rows that need the room, instead of every array in the update that fills them.
pub fn make_room<'a>(arrays: impl Iterator<Item = &'a mut Vec<f64>>) -> bool {
    for array in arrays {
        if array.capacity() - array.len() < array.len() / 8 {
            array.reserve(array.len());
            return true;
        }
    }
    false
}
