//! Which series go in which panel, and which colour each one gets.

use std::collections::{HashMap, HashSet};

use crate::analysis::RunReport;
use crate::model::{Direction, Kind, Role, Run, Series};

/// What a panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelKind {
    /// The monitored series and its train/validation partner.
    Monitor,
    /// The run's other losses.
    Losses,
    /// One task metric (train and validation together).
    Metric,
    /// The metrics beyond the first few, together.
    OtherMetrics,
    LearningRate,
    /// Gradient norm, always on a log axis.
    GradNorm,
}

/// One stacked panel: its title and the indices of its series in `run.series`.
#[derive(Debug, Clone)]
pub struct Panel {
    pub kind: PanelKind,
    pub title: String,
    pub series: Vec<usize>,
    /// Where the legend goes: away from where the curves usually end.
    pub direction: Direction,
}

/// Metric families with a panel each; the rest share one.
const METRIC_PANELS: usize = 3;

/// The panels of a run, top to bottom. Series of kind `Time` and `Other` are not drawn unless monitored.
pub fn panels(run: &Run, report: &RunReport) -> Vec<Panel> {
    let mut used = vec![false; run.series.len()];
    let mut out: Vec<Panel> = monitor_panel(run, report, &mut used).into_iter().collect();
    let losses = take(run, &mut used, |s| s.kind == Kind::Loss);
    out.extend(nonempty(
        PanelKind::Losses,
        "losses",
        losses,
        Direction::Lower,
    ));
    out.extend(metric_panels(run, &mut used));
    let lr = take(run, &mut used, |s| s.kind == Kind::LearningRate);
    out.extend(nonempty(
        PanelKind::LearningRate,
        "learning rate",
        lr,
        Direction::Lower,
    ));
    let grad = take(run, &mut used, |s| s.kind == Kind::GradNorm);
    out.extend(nonempty(
        PanelKind::GradNorm,
        "gradient norm",
        grad,
        Direction::Lower,
    ));
    if out.is_empty() {
        let rest = take(run, &mut used, |s| s.kind != Kind::Time);
        out.extend(nonempty(
            PanelKind::Losses,
            "series",
            rest,
            Direction::Unknown,
        ));
    }
    out
}

/// A panel of `series`, unless there are none.
fn nonempty(
    kind: PanelKind,
    title: &str,
    series: Vec<usize>,
    direction: Direction,
) -> Option<Panel> {
    (!series.is_empty()).then(|| Panel {
        kind,
        title: title.to_string(),
        series,
        direction,
    })
}

/// The monitored series with the series of its family and kind (its train/validation twins).
fn monitor_panel(run: &Run, report: &RunReport, used: &mut [bool]) -> Option<Panel> {
    let m = report
        .monitor
        .as_deref()
        .and_then(|m| run.series.iter().position(|s| s.name == m))?;
    let fam = family(&run.series[m].name);
    let members: Vec<usize> = (0..run.series.len())
        .filter(|&i| {
            i == m
                || (run.series[i].kind == run.series[m].kind && family(&run.series[i].name) == fam)
        })
        .collect();
    for &i in &members {
        used[i] = true;
    }
    Some(Panel {
        kind: PanelKind::Monitor,
        title: run.series[m].name.clone(),
        series: ordered(run, members),
        direction: run.series[m].direction,
    })
}

/// One panel per metric family in order of appearance; past [`METRIC_PANELS`] families, the
/// rest share one "other metrics" panel.
fn metric_panels(run: &Run, used: &mut [bool]) -> Vec<Panel> {
    let mut families: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for s in run.series.iter().filter(|s| s.kind == Kind::Metric) {
        let f = family(&s.name);
        if seen.insert(f.clone()) {
            families.push(f);
        }
    }
    let mut out = Vec::new();
    for (n, f) in families.iter().enumerate() {
        if n + 1 == METRIC_PANELS && families.len() > METRIC_PANELS {
            let rest = take(run, used, |s| s.kind == Kind::Metric);
            out.extend(nonempty(
                PanelKind::OtherMetrics,
                "other metrics",
                rest,
                Direction::Higher,
            ));
            break;
        }
        let members = take(run, used, |s| {
            s.kind == Kind::Metric && family(&s.name) == *f
        });
        if let Some(&first) = members.first() {
            out.push(Panel {
                kind: PanelKind::Metric,
                title: f.clone(),
                direction: run.series[first].direction,
                series: members,
            });
        }
    }
    out
}

/// Marks and returns the unused series matching `pred`, validation first.
fn take(run: &Run, used: &mut [bool], pred: impl Fn(&Series) -> bool) -> Vec<usize> {
    let picked: Vec<usize> = (0..run.series.len())
        .filter(|&i| !used[i] && pred(&run.series[i]))
        .collect();
    for &i in &picked {
        used[i] = true;
    }
    ordered(run, picked)
}

/// `idx` (ascending) with the validation series first, each part still ascending.
fn ordered(run: &Run, idx: Vec<usize>) -> Vec<usize> {
    let (mut validation, rest): (Vec<usize>, Vec<usize>) = idx
        .into_iter()
        .partition(|&i| run.series[i].role == Role::Validation);
    validation.extend(rest);
    validation
}

/// The name without its train/validation prefix or step/epoch suffix: `val_loss` and `loss` are one family.
pub fn family(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    let mut bare = lower.as_str();
    for prefix in [
        "validation_",
        "validation/",
        "valid_",
        "valid/",
        "val_",
        "val/",
        "eval_",
        "eval/",
        "train_",
        "train/",
        "test_",
        "test/",
    ] {
        if let Some(rest) = bare.strip_prefix(prefix) {
            bare = rest;
            break;
        }
    }
    for suffix in ["_epoch", "_step"] {
        if let Some(rest) = bare.strip_suffix(suffix) {
            bare = rest;
        }
    }
    bare.to_string()
}

/// The palette slot of each series' family, in order of first appearance.
pub fn color_slots(run: &Run) -> Vec<usize> {
    let mut families: HashMap<String, usize> = HashMap::new();
    run.series
        .iter()
        .map(|s| {
            let next = families.len();
            *families.entry(family(&s.name)).or_insert(next)
        })
        .collect()
}
