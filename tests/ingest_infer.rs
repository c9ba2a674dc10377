//! Role, kind and direction from a series name, and which series pair across the split.
#![cfg(not(target_arch = "wasm32"))]

use plateau::model::{infer, Axis, Direction, Kind, Role, Run, Series};

use Direction::{Higher, Lower, Unknown};
use Kind::{GradNorm, LearningRate, Loss, Metric, Time};
use Role::{Other, Test, Train, Validation};

#[test]
fn names_map_to_role_kind_direction() {
    let table: [(&str, (Role, Kind, Direction)); 32] = [
        ("loss", (Train, Loss, Lower)),
        ("val_loss", (Validation, Loss, Lower)),
        ("valid_loss", (Validation, Loss, Lower)),
        ("validation_accuracy", (Validation, Metric, Higher)),
        ("Validation Loss", (Validation, Loss, Lower)),
        ("eval_loss", (Validation, Loss, Lower)),
        ("test_acc", (Test, Metric, Higher)),
        ("loss/val", (Validation, Loss, Lower)),
        ("train/box_loss", (Train, Loss, Lower)),
        ("val/box_loss", (Validation, Loss, Lower)),
        ("train_loss_step", (Train, Loss, Lower)),
        ("train_loss_epoch", (Train, Loss, Lower)),
        ("metrics/mAP50-95(B)", (Validation, Metric, Higher)),
        ("metrics/accuracy_top5", (Validation, Metric, Higher)),
        ("val_f1", (Validation, Metric, Higher)),
        ("val_auc", (Validation, Metric, Higher)),
        ("val_iou", (Validation, Metric, Higher)),
        ("eval_bleu", (Validation, Metric, Higher)),
        ("eval_rouge1", (Validation, Metric, Higher)),
        ("val_precision", (Validation, Metric, Higher)),
        ("val_mae", (Validation, Metric, Lower)),
        ("rmse", (Train, Metric, Lower)),
        ("eval_perplexity", (Validation, Metric, Lower)),
        ("val_wer", (Validation, Metric, Lower)),
        ("test_cer", (Test, Metric, Lower)),
        ("top_1_error", (Train, Metric, Lower)),
        ("lr", (Other, LearningRate, Unknown)),
        ("learning_rate", (Other, LearningRate, Unknown)),
        ("lr-Adam", (Other, LearningRate, Unknown)),
        ("x/lr0", (Other, LearningRate, Unknown)),
        ("grad_norm", (Train, GradNorm, Unknown)),
        ("eval_runtime", (Other, Time, Unknown)),
    ];
    for (name, expected) in table {
        assert_eq!(infer(name), expected, "{name}");
    }
}

#[test]
fn words_that_merely_contain_metric_letters_are_other() {
    for name in ["interval", "clr_count", "samples"] {
        assert_eq!(infer(name).1, Kind::Other, "{name}");
    }
}

fn run_of(names: &[&str]) -> Run {
    let series = names
        .iter()
        .map(|n| Series::named(n, Axis::Epoch, vec![0.0, 1.0], vec![1.0, 0.5]))
        .collect();
    Run::new("r", "r.csv", plateau::ingest::Dialect::Csv, series)
}

fn partner<'a>(run: &'a Run, name: &str) -> Option<&'a str> {
    run.series(name)?.partner.as_deref()
}

#[test]
fn keras_loss_pairs_with_val_loss_and_accuracy_with_val_accuracy() {
    let run = run_of(&["accuracy", "loss", "val_accuracy", "val_loss", "lr"]);
    assert_eq!(partner(&run, "loss"), Some("val_loss"));
    assert_eq!(partner(&run, "val_loss"), Some("loss"));
    assert_eq!(partner(&run, "val_accuracy"), Some("accuracy"));
    assert_eq!(partner(&run, "lr"), None);
}

#[test]
fn ultralytics_slash_losses_pair_by_component() {
    let run = run_of(&[
        "train/box_loss",
        "train/cls_loss",
        "val/box_loss",
        "val/cls_loss",
    ]);
    assert_eq!(partner(&run, "val/cls_loss"), Some("train/cls_loss"));
    assert_eq!(partner(&run, "train/box_loss"), Some("val/box_loss"));
}

