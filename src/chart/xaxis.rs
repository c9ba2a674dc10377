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

/// The run's epoch column (kept as a series of kind `other` against steps), when it has two points.
fn epochs(run: &Run) -> Option<&Series> {
    run.series
        .iter()
        .find(|s| s.kind == Kind::Other && s.name.eq_ignore_ascii_case("epoch") && two_finite(&s.y))
}

/// The run's time column, when it has one with at least two finite points.
fn clock(run: &Run) -> Option<&Series> {
    run.series
        .iter()
        .find(|s| s.kind == Kind::Time && two_finite(&s.y))
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

/// Maps the log's x to the chosen axis.
#[derive(Debug, Clone)]
pub struct XMap<'a> {
    axis: XAxis,
    /// The column giving the chosen x at the log's x (the time or the epoch column); `None` for
    /// the log's own x.
    clock: Option<&'a Series>,
    /// (x, chosen x), sorted by x, for values that are not one of the column's own rows.
    table: Vec<(f64, f64)>,
    origin: f64,
    pub title: String,
}

impl<'a> XMap<'a> {
    pub fn new(run: &'a Run, axis: XAxis) -> XMap<'a> {
        let choices = choices(run);
        let clock = match axis {
            XAxis::WallTime => clock(run),
            XAxis::Epoch => epochs(run),
            XAxis::Native => None,
        };
        let shown = if clock.is_some() { axis } else { XAxis::Native };
        let title = choices
            .iter()
            .find(|c| c.0 == shown)
            .map(|c| c.1.clone())
            .unwrap_or_default();
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
            clock,
            table,
            origin,
            title,
        }
    }

    /// The series' x on the chosen axis.
    pub fn series_x<'s>(&self, s: &'s Series) -> Cow<'s, [f64]> {
        match self.clock {
            None => Cow::Borrowed(&s.x),
            Some(c) if c.x == s.x && self.axis == XAxis::WallTime => {
                Cow::Owned(c.y.iter().map(|t| t - self.origin).collect())
            }
            Some(_) => Cow::Owned(s.x.iter().map(|x| self.at(*x)).collect()),
        }
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
