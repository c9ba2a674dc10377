//! TensorBoard scalar exports `Wall time,Step,Value`, one tag per file named
//! `run-<run>-tag-<tag>.csv`; the files of one run are joined on `Step` by the caller.

use super::stem;
use super::table::{self, Table};
use super::Dialect;
use crate::error::Error;
use crate::model::{Axis, Run, Series};

pub fn read(file: &str, table: Table) -> Result<Vec<Run>, Error> {
    let (run, tag) = run_and_tag(stem(file));
    let value = table.find(&["value"]);
    let step = table.find(&["step"]);
    let (Some(value), Some(step)) = (value, step) else {
        return Err(Error::NoNumericColumn {
            file: file.to_string(),
            columns: table.columns.iter().map(|c| c.name.clone()).collect(),
        });
    };
    let pairs = table.columns[step]
        .values
        .iter()
        .zip(&table.columns[value].values)
        .filter(|(&x, &y)| !table::is_missing(x) && !table::is_missing(y));
    let (x, y): (Vec<f64>, Vec<f64>) = pairs.unzip();
    let mut series = vec![Series::named(tag, Axis::Step, x, y)];
    // The clock behind the chart's wall-time axis (the tags of one run share it; the first file's is kept).
    if let Some(wall) = table.find(&["wall time"]) {
        let (x, t): (Vec<f64>, Vec<f64>) = table.columns[step]
            .values
            .iter()
            .zip(&table.columns[wall].values)
            .filter(|(&x, &t)| !table::is_missing(x) && !table::is_missing(t))
            .unzip();
        if x.len() >= 2 {
            series.push(Series::named("wall time", Axis::Step, x, t));
        }
    }
    Ok(vec![Run::new(run, file, Dialect::TensorBoard, series)])
}

/// `run-<run>-tag-<tag>` → (run, tag); a run spelled `.` (the log folder itself) is called
/// `tensorboard`; a file named otherwise is one tag named after the file.
fn run_and_tag(stem: &str) -> (&str, &str) {
    match stem
        .strip_prefix("run-")
        .and_then(|rest| rest.split_once("-tag-"))
    {
        Some((".", tag)) | Some(("", tag)) => ("tensorboard", tag),
        Some((run, tag)) => (run, tag),
        None => ("tensorboard", stem),
    }
}
