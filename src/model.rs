//! The one picture every log dialect turns into: a drop holds runs, a run holds series.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ingest::Dialect;

/// What a series' x values count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    Epoch,
    Step,
    Iteration,
    WallTime,
}

impl Axis {
    /// The unit word used in evidence sentences and axis titles.
    pub fn word(self) -> &'static str {
        match self {
            Axis::Epoch => "epoch",
            Axis::Step => "step",
            Axis::Iteration => "iteration",
            Axis::WallTime => "second",
        }
    }
}

/// The [`Run::info`] key naming the series the framework itself picks its best checkpoint by
/// (Hugging Face's `metric_for_best_model`, Ultralytics' fitness); the default monitor.
pub const MONITOR: &str = "monitor";

/// Which data a series was measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Train,
    Validation,
    Test,
    Other,
}

impl Role {
    /// Measured on data the model does not train on (validation, or a test split logged every
    /// epoch): the signal for generalisation.
    pub fn held_out(self) -> bool {
        matches!(self, Role::Validation | Role::Test)
    }
}

/// What a series measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Loss,
    Metric,
    LearningRate,
    GradNorm,
    Time,
    Other,
}

/// Whether smaller or larger values are better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Lower,
    Higher,
    Unknown,
}

/// One named curve: x and y have the same length; NaN and inf stay in `y`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    pub axis: Axis,
    pub role: Role,
    pub kind: Kind,
    pub direction: Direction,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// Indices where a session starts (see [`starts_session`]). As logged, x goes back or repeats
    /// there; once a drop is read, every session left in a run was resumed and is spliced onto the
    /// one before, so x only goes forward and these mark where each session took over.
    pub restarts: Vec<usize>,
    /// The series measuring the same thing on the other side of the train/validation split.
    pub partner: Option<String>,
}

/// What a series is and how long, without its values: the layout every summary of a series
/// shares (the report's `series`, `plateau inspect`, the shape the page's worker hands over).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesInfo {
    pub name: String,
    pub axis: Axis,
    pub role: Role,
    pub kind: Kind,
    pub direction: Direction,
    pub points: usize,
}

impl Series {
    /// The series' [`SeriesInfo`].
    pub fn info(&self) -> SeriesInfo {
        SeriesInfo {
            name: self.name.clone(),
            axis: self.axis,
            role: self.role,
            kind: self.kind,
            direction: self.direction,
            points: self.len(),
        }
    }

    /// A series with role, kind and direction inferred from its name and restarts found in `x`.
    pub fn named(name: &str, axis: Axis, x: Vec<f64>, y: Vec<f64>) -> Series {
        let (role, kind, direction) = infer(name);
        let restarts = restarts(&x);
        Series {
            name: name.to_string(),
            axis,
            role,
            kind,
            direction,
            x,
            y,
            restarts,
            partner: None,
        }
    }

    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// The sessions: index ranges between restarts, in order (one range without restarts).
    pub fn segments(&self) -> Vec<std::ops::Range<usize>> {
        let bounds: Vec<usize> = std::iter::once(0)
            .chain(self.restarts.iter().copied())
            .chain(std::iter::once(self.len()))
            .collect();
        bounds.windows(2).map(|w| w[0]..w[1]).collect()
    }
}

/// Whether a point at `x` right after one at `prev` starts a new session (a resumed run or a
/// fresh one appended to the same log): x went back or repeated. The one rule the model, the
/// analysis and the chart share.
pub fn starts_session(prev: f64, x: f64) -> bool {
    x <= prev
}

/// Indices where a new session starts by [`starts_session`].
pub fn restarts(x: &[f64]) -> Vec<usize> {
    (1..x.len())
        .filter(|&i| starts_session(x[i - 1], x[i]))
        .collect()
}

/// One training run: the series it logged and where it was read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub name: String,
    /// The file (or files, joined with ", ") it came from.
    pub source: String,
    /// The log dialect it was read as (serialised as its name: `keras`, `lightning`, …).
    pub dialect: Dialect,
    pub series: Vec<Series>,
    /// What the log says about the run besides curves, as (name, value): hyper-parameters
    /// (`hparams.yaml`, TensorBoard's hparams plugin, MLflow params) and the event file version.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub info: Vec<(String, String)>,
}

impl Run {
    /// Sets a series' role and direction by hand (when inference got them wrong) and pairs the
    /// series again; `false` when the run has no series of that name.
    pub fn correct(&mut self, name: &str, role: Role, direction: Direction) -> bool {
        let Some(series) = self.series.iter_mut().find(|s| s.name == name) else {
            return false;
        };
        series.role = role;
        series.direction = direction;
        self.pair();
        true
    }

    /// A run whose train and validation series know their partners.
    pub fn new(name: &str, source: &str, dialect: Dialect, series: Vec<Series>) -> Run {
        let mut run = Run {
            name: name.to_string(),
            source: source.to_string(),
            dialect,
            series,
            info: Vec::new(),
        };
        run.pair();
        run
    }

