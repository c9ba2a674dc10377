//! One drawing code for every plotters backend: the page passes a canvas, tests pass an SVG string.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;

use crate::analysis::{RunReport, Verdict};
use crate::model::{Kind, Role, Run, Series};

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

/// Where the plot landed, so a caller can map pixels back to data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Frame {
    /// Plot area in backend pixels: left, top, right, bottom.
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

/// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
];

pub fn verdict_color(v: Verdict) -> RGBColor {
    match v {
        Verdict::Improving => RGBColor(0, 158, 115),
        Verdict::Plateau => RGBColor(0, 114, 178),
        Verdict::Overfitting => RGBColor(230, 159, 0),
        Verdict::Diverging => RGBColor(213, 94, 0),
        Verdict::Insufficient => RGBColor(120, 120, 120),
    }
}

/// The series drawn: the monitored one and every other loss of the run.
fn drawn<'a>(run: &'a Run, report: &RunReport) -> Vec<&'a Series> {
    let monitor = report.monitor.as_deref();
    let mut out: Vec<&Series> = run
        .series
        .iter()
        .filter(|s| Some(s.name.as_str()) == monitor || s.kind == Kind::Loss)
        .collect();
    if out.is_empty() {
        out = run.series.iter().filter(|s| s.kind != Kind::Time).collect();
    }
    out
}

/// Draws the verdict banner and the curves of one run.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    run: &Run,
    report: &RunReport,
    style: &Style,
) -> Result<Frame, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let s = style.scale;
    let px = |v: f64| (v * s).round() as i32;
    let (fg, bg, grid) = if style.dark {
        (
            RGBColor(230, 230, 230),
            RGBColor(24, 24, 27),
            RGBColor(60, 60, 66),
        )
    } else {
        (RGBColor(30, 30, 30), WHITE, RGBColor(225, 225, 230))
    };
    area.fill(&bg).map_err(err)?;
    let (banner, plot) = area.split_vertically(px(58.0));

    let vc = verdict_color(report.verdict);
    banner
        .draw(&Rectangle::new([(0, 0), (px(6.0), px(58.0))], vc.filled()))
        .map_err(err)?;
    let title = match &report.monitor {
        Some(m) => format!("{} — {}", report.verdict, m),
        None => report.verdict.to_string(),
    };
    banner
        .draw(&Text::new(
            title,
            (px(16.0), px(8.0)),
            ("sans-serif", 20.0 * s)
                .into_font()
                .style(FontStyle::Bold)
                .color(&vc),
        ))
        .map_err(err)?;
    banner
        .draw(&Text::new(
            report.advice.clone(),
            (px(16.0), px(34.0)),
            ("sans-serif", 14.0 * s).into_font().color(&fg),
        ))
        .map_err(err)?;

    let series = drawn(run, report);
    let finite = || {
        series
            .iter()
            .flat_map(|s| s.x.iter().zip(&s.y))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    };
    let (mut x0, mut x1, mut y0, mut y1) = finite().fold(
        (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), (x, y)| (a.min(*x), b.max(*x), c.min(*y), d.max(*y)),
    );
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    let pad = ((y1 - y0) * 0.05).max(y1.abs() * 1e-6).max(1e-12);
    let (y0, y1) = (y0 - pad, y1 + pad);

    let mut chart = ChartBuilder::on(&plot)
        .margin(px(12.0))
        .x_label_area_size(px(36.0))
        .y_label_area_size(px(64.0))
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    let label_font = ("sans-serif", 12.0 * s).into_font().color(&fg);
    let axis_name = series.first().map_or("x", |s| s.axis.word());
    chart
        .configure_mesh()
        .light_line_style(grid.mix(0.5))
        .bold_line_style(grid)
        .axis_style(fg.mix(0.6))
        .label_style(label_font.clone())
        .axis_desc_style(label_font.clone())
        .x_desc(axis_name)
        .x_labels(8)
        .y_labels(6)
        .draw()
        .map_err(err)?;

    for (i, serie) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let width = if serie.role == Role::Validation {
            3.0
        } else {
            2.0
        };
        let points: Vec<(f64, f64)> = serie
            .x
            .iter()
            .zip(&serie.y)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| (*x, *y))
            .collect();
        chart
            .draw_series(LineSeries::new(
                points,
                color.stroke_width((width * s).round().max(1.0) as u32),
            ))
            .map_err(err)?
            .label(serie.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + px(18.0), y)],
                    color.stroke_width(px(3.0) as u32),
                )
            });
    }
    for marker in report.markers.iter().filter(|m| m.kind == "best") {
        if let Some(value) = marker.value {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (marker.x, value),
                    px(5.0),
                    vc.filled(),
                )))
                .map_err(err)?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(bg.mix(0.85))
        .border_style(grid)
        .label_font(label_font)
        .draw()
        .map_err(err)?;

    let (xr, yr) = chart.plotting_area().get_pixel_range();
    area.present().map_err(err)?;
    Ok(Frame {
        left: xr.start,
        top: yr.start,
        right: xr.end,
        bottom: yr.end,
        x_min: x0,
        x_max: x1,
        y_min: y0,
        y_max: y1,
    })
}

/// The same chart as an SVG document, for native tests, the CLI and the page's SVG export.
pub fn svg(run: &Run, report: &RunReport, width: u32, height: u32) -> Result<String, String> {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(&area, run, report, &Style::default())?;
    }
    Ok(out)
}
