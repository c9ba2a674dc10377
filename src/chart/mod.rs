//! One drawing code for every plotters backend: the page passes a canvas, tests pass an SVG string.
//!
//! A run is first [`prepare`]d for a [`View`] (x mapped, series smoothed; the slow part, cached by the
//! page), then [`draw`]n: verdict banner on top, then stacked panels sharing the x-axis, each series
//! decimated to at most two points per pixel column. The returned [`Frame`] is the pixel ↔ data
//! mapping that [`hover`] and [`Frame::x_at`] use.

mod decimate;
mod export;
mod hover;
mod layout;
mod legend;
mod markers;
mod overlaid;
mod overlay;
mod panel;
mod prepare;
mod scale;
mod smooth;
mod theme;
mod xaxis;

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::RunReport;
use crate::model::{Dropped, Run};
use crate::report::Report;

pub use decimate::pieces;
pub use export::csv;
pub use hover::{hover, number as readout_number, Readout, Row};
pub use layout::{family, panels, Panel, PanelKind};
pub use overlaid::Overlaid;
pub use overlay::{overlay, overlay_prepared, run_color, BandKind, HEIGHT as OVERLAY_HEIGHT};
pub use prepare::{Pieces, Prepared};
pub use scale::{y_range, y_range_keeping};
pub use smooth::{ema, ema_spaced, forward_pieces, gaussian, smooth, Smoother};
pub use theme::{hex, verdict_color, Theme, PALETTE};
pub use xaxis::{choices, XAxis, XMap};

/// Why a chart could not be drawn or written out; the message is the backend's or the writer's.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The drawing backend failed (a canvas without its context, an SVG string that could not grow).
    Drawing(String),
    /// The CSV export could not be written.
    Csv(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Drawing(why) | Error::Csv(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Error {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for Error {
    fn from(e: DrawingAreaErrorKind<E>) -> Error {
        Error::Drawing(e.to_string())
    }
}

/// How to draw: `scale` is the device pixel ratio (text and lines grow with it).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub scale: f64,
    pub dark: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            scale: 1.0,
            dark: false,
        }
    }
}

/// What the user set with the page's controls (the URL fragment holds the same values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct View {
    /// Smoothing weight in `0..1`; 0 draws the raw data only.
    pub smoothing: f64,
    pub smoother: Smoother,
    pub log_y: bool,
    /// y-range from the 5th–95th percentile of what is drawn instead of everything.
    pub ignore_outliers: bool,
    pub x_axis: XAxis,
    /// Names of series not drawn.
    pub hidden: Vec<String>,
    /// The x-range shown (on the chosen axis), or everything.
    pub zoom: Option<(f64, f64)>,
    /// Draw every run of the drop together (see [`overlay`]) instead of one run's panels.
    pub compare: bool,
    /// What a group's band spans when runs are drawn together.
    pub band: BandKind,
    /// Indices of runs not drawn when runs are drawn together.
    pub hidden_runs: Vec<usize>,
    /// Names the user gave runs, by index (empty keeps the run's own name).
    pub run_names: Vec<String>,
}

impl Default for View {
    fn default() -> Self {
        View {
            smoothing: 0.6,
            smoother: Smoother::Ema,
            log_y: false,
            ignore_outliers: true,
            x_axis: XAxis::Native,
            hidden: Vec::new(),
            zoom: None,
            compare: false,
            band: BandKind::MinMax,
            hidden_runs: Vec::new(),
            run_names: Vec::new(),
        }
    }
}

/// Whether a series of `points` is sparse next to the densest series of `densest` points it is drawn
/// with (an evaluation every so many training steps): a tenth as many points or fewer. Sparse series
/// are never trimmed as outliers and are smoothed along x at the dense series' spacing.
pub fn sparse(points: usize, densest: usize) -> bool {
    points.saturating_mul(10) <= densest
}

/// Maps x and smooths every series of `run` for `view` (see [`Prepared`]).
pub fn prepare(run: &Run, view: &View) -> Prepared {
    Prepared::new(run, view)
}

