//! Every real log in tests/fixtures/real/ (see PROVENANCE.md there) read with its quirk pinned.
#![cfg(not(target_arch = "wasm32"))]

use plateau::ingest::{read, Input};
use plateau::model::{Axis, Direction, Kind, Role, Run, Series};
use plateau::Dropped;

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real");

/// Reads the given fixture files (`folder/file`) as one drop.
fn drop_of(paths: &[&str]) -> Dropped {
    let contents: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(format!("{REAL}/{p}")).expect("fixture exists");
            (p.to_string(), bytes)
        })
        .collect();
    let inputs: Vec<Input<'_>> = contents
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    read(&inputs).expect("fixture ingests")
}

fn only_run(drop: &Dropped) -> &Run {
    assert_eq!(drop.runs.len(), 1, "runs: {:?}", names(drop));
    &drop.runs[0]
}

fn names(drop: &Dropped) -> Vec<&str> {
    drop.runs.iter().map(|r| r.name.as_str()).collect()
}

fn series<'a>(run: &'a Run, name: &str) -> &'a Series {
    run.series(name).unwrap_or_else(|| {
        let have: Vec<&str> = run.series.iter().map(|s| s.name.as_str()).collect();
        panic!("no series `{name}` in {have:?}")
    })
}

fn traits(s: &Series) -> (Role, Kind, Direction) {
    (s.role, s.kind, s.direction)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn ultralytics_83_unpadded_with_time_column_and_one_based_epochs() {
    let drop = drop_of(&["yolo--wheat-weed-detection-yolov8/results.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "ultralytics");
    assert_eq!(
        run.series.len(),
        15,
        "every column but epoch is a series, and Ultralytics' fitness is derived"
    );
    let boxl = series(run, "train/box_loss");
    assert_eq!((boxl.axis, boxl.len()), (Axis::Epoch, 102));
    assert_eq!((boxl.x[0], boxl.x[101]), (1.0, 102.0));
    assert_eq!(boxl.y[0], 1.1267);
    assert_eq!(boxl.partner.as_deref(), Some("val/box_loss"));
    let time = series(run, "time");
    assert_eq!((time.role, time.kind), (Role::Other, Kind::Time));
    assert_eq!(
        traits(series(run, "metrics/mAP50-95(B)")),
        (Role::Validation, Kind::Metric, Direction::Higher)
    );
    assert_eq!(
        traits(series(run, "val/box_loss")),
        (Role::Validation, Kind::Loss, Direction::Lower)
    );
    let fitness = series(run, "fitness");
    assert_eq!(
        traits(fitness),
        (Role::Validation, Kind::Metric, Direction::Higher)
    );
    let (map50, map) = (
        series(run, "metrics/mAP50(B)"),
        series(run, "metrics/mAP50-95(B)"),
    );
    assert_eq!(fitness.x, map.x);
    assert!(close(fitness.y[0], 0.1 * map50.y[0] + 0.9 * map.y[0]));
    assert!(run
        .info
        .contains(&("monitor".to_string(), "fitness".to_string())));
    assert_eq!(series(run, "lr/pg2").kind, Kind::LearningRate);
}

#[test]
fn keras_mixed_float_precision_crlf() {
    let drop = drop_of(&["keras--detection-of-tomato-leaf-diseases-using-/training_log.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "keras");
    let acc = series(run, "val_accuracy");
    assert_eq!(acc.len(), 29);
    assert_eq!(
        acc.y[1], 0.6875,
        "a short `0.6875` sits among 17-digit values"
    );
    let val = series(run, "val_loss");
    assert_eq!(val.x[18], 18.0);
    assert_eq!(val.y[18], 0.29063722491264343);
    assert_eq!(val.partner.as_deref(), Some("loss"));
    assert!(drop.warnings.is_empty(), "{:?}", drop.warnings);
}

#[test]
/// Four times the epoch starts over. The second and fourth sessions start near the first one's loss
/// (1.28 and 1.25 against 1.18, far from the 0.99 and 0.50 reached): fresh runs. The third starts at
/// 1.06, right where the second ended (1.03), with the learning rate cut tenfold: the classic
/// fine-tuning phase after training the head, spliced on as epochs 4–13.
fn keras_appended_runs_split_at_fresh_starts_and_fine_tuning_is_spliced() {
    let drop = drop_of(&["keras--brain-tumor-image-classification-using-c/training_log.csv"]);
    assert_eq!(drop.runs.len(), 3);
    let lengths: Vec<usize> = drop.runs.iter().map(|r| series(r, "loss").len()).collect();
    assert_eq!(lengths, [5, 14, 5]);
    for run in &drop.runs {
        assert_eq!(run.dialect.name(), "keras");
        let loss = series(run, "loss");
        assert_eq!(loss.x[0], 0.0, "{} starts at epoch 0", run.name);
        assert!(
            loss.x.windows(2).all(|w| w[1] > w[0]),
            "{}: x only goes forward",
            run.name
        );
    }
    let tuned = &drop.runs[1];
    assert_eq!(series(tuned, "loss").restarts, [4]);
    assert_eq!(
        series(tuned, "val_loss").restarts,
        [4],
        "every series spliced alike"
    );
    assert_eq!(
        series(tuned, "loss").x[4],
        4.0,
        "the restarted epoch counter continues"
    );
    assert!(close(series(tuned, "learning_rate").y[4], 1e-5));
    assert_eq!(series(&drop.runs[2], "loss").y[0], 1.245796799659729);
    assert!(drop
        .warnings
        .iter()
        .any(|w| w.contains("3 runs") && w.contains("1 resumed session")));
}

#[test]
fn keras_cr_cr_lf_line_endings() {
    let drop = drop_of(&["keras--handwritten-digit-recognition-cnn-with-9/training_log.csv"]);
    let run = only_run(&drop);
    let names: Vec<&str> = run.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "accuracy",
            "learning_rate",
            "loss",
            "val_accuracy",
            "val_loss"
        ]
    );
    let val = series(run, "val_loss");
    assert_eq!(
        val.len(),
        30,
        "the blank half of each CR CR LF is not a row"
    );
    assert_eq!(val.y[16], 0.023469360545277596);
    let lr = series(run, "learning_rate");
    assert_eq!((lr.role, lr.kind), (Role::Other, Kind::LearningRate));
    assert_eq!(lr.y[17], 0.0005000000237487257);
}

#[test]
fn keras3_short_noisy_run_with_learning_rate_column() {
    let drop = drop_of(&["keras--lung-cancer-detection/training_log.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "keras");
    let acc = series(run, "val_accuracy");
    assert_eq!(acc.len(), 10);
    assert_eq!(acc.y[1], 0.39147287607192993);
    assert_eq!(
        traits(acc),
        (Role::Validation, Kind::Metric, Direction::Higher)
    );
    assert_eq!(acc.partner.as_deref(), Some("accuracy"));
}

#[test]
fn custom_printed_array_column_skipped_with_warning() {
    let drop = drop_of(&["custom--fjordvision/training_log.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "csv");
    let names: Vec<&str> = run.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Training Loss", "Validation Loss"]);
    let val = series(run, "Validation Loss");
    assert_eq!((val.axis, val.len(), val.x[0]), (Axis::Epoch, 20, 1.0));
    assert_eq!(val.y[0], 1.9289808341887145);
    assert_eq!(
        traits(val),
        (Role::Validation, Kind::Loss, Direction::Lower)
    );
    assert_eq!(val.partner.as_deref(), Some("Training Loss"));
    assert_eq!(
        drop.warnings,
        ["custom--fjordvision/training_log.csv: column `Learnable Weights` is not numeric and was skipped"]
    );
}

#[test]
fn lightning_lowercase_nan_kept_from_first_step() {
    let drop = drop_of(&["lightning--genrisk/metrics.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "lightning");
    let disc = series(run, "train_disc_loss");
    assert_eq!((disc.axis, disc.len()), (Axis::Step, 320));
    assert_eq!(disc.y[0], 1.6226933508321501e+24);
    assert!(disc.y[1..].iter().all(|v| v.is_nan()));
    let gen = series(run, "train_gen_loss");
    assert_eq!(gen.len(), 320);
    assert!(gen.y.iter().all(|v| v.is_nan()));
    assert!(run.series("step").is_none(), "step is the x-axis");
    let epoch = series(run, "epoch");
    assert_eq!((epoch.role, epoch.kind), (Role::Other, Kind::Other));
    assert_eq!((epoch.x[0], epoch.y[0]), (0.0, 0.0));
    assert_eq!(
        *epoch.y.last().unwrap(),
        79.0,
        "epochs 0-79 kept for the chart's epoch axis"
    );
}

#[test]
fn lightning_val_loss_only_on_steps() {
    let drop = drop_of(&["lightning--eurosat-github/metrics.csv"]);
    let run = only_run(&drop);
    let names: Vec<&str> = run.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["val_loss", "epoch"]);
    let val = series(run, "val_loss");
    assert_eq!(val.axis, Axis::Step);
    assert_eq!(
        val.x,
        [1.0, 3.0, 5.0, 7.0, 9.0, 11.0, 13.0, 15.0, 17.0, 19.0]
    );
    assert_eq!(val.y[0], 2.2744691371917725);
    assert_eq!(val.partner, None);
}

#[test]
fn lightning_lr_rows_with_empty_epoch_join_on_step() {
    let drop = drop_of(&["lightning--opal-v2/metrics.csv"]);
    let run = only_run(&drop);
    let lr = series(run, "lr-Adam");
    assert_eq!((lr.role, lr.kind), (Role::Other, Kind::LearningRate));
    assert_eq!((lr.x[0], lr.y[0]), (49.0, 0.00328141592920354));
    let val = series(run, "val/rmse_loss");
    assert_eq!(val.len(), 8, "one val row per epoch");
    assert_eq!((val.x[0], val.y[0]), (678.0, 0.019856970821374123));
    assert_eq!(val.y[7], 0.01806013539950508);
    let epoch = series(run, "epoch");
    assert!(
        epoch.restarts.is_empty(),
        "one epoch per step, even where two rows share it"
    );
    let train = series(run, "train/nll_loss");
    assert_eq!((train.x[0], train.y[0]), (49.0, 0.0575530878690101));
    assert_eq!(train.role, Role::Train);
}

#[test]
fn lightning_sparse_rows_join_on_step() {
    let path = "lightning--asl-project/metrics.csv";
    let drop = drop_of(&[path]);
    let run = only_run(&drop);
    let text = std::fs::read_to_string(format!("{REAL}/{path}")).expect("fixture exists");
    let step_rows = text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(4).is_some_and(|c| !c.trim().is_empty()))
        .count();
    assert_eq!(series(run, "train_loss_step").len(), step_rows);
    let val = series(run, "val_loss");
    let epoch = series(run, "train_loss_epoch");
    assert_eq!(val.len(), 10);
    assert_eq!(
        val.x, epoch.x,
        "the val row and the train-epoch row share a step"
    );
    assert_eq!(val.partner.as_deref(), Some("train_loss_epoch"));
    assert_eq!(
        traits(series(run, "val_f1")),
        (Role::Validation, Kind::Metric, Direction::Higher)
    );
}

#[test]
fn ultralytics_width_23_padding_trimmed() {
    let drop = drop_of(&["yolo--yolov8-fire-and-smoke-detection/results.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "ultralytics");
    assert!(run.series.iter().all(|s| s.name.trim() == s.name));
    let val = series(run, "val/box_loss");
    assert_eq!((val.len(), val.x[0], val.x[24]), (25, 0.0, 24.0));
    assert_eq!(val.y[24], 1.4933);
    assert_eq!(series(run, "metrics/mAP50(B)").y[24], 0.85651);
}

#[test]
fn yolov5_width_20_padding_with_abutting_name() {
    let drop = drop_of(&["yolov5--automatic-number-plate-recognition-using/results.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "yolov5");
    let map = series(run, "metrics/mAP_0.5:0.95");
    assert_eq!((map.len(), map.y[19]), (20, 0.64718));
    assert_eq!(
        traits(map),
        (Role::Validation, Kind::Metric, Direction::Higher)
    );
    assert!(series(run, "train/cls_loss").y.iter().all(|&v| v == 0.0));
    assert_eq!(series(run, "x/lr0").kind, Kind::LearningRate);
    assert_eq!(
        series(run, "train/obj_loss").partner.as_deref(),
        Some("val/obj_loss")
    );
}

#[test]
fn pandas_history_without_epoch_uses_row_index() {
    let drop = drop_of(&["keras-pandas--cnn-landmarks-aflw2000/history.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "pandas");
    let loss = series(run, "loss");
    assert_eq!(loss.axis, Axis::Epoch);
    assert_eq!(loss.x, (0..20).map(f64::from).collect::<Vec<_>>());
    assert_eq!(loss.y[0], 0.00874660536646843);
    assert_eq!(loss.partner.as_deref(), Some("val_loss"));
}

#[test]
fn pandas_history_pairs_metric_with_val_metric() {
    let drop = drop_of(&["keras-pandas--cs109b-finalproject/history.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "pandas");
    let mse = series(run, "mse");
    assert_eq!(traits(mse), (Role::Train, Kind::Metric, Direction::Lower));
    assert_eq!(mse.partner.as_deref(), Some("val_mse"));
    assert_eq!(series(run, "val_mse").len(), 25);
}

#[test]
fn keras_history_csv_crlf_best_epoch_values() {
    let drop = drop_of(&["keras--flowers-classification-project/history.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "keras");
    let val = series(run, "val_loss");
    assert_eq!(
        (val.len(), val.x[24], val.y[24]),
        (30, 24.0, 0.33548906445503235)
    );
}

#[test]
fn tensorboard_tags_from_file_names_join_on_step() {
    let drop = drop_of(&[
        "tensorboard--imdb/run-.-tag-loss.csv",
        "tensorboard--imdb/run-.-tag-val_loss.csv",
        "tensorboard--imdb/run-.-tag-lr.csv",
    ]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "tensorboard");
    assert_eq!(run.source.split(", ").count(), 3);
    let names: Vec<&str> = run.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["loss", "wall time", "val_loss", "lr"]);
    for s in &run.series {
        assert_eq!((s.axis, s.len(), s.x[29]), (Axis::Step, 30, 29.0));
    }
    let clock = series(run, "wall time");
    assert_eq!(
        clock.kind,
        Kind::Time,
        "the first file's wall time, kept once"
    );
    assert!(clock.y.windows(2).all(|w| w[1] > w[0]));
    assert_eq!(series(run, "loss").y[1], 18.378080368041992);
    assert_eq!(series(run, "loss").partner.as_deref(), Some("val_loss"));
}

#[test]
fn tensorboard_val_loss_tag_alone_is_validation() {
    let drop = drop_of(&["tensorboard--imdb/run-.-tag-val_loss.csv"]);
    let run = only_run(&drop);
    let val = series(run, "val_loss");
    assert_eq!(
        traits(val),
        (Role::Validation, Kind::Loss, Direction::Lower)
    );
    assert_eq!(val.y[0], 5.318310737609863);
}

#[test]
fn tensorboard_lr_tag_keeps_float32_artefacts_and_is_not_a_loss() {
    let drop = drop_of(&["tensorboard--imdb/run-.-tag-lr.csv"]);
    let lr = series(only_run(&drop), "lr");
    assert_eq!((lr.role, lr.kind), (Role::Other, Kind::LearningRate));
    assert_eq!(lr.y[0], 0.10000000149011612);
    assert_eq!(lr.y[8], 0.019999999552965164);
}

#[test]
fn wandb_export_gives_one_run_per_wandb_run() {
    let drop = drop_of(&["wandb--multi-view-classification/train_loss.csv"]);
    assert_eq!(
        names(&drop),
        [
            "elated-capybara-104",
            "divine-pond-103",
            "spring-sunset-102",
            "icy-cosmos-101"
        ]
    );
    let lengths: Vec<usize> = drop.runs.iter().map(|r| r.series[0].len()).collect();
    assert_eq!(
        lengths,
        [10, 9, 8, 10],
        "empty quoted cells end the shorter runs"
    );
    for run in &drop.runs {
        assert_eq!(run.dialect.name(), "wandb");
        assert_eq!(run.series.len(), 1, "no __MIN/__MAX twins and no _step");
        let loss = series(run, "epoch/loss");
        assert_eq!((loss.axis, loss.x[0]), (Axis::Epoch, 0.0));
    }
    assert_eq!(drop.runs[0].series[0].y[0], 1.3369920253753662);
}

#[test]
fn wandb_val_export_alone_has_validation_series() {
    let drop = drop_of(&["wandb--multi-view-classification/val_loss.csv"]);
    assert_eq!(drop.runs.len(), 4);
    let icy = &drop.runs[3];
    let val = series(icy, "epoch/val_loss");
    assert_eq!(val.role, Role::Validation);
    assert_eq!(val.y[9], 0.8933577537536621);
}

#[test]
fn wandb_train_and_val_exports_join_per_run() {
    let drop = drop_of(&[
        "wandb--multi-view-classification/train_loss.csv",
        "wandb--multi-view-classification/val_loss.csv",
    ]);
    assert_eq!(drop.runs.len(), 4);
    for run in &drop.runs {
        assert_eq!(run.series.len(), 2);
        let loss = series(run, "epoch/loss");
        let val = series(run, "epoch/val_loss");
        assert_eq!(
            loss.x, val.x,
            "{}: both exports cover the same epochs",
            run.name
        );
        assert_eq!(val.partner.as_deref(), Some("epoch/loss"));
    }
}

#[test]
fn hf_trainer_train_and_eval_rows_split_into_series() {
    let drop = drop_of(&["hf-trainer--lora-imdb-distilbert/trainer_state.json"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "hf_trainer");
    let loss = series(run, "loss");
    assert_eq!(
        (loss.axis, loss.len(), loss.x[0], loss.y[0]),
        (Axis::Step, 18, 20.0, 0.6899)
    );
    let eval = series(run, "eval_loss");
    assert_eq!(eval.x, [125.0, 250.0, 375.0]);
    assert_eq!(eval.y[2], 0.3891691565513611);
    assert_eq!(eval.partner.as_deref(), Some("loss"));
    assert_eq!(series(run, "grad_norm").kind, Kind::GradNorm);
    assert_eq!(series(run, "learning_rate").kind, Kind::LearningRate);
    assert!(run.series("epoch").is_none() && run.series("total_flos").is_none());
}

#[test]
fn hf_trainer_without_eval_entries_has_only_train_series() {
    let drop = drop_of(&["hf-trainer--falcon-lora-imdb-sentiment/trainer_state.json"]);
    let run = only_run(&drop);
    assert_eq!(series(run, "loss").len(), 12);
    assert!(run.series.iter().all(|s| s.role != Role::Validation));
}

#[test]
fn fastai_v1_without_time_column_one_based_epochs() {
    let drop = drop_of(&["fastai-v1--fastai/history.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "fastai");
    let valid = series(run, "valid_loss");
    assert_eq!(valid.x, [1.0, 2.0, 3.0]);
    assert_eq!(valid.y, [0.699775, 0.69942, 0.698778]);
    assert_eq!(valid.partner.as_deref(), Some("train_loss"));
    assert_eq!(
        traits(series(run, "exp_rmspe")),
        (Role::Validation, Kind::Metric, Direction::Lower)
    );
}

#[test]
fn detectron2_json_lines_by_iteration_with_slash_keys() {
    let drop = drop_of(&["detectron2--train-detectron2/metrics.json"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "detectron2");
    let total = series(run, "total_loss");
    assert_eq!(total.axis, Axis::Iteration);
    assert_eq!(
        total.x,
        (0..15).map(|i| f64::from(19 + 20 * i)).collect::<Vec<_>>()
    );
    assert_eq!(total.y[0], 2.0359768134658225);
    assert_eq!(
        traits(series(run, "fast_rcnn/cls_accuracy")),
        (Role::Train, Kind::Metric, Direction::Higher)
    );
    assert_eq!(series(run, "lr").kind, Kind::LearningRate);
    assert!(run.series("iteration").is_none());
}

#[test]
/// The step repeats 255, then goes back to 290 twice, each time with values like those it
/// replaces: resumed from checkpoints. One history of 110 points (9 of the 119 rows replaced);
/// the session resumed at 290 the first time is itself replaced by the second.
fn repeated_header_and_backwards_steps_are_one_spliced_history() {
    let drop = drop_of(&["custom--tinyrefinementmodel/training_history.csv"]);
    let run = only_run(&drop);
    assert_eq!(run.dialect.name(), "csv");
    let ce = series(run, "ce");
    assert_eq!((ce.axis, ce.len()), (Axis::Step, 110));
    assert!(ce.x.windows(2).all(|w| w[1] > w[0]), "x only goes forward");
    let starts: Vec<f64> = ce.restarts.iter().map(|&i| ce.x[i]).collect();
    assert_eq!(starts, [255.0, 290.0]);
    assert_eq!(ce.segments().len(), 3);
    assert!(drop.warnings.iter().any(|w| w
        .contains("goes back 3 times (255 → 255, 295 → 290, 315 → 290)")
        && w.contains("9 logged points")));
    assert_eq!(ce.y[0], 11.2978);
    let grad = series(run, "grad_norm_avg");
    assert_eq!(grad.kind, Kind::GradNorm);
    let repeated: Vec<&String> = drop
        .warnings
        .iter()
        .filter(|w| w.contains("header line is repeated"))
        .collect();
    assert_eq!(repeated.len(), 2);
    assert!(repeated[0].contains("line 7") && repeated[1].contains("line 8"));
}

#[test]
fn every_labelled_keras_log_ingests_as_keras() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/keras-labeled/logs"
    );
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("labelled logs exist") {
        let path = entry.expect("directory entry").path();
        let bytes = std::fs::read(&path).expect("readable");
        let name = path.display().to_string();
        let drop = read(&[Input {
            name: &name,
            bytes: &bytes,
        }])
        .unwrap_or_else(|e| panic!("{e}"));
        let run = only_run(&drop);
        assert_eq!(run.dialect.name(), "keras", "{name}");
        assert!(run.series("val_loss").is_some(), "{name}");
        count += 1;
    }
    assert_eq!(count, 60);
}
