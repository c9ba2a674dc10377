//! Dialect variants the real fixtures do not cover, written the way each framework writes them.
#![cfg(not(target_arch = "wasm32"))]

use plateau::ingest::{detect, read, Detected, Dialect, Input};
use plateau::model::{Axis, Kind, Role};
use plateau::Dropped;

fn one(name: &str, bytes: &[u8]) -> Dropped {
    read(&[Input { name, bytes }]).unwrap_or_else(|e| panic!("{e}"))
}

fn dialect(name: &str, bytes: &[u8]) -> Detected {
    detect(name, bytes)
}

#[test]
fn detect_picks_each_dialect_from_first_bytes() {
    let cases: [(&str, &[u8], Dialect); 11] = [
        ("a.csv", b"epoch,accuracy,loss\n", Dialect::Keras),
        ("a.csv", b"loss,val_loss\n", Dialect::Pandas),
        ("a.csv", b",loss,val_loss\n", Dialect::Pandas),
        (
            "metrics.csv",
            b"step,epoch,train_loss\n",
            Dialect::Lightning,
        ),
        (
            "results.csv",
            b"  epoch,  train/box_loss,  metrics/mAP50(B)\n",
            Dialect::Ultralytics,
        ),
        (
            "results.csv",
            b"epoch,train/obj_loss,metrics/mAP_0.5,x/lr0\n",
            Dialect::Yolov5,
        ),
        (
            "history.csv",
            b"epoch,train_loss,valid_loss,accuracy,time\n",
            Dialect::Fastai,
        ),
        (
            "run-a-tag-loss.csv",
            b"Wall time,Step,Value\n",
            Dialect::TensorBoard,
        ),
        ("export.csv", b"\"Step\",\"run-1 - loss\"\n", Dialect::Wandb),
        (
            "trainer_state.json",
            b"{\n  \"log_history\": [\n",
            Dialect::HfTrainer,
        ),
        (
            "metrics.json",
            b"{\"iteration\": 19, \"loss\": 1.0}\n",
            Dialect::Detectron2,
        ),
    ];
    for (name, head, want) in cases {
        assert_eq!(
            dialect(name, head),
            Detected::Log(want),
            "{}",
            String::from_utf8_lossy(head)
        );
    }
    assert_eq!(
        dialect("x.csv", b"Epoch,Score\n"),
        Detected::Log(Dialect::Csv)
    );
}

#[test]
fn keras_na_cells_leave_gaps_not_zeros() {
    let drop = one(
        "log.csv",
        b"epoch,loss,val_loss\n0,1.0,NA\n1,0.8,0.9\n2,0.7,0.8\n",
    );
    let val = drop.runs[0].series("val_loss").unwrap();
    assert_eq!(
        (val.x.as_slice(), val.y.as_slice()),
        (&[1.0, 2.0][..], &[0.9, 0.8][..])
    );
}

#[test]
fn keras_cr_only_file_is_still_keras() {
    let drop = one("log.csv", b"epoch,loss,val_loss\r0,1.0,1.1\r1,0.8,0.9\r");
    assert_eq!(drop.runs[0].dialect.name(), "keras");
    assert_eq!(drop.runs[0].series("val_loss").unwrap().y, [1.1, 0.9]);
}

