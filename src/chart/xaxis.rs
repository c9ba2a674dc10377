//! The x-axis a user picked: the log's own (epoch, step, …), epochs when a log written against
//! steps also logs its epoch, or relative wall time when the run logs a time column.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::model::{Kind, Run, Series};

/// Which x the chart uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum XAxis {
    /// The x the log was written against.
    #[default]
    Native,
    /// Seconds since the first time stamp of the run's time column.
    WallTime,
    /// The run's `epoch` column, for logs written against steps (Lightning).
    Epoch,
}

/// The x-axes run offers, each with its axis title.
pub fn choices(run: &Run) -> Vec<(XAxis, String)> {
    let native = run
        .series
        .iter()
        .find(|s| s.kind != Kind::Time)
        .map_or("x", |s| s.axis.word());
    let mut out = vec![(XAxis::Native, native.to_string())];
    if native != "epoch" && epochs(run).is_some() {
        out.push((XAxis::Epoch, "epoch".to_string()));
    }
    if clock(run).is_some() {
        out.push((XAxis::WallTime, "wall time (s)".to_string()));
    }
    out
}

/// The index of the run's epoch column (kept as a series of kind `other` against steps), when
/// it has two points.
fn epochs(run: &Run) -> Option<usize> {
    run.series.iter().position(|s| {
        s.kind == Kind::Other && s.name.eq_ignore_ascii_case("epoch") && two_finite(&s.y)
    })
}

/// The index of the run's time column, when it has one with at least two finite points.
fn clock(run: &Run) -> Option<usize> {
    run.series
        .iter()
        .position(|s| s.kind == Kind::Time && two_finite(&s.y))
}

/// Whether `values` holds at least two finite values (looking no further than the second).
fn two_finite(values: &[f64]) -> bool {
    values.iter().filter(|v| v.is_finite()).nth(1).is_some()
}

/// (step, epoch) rows → where each epoch starts, plus the end of the last one, so that steps
/// inside an epoch map to fractional epochs instead of piling up on its whole number.
fn epoch_starts(rows: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut starts: Vec<(f64, f64)> = Vec::new();
    for &(step, epoch) in rows {
        if starts.last().map_or(true, |&(_, e)| epoch > e) {
            starts.push((step, epoch));
        }
    }
    if let (Some(&(last_step, _)), Some(&(start, last_epoch))) = (rows.last(), starts.last()) {
        if last_step > start {
            starts.push((last_step, last_epoch + 1.0));
        }
    }
    starts
}

/// The column giving `axis` for `run` (its time or epoch column); `None` for the log's own x, or
/// when the run has no such column.
fn column(run: &Run, axis: XAxis) -> Option<usize> {
    match axis {
        XAxis::WallTime => clock(run),
        XAxis::Epoch => epochs(run),
        XAxis::Native => None,
    }
}

/// The title of the x-axis a chart of `run` shows when `axis` is chosen: the log's own when the
/// run has no column for it. Costs a look at the run's series, not a mapping of its x.
pub fn title(run: &Run, axis: XAxis) -> String {
    let shown = if column(run, axis).is_some() {
        axis
    } else {
        XAxis::Native
    };
    choices(run)
        .into_iter()
        .find(|c| c.0 == shown)
        .map(|c| c.1)
        .unwrap_or_default()
}

/// Maps the log's x to the chosen axis (of the run it was made for).
#[derive(Debug, Clone)]
pub struct XMap {
    axis: XAxis,
    /// The index of the column giving the chosen x at the log's x (the time or the epoch
    /// column); `None` for the log's own x.
    clock: Option<usize>,
    /// (x, chosen x), sorted by x, for values that are not one of the column's own rows.
    table: Vec<(f64, f64)>,
    origin: f64,
    pub title: String,
}

/// How one series' x is mapped (see [`XMap::along`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Along {
    /// Not at all: the chosen axis is the log's own x.
    Own,
    /// By the clock column's values themselves (wall time of a series logged on its rows).
    Clock,
    /// Interpolated between the clock column's rows (see [`XMap::at`]).
    Table,
}

