//! What is under a pixel: the x there and every visible series' raw and smoothed value at it.

use serde::Serialize;

use super::layout::panels;
use super::{Frame, Prepared, View};
use crate::analysis::{significant, RunReport};
use crate::model::Run;

/// The read-out for one pointer position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Readout {
    /// The data x nearest the pointer (on the chosen axis) and its pixel column, for the crosshair.
    pub x: f64,
    pub px: f64,
    pub x_title: String,
    /// `x` as the read-out shows it (see [`number`]).
    pub x_text: String,
    /// The panel under the pointer.
    pub panel: usize,
    pub rows: Vec<Row>,
}

/// One visible series at the read-out's x.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub series: String,
    pub color: String,
    pub x: f64,
    pub raw: f64,
    pub smoothed: f64,
    /// `raw` and `smoothed` as the read-out shows them (see [`number`]).
    pub raw_text: String,
    pub smoothed_text: String,
}

/// A read-out number: a whole number as it is, anything else to five significant digits.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        significant(v, 5)
    }
}

/// The read-out under backend pixel `(px, py)`, or `None` outside the plots or with nothing drawn.
pub fn hover(
    frame: &Frame,
    run: &Run,
    report: &RunReport,
    view: &View,
    prepared: &Prepared,
    (px, py): (f64, f64),
) -> Option<Readout> {
    if px < f64::from(frame.left) || px > f64::from(frame.right) {
        return None;
    }
    let panel = frame
        .panels
        .iter()
        .position(|p| py >= f64::from(p.top) && py <= f64::from(p.bottom))?;
    let layout = panels(run, report);
    let visible = |i: &&usize| !view.hidden.contains(&run.series[**i].name);
    let target = frame.x_at(px);
    let snapped = layout
        .get(panel)?
        .series
        .iter()
        .filter(visible)
        .filter_map(|&i| {
            prepared
                .nearest(run, i, target)
                .map(|k| prepared.x(run, i)[k])
        })
        .min_by(|a, b| (a - target).abs().total_cmp(&(b - target).abs()))?;
    let rows = frame
        .legend
        .iter()
        .filter(|e| !e.hidden)
        .filter_map(|e| {
            let i = run.series.iter().position(|s| s.name == e.series)?;
            let k = prepared.nearest(run, i, snapped)?;
            let x = prepared.x(run, i)[k];
            let (raw, smoothed) = (run.series[i].y[k], prepared.smoothed[i][k]);
            Some(Row {
                series: e.series.clone(),
                color: e.color.clone(),
                x,
                raw,
                smoothed,
                raw_text: number(raw),
                smoothed_text: number(smoothed),
            })
        })
        .collect();
    Some(Readout {
        x: snapped,
        px: frame.px_of(snapped),
        x_title: frame.x_title.clone(),
        x_text: number(snapped),
        panel,
        rows,
    })
}
