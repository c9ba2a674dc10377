//! Putting a drop's files together into runs, by the folders they came in.
//!
//! Files are named by their path relative to where the user picked or dropped (the page passes
//! `webkitRelativePath` or the directory entry's path; the CLI the path under the folder given).
//! Event files, MLflow metric files, `hparams.yaml` and MLflow's `meta.yaml`/`params/` belong to the
//! run of their folder, as `tensorboard --logdir` and `mlflow ui` see them:
//!
//! | folder layout | one run per | series |
//! |---|---|---|
//! | Lightning `version_N/` (events, `metrics.csv`, `hparams.yaml`) | `version_N` | the CSV's, then tags it lacks |
//! | Keras `<run>/train/` + `<run>/validation/` | `<run>` | `epoch_loss` → `loss` / `val_loss` (against epochs) |
//! | Hugging Face Trainer `runs/<date>_<host>/` | folder | `train/loss` → `loss`, `eval/loss` → `eval_loss` |
//! | MLflow `mlruns/<experiment>/<run>/` | run (named by `run_name`) | one per `metrics/<name>` |
//! | any folder holding event files | folder path | one per tag |
//!
//! In a folder drop, a file that cannot be read as a log (a checkpoint, an image, a config) is
//! skipped and counted in a warning; in a drop of single files it stays an error.

use std::collections::{HashMap, HashSet};

use super::events::Scalars;
use super::{first_few, hf_trainer, Dialect};
use crate::error::Error;
use crate::model::{Axis, Dropped, Run, Series};

/// What one file of a drop gave.
#[derive(Clone)]
pub enum Piece {
    /// Runs read by a text dialect.
    Runs(Vec<Run>),
    /// An event file's scalars.
    Events(Scalars),
    /// One MLflow metric.
    Metric(Series),
    /// Hyper-parameters for the run of the file's folder (`hparams.yaml`, MLflow `params/`).
    Details(Vec<(String, String)>),
    /// The name of the run of the file's folder (MLflow `meta.yaml`, `tags/mlflow.runName`).
    Name(String),
    /// A file that belongs to a log folder but holds no curve (an experiment's `meta.yaml`).
    Nothing,
    /// The `meta.yaml` of an MLflow run deleted in the UI or API (`lifecycle_stage: deleted`): the
    /// file store keeps its folder, `mlflow ui` hides it, and so does the drop.
    Deleted,
}

/// A drop's files, collected as they are read, then put together by [`Gather::finish`].
#[derive(Clone, Default)]
pub struct Gather {
    /// Whether the files came as folders: unreadable files are then skipped, not errors.
    pub folder: bool,
    pieces: Vec<(String, Piece)>,
    skipped: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

/// The runs of one folder, as they are collected.
#[derive(Default)]
struct Group {
    dir: String,
    sources: Vec<String>,
    /// Series in order of first appearance, and where each name is.
    series: Vec<(String, Axis, Vec<f64>, Vec<f64>)>,
    index: HashMap<String, usize>,
    /// The most often logged tag's (step, wall time): the run's clock.
    clock: Option<(Axis, Vec<f64>, Vec<f64>)>,
    details: Vec<(String, String)>,
    name: Option<String>,
    dialect: Option<Dialect>,
    /// A deleted MLflow run (see [`Piece::Deleted`]).
    deleted: bool,
    /// Series from a text log (Lightning `metrics.csv`): their names win over event tags.
    csv: Vec<Series>,
    /// Details came from a side file (`hparams.yaml`, MLflow `params/`), not an event file.
    side_file: bool,
}

impl Gather {
    pub fn new(folder: bool) -> Gather {
        Gather {
            folder,
            ..Gather::default()
        }
    }

