//! Keras `CSVLogger` files: an `epoch` column, `NA` cells, and with `append=True` several runs in
//! one file, each starting again at the first epoch without a repeated header.

use super::table::{self, Table};
use super::{first_few, stem};
use crate::error::Error;
use crate::model::{Axis, Run};

/// One run per time the epoch starts over.
pub fn read(file: &str, mut table: Table, warnings: &mut Vec<String>) -> Result<Vec<Run>, Error> {
    let epoch = match table.find(&["epoch"]) {
        Some(e) => table.take(e),
        None => table::row_index(table.rows),
    };
    let starts: Vec<usize> = std::iter::once(0)
        .chain((1..epoch.len()).filter(|&i| epoch[i] < epoch[i - 1] && epoch[i] <= epoch[0]))
        .collect();
    let name = stem(file);
    if starts.len() == 1 {
        let series = table.into_series(&epoch, Axis::Epoch);
        return Ok(vec![Run::new(name, file, "keras", series)]);
    }
    let rows: Vec<String> = starts[1..].iter().map(|s| (s + 1).to_string()).collect();
    warnings.push(format!(
        "{file}: the epoch starts over at data rows {}: read as {} runs appended to one file",
        first_few(&rows),
        starts.len()
    ));
    let ends = starts[1..]
        .iter()
        .copied()
        .chain(std::iter::once(epoch.len()));
    Ok(starts
        .iter()
        .zip(ends)
        .enumerate()
        .map(|(k, (&start, end))| {
            let series = table
                .slice(start..end)
                .into_series(&epoch[start..end], Axis::Epoch);
            Run::new(&format!("{name} #{}", k + 1), file, "keras", series)
        })
        .collect())
}
