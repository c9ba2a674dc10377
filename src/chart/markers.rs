//! What the report points at, drawn over the curves: shaded regions (plateau, overfitting), the
//! projected continuation with its band, and markers (best, overfitting onset, spikes, NaN, restarts,
//! learning-rate drops, the gradient clipping threshold).

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::layout::{Panel, PanelKind};
use super::panel::{series_color, Ctx};
use super::theme::verdict_color;
use crate::analysis::{Marker, MarkerKind, RegionKind, Verdict};

type Chart<'a, 'b, DB, Y> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>;
type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Whether something about `series` (or about the run, when `None`) is drawn on `panel`.
fn belongs(ctx: &Ctx<'_>, panel: &Panel, series: Option<&str>) -> bool {
    let index = series.and_then(|n| ctx.run.series.iter().position(|s| s.name == n));
    match index {
        Some(i) if ctx.layout.iter().any(|p| p.series.contains(&i)) => panel.series.contains(&i),
        _ => is_top(ctx, panel),
    }
}

/// The panel a marker goes on.
fn marker_on(ctx: &Ctx<'_>, panel: &Panel, m: &Marker) -> bool {
    match m.kind {
        MarkerKind::Restart => true,
        MarkerKind::LrDrop
            if m.series.is_none()
                && ctx.layout.iter().any(|p| p.kind == PanelKind::LearningRate) =>
        {
            panel.kind == PanelKind::LearningRate
        }
        MarkerKind::ClipThreshold if m.series.is_none() => panel.kind == PanelKind::GradNorm,
        MarkerKind::Best
        | MarkerKind::OverfitOnset
        | MarkerKind::Spike
        | MarkerKind::Nan
        | MarkerKind::LrDrop
        | MarkerKind::ClipThreshold => belongs(ctx, panel, m.series.as_deref()),
    }
}

/// y values beyond the curves that the panel's range must include.
pub fn y_extras(ctx: &Ctx<'_>, panel: &Panel) -> Vec<f64> {
    let mut out: Vec<f64> = ctx
        .report
        .markers
        .iter()
        .filter(|m| m.kind == MarkerKind::ClipThreshold && marker_on(ctx, panel, m))
        .filter_map(|m| m.value)
        .collect();
    if let Some(p) = &ctx.report.projection {
        if belongs(ctx, panel, Some(&p.series)) {
            out.extend(
                p.x.iter()
                    .zip(&p.mid)
                    .filter(|(x, _)| in_x(ctx, ctx.map.at(**x)))
                    .map(|(_, y)| *y),
            );
        }
    }
    out
}

/// The top panel (the monitored series when there is one) carries run-wide labels.
fn is_top(ctx: &Ctx<'_>, panel: &Panel) -> bool {
    ctx.layout.first().is_some_and(|p| std::ptr::eq(p, panel))
}

fn in_x(ctx: &Ctx<'_>, x: f64) -> bool {
    x >= ctx.x.0 && x <= ctx.x.1
}

/// Plateau and overfitting stretches, shaded on every panel and named on the top one.
pub fn regions<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &mut Chart<'_, '_, DB, Y>,
    ctx: &Ctx<'_>,
    panel: &Panel,
    (y0, y1): (f64, f64),
) -> DrawResult<DB> {
    for r in &ctx.report.regions {
        let (a, b) = (
            ctx.map.at(r.start).max(ctx.x.0),
            ctx.map.at(r.end).min(ctx.x.1),
        );
        if a.partial_cmp(&b) != Some(std::cmp::Ordering::Less) {
            continue;
        }
        let color = match r.kind {
            RegionKind::Overfitting => verdict_color(Verdict::Overfitting),
            RegionKind::Plateau => verdict_color(Verdict::Plateau),
        };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(a, y0), (b, y1)],
            color.mix(0.12).filled(),
        )))?;
        if is_top(ctx, panel) {
            chart.draw_series(std::iter::once(
                EmptyElement::at((a, y1))
                    + Text::new(
                        r.kind.as_str(),
                        (ctx.px(4.0), ctx.px(18.0)),
                        ctx.font(11.0).color(&color),
                    ),
            ))?;
        }
    }
    Ok(())
}

