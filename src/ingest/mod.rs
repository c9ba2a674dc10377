//! Bytes in, runs out. No file I/O here: callers hand over each file's name and bytes.
//!
//! [`detect`] picks one dialect per file from its first bytes and name; one module per dialect
//! turns the text into runs; files that belong together (TensorBoard tags of one run, W&B train
//! and val exports) are then joined by run name.
//!
//! | `Run::dialect` | written by | x-axis |
//! |---|---|---|
//! | `keras` | Keras `CSVLogger` (appended runs split where the epoch starts over) | epoch |
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
mod encoding;
mod fastai;
mod hf_trainer;
mod json;
mod keras;
mod lightning;
mod pandas;
mod stream;
mod table;
mod tensorboard;
mod ultralytics;
mod wandb;

pub use detect::{detect, Detected, Dialect};
pub use stream::Stream;

use std::borrow::Cow;
use std::collections::HashMap;

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
    let dialect = dialect_of(file, input.bytes)?;
    let text = text_of(&input, warnings)?;
    let text = text.as_ref();
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
        Dialect::Keras => keras::read(file, table, w),
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

/// Pairs each run's series and warns about resumed runs, once every file is in.
fn finish(mut drop: Drop) -> Drop {
    for run in &mut drop.runs {
        run.pair();
        if let Some(w) = restart_warning(run) {
            drop.warnings.push(w);
        }
    }
    drop
}

/// Adds runs to a drop; a TensorBoard or W&B run whose name is already there from another file
/// (its other tags, its val export) is merged into it. Runs are found by name through a table, so
/// a file of many runs (a Keras log whose epoch starts over at every row) joins in O(runs).
fn join(runs: &mut Vec<Run>, new: Vec<Run>) {
    let mut index: HashMap<(String, String), usize> = runs
        .iter()
        .enumerate()
        .filter(|(_, r)| joinable(r))
        .map(|(i, r)| ((r.dialect.clone(), r.name.clone()), i))
        .collect();
    for run in new {
        let key = (run.dialect.clone(), run.name.clone());
        match index.get(&key).filter(|_| joinable(&run)) {
            Some(&i) => {
                let existing = &mut runs[i];
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
            None => {
                if joinable(&run) {
                    index.insert(key, runs.len());
                }
                runs.push(run);
            }
        }
    }
}

/// Whether runs of this dialect are spread over several files and joined by name.
fn joinable(run: &Run) -> bool {
    matches!(run.dialect.as_str(), "tensorboard" | "wandb")
}

/// The sentence telling that a run's x-axis goes backwards (a resumed run), if it does.
fn restart_warning(run: &Run) -> Option<String> {
    let longest = run.series.iter().max_by_key(|s| s.len())?;
    if longest.restarts.is_empty() {
        return None;
    }
    let word = longest.axis.word();
    let jumps: Vec<String> = longest
        .restarts
        .iter()
        .map(|&i| format!("{} → {}", longest.x[i - 1], longest.x[i]))
        .collect();
    let n = jumps.len();
    Some(format!(
        "{}: the {word} goes back {n} time{} ({}): read as a resumed run; every point is kept, in {} segments",
        run.source,
        if n == 1 { "" } else { "s" },
        first_few(&jumps),
        n + 1
    ))
}

/// Up to five items joined with ", ", then how many more there are.
fn first_few(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let shown = items[..items.len().min(SHOWN)].join(", ");
    match items.len().saturating_sub(SHOWN) {
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