#[test]
fn ultralytics_classify_variant() {
    let drop = one(
        "results.csv",
        b"epoch,train/loss,metrics/accuracy_top1,metrics/accuracy_top5,val/loss,lr/pg0\n1,2.3,0.1,0.5,2.2,0.01\n2,2.0,0.2,0.6,2.0,0.009\n",
    );
    let run = &drop.runs[0];
    assert_eq!(run.dialect.name(), "ultralytics");
    let top1 = run.series("metrics/accuracy_top1").unwrap();
    assert_eq!((top1.role, top1.kind), (Role::Validation, Kind::Metric));
    assert_eq!(
        run.series("val/loss").unwrap().partner.as_deref(),
        Some("train/loss")
    );
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn ultralytics_segmentation_fitness_sums_box_and_mask_as_best_pt_is_chosen() {
    let drop = one(
        "results.csv",
        b"epoch,train/seg_loss,metrics/mAP50(B),metrics/mAP50-95(B),metrics/mAP50(M),metrics/mAP50-95(M)\n1,2.0,0.5,0.3,0.4,0.2\n2,1.8,0.6,0.4,0.5,0.25\n",
    );
    let fitness = drop.runs[0].series("fitness").unwrap();
    assert!(close(
        fitness.y[0],
        0.1 * 0.5 + 0.9 * 0.3 + 0.1 * 0.4 + 0.9 * 0.2
    ));
    assert!(close(
        fitness.y[1],
        0.1 * 0.6 + 0.9 * 0.4 + 0.1 * 0.5 + 0.9 * 0.25
    ));
}

#[test]
fn yolov5_segmentation_fitness_reads_its_suffixed_map_columns() {
    let drop = one(
        "results.csv",
        b"epoch,train/box_loss,train/seg_loss,metrics/mAP_0.5(B),metrics/mAP_0.5:0.95(B),metrics/mAP_0.5(M),metrics/mAP_0.5:0.95(M),x/lr0\n0,0.1,0.2,0.5,0.3,0.4,0.2,0.01\n1,0.09,0.18,0.6,0.4,0.5,0.25,0.009\n",
    );
    let fitness = drop.runs[0].series("fitness").unwrap();
    assert!(close(
        fitness.y[1],
        0.1 * 0.6 + 0.9 * 0.4 + 0.1 * 0.5 + 0.9 * 0.25
    ));
}

#[test]
fn ultralytics_fitness_leaves_out_a_row_with_an_empty_map_and_keeps_the_rows_after_it() {
    let drop = one(
        "results.csv",
        b"epoch,train/box_loss,metrics/mAP50(B),metrics/mAP50-95(B)\n1,2.0,0.5,0.3\n2,1.9,,0.35\n3,1.8,0.6,0.4\n4,1.7,0.7,0.5\n",
    );
    let fitness = drop.runs[0].series("fitness").unwrap();
    assert_eq!(fitness.x, [1.0, 3.0, 4.0]);
    assert!(close(fitness.y[2], 0.1 * 0.7 + 0.9 * 0.5));
}

#[test]
fn ultralytics_fitness_is_said_to_be_derived_and_a_logged_fitness_is_kept() {
    let drop = one(
        "results.csv",
        b"epoch,train/box_loss,metrics/mAP50(B),metrics/mAP50-95(B)\n1,2.0,0.5,0.3\n2,1.9,0.6,0.4\n",
    );
    let derived = drop.runs[0].info.iter().find(|(k, _)| k == "derived");
    assert!(derived.is_some_and(|(_, v)| v.starts_with("fitness = ") && v.contains("not a column")));
    let drop = one(
        "results.csv",
        b"epoch,train/box_loss,metrics/mAP50(B),metrics/mAP50-95(B),fitness\n1,2.0,0.5,0.3,0.9\n2,1.9,0.6,0.4,0.8\n",
    );
    let run = &drop.runs[0];
    assert_eq!(run.series.iter().filter(|s| s.name == "fitness").count(), 1);
    assert_eq!(run.series("fitness").unwrap().y, [0.9, 0.8]);
    assert!(run.info.iter().all(|(k, _)| k != "derived"));
}

#[test]
fn tensorboard_step_resumed_from_a_checkpoint_replaces_what_it_supersedes() {
    let drop = one(
        "run-a-tag-loss.csv",
        b"Wall time,Step,Value\n1.0,0,3.0\n2.0,1,2.0\n3.0,2,1.5\n4.0,1,1.9\n5.0,2,1.4\n",
    );
    assert_eq!(drop.runs.len(), 1);
    let run = &drop.runs[0];
    assert_eq!(run.name, "a");
    let loss = run.series("loss").unwrap();
    assert_eq!(
        loss.x,
        [0.0, 1.0, 2.0],
        "one history: the resumed session takes over at step 1"
    );
    assert_eq!(loss.y, [3.0, 1.9, 1.4]);
    assert_eq!(loss.restarts, [1]);
    assert_eq!(
        drop.warnings,
        ["run-a-tag-loss.csv: the step goes back 1 time (2 → 1): its loss values continue where the run had got to, so it is read as one training resumed 1 time and judged as one spliced history; 2 logged points of loss replaced by the session that resumed before them"]
    );
}

#[test]
fn tensorboard_files_of_different_runs_stay_apart() {
    let a = b"Wall time,Step,Value\n1.0,0,3.0\n2.0,1,2.0\n";
    let drop = read(&[
        Input {
            name: "run-a-tag-loss.csv",
            bytes: a,
        },
        Input {
            name: "run-b-tag-loss.csv",
            bytes: a,
        },
        Input {
            name: "run-a-tag-val_loss.csv",
            bytes: a,
        },
    ])
    .unwrap();
    let shape: Vec<(&str, usize)> = drop
        .runs
        .iter()
        .map(|r| (r.name.as_str(), r.series.len()))
        .collect();
    assert_eq!(
        shape,
        [("a", 3), ("b", 2)],
        "each run: its tags and one wall-time clock"
    );
}

#[test]
fn tensorboard_file_dropped_twice_is_read_once() {
    let a = b"Wall time,Step,Value\n1.0,0,3.0\n2.0,1,2.0\n";
    let input = Input {
        name: "run-a-tag-loss.csv",
        bytes: a,
    };
    let drop = read(&[input, input]).unwrap();
    let names: Vec<&str> = drop.runs[0]
        .series
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["loss", "wall time"]);
}