    /// Takes one file's outcome: an error ends the drop, unless the file came in a folder (a
    /// damaged event file is then a warning naming the record, other files are counted).
    pub fn add(&mut self, name: &str, outcome: Result<Piece, Error>) -> Result<(), Error> {
        match outcome {
            Ok(piece) => self.pieces.push((name.to_string(), piece)),
            Err(e @ Error::Record { .. }) if self.folder => {
                let sentence = e.to_string();
                let sentence = sentence.trim_end_matches('.');
                self.warnings.push(format!("{sentence}: skipped"));
            }
            Err(e) if self.folder => self.skipped.push((name.to_string(), e.to_string())),
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// The drop: runs grouped by folder, and a warning counting the files skipped.
    pub fn finish(mut self) -> Result<Dropped, Error> {
        if self.folder {
            self.pieces.sort_by(|a, b| a.0.cmp(&b.0));
        }
        let root = root(self.pieces.iter().map(|(n, _)| n.as_str()), self.folder).to_string();
        let root = root.as_str();
        let mut drop = Dropped {
            runs: Vec::new(),
            warnings: std::mem::take(&mut self.warnings),
        };
        let mut groups = Groups::default();
        let mut texts = Texts::default();
        for (name, piece) in self.pieces {
            let dir = folder_of(&name);
            match piece {
                Piece::Runs(runs) => {
                    let lightning = runs.len() == 1 && runs[0].dialect == Dialect::Lightning;
                    if self.folder && lightning {
                        let g = groups.get(dir);
                        g.sources.push(name);
                        g.dialect = Some(Dialect::Lightning);
                        g.csv.extend(runs.into_iter().flat_map(|r| r.series));
                    } else {
                        let rel = relative(dir, root);
                        for mut run in runs {
                            if self.folder && !rel.is_empty() {
                                run.name = format!("{rel}/{}", run.name);
                            }
                            texts.add(run);
                        }
                    }
                }
                Piece::Events(scalars) => {
                    let (dir, side) = keras_side(dir);
                    let g = groups.get(dir);
                    g.take_events(scalars, side);
                    g.sources.push(name);
                }
                Piece::Metric(series) => {
                    let run = super::mlflow::metric_path(&name).map_or("", |(r, _)| r);
                    let g = groups.get(run);
                    g.dialect = Some(Dialect::Mlflow);
                    g.sources.push(name);
                    g.add(series.name, series.axis, series.x, series.y);
                }
                Piece::Details(pairs) => {
                    let run = mlflow_run(&name).unwrap_or(dir);
                    let g = groups.get(run);
                    if name.rsplit('/').next() == Some("hparams.yaml") {
                        g.dialect.get_or_insert(Dialect::Lightning);
                    }
                    g.side_file = true;
                    g.details.extend(pairs);
                }
                Piece::Name(run_name) => {
                    let run = mlflow_run(&name).unwrap_or(dir);
                    groups.get(run).name = Some(run_name);
                }
                Piece::Deleted => {
                    let run = mlflow_run(&name).unwrap_or(dir);
                    groups.get(run).deleted = true;
                }
                Piece::Nothing => {}
            }
        }
        let skipped_in: HashSet<&str> = self.skipped.iter().map(|(n, _)| folder_of(n)).collect();
        groups.lift_side_details(&skipped_in);
        let mut deleted = Vec::new();
        for g in groups.list {
            // A deleted experiment's runs are moved under `mlruns/.trash/`.
            if g.deleted
                || (g.dialect == Some(Dialect::Mlflow) && g.dir.split('/').any(|c| c == ".trash"))
            {
                deleted.push(g.dir);
                continue;
            }
            if let Some(run) = g.into_run(root, &mut drop.warnings) {
                drop.runs.push(run);
            }
        }
        drop.runs.extend(texts.finish());
        if !deleted.is_empty() {
            drop.warnings.push(format!(
                "{} deleted MLflow run{} skipped, as `mlflow ui` hides them: {}",
                deleted.len(),
                if deleted.len() == 1 { "" } else { "s" },
                first_few(deleted.iter().cloned())
            ));
        }
        let skipped = self.skipped.len();
        if drop.runs.is_empty() {
            let first = match self.skipped.first() {
                Some((_, why)) => why.trim_end_matches('.').to_string(),
                None if drop.warnings.is_empty() => "no file holds a scalar curve".to_string(),
                None => drop.warnings.join("; "),
            };
            return Err(Error::NoLog { skipped, first });
        }
        if skipped > 0 {
            let names: Vec<String> = self.skipped.into_iter().map(|(n, _)| n).collect();
            drop.warnings.push(format!(
                "{skipped} file{} in the folder {} not a training log and {} skipped: {}",
                if skipped == 1 { "" } else { "s" },
                if skipped == 1 { "is" } else { "are" },
                if skipped == 1 { "was" } else { "were" },
                first_few(names.into_iter())
            ));
        }
        Ok(drop)
    }
}

/// Runs read by text dialects, in drop order; a run of a dialect whose files join (a TensorBoard
/// CSV export, W&B) whose name is already there from another file (its other tags, its val export)
/// is merged into it.
#[derive(Default)]
struct Texts {
    runs: Vec<Run>,
    /// By dialect name and run name: an event file's run and a CSV export of the same run (both
    /// `tensorboard`) are one.
    joined: HashMap<(&'static str, String), Joined>,
}

/// A run other files join: where it is, its files and its series' names.
struct Joined {
    at: usize,
    sources: Vec<String>,
    series: HashSet<String>,
}

impl Texts {
    fn add(&mut self, run: Run) {
        if !run.dialect.joins() {
            self.runs.push(run);
            return;
        }
        let key = (run.dialect.name(), run.name.clone());
        match self.joined.get_mut(&key) {
            Some(joined) => {
                if !joined.sources.contains(&run.source) {
                    joined.sources.push(run.source);
                }
                // A series the run already has (the shared wall-time clock, or the same file
                // dropped twice) is kept once.
                let existing = &mut self.runs[joined.at];
                for series in run.series {
                    if joined.series.insert(series.name.clone()) {
                        existing.series.push(series);
                    }
                }
            }
            None => {
                let joined = Joined {
                    at: self.runs.len(),
                    sources: vec![run.source.clone()],
                    series: run.series.iter().map(|s| s.name.clone()).collect(),
                };
                self.joined.insert(key, joined);
                self.runs.push(run);
            }
        }
    }

    fn finish(mut self) -> Vec<Run> {
        for joined in self.joined.into_values() {
            self.runs[joined.at].source = joined.sources.join(", ");
        }
        self.runs
    }
}

/// The groups of a drop in order of first appearance, found by folder.
#[derive(Default)]
struct Groups {
    list: Vec<Group>,
    by_dir: HashMap<String, usize>,
}

impl Groups {
    fn get(&mut self, dir: &str) -> &mut Group {
        let list = &mut self.list;
        let i = *self.by_dir.entry(dir.to_string()).or_insert_with(|| {
            list.push(Group {
                dir: dir.to_string(),
                ..Group::default()
            });
            list.len() - 1
        });
        &mut self.list[i]
    }

    /// `SummaryWriter.add_hparams` (which Hugging Face's `TensorBoardCallback` calls) writes the
    /// hyper-parameters into an event file in a sub-folder of the run, with no curve: a sub-folder
    /// whose event files hold only hyper-parameters gives them to the run of its parent folder (and
    /// no warning of its own). Not when a side file (`hparams.yaml`, MLflow `params/`) gave them,
    /// nor when a file in that folder was skipped: that may have been another run's log.
    fn lift_side_details(&mut self, skipped_in: &HashSet<&str>) {
        let curves = |g: &Group| !g.series.is_empty() || !g.csv.is_empty();
        let lifts: Vec<(usize, usize)> = (0..self.list.len())
            .filter_map(|i| {
                let g = &self.list[i];
                if curves(g)
                    || g.details.is_empty()
                    || g.dir.is_empty()
                    || g.side_file
                    || skipped_in.contains(g.dir.as_str())
                {
                    return None;
                }
                let parent = *self.by_dir.get(folder_of(&g.dir))?;
                (parent != i && curves(&self.list[parent])).then_some((i, parent))
            })
            .collect();
        for (child, parent) in lifts {
            let details = std::mem::take(&mut self.list[child].details);
            self.list[child].sources.clear();
            self.list[parent].details.extend(details);
        }
    }
}

/// The folder part of a path ("" for a bare file name).
fn folder_of(name: &str) -> &str {
    name.rsplit_once(['/', '\\']).map_or("", |(dir, _)| dir)
}

/// The folder every file of a folder drop lies in (the one the user picked), if there is one.
fn root<'a>(mut names: impl Iterator<Item = &'a str>, folder: bool) -> &'a str {
    if !folder {
        return "";
    }
    let first_component = |n: &'a str| n.split_once('/').map(|(top, _)| top);
    let Some(top) = names.next().and_then(first_component) else {
        return "";
    };
    if names.all(|n| first_component(n) == Some(top)) {
        top
    } else {
        ""
    }
}

/// A folder's path under the root.
fn relative<'a>(dir: &'a str, root: &str) -> &'a str {
    if root.is_empty() {
        return dir;
    }
    match dir.strip_prefix(root) {
        Some(rest) => rest.trim_start_matches('/'),
        None => dir,
    }
}

