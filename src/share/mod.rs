//! A drop as the `d` value of a share link: a columnar binary encoding of every run and series
//! (values bit-exact), raw deflate, base64url, behind a one-character version prefix. The format
//! and its versioning are part of the outside contract (`docs/CONTRACT.md`).
//!
//! Version `2` payload, all counts as LEB128 varints, strings as length + UTF-8:
//! `warnings: [str]`, `runs: [name, source, dialect, series: [name, axis u8, role u8, kind u8,
//! direction u8, points, x column, y column, restarts: [gap from the previous restart]]]`
//! (columns: see `column`). Restarts travel because a read drop's resumed sessions are spliced
//! (x no longer goes back where they start). Version `1` is the same without restarts: its x is
//! as logged, so its sessions are resolved on decode as a dropped file's are. The encoder and
//! decoder name every model field, so a field added to the model fails to compile here until it
//! is given a place in the next version.
//!
//! The decoder trusts nothing: the link's length, the unpacked size and the number of points are
//! capped before anything is allocated, every count is checked against the bytes left, and a
//! damaged link is one sentence saying where and what was expected.

mod column;
mod wire;

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::escaped;
use crate::ingest::Dialect;
use crate::model::{Axis, Direction, Dropped, Kind, Role, Run, Series};
use wire::{Reader, Writer};

/// The version written today; its character starts every `d` value. Every version is one digit
/// (see [`is_data`]), so that a newer link is still recognised as one and refused by its version.
pub const VERSION: char = '2';
/// The version before restarts travelled, still read.
const VERSION_1: char = '1';
/// Longest `d` value read (16 MiB of text); the page warns well before that, at [`LONG_LINK`].
pub const MAX_LINK: usize = 16 << 20;
/// Largest payload a link may unpack to (refuses deflate bombs).
pub const MAX_UNPACKED: usize = 64 << 20;
/// Most values (x and y counted apart) a link may hold across all its series; every warning, run
/// and series is charged [`ITEM_COST`] values too, so that no count of empty items gets through.
pub const MAX_VALUES: usize = 4_000_000;
/// What a warning, run or series costs against [`MAX_VALUES`]: about its memory and work beside one value's.
pub const ITEM_COST: usize = 16;
/// Above this many characters a link is too long for most chat and mail programs.
pub const LONG_LINK: usize = 1 << 20;

/// Why a share link could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// No data after `d=`.
    Empty,
    /// Longer than [`MAX_LINK`] characters.
    TooLong { chars: usize },
    /// The first character is not a version this build reads.
    Version { found: String },
    /// A character outside base64url, at this position of the data.
    Base64 { position: usize },
    /// The compressed data is cut short or corrupt.
    Inflate,
    /// The data unpacks to more than [`MAX_UNPACKED`] bytes or holds more than [`MAX_VALUES`]
    /// values, items charged at [`ITEM_COST`].
    TooLarge,
    /// The unpacked data ends before the structure does.
    Truncated { expected: String },
    /// The unpacked data holds something impossible at this byte.
    Damaged { offset: usize, expected: String },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Empty => write!(
                f,
                "the share link carries no data after `d=`: expected the whole link as copied from plateau's Share button."
            ),
            LinkError::TooLong { chars } => write!(
                f,
                "the share link's data is {chars} characters long: expected at most {MAX_LINK}, so it was not read."
            ),
            LinkError::Version { found } => write!(
                f,
                "the share link has version `{}`, which this plateau does not read: expected version {VERSION} (a newer plateau may open it).",
                escaped(found)
            ),
            LinkError::Base64 { position } => write!(
                f,
                "the share link is damaged at character {position} of its data: expected only letters, digits, `-` and `_` (was the link altered when it was copied?)."
            ),
            LinkError::Inflate => write!(
                f,
                "the share link is truncated or damaged (its compressed data does not unpack): expected the whole link as copied, which some chat and mail programs cut short."
            ),
            LinkError::TooLarge => write!(
                f,
                "the share link unpacks to more than {} MB or {MAX_VALUES} values (each warning, run and series counting {ITEM_COST}): expected a smaller log, so it was refused.",
                MAX_UNPACKED >> 20
            ),
            LinkError::Truncated { expected } => write!(
                f,
                "the share link's data ends early: expected {expected}."
            ),
            LinkError::Damaged { offset, expected } => write!(
                f,
                "the share link's data is damaged at byte {offset}: expected {expected}."
            ),
        }
    }
}

impl std::error::Error for LinkError {}

/// The `d` value for a drop: version character + base64url(deflate(payload)).
pub fn encode(drop: &Dropped) -> String {
    let mut out = Writer::default();
    let Dropped { runs, warnings } = drop;
    out.len(warnings.len());
    for w in warnings {
        out.str(w);
    }
    out.len(runs.len());
    for run in runs {
        write_run(&mut out, run);
    }
    pack(&out.bytes)
}

