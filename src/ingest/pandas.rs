//! `pd.DataFrame(history.history).to_csv()`: Keras history columns with no epoch column (the row
//! index is the epoch), or the index written as a first column with an empty header.

use super::stem;
use super::table::{self, Table};
use super::Dialect;
use crate::error::Error;
use crate::model::{Axis, Run};

pub fn read(file: &str, mut table: Table) -> Result<Vec<Run>, Error> {
    let epoch = match table.columns.first() {
        Some(c) if c.name.is_empty() => table.take(0),
        _ => table::row_index(table.rows),
    };
    let series = table.into_series(epoch, Axis::Epoch);
    Ok(vec![Run::new(stem(file), file, Dialect::Pandas, series)])
}