impl XMap {
    pub fn new(run: &Run, axis: XAxis) -> XMap {
        let index = column(run, axis);
        let clock = index.map(|c| &run.series[c]);
        let shown = if clock.is_some() { axis } else { XAxis::Native };
        // Wall time counts from the run's first time stamp; epochs are shown as logged.
        let origin = clock.filter(|_| axis == XAxis::WallTime).map_or(0.0, |c| {
            c.y.iter()
                .copied()
                .filter(|t| t.is_finite())
                .fold(f64::INFINITY, f64::min)
        });
        let mut table: Vec<(f64, f64)> = clock.map_or_else(Vec::new, |c| {
            c.x.iter()
                .zip(&c.y)
                .filter(|(x, t)| x.is_finite() && t.is_finite())
                .map(|(x, t)| (*x, t - origin))
                .collect()
        });
        table.sort_by(|a, b| a.0.total_cmp(&b.0));
        table.dedup_by(|a, b| a.0 == b.0);
        if axis == XAxis::Epoch {
            table = epoch_starts(&table);
        }
        XMap {
            axis: shown,
            clock: index,
            table,
            origin,
            title: title(run, axis),
        }
    }

    /// Series `s` of `run` (the run this map was made for): its x on the chosen axis.
    pub fn series_x<'s>(&self, run: &Run, s: &'s Series) -> Cow<'s, [f64]> {
        match self.along(run, s) {
            Along::Own => Cow::Borrowed(&s.x),
            along => {
                let mut x = Vec::with_capacity(s.x.len());
                self.extend(run, s, along, &mut x, usize::MAX);
                Cow::Owned(x)
            }
        }
    }

    /// How series `s` of `run` (the run this map was made for) is mapped.
    pub fn along(&self, run: &Run, s: &Series) -> Along {
        match self.clock.map(|c| &run.series[c]) {
            None => Along::Own,
            Some(c) if self.axis == XAxis::WallTime && c.x == s.x => Along::Clock,
            Some(_) => Along::Table,
        }
    }

    /// Extends `x` (series `s`'s x on the chosen axis so far, mapped `along` as
    /// [`XMap::along`] says) by at most `points` more; how many.
    pub fn extend(
        &self,
        run: &Run,
        s: &Series,
        along: Along,
        x: &mut Vec<f64>,
        points: usize,
    ) -> usize {
        let had = x.len();
        let part = |values: &[f64]| {
            let from = had.min(values.len());
            from..from.saturating_add(points).min(values.len())
        };
        match (along, self.clock.map(|c| &run.series[c])) {
            (Along::Clock, Some(c)) => {
                x.extend(c.y[part(&c.y)].iter().map(|t| t - self.origin));
            }
            (Along::Table, Some(_)) => x.extend(s.x[part(&s.x)].iter().map(|&v| self.at(v))),
            _ => x.extend_from_slice(&s.x[part(&s.x)]),
        }
        x.len() - had
    }

    /// Values `xs` of the log's x on the chosen axis (see [`XMap::at`]).
    pub fn series_x_of(&self, xs: &[f64]) -> Vec<f64> {
        match self.clock {
            None => xs.to_vec(),
            Some(_) => xs.iter().map(|&x| self.at(x)).collect(),
        }
    }

    /// One x of the log (a marker, a region edge) on the chosen axis, interpolated between rows.
    pub fn at(&self, x: f64) -> f64 {
        if self.clock.is_none() {
            return x;
        }
        let t = &self.table;
        let i = t.partition_point(|p| p.0 < x);
        let (a, b) = match (i.checked_sub(1).and_then(|j| t.get(j)), t.get(i)) {
            (_, Some(b)) if b.0 == x => return b.1,
            (Some(a), Some(b)) => (*a, *b),
            (None, Some(b)) => return b.1,
            (Some(a), None) => return a.1,
            (None, None) => return x,
        };
        a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0)
    }
}
