//! Several runs in one chart: each run's monitored series in its own colour on the chosen x-axis,
//! and each group as its mean line inside a band (min–max or ±1 SD).

use std::collections::HashSet;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::decimate::pieces_with;
use super::legend::{self, Corner, Entry};
use super::overlaid::{band_member, monitored, Curve, Hidden, Overlaid};
use super::panel::{line, tick};
use super::theme::{Theme, PALETTE};
use super::{scale, xaxis, Frame, LegendEntry, PanelFrame, Style, View, BANNER};
use crate::model::Dropped;
use crate::report::Report;

type DrawResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// What a group's band spans around its mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BandKind {
    /// From the lowest to the highest member at each x.
    #[default]
    MinMax,
    /// One standard deviation across members either side of the mean.
    Std,
}

/// Run `i`'s colour when runs are drawn together (the Okabe–Ito palette, in run order).
pub fn run_color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// CSS pixels the overlay wants: the banner and one tall panel.
pub const HEIGHT: u32 = BANNER + 380;

/// One line: its points on the chosen x-axis (smoothed), its colour, width and legend name.
struct Line<'a> {
    curve: Curve<'a>,
    color: RGBColor,
    width: f64,
    name: String,
}

/// Points of a line or an outline, on the chosen x-axis.
type Points = Vec<(f64, f64)>;

/// A line as drawn: decimated to the plot's pixel columns, in pieces between gaps.
struct Drawn<'a> {
    line: &'a Line<'a>,
    pieces: Vec<Points>,
}

/// One group's band: its lower and upper edge on the chosen x-axis and the colour it is shaded in.
struct Band<'a> {
    low: Curve<'a>,
    high: Curve<'a>,
    color: RGBColor,
}

/// One group's band polygon as drawn (upper edge forward, lower edge back) and its colour.
struct Shade {
    outline: Points,
    color: RGBColor,
}

/// Draws every visible run's monitored series and every group's mean and band.
pub fn overlay<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    drop: &Dropped,
    report: &Report,
    view: &View,
    style: &Style,
) -> Result<Frame, super::Error> {
    let overlaid = Overlaid::new(drop, report, view);
    overlay_prepared(area, drop, report, view, &overlaid, style)
}

/// [`overlay`] from curves made ready for `view` (see [`Overlaid`]).
pub fn overlay_prepared<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    drop: &Dropped,
    report: &Report,
    view: &View,
    overlaid: &Overlaid,
    style: &Style,
) -> Result<Frame, super::Error> {
    let theme = Theme::new(style.dark);
    let s = style.scale;
    let px = |v: f64| (v * s).round() as i32;
    area.fill(&theme.bg)?;
    let (banner_area, plot_area) = area.split_vertically(px(f64::from(BANNER)));
    banner(&banner_area, drop, report, &theme, s)?;

    let hidden = Hidden::of(view);
    let Runs {
        mut lines,
        legend,
        x_title,
    } = run_lines(drop, report, view, overlaid, &hidden, &theme);
    let drawn_runs: HashSet<usize> = (0..legend.len()).filter(|&i| !legend[i].hidden).collect();
    let mut bands = Vec::new();
    for (g, group) in report.groups.iter().enumerate() {
        let Some(first) = band_member(report, g, &drawn_runs, &hidden) else {
            continue;
        };
        let Some([mean, low, high]) = overlaid.band(report, g) else {
            continue;
        };
        let color = run_color(first);
        bands.push(Band { low, high, color });
        lines.push(Line {
            curve: mean,
            color,
            width: 3.2,
            name: format!("{} (mean)", group.name),
        });
    }
    let (x0, x1) = x_extent(&lines, view);
    // Every line and band edge at most two points per pixel column (see `decimate`), each
    // column summarized by the curve's blocks: what is drawn stays as many points as the canvas
    // is wide, and costs as much, however long the runs.
    let columns = plot_area.dim_in_pixel().0 as usize;
    let cut = |c: Curve| {
        let blocks = c.blocks.usable(c.y.len(), false).then_some((c.blocks, 0));
        pieces_with(c.x, c.y, (x0, x1), columns, f64::is_finite, blocks)
    };
    let drawn: Vec<Drawn> = lines
        .iter()
        .map(|line| Drawn {
            line,
            pieces: cut(line.curve),
        })
        .collect();
    let shades: Vec<Shade> = bands
        .iter()
        .map(|b| {
            let upper = cut(b.high).into_iter().flatten();
            let lower: Points = cut(b.low).into_iter().flatten().collect();
            Shade {
                outline: upper.chain(lower.into_iter().rev()).collect(),
                color: b.color,
            }
        })
        .collect();
    let (y0, y1) = y_extent(&drawn, &shades, (x0, x1), view);
    let log = view.log_y;
    let ctx = Plot {
        theme: &theme,
        scale: s,
        x: (x0, x1),
        x_title: &x_title,
        monitor: monitor_title(report),
        lines: &drawn,
        shades: &shades,
    };
    let y = scale::YAxis::new(y0, y1, log);
    let (panel, (left, right)) = ctx.draw(&plot_area, y, (y0, y1), log)?;
    area.present()?;
    Ok(Frame {
        left,
        right,
        x_min: x0,
        x_max: x1,
        x_title,
        panels: vec![panel],
        legend,
    })
}

