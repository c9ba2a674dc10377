//! Hugging Face `trainer_state.json`: `log_history` holds train rows (`loss`, `grad_norm`,
//! `learning_rate`), eval rows (`eval_*`) and a final summary row (`train_runtime`, …). The
//! series the Trainer picked its best checkpoint by (`metric_for_best_model`, else the eval
//! series holding `best_metric`) is carried in the run's info as [`MONITOR`].

use serde_json::Value;

use super::Dialect;
use super::{json, stem};
use crate::error::Error;
use crate::model::{Axis, Run, MONITOR};

/// Keys that are not curves: the x values themselves and run totals.
pub(super) const NOT_SERIES: [&str; 3] = ["step", "epoch", "total_flos"];

pub fn read(file: &str, text: &str) -> Result<Vec<Run>, Error> {
    let root = json::parse(file, text, 1)?;
    let at = |path: String, message: &str| Error::Json {
        file: file.to_string(),
        at: format!("at `{path}`"),
        message: message.to_string(),
    };
    let history = root
        .get("log_history")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            at(
                "log_history".to_string(),
                "expected an array of log entries, as in a Hugging Face trainer_state.json",
            )
        })?;
    let mut columns = json::Columns::default();
    let mut rows = 0;
    for (i, entry) in history.iter().enumerate() {
        let entry = entry
            .as_object()
            .ok_or_else(|| at(format!("log_history[{i}]"), "expected an object"))?;
        if entry.contains_key("train_runtime") {
            continue;
        }
        let step = entry
            .get("step")
            .and_then(json::number)
            .ok_or_else(|| at(format!("log_history[{i}].step"), "expected a number"))?;
        rows += 1;
        for (key, value) in entry {
            let Some(y) = json::number(value).filter(|_| !NOT_SERIES.contains(&key.as_str()))
            else {
                continue;
            };
            columns.push(key, step, y);
        }
    }
    if rows == 0 {
        return Err(Error::TooFewRows {
            file: file.to_string(),
            rows,
        });
    }
    let series = columns.into_series(Axis::Step);
    let mut run = Run::new(stem(file), file, Dialect::HfTrainer, series);
    if let Some(name) = best_model_series(&root, &run) {
        run.info.push((MONITOR.to_string(), name));
    }
    Ok(vec![run])
}

/// The eval series the Trainer chose its best checkpoint by: `metric_for_best_model` (with the
/// `eval_` prefix the Trainer adds), else the only eval series that holds the value `best_metric`.
fn best_model_series(root: &Value, run: &Run) -> Option<String> {
    if let Some(metric) = root.get("metric_for_best_model").and_then(Value::as_str) {
        let name = if metric.starts_with("eval_") {
            metric.to_string()
        } else {
            format!("eval_{metric}")
        };
        return run.series(&name).map(|s| s.name.clone());
    }
    let best = root.get("best_metric").and_then(json::number)?;
    let tolerance = 1e-9 * best.abs().max(1.0);
    let mut matching = run.series.iter().filter(|s| {
        s.name.starts_with("eval_") && s.y.iter().any(|v| (v - best).abs() <= tolerance)
    });
    let found = matching.next()?;
    matching.next().is_none().then(|| found.name.clone())
}
