//! fastai `CSVLogger` `history.csv`: `epoch,train_loss,valid_loss,<metrics…>` (v1), plus a
//! `time` column as `mm:ss` (v2). Metrics after `valid_loss` are measured on the validation set.

use super::stem;
use super::table::{self, Table};
use super::Dialect;
use crate::error::Error;
use crate::model::{Axis, Kind, Role, Run};

pub fn read(file: &str, mut table: Table) -> Result<Vec<Run>, Error> {
    let epoch = match table.find(&["epoch"]) {
        Some(e) => table.take(e),
        None => table::row_index(table.rows),
    };
    let mut series = table.into_series(epoch, Axis::Epoch);
    for s in &mut series {
        if s.kind == Kind::Metric {
            s.role = Role::Validation;
        }
    }
    Ok(vec![Run::new(stem(file), file, Dialect::Fastai, series)])
}
