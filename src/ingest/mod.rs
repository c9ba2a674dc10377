//! Bytes in, runs out. No file I/O here: callers hand over each file's name and bytes.
//!
//! [`Dialect`]'s table (`dialect.rs`) lists every dialect: its name, how [`detect`] recognises it
//! from a file's first bytes and name, how it is read (a table of delimited text, whole text, or
//! event records) and whether its files join into one run. One module per dialect turns the text
//! into runs; files that belong together (TensorBoard tags of one run, W&B train and val exports)
//! are then joined by run name. Last, in every dialect, where x goes back the
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
//! | `tensorboard` | TensorBoard event files `events.out.tfevents.*` ([`events`]) | step |
//! | `mlflow` | MLflow file store `mlruns/<experiment>/<run>/metrics/<name>` | step |
//! | `csv` | any other delimited text | epoch/step/iteration column, else row index |
//!
//! Files that came in folders are put together by folder ([`folder`]): Lightning's `version_N/`,
//! Keras's `train/` + `validation/`, Hugging Face's `runs/<date>_<host>/`, MLflow runs and any
//! folder of event files each become one run.
//!
//! [`Stream`] reads the same way a chunk at a time (the page's worker), holding only the parsed
//! numbers and the unfinished last line of a delimited file.

mod delimited;
mod detect;
mod detectron2;
mod dialect;
mod encoding;
mod events;
mod fastai;
mod folder;
mod hf_trainer;
mod json;
mod keras;
mod lightning;
mod mlflow;
mod pairs;
mod pandas;
mod sessions;
mod stream;
mod table;
mod tensorboard;
mod ultralytics;
mod wandb;

pub use detect::{detect, Detected, HEAD};
pub use dialect::Dialect;
use dialect::Reader;
use dialect::Row;
use folder::{Gather, Piece};
pub use stream::Stream;

use std::borrow::Cow;

use crate::error::Error;
use crate::model::{Dropped, Run};

