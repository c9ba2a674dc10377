//! Which dialect a file is written in, from its first bytes and its name.

use super::table::sniff;

/// Every log layout plateau reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Keras,
    Pandas,
    Lightning,
    Ultralytics,
    Yolov5,
    Fastai,
    TensorBoard,
    Wandb,
    HfTrainer,
    Detectron2,
    TfEvents,
    Mlflow,
    Csv,
}

impl Dialect {
    /// The stable lower-case name stored in `Run::dialect`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Keras => "keras",
            Dialect::Pandas => "pandas",
            Dialect::Lightning => "lightning",
            Dialect::Ultralytics => "ultralytics",
            Dialect::Yolov5 => "yolov5",
            Dialect::Fastai => "fastai",
            Dialect::TensorBoard => "tensorboard",
            Dialect::Wandb => "wandb",
            Dialect::HfTrainer => "hf_trainer",
            Dialect::Detectron2 => "detectron2",
            Dialect::TfEvents => "tensorboard",
            Dialect::Mlflow => "mlflow",
            Dialect::Csv => "csv",
        }
    }
}

/// What the first bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    Log(Dialect),
    /// Not a log at all; the words complete "… is {what}".
    Refused(&'static str),
}

/// How many leading bytes [`detect`] looks at.
pub const HEAD: usize = 4096;

/// Picks the dialect from the file name and its first 4096 bytes (more are ignored).
pub fn detect(name: &str, head: &[u8]) -> Detected {
    const MAGIC: [(&[u8], &str); 7] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
    ];
    let head = &head[..head.len().min(HEAD)];
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.contains("tfevents") {
        return Detected::Log(Dialect::TfEvents);
    }
    if super::mlflow::is_metric(name, head) {
        return Detected::Log(Dialect::Mlflow);
    }
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return Detected::Refused(what);
    }
    if head.len() > 262 && &head[257..262] == b"ustar" {
        return Detected::Refused("a tar archive");
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let first_line = trimmed.lines().next().unwrap_or("").trim_end();
        let one_object_per_line = (first_line.len() > 1 && first_line.ends_with('}'))
            || (base == "metrics.json" && !text.contains("\"log_history\""));
        return Detected::Log(
            if one_object_per_line && !first_line.contains("\"log_history\"") {
                Dialect::Detectron2
            } else {
                Dialect::HfTrainer
            },
        );
    }
    let header_line = text
        .split(['\r', '\n'])
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let delimiter = char::from(sniff(&text));
    let names: Vec<String> = header_line
        .split(delimiter)
        .map(|c| c.trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect();
    let has = |n: &str| names.iter().any(|c| c == n);
    let any = |f: &dyn Fn(&str) -> bool| names.iter().any(|c| f(c));
    let log = if names == ["wall time", "step", "value"] {
        Dialect::TensorBoard
    } else if names.len() > 1 && any(&|c| c.contains(" - ")) && !names[0].contains(" - ") {
        Dialect::Wandb
    } else if any(&|c| c.starts_with("train/")) && any(&|c| c.starts_with("metrics/")) {
        if any(&|c| c.contains("obj_loss") || c.starts_with("x/lr")) {
            Dialect::Yolov5
        } else {
            Dialect::Ultralytics
        }
    } else if has("epoch") && has("step") {
        Dialect::Lightning
    } else if has("epoch") && has("train_loss") && has("valid_loss") {
        Dialect::Fastai
    } else if header_line
        .split(delimiter)
        .any(|c| c.trim().trim_matches('"') == "epoch")
        && any(&keras_name)
    {
        Dialect::Keras
    } else if pandas_history(&names) {
        Dialect::Pandas
    } else {
        Dialect::Csv
    };
    Detected::Log(log)
}

/// Keras history columns only, optionally after the DataFrame index written with an empty header.
fn pandas_history(names: &[String]) -> bool {
    let columns = match names.split_first() {
        Some((index, rest)) if index.is_empty() => rest,
        _ => names,
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