/// Which side of a Keras run a folder holds: `<run>/train` and `<run>/validation` are one run.
fn keras_side(dir: &str) -> (&str, Option<&'static str>) {
    let (parent, last) = dir.rsplit_once('/').unwrap_or(("", dir));
    match last {
        "train" => (parent, Some("train")),
        "validation" => (parent, Some("validation")),
        _ => (dir, None),
    }
}

/// The MLflow run folder of a `meta.yaml`, `params/<name>` or `tags/<name>` file.
fn mlflow_run(name: &str) -> Option<&str> {
    ["/params/", "/tags/"]
        .iter()
        .find_map(|m| name.rsplit_once(m).map(|(run, _)| run))
        .or_else(|| name.strip_suffix("/meta.yaml"))
}

impl Group {
    fn add(&mut self, name: String, axis: Axis, x: Vec<f64>, y: Vec<f64>) {
        match self.index.get(&name) {
            Some(&i) => {
                self.series[i].2.extend(x);
                self.series[i].3.extend(y);
            }
            None => {
                self.index.insert(name.clone(), self.series.len());
                self.series.push((name, axis, x, y));
            }
        }
    }

    /// An event file's tags, renamed as the writer's own CSV or JSON log names them.
    fn take_events(&mut self, scalars: Scalars, side: Option<&'static str>) {
        let hf = hf_names(&scalars);
        if side.is_some() {
            self.dialect = Some(Dialect::Keras);
        } else if hf && self.dialect.is_none() {
            self.dialect = Some(Dialect::HfTrainer);
        }
        self.details.extend(scalars.details);
        for tag in scalars.tags {
            let renamed = match side {
                Some(side) => keras_name(side, &tag.name),
                None if hf => hf_name(&tag.name),
                None => Some((tag.name.clone(), Axis::Step)),
            };
            let Some((name, axis)) = renamed else {
                continue;
            };
            let longer = self
                .clock
                .as_ref()
                .map_or(true, |(_, x, _)| x.len() < tag.step.len());
            if longer && (side.is_none() || axis == Axis::Epoch) {
                self.clock = Some((axis, tag.step.clone(), tag.wall));
            }
            self.add(name, axis, tag.step, tag.value);
        }
    }

