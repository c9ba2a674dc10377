//! The verdict banner and one stacked panel: grid, shaded regions, raw and smoothed curves,
//! markers, title and legend.

use plotters::coord::ranged1d::AsRangedCoord;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::rc::Rc;

use super::layout::{Panel, PanelKind};
use super::legend::{self, Corner, Entry};
use super::theme::{verdict_color, Theme, PALETTE};
use super::{markers, scale, PanelFrame, Pieces, Prepared, View, XMap};
use crate::analysis::RunReport;
use crate::model::{Direction, Kind, Role, Run};

type DrawResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Everything a panel needs to know about the run and the view.
pub struct Ctx<'a> {
    pub run: &'a Run,
    pub report: &'a RunReport,
    pub view: &'a View,
    pub prepared: &'a Prepared,
    pub theme: &'a Theme,
    pub scale: f64,
    pub x: (f64, f64),
    pub slots: &'a [usize],
    pub layout: &'a [Panel],
    pub map: &'a XMap,
    /// Only the bottom panel labels the shared x-axis.
    pub x_labels: bool,
}

impl Ctx<'_> {
    pub fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    pub fn font(&self, size: f64) -> FontDesc<'static> {
        ("sans-serif", size * self.scale).into_font()
    }
}

/// The series' colour: its family's palette slot, tinted towards the background for training data
/// that has a validation twin (so `loss` is the light shade of `val_loss`).
pub fn series_color(run: &Run, slots: &[usize], i: usize, theme: &Theme) -> RGBColor {
    let base = PALETTE[slots[i] % PALETTE.len()];
    let twin = run
        .series
        .iter()
        .enumerate()
        .any(|(j, s)| j != i && slots[j] == slots[i] && s.role == Role::Validation);
    if run.series[i].role == Role::Train && twin {
        theme.tint(base, 0.45)
    } else {
        base
    }
}

/// The verdict word, the monitored series and qualifiers in the verdict's colour, the advice below.
pub fn banner<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &RunReport,
    theme: &Theme,
    s: f64,
) -> DrawResult<(), DB> {
    let px = |v: f64| (v * s).round() as i32;
    let vc = verdict_color(report.verdict);
    let height = area.dim_in_pixel().1 as i32;
    area.draw(&Rectangle::new([(0, 0), (px(6.0), height)], vc.filled()))?;
    let mut title = report.verdict.to_string();
    if let Some(m) = &report.monitor {
        title.push_str(" — ");
        title.push_str(m);
    }
    if !report.qualifiers.is_empty() {
        title.push_str(" · ");
        title.push_str(
            &report
                .qualifiers
                .iter()
                .map(|q| q.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    let bold = ("sans-serif", 20.0 * s).into_font().style(FontStyle::Bold);
    area.draw(&Text::new(title, (px(16.0), px(8.0)), bold.color(&vc)))?;
    area.draw(&Text::new(
        report.advice.clone(),
        (px(16.0), px(36.0)),
        ("sans-serif", 14.0 * s).into_font().color(&theme.fg),
    ))
}

/// Draws one panel; returns its frame and the plot's left and right pixel.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
    panel: &Panel,
) -> DrawResult<(PanelFrame, (i32, i32)), DB> {
    let log = log_axis(ctx.view, panel);
    let columns = area.dim_in_pixel().0 as usize;
    let curves = curves(ctx.run, ctx.view, ctx.prepared, ctx.x, panel, columns, log);
    let (y0, y1) = y_range(ctx, panel, &curves, log);
    let y = scale::YAxis::new(y0, y1, log);
    plot(area, ctx, panel, &curves, y, (y0, y1), log)
}

/// Whether `panel` has a log y-axis under `view` (gradient norms always do).
pub fn log_axis(view: &View, panel: &Panel) -> bool {
    view.log_y || panel.kind == PanelKind::GradNorm
}

/// The visible series of `panel`, decimated for the x-range `x` on `columns` pixel columns (and
/// smoothed, but for learning rates, when smoothing is on).
pub fn curves(
    run: &Run,
    view: &View,
    prepared: &Prepared,
    x: (f64, f64),
    panel: &Panel,
    columns: usize,
    log: bool,
) -> Vec<Curve> {
    panel
        .series
        .iter()
        .filter(|&&i| !view.hidden.contains(&run.series[i].name))
        .map(|&i| {
            let raw = prepared.raw_pieces(run, i, x, columns, log);
            let smoothed = if view.smoothing > 0.0 && run.series[i].kind != Kind::LearningRate {
                prepared.smoothed_pieces(run, i, x, columns, log)
            } else {
                Rc::default()
            };
            Curve {
                index: i,
                raw,
                smoothed,
            }
        })
        .collect()
}

/// The panel's y-range: what is drawn (outliers of the dense curves trimmed when asked), widened
/// to what the markers and the projection need.
fn y_range(ctx: &Ctx<'_>, panel: &Panel, curves: &[Curve], log: bool) -> (f64, f64) {
    // "Ignore outliers" trims the dense curves only: the monitored series and sparse evaluations
    // are what the verdict is about, and a few points of them are never outliers of the rest.
    let densest = curves
        .iter()
        .map(|c| ctx.run.series[c.index].len())
        .max()
        .unwrap_or(0);
    let kept = |c: &Curve| {
        let s = &ctx.run.series[c.index];
        ctx.report.monitor.as_deref() == Some(s.name.as_str()) || super::sparse(s.len(), densest)
    };
    let visible = |whole: bool| -> Vec<f64> {
        curves
            .iter()
            .filter(|c| kept(c) == whole)
            .flat_map(|c| c.raw.iter().chain(c.smoothed.iter()))
            .flatten()
            .filter(|(x, _)| *x >= ctx.x.0 && *x <= ctx.x.1)
            .map(|p| p.1)
            .collect()
    };
    let (values, whole) = (visible(false), visible(true));
    let (mut y0, mut y1) = scale::y_range_keeping(&values, &whole, ctx.view.ignore_outliers, log);
    let extras = markers::y_extras(ctx, panel);
    if extras.iter().any(|v| *v < y0 || *v > y1) {
        let mut wanted = extras;
        wanted.extend([y0, y1]);
        (y0, y1) = scale::y_range(&wanted, false, log);
    }
    (y0, y1)
}

/// One series' decimated line pieces.
pub struct Curve {
    index: usize,
    raw: Rc<Pieces>,
    smoothed: Rc<Pieces>,
}

fn plot<DB: DrawingBackend, Y>(
    area: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
    panel: &Panel,
    curves: &[Curve],
    y: Y,
    (y0, y1): (f64, f64),
    log: bool,
) -> DrawResult<(PanelFrame, (i32, i32)), DB>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let theme = ctx.theme;
    let label_font = ctx.font(12.0).color(&theme.fg);
    let mut chart = ChartBuilder::on(area)
        .margin_left(ctx.px(8.0))
        .margin_right(ctx.px(16.0))
        .margin_top(ctx.px(8.0))
        .margin_bottom(ctx.px(if ctx.x_labels { 6.0 } else { 0.0 }))
        .x_label_area_size(if ctx.x_labels { ctx.px(34.0) } else { 0 })
        .y_label_area_size(ctx.px(64.0))
        .build_cartesian_2d(ctx.x.0..ctx.x.1, y)?;
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(theme.grid.mix(0.45))
        .bold_line_style(theme.grid)
        .axis_style(theme.fg.mix(0.6))
        .label_style(label_font.clone())
        .axis_desc_style(label_font.clone())
        .x_labels(8)
        .y_labels(if panel.kind == PanelKind::Monitor {
            6
        } else {
            4
        })
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v));
    if ctx.x_labels {
        mesh.x_desc(ctx.prepared.x_title.as_str());
    }
    mesh.draw()?;

    markers::regions(&mut chart, ctx, panel, (y0, y1))?;
    for c in curves {
        draw_curve(&mut chart, ctx, c)?;
    }
    markers::projection(&mut chart, ctx, panel, log)?;
    markers::points(&mut chart, ctx, panel, (y0, y1), log)?;

    title_and_legend(&mut chart, ctx, panel, curves, y1)?;
    Ok(PanelFrame::of(&chart, &panel.title, (y0, y1), log))
}

