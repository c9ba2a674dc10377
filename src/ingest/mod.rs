//! Bytes in, runs out. No file I/O here: callers hand over each file's name and bytes.
//!
//! [`detect`] picks one dialect per file from its first bytes and name; one module per dialect
//! turns the text into runs; files that belong together (TensorBoard tags of one run, W&B train
//! and val exports) are then joined by run name. Last, in every dialect, where x goes back the
//! values decide between a resumed session (spliced on) and a fresh run (split off): [`sessions`].
//!
//! | `Run::dialect` | written by | x-axis |
//! |---|---|---|
//! | `keras` | Keras `CSVLogger` | epoch |
//! | `pandas` | `pd.DataFrame(history.history).to_csv()` | row index (epoch) |
//! | `lightning` | PyTorch Lightning `CSVLogger` `metrics.csv` (sparse rows) | step |
//! | `ultralytics`, `yolov5` | YOLO `results.csv` (padded or not) | epoch |
//! | `fastai` | fastai `CSVLogger` `history.csv` | epoch |
//! | `tensorboard` | TensorBoard scalar CSV `run-<run>-tag-<tag>.csv` | step |
//! | `wandb` | Weights & Biases chart CSV export | its x column |
//! | `hf_trainer` | Hugging Face `trainer_state.json` | step |
//! | `detectron2` | detectron2 `metrics.json` (JSON lines) | iteration |
//! | `csv` | any other delimited text | epoch/step/iteration column, else row index |
//!
//! [`Stream`] reads the same way a chunk at a time (the page's worker), holding only the parsed
//! numbers and the unfinished last line of a delimited file.

mod delimited;
mod detect;
mod detectron2;
mod fastai;
mod hf_trainer;
mod json;
mod keras;
mod lightning;
mod pairs;
mod pandas;
mod sessions;
mod stream;
mod table;
mod tensorboard;
mod ultralytics;
mod wandb;

pub use detect::{detect, Detected, Dialect};
pub use stream::Stream;

use crate::error::Error;
use crate::model::{Drop, Run};

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
        let runs = read_file(input, &mut drop.warnings)?;
        join(&mut drop.runs, runs);
    }
    Ok(finish(drop))
}

/// The runs of one whole file.
fn read_file(input: &Input<'_>, warnings: &mut Vec<String>) -> Result<Vec<Run>, Error> {
    let dialect = dialect_of(input.name, input.bytes)?;
    let text = text_of(input)?;
    let file = input.name;
    match dialect {
        Dialect::HfTrainer => hf_trainer::read(file, text),
        Dialect::Detectron2 => detectron2::read(file, text),
        _ => {
            let table = table::read(file, text, warnings)?;
            from_table(file, dialect, table, warnings)
        }
    }
}

/// The dialect of a file starting with `head`, or why it is not a log.
fn dialect_of(name: &str, head: &[u8]) -> Result<Dialect, Error> {
    match detect(name, head) {
        Detected::Log(d) => Ok(d),
        Detected::Refused(what) => Err(Error::NotALog {
            file: name.to_string(),
            what,
        }),
    }
}

/// Whether a dialect is delimited text, read line by line through [`table::Builder`].
fn is_delimited(dialect: Dialect) -> bool {
    !matches!(dialect, Dialect::HfTrainer | Dialect::Detectron2)
}

/// The runs of a delimited file's table.
fn from_table(
    file: &str,
    dialect: Dialect,
    table: table::Table,
    w: &mut Vec<String>,
) -> Result<Vec<Run>, Error> {
    match dialect {
        Dialect::Keras => keras::read(file, table),
        Dialect::Pandas => pandas::read(file, table),
        Dialect::Lightning => lightning::read(file, table),
        Dialect::Ultralytics | Dialect::Yolov5 => ultralytics::read(file, table, dialect),
        Dialect::Fastai => fastai::read(file, table),
        Dialect::TensorBoard => tensorboard::read(file, table),
        Dialect::Wandb => wandb::read(file, table, w),
        // The JSON dialects never come with a table; read as plain CSV if one ever did.
        Dialect::Csv | Dialect::HfTrainer | Dialect::Detectron2 => delimited::read(file, table),
    }
}

/// A run's sessions resolved: fresh starts split off as runs of their own, resumed sessions
/// spliced (see [`sessions`]), with the sentences saying what was done.
pub fn resolve_sessions(run: Run) -> (Vec<Run>, Vec<String>) {
    sessions::resolve(run)
}

/// Once every file is in: files that are the train and validation halves of one run joined (see
/// [`pairs`]), then each run's sessions resolved (fresh starts split off as runs of their own,
/// resumed sessions spliced, see [`sessions`]) and its series paired.
fn finish(drop: Drop) -> Drop {
    let Drop {
        runs: read,
        mut warnings,
    } = drop;
    let (read, notes) = pairs::pair(read);
    warnings.extend(notes);
    let mut runs = Vec::with_capacity(read.len());
    for run in read {
        let (parts, warning) = resolve_sessions(run);
        warnings.extend(warning);
        runs.extend(parts);
    }
    Drop { runs, warnings }
}

/// Adds runs to a drop; a TensorBoard or W&B run whose name is already there from another file
/// (its other tags, its val export) is merged into it.
fn join(runs: &mut Vec<Run>, new: Vec<Run>) {
    for run in new {
        let joinable = matches!(run.dialect.as_str(), "tensorboard" | "wandb");
        match runs
            .iter_mut()
            .find(|r| joinable && r.dialect == run.dialect && r.name == run.name)
        {
            Some(existing) => {
                if !existing.source.split(", ").any(|s| s == run.source) {
                    existing.source = format!("{}, {}", existing.source, run.source);
                }
                // A series the run already has (the shared wall-time clock, or the same file
                // dropped twice) is kept once.
                for series in run.series {
                    if existing.series(&series.name).is_none() {
                        existing.series.push(series);
                    }
                }
            }
            None => runs.push(run),
        }
    }
}

/// Up to five items joined with ", ", then how many more there are; the rest are never made.
fn first_few(items: impl ExactSizeIterator<Item = String>) -> String {
    const SHOWN: usize = 5;
    let more = items.len().saturating_sub(SHOWN);
    let shown = items.take(SHOWN).collect::<Vec<_>>().join(", ");
    match more {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// The file name without its folder and extension, used to name runs.
fn stem(file: &str) -> &str {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    base.rsplit_once('.').map_or(base, |(stem, _)| stem)
}

/// The file's text, or why it is not a text log.
fn text_of<'a>(input: &Input<'a>) -> Result<&'a str, Error> {
    let bytes = input
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(input.bytes);
    if let Some(offset) = memchr::memchr(0, bytes) {
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
