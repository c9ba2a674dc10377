//! The curves of every run drawn together (see [`super::overlay`]) made ready for a view: each
//! visible run's monitored series on the chosen x-axis and smoothed, each group's mean and band
//! edges, all summarized for decimation. A redraw then decimates from the blocks (its cost follows
//! the canvas's width, not the runs' length); a new view redoes only what it changed, a part per
//! call of [`Overlaid::step`], so that a page never holds its thread for long, and a followed
//! log's growth redoes only the runs that grew, carrying their lines on where the smoothing allows.

use std::collections::{HashMap, HashSet};

use super::decimate::Blocks;
use super::overlay::BandKind;
use super::prepare::finite_extent;
use super::smooth::{ema_carries, Ema};
use super::{choices, smooth, Smoother, View, XAxis, XMap};
use crate::compare::Band;
use crate::model::{starts_session, Dropped, Series};
use crate::report::Report;

/// What a run's line was made for: its monitored series, how many points the run had (a
/// followed log's growth changes only the grown runs' keys, see [`Line::grow`]), and the view's
/// x-axis and smoothing.
#[derive(Debug, Clone, PartialEq)]
struct LineKey {
    series: String,
    points: usize,
    axis: XAxis,
    smoother: Smoother,
    weight: u64,
}

/// What a group's band was made for: its members, the member whose x it is mapped by (any
/// member on the log's own x, which maps nothing: hiding a run keeps its group's band), the x-axis
/// and what the band spans.
#[derive(Debug, Clone, PartialEq)]
struct BandKey {
    members: Vec<usize>,
    first: usize,
    axis: XAxis,
    kind: BandKind,
}

/// A curve as the overlay draws it: its points, their blocks and the lowest and highest finite x.
#[derive(Debug, Clone, Copy)]
pub struct Curve<'a> {
    pub x: &'a [f64],
    pub y: &'a [f64],
    pub blocks: &'a Blocks,
    pub extent: (f64, f64),
}

/// A run's monitored series on the chosen x-axis, smoothed, and the blocks of its points.
#[derive(Debug, Clone)]
struct Line {
    key: LineKey,
    x: Vec<f64>,
    /// The smoothed points so far (all but those the EMA has still to go through).
    y: Vec<f64>,
    smoothing: Smoothing,
    blocks: Blocks,
    extent: (f64, f64),
}

/// How a line's points are smoothed, and so how points appended to its series are.
#[derive(Debug, Clone, Copy)]
enum Smoothing {
    /// Not at all (weight 0): the points as they are.
    Raw,
    /// By the EMA fed every point in turn, a part per call (its state after the last point
    /// smoothed); appended points are fed to it too.
    Ema(Ema),
    /// At once (the x-aware EMA and the Gaussian look at the whole series, x going back splits
    /// it): made again when the series grows.
    Whole,
}

impl Line {
    fn ready(&self) -> bool {
        let smoothed = match self.smoothing {
            Smoothing::Ema(_) => self.y.len() == self.x.len(),
            Smoothing::Raw | Smoothing::Whole => true,
        };
        smoothed && self.blocks.summarized() == self.x.len().min(self.y.len())
    }

    /// Smooths (see [`Smoothing::Ema`]), then summarizes, at most about `points` more points of
    /// the line (`y`: its series' raw y); how many.
    fn step(&mut self, y: &[f64], points: usize) -> usize {
        if let Smoothing::Ema(state) = &mut self.smoothing {
            let from = self.y.len();
            let end = from
                .saturating_add(points.max(1))
                .min(self.x.len().min(y.len()));
            if end > from {
                self.y.extend(y[from..end].iter().map(|&v| state.next(v)));
                return end - from;
            }
        }
        self.blocks.extend_some(&self.x, &self.y, points)
    }

    /// Carries the line on to `series` grown by appended points (`key`: what it is wanted for
    /// now), when that is the line made afresh: on the log's own x, unsmoothed or smoothed by
    /// the EMA with x going on forward. Whether it did: how many smoothed points it added (those
    /// for the EMA are left to [`Line::step`]).
    fn grow(&mut self, series: &Series, key: &LineKey) -> Option<usize> {
        let from = self.x.len();
        let had = self.y.len();
        let same = LineKey {
            points: key.points,
            ..self.key.clone()
        } == *key;
        let fits = same
            && key.axis == XAxis::Native
            && key.points >= self.key.points
            && series.x.len() == series.y.len()
            && series.x.len() >= from;
        let appended = &series.x[from.min(series.x.len())..];
        let carried = match self.smoothing {
            Smoothing::Raw => true,
            Smoothing::Ema(_) => !series.x[from.saturating_sub(1)..]
                .windows(2)
                .any(|w| starts_session(w[0], w[1])),
            Smoothing::Whole => false,
        };
        if !(fits && carried) {
            return None;
        }
        if let Smoothing::Raw = self.smoothing {
            self.y.extend_from_slice(&series.y[from..]);
        }
        let (lo, hi) = finite_extent(appended);
        self.extent = (self.extent.0.min(lo), self.extent.1.max(hi));
        self.x.extend_from_slice(appended);
        self.key = key.clone();
        Some(self.y.len() - had)
    }
}

