//! Delimited text with a header row, such as Keras `CSVLogger` output.

use crate::error::Error;
use crate::model::{Axis, Run, Series};

/// Reads a header plus rows; the `epoch` column (else the row index) is the x-axis and every
/// column whose cells are all numbers (or empty) becomes a series.
pub fn read(file: &str, text: &str, warnings: &mut Vec<String>) -> Result<Run, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(file, &e))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut columns: Vec<Vec<Option<f64>>> = vec![Vec::new(); headers.len()];
    let mut numeric = vec![true; headers.len()];
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(file, &e))?;
        for (i, cell) in record.iter().enumerate() {
            let value = parse_cell(cell);
            if value.is_none() && !cell.is_empty() {
                numeric[i] = false;
            }
            columns[i].push(value);
        }
    }
    let rows = columns.first().map_or(0, Vec::len);
    let numeric_names: Vec<usize> = (0..headers.len()).filter(|&i| numeric[i]).collect();
    if rows == 0 {
        return Err(Error::TooFewRows {
            file: file.to_string(),
            rows,
        });
    }
    for (i, name) in headers.iter().enumerate() {
        if !numeric[i] {
            warnings.push(format!(
                "{file}: column `{name}` is not numeric and was skipped"
            ));
        }
    }
    let epoch = headers.iter().position(|h| h.eq_ignore_ascii_case("epoch"));
    let x: Vec<f64> = match epoch {
        Some(e) if numeric[e] => columns[e]
            .iter()
            .enumerate()
            .map(|(row, v)| v.unwrap_or(row as f64))
            .collect(),
        _ => (0..rows).map(|r| r as f64).collect(),
    };
    let series: Vec<Series> = numeric_names
        .into_iter()
        .filter(|&i| Some(i) != epoch)
        .map(|i| {
            let (xs, ys): (Vec<f64>, Vec<f64>) = columns[i]
                .iter()
                .zip(&x)
                .filter_map(|(v, &x)| v.map(|v| (x, v)))
                .unzip();
            Series::named(&headers[i], Axis::Epoch, xs, ys)
        })
        .filter(|s| !s.is_empty())
        .collect();
    if series.is_empty() {
        return Err(Error::NoNumericColumn {
            file: file.to_string(),
            columns: headers,
        });
    }
    Ok(Run {
        name: run_name(file),
        source: file.to_string(),
        dialect: "keras".to_string(),
        series,
    })
}

/// A number, including `nan`, `inf` and `-inf`; `None` for an empty or `NA` cell or text.
fn parse_cell(cell: &str) -> Option<f64> {
    if cell.is_empty() || cell == "NA" {
        return None;
    }
    cell.parse::<f64>().ok()
}

fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("found {len} fields, expected {expected_len} like the header"),
        _ => e.to_string(),
    };
    Error::Csv {
        file: file.to_string(),
        line,
        message,
    }
}

/// The file name without its folder and extension.
fn run_name(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    base.rsplit_once('.')
        .map_or(base, |(stem, _)| stem)
        .to_string()
}
