//! PyTorch Lightning `CSVLogger` `metrics.csv`: sparse rows (train, validation and learning-rate
//! rows each fill only their own cells) joined on `step`; the `epoch` cell may be empty.

use super::stem;
use super::table::{self, Table};
use super::Dialect;
use crate::error::Error;
use crate::model::{Axis, Run, Series};

pub fn read(file: &str, mut table: Table) -> Result<Vec<Run>, Error> {
    let epoch = table.find(&["epoch"]).map(|e| table.take(e));
    let step = match table.find(&["step"]) {
        Some(s) => table.take(s),
        None => table::row_index(table.rows),
    };
    let epoch = epoch.and_then(|e| epochs(&step, &e));
    let mut series = table.into_series(step, Axis::Step);
    series.extend(epoch);
    Ok(vec![Run::new(stem(file), file, Dialect::Lightning, series)])
}

/// The epoch at each logged step (one point per step: the train and validation rows of an epoch
/// end share their step), kept as a series of kind `other` so the chart can offer epochs as its
/// x-axis; never judged.
fn epochs(step: &[f64], epoch: &[f64]) -> Option<Series> {
    let mut x: Vec<f64> = Vec::new();
    let mut y: Vec<f64> = Vec::new();
    for (&s, &e) in step.iter().zip(epoch) {
        if table::is_missing(s) || table::is_missing(e) {
            continue;
        }
        if x.last() == Some(&s) {
            continue;
        }
        x.push(s);
        y.push(e);
    }
    (x.len() >= 2).then(|| Series::named("epoch", Axis::Step, x, y))
}
