//! Weights & Biases chart exports: an x column (`Step` or a custom one such as `epoch/epoch`),
//! then `<run> - <metric>` columns with `__MIN`/`__MAX` twins; runs of different lengths leave
//! empty cells. One run per W&B run; the caller joins a train and a val export per run.

use super::table::{self, Table};
use super::Dialect;
use crate::error::Error;
use crate::model::{Axis, Run, Series};

pub fn read(file: &str, mut table: Table, warnings: &mut Vec<String>) -> Result<Vec<Run>, Error> {
    let x_name = table.columns.first().map(|c| c.name.to_ascii_lowercase());
    let axis = match x_name.as_deref() {
        Some(n) if n.contains("epoch") => Axis::Epoch,
        Some(n) if n.contains("time") => Axis::WallTime,
        _ => Axis::Step,
    };
    let x = table.take(0);
    let mut runs: Vec<Run> = Vec::new();
    for column in table.columns {
        let Some((run, metric)) = column.name.split_once(" - ") else {
            warnings.push(format!(
                "{file}: column `{}` names no W&B run and was skipped",
                column.name
            ));
            continue;
        };
        if metric.ends_with("__MIN") || metric.ends_with("__MAX") || metric == "_step" {
            continue;
        }
        let (xs, ys): (Vec<f64>, Vec<f64>) = x
            .iter()
            .zip(&column.values)
            .filter(|(&x, &y)| !table::is_missing(x) && !table::is_missing(y))
            .unzip();
        if ys.is_empty() {
            continue;
        }
        let series = Series::named(metric, axis, xs, ys);
        match runs.iter_mut().find(|r| r.name == run) {
            Some(r) => r.series.push(series),
            None => runs.push(Run::new(run, file, Dialect::Wandb, vec![series])),
        }
    }
    Ok(runs)
}
