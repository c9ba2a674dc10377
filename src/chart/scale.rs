//! The y-range of a panel: everything drawn, or the 5th–95th percentile ("ignore outliers", as
//! TensorBoard) widened to hold every point of the series never trimmed (the monitored one and
//! sparse evaluations), padded; on a log axis only positive values count.

use std::ops::Range;

use plotters::coord::combinators::{BindKeyPoints, IntoLogRange, LogCoord, WithKeyPoints};
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;

use crate::stats::quantiles;

/// A padded `(low, high)` covering `values`; `(0, 1)` (or `(0.1, 1)` on a log axis) when there is nothing.
pub fn y_range(values: &[f64], ignore_outliers: bool, log: bool) -> (f64, f64) {
    y_range_keeping(values, &[], ignore_outliers, log)
}

/// [`y_range`] of `values`, widened to hold every one of `kept` (series never trimmed as outliers:
/// the monitored one and sparse evaluations).
pub fn y_range_keeping(
    values: &[f64],
    kept: &[f64],
    ignore_outliers: bool,
    log: bool,
) -> (f64, f64) {
    let usable = |y: &f64| y.is_finite() && (!log || *y > 0.0);
    let mut v: Vec<f64> = values.iter().copied().filter(usable).collect();
    let trimmed = if v.is_empty() {
        None
    } else if ignore_outliers && v.len() >= 10 {
        let [lo, hi] = quantiles(&mut v, [0.05, 0.95]);
        Some((lo, hi))
    } else {
        Some(extent(v.iter()))
    };
    let whole = kept
        .iter()
        .any(usable)
        .then(|| extent(kept.iter().filter(|y| usable(y))));
    let (lo, hi) = match (trimmed, whole) {
        (Some(a), Some(b)) => (a.0.min(b.0), a.1.max(b.1)),
        (Some(r), None) | (None, Some(r)) => r,
        (None, None) => return if log { (0.1, 1.0) } else { (0.0, 1.0) },
    };
    if log {
        let (a, b) = (lo.log10(), hi.log10());
        let pad = ((b - a) * 0.05).max(0.05);
        let (lo, hi) = (10f64.powf(a - pad), 10f64.powf(b + pad));
        (
            lo.clamp(1.0 / AXIS_LIMIT, AXIS_LIMIT),
            hi.clamp(1.0 / AXIS_LIMIT, AXIS_LIMIT),
        )
    } else {
        let pad = ((hi - lo) * 0.05)
            .max(hi.abs().max(lo.abs()) * 0.01)
            .max(1e-12);
        (finite_axis(lo - pad), finite_axis(hi + pad))
    }
}

/// The lowest and highest of some values.
fn extent<'a>(values: impl Iterator<Item = &'a f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(*y), b.max(*y))
    })
}

/// Largest magnitude an axis reaches (and, on a log axis, the inverse of its smallest): values
/// near the largest float (a diverged run, a damaged link) would otherwise make the axis's width,
/// padding or ticks overflow, and plotters' log mesh never finished (found by `make fuzz`); 1e200
/// is far beyond any real curve and leaves plotters room for its own arithmetic.
const AXIS_LIMIT: f64 = 1e200;

/// `v` within ±[`AXIS_LIMIT`].
fn finite_axis(v: f64) -> f64 {
    v.clamp(-AXIS_LIMIT, AXIS_LIMIT)
}

/// A padded `(low, high)` for the x values, widened when they are all equal.
pub fn x_range(lo: f64, hi: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        (0.0, 1.0)
    } else if hi <= lo {
        (finite_axis(lo - 0.5), finite_axis(hi + 0.5))
    } else {
        (finite_axis(lo), finite_axis(hi))
    }
}

/// Tick values for a log y-axis from `lo` to `hi` (both positive): powers of ten, with 2× and 5×
/// between them over a few decades; within less than a decade, where powers of ten give no tick
/// at all, even 1-2-5 steps (about five). Never more than about a dozen.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let decades = (hi / lo).log10();
    if decades < 1.0 {
        let raw = (hi - lo) / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag);
        let (first, last) = ((lo / step).ceil() as i64, (hi / step).floor() as i64);
        return (first..=last).map(|k| k as f64 * step).collect();
    }
    let every = (decades / 10.0).ceil().max(1.0) as i32;
    let steps: &[f64] = if decades <= 3.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let (from, to) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    (from..=to)
        .filter(|p| p.rem_euclid(every) == 0)
        .flat_map(|p| steps.iter().map(move |m| m * 10f64.powi(p)))
        .filter(|v| (lo..=hi).contains(v))
        .collect()
}

/// A panel's y-axis, linear or logarithmic (ticks at [`log_ticks`]), as one type: the chart code
/// generic over the axis was otherwise built twice into the page's module, once per axis type.
/// Every call goes to the axis it holds.
pub enum YAxis {
    Linear(RangedCoordf64),
    Log(WithKeyPoints<LogCoord<f64>>),
}

impl YAxis {
    /// The axis from `y0` to `y1`, logarithmic when `log`.
    pub fn new(y0: f64, y1: f64, log: bool) -> YAxis {
        if log {
            YAxis::Log((y0..y1).log_scale().with_key_points(log_ticks(y0, y1)))
        } else {
            YAxis::Linear((y0..y1).into())
        }
    }
}

impl Ranged for YAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        match self {
            YAxis::Linear(axis) => axis.map(value, limit),
            YAxis::Log(axis) => axis.map(value, limit),
        }
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        match self {
            YAxis::Linear(axis) => axis.key_points(hint),
            YAxis::Log(axis) => axis.key_points(hint),
        }
    }

    fn range(&self) -> Range<f64> {
        match self {
            YAxis::Linear(axis) => axis.range(),
            YAxis::Log(axis) => axis.range(),
        }
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> Range<i32> {
        match self {
            YAxis::Linear(axis) => axis.axis_pixel_range(limit),
            YAxis::Log(axis) => axis.axis_pixel_range(limit),
        }
    }
}

impl ValueFormatter<f64> for YAxis {
    fn format_ext(&self, value: &f64) -> String {
        match self {
            YAxis::Linear(axis) => axis.format_ext(value),
            YAxis::Log(axis) => axis.format_ext(value),
        }
    }
}
