//! Which dialect a file is written in, from its first bytes and its name: the first row of
//! [`DIALECTS`] whose detector accepts them. The detectors of the text dialects are here, reading
//! the header line they share.

use super::dialect::{Dialect, Row, DIALECTS};
use super::table::sniff;

/// What the first bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    Log(Dialect),
    /// Not a log at all; the words complete "… is {what}".
    Refused(&'static str),
}

/// How many leading bytes [`detect`] looks at.
pub const HEAD: usize = 4096;

/// How a row of [`DIALECTS`] recognises its files.
#[derive(Clone, Copy)]
pub(super) enum Detector {
    /// From the name and the raw first bytes, before any binary signature refuses a file.
    Bytes(fn(&str, &[u8]) -> bool),
    /// From the first bytes read as text; never for a file a binary signature refuses.
    Text(fn(&Head) -> bool),
}

impl Detector {
    pub(super) fn accepts(self, head: &Head) -> bool {
        match self {
            Detector::Bytes(f) => f(head.name, head.bytes),
            Detector::Text(f) => head.refused.is_none() && f(head),
        }
    }
}

/// A file's name and first bytes, with what the text detectors look at worked out once.
pub(super) struct Head<'a> {
    name: &'a str,
    bytes: &'a [u8],
    /// The name without its folder.
    base: &'a str,
    /// What a binary signature says the file is (a PNG image, a ZIP archive, …).
    refused: Option<&'static str>,
    /// The first bytes as text, after any byte-order mark.
    text: String,
    /// The first non-empty line.
    header: String,
    delimiter: char,
    /// The header's fields, trimmed, unquoted and in lower case.
    names: Vec<String>,
}

impl<'a> Head<'a> {
    pub(super) fn new(name: &'a str, bytes: &'a [u8]) -> Head<'a> {
        let bytes = &bytes[..bytes.len().min(HEAD)];
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = String::from_utf8_lossy(text).into_owned();
        let header = text
            .split(['\r', '\n'])
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_string();
        let delimiter = char::from(sniff(&text));
        let names = header
            .split(delimiter)
            .map(|c| c.trim().trim_matches('"').trim().to_ascii_lowercase())
            .collect();
        Head {
            name,
            bytes,
            base: name.rsplit(['/', '\\']).next().unwrap_or(name),
            refused: refused(bytes),
            text,
            header,
            delimiter,
            names,
        }
    }

    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|c| c == name)
    }

    fn any(&self, f: impl Fn(&str) -> bool) -> bool {
        self.names.iter().any(|c| f(c))
    }
}

/// Picks the dialect from the file name and its first [`HEAD`] bytes (more are ignored).
pub fn detect(name: &str, head: &[u8]) -> Detected {
    match row_of(name, head) {
        Ok(row) => Detected::Log(row.dialect),
        Err(what) => Detected::Refused(what),
    }
}

/// The first row of [`DIALECTS`] that accepts a file, or what its binary signature says it is.
pub(super) fn row_of(name: &str, head: &[u8]) -> Result<&'static Row, &'static str> {
    let head = Head::new(name, head);
    match DIALECTS.iter().find(|row| row.detect.accepts(&head)) {
        Some(row) => Ok(row),
        // `csv` takes any text, so only a refused file is left.
        None => Err(head.refused.unwrap_or("not text")),
    }
}

/// What a file starting with `bytes` is when its signature is that of a binary format.
fn refused(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 7] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(what);
    }
    (bytes.len() > 262 && &bytes[257..262] == b"ustar").then_some("a tar archive")
}

/// TensorBoard event files, by their name (`events.out.tfevents.<time>.<host>`).
pub(super) fn tf_events(name: &str, _: &[u8]) -> bool {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .contains("tfevents")
}

/// JSON: a Hugging Face `trainer_state.json` when [`detectron2`] did not take it.
pub(super) fn json(h: &Head) -> bool {
    let trimmed = h.text.trim_start();
    trimmed.starts_with('{') || trimmed.starts_with('[')
}

/// JSON lines, one object per line (detectron2's `metrics.json`), with no `log_history`.
pub(super) fn detectron2(h: &Head) -> bool {
    if !json(h) {
        return false;
    }
    let first_line = h.text.trim_start().lines().next().unwrap_or("").trim_end();
    let one_object_per_line = (first_line.len() > 1 && first_line.ends_with('}'))
        || (h.base == "metrics.json" && !h.text.contains("\"log_history\""));
    one_object_per_line && !first_line.contains("\"log_history\"")
}

/// TensorBoard's scalar CSV export: exactly `Wall time,Step,Value`.
pub(super) fn tensorboard(h: &Head) -> bool {
    h.names == ["wall time", "step", "value"]
}

/// W&B: an x column, then `<run> - <metric>` columns.
pub(super) fn wandb(h: &Head) -> bool {
    h.names.len() > 1 && h.any(|c| c.contains(" - ")) && !h.names[0].contains(" - ")
}

/// Ultralytics 8 and YOLOv5 `results.csv`: `train/…` losses and `metrics/…` columns.
pub(super) fn ultralytics(h: &Head) -> bool {
    h.any(|c| c.starts_with("train/")) && h.any(|c| c.starts_with("metrics/"))
}

/// YOLOv5's own columns: an objectness loss or `x/lr0`.
pub(super) fn yolov5(h: &Head) -> bool {
    ultralytics(h) && h.any(|c| c.contains("obj_loss") || c.starts_with("x/lr"))
}

/// Lightning's `metrics.csv`: `epoch` and `step` columns.
pub(super) fn lightning(h: &Head) -> bool {
    h.has("epoch") && h.has("step")
}

/// fastai's `history.csv`: `epoch,train_loss,valid_loss`.
pub(super) fn fastai(h: &Head) -> bool {
    h.has("epoch") && h.has("train_loss") && h.has("valid_loss")
}

/// Keras `CSVLogger`: a lower-case `epoch` column beside Keras history names.
pub(super) fn keras(h: &Head) -> bool {
    h.header
        .split(h.delimiter)
        .any(|c| c.trim().trim_matches('"') == "epoch")
        && h.any(keras_name)
}

/// Keras history columns only, optionally after the DataFrame index written with an empty header.
pub(super) fn pandas(h: &Head) -> bool {
    let columns = match h.names.split_first() {
        Some((index, rest)) if index.is_empty() => rest,
        _ => &h.names[..],
    };
    !columns.is_empty()
        && columns.iter().all(|c| keras_name(c))
        && columns.iter().any(|c| c.ends_with("loss"))
}

/// A name Keras puts in `history.history`: `loss`, `accuracy`, `val_*`, `lr`/`learning_rate`.
fn keras_name(c: &str) -> bool {
    c == "loss"
        || c == "lr"
        || c == "learning_rate"
        || c.starts_with("val_")
        || c.ends_with("loss")
        || c.ends_with("accuracy")
        || c.ends_with("acc")
        || c.ends_with("mse")
        || c.ends_with("mae")
        || c.ends_with("auc")
}
