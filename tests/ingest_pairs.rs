#![cfg(not(target_arch = "wasm32"))]
//! Files whose names differ only by a train/validation word, on the same x-axis, are one run with
//! the roles their names give.

use plateau::ingest::{read, Input};
use plateau::model::{Kind, Role};
use plateau::{check, Dropped, Options, Verdict};

fn inputs<'a>(files: &'a [(String, String)]) -> Vec<Input<'a>> {
    files
        .iter()
        .map(|(name, text)| Input {
            name,
            bytes: text.as_bytes(),
        })
        .collect()
}

fn drop_of(files: &[(String, String)]) -> Dropped {
    read(&inputs(files)).unwrap_or_else(|e| panic!("{e}"))
}

fn file(name: &str, header: &str, rows: impl Iterator<Item = (f64, f64)>) -> (String, String) {
    let mut text = format!("{header}\n");
    for (x, y) in rows {
        text.push_str(&format!("{x},{y}\n"));
    }
    (name.to_string(), text)
}

/// Training loss falling for 30 epochs; validation loss at its best at epoch 12, rising after.
fn train_val(train: &str, val: &str, header: &str) -> Vec<(String, String)> {
    vec![
        file(
            train,
            header,
            (0..30).map(|e| (f64::from(e), (-f64::from(e) / 8.0).exp() + 0.05)),
        ),
        file(
            val,
            header,
            (0..30).map(|e| {
                let e = f64::from(e);
                (
                    e,
                    (-e / 8.0).exp() + 0.2 + 0.004 * (e - 12.0).max(0.0).powf(1.5),
                )
            }),
        ),
    ]
}

#[test]
fn train_loss_and_val_loss_files_are_one_run_and_overfitting_is_seen() {
    let files = train_val("logs/train_loss.csv", "logs/val_loss.csv", "epoch,loss");
    let (drop, report) = check(&inputs(&files), &Options::default()).unwrap();
    assert_eq!(drop.runs.len(), 1, "{:?}", drop.warnings);
    let run = &drop.runs[0];
    assert_eq!(run.name, "loss");
    assert_eq!(run.source, "logs/train_loss.csv, logs/val_loss.csv");
    let val = run.series("val_loss").expect("the validation file's loss");
    assert_eq!((val.role, val.kind), (Role::Validation, Kind::Loss));
    assert_eq!(val.partner.as_deref(), Some("loss"));
    assert_eq!(run.series("loss").unwrap().role, Role::Train);
    assert_eq!(report.runs[0].monitor.as_deref(), Some("val_loss"));
    assert_eq!(report.runs[0].verdict, Verdict::Overfitting);
}

#[test]
fn value_columns_take_their_file_names() {
    let files = train_val("training-acc.csv", "validation-acc.csv", "step,value");
    let drop = drop_of(&files);
    assert_eq!(drop.runs.len(), 1);
    let run = &drop.runs[0];
    let names: Vec<&str> = run.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["training-acc", "validation-acc"]);
    let val = run.series("validation-acc").unwrap();
    assert_eq!((val.role, val.kind), (Role::Validation, Kind::Metric));
    assert_eq!(val.partner.as_deref(), Some("training-acc"));
}

#[test]
fn tensorboard_train_and_validation_runs_are_one_run() {
    let header = "Wall time,Step,Value";
    let mut files = train_val(
        "run-train-tag-epoch_loss.csv",
        "run-validation-tag-epoch_loss.csv",
        "Step,Value",
    );
    for (_, text) in &mut files {
        let rows: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| format!("1700000000.5,{l}"))
            .collect();
        *text = format!("{header}\n{}\n", rows.join("\n"));
    }
    let drop = drop_of(&files);
    assert_eq!(drop.runs.len(), 1);
    let run = &drop.runs[0];
    let val = run.series("validation_epoch_loss").unwrap();
    assert_eq!(val.role, Role::Validation);
    assert_eq!(val.partner.as_deref(), Some("epoch_loss"));
    assert_eq!(
        run.series.iter().filter(|s| s.name == "wall time").count(),
        1
    );
}

#[test]
fn test_file_pairs_as_the_test_split() {
    let files = train_val("train_loss.csv", "test_loss.csv", "epoch,loss");
    let drop = drop_of(&files);
    assert_eq!(drop.runs.len(), 1);
    let test = drop.runs[0].series("test_loss").unwrap();
    assert_eq!(test.role, Role::Test);
    assert_eq!(test.partner.as_deref(), Some("loss"));
}

#[test]
fn files_on_different_x_axes_stay_apart() {
    let mut files = train_val("train_loss.csv", "val_loss.csv", "epoch,loss");
    files[1].1 = files[1].1.replacen("epoch,loss", "step,loss", 1);
    assert_eq!(drop_of(&files).runs.len(), 2);
}

#[test]
fn names_that_differ_by_more_than_the_split_word_stay_apart() {
    let files = train_val("a_train.csv", "b_val.csv", "epoch,loss");
    assert_eq!(drop_of(&files).runs.len(), 2);
}

#[test]
fn many_file_pairs_each_join_their_own_partner() {
    let mut files = Vec::new();
    for k in 0..300 {
        let mut pair = train_val(
            &format!("fold{k}_train.csv"),
            &format!("fold{k}_val.csv"),
            "epoch,loss",
        );
        // Each fold's validation level tells the folds apart.
        pair[1].1 = pair[1].1.replace(",0.", &format!(",{k}."));
        files.extend(pair);
    }
    let drop = drop_of(&files);
    assert_eq!(drop.runs.len(), 300);
    for (k, run) in drop.runs.iter().enumerate() {
        assert_eq!(run.name, format!("fold{k}"));
        let val = run.series("val_loss").unwrap();
        assert_eq!(val.y[29].trunc(), k as f64, "{}", run.name);
    }
}