    pub fn series(&self, name: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.name == name)
    }

    /// The series measuring the same quantity on the other side of the split
    /// (`loss`↔`val_loss`, `train/box_loss`↔`val/box_loss`, `train_loss_epoch`↔`val_loss`).
    /// A training series pairs with validation before test; a per-step variant
    /// (`train_loss_step`) is chosen only when no other training series matches.
    pub fn partner(&self, of: &Series) -> Option<&Series> {
        let keys: Vec<String> = self.series.iter().map(|s| quantity(&s.name)).collect();
        partner_among(&self.series, &keys, of, &quantity(&of.name))
    }

    /// Fills every series' `partner` as [`Run::partner`] would, with the series grouped by
    /// quantity and kind first, so that pairing costs O(series) and not every series against every one.
    pub fn pair(&mut self) {
        let keys: Vec<String> = self.series.iter().map(|s| quantity(&s.name)).collect();
        // Each (quantity, kind, role)'s partner candidate, as [`partner_among`] picks it: the first
        // one not per-step, else the first — worked out once, so pairing is linear in series.
        let mut best: HashMap<(&str, Kind, Role), usize> = HashMap::new();
        for (i, (s, key)) in self.series.iter().zip(&keys).enumerate() {
            let b = best.entry((key.as_str(), s.kind, s.role)).or_insert(i);
            if step_granular(&self.series[*b].name) && !step_granular(&s.name) {
                *b = i;
            }
        }
        let partners: Vec<Option<String>> = self
            .series
            .iter()
            .zip(&keys)
            .map(|(s, key)| {
                sides(s.role)
                    .iter()
                    .find_map(|r| best.get(&(key.as_str(), s.kind, *r)))
                    .map(|&i| self.series[i].name.clone())
            })
            .collect();
        for (s, p) in self.series.iter_mut().zip(partners) {
            s.partner = p;
        }
    }
}

/// The roles a series of `role` pairs with, the preferred first.
fn sides(role: Role) -> &'static [Role] {
    match role {
        Role::Train => &[Role::Validation, Role::Test],
        Role::Validation | Role::Test => &[Role::Train],
        Role::Other => &[],
    }
}

/// [`Run::partner`] with every series' [`quantity`] worked out once (`keys[i]` is `series[i]`'s).
fn partner_among<'a>(
    series: &'a [Series],
    keys: &[String],
    of: &Series,
    key: &str,
) -> Option<&'a Series> {
    let sides = sides(of.role);
    series
        .iter()
        .zip(keys)
        .filter(|(s, k)| sides.contains(&s.role) && s.kind == of.kind && k.as_str() == key)
        .map(|(s, _)| s)
        .min_by_key(|s| (s.role != sides[0], step_granular(&s.name)))
}

/// Everything read from one drop of files (named so as not to shadow Rust's `Drop` trait).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dropped {
    pub runs: Vec<Run>,
    pub warnings: Vec<String>,
}

/// Role, kind and direction from a column name such as `val_loss`, `train/box_loss`,
/// `metrics/mAP50(B)`, `Validation Loss` or `eval_runtime`.
pub fn infer(name: &str) -> (Role, Kind, Direction) {
    let lower = name.trim().to_ascii_lowercase();
    let words = words(&lower);
    let has = |w: &str| words.contains(&w);
    let any_prefix = |ps: &[&str]| words.iter().any(|w| ps.iter().any(|p| w.starts_with(p)));
    let lower_rate = words.iter().any(|w| LOWER_RATES.contains(w));
    let kind = if lower.contains("learning_rate")
        || lower.contains("learning rate")
        || words.iter().any(|w| {
            w.strip_prefix("lr")
                .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
        }) {
        Kind::LearningRate
    } else if any_prefix(&["grad"]) && any_prefix(&["norm"]) {
        Kind::GradNorm
    } else if lower.contains("loss") || has("nll") || has("ce") || has("xent") {
        Kind::Loss
    } else if has("time") || has("runtime") || has("seconds") || has("duration") {
        Kind::Time
    } else if any_prefix(&LOWER_METRICS) || any_prefix(&HIGHER_METRICS) || lower_rate {
        Kind::Metric
    } else {
        Kind::Other
    };
    let direction = match kind {
        Kind::Loss => Direction::Lower,
        Kind::Metric if any_prefix(&LOWER_METRICS) || lower_rate => Direction::Lower,
        Kind::Metric => Direction::Higher,
        _ => Direction::Unknown,
    };
    let role = if matches!(kind, Kind::LearningRate | Kind::Time) {
        Role::Other
    } else if words
        .iter()
        .any(|w| ["val", "valid", "validation", "eval", "dev", "metrics"].contains(w))
    {
        Role::Validation
    } else if has("test") {
        Role::Test
    } else if kind == Kind::Other && !has("train") && !has("training") {
        Role::Other
    } else {
        Role::Train
    };
    (role, kind, direction)
}

/// Metric words (as word prefixes) where smaller is better.
const LOWER_METRICS: [&str; 11] = [
    "mae",
    "mse",
    "rmse",
    "rmspe",
    "mape",
    "error",
    "err",
    "perplexity",
    "ppl",
    "wer",
    "cer",
];

/// Whole words naming error rates and scores where smaller is better, too short to match as
/// prefixes: phone, translation-edit and match error rates, word information lost, equal error
/// rate, Fréchet inception distance, bits per dimension or character.
const LOWER_RATES: [&str; 8] = ["per", "ter", "mer", "wil", "eer", "fid", "bpd", "bpc"];

/// Metric words (as word prefixes) where larger is better.
const HIGHER_METRICS: [&str; 13] = [
    "acc",
    "top",
    "precision",
    "recall",
    "f1",
    "map",
    "ap",
    "auc",
    "iou",
    "bleu",
    "rouge",
    "dice",
    "r2",
];

/// The lower-case words of a name: split at `_`, `/`, `-`, spaces and punctuation.
fn words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// What a series measures with its role and granularity words removed: `val/box_loss` and
/// `train/box_loss` both give `box loss`; `train_loss_epoch` and `val_loss` both give `loss`.
fn quantity(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    let skip = [
        "train",
        "training",
        "val",
        "valid",
        "validation",
        "eval",
        "test",
        "dev",
        "epoch",
        "step",
        "metrics",
    ];
    words(&lower)
        .into_iter()
        .filter(|w| !skip.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a name is a per-step variant (`train_loss_step`), which pairs only when nothing else does.
fn step_granular(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with("_step") || lower.ends_with("/step")
}
