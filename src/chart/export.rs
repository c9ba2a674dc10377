//! The drawn series as CSV: one row per point with its raw and smoothed value.

use super::layout::panels;
use super::{Error, Prepared, View};
use crate::analysis::RunReport;
use crate::model::Run;

/// `series,<x title>,raw,smoothed` rows for every drawn, visible series, in panel order.
pub fn csv(
    run: &Run,
    report: &RunReport,
    view: &View,
    prepared: &Prepared,
) -> Result<String, Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Csv(e.to_string());
    out.write_record(["series", &inert(&prepared.x_title), "raw", "smoothed"])
        .map_err(err)?;
    for i in panels(run, report)
        .iter()
        .flat_map(|p| p.series.iter().copied())
    {
        let s = &run.series[i];
        if view.hidden.contains(&s.name) {
            continue;
        }
        let name = inert(&s.name);
        for ((x, raw), smoothed) in prepared
            .x(run, i)
            .iter()
            .zip(&s.y)
            .zip(&prepared.smoothed[i])
        {
            out.write_record([
                name.clone(),
                x.to_string(),
                raw.to_string(),
                smoothed.to_string(),
            ])
            .map_err(err)?;
        }
    }
    let bytes = out.into_inner().map_err(|e| Error::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::Csv(e.to_string()))
}

/// Text from a file as a cell a spreadsheet shows as text: a leading `=`, `+`, `-`, `@`, tab or
/// carriage return would make it a formula (CSV injection), so such a cell starts with `'`.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
