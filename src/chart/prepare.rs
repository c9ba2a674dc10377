//! A run made ready to draw under a view: x on the chosen axis, every series smoothed, and the
//! decimated raw curves remembered, so a slider move re-smooths only and a zoom re-decimates only.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::decimate::{pieces_with, Blocks};
use super::smooth::{ema_carried, ema_carries, smooth, smooth_along, typical_step, Ema, Smoother};
use super::xaxis::{Along, XAxis, XMap};
use super::View;
use crate::model::{Kind, Run};

/// Line pieces of one series, decimated for one x-range and width.
pub type Pieces = Vec<Vec<(f64, f64)>>;

/// Which decimation a cache entry holds: of the raw or of the smoothed data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct DrawnKey {
    series: usize,
    smoothed: bool,
    x0: u64,
    x1: u64,
    columns: usize,
    log: bool,
}

/// Remembered decimations beyond this many more than two per series are dropped (zooming around
/// creates new ones).
const DRAWN_CACHE: usize = 64;

/// What every redraw of one run reuses; built by [`Prepared::new`], kept current by [`Prepared::refresh`].
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Per series of the run: x on the chosen axis (`None` where it is the log's own x), and how
    /// it is mapped.
    x: Vec<Option<Vec<f64>>>,
    along: Vec<Along>,
    map: XMap,
    /// Per series of the run: the smoothed y (same length as `y`).
    pub smoothed: Vec<Vec<f64>>,
    /// Per series: its raw and its smoothed y summarized for decimation.
    raw_blocks: Vec<Blocks>,
    smoothed_blocks: Vec<Blocks>,
    pub x_title: String,
    /// Per series: the lowest and highest finite x.
    extent: Vec<(f64, f64)>,
    /// Per series: whether x never decreases (then a zoom looks at the visible points only).
    sorted: Vec<bool>,
    /// Per series: the index of its first non-finite y, if any.
    first_bad: Vec<Option<usize>>,
    x_axis: XAxis,
    smoothing: (Smoother, f64),
    /// Per series: how points appended to it are smoothed without smoothing it again.
    carry: Vec<Carry>,
    /// The densest measured series' typical x step, once a sparse series needed it.
    dense_step: Option<f64>,
    drawn: RefCell<HashMap<DrawnKey, Rc<Pieces>>>,
    /// How many decimations were made (not found in `drawn`).
    decimated: Cell<usize>,
    /// What is left to do before the run can be drawn (see [`Prepared::step`]), last first.
    todo: Vec<Work>,
}

/// One piece of [`Prepared`]'s work, on one series: mapping its x to the chosen axis, going
/// through its raw points (x extent and order, first non-finite y, the raw blocks) and
/// summarizing its smoothed points, each a part at a time (how far they got is how many points
/// are mapped or their blocks summarize); smoothing it, a part at a time with the EMA carried
/// from point to point (`Ema`: its state so far), else at once.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Work {
    Map(usize),
    Raw(usize),
    Smooth(usize),
    Ema(usize, Ema),
    SmoothedBlocks(usize),
}

/// How a smoothed series goes on when points are appended to it (see [`Prepared::grow`]).
#[derive(Debug, Clone)]
enum Carry {
    /// Not smoothed (weight 0, a learning rate): the new points as they are.
    Raw,
    /// The EMA, continued from its state after the last point.
    Ema(Ema),
    /// Smoothed again whole (the Gaussian looks both ways, the spaced EMA at the series' typical
    /// step, a sparse series at the dense one's).
    Again,
}

/// How series are smoothed: the weight the slider means, and the densest measured series.
struct Plan {
    weight: f64,
    densest: Option<(usize, usize)>,
}

impl Prepared {
    /// Maps x and smooths every series of `run` for `view`.
    pub fn new(run: &Run, view: &View) -> Prepared {
        let mut prepared = Prepared::begin(run, view);
        prepared.finish(run);
        prepared
    }