/// A group's band on the chosen x-axis: its mean and its lower and upper edge (the report's own
/// arrays for min–max, worked out a part at a time for ±1 SD), and the blocks of each.
#[derive(Debug, Clone)]
struct Shape {
    key: BandKey,
    x: Vec<f64>,
    extent: (f64, f64),
    /// Mean − SD and mean + SD, when the band spans ±1 SD.
    spread: Option<(Vec<f64>, Vec<f64>)>,
    /// Of the mean, the lower and the upper edge.
    blocks: [Blocks; 3],
}

/// The mean, the lower and the upper edge of `band`, as far as they are worked out (`spread`:
/// the ±1 SD edges, when the band spans those).
fn edges<'a>(spread: &'a Option<(Vec<f64>, Vec<f64>)>, band: &'a Band) -> [&'a [f64]; 3] {
    match spread {
        Some((low, high)) => [&band.mean, low, high],
        None => [&band.mean, &band.min, &band.max],
    }
}

impl Shape {
    fn ready(&self, band: &Band) -> bool {
        let spread = band.mean.len().min(band.std.len());
        let ys = edges(&self.spread, band);
        let edges_done = match &self.spread {
            Some((low, _)) => low.len() == spread,
            None => true,
        };
        edges_done && (0..3).all(|k| self.blocks[k].summarized() == self.x.len().min(ys[k].len()))
    }

    /// Works out at most about `points` more points of the edges, then of the blocks; how many.
    fn step(&mut self, band: &Band, points: usize) -> usize {
        if let Some((low, high)) = &mut self.spread {
            let from = low.len();
            let end = from
                .saturating_add(points.max(1))
                .min(band.mean.len().min(band.std.len()));
            for (m, sd) in band.mean[from..end].iter().zip(&band.std[from..end]) {
                low.push(m - sd);
                high.push(m + sd);
            }
            if end > from {
                return end - from;
            }
        }
        let ys = edges(&self.spread, band);
        let n = |k: usize| self.x.len().min(ys[k].len());
        let Some(k) = (0..3).find(|&k| self.blocks[k].summarized() < n(k)) else {
            return 0;
        };
        self.blocks[k].extend_some(&self.x, ys[k], points)
    }
}

/// The overlay's prepared curves (see the module's documentation).
#[derive(Debug, Clone, Default)]
pub struct Overlaid {
    lines: HashMap<usize, Line>,
    bands: HashMap<usize, Shape>,
    /// What the view last stepped for wants, worked out once per view, runs and report.
    wanted: Option<Wanted>,
    /// How many points of lines were mapped and smoothed so far.
    made: usize,
}

/// The curves a view draws (see [`Overlaid::step`]), and how far making them got.
#[derive(Debug, Clone)]
struct Wanted {
    view: View,
    lines: HashMap<usize, LineKey>,
    bands: HashMap<usize, BandKey>,
    /// Every curve wanted, the runs' lines first; those before `next` are ready.
    todo: Vec<Work>,
    next: usize,
}

/// The work left after [`Overlaid::update`]: what a [`Overlaid::step`] goes through.
#[derive(Debug, Clone, Copy)]
enum Work {
    Line(usize),
    Band(usize),
}

impl Overlaid {
    /// Every curve of `drop` and `report` ready for `view`.
    pub fn new(drop: &Dropped, report: &Report, view: &View) -> Overlaid {
        let mut overlaid = Overlaid::default();
        while overlaid.step(drop, report, view, usize::MAX) {}
        overlaid
    }

    /// Takes in that the report was replaced, and with a followed log's growth the runs too: the
    /// next [`Overlaid::step`] works out again what the view wants, makes the groups' bands
    /// again, keeps each line whose run is as it was and carries on a grown run's line where it
    /// can (see [`Line::grow`]).
    pub fn forget_report(&mut self) {
        self.bands.clear();
        self.wanted = None;
    }

