//! detectron2 `metrics.json`: JSON lines, one object per logging period keyed by `iteration`.

use super::Dialect;
use super::{json, stem};
use crate::error::Error;
use crate::model::{Axis, Run};

pub fn read(file: &str, text: &str) -> Result<Vec<Run>, Error> {
    let mut columns = json::Columns::default();
    let mut rows = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = |path: &str, message: &str| Error::Json {
            file: file.to_string(),
            at: format!("line {}{path}", n + 1),
            message: message.to_string(),
        };
        let value = json::parse(file, line, n + 1)?;
        let entry = value
            .as_object()
            .ok_or_else(|| at("", "expected one JSON object per line"))?;
        let x = entry
            .get("iteration")
            .and_then(json::number)
            .ok_or_else(|| at(" (`iteration`)", "expected a number"))?;
        rows += 1;
        for (key, value) in entry {
            let Some(y) = json::number(value).filter(|_| key != "iteration") else {
                continue;
            };
            columns.push(key, x, y);
        }
    }
    if rows == 0 {
        return Err(Error::TooFewRows {
            file: file.to_string(),
            rows,
        });
    }
    let series = columns.into_series(Axis::Iteration);
    Ok(vec![Run::new(
        stem(file),
        file,
        Dialect::Detectron2,
        series,
    )])
}