/// The `d` value carrying `payload` as it is: version character + base64url(deflate(payload)).
/// [`encode`] packs a drop's payload; the fuzzer packs arbitrary payloads to reach the decoder's
/// structure checks.
pub fn pack(payload: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(payload, 9);
    let mut text = String::with_capacity(1 + packed.len() * 4 / 3 + 4);
    text.push(VERSION);
    URL_SAFE_NO_PAD.encode_string(&packed, &mut text);
    text
}

/// Whether `text` has the shape of a `d` value, of any version: a version digit, then only
/// base64url characters. A bare `d` value is told from a log's address by this (the page and
/// `<learning-curve src>` take either).
pub fn is_data(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_digit()) && bytes.all(is_base64url)
}

fn is_base64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// The drop a `d` value carries, or one sentence on why it cannot be read.
pub fn decode(text: &str) -> Result<Dropped, LinkError> {
    let text = text.trim();
    if text.len() > MAX_LINK {
        return Err(LinkError::TooLong { chars: text.len() });
    }
    let mut chars = text.chars();
    let version = match chars.next() {
        None => return Err(LinkError::Empty),
        Some(v @ (VERSION | VERSION_1)) => v,
        Some(other) => {
            return Err(LinkError::Version {
                found: other.to_string(),
            })
        }
    };
    let data = chars.as_str();
    if let Some(position) = data.bytes().position(|b| !is_base64url(b)) {
        return Err(LinkError::Base64 { position });
    }
    let packed = URL_SAFE_NO_PAD
        .decode(data)
        .map_err(|_| LinkError::Inflate)?;
    let bytes =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_UNPACKED).map_err(|e| {
            match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
                _ => LinkError::Inflate,
            }
        })?;
    let mut input = Reader::new(&bytes);
    let mut budget = MAX_VALUES;
    let warnings_count = input.count(1, "the number of warnings")?;
    let warnings = (0..warnings_count)
        .map(|_| {
            charge(&mut budget, ITEM_COST)?;
            input.str("a warning")
        })
        .collect::<Result<_, _>>()?;
    let runs_count = input.count(4, "the number of runs")?;
    let runs: Vec<Run> = (0..runs_count)
        .map(|_| read_run(&mut input, &mut budget, version))
        .collect::<Result<_, _>>()?;
    if input.remaining() != 0 {
        return Err(input.damaged("the end of the data"));
    }
    let runs = if version == VERSION_1 {
        runs.into_iter()
            .flat_map(|run| crate::ingest::resolve_sessions(run).0)
            .collect()
    } else {
        runs
    };
    Ok(Dropped { runs, warnings })
}

/// A whole share link: `base` (its own fragment dropped), then `#` and the view settings with `d` last.
pub fn link(base: &str, drop: &Dropped, settings: &[(&str, &str)]) -> String {
    let base = base.split('#').next().unwrap_or(base);
    let mut fragment: Vec<String> = settings
        .iter()
        .filter(|(key, _)| *key != "d")
        .map(|(key, value)| format!("{}={}", escape(key), escape(value)))
        .collect();
    fragment.push(format!("d={}", encode(drop)));
    format!("{base}#{}", fragment.join("&"))
}

/// Percent-encodes everything but the characters a fragment value may hold as they are.
fn escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn write_run(out: &mut Writer, run: &Run) {
    let Run {
        name,
        source,
        dialect,
        series,
        // Run info stays with the files: the link format carries curves only.
        info: _,
    } = run;
    out.str(name);
    out.str(source);
    out.str(dialect.name());
    out.len(series.len());
    for s in series {
        write_series(out, s);
    }
}

/// Takes `cost` from what is left of the link's budget, or refuses the link.
fn charge(budget: &mut usize, cost: usize) -> Result<(), LinkError> {
    *budget = budget.checked_sub(cost).ok_or(LinkError::TooLarge)?;
    Ok(())
}

fn read_run(input: &mut Reader<'_>, budget: &mut usize, version: char) -> Result<Run, LinkError> {
    charge(budget, ITEM_COST)?;
    let name = input.str("a run name")?;
    let source = input.str("a run source")?;
    // A name this build does not know (only a crafted link has one) is read as `csv`, the
    // dialect of any other text: it names how the log was read, and nothing is read again.
    let dialect = Dialect::from_name(&input.str("a run dialect")?).unwrap_or(Dialect::Csv);
    let count = input.count(8, "the number of series")?;
    let series = (0..count)
        .map(|_| read_series(input, budget, version))
        .collect::<Result<_, _>>()?;
    let mut run = Run {
        name,
        source,
        dialect,
        series,
        info: Vec::new(),
    };
    run.pair();
    Ok(run)
}

