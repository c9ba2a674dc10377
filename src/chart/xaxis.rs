//! The x-axis a user picked: the log's own (epoch, step, …) or relative wall time when the run
//! logs a time column.

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
}

/// The x-axes run offers, each with its axis title.
pub fn choices(run: &Run) -> Vec<(XAxis, String)> {
    let native = run
        .series
        .iter()
        .find(|s| s.kind != Kind::Time)
        .map_or("x", |s| s.axis.word());
    let mut out = vec![(XAxis::Native, native.to_string())];
    if clock(run).is_some() {
        out.push((XAxis::WallTime, "wall time (s)".to_string()));
    }
    out
}

/// The run's time column, when it has one with at least two finite points.
fn clock(run: &Run) -> Option<&Series> {
    run.series
        .iter()
        .find(|s| s.kind == Kind::Time && s.y.iter().filter(|t| t.is_finite()).count() >= 2)
}

/// Maps the log's x to the chosen axis.
#[derive(Debug, Clone)]
pub struct XMap<'a> {
    clock: Option<&'a Series>,
    /// (x, seconds since start), sorted by x, for values that are not one of the clock's own rows.
    table: Vec<(f64, f64)>,
    origin: f64,
    pub title: String,
}

impl<'a> XMap<'a> {
    pub fn new(run: &'a Run, axis: XAxis) -> XMap<'a> {
        let choices = choices(run);
        let clock = match axis {
            XAxis::WallTime => clock(run),
            XAxis::Native => None,
        };
        let title = match clock {
            Some(_) => choices.last().map(|c| c.1.clone()),
            None => choices.first().map(|c| c.1.clone()),
        }
        .unwrap_or_default();
        let origin = clock.map_or(0.0, |c| {
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
        XMap {
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
            Some(c) if c.x == s.x => Cow::Owned(c.y.iter().map(|t| t - self.origin).collect()),
            Some(_) => Cow::Owned(s.x.iter().map(|x| self.at(*x)).collect()),
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