/// Every run's monitored curve (group members tinted and thinner), the legend of runs and the
/// x-axis title.
struct Runs<'a> {
    lines: Vec<Line<'a>>,
    legend: Vec<LegendEntry>,
    x_title: String,
}

/// The runs' lines, legend and x title (see [`Runs`]).
fn run_lines<'a>(
    drop: &Dropped,
    report: &Report,
    view: &View,
    overlaid: &'a Overlaid,
    hidden: &Hidden,
    theme: &Theme,
) -> Runs<'a> {
    let name = |i: usize| {
        view.run_names
            .get(i)
            .filter(|n| !n.is_empty())
            .cloned()
            .unwrap_or_else(|| drop.runs[i].name.clone())
    };
    let members: HashSet<usize> = report
        .groups
        .iter()
        .flat_map(|g| g.members.iter().copied())
        .collect();
    let mut out = Runs {
        lines: Vec::new(),
        legend: Vec::new(),
        x_title: String::new(),
    };
    for (i, run) in drop.runs.iter().enumerate().take(report.runs.len()) {
        let series = monitored(drop, report, view, i);
        let color = run_color(i);
        let line = series.and(overlaid.line(i)).filter(|_| hidden.shows(i));
        out.legend.push(LegendEntry {
            series: name(i),
            color: super::hex(color),
            panel: 0,
            hidden: line.is_none(),
        });
        let Some(curve) = line else {
            continue;
        };
        if out.x_title.is_empty() {
            out.x_title = xaxis::title(run, view.x_axis);
        }
        let member = members.contains(&i);
        out.lines.push(Line {
            curve,
            color: if member {
                theme.tint(color, 0.35)
            } else {
                color
            },
            width: if member { 1.2 } else { 2.2 },
            name: name(i),
        });
    }
    out
}

/// The x-range: the zoom when set, else every line's finite x.
fn x_extent(lines: &[Line], view: &View) -> (f64, f64) {
    let (lo, hi) = lines
        .iter()
        .map(|l| l.curve.extent)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (c, d)| {
            (a.min(c), b.max(d))
        });
    match view.zoom {
        Some((a, b)) if a.is_finite() && b.is_finite() && b > a => (a, b),
        _ => scale::x_range(lo, hi),
    }
}

/// The y-range of what is drawn inside `(x0, x1)`.
fn y_extent(lines: &[Drawn], shades: &[Shade], (x0, x1): (f64, f64), view: &View) -> (f64, f64) {
    let mut values = Vec::new();
    let all = lines.iter().flat_map(|l| &l.pieces);
    for points in all.chain(shades.iter().map(|sh| &sh.outline)) {
        values.extend(
            points
                .iter()
                .filter(|(x, _)| *x >= x0 && *x <= x1)
                .map(|p| p.1),
        );
    }
    scale::y_range(&values, view.ignore_outliers, view.log_y)
}

/// The monitored series' name when every run watches the same one.
fn monitor_title(report: &Report) -> String {
    let mut names = report.runs.iter().filter_map(|r| r.monitor.as_deref());
    match names.next() {
        Some(first) if names.all(|n| n == first) => first.to_string(),
        Some(_) => "monitored series (not comparable)".to_string(),
        None => String::new(),
    }
}