/// One dropped file.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Reads every file of one drop into runs; any file that is not a log is an error.
pub fn read(inputs: &[Input<'_>]) -> Result<Dropped, Error> {
    read_in(inputs, false)
}

/// Reads the files of dropped or picked folders, each named by its path under the folder picked:
/// runs are put together by folder, and files that are not logs are skipped and counted.
pub fn read_folder(inputs: &[Input<'_>]) -> Result<Dropped, Error> {
    read_in(inputs, true)
}

fn read_in(inputs: &[Input<'_>], in_folder: bool) -> Result<Dropped, Error> {
    if inputs.is_empty() {
        return Err(Error::NoFiles);
    }
    let mut gather = Gather::new(in_folder);
    for input in inputs {
        let piece = read_file(input, &mut gather.warnings);
        gather.add(input.name, piece)?;
    }
    Ok(finish(gather.finish()?))
}

/// What one whole file gives.
fn read_file(input: &Input<'_>, warnings: &mut Vec<String>) -> Result<Piece, Error> {
    if let Some(piece) = side_file(input) {
        return piece;
    }
    let file = input.name;
    let utf16 = if encoding::is_utf16(input.bytes) {
        let text = encoding::utf16(input.bytes).map_err(|offset| Error::Binary {
            file: file.to_string(),
            offset,
        })?;
        Some(text)
    } else {
        None
    };
    let input = utf16.as_deref().map_or(*input, |text| Input {
        name: file,
        bytes: text.as_bytes(),
    });
    match dialect_of(file, input.bytes)?.read {
        Reader::Records => Ok(Piece::Events(events::read(file, input.bytes, warnings)?)),
        Reader::Whole(read) => read(file, &text_of(&input, warnings)?, warnings),
        Reader::Table(read) => {
            let text = text_of(&input, warnings)?;
            let table = table::read(file, &text, warnings)?;
            Ok(Piece::Runs(read(file, table, warnings)?))
        }
    }
}

/// Whether a file describes its folder's run rather than holding curves: Lightning's
/// `hparams.yaml`, MLflow's `meta.yaml`, `params/` and `tags/`, other YAML. Event files and text
/// logs are never side files, whatever their folders are called (a sweep's `params/lr_0.1/`).
fn is_side_file(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let text_log = [".csv", ".tsv", ".txt", ".json", ".jsonl", ".log"]
        .iter()
        .any(|ext| base.ends_with(ext))
        || base.contains("tfevents");
    base.ends_with(".yaml")
        || base.ends_with(".yml")
        || (!text_log && (name.contains("/params/") || name.contains("/tags/")))
}

/// A side file's details or run name, read as text (`None` when the file is not one).
fn side_file(input: &Input<'_>) -> Option<Result<Piece, Error>> {
    let name = input.name;
    if !is_side_file(name) {
        return None;
    }
    let text = match std::str::from_utf8(input.bytes) {
        Ok(text) => text,
        Err(e) => {
            return Some(Err(Error::Binary {
                file: name.to_string(),
                offset: e.valid_up_to(),
            }))
        }
    };
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let pairs = mlflow::yaml_pairs(text);
    Some(Ok(if base == "hparams.yaml" {
        Piece::Details(pairs)
    } else if base == "meta.yaml" {
        // A run's meta.yaml names it; an experiment's (no `run_id`) holds nothing for a curve.
        let value = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        let deleted = value("lifecycle_stage").is_some_and(|stage| stage == "deleted");
        match (value("run_id"), value("run_name")) {
            (Some(_), _) if deleted => Piece::Deleted,
            (Some(_), Some(run_name)) => Piece::Name(run_name),
            _ => Piece::Nothing,
        }
    } else if let Some((_, param)) = name.rsplit_once("/params/") {
        Piece::Details(vec![(param.to_string(), text.trim().to_string())])
    } else if name.ends_with("/tags/mlflow.runName") {
        Piece::Name(text.trim().to_string())
    } else {
        Piece::Nothing
    }))
}

/// How a file starting with `head` is read ([`DIALECTS`](dialect::DIALECTS)'s row), or why it
/// is not a log: a NUL byte in the first [`HEAD`] bytes of any text is the error reading it whole
/// would give, found before a checkpoint or weights file in a folder is read to its end.
fn dialect_of(name: &str, head: &[u8]) -> Result<&'static Row, Error> {
    let row = detect::row_of(name, head).map_err(|what| Error::NotALog {
        file: name.to_string(),
        what,
    })?;
    if matches!(row.read, Reader::Records) {
        return Ok(row);
    }
    let head = &head[..head.len().min(HEAD)];
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match memchr::memchr(0, text) {
        Some(offset) => Err(Error::Binary {
            file: name.to_string(),
            offset,
        }),
        None => Ok(row),
    }
}

/// Whether the first [`HEAD`] bytes of a file could start a log (the CLI reads the rest of a
/// folder's file only then).
pub fn may_be_log(name: &str, head: &[u8]) -> bool {
    dialect_of(name, head).is_ok()
}

/// Drops read file by file (followed files) as the one drop the files make together: runs of
/// one TensorBoard or W&B run joined, train/val files paired, series paired across files.
pub fn combine(drops: Vec<Dropped>) -> Result<Dropped, Error> {
    let mut gather = Gather::new(false);
    for drop in drops {
        gather.warnings.extend(drop.warnings);
        gather.add("", Ok(Piece::Runs(drop.runs)))?;
    }
    Ok(finish(gather.finish()?))
}

/// A run's sessions resolved: fresh starts split off as runs of their own, resumed sessions
/// spliced (see [`sessions`]), with the sentences saying what was done.
pub fn resolve_sessions(run: Run) -> (Vec<Run>, Vec<String>) {
    sessions::resolve(run)
}

/// Once every file is in: files that are the train and validation halves of one run joined (see
/// [`pairs`]), then each run's sessions resolved (fresh starts split off as runs of their own,
/// resumed sessions spliced, see [`sessions`]) and its series paired.
fn finish(drop: Dropped) -> Dropped {
    let Dropped {
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
    Dropped { runs, warnings }
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

/// The file's text, or why it is not a text log (see [`encoding`] for what is read as text).
fn text_of<'a>(input: &Input<'a>, warnings: &mut Vec<String>) -> Result<Cow<'a, str>, Error> {
    let bytes = input
        .bytes
        .strip_prefix(encoding::UTF8_BOM)
        .unwrap_or(input.bytes);
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(Error::Binary {
            file: input.name.to_string(),
            offset,
        });
    }
    let (text, legacy) = encoding::lines(bytes);
    if text.trim().is_empty() {
        return Err(Error::Empty {
            file: input.name.to_string(),
        });
    }
    if legacy {
        warnings.push(encoding::legacy_warning(input.name));
    }
    Ok(text)
}