#[test]
fn two_keras_files_are_two_runs() {
    let a = b"epoch,loss\n0,1.0\n1,0.5\n";
    let drop = read(&[
        Input {
            name: "a.csv",
            bytes: a,
        },
        Input {
            name: "b.csv",
            bytes: a,
        },
    ])
    .unwrap();
    let names: Vec<&str> = drop.runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn wandb_step_x_axis_and_twins_dropped() {
    let drop = one(
        "export.csv",
        b"\"Step\",\"r1 - train/loss\",\"r1 - train/loss__MIN\",\"r1 - train/loss__MAX\"\n\"10\",\"1.5\",\"1.5\",\"1.5\"\n\"20\",\"1.2\",\"1.2\",\"1.2\"",
    );
    let run = &drop.runs[0];
    assert_eq!((run.name.as_str(), run.series.len()), ("r1", 1));
    let loss = run.series("train/loss").unwrap();
    assert_eq!(
        (loss.axis, loss.x.as_slice()),
        (Axis::Step, &[10.0, 20.0][..])
    );
}

#[test]
fn hf_trainer_summary_row_is_not_a_point() {
    let drop = one(
        "trainer_state.json",
        br#"{"log_history": [
            {"epoch": 0.5, "loss": 0.9, "step": 10},
            {"epoch": 1.0, "eval_loss": 0.8, "step": 20},
            {"epoch": 1.0, "loss": 0.7, "step": 20},
            {"epoch": 1.0, "step": 20, "total_flos": 1.0, "train_loss": 0.8, "train_runtime": 12.5}
        ]}"#,
    );
    let run = &drop.runs[0];
    assert_eq!(run.series("loss").unwrap().y, [0.9, 0.7]);
    assert!(run.series("train_loss").is_none() && run.series("train_runtime").is_none());
    assert_eq!(
        run.series("eval_loss").unwrap().partner.as_deref(),
        Some("loss")
    );
}

