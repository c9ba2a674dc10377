//! Ultralytics / YOLOv5 `results.csv`: fields right-aligned to width 23 (8.0–8.2) or 20 (YOLOv5,
//! where a 20-character name abuts the comma), or unpadded with a `time` column (8.3).

use super::table::{self, Table};
use super::{stem, Dialect};
use crate::error::Error;
use crate::model::{Axis, Run};

pub fn read(file: &str, mut table: Table, dialect: Dialect) -> Result<Vec<Run>, Error> {
    let epoch = match table.find(&["epoch"]) {
        Some(e) => table.take(e),
        None => table::row_index(table.rows),
    };
    let series = table.into_series(&epoch, Axis::Epoch);
    Ok(vec![Run::new(stem(file), file, dialect.name(), series)])
}
