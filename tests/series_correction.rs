//! A role or direction corrected by hand (the page's series table) changes what is judged.
#![cfg(not(target_arch = "wasm32"))]

use plateau::ingest::{read, Input};
use plateau::model::{Direction, Role};
use plateau::{analyze, Options, Verdict};

fn holdout() -> plateau::Dropped {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/synthetic/holdout-loss.csv"
    ))
    .unwrap();
    read(&[Input {
        name: "holdout-loss.csv",
        bytes: &bytes,
    }])
    .unwrap()
}

#[test]
fn unknown_validation_name_is_judged_as_validation_once_corrected() {
    let mut drop = holdout();
    let before = analyze(&drop, &Options::default());
    assert_eq!(before.runs[0].monitor.as_deref(), Some("loss"));
    assert_eq!(before.runs[0].verdict, Verdict::Improving);

    assert!(drop.runs[0].correct("holdout_loss", Role::Validation, Direction::Lower));
    let after = analyze(&drop, &Options::default());
    assert_eq!(after.runs[0].monitor.as_deref(), Some("holdout_loss"));
    assert_eq!(
        after.runs[0].verdict,
        Verdict::Overfitting,
        "{:?}",
        after.runs[0].evidence
    );
}

#[test]
fn direction_corrected_by_hand_flips_best_point() {
    let mut drop = holdout();
    assert!(drop.runs[0].correct("holdout_loss", Role::Validation, Direction::Higher));
    let report = analyze(&drop, &Options::default());
    let best = report.runs[0].best.unwrap();
    let series = drop.runs[0].series("holdout_loss").unwrap();
    let max = series.y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(
        best.value, max,
        "higher is better: the best is the largest value"
    );
}

#[test]
fn correcting_a_missing_series_changes_nothing() {
    let mut drop = holdout();
    let copy = drop.clone();
    assert!(!drop.runs[0].correct("val_loss", Role::Validation, Direction::Lower));
    assert_eq!(drop, copy);
}