#[test]
fn many_restarts_are_summarised_in_one_warning() {
    let mut text = String::from("step,loss\n");
    for k in 0..8 {
        for step in 0..3 {
            text.push_str(&format!("{},{}\n", k + step, 1.0));
        }
    }
    let drop = one("resumed.csv", text.as_bytes());
    assert_eq!(drop.runs[0].series[0].restarts.len(), 7);
    assert_eq!(drop.warnings.len(), 1);
    assert!(
        drop.warnings[0].contains("goes back 7 times") && drop.warnings[0].contains("and 2 more")
    );
}

/// MLflow writes step 0 on every line of a metric logged without steps: such a metric is read
/// against its timestamps (one point per line, in order), not as one point repeated at step 0.
#[test]
fn mlflow_metric_logged_without_steps_is_read_against_its_timestamps() {
    let mut loss = String::new();
    for i in 0..60 {
        let v = 1.0 / (1.0 + f64::from(i));
        loss.push_str(&format!(
            "{} {v} 0\n",
            1_700_000_000_000u64 + 1_000 * i as u64
        ));
    }
    let files = [
        (
            "mlruns/1/abc/meta.yaml",
            "run_id: abc\nrun_name: nostep\n".to_string(),
        ),
        ("mlruns/1/abc/metrics/loss", loss),
    ];
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|(name, text)| Input {
            name,
            bytes: text.as_bytes(),
        })
        .collect();
    let drop = plateau::ingest::read_folder(&inputs).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(drop.runs.len(), 1);
    let s = drop.runs[0].series("loss").expect("the metric");
    assert_eq!(s.axis, Axis::WallTime);
    assert_eq!(s.len(), 60);
    assert!(s.restarts.is_empty(), "no sessions: {:?}", s.restarts);
    assert!(s.x.windows(2).all(|w| w[1] - w[0] == 1.0));
    assert!(drop.warnings.iter().any(|w| w.contains("timestamps")));
}

/// A trainer_state.json with eval_loss and eval_wer at five evaluations.
fn whisper_state(tail: &str) -> String {
    let mut rows = Vec::new();
    for k in 1..=5 {
        let step = 100 * k;
        rows.push(format!(r#"{{"loss": {}, "step": {step}}}"#, 1.0 / k as f64));
        rows.push(format!(
            r#"{{"eval_loss": {}, "eval_wer": {}, "step": {step}}}"#,
            0.3 + 0.02 * k as f64,
            40.0 - k as f64
        ));
    }
    format!(r#"{{"log_history": [{}]{tail}}}"#, rows.join(","))
}

#[test]
fn hf_metric_for_best_model_is_the_monitor() {
    let text = whisper_state(r#", "metric_for_best_model": "wer", "best_metric": 35.0"#);
    let drop = one("trainer_state.json", text.as_bytes());
    let run = &drop.runs[0];
    assert!(run
        .info
        .contains(&("monitor".to_string(), "eval_wer".to_string())));
    let monitor = plateau::analysis::pick_monitor(run, None).expect("a monitor");
    assert_eq!(monitor.name, "eval_wer");
    // The user's own choice still wins.
    let asked = plateau::analysis::pick_monitor(run, Some("eval_loss")).expect("a monitor");
    assert_eq!(asked.name, "eval_loss");
}

#[test]
fn hf_best_metric_alone_names_the_series_that_holds_it() {
    let text = whisper_state(r#", "best_metric": 35.0"#);
    let drop = one("trainer_state.json", text.as_bytes());
    let monitor = plateau::analysis::pick_monitor(&drop.runs[0], None).expect("a monitor");
    assert_eq!(monitor.name, "eval_wer");
    let plain = one("trainer_state.json", whisper_state("").as_bytes());
    assert!(plain.runs[0].info.is_empty());
    let monitor = plateau::analysis::pick_monitor(&plain.runs[0], None).expect("a monitor");
    assert_eq!(monitor.name, "eval_loss");
}