    /// [`Prepared::new`] with the work over every point (mapping x, the extent, the blocks, the
    /// smoothing) left for [`Prepared::step`] or [`Prepared::finish`].
    pub fn begin(run: &Run, view: &View) -> Prepared {
        let map = XMap::new(run, view.x_axis);
        let along: Vec<Along> = run.series.iter().map(|s| map.along(run, s)).collect();
        let x = along
            .iter()
            .zip(&run.series)
            .map(|(&a, s)| (a != Along::Own).then(|| Vec::with_capacity(s.x.len())))
            .collect();
        let n = run.series.len();
        // Raw points after their x is mapped (the last piece of work is done first).
        let mut todo: Vec<Work> = (0..n).rev().map(Work::Raw).collect();
        todo.extend(
            (0..n)
                .rev()
                .filter(|&i| along[i] != Along::Own)
                .map(Work::Map),
        );
        let mut prepared = Prepared {
            sorted: vec![true; n],
            first_bad: vec![None; n],
            x,
            along,
            smoothed: vec![Vec::new(); n],
            raw_blocks: vec![Blocks::new(&[], &[]); n],
            smoothed_blocks: vec![Blocks::default(); n],
            x_title: map.title.clone(),
            map,
            extent: vec![(f64::INFINITY, f64::NEG_INFINITY); n],
            x_axis: view.x_axis,
            smoothing: (view.smoother, view.smoothing),
            carry: Vec::new(),
            dense_step: None,
            drawn: RefCell::new(HashMap::new()),
            decimated: Cell::new(0),
            todo,
        };
        prepared.smooth_later();
        prepared
    }

    /// Whether every series is ready to draw.
    pub fn ready(&self) -> bool {
        self.todo.is_empty()
    }

    /// Does what is left (see [`Prepared::begin`]) until about `points` points were gone
    /// through, a part of a series at a time (a whole series when smoothing it); whether some is
    /// still left. A page calls it a few times per task so that preparing a large log never holds
    /// its thread for long.
    pub fn step(&mut self, run: &Run, points: usize) -> bool {
        let mut done = 0;
        // Worked out once per call: it looks at every series.
        let mut plan = None;
        while done < points {
            let Some(work) = self.todo.pop() else {
                break;
            };
            // What is left of this piece of work, or what follows it.
            let next = match work {
                Work::Map(i) => {
                    let x = self.x[i].get_or_insert_with(Vec::new);
                    let added =
                        self.map
                            .extend(run, &run.series[i], self.along[i], x, points - done);
                    done += added;
                    (added > 0).then_some(work)
                }
                Work::Raw(i) => {
                    done += self.raw_part(run, i, points - done);
                    (self.raw_blocks[i].summarized() < run.series[i].len()).then_some(work)
                }
                Work::Smooth(i) => {
                    let plan = plan.get_or_insert_with(|| self.plan(run));
                    done += run.series[i].len();
                    self.smoothed_blocks[i] = Blocks::new(&[], &[]);
                    match self.ema_start(run, plan, i) {
                        Some(state) => {
                            self.smoothed[i] = Vec::with_capacity(run.series[i].len());
                            Some(Work::Ema(i, state))
                        }
                        None => {
                            let (smoothed, carry) = self.smooth_series(run, plan, i);
                            self.smoothed[i] = smoothed;
                            self.carry[i] = carry;
                            Some(Work::SmoothedBlocks(i))
                        }
                    }
                }
                Work::Ema(i, mut state) => {
                    let y = &run.series[i].y;
                    let smoothed = &mut self.smoothed[i];
                    let from = smoothed.len();
                    let end = from.saturating_add((points - done).max(1)).min(y.len());
                    smoothed.extend(y[from..end].iter().map(|&v| state.next(v)));
                    done += end - from;
                    if end < y.len() {
                        Some(Work::Ema(i, state))
                    } else {
                        // Its blocks go on from the points they summarize (none after `Smooth`,
                        // all but the appended ones after `grow`).
                        self.carry[i] = Carry::Ema(state);
                        Some(Work::SmoothedBlocks(i))
                    }
                }
                Work::SmoothedBlocks(i) => {
                    let x = self.x[i].as_deref().unwrap_or(&run.series[i].x);
                    done +=
                        self.smoothed_blocks[i].extend_some(x, &self.smoothed[i], points - done);
                    (self.smoothed_blocks[i].summarized() < self.smoothed[i].len()).then_some(work)
                }
            };
            self.todo.extend(next);
        }
        !self.todo.is_empty()
    }