/// "4 runs · 1 group" and the ranking sentence (or why the runs cannot be ranked).
fn banner<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    drop: &Dropped,
    report: &Report,
    theme: &Theme,
    s: f64,
) -> DrawResult<(), DB> {
    let px = |v: f64| (v * s).round() as i32;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut title = plural(drop.runs.len(), "run");
    if !report.groups.is_empty() {
        title.push_str(" · ");
        title.push_str(&plural(report.groups.len(), "group"));
    }
    let bold = ("sans-serif", 20.0 * s).into_font().style(FontStyle::Bold);
    area.draw(&Text::new(
        title,
        (px(16.0), px(8.0)),
        bold.color(&theme.fg),
    ))?;
    if let Some(note) = report.notes.first() {
        area.draw(&Text::new(
            note.clone(),
            (px(16.0), px(36.0)),
            ("sans-serif", 14.0 * s).into_font().color(&theme.fg),
        ))?;
    }
    Ok(())
}

/// The one panel of the overlay.
struct Plot<'a> {
    theme: &'a Theme,
    scale: f64,
    x: (f64, f64),
    x_title: &'a str,
    monitor: String,
    lines: &'a [Drawn<'a>],
    shades: &'a [Shade],
}

impl Plot<'_> {
    fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    fn draw<DB: DrawingBackend, Y>(
        &self,
        area: &DrawingArea<DB, Shift>,
        y: Y,
        (y0, y1): (f64, f64),
        log: bool,
    ) -> DrawResult<(PanelFrame, (i32, i32)), DB>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let theme = self.theme;
        let font = |size: f64| ("sans-serif", size * self.scale).into_font();
        let label_font = font(12.0).color(&theme.fg);
        let mut chart = ChartBuilder::on(area)
            .margin_left(self.px(8.0))
            .margin_right(self.px(16.0))
            .margin_top(self.px(8.0))
            .margin_bottom(self.px(6.0))
            .x_label_area_size(self.px(34.0))
            .y_label_area_size(self.px(64.0))
            .build_cartesian_2d(self.x.0..self.x.1, y)?;
        chart
            .configure_mesh()
            .light_line_style(theme.grid.mix(0.45))
            .bold_line_style(theme.grid)
            .axis_style(theme.fg.mix(0.6))
            .label_style(label_font.clone())
            .axis_desc_style(label_font)
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .x_desc(self.x_title)
            .draw()?;
        self.curves(&mut chart, (y0, y1), log)?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((self.x.0, y1))
                + Text::new(
                    self.monitor.clone(),
                    (self.px(6.0), self.px(4.0)),
                    font(12.0).style(FontStyle::Bold).color(&theme.muted),
                ),
        ))?;
        let entries: Vec<Entry> = self
            .lines
            .iter()
            .filter(|d| !d.pieces.is_empty())
            .map(|d| Entry {
                name: d.line.name.clone(),
                color: d.line.color,
            })
            .collect();
        legend::draw(
            &chart.plotting_area().strip_coord_spec(),
            &entries,
            Corner::UpperRight,
            theme,
            self.scale,
        )?;
        Ok(PanelFrame::of(&chart, &self.monitor, (y0, y1), log))
    }

    /// The group bands, then every line, clipped to the x-range (and to positive values on a log
    /// axis).
    fn curves<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
        &self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
        (y0, y1): (f64, f64),
        log: bool,
    ) -> DrawResult<(), DB> {
        for shade in self.shades {
            let outline: Vec<(f64, f64)> = shade
                .outline
                .iter()
                .map(|&(x, v)| (x.clamp(self.x.0, self.x.1), v.clamp(y0, y1)))
                .collect();
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                shade.color.mix(0.18).filled(),
            )))?;
        }
        let width = |w: f64| ((w * self.scale).round() as u32).max(1);
        for drawn in self.lines {
            let stroke = drawn.line.color.stroke_width(width(drawn.line.width));
            for piece in &drawn.pieces {
                // x rises along a piece: the points in the x-range are one run of them.
                let start = piece.partition_point(|p| p.0 < self.x.0);
                let inside = &piece[start..piece.partition_point(|p| p.0 <= self.x.1).max(start)];
                let points: Vec<(f64, f64)> = if log {
                    inside.iter().copied().filter(|p| p.1 > 0.0).collect()
                } else {
                    inside.to_vec()
                };
                line(chart, points, stroke)?;
            }
        }
        Ok(())
    }
}