#[test]
fn lightning_val_loss_prefers_epoch_train_loss_over_step_variant() {
    let run = run_of(&["train_loss_step", "train_loss_epoch", "val_loss"]);
    assert_eq!(partner(&run, "val_loss"), Some("train_loss_epoch"));
    let step_only = run_of(&["train_loss_step", "val_loss"]);
    assert_eq!(partner(&step_only, "val_loss"), Some("train_loss_step"));
}

#[test]
fn every_series_of_a_wide_run_pairs_as_partner_picks_it() {
    // Validation before test, per-step variants last, file order otherwise, across many quantities.
    let mut names = Vec::new();
    for k in 0..30 {
        for form in [
            "test_loss_{k}",
            "train_loss_{k}_step",
            "val_loss_{k}",
            "train_loss_{k}",
            "val_acc_{k}",
            "train_acc_{k}_step",
            "lr_{k}",
        ] {
            names.push(form.replace("{k}", &k.to_string()));
        }
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let run = run_of(&refs);
    assert_eq!(partner(&run, "train_loss_7"), Some("val_loss_7"));
    assert_eq!(partner(&run, "val_loss_7"), Some("train_loss_7"));
    assert_eq!(partner(&run, "val_acc_7"), Some("train_acc_7_step"));
    for s in &run.series {
        assert_eq!(
            s.partner.as_deref(),
            run.partner(s).map(|p| p.name.as_str()),
            "{}",
            s.name
        );
    }
}

#[test]
fn restarts_mark_where_x_goes_back_or_repeats() {
    let s = Series::named(
        "loss",
        Axis::Step,
        vec![1.0, 2.0, 3.0, 3.0, 4.0, 2.0, 3.0],
        vec![0.0; 7],
    );
    assert_eq!(s.restarts, [3, 5]);
    assert_eq!(s.segments(), [0..3, 3..5, 5..7]);
}

#[test]
fn role_and_direction_words_read_back_for_page_overrides() {
    let role: Role = serde_json::from_str("\"validation\"").unwrap();
    let direction: Direction = serde_json::from_str("\"higher\"").unwrap();
    let kind: Kind = serde_json::from_str("\"learning_rate\"").unwrap();
    assert_eq!((role, direction, kind), (Validation, Higher, LearningRate));
    assert!(serde_json::from_str::<Role>("\"sideways\"").is_err());
}

#[test]
fn error_rates_are_lower_is_better() {
    for name in [
        "eval_wer",
        "WER",
        "test_cer",
        "error_rate",
        "char_error_rate",
        "val_per",
        "test_ter",
        "eval_mer",
        "eer",
        "fid",
        "val_bpd",
    ] {
        let (_, kind, direction) = infer(name);
        assert_eq!((kind, direction), (Metric, Lower), "{name}");
    }
    for name in ["percent_correct", "terminal_reward_acc"] {
        assert_ne!(
            infer(name).2,
            Lower,
            "{name}: a longer word is not an error rate"
        );
    }
}

#[test]
fn negative_losses_are_losses_and_the_most_negative_is_best() {
    let mut text = String::from("epoch,train_nll,val_nll\n");
    for e in 0..40 {
        let level = 1.0 - 3.5 * (1.0 - (-f64::from(e) / 6.0).exp());
        text.push_str(&format!("{e},{level},{}\n", level + 0.3));
    }
    let (drop, report) = plateau::check(
        &[plateau::Input {
            name: "flow.csv",
            bytes: text.as_bytes(),
        }],
        &plateau::Options::default(),
    )
    .unwrap();
    let val = drop.runs[0].series("val_nll").unwrap();
    assert_eq!(
        (val.role, val.kind, val.direction),
        (Validation, Loss, Lower)
    );
    assert_eq!(val.y.len(), 40, "no negative value refused");
    let r = &report.runs[0];
    assert_eq!(r.monitor.as_deref(), Some("val_nll"));
    let best = r.best.expect("a best point");
    assert_eq!(
        (best.x, best.value),
        (39.0, val.y[39]),
        "the most negative is best"
    );
    let (lo, hi) = plateau::chart::y_range(&val.y, false, false);
    assert!(
        lo < -2.0 && hi > 1.0,
        "drawn on a linear axis through zero: {lo}..{hi}"
    );
}
