//! Ultralytics / YOLOv5 `results.csv`: fields right-aligned to width 23 (8.0–8.2) or 20 (YOLOv5,
//! where a 20-character name abuts the comma), or unpadded with a `time` column (8.3). Detection,
//! segmentation and pose runs get Ultralytics' own `fitness` (0.1·mAP50 + 0.9·mAP50-95, summed over
//! boxes and masks or keypoints: what it keeps `best.pt` by) as a derived validation series, said
//! to be derived in the run info, and it is the run's monitor.

use super::table::{self, Table};
use super::{stem, Dialect};
use crate::error::Error;
use crate::model::{Axis, Direction, Kind, Role, Run, MONITOR};

/// The (mAP50, mAP50-95) column pairs Ultralytics sums its fitness over: boxes (B), masks (M) and
/// keypoints (P) in Ultralytics 8 (a segmentation run keeps `best.pt` by box + mask fitness, a
/// pose run by box + pose), boxes and masks in YOLOv5-seg, and YOLOv5 detection's unsuffixed pair.
const MAP_COLUMNS: [(&str, &str); 6] = [
    ("metrics/mAP50(B)", "metrics/mAP50-95(B)"),
    ("metrics/mAP50(M)", "metrics/mAP50-95(M)"),
    ("metrics/mAP50(P)", "metrics/mAP50-95(P)"),
    ("metrics/mAP_0.5", "metrics/mAP_0.5:0.95"),
    ("metrics/mAP_0.5(B)", "metrics/mAP_0.5:0.95(B)"),
    ("metrics/mAP_0.5(M)", "metrics/mAP_0.5:0.95(M)"),
];
/// The derived series' name.
pub const FITNESS: &str = "fitness";
/// The run info key saying how the fitness series was derived (it is no column of the file).
pub const DERIVED: &str = "derived";

pub fn read(file: &str, mut table: Table, dialect: Dialect) -> Result<Vec<Run>, Error> {
    let epoch = match table.find(&["epoch"]) {
        Some(e) => table.take(e),
        None => table::row_index(table.rows),
    };
    let derived = fitness(&table);
    let derived_name = derived.is_some().then_some(FITNESS);
    table.columns.extend(derived);
    let mut series = table.into_series(epoch, Axis::Epoch);
    // Only a derived column is named `fitness` here (a logged one is never derived over).
    let fitness = series
        .iter_mut()
        .find(|s| Some(s.name.as_str()) == derived_name);
    let monitored = fitness.is_some();
    if let Some(s) = fitness {
        s.role = Role::Validation;
        s.kind = Kind::Metric;
        s.direction = Direction::Higher;
    }
    let mut run = Run::new(stem(file), file, dialect, series);
    if monitored {
        run.info.push((MONITOR.to_string(), FITNESS.to_string()));
        run.info.push((
            DERIVED.to_string(),
            format!("{FITNESS} = sum of 0.1·mAP50 + 0.9·mAP50-95 over the logged box/mask/pose mAPs (Ultralytics' best.pt criterion, computed by plateau, not a column of the file)"),
        ));
    }
    Ok(vec![run])
}

/// Ultralytics' `fitness` (`ultralytics/utils/metrics.py`: weights [0, 0, 0.1, 0.9] on precision,
/// recall, mAP50, mAP50-95, summed over boxes and masks or keypoints) as a column, row by row: a
/// row where any of those mAPs is empty has none, a NaN mAP gives NaN. `None` when the file logs
/// no mAP pair, or already has a `fitness` column.
fn fitness(table: &Table) -> Option<table::Column> {
    if table.find(&[FITNESS]).is_some() {
        return None;
    }
    let pairs: Vec<(&[f64], &[f64])> = MAP_COLUMNS
        .iter()
        .filter_map(|(a, b)| {
            let column = |name| {
                table
                    .find(&[name])
                    .map(|i| table.columns[i].values.as_slice())
            };
            Some((column(a)?, column(b)?))
        })
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let values = (0..table.rows)
        .map(|r| {
            pairs.iter().try_fold(0.0, |sum, (map50, map)| {
                let (a, b) = (map50[r], map[r]);
                (!table::is_missing(a) && !table::is_missing(b)).then_some(sum + 0.1 * a + 0.9 * b)
            })
        })
        .map(|v| v.unwrap_or_else(table::missing))
        .collect();
    Some(table::Column {
        name: FITNESS.to_string(),
        values,
    })
}
