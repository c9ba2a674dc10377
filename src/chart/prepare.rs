//! A run made ready to draw under a view: x on the chosen axis, every series smoothed, and the
//! decimated raw curves remembered, so a slider move re-smooths only and a zoom re-decimates only.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::decimate::pieces;
use super::smooth::{smooth, smooth_along, typical_step, Smoother};
use super::xaxis::{XAxis, XMap};
use super::View;
use crate::model::{Kind, Run};

/// Line pieces of one series, decimated for one x-range and width.
pub type Pieces = Vec<Vec<(f64, f64)>>;

/// Which decimation of the raw data a cache entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct RawKey {
    series: usize,
    x0: u64,
    x1: u64,
    columns: usize,
    log: bool,
}

/// Remembered decimations beyond this many are dropped (zooming around creates new ones).
const RAW_CACHE: usize = 64;

/// What every redraw of one run reuses; built by [`Prepared::new`], kept current by [`Prepared::refresh`].
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Per series of the run: x on the chosen axis (`None` where it is the log's own x).
    x: Vec<Option<Vec<f64>>>,
    /// Per series of the run: the smoothed y (same length as `y`).
    pub smoothed: Vec<Vec<f64>>,
    pub x_title: String,
    /// Per series: the lowest and highest finite x.
    extent: Vec<(f64, f64)>,
    /// Per series: whether x never decreases (then a zoom looks at the visible points only).
    sorted: Vec<bool>,
    x_axis: XAxis,
    smoothing: (Smoother, f64),
    raw: RefCell<HashMap<RawKey, Rc<Pieces>>>,
}