/// The projected continuation: a dashed middle line inside its shaded uncertainty band.
pub fn projection<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &mut Chart<'_, '_, DB, Y>,
    ctx: &Ctx<'_>,
    panel: &Panel,
    log: bool,
) -> DrawResult<DB> {
    let Some(p) = &ctx.report.projection else {
        return Ok(());
    };
    if !belongs(ctx, panel, Some(&p.series)) {
        return Ok(());
    }
    let color = ctx
        .run
        .series
        .iter()
        .position(|s| s.name == p.series)
        .map_or(ctx.theme.muted, |i| {
            series_color(ctx.run, ctx.slots, i, ctx.theme)
        });
    let ok = |y: f64| y.is_finite() && (!log || y > 0.0);
    let n =
        p.x.len()
            .min(p.mid.len())
            .min(p.low.len())
            .min(p.high.len());
    let pts = |ys: &[f64]| -> Vec<(f64, f64)> {
        (0..n)
            .filter(|&i| ok(ys[i]) && p.x[i].is_finite())
            .map(|i| (ctx.map.at(p.x[i]), ys[i]))
            .collect()
    };
    let mut band = pts(&p.low);
    band.extend(pts(&p.high).into_iter().rev());
    if band.len() >= 3 {
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            color.mix(0.18).filled(),
        )))?;
    }
    let width = (2.0 * ctx.scale).round().max(1.0) as u32;
    chart.draw_series(DashedLineSeries::new(
        pts(&p.mid),
        ctx.px(7.0),
        ctx.px(5.0),
        color.stroke_width(width),
    ))?;
    Ok(())
}

/// The first NaN or infinity of each visible series on `panel` that the report does not mark
/// itself: a run that blew up should show where, whatever the analysis says.
fn first_non_finite(ctx: &Ctx<'_>, panel: &Panel) -> Vec<Marker> {
    panel
        .series
        .iter()
        .map(|&i| (i, &ctx.run.series[i]))
        .filter(|(_, s)| !ctx.view.hidden.contains(&s.name))
        .filter(|(_, s)| {
            !ctx.report
                .markers
                .iter()
                .any(|m| m.kind == MarkerKind::Nan && m.series.as_deref() == Some(s.name.as_str()))
        })
        .filter_map(|(i, s)| {
            let k = ctx.prepared.first_non_finite(i)?;
            let x = *s.x.get(k).filter(|x| x.is_finite())?;
            Some(Marker {
                kind: MarkerKind::Nan,
                series: Some(s.name.clone()),
                x,
                value: None,
                label: format!("{} from here", s.y[k]),
            })
        })
        .collect()
}

/// Markers of the report (and unmarked NaNs) that belong on `panel`.
pub fn points<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &mut Chart<'_, '_, DB, Y>,
    ctx: &Ctx<'_>,
    panel: &Panel,
    (y0, y1): (f64, f64),
    log: bool,
) -> DrawResult<DB> {
    let pen = Pen {
        ctx,
        y: (y0, y1),
        thin: (1.0 * ctx.scale).round().max(1.0) as u32,
    };
    let on_axis = |v: f64| v.is_finite() && (!log || v > 0.0) && v >= y0 && v <= y1;
    let unmarked = first_non_finite(ctx, panel);
    for m in ctx
        .report
        .markers
        .iter()
        .chain(&unmarked)
        .filter(|m| marker_on(ctx, panel, m))
    {
        let x = ctx.map.at(m.x);
        let value = m.value.filter(|v| on_axis(*v));
        match (m.kind, value) {
            // Across the whole panel, wherever its x.
            (MarkerKind::ClipThreshold, Some(v)) => pen.clip_threshold(chart, v, &m.label)?,
            (MarkerKind::ClipThreshold, None) => {}
            _ if !in_x(ctx, x) => {}
            (MarkerKind::Restart, _) => {
                pen.vertical(chart, x, ctx.theme.muted)?;
                if panel.kind == PanelKind::Monitor {
                    pen.label(chart, (x, y1), &m.label, ctx.theme.muted)?;
                }
            }
            (MarkerKind::LrDrop, _) => pen.vertical(chart, x, ctx.theme.grid)?,
            (MarkerKind::OverfitOnset, _) => {
                let c = verdict_color(Verdict::Overfitting);
                pen.vertical(chart, x, c)?;
                pen.label(chart, (x, y1), &m.label, c)?;
            }
            (MarkerKind::Nan, _) => pen.nan(chart, (x, value.unwrap_or(y1)), &m.label)?,
            (MarkerKind::Spike, Some(v)) => pen.spike(chart, (x, v))?,
            (MarkerKind::Best, Some(v)) => pen.best(chart, (x, v), &m.label)?,
            (MarkerKind::Spike | MarkerKind::Best, None) => {}
        }
    }
    Ok(())
}