    /// The next at most `points` raw points of series `i` gone through: its x extent and order,
    /// its first non-finite y, its raw blocks. How many there were.
    fn raw_part(&mut self, run: &Run, i: usize, points: usize) -> usize {
        let s = &run.series[i];
        let x = self.x[i].as_deref().unwrap_or(&s.x);
        let from = self.raw_blocks[i].summarized();
        let added = self.raw_blocks[i].extend_some(x, &s.y, points);
        let end = from + added;
        let (lo, hi) = self.extent[i];
        let (a, b) = finite_extent(&x[from..end]);
        self.extent[i] = (lo.min(a), hi.max(b));
        self.sorted[i] &= x[from.saturating_sub(1)..end]
            .windows(2)
            .all(|w| w[0] <= w[1]);
        if self.first_bad[i].is_none() {
            self.first_bad[i] = s.y[from..end]
                .iter()
                .position(|v| !v.is_finite())
                .map(|k| from + k);
        }
        added
    }

    /// Does everything [`Prepared::step`] would still do.
    pub fn finish(&mut self, run: &Run) {
        self.step(run, usize::MAX);
    }

    /// Brings a preparation of the same run up to `view`: redone when the x-axis changed,
    /// re-smoothed when the smoothing changed, kept otherwise.
    pub fn refresh(&mut self, run: &Run, view: &View) {
        self.update(run, view);
        self.finish(run);
    }

    /// [`Prepared::refresh`] with the work over every point left for [`Prepared::step`].
    pub fn update(&mut self, run: &Run, view: &View) {
        if view.x_axis != self.x_axis {
            *self = Prepared::begin(run, view);
        } else if (view.smoother, view.smoothing) != self.smoothing {
            self.smoothing = (view.smoother, view.smoothing);
            self.smooth_later();
        }
    }

    /// Every series to be smoothed again (after mapping its x and the blocks of its raw data,
    /// when still to do).
    fn smooth_later(&mut self) {
        self.dense_step = None;
        self.drawn.borrow_mut().retain(|k, _| !k.smoothed);
        self.todo
            .retain(|w| matches!(w, Work::Map(_) | Work::Raw(_)));
        let n = self.smoothed.len();
        self.carry = vec![Carry::Again; n];
        self.todo.splice(0..0, (0..n).rev().map(Work::Smooth));
    }

    fn plan(&self, run: &Run) -> Plan {
        let (_, weight) = self.smoothing;
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
        Plan { weight, densest }
    }

    /// The EMA to feed series `i`'s points to, a part at a time, when that is how it is smoothed
    /// (see [`ema_carries`]): what [`Prepared::smooth_series`] would make of it at once.
    fn ema_start(&self, run: &Run, plan: &Plan, i: usize) -> Option<Ema> {
        let (smoother, _) = self.smoothing;
        let s = &run.series[i];
        let sparse = plan.densest.is_some_and(|(_, n)| super::sparse(s.len(), n));
        let w = plan.weight;
        let carried = smoother == Smoother::Ema
            && s.kind != Kind::LearningRate
            && !sparse
            && ema_carries(w, self.x(run, i), &s.y);
        carried.then(|| Ema::new(w))
    }

