//! MLflow's file store: `mlruns/<experiment>/<run>/metrics/<name>` holds one metric, a line
//! `timestamp value step` per point; `<run>/meta.yaml` names the run (`run_name:`), `<run>/params/<name>`
//! holds one parameter. The metric's name is its path under `metrics/` (names with `/` are folders).

use crate::error::Error;
use crate::model::{Axis, Series};

/// The run folder and metric name of a metric file's path, when it lies under a `metrics` folder.
pub fn metric_path(name: &str) -> Option<(&str, &str)> {
    let (run, metric) = name
        .rsplit_once("/metrics/")
        .or_else(|| name.strip_prefix("metrics/").map(|m| ("", m)))?;
    (!metric.is_empty()).then_some((run, metric))
}

/// Whether a file is an MLflow metric: under `metrics/`, its first line `timestamp value step`.
pub fn is_metric(name: &str, head: &[u8]) -> bool {
    if metric_path(name).is_none() {
        return false;
    }
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let Ok(line) = std::str::from_utf8(line) else {
        return false;
    };
    let fields: Vec<&str> = line.split_ascii_whitespace().collect();
    fields.len() == 3
        && fields[0].parse::<i64>().is_ok()
        && fields[1].parse::<f64>().is_ok()
        && fields[2].parse::<i64>().is_ok()
}

/// One metric file as a series against steps; a metric logged without steps (MLflow then writes
/// step 0 on every line) against its timestamps, in seconds, with a warning.
pub fn read(file: &str, text: &str, warnings: &mut Vec<String>) -> Result<Series, Error> {
    let metric = metric_path(file).map_or(file, |(_, m)| m);
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut time = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_ascii_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let number = |f: &str| f.parse::<f64>().ok();
        let (Some(stamp), Some(value), Some(step)) = (
            fields.first().and_then(|f| number(f)),
            fields.get(1).and_then(|f| number(f)),
            fields.get(2).and_then(|f| number(f)),
        ) else {
            return Err(Error::Csv {
                file: file.to_string(),
                line: i as u64 + 1,
                message: format!(
                    "expected `timestamp value step` as MLflow writes them, found `{}`",
                    line.chars().take(80).collect::<String>()
                ),
            });
        };
        x.push(step);
        y.push(value);
        time.push(stamp / 1000.0);
    }
    if x.len() > 1 && x.iter().all(|&s| s == x[0]) {
        warnings.push(format!(
            "{file}: every point has step {}, as MLflow writes a metric logged without steps: it is read against its timestamps",
            x[0]
        ));
        return Ok(Series::named(metric, Axis::WallTime, time, y));
    }
    Ok(Series::named(metric, Axis::Step, x, y))
}

/// Top-level `key: value` lines of a small YAML file (Lightning's `hparams.yaml`, MLflow's
/// `meta.yaml`); nested blocks and lists are left out.
pub fn yaml_pairs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '\t', '-', '#']))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| {
            (
                k.trim().to_string(),
                v.trim().trim_matches(['\'', '"']).to_string(),
            )
        })
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .collect()
}
