//! Ultralytics / YOLOv5 `results.csv`: fields right-aligned to width 23 (8.0–8.2) or 20 (YOLOv5,
//! where a 20-character name abuts the comma), or unpadded with a `time` column (8.3). Detection
//! runs get Ultralytics' own `fitness` (0.1·mAP50 + 0.9·mAP50-95 of the boxes, what it keeps
//! `best.pt` by) as a derived validation series, and it is the run's monitor.

use super::table::{self, Table};
use super::{stem, Dialect};
use crate::error::Error;
use crate::model::{Axis, Direction, Kind, Role, Run, Series, MONITOR};

/// The box mAP columns of Ultralytics 8 and YOLOv5: (mAP50, mAP50-95).
const MAP_COLUMNS: [(&str, &str); 2] = [
    ("metrics/mAP50(B)", "metrics/mAP50-95(B)"),
    ("metrics/mAP_0.5", "metrics/mAP_0.5:0.95"),
];
/// The derived series' name.
pub const FITNESS: &str = "fitness";

pub fn read(file: &str, mut table: Table, dialect: Dialect) -> Result<Vec<Run>, Error> {
    let epoch = match table.find(&["epoch"]) {
        Some(e) => table.take(e),
        None => table::row_index(table.rows),
    };
    let mut series = table.into_series(&epoch, Axis::Epoch);
    let derived = fitness(&series);
    let monitored = derived.is_some();
    series.extend(derived);
    let mut run = Run::new(stem(file), file, dialect.name(), series);
    if monitored {
        run.info.push((MONITOR.to_string(), FITNESS.to_string()));
    }
    Ok(vec![run])
}

/// Ultralytics' `fitness` (`ultralytics/utils/metrics.py`, weights [0, 0, 0.1, 0.9] on
/// precision, recall, mAP50, mAP50-95) at the epochs where both box mAPs are logged.
fn fitness(series: &[Series]) -> Option<Series> {
    let find = |name: &str| series.iter().find(|s| s.name == name);
    let (map50, map) = MAP_COLUMNS
        .iter()
        .find_map(|(a, b)| Some((find(a)?, find(b)?)))?;
    let (x, y): (Vec<f64>, Vec<f64>) = map50
        .x
        .iter()
        .zip(&map50.y)
        .zip(map.x.iter().zip(&map.y))
        .filter(|((xa, _), (xb, _))| xa == xb)
        .map(|((x, a), (_, b))| (*x, 0.1 * a + 0.9 * b))
        .unzip();
    let mut s = Series::named(FITNESS, Axis::Epoch, x, y);
    s.role = Role::Validation;
    s.kind = Kind::Metric;
    s.direction = Direction::Higher;
    Some(s)
}