/// The panel's title at its top left, and the legend of its drawn series, placed away from where
/// its curves head (lower right for higher-is-better panels).
fn title_and_legend<'a, DB: DrawingBackend + 'a, Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>,
    ctx: &Ctx<'_>,
    panel: &Panel,
    curves: &[Curve],
    y1: f64,
) -> DrawResult<(), DB> {
    chart.draw_series(std::iter::once(
        EmptyElement::at((ctx.x.0, y1))
            + Text::new(
                panel.title.clone(),
                (ctx.px(6.0), ctx.px(4.0)),
                ctx.font(12.0)
                    .style(FontStyle::Bold)
                    .color(&ctx.theme.muted),
            ),
    ))?;
    let corner = if panel.direction == Direction::Higher {
        Corner::LowerRight
    } else {
        Corner::UpperRight
    };
    let entries: Vec<Entry> = curves
        .iter()
        .filter(|c| !c.raw.is_empty() || !c.smoothed.is_empty())
        .map(|c| Entry {
            name: ctx.run.series[c.index].name.clone(),
            color: series_color(ctx.run, ctx.slots, c.index, ctx.theme),
        })
        .collect();
    legend::draw(
        &chart.plotting_area().strip_coord_spec(),
        &entries,
        corner,
        ctx.theme,
        ctx.scale,
    )?;
    Ok(())
}

/// One series: single points as dots, the raw line (faint under a smoothed one), the smoothed
/// line.
fn draw_curve<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    ctx: &Ctx<'_>,
    c: &Curve,
) -> DrawResult<(), DB> {
    let width = |w: f64| ((w * ctx.scale).round() as u32).max(1);
    let color = series_color(ctx.run, ctx.slots, c.index, ctx.theme);
    let bold = if ctx.run.series[c.index].role == Role::Validation {
        2.5
    } else {
        1.8
    };
    let raw_style = if c.smoothed.is_empty() {
        color.stroke_width(width(bold))
    } else {
        color.mix(0.28).stroke_width(width(1.0))
    };
    for piece in c.raw.iter().filter(|p| p.len() == 1) {
        chart.draw_series(
            piece
                .iter()
                .map(|p| Circle::new(*p, ctx.px(3.0), color.filled())),
        )?;
    }
    for piece in c.raw.iter() {
        line(chart, piece.as_slice(), raw_style)?;
    }
    for piece in c.smoothed.iter() {
        line(chart, piece.as_slice(), color.stroke_width(width(bold)))?;
    }
    Ok(())
}

/// Draws the line through `points` as a path element rather than a `LineSeries` of it: a
/// series' elements are boxed, and a boxed path maps each of its points through a dynamic call
/// (a sixth of drawing 200 runs' lines, some 200,000 points).
pub(super) fn line<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    points: impl Into<Vec<(f64, f64)>>,
    style: ShapeStyle,
) -> DrawResult<(), DB> {
    chart.plotting_area().draw(&PathElement::new(points, style))
}

/// A tick label: short, with an exponent for very large or small values.
pub fn tick(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".to_string()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.1e}")
    } else {
        let digits = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
        let s = format!("{v:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}
