//! The curves of every run drawn together (see [`super::overlay`]) made ready for a view: each
//! visible run's monitored series on the chosen x-axis and smoothed, each group's mean and band
//! edges, all summarized for decimation. A redraw then decimates from the blocks (its cost follows
//! the canvas's width, not the runs' length); a new view redoes only what it changed, a part per
//! call of [`Overlaid::step`], so that a page never holds its thread for long.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::decimate::Blocks;
use super::overlay::BandKind;
use super::prepare::finite_extent;
use super::{choices, smooth, Smoother, View, XAxis, XMap};
use crate::model::Dropped;
use crate::report::Report;

/// What a run's line was made for: its monitored series and the view's x-axis and smoothing.
#[derive(Debug, Clone, PartialEq)]
struct LineKey {
    series: String,
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

/// Points with their blocks (built a part at a time) and the lowest and highest finite x.
#[derive(Debug, Clone)]
pub struct Curve {
    pub x: Rc<[f64]>,
    pub y: Vec<f64>,
    pub blocks: Blocks,
    pub extent: (f64, f64),
}

impl Curve {
    fn new(x: Rc<[f64]>, y: Vec<f64>) -> Curve {
        Curve {
            extent: finite_extent(&x),
            x,
            y,
            blocks: Blocks::new(&[], &[]),
        }
    }

    fn ready(&self) -> bool {
        self.blocks.summarized() == self.x.len().min(self.y.len())
    }

    /// Summarizes at most `points` more points; how many.
    fn step(&mut self, points: usize) -> usize {
        self.blocks.extend_some(&self.x, &self.y, points)
    }
}

/// A run's monitored series, smoothed.
#[derive(Debug, Clone)]
struct Line {
    key: LineKey,
    curve: Curve,
}

/// A group's mean and the lower and upper edge of its band.
#[derive(Debug, Clone)]
struct Shape {
    key: BandKey,
    /// Mean, lower edge, upper edge.
    curves: [Curve; 3],
}

/// The overlay's prepared curves (see the module's documentation).
#[derive(Debug, Clone, Default)]
pub struct Overlaid {
    lines: HashMap<usize, Line>,
    bands: HashMap<usize, Shape>,
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

    /// Forgets the groups' bands (the report they came from was replaced).
    pub fn forget_bands(&mut self) {
        self.bands.clear();
    }

    /// Makes ready what `view` draws and is not ready yet, until about `points` points were gone
    /// through (a whole line when smoothing it, a part of one when summarizing it); whether some
    /// is still left. Curves the view no longer draws are dropped.
    pub fn step(&mut self, drop: &Dropped, report: &Report, view: &View, points: usize) -> bool {
        let lines = wanted_lines(drop, report, view);
        let bands = wanted_bands(report, view, &lines);
        self.lines
            .retain(|i, l| lines.get(i).is_some_and(|k| *k == l.key));
        self.bands
            .retain(|g, b| bands.get(g).is_some_and(|k| *k == b.key));
        let mut todo: Vec<Work> = lines.keys().map(|&i| Work::Line(i)).collect();
        todo.extend(bands.keys().map(|&g| Work::Band(g)));
        todo.sort_by_key(|w| match *w {
            Work::Line(i) => (0, i),
            Work::Band(g) => (1, g),
        });
        let mut done = 0;
        for work in todo {
            if done >= points {
                return true;
            }
            match work {
                Work::Line(i) => {
                    let key = &lines[&i];
                    let line = self.lines.entry(i).or_insert_with(|| {
                        done += drop.runs[i].series(&key.series).map_or(0, |s| s.len());
                        make_line(drop, i, key, view)
                    });
                    while done < points && !line.curve.ready() {
                        done += line.curve.step(points - done);
                    }
                }
                Work::Band(g) => {
                    let key = &bands[&g];
                    let shape = self.bands.entry(g).or_insert_with(|| {
                        done += report.groups[g].band.x.len();
                        make_band(drop, report, g, key)
                    });
                    for curve in &mut shape.curves {
                        while done < points && !curve.ready() {
                            done += curve.step(points - done);
                        }
                    }
                }
            }
        }
        !self.ready_for(&lines, &bands)
    }

    fn ready_for(&self, lines: &HashMap<usize, LineKey>, bands: &HashMap<usize, BandKey>) -> bool {
        lines
            .keys()
            .all(|i| self.lines.get(i).is_some_and(|l| l.curve.ready()))
            && bands.keys().all(|g| {
                self.bands
                    .get(g)
                    .is_some_and(|b| b.curves.iter().all(Curve::ready))
            })
    }

    /// Run `i`'s line, when made.
    pub fn line(&self, i: usize) -> Option<&Curve> {
        self.lines.get(&i).map(|l| &l.curve)
    }

    /// Group `g`'s mean, lower and upper edge, when made.
    pub fn band(&self, g: usize) -> Option<&[Curve; 3]> {
        self.bands.get(&g).map(|b| &b.curves)
    }
}

/// Whether run `i` is drawn under `view` (not hidden by hand or by the filter).
pub fn visible(view: &View, i: usize) -> bool {
    !view.hidden_runs.contains(&i)
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
fn wanted_lines(drop: &Dropped, report: &Report, view: &View) -> HashMap<usize, LineKey> {
    (0..drop.runs.len().min(report.runs.len()))
        .filter(|&i| visible(view, i))
        .filter_map(|i| {
            let series = monitored(drop, report, view, i)?;
            Some((
                i,
                LineKey {
                    series: series.name.clone(),
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
    view: &View,
) -> Option<usize> {
    let first = *report.groups[g]
        .members
        .iter()
        .find(|&&m| visible(view, m))?;
    drawn.contains(&first).then_some(first)
}

fn wanted_bands(
    report: &Report,
    view: &View,
    lines: &HashMap<usize, LineKey>,
) -> HashMap<usize, BandKey> {
    let drawn: HashSet<usize> = lines.keys().copied().collect();
    (0..report.groups.len())
        .filter_map(|g| {
            let first = band_member(report, g, &drawn, view)?;
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

/// Run `i`'s monitored series on the chosen x-axis, smoothed.
fn make_line(drop: &Dropped, i: usize, key: &LineKey, view: &View) -> Line {
    let run = &drop.runs[i];
    let curve = match run.series(&key.series) {
        Some(series) => {
            let x = XMap::new(run, view.x_axis).series_x(series);
            let y = smooth::smooth(view.smoother, view.smoothing, &x, &series.y);
            Curve::new(x.into(), y)
        }
        None => Curve::new(Rc::from([]), Vec::new()),
    };
    Line {
        key: key.clone(),
        curve,
    }
}

/// Group `g`'s mean and band edges (min–max or ±1 SD) on the x-axis of its member `key.first`.
fn make_band(drop: &Dropped, report: &Report, g: usize, key: &BandKey) -> Shape {
    let b = &report.groups[g].band;
    let map = XMap::new(&drop.runs[key.first], key.axis);
    let x: Rc<[f64]> = b.x.iter().map(|&x| map.at(x)).collect();
    let (low, high): (Vec<f64>, Vec<f64>) = match key.kind {
        BandKind::MinMax => (b.min.clone(), b.max.clone()),
        BandKind::Std => b
            .mean
            .iter()
            .zip(&b.std)
            .map(|(m, sd)| (m - sd, m + sd))
            .unzip(),
    };
    Shape {
        key: key.clone(),
        curves: [
            Curve::new(Rc::clone(&x), b.mean.clone()),
            Curve::new(Rc::clone(&x), low),
            Curve::new(x, high),
        ],
    }
}