    /// How many points of runs' lines were mapped and smoothed so far (a line carried on after
    /// its run grew counts the appended points only).
    pub fn made(&self) -> usize {
        self.made
    }

    /// Makes ready what `view` draws and is not ready yet, until about `points` points were gone
    /// through (a whole line when mapping it or smoothing it at once, a part of one when feeding
    /// it to the EMA or summarizing it); whether some is still left. Curves the view no longer
    /// draws are dropped.
    pub fn step(&mut self, drop: &Dropped, report: &Report, view: &View, points: usize) -> bool {
        if !self.wanted.as_ref().is_some_and(|w| w.view == *view) {
            self.want(drop, report, view);
        }
        let Overlaid {
            lines,
            bands,
            wanted: Some(wanted),
            made,
        } = self
        else {
            return false;
        };
        let mut done = 0;
        while let Some(&work) = wanted.todo.get(wanted.next) {
            if done >= points {
                return true;
            }
            let ready = match work {
                Work::Line(i) => {
                    let key = &wanted.lines[&i];
                    let series = drop.runs[i].series(&key.series);
                    let line = lines.entry(i).or_insert_with(|| {
                        let line = make_line(drop, i, key, view);
                        done += series.map_or(0, |s| s.len());
                        *made += line.y.len();
                        line
                    });
                    let y = series.map_or(&[][..], |s| &s.y);
                    while done < points && !line.ready() {
                        let had = line.y.len();
                        match line.step(y, points - done) {
                            0 => break,
                            added => done += added,
                        }
                        *made += line.y.len() - had;
                    }
                    line.ready()
                }
                Work::Band(g) => {
                    let key = &wanted.bands[&g];
                    let band = &report.groups[g].band;
                    let shape = bands.entry(g).or_insert_with(|| {
                        done += band.x.len();
                        make_band(drop, band, key)
                    });
                    while done < points && !shape.ready(band) {
                        match shape.step(band, points - done) {
                            0 => break,
                            added => done += added,
                        }
                    }
                    shape.ready(band)
                }
            };
            // A curve that stopped short of its budget will not get further: it is drawn as it is.
            if !ready && done >= points {
                return true;
            }
            wanted.next += 1;
        }
        false
    }

    /// Works out what `view` draws, dropping the curves it no longer draws and carrying on the
    /// lines of runs that grew.
    fn want(&mut self, drop: &Dropped, report: &Report, view: &View) {
        let hidden = Hidden::of(view);
        let lines = wanted_lines(drop, report, view, &hidden);
        let bands = wanted_bands(report, view, &hidden, &lines);
        let made = &mut self.made;
        self.lines.retain(|i, line| {
            let Some(key) = lines.get(i) else {
                return false;
            };
            if *key == line.key {
                return true;
            }
            let grown = drop.runs[*i]
                .series(&key.series)
                .and_then(|s| line.grow(s, key));
            *made += grown.unwrap_or(0);
            grown.is_some()
        });
        self.bands
            .retain(|g, b| bands.get(g).is_some_and(|k| *k == b.key));
        let mut runs: Vec<usize> = lines.keys().copied().collect();
        let mut groups: Vec<usize> = bands.keys().copied().collect();
        runs.sort_unstable();
        groups.sort_unstable();
        let todo: Vec<Work> = runs
            .into_iter()
            .map(Work::Line)
            .chain(groups.into_iter().map(Work::Band))
            .collect();
        self.wanted = Some(Wanted {
            view: view.clone(),
            lines,
            bands,
            todo,
            next: 0,
        });
    }

    /// Run `i`'s line, when made.
    pub fn line(&self, i: usize) -> Option<Curve<'_>> {
        self.lines.get(&i).map(|l| Curve {
            x: &l.x,
            y: &l.y,
            blocks: &l.blocks,
            extent: l.extent,
        })
    }

    /// Group `g`'s mean, lower and upper edge, when made (`report`: the report they were made from).
    pub fn band<'a>(&'a self, report: &'a Report, g: usize) -> Option<[Curve<'a>; 3]> {
        let shape = self.bands.get(&g)?;
        let ys = edges(&shape.spread, &report.groups.get(g)?.band);
        Some([0, 1, 2].map(|k| Curve {
            x: &shape.x,
            y: ys[k],
            blocks: &shape.blocks[k],
            extent: shape.extent,
        }))
    }
}

/// The runs `view` hides (by hand or by the filter), looked up in a table: a filter that hides
/// most of many runs costs O(1) per run, not a scan of the list per run.
pub struct Hidden(HashSet<usize>);