/// Where everything landed, so a caller can map pixels back to data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frame {
    /// Plot area in backend pixels, shared by every panel.
    pub left: i32,
    pub right: i32,
    pub x_min: f64,
    pub x_max: f64,
    pub x_title: String,
    pub panels: Vec<PanelFrame>,
    pub legend: Vec<LegendEntry>,
}

/// One panel's plot area and y-range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelFrame {
    pub title: String,
    pub top: i32,
    pub bottom: i32,
    pub y_min: f64,
    pub y_max: f64,
    pub log: bool,
}

impl PanelFrame {
    /// The frame of a drawn chart titled `title` over `(y_min, y_max)`, and its plot's left and
    /// right pixel.
    fn of<DB: DrawingBackend, X: Ranged, Y: Ranged>(
        chart: &ChartContext<'_, DB, Cartesian2d<X, Y>>,
        title: &str,
        (y_min, y_max): (f64, f64),
        log: bool,
    ) -> (PanelFrame, (i32, i32)) {
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let frame = PanelFrame {
            title: title.to_string(),
            top: yr.start,
            bottom: yr.end,
            y_min,
            y_max,
            log,
        };
        (frame, (xr.start, xr.end))
    }
}

/// A drawn series as the page's legend shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegendEntry {
    pub series: String,
    pub color: String,
    pub panel: usize,
    pub hidden: bool,
}

impl Frame {
    /// The x under backend pixel column `px`, clamped to the plot.
    pub fn x_at(&self, px: f64) -> f64 {
        let w = f64::from((self.right - self.left).max(1));
        let t = ((px - f64::from(self.left)) / w).clamp(0.0, 1.0);
        self.x_min + t * (self.x_max - self.x_min)
    }

    /// The backend pixel column of `x`.
    pub fn px_of(&self, x: f64) -> f64 {
        let w = f64::from(self.right - self.left);
        f64::from(self.left) + (x - self.x_min) / (self.x_max - self.x_min) * w
    }
}

/// CSS pixels the chart wants for its height: the banner plus a share per panel.
pub fn preferred_height(run: &Run, report: &RunReport) -> u32 {
    let n = panels(run, report).len().max(1) as u32;
    BANNER + 250 + 130 * (n - 1)
}

/// Height of the verdict banner in CSS pixels.
const BANNER: u32 = 62;

/// Decimates what [`draw`] on a backend `columns` pixels wide would draw of `run` under `view`,
/// so that drawing then finds every curve ready (see [`Prepared::raw_pieces`]); whether any curve
/// was not ready. A page calls it in a task of its own before drawing a large log.
pub fn warm(
    run: &Run,
    report: &RunReport,
    view: &View,
    prepared: &Prepared,
    columns: usize,
) -> bool {
    let layout = panels(run, report);
    let x = x_extent(prepared, &layout, view);
    let before = prepared.decimated();
    for p in &layout {
        panel::curves(run, view, prepared, x, p, columns, panel::log_axis(view, p));
    }
    prepared.decimated() > before
}

