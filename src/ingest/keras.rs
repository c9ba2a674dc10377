//! Keras `CSVLogger` files: an `epoch` column, `NA` cells, and with `append=True` several runs (or
//! sessions of one resumed run) in one file, the epoch starting over without a repeated header.

use super::stem;
use super::table::{self, Table};
use super::Dialect;
use crate::error::Error;
use crate::model::{Axis, Run};

/// One run; runs appended with `append=True` are told apart by the caller (see [`super::sessions`]).
pub fn read(file: &str, mut table: Table) -> Result<Vec<Run>, Error> {
    let epoch = match table.find(&["epoch"]) {
        Some(e) => table.take(e),
        None => table::row_index(table.rows),
    };
    let series = table.into_series(epoch, Axis::Epoch);
    Ok(vec![Run::new(stem(file), file, Dialect::Keras, series)])
}
