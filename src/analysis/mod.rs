//! Pure numbers on the model: which series to watch, and what its curve says.

pub mod disagreement;
pub mod divergence;
pub mod early_stopping;
pub mod extrapolation;
pub mod gradients;
pub mod levels;
pub mod noise;
pub mod overfitting;
pub mod qualifiers;
pub mod schedule;
pub mod trend;
mod verdict;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::ingest::Dialect;
use crate::model::{Direction, Kind, Role, Run, Series};

pub use crate::model::SeriesInfo;
pub use early_stopping::Emulation;
pub use qualifiers::Qualifier;
pub use verdict::{fmt_v, significant, Details, Orientation, Verdict};

/// The verdict for one run and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunReport {
    pub name: String,
    pub source: String,
    pub dialect: Dialect,
    /// The series the verdict is about (`None` when the run has nothing to judge).
    pub monitor: Option<String>,
    pub direction: Direction,
    pub verdict: Verdict,
    pub qualifiers: Vec<Qualifier>,
    pub best: Option<Point>,
    pub evidence: Vec<String>,
    pub advice: String,
    pub series: Vec<SeriesInfo>,
    pub segments: Vec<Segment>,
    /// Points worth marking on the chart (best epoch, overfitting onset, spikes, NaN, restarts, LR drops).
    pub markers: Vec<Marker>,
    /// Stretches worth shading on the chart (plateau, overfitting).
    pub regions: Vec<Region>,
    /// Where the monitored curve is heading if training continues ("train longer?").
    pub projection: Option<Projection>,
    /// What Keras / Lightning early stopping and PyTorch ReduceLROnPlateau would have done.
    pub early_stopping: Vec<Emulation>,
    /// The numbers behind the verdict (trend, fits, Prechelt's criteria, divergence, gradients, LR cuts).
    pub details: Details,
    /// What the log says about the run besides curves (hyper-parameters, event file version): `Run::info`.
    /// Left out of JSON when empty.
    #[serde(default)]
    pub info: Vec<(String, String)>,
}

/// Written by hand for one difference from the derived form: `info` is left out when empty in
/// human-readable formats (the JSON and the page's objects) but always written in binary ones (the
/// worker's report to the page's module), which read fields by position.
impl Serialize for RunReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let info = !self.info.is_empty() || !s.is_human_readable();
        let mut r = s.serialize_struct("RunReport", 17 + usize::from(info))?;
        r.serialize_field("name", &self.name)?;
        r.serialize_field("source", &self.source)?;
        r.serialize_field("dialect", &self.dialect)?;
        r.serialize_field("monitor", &self.monitor)?;
        r.serialize_field("direction", &self.direction)?;
        r.serialize_field("verdict", &self.verdict)?;
        r.serialize_field("qualifiers", &self.qualifiers)?;
        r.serialize_field("best", &self.best)?;
        r.serialize_field("evidence", &self.evidence)?;
        r.serialize_field("advice", &self.advice)?;
        r.serialize_field("series", &self.series)?;
        r.serialize_field("segments", &self.segments)?;
        r.serialize_field("markers", &self.markers)?;
        r.serialize_field("regions", &self.regions)?;
        r.serialize_field("projection", &self.projection)?;
        r.serialize_field("early_stopping", &self.early_stopping)?;
        r.serialize_field("details", &self.details)?;
        if info {
            r.serialize_field("info", &self.info)?;
        } else {
            r.skip_field("info")?;
        }
        r.end()
    }
}

/// What a marker marks (serialised as the word: `best`, `overfit_onset`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    Best,
    OverfitOnset,
    Spike,
    Nan,
    Restart,
    LrDrop,
    ClipThreshold,
}

impl MarkerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkerKind::Best => "best",
            MarkerKind::OverfitOnset => "overfit_onset",
            MarkerKind::Spike => "spike",
            MarkerKind::Nan => "nan",
            MarkerKind::Restart => "restart",
            MarkerKind::LrDrop => "lr_drop",
            MarkerKind::ClipThreshold => "clip_threshold",
        }
    }
}

impl PartialEq<&str> for MarkerKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What a shaded region is (serialised as the word).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    Plateau,
    Overfitting,
}

impl RegionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionKind::Plateau => "plateau",
            RegionKind::Overfitting => "overfitting",
        }
    }
}

/// A point the chart marks, on the named series (or across the run when `series` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    pub kind: MarkerKind,
    pub series: Option<String>,
    pub x: f64,
    pub value: Option<f64>,
    /// A short label for the chart and the hover read-out.
    pub label: String,
}

/// A stretch of x the chart shades: `plateau` or `overfitting`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub kind: RegionKind,
    pub start: f64,
    pub end: f64,
}

/// The fitted continuation of the monitored series with its uncertainty band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    pub series: String,
    pub x: Vec<f64>,
    pub mid: Vec<f64>,
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

/// An (x, value) pair such as the best epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub value: f64,
}

/// A stretch of x one session of the monitored series covers (a resumed run has several).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub start: f64,
    pub end: f64,
}

/// Options a user can set.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Judge this series instead of the default choice.
    pub monitor: Option<String>,
    /// Groups made by hand, as run indices; their runs leave any fold/seed group found by name, and
    /// a run listed in several joins only the first that keeps two runs.
    pub groups: Vec<Vec<usize>>,
}

impl Options {
    /// The options that judge `monitor` (the default choice when `None`), with no groups by hand.
    pub fn monitoring(monitor: Option<String>) -> Options {
        Options {
            monitor,
            ..Options::default()
        }
    }
}

