//! Every log dialect plateau reads, in one table: the name `Run::dialect` is serialised as, how
//! a file is recognised, how it is read, and how the files of one run come together.
//!
//! Adding a dialect is one module that reads it, one variant and one row in [`DIALECTS`] (where
//! it stands is where it is tried: rows before it win), a fixture and a test. A dialect written
//! in two ways has a row for each (TensorBoard's event files and its CSV export).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::detect::{self, Detector, Detector::Bytes, Detector::Text};
use super::folder::Piece;
use super::table::Table;
use super::{
    delimited, detectron2, fastai, hf_trainer, keras, lightning, mlflow, pandas, tensorboard,
    ultralytics, wandb,
};
use crate::error::Error;
use crate::model::Run;

/// Every log layout plateau reads (serialised as its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    TensorBoard,
    Mlflow,
    Detectron2,
    HfTrainer,
    Wandb,
    Yolov5,
    Ultralytics,
    Lightning,
    Fastai,
    Keras,
    Pandas,
    Csv,
}

/// How a dialect's files are read.
#[derive(Clone, Copy)]
pub(super) enum Reader {
    /// Delimited text, parsed a line at a time into a [`Table`] (streamed as chunks arrive), then
    /// made into runs.
    Table(ReadTable),
    /// Text read whole: a JSON document, an MLflow metric file.
    Whole(fn(&str, &str, &mut Vec<String>) -> Result<Piece, Error>),
    /// TensorBoard event records, decoded one at a time as chunks arrive ([`super::events`]).
    Records,
}

/// Makes a delimited file's table into runs (warnings go to the drop).
pub(super) type ReadTable = fn(&str, Table, &mut Vec<String>) -> Result<Vec<Run>, Error>;

/// One way a dialect is written: a row of the table.
pub(super) struct Row {
    pub dialect: Dialect,
    /// What `Run::dialect` is serialised as (the JSON's `dialect`, the share link's).
    pub name: &'static str,
    pub detect: Detector,
    pub read: Reader,
    /// Whether runs of this name from several files are one run (TensorBoard tags, one file
    /// each; W&B train and val exports).
    pub joins: bool,
    /// Whether the run name comes from the file's name or folder, so that files whose names
    /// differ only by a train/validation word are one run ([`super::pairs`]); W&B's run names are
    /// the user's own, inside the file.
    pub pairs: bool,
}

/// The dialects in detection order: a file is the first whose detector accepts its name and first
/// [`detect::HEAD`] bytes. Event files and MLflow metrics are known by their names (before any
/// binary signature refuses a file), JSON before delimited text, and each delimited dialect before
/// the ones whose headers it also fits; `csv` takes any other text.
pub(super) static DIALECTS: [Row; 13] = [
    Row {
        dialect: Dialect::TensorBoard,
        name: "tensorboard",
        detect: Bytes(detect::tf_events),
        read: Reader::Records,
        joins: true,
        pairs: true,
    },
    Row {
        dialect: Dialect::Mlflow,
        name: "mlflow",
        detect: Bytes(mlflow::is_metric),
        read: Reader::Whole(|file, text, w| mlflow::read(file, text, w).map(Piece::Metric)),
        joins: false,
        pairs: true,
    },
    Row {
        dialect: Dialect::Detectron2,
        name: "detectron2",
        detect: Text(detect::detectron2),
        read: Reader::Whole(|file, text, _| detectron2::read(file, text).map(Piece::Runs)),
        joins: false,
        pairs: true,
    },
    Row {
        dialect: Dialect::HfTrainer,
        name: "hf_trainer",
        detect: Text(detect::json),
        read: Reader::Whole(|file, text, _| hf_trainer::read(file, text).map(Piece::Runs)),
        joins: false,
        pairs: true,
    },
    Row {
        dialect: Dialect::TensorBoard,
        name: "tensorboard",
        detect: Text(detect::tensorboard),
        read: Reader::Table(|file, table, _| tensorboard::read(file, table)),
        joins: true,
        pairs: true,
    },
    Row {
        dialect: Dialect::Wandb,
        name: "wandb",
        detect: Text(detect::wandb),
        read: Reader::Table(wandb::read),
        joins: true,
        pairs: false,
    },
    Row {
        dialect: Dialect::Yolov5,
        name: "yolov5",
        detect: Text(detect::yolov5),
        read: Reader::Table(|file, table, _| ultralytics::read(file, table, Dialect::Yolov5)),
        joins: false,
        pairs: true,
    },
    Row {
        dialect: Dialect::Ultralytics,
        name: "ultralytics",
        detect: Text(detect::ultralytics),
        read: Reader::Table(|file, table, _| ultralytics::read(file, table, Dialect::Ultralytics)),
        joins: false,
        pairs: true,
    },
    Row {
        dialect: Dialect::Lightning,
        name: "lightning",
        detect: Text(detect::lightning),
        read: Reader::Table(|file, table, _| lightning::read(file, table)),
        joins: false,
        pairs: true,
    },
    Row {
        dialect: Dialect::Fastai,
        name: "fastai",
        detect: Text(detect::fastai),
        read: Reader::Table(|file, table, _| fastai::read(file, table)),
        joins: false,
        pairs: true,
    },
    Row {
        dialect: Dialect::Keras,
        name: "keras",
        detect: Text(detect::keras),
        read: Reader::Table(|file, table, _| keras::read(file, table)),
        joins: false,
        pairs: true,
    },
    Row {
        dialect: Dialect::Pandas,
        name: "pandas",
        detect: Text(detect::pandas),
        read: Reader::Table(|file, table, _| pandas::read(file, table)),
        joins: false,
        pairs: true,
    },
    Row {
        dialect: Dialect::Csv,
        name: "csv",
        detect: Text(|_| true),
        read: Reader::Table(|file, table, _| delimited::read(file, table)),
        joins: false,
        pairs: true,
    },
];