    /// Series `i` smoothed whole, and how points appended to it will be smoothed.
    fn smooth_series(&mut self, run: &Run, plan: &Plan, i: usize) -> (Vec<f64>, Carry) {
        let (smoother, _) = self.smoothing;
        let s = &run.series[i];
        // A learning-rate schedule is set, not measured: smoothing would only blur its steps.
        let w = if s.kind == Kind::LearningRate {
            0.0
        } else {
            plan.weight
        };
        match plan.densest {
            _ if w <= 0.0 => (s.y.clone(), Carry::Raw),
            Some((d, n)) if super::sparse(s.len(), n) => {
                // The dense spacing, worked out only when some series is sparse next to it.
                let step = *self.dense_step.get_or_insert_with(|| {
                    typical_step(self.x[d].as_deref().unwrap_or(&run.series[d].x))
                });
                (
                    smooth_along(smoother, w, self.x(run, i), &s.y, step),
                    Carry::Again,
                )
            }
            _ if smoother == Smoother::Ema => {
                let (smoothed, state) = ema_carried(w, self.x(run, i), &s.y);
                (smoothed, state.map_or(Carry::Again, Carry::Ema))
            }
            _ => (smooth(smoother, w, self.x(run, i), &s.y), Carry::Again),
        }
    }

    /// Brings the preparation of a run up to date after points were appended to its series
    /// (`old`: each series' length before), leaving the work for [`Prepared::step`] as
    /// [`Prepared::begin`] does (a preparation still under way goes on from where it got): the new
    /// points' extent, order and blocks, and each series' smoothing carried on where its smoother
    /// allows (the EMA from its state after the last point, an unsmoothed series as it is), else
    /// smoothed again. Begun again when the view changed or the x-axis is mapped (its mapping may
    /// move).
    pub fn grow(&mut self, run: &Run, view: &View, old: &[usize]) {
        let same_view =
            view.x_axis == self.x_axis && (view.smoother, view.smoothing) == self.smoothing;
        if !same_view || old.len() != run.series.len() || self.x.iter().any(Option::is_some) {
            *self = Prepared::begin(run, view);
            return;
        }
        self.drawn.borrow_mut().clear();
        // Per series: whether its raw points are still to go through, and its smoothing's work
        // still to do (at most one piece per series).
        let n = run.series.len();
        let mut raw_left = vec![false; n];
        let mut smoothing = vec![None; n];
        for &work in &self.todo {
            match work {
                Work::Map(_) => {}
                Work::Raw(i) => raw_left[i] = true,
                Work::Smooth(i) | Work::Ema(i, _) | Work::SmoothedBlocks(i) => {
                    smoothing[i] = Some(work);
                }
            }
        }
        self.todo
            .retain(|w| matches!(w, Work::Raw(_) | Work::Smooth(_)));
        let plan = self.plan(run);
        let densest = plan.densest.map(|(_, n)| n);
        for (i, (s, &from)) in run.series.iter().zip(old).enumerate() {
            // Its extent, order, first non-finite y and raw blocks, from the points after `from`.
            if !raw_left[i] {
                self.todo.push(Work::Raw(i));
            }
            // A series that just became sparse or dense next to the densest changes smoother.
            let from = from.min(s.len());
            let was_sparse = densest.is_some_and(|n| super::sparse(from, n));
            let is_sparse = densest.is_some_and(|n| super::sparse(s.len(), n));
            let carried = !s.x[from.saturating_sub(1)..]
                .windows(2)
                .any(|w| crate::model::starts_session(w[0], w[1]))
                && was_sparse == is_sparse;
            let next = match (smoothing[i], &self.carry[i]) {
                // Still to smooth: it smooths every point when its turn comes.
                (Some(Work::Smooth(_)), _) => continue,
                (Some(Work::Ema(_, state)), _) | (_, &Carry::Ema(state)) if carried => {
                    Work::Ema(i, state)
                }
                (Some(Work::Ema(..)), _) => Work::Smooth(i),
                (_, &Carry::Raw) if plan.weight <= 0.0 || s.kind == Kind::LearningRate => {
                    let had = self.smoothed[i].len().min(s.y.len());
                    self.smoothed[i].extend_from_slice(&s.y[had..]);
                    Work::SmoothedBlocks(i)
                }
                _ => Work::Smooth(i),
            };
            self.todo.push(next);
        }
    }

