//! PyTorch Lightning `CSVLogger` `metrics.csv`: sparse rows (train, validation and learning-rate
//! rows each fill only their own cells) joined on `step`; the `epoch` cell may be empty.

use super::stem;
use super::table::{self, Table};
use crate::error::Error;
use crate::model::{Axis, Run};

pub fn read(file: &str, mut table: Table) -> Result<Vec<Run>, Error> {
    if let Some(e) = table.find(&["epoch"]) {
        table.take(e);
    }
    let step = match table.find(&["step"]) {
        Some(s) => table.take(s),
        None => table::row_index(table.rows),
    };
    let series = table.into_series(&step, Axis::Step);
    Ok(vec![Run::new(stem(file), file, "lightning", series)])
}