fn write_series(out: &mut Writer, s: &Series) {
    let Series {
        name,
        axis,
        role,
        kind,
        direction,
        x,
        y,
        restarts,
        // Derived, not stored: partners come back from `Run::pair` on decode.
        partner: _,
    } = s;
    out.str(name);
    out.u8(match axis {
        Axis::Epoch => 0,
        Axis::Step => 1,
        Axis::Iteration => 2,
        Axis::WallTime => 3,
    });
    out.u8(match role {
        Role::Train => 0,
        Role::Validation => 1,
        Role::Test => 2,
        Role::Other => 3,
    });
    out.u8(match kind {
        Kind::Loss => 0,
        Kind::Metric => 1,
        Kind::LearningRate => 2,
        Kind::GradNorm => 3,
        Kind::Time => 4,
        Kind::Other => 5,
    });
    out.u8(match direction {
        Direction::Lower => 0,
        Direction::Higher => 1,
        Direction::Unknown => 2,
    });
    out.len(x.len());
    column::write(out, x);
    out.len(y.len());
    column::write(out, y);
    // Read and worker drops hold restarts in order; anything else is written as gaps of 0, which
    // the decoder refuses with a sentence rather than this end panicking.
    out.len(restarts.len());
    let mut prev = 0;
    for &r in restarts {
        out.len(r.saturating_sub(prev));
        prev = r;
    }
}

fn read_series(
    input: &mut Reader<'_>,
    budget: &mut usize,
    version: char,
) -> Result<Series, LinkError> {
    charge(budget, ITEM_COST)?;
    let name = input.str("a series name")?;
    let axis = match input.u8("a series axis")? {
        0 => Axis::Epoch,
        1 => Axis::Step,
        2 => Axis::Iteration,
        3 => Axis::WallTime,
        _ => return Err(enum_error(input, "an axis 0 to 3")),
    };
    let role = match input.u8("a series role")? {
        0 => Role::Train,
        1 => Role::Validation,
        2 => Role::Test,
        3 => Role::Other,
        _ => return Err(enum_error(input, "a role 0 to 3")),
    };
    let kind = match input.u8("a series kind")? {
        0 => Kind::Loss,
        1 => Kind::Metric,
        2 => Kind::LearningRate,
        3 => Kind::GradNorm,
        4 => Kind::Time,
        5 => Kind::Other,
        _ => return Err(enum_error(input, "a kind 0 to 5")),
    };
    let direction = match input.u8("a series direction")? {
        0 => Direction::Lower,
        1 => Direction::Higher,
        2 => Direction::Unknown,
        _ => return Err(enum_error(input, "a direction 0 to 2")),
    };
    let x = read_column(input, budget, &name, "x")?;
    let y = read_column(input, budget, &name, "y")?;
    if x.len() != y.len() {
        return Err(input.damaged(&format!(
            "as many x as y values in series `{name}` (found {} and {})",
            x.len(),
            y.len()
        )));
    }
    let restarts = if version == VERSION_1 {
        crate::model::restarts(&x)
    } else {
        read_restarts(input, &name, x.len())?
    };
    Ok(Series {
        name,
        axis,
        role,
        kind,
        direction,
        x,
        y,
        restarts,
        partner: None,
    })
}

/// A series' restarts: each gap at least 1, every restart inside the series.
fn read_restarts(
    input: &mut Reader<'_>,
    series: &str,
    points: usize,
) -> Result<Vec<usize>, LinkError> {
    let what = format!("the number of restarts of series `{series}`");
    let count = input.count(1, &what)?;
    let mut out = Vec::with_capacity(count.min(points));
    let mut at = 0usize;
    for _ in 0..count {
        let gap = input.varint(&format!("a restart of series `{series}`"))?;
        at = usize::try_from(gap)
            .ok()
            .filter(|&g| g >= 1)
            .and_then(|g| at.checked_add(g))
            .filter(|&r| r < points)
            .ok_or_else(|| {
                input.damaged(&format!(
                    "restarts of series `{series}` that go forward inside its {points} points"
                ))
            })?;
        out.push(at);
    }
    Ok(out)
}

fn read_column(
    input: &mut Reader<'_>,
    budget: &mut usize,
    series: &str,
    which: &str,
) -> Result<Vec<f64>, LinkError> {
    let n = usize::try_from(input.varint(&format!("the length of series `{series}`"))?)
        .map_err(|_| LinkError::TooLarge)?;
    charge(budget, n)?;
    column::read(input, n).map_err(|e| match e {
        LinkError::Damaged { offset, expected } => LinkError::Damaged {
            offset,
            expected: format!("{expected} ({which} of series `{series}`)"),
        },
        other => other,
    })
}

fn enum_error(input: &Reader<'_>, expected: &str) -> LinkError {
    LinkError::Damaged {
        offset: input.pos() - 1,
        expected: expected.to_string(),
    }
}