/// Analyses one run on its own.
pub fn analyze_run(run: &Run, options: &Options) -> RunReport {
    let monitor = pick_monitor(run, options.monitor.as_deref());
    // Every session left in a run was resumed (fresh starts became runs of their own when the drop
    // was read), so the whole spliced history is judged; its restarts are marked.
    let judged = monitor.map(|m| {
        let restarts: Vec<f64> = m.restarts.iter().map(|&i| m.x[i]).collect();
        verdict::judge(run, m, train_partner(run, m), &restarts)
    });
    let series = run.series.iter().map(Series::info).collect();
    let segments = monitor.map_or_else(Vec::new, segments);
    let base = |monitor: Option<&Series>| RunReport {
        name: run.name.clone(),
        source: run.source.clone(),
        dialect: run.dialect,
        monitor: monitor.map(|m| m.name.clone()),
        direction: monitor.map_or(Direction::Unknown, |m| m.direction),
        verdict: Verdict::Insufficient,
        qualifiers: Vec::new(),
        best: None,
        evidence: vec!["no loss or metric series to judge".to_string()],
        advice: "log a loss or a validation metric per epoch".to_string(),
        series,
        segments,
        markers: Vec::new(),
        regions: Vec::new(),
        projection: None,
        early_stopping: Vec::new(),
        details: Details::default(),
        info: run.info.clone(),
    };
    match judged {
        Some(j) => RunReport {
            verdict: j.verdict,
            qualifiers: j.qualifiers,
            best: j.best,
            evidence: j.evidence,
            advice: j.advice,
            markers: j.markers,
            regions: j.regions,
            projection: j.projection,
            early_stopping: j.early_stopping,
            details: j.details,
            ..base(monitor)
        },
        None => base(None),
    }
}

/// The requested series, else the one the framework picked its best checkpoint by (the run
/// info's [`crate::model::MONITOR`]), else validation loss, else a validation metric, else a test-split loss
/// or metric (the only held-out signal when no validation is logged), else training loss.
/// Among several losses of one role the overall one (see [`is_overall_loss`]) is preferred.
pub fn pick_monitor<'a>(run: &'a Run, requested: Option<&str>) -> Option<&'a Series> {
    if let Some(name) = requested {
        if let Some(s) = run.series(name) {
            return Some(s);
        }
    }
    let framework = run
        .info
        .iter()
        .find(|(k, _)| k == crate::model::MONITOR)
        .and_then(|(_, name)| run.series(name))
        .filter(|s| can_monitor(s));
    if framework.is_some() {
        return framework;
    }
    let find = |role: Role, kind: Kind| {
        run.series
            .iter()
            .filter(|s| s.role == role && s.kind == kind && can_monitor(s))
            .min_by_key(|s| !is_overall_loss(&s.name))
    };
    find(Role::Validation, Kind::Loss)
        .or_else(|| find(Role::Validation, Kind::Metric))
        .or_else(|| find(Role::Test, Kind::Loss))
        .or_else(|| find(Role::Test, Kind::Metric))
        .or_else(|| find(Role::Train, Kind::Loss))
        .or_else(|| find(Role::Train, Kind::Metric))
}

/// Whether a verdict can be about `series`: it has a better direction (inferred or set by hand)
/// and is not a schedule or a clock (learning rate, time), which training sets rather than improves.
pub fn can_monitor(series: &Series) -> bool {
    series.direction != Direction::Unknown
        && !matches!(series.kind, Kind::LearningRate | Kind::Time)
}

/// The series of `run` a user may pick to be judged (the page's Monitor menu), in log order:
/// those [`can_monitor`] allows, plus `monitored` (the series judged now, which a request may name
/// whatever it is) so that the menu always shows the truth.
pub fn monitorable<'a>(run: &'a Run, monitored: Option<&str>) -> Vec<&'a Series> {
    run.series
        .iter()
        .filter(|s| can_monitor(s) || monitored == Some(s.name.as_str()))
        .collect()
}

/// The run's training loss: the overall one when it also logs components (detectron2's
/// `total_loss` next to `loss_box_reg`, `loss_cls`, …).
pub fn training_loss(run: &Run) -> Option<&Series> {
    run.series
        .iter()
        .filter(|s| s.role == Role::Train && s.kind == Kind::Loss)
        .min_by_key(|s| !is_overall_loss(&s.name))
}

/// Words that say which split, aggregate or logging cadence a loss is, not which loss it is.
const LOSS_DECORATIONS: [&str; 11] = [
    "train",
    "training",
    "val",
    "valid",
    "validation",
    "eval",
    "epoch",
    "step",
    "total",
    "avg",
    "mean",
];

/// Whether a name is the overall objective (`loss`, `total_loss`, `train_loss_epoch`,
/// `Validation Loss`) rather than one component of it (`loss_box_reg`, `box_loss`, `ce`).
pub fn is_overall_loss(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let mut words = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !LOSS_DECORATIONS.contains(w));
    words.next() == Some("loss") && words.next().is_none()
}

/// The training series measuring the same thing as a validation monitor (`val_loss` → `loss`);
/// for a validation loss without a namesake (`holdout_loss`), the run's training loss.
fn train_partner<'a>(run: &'a Run, monitor: &Series) -> Option<&'a Series> {
    if !monitor.role.held_out() {
        return None;
    }
    run.partner(monitor)
        .filter(|p| p.role == Role::Train)
        .or_else(|| {
            (monitor.kind == Kind::Loss)
                .then(|| training_loss(run))
                .flatten()
        })
}

/// The stretches of x the monitored series' sessions cover (one for a run never resumed).
fn segments(monitor: &Series) -> Vec<Segment> {
    monitor
        .segments()
        .into_iter()
        .filter_map(|r| {
            let xs = monitor.x[r].iter().filter(|v| v.is_finite());
            let (start, end) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(*x), b.max(*x))
            });
            start.is_finite().then_some(Segment { start, end })
        })
        .collect()
}
