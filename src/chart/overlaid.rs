//! The curves of every run drawn together (see [`super::overlay`]) made ready for a view: each
//! visible run's monitored series on the chosen x-axis and smoothed, each group's mean and band
//! edges, all summarized for decimation. A redraw then decimates from the blocks (its cost follows
//! the canvas's width, not the runs' length); a new view redoes only what it changed, a part per
//! call of [`Overlaid::step`], so that a page never holds its thread for long.

use std::collections::{HashMap, HashSet};

use super::decimate::Blocks;
use super::overlay::BandKind;
use super::prepare::finite_extent;
use super::{choices, smooth, Smoother, View, XAxis, XMap};
use crate::compare::Band;
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
    y: Vec<f64>,
    blocks: Blocks,
    extent: (f64, f64),
}

impl Line {
    fn ready(&self) -> bool {
        self.blocks.summarized() == self.x.len().min(self.y.len())
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
        let hidden = Hidden::of(view);
        let lines = wanted_lines(drop, report, view, &hidden);
        let bands = wanted_bands(report, view, &hidden, &lines);
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
                    while done < points && !line.ready() {
                        done += line.blocks.extend_some(&line.x, &line.y, points - done);
                    }
                }
                Work::Band(g) => {
                    let key = &bands[&g];
                    let band = &report.groups[g].band;
                    let shape = self.bands.entry(g).or_insert_with(|| {
                        done += band.x.len();
                        make_band(drop, band, key)
                    });
                    while done < points && !shape.ready(band) {
                        match shape.step(band, points - done) {
                            0 => break,
                            added => done += added,
                        }
                    }
                }
            }
        }
        !self.ready_for(report, &lines, &bands)
    }

    fn ready_for(
        &self,
        report: &Report,
        lines: &HashMap<usize, LineKey>,
        bands: &HashMap<usize, BandKey>,
    ) -> bool {
        lines
            .keys()
            .all(|i| self.lines.get(i).is_some_and(Line::ready))
            && bands.keys().all(|&g| {
                self.bands
                    .get(&g)
                    .is_some_and(|b| b.ready(&report.groups[g].band))
            })
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

/// Run `i`'s monitored series on the chosen x-axis, smoothed, with none of its blocks yet.
fn make_line(drop: &Dropped, i: usize, key: &LineKey, view: &View) -> Line {
    let run = &drop.runs[i];
    let (x, y) = match run.series(&key.series) {
        Some(series) => {
            let x = XMap::new(run, view.x_axis).series_x(series);
            let y = smooth::smooth(view.smoother, view.smoothing, &x, &series.y);
            (x.into_owned(), y)
        }
        None => (Vec::new(), Vec::new()),
    };
    Line {
        key: key.clone(),
        extent: finite_extent(&x),
        x,
        y,
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