/// Draws the verdict banner and the panels of one run.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    run: &Run,
    report: &RunReport,
    view: &View,
    prepared: &Prepared,
    style: &Style,
) -> Result<Frame, Error> {
    let theme = Theme::new(style.dark);
    let s = style.scale;
    let px = |v: f64| (v * s).round() as i32;
    area.fill(&theme.bg)?;
    let (banner, plot) = area.split_vertically(px(f64::from(BANNER)));
    panel::banner(&banner, report, &theme, s)?;

    let layout = panels(run, report);
    let (x_min, x_max) = x_extent(prepared, &layout, view);
    let slots = layout::color_slots(run);
    let ctx = |last: bool| panel::Ctx {
        run,
        report,
        view,
        prepared,
        theme: &theme,
        scale: s,
        x: (x_min, x_max),
        slots: &slots,
        layout: &layout,
        map: prepared.map(),
        x_labels: last,
    };
    let mut frames = Vec::new();
    let mut left_right = (0, 0);
    for (area, p, last) in stack(&plot, &layout, px(30.0)) {
        let (frame, lr) = panel::draw(&area, &ctx(last), p)?;
        left_right = lr;
        frames.push(frame);
    }
    area.present()?;
    let legend = layout
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| p.series.iter().map(move |&si| (pi, si)))
        .map(|(pi, si)| {
            let name = &run.series[si].name;
            LegendEntry {
                series: name.clone(),
                color: hex(panel::series_color(run, &slots, si, &theme)),
                panel: pi,
                hidden: view.hidden.contains(name),
            }
        })
        .collect();
    Ok(Frame {
        left: left_right.0,
        right: left_right.1,
        x_min,
        x_max,
        x_title: prepared.x_title.clone(),
        panels: frames,
        legend,
    })
}

/// The plot area cut into one area per panel, top to bottom: the monitored panel twice as tall
/// as the others, the last one (which carries the x labels) also taking `x_labels` pixels.
fn stack<'p, DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    layout: &'p [Panel],
    x_labels: i32,
) -> Vec<(DrawingArea<DB, Shift>, &'p Panel, bool)> {
    let height = plot.dim_in_pixel().1 as i32;
    let weights: Vec<i32> = layout
        .iter()
        .map(|p| if p.kind == PanelKind::Monitor { 2 } else { 1 })
        .collect();
    let total: i32 = weights.iter().sum::<i32>().max(1);
    let share = (height - x_labels).max(1);
    let mut rest = plot.clone();
    let mut out = Vec::with_capacity(layout.len());
    for (i, p) in layout.iter().enumerate() {
        let last = i + 1 == layout.len();
        let area = if last {
            rest.clone()
        } else {
            let (a, b) = rest.split_vertically(share * weights[i] / total);
            rest = b;
            a
        };
        out.push((area, p, last));
    }
    out
}

/// The x-range shown: the zoom when set, else everything the panels hold.
fn x_extent(prepared: &Prepared, layout: &[Panel], view: &View) -> (f64, f64) {
    if let Some((a, b)) = view.zoom {
        if a.is_finite() && b.is_finite() && b > a {
            return (a, b);
        }
    }
    let (lo, hi) = prepared.extent(layout.iter().flat_map(|p| p.series.iter().copied()));
    scale::x_range(lo, hi)
}

/// The same chart as an SVG document, for native tests, the CLI and the page's SVG export.
pub fn svg(
    run: &Run,
    report: &RunReport,
    view: &View,
    width: u32,
    height: u32,
) -> Result<String, Error> {
    let prepared = prepare(run, view);
    svg_document(width, height, |backend| {
        let area = backend.into_drawing_area();
        draw(&area, run, report, view, &prepared, &Style::default()).map(|_| ())
    })
}

/// Every run of a drop drawn together (see [`overlay`]) as an SVG document.
pub fn overlay_svg(
    drop: &Dropped,
    report: &Report,
    view: &View,
    width: u32,
    height: u32,
) -> Result<String, Error> {
    svg_document(width, height, |backend| {
        let area = backend.into_drawing_area();
        overlay(&area, drop, report, view, &Style::default()).map(|_| ())
    })
}

/// The SVG document `paint` draws on a `width` × `height` SVG backend. The page wraps that backend
/// in the one it draws its canvas with, so that its module holds one copy of the chart code.
pub fn svg_document(
    width: u32,
    height: u32,
    paint: impl FnOnce(SVGBackend<'_>) -> Result<(), Error>,
) -> Result<String, Error> {
    let mut out = String::new();
    paint(SVGBackend::with_string(&mut out, (width, height)))?;
    Ok(xml_text(out))
}

/// An SVG document without the characters XML forbids (control characters in run and series
/// names from files), so that every viewer opens it.
fn xml_text(mut svg: String) -> String {
    svg.retain(|c| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
    });
    svg
}