impl Hidden {
    pub fn of(view: &View) -> Hidden {
        Hidden(view.hidden_runs.iter().copied().collect())
    }

    /// Whether run `i` is drawn.
    pub fn shows(&self, i: usize) -> bool {
        !self.0.contains(&i)
    }
}

/// The series of run `i` the overlay draws: its monitored one, when the run has the chosen x
/// column (a run without it has nothing to align on and is left out rather than drawn against its
/// own x).
pub fn monitored<'d>(
    drop: &'d Dropped,
    report: &'d Report,
    view: &View,
    i: usize,
) -> Option<&'d crate::model::Series> {
    let run = &drop.runs[i];
    let aligned = view.x_axis == XAxis::Native || choices(run).iter().any(|c| c.0 == view.x_axis);
    report.runs[i]
        .monitor
        .as_deref()
        .and_then(|m| run.series(m))
        .filter(|_| aligned)
}

/// The lines `view` draws: per visible run with a monitored series, what it is made for.
fn wanted_lines(
    drop: &Dropped,
    report: &Report,
    view: &View,
    hidden: &Hidden,
) -> HashMap<usize, LineKey> {
    (0..drop.runs.len().min(report.runs.len()))
        .filter(|&i| hidden.shows(i))
        .filter_map(|i| {
            let series = monitored(drop, report, view, i)?;
            Some((
                i,
                LineKey {
                    series: series.name.clone(),
                    points: drop.runs[i].series.iter().map(Series::len).sum(),
                    axis: view.x_axis,
                    smoother: view.smoother,
                    weight: view.smoothing.to_bits(),
                },
            ))
        })
        .collect()
}

/// The bands `view` draws: per group whose first visible member has a line, what it is made for.
pub fn band_member(
    report: &Report,
    g: usize,
    drawn: &HashSet<usize>,
    hidden: &Hidden,
) -> Option<usize> {
    let first = *report.groups[g]
        .members
        .iter()
        .find(|&&m| hidden.shows(m))?;
    drawn.contains(&first).then_some(first)
}

fn wanted_bands(
    report: &Report,
    view: &View,
    hidden: &Hidden,
    lines: &HashMap<usize, LineKey>,
) -> HashMap<usize, BandKey> {
    let drawn: HashSet<usize> = lines.keys().copied().collect();
    (0..report.groups.len())
        .filter_map(|g| {
            let first = band_member(report, g, &drawn, hidden)?;
            let members = &report.groups[g].members;
            Some((
                g,
                BandKey {
                    members: members.clone(),
                    first: if view.x_axis == XAxis::Native {
                        members[0]
                    } else {
                        first
                    },
                    axis: view.x_axis,
                    kind: view.band,
                },
            ))
        })
        .collect()
}

/// Run `i`'s monitored series on the chosen x-axis, smoothed at once or with the EMA to feed
/// it to (see [`Smoothing`]), with none of its blocks yet.
fn make_line(drop: &Dropped, i: usize, key: &LineKey, view: &View) -> Line {
    let run = &drop.runs[i];
    let (x, y, smoothing) = match run.series(&key.series) {
        Some(series) => {
            let x = XMap::new(run, view.x_axis)
                .series_x(run, series)
                .into_owned();
            let w = view.smoothing;
            let (y, smoothing) = if w <= 0.0 && x.len() == series.y.len() {
                (series.y.clone(), Smoothing::Raw)
            } else if view.smoother == Smoother::Ema && ema_carries(w, &x, &series.y) {
                (Vec::with_capacity(x.len()), Smoothing::Ema(Ema::new(w)))
            } else {
                (
                    smooth::smooth(view.smoother, w, &x, &series.y),
                    Smoothing::Whole,
                )
            };
            (x, y, smoothing)
        }
        None => (Vec::new(), Vec::new(), Smoothing::Whole),
    };
    Line {
        key: key.clone(),
        extent: finite_extent(&x),
        x,
        y,
        smoothing,
        blocks: Blocks::new(&[], &[]),
    }
}

/// `band`'s x on the x-axis of its group's member `key.first`, with none of its ±1 SD edges or
/// blocks worked out yet.
fn make_band(drop: &Dropped, band: &Band, key: &BandKey) -> Shape {
    let x = XMap::new(&drop.runs[key.first], key.axis).series_x_of(&band.x);
    let n = x.len();
    Shape {
        key: key.clone(),
        extent: finite_extent(&x),
        x,
        spread: (key.kind == BandKind::Std).then(|| (Vec::with_capacity(n), Vec::with_capacity(n))),
        blocks: [0; 3].map(|_| Blocks::new(&[], &[])),
    }
}