    fn into_run(self, root: &str, warnings: &mut Vec<String>) -> Option<Run> {
        if self.series.is_empty() && self.csv.is_empty() {
            if !self.sources.is_empty() {
                warnings.push(format!(
                    "{}: no scalar curves (only images, histograms, text, graphs or hyper-parameters): skipped",
                    self.sources.join(", ")
                ));
            }
            return None;
        }
        let rel = relative(&self.dir, root);
        let name = self.name.unwrap_or_else(|| match (rel, root) {
            ("", "") => self
                .dialect
                .unwrap_or(Dialect::TensorBoard)
                .name()
                .to_string(),
            ("", root) => root.rsplit('/').next().unwrap_or(root).to_string(),
            (rel, _) => rel.to_string(),
        });
        let mut series = self.csv;
        let mut names: HashSet<String> = series.iter().map(|s| s.name.clone()).collect();
        for (n, axis, x, y) in self.series {
            if names.insert(n.clone()) {
                let (x, y) = without_repeats(x, y, |a, b| a.to_bits() == b.to_bits());
                series.push(Series::named(&n, axis, x, y));
            }
        }
        if let Some((axis, x, t)) = self.clock.filter(|(_, x, _)| x.len() >= 2) {
            if !names.contains("wall time") {
                let (x, t) = without_repeats(x, t, |_, _| true);
                series.push(Series::named("wall time", axis, x, t));
            }
        }
        let mut details: Vec<(String, String)> = Vec::with_capacity(self.details.len());
        let mut seen = HashSet::new();
        for (k, v) in self.details {
            if seen.insert(k.clone()) {
                details.push((k, v));
            }
        }
        let dialect = self.dialect.unwrap_or(
            if self.dir.ends_with(|c: char| c.is_ascii_digit())
                && folder_of(&self.dir).ends_with("lightning_logs")
            {
                Dialect::Lightning
            } else {
                Dialect::TensorBoard
            },
        );
        let mut run = Run::new(&name, &self.sources.join(", "), dialect, series);
        run.info = details;
        Some(run)
    }
}

