//! JSON as Python writes it: non-finite floats appear as bare `NaN`, `Infinity` and `-Infinity`,
//! which strict JSON refuses; they are read as the numbers they stand for.

use std::borrow::Cow;

use serde_json::Value;

use crate::error::Error;
use crate::model::{Axis, Series};

/// Series gathered from JSON records by key, in the order keys first appear.
#[derive(Default)]
pub struct Columns(Vec<(String, Vec<f64>, Vec<f64>)>);

impl Columns {
    /// Adds the point (x, y) to the series named `key`.
    pub fn push(&mut self, key: &str, x: f64, y: f64) {
        match self.0.iter_mut().find(|(k, _, _)| k == key) {
            Some((_, xs, ys)) => {
                xs.push(x);
                ys.push(y);
            }
            None => self.0.push((key.to_string(), vec![x], vec![y])),
        }
    }

    pub fn into_series(self, axis: Axis) -> Vec<Series> {
        self.0
            .into_iter()
            .map(|(name, x, y)| Series::named(&name, axis, x, y))
            .collect()
    }
}

/// Parses one JSON document; `line` is the file line it starts on (for error positions).
pub fn parse(file: &str, text: &str, line: usize) -> Result<Value, Error> {
    serde_json::from_str(&quote_non_finite(text)).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        Error::Json {
            file: file.to_string(),
            at: format!("line {}, column {}", e.line() + line - 1, e.column()),
            message: format!("{message} (expected JSON)"),
        }
    })
}

/// A number, or a quoted non-finite float; `None` for anything else (null, text, objects).
pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// Puts quotes around bare `NaN`, `Infinity` and `-Infinity` outside strings.
fn quote_non_finite(text: &str) -> Cow<'_, str> {
    if !text.contains("NaN") && !text.contains("Infinity") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if let Some(word) = ["NaN", "Infinity", "-Infinity"]
            .into_iter()
            .find(|w| rest.starts_with(w))
        {
            out.push('"');
            out.push_str(word);
            out.push('"');
            rest = &rest[word.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}