impl Row {
    /// Whether files written this way are delimited text, read a line at a time.
    pub(super) fn is_table(&self) -> bool {
        matches!(self.read, Reader::Table(_))
    }
}

impl Dialect {
    /// The dialect's first row (its rows agree on all but detector and reader).
    fn row(self) -> &'static Row {
        // Every dialect has a row (a test checks), so the fallback is never taken.
        let last = &DIALECTS[DIALECTS.len() - 1];
        DIALECTS.iter().find(|r| r.dialect == self).unwrap_or(last)
    }

    /// The stable lower-case name stored in the JSON and in share links.
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// The dialect called `name`.
    pub fn from_name(name: &str) -> Option<Dialect> {
        DIALECTS.iter().find(|r| r.name == name).map(|r| r.dialect)
    }

    /// Whether runs of one name from several files are one run.
    pub(super) fn joins(self) -> bool {
        self.row().joins
    }

    /// Whether train/validation files are paired by their run names ([`super::pairs`]).
    pub(super) fn pairs_by_name(self) -> bool {
        self.row().pairs
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Dialect {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Dialect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dialect, D::Error> {
        let name = String::deserialize(d)?;
        Dialect::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown log dialect `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::detect::{row_of, Head};
    use crate::ingest::{detect, Detected};

    #[test]
    fn every_row_round_trips_its_name_and_a_dialects_rows_agree() {
        for row in &DIALECTS {
            assert_eq!(
                Dialect::from_name(row.name),
                Some(row.dialect),
                "{}",
                row.name
            );
            let first = row.dialect.row();
            assert_eq!(
                (first.name, first.joins, first.pairs),
                (row.name, row.joins, row.pairs)
            );
            let json = serde_json::to_string(&row.dialect).unwrap();
            assert_eq!(json, format!("\"{}\"", row.name));
            assert_eq!(serde_json::from_str::<Dialect>(&json).unwrap(), row.dialect);
            assert_eq!(row.dialect.to_string(), row.name);
        }
        assert!(serde_json::from_str::<Dialect>("\"excel\"").is_err());
    }

    /// A file each row's own writer makes, for every row in order.
    const SAMPLES: [(&str, &[u8]); 13] = [
        ("events.out.tfevents.1.host", b"\x18\0\0\0\0\0\0\0"),
        ("mlruns/0/abc/metrics/loss", b"1700000000000 0.5 0\n"),
        ("metrics.json", b"{\"iteration\": 19, \"loss\": 1.0}\n"),
        ("trainer_state.json", b"{\n  \"log_history\": [\n"),
        ("run-a-tag-loss.csv", b"Wall time,Step,Value\n"),
        ("export.csv", b"\"Step\",\"run-1 - loss\"\n"),
        (
            "results.csv",
            b"epoch,train/obj_loss,metrics/mAP_0.5,x/lr0\n",
        ),
        (
            "results.csv",
            b"  epoch,  train/box_loss,  metrics/mAP50(B)\n",
        ),
        ("metrics.csv", b"step,epoch,train_loss\n"),
        (
            "history.csv",
            b"epoch,train_loss,valid_loss,accuracy,time\n",
        ),
        ("log.csv", b"epoch,accuracy,loss\n"),
        ("history.csv", b",loss,val_loss\n"),
        ("scores.csv", b"Epoch,Score\n"),
    ];

    #[test]
    fn detection_tries_the_rows_in_table_order() {
        let accepts = |row: usize, sample: usize| {
            let (name, bytes) = SAMPLES[sample];
            DIALECTS[row].detect.accepts(&Head::new(name, bytes))
        };
        for (i, &(name, bytes)) in SAMPLES.iter().enumerate() {
            // The first row that accepts a file is how it is read.
            let row = row_of(name, bytes).unwrap();
            assert!(std::ptr::eq(row, &DIALECTS[i]), "{name}: {}", row.name);
            assert_eq!(detect(name, bytes), Detected::Log(DIALECTS[i].dialect));
            assert!((0..i).all(|j| !accepts(j, i)), "{name}");
        }
        // Later rows would take earlier rows' files: `csv` any text, Ultralytics YOLOv5's header,
        // the Trainer's JSON detectron2's lines; their place in the table is what decides.
        assert!((0..12).all(|i| accepts(12, i)));
        assert!(accepts(7, 6));
        assert!(accepts(3, 2));
        // An event file is known by its name before a length prefix that reads as gzip's magic
        // bytes refuses it.
        assert_eq!(
            detect("events.out.tfevents.1.host", b"\x1F\x8B\0\0\0\0\0\0"),
            Detected::Log(Dialect::TensorBoard)
        );
        assert_eq!(
            detect("a.csv", b"\x1F\x8B\0\0"),
            Detected::Refused("a gzip archive")
        );
    }
}