    /// How x is mapped to the chosen axis.
    pub fn map(&self) -> &XMap {
        &self.map
    }

    /// Series `i`'s x on the chosen axis.
    pub fn x<'a>(&'a self, run: &'a Run, i: usize) -> &'a [f64] {
        self.x[i].as_deref().unwrap_or(&run.series[i].x)
    }

    /// The index of series `i`'s first non-finite y, if any.
    pub fn first_non_finite(&self, i: usize) -> Option<usize> {
        self.first_bad[i]
    }

    /// The lowest and highest finite x over `series`.
    pub fn extent(&self, series: impl Iterator<Item = usize>) -> (f64, f64) {
        series
            .map(|i| self.extent[i])
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (c, d)| {
                (a.min(c), b.max(d))
            })
    }

    /// How many decimations of series were made so far (those found drawn before not counted).
    pub fn decimated(&self) -> usize {
        self.decimated.get()
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
        self.pieces(run, i, false, range, columns, log)
    }

    /// Series `i`'s smoothed data decimated for `range` on `columns`, from the cache when drawn
    /// before with this smoothing.
    pub fn smoothed_pieces(
        &self,
        run: &Run,
        i: usize,
        range: (f64, f64),
        columns: usize,
        log: bool,
    ) -> Rc<Pieces> {
        self.pieces(run, i, true, range, columns, log)
    }

    /// Series `i`'s raw or smoothed data decimated: the points shown and one either side, each
    /// pixel column summarized by its blocks where they may stand in for the points.
    fn pieces(
        &self,
        run: &Run,
        i: usize,
        smoothed: bool,
        range: (f64, f64),
        columns: usize,
        log: bool,
    ) -> Rc<Pieces> {
        let (y, blocks) = if smoothed {
            (&self.smoothed[i], &self.smoothed_blocks[i])
        } else {
            (&run.series[i].y, &self.raw_blocks[i])
        };
        let key = DrawnKey {
            series: i,
            smoothed,
            x0: range.0.to_bits(),
            x1: range.1.to_bits(),
            columns,
            // Every value positive and finite: a log axis keeps the same points as a linear one.
            log: log && !blocks.usable(y.len(), true),
        };
        if let Some(hit) = self.drawn.borrow().get(&key) {
            return Rc::clone(hit);
        }
        let w = self.window(run, i, range);
        let made = Rc::new(pieces_with(
            &self.x(run, i)[w.clone()],
            &y[w.clone()],
            range,
            columns,
            |y| keep(y, log),
            blocks.usable(y.len(), log).then_some((blocks, w.start)),
        ));
        self.decimated.set(self.decimated.get() + 1);
        let mut cache = self.drawn.borrow_mut();
        // Room for every curve of one drawing (raw and smoothed per series), and some zooms.
        if cache.len() >= DRAWN_CACHE + 2 * self.smoothed.len() {
            cache.clear();
        }
        cache.insert(key, Rc::clone(&made));
        made
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

/// The lowest and highest finite value of `xs` (infinities when there is none), without a call
/// per value (on wasm `f64::min` is one).
pub(super) fn finite_extent(xs: &[f64]) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in xs.iter().filter(|v| v.is_finite()) {
        if v < lo {
            lo = v;
        }
        if v > hi {
            hi = v;
        }
    }
    (lo, hi)
}

/// Whether a y value can be drawn: finite, and positive on a log axis.
fn keep(y: f64, log: bool) -> bool {
    y.is_finite() && (!log || y > 0.0)
}
