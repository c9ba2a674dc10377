//! Any other delimited text: the x-axis is the first column named like an epoch, step or
//! iteration counter, else the row index (counted as epochs).

use super::stem;
use super::table::{self, Table};
use super::Dialect;
use crate::error::Error;
use crate::model::{Axis, Run};

pub fn read(file: &str, mut table: Table) -> Result<Vec<Run>, Error> {
    let axes: [(Axis, &[&str]); 3] = [
        (Axis::Epoch, &["epoch", "epochs"]),
        (Axis::Step, &["step", "steps", "global_step", "_step"]),
        (Axis::Iteration, &["iteration", "iter", "it", "batch"]),
    ];
    let found = axes
        .iter()
        .find_map(|&(axis, names)| table.find(names).map(|i| (axis, i)));
    let (axis, x) = match found {
        Some((axis, i)) => (axis, table.take(i)),
        None => (Axis::Epoch, table::row_index(table.rows)),
    };
    let series = table.into_series(x, axis);
    Ok(vec![Run::new(stem(file), file, Dialect::Csv, series)])
}
