//! A plot's legend: a box in a corner, one line per named line of the chart, its mark then its
//! name.
//!
//! plotters' own series labels measure every name through its font code, not through the backend:
//! in the browser that lays a span out in the page for each name, twice per name per drawing,
//! and each time the page with all its run rows. Here each name is measured once, by the backend
//! that draws it ([`DrawingBackend::estimate_text_size`]: the canvas's `measureText` in the page,
//! no layout). The box is placed and sized as plotters placed its series-label box, so that
//! charts look as they did.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::theme::Theme;

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Which corner of the plot the legend takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    UpperRight,
    LowerRight,
}

/// One line of the legend: a drawn line's name and colour.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub color: RGBColor,
}

/// Backend pixels between the box and the plot's edges (plotters' series-label inset, not scaled).
const INSET: i32 = 5;

/// Lines are this many font sizes apart.
const LINE_HEIGHT: f64 = 1.25;

/// Draws `entries` in `corner` of `plot` (the plotting area, without its axes), sizes in CSS
/// pixels × `scale`: names in 11 px text after a 22 px column holding each line's mark (16 px long,
/// 3 px wide), 6 px of margin inside the box. Names beyond what the plot's height holds are
/// counted on the last line ("+ 176 more"), not drawn.
pub fn draw<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    corner: Corner,
    theme: &Theme,
    scale: f64,
) -> DrawResult<DB> {
    if entries.is_empty() {
        return Ok(());
    }
    let px = |v: f64| (v * scale).round() as i32;
    let (margin, marks) = (px(6.0), px(22.0));
    let font = ("sans-serif", 11.0 * scale).into_font().color(&theme.fg);
    let line_height = 11.0 * scale * LINE_HEIGHT;
    // Line `i`'s top when the first line's is `origin`.
    let line_top =
        |origin: i32, i: usize| (f64::from(origin) + i as f64 * line_height).round() as i32;
    // As many lines as the plot holds inside the box's insets and margins; when the names are
    // more, the last line that fits counts the rest instead (a list of 200 runs ran off the
    // plot, over the x axis).
    let (area_w, area_h) = plot.dim_in_pixel();
    let room = f64::from(area_h as i32 - 2 * INSET - 2 * margin) - 11.0 * scale;
    let fit = ((room / line_height).floor().max(0.0) as usize + 1).max(1);
    let shown = if entries.len() > fit {
        fit - 1
    } else {
        entries.len()
    };
    let more = (shown < entries.len()).then(|| format!("+ {} more", entries.len() - shown));
    let entries = &entries[..shown];
    let lines: Vec<&str> = (entries.iter().map(|e| e.name.as_str()))
        .chain(more.as_deref())
        .collect();
    // Each line's size as the backend measures it (the names left out are not measured).
    let sizes = lines
        .iter()
        .map(|name| plot.estimate_text_size(name, &font))
        .collect::<Result<Vec<_>, _>>()?;
    let text_w = sizes.iter().map(|s| s.0 as i32).max().unwrap_or(0);
    let text_h = (sizes.iter().enumerate())
        .map(|(i, s)| line_top(0, i) + s.1 as i32)
        .max()
        .unwrap_or(0);
    let (w, h) = (text_w + marks + 2 * margin, text_h + 2 * margin);
    let left = area_w as i32 - w - INSET;
    let top = match corner {
        Corner::UpperRight => INSET,
        Corner::LowerRight => area_h as i32 - h - INSET,
    };
    let corners = [(left, top), (left + w, top + h)];
    plot.draw(&Rectangle::new(corners, theme.bg.mix(0.85).filled()))?;
    plot.draw(&Rectangle::new(corners, theme.grid))?;
    // The names as one block of lines from one anchor: an element's points are clamped to the
    // area it is drawn on, so a text element per name would pile the names that overflow the plot
    // (a long list of runs) on its edge.
    let (text_x, text_y) = (left + marks + margin, top + margin);
    let mut names = MultiLineText::<_, &str>::new((text_x, text_y), font.clone());
    names.set_line_height(LINE_HEIGHT);
    for line in &lines {
        names.push_line(*line);
    }
    plot.draw(&names)?;
    // Each mark halfway down its name's box.
    let (mark_len, mark_w) = (px(16.0), px(3.0).max(1) as u32);
    for (i, (e, size)) in entries.iter().zip(&sizes).enumerate() {
        let y0 = line_top(text_y, i);
        let (x, y) = (left + margin, (y0 + y0 + size.1 as i32) / 2);
        plot.draw(&PathElement::new(
            vec![(x, y), (x + mark_len, y)],
            e.color.stroke_width(mark_w),
        ))?;
    }
    Ok(())
}