/// The points without repeats of the step before whose values `same` (Lightning logs `epoch`
/// twice at a validation step; a Trainer's `evaluate()` re-logs the last evaluation): a repeat is
/// no restart.
fn without_repeats(
    x: Vec<f64>,
    y: Vec<f64>,
    same: impl Fn(f64, f64) -> bool,
) -> (Vec<f64>, Vec<f64>) {
    let mut kept: (Vec<f64>, Vec<f64>) = (Vec::with_capacity(x.len()), Vec::with_capacity(y.len()));
    for (x, y) in x.into_iter().zip(y) {
        let repeat = kept.0.last() == Some(&x) && kept.1.last().is_some_and(|&l| same(l, y));
        if !repeat {
            kept.0.push(x);
            kept.1.push(y);
        }
    }
    kept
}

/// Keras's names: `epoch_loss` in `train/` is `loss`, in `validation/` `val_loss` (per epoch, as
/// `CSVLogger` writes them); other tags keep their folder as a prefix.
fn keras_name(side: &str, tag: &str) -> Option<(String, Axis)> {
    Some(match (side, tag.strip_prefix("epoch_")) {
        ("train", Some(m)) => (m.to_string(), Axis::Epoch),
        (_, Some(m)) => (format!("val_{m}"), Axis::Epoch),
        (side, None) => (format!("{side}/{tag}"), Axis::Step),
    })
}

/// Whether tags are the Hugging Face Trainer's (`train/epoch` with every tag under `train/` or
/// `eval/`).
fn hf_names(scalars: &Scalars) -> bool {
    scalars.tags.iter().any(|t| t.name == "train/epoch")
        && scalars
            .tags
            .iter()
            .all(|t| t.name.starts_with("train/") || t.name.starts_with("eval/"))
}

/// The `trainer_state.json` key of a Trainer tag (`eval/loss` → `eval_loss`); the epoch, FLOPs
/// and end-of-training summary (`train/train_runtime`, …) are not curves there and not here.
fn hf_name(tag: &str) -> Option<(String, Axis)> {
    let name = match tag.strip_prefix("train/") {
        Some(key) => key.to_string(),
        None => tag.replacen('/', "_", 1),
    };
    let summary = name.starts_with("train_");
    (!summary && !hf_trainer::NOT_SERIES.contains(&name.as_str())).then_some((name, Axis::Step))
}