impl Prepared {
    /// Maps x and smooths every series of `run` for `view`.
    pub fn new(run: &Run, view: &View) -> Prepared {
        let map = XMap::new(run, view.x_axis);
        let x: Vec<Option<Vec<f64>>> = run
            .series
            .iter()
            .map(|s| match map.series_x(s) {
                std::borrow::Cow::Borrowed(_) => None,
                std::borrow::Cow::Owned(v) => Some(v),
            })
            .collect();
        let extent = run
            .series
            .iter()
            .zip(&x)
            .map(|(s, mx)| {
                mx.as_deref()
                    .unwrap_or(&s.x)
                    .iter()
                    .filter(|v| v.is_finite())
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                        (a.min(*v), b.max(*v))
                    })
            })
            .collect();
        let sorted = run
            .series
            .iter()
            .zip(&x)
            .map(|(s, mx)| {
                let xs = mx.as_deref().unwrap_or(&s.x);
                xs.windows(2).all(|w| w[0] <= w[1])
            })
            .collect();
        let mut prepared = Prepared {
            sorted,
            x,
            smoothed: Vec::new(),
            x_title: map.title,
            extent,
            x_axis: view.x_axis,
            smoothing: (view.smoother, view.smoothing),
            raw: RefCell::new(HashMap::new()),
        };
        prepared.smooth(run);
        prepared
    }

    /// Brings a preparation of the same run up to `view`: redone when the x-axis changed,
    /// re-smoothed when the smoothing changed, kept otherwise.
    pub fn refresh(&mut self, run: &Run, view: &View) {
        if view.x_axis != self.x_axis {
            *self = Prepared::new(run, view);
        } else if (view.smoother, view.smoothing) != self.smoothing {
            self.smoothing = (view.smoother, view.smoothing);
            self.smooth(run);
        }
    }

    fn smooth(&mut self, run: &Run) {
        let (smoother, weight) = self.smoothing;
        // The slider's range, whatever a URL or a caller says.
        let weight = if weight.is_finite() {
            weight.clamp(0.0, 0.999)
        } else {
            0.0
        };
        // Sparse series (evaluations every so many steps) are smoothed along x at the densest
        // measured series' spacing, so the slider means the same stretch of x on both.
        let densest = run
            .series
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.kind, Kind::Loss | Kind::Metric))
            .max_by_key(|(_, s)| s.len())
            .map(|(i, s)| (i, s.len()));
        // The dense spacing, worked out only when some series is sparse next to it.
        let step = std::cell::OnceCell::new();
        self.smoothed = run
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                // A learning-rate schedule is set, not measured: smoothing would only blur its steps.
                let w = if s.kind == Kind::LearningRate {
                    0.0
                } else {
                    weight
                };
                match densest {
                    Some((d, n)) if w > 0.0 && super::sparse(s.len(), n) => {
                        let step = *step.get_or_init(|| typical_step(self.x(run, d)));
                        smooth_along(smoother, w, self.x(run, i), &s.y, step)
                    }
                    _ => smooth(smoother, w, self.x(run, i), &s.y),
                }
            })
            .collect();
    }

    /// Series `i`'s x on the chosen axis.
    pub fn x<'a>(&'a self, run: &'a Run, i: usize) -> &'a [f64] {
        self.x[i].as_deref().unwrap_or(&run.series[i].x)
    }

    /// The lowest and highest finite x over `series`.
    pub fn extent(&self, series: impl Iterator<Item = usize>) -> (f64, f64) {
        series
            .map(|i| self.extent[i])
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (c, d)| {
                (a.min(c), b.max(d))
            })
    }

    /// Series `i`'s raw data decimated for `range` on `columns`, from the cache when drawn before.
    pub fn raw_pieces(
        &self,
        run: &Run,
        i: usize,
        range: (f64, f64),
        columns: usize,
        log: bool,
    ) -> Rc<Pieces> {
        let key = RawKey {
            series: i,
            x0: range.0.to_bits(),
            x1: range.1.to_bits(),
            columns,
            log,
        };
        if let Some(hit) = self.raw.borrow().get(&key) {
            return Rc::clone(hit);
        }
        let made = Rc::new(pieces(
            self.x(run, i),
            &run.series[i].y,
            range,
            columns,
            |y| keep(y, log),
        ));
        let mut cache = self.raw.borrow_mut();
        if cache.len() >= RAW_CACHE {
            cache.clear();
        }
        cache.insert(key, Rc::clone(&made));
        made
    }

    /// Series `i`'s smoothed data decimated for `range` on `columns`.
    pub fn smoothed_pieces(
        &self,
        run: &Run,
        i: usize,
        range: (f64, f64),
        columns: usize,
        log: bool,
    ) -> Pieces {
        let w = self.window(run, i, range);
        pieces(
            &self.x(run, i)[w.clone()],
            &self.smoothed[i][w],
            range,
            columns,
            |y| keep(y, log),
        )
    }

    /// The index of series `i`'s point nearest `target` in x (binary search when x is sorted).
    pub fn nearest(&self, run: &Run, i: usize, target: f64) -> Option<usize> {
        let xs = self.x(run, i);
        let xs = &xs[..xs.len().min(run.series[i].y.len())];
        let distance = |k: &usize| (xs[*k] - target).abs();
        if self.sorted[i] {
            let k = xs.partition_point(|v| *v < target);
            return [k.checked_sub(1), (k < xs.len()).then_some(k)]
                .into_iter()
                .flatten()
                .min_by(|a, b| distance(a).total_cmp(&distance(b)));
        }
        (0..xs.len())
            .filter(|k| xs[*k].is_finite())
            .min_by(|a, b| distance(a).total_cmp(&distance(b)))
    }

    /// The indices of series `i` worth decimating for `range`: the visible points and one
    /// neighbour either side when x is sorted, else all of them.
    fn window(&self, run: &Run, i: usize, (x0, x1): (f64, f64)) -> std::ops::Range<usize> {
        let xs = self.x(run, i);
        let n = xs.len().min(run.series[i].y.len());
        if !self.sorted[i] {
            return 0..n;
        }
        let a = xs[..n].partition_point(|v| *v < x0).saturating_sub(1);
        let b = (xs[..n].partition_point(|v| *v <= x1) + 1).min(n);
        a..b.max(a)
    }
}

/// Whether a y value can be drawn: finite, and positive on a log axis.
fn keep(y: f64, log: bool) -> bool {
    y.is_finite() && (!log || y > 0.0)
}