/// What one panel's markers are drawn with: its y-range and the thin line width.
struct Pen<'c, 'a> {
    ctx: &'c Ctx<'a>,
    y: (f64, f64),
    thin: u32,
}

impl Pen<'_, '_> {
    /// A dashed vertical line across the panel.
    fn vertical<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
        &self,
        chart: &mut Chart<'_, '_, DB, Y>,
        x: f64,
        color: RGBColor,
    ) -> DrawResult<DB> {
        chart.draw_series(DashedLineSeries::new(
            vec![(x, self.y.0), (x, self.y.1)],
            self.ctx.px(5.0),
            self.ctx.px(4.0),
            color.stroke_width(self.thin),
        ))?;
        Ok(())
    }

    /// A marker's words, just right of and below `at`.
    fn label<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
        &self,
        chart: &mut Chart<'_, '_, DB, Y>,
        at: (f64, f64),
        text: &str,
        color: RGBColor,
    ) -> DrawResult<DB> {
        chart.draw_series(std::iter::once(
            EmptyElement::at(at)
                + Text::new(
                    text.to_string(),
                    (self.ctx.px(5.0), self.ctx.px(-16.0)),
                    self.ctx.font(11.0).color(&color),
                ),
        ))?;
        Ok(())
    }

    /// The gradient clipping threshold: a dashed line across the panel at `v`, labelled.
    fn clip_threshold<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
        &self,
        chart: &mut Chart<'_, '_, DB, Y>,
        v: f64,
        text: &str,
    ) -> DrawResult<DB> {
        let (x0, x1) = self.ctx.x;
        let c = verdict_color(Verdict::Diverging);
        chart.draw_series(DashedLineSeries::new(
            vec![(x0, v), (x1, v)],
            self.ctx.px(8.0),
            self.ctx.px(4.0),
            c.stroke_width(self.thin),
        ))?;
        self.label(chart, (x0, v), text, c)
    }

    /// A NaN or infinity: a cross where it starts (at the top when there is no value to place it).
    fn nan<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
        &self,
        chart: &mut Chart<'_, '_, DB, Y>,
        at: (f64, f64),
        text: &str,
    ) -> DrawResult<DB> {
        let c = verdict_color(Verdict::Diverging);
        chart.draw_series(std::iter::once(Cross::new(
            at,
            self.ctx.px(5.0),
            c.stroke_width(self.thin * 2),
        )))?;
        self.label(chart, (at.0, self.y.1), text, c)
    }

    /// A spike: a filled triangle on the point.
    fn spike<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
        &self,
        chart: &mut Chart<'_, '_, DB, Y>,
        at: (f64, f64),
    ) -> DrawResult<DB> {
        let c = verdict_color(Verdict::Diverging);
        chart.draw_series(std::iter::once(TriangleMarker::new(
            at,
            self.ctx.px(5.0),
            c.filled(),
        )))?;
        Ok(())
    }

    /// The best point: a dot in the verdict's colour ringed in the text colour, its label beside
    /// it (to its left near the right edge).
    fn best<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
        &self,
        chart: &mut Chart<'_, '_, DB, Y>,
        at: (f64, f64),
        text: &str,
    ) -> DrawResult<DB> {
        let ctx = self.ctx;
        let fg = ctx.theme.fg;
        let c = verdict_color(ctx.report.verdict);
        chart.draw_series(std::iter::once(Circle::new(at, ctx.px(5.0), c.filled())))?;
        chart.draw_series(std::iter::once(Circle::new(
            at,
            ctx.px(5.0),
            fg.stroke_width(self.thin),
        )))?;
        let right = at.0 > ctx.x.0 + 0.85 * (ctx.x.1 - ctx.x.0);
        let dx = if right { -ctx.px(34.0) } else { ctx.px(7.0) };
        chart.draw_series(std::iter::once(
            EmptyElement::at(at)
                + Text::new(
                    text.to_string(),
                    (dx, ctx.px(4.0)),
                    ctx.font(11.0).color(&fg),
                ),
        ))?;
        Ok(())
    }
}
