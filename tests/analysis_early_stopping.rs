#![cfg(not(target_arch = "wasm32"))]
//! Table tests pinning each early-stopping rule's exact bookkeeping (and where they differ).

use plateau::analysis::early_stopping::{keras, lightning, reduce_lr_on_plateau, ThresholdMode};

const NAN: f64 = f64::NAN;

#[test]
fn keras_stops_when_wait_reaches_patience() {
    // best at epoch 0; wait = 1, 2 at epochs 1, 2 → stop at epoch 2.
    assert_eq!(keras(&[1.0, 1.0, 1.0, 1.0], 2, 0.0, false), Some(2));
}

#[test]
fn torch_cuts_only_when_bad_epochs_exceed_patience() {
    // Same series, same patience: bad epochs 1, 2, 3 → cut at epoch 3, one later than Keras.
    let cuts = reduce_lr_on_plateau(&[1.0, 1.0, 1.0, 1.0], 2, 1e-4, ThresholdMode::Rel, 0, false);
    assert_eq!(cuts, vec![3]);
}

#[test]
fn lightning_stops_when_wait_reaches_patience() {
    assert_eq!(lightning(&[1.0, 1.0, 1.0, 1.0], 2, 0.0, false), Some(2));
}

#[test]
fn keras_improvement_resets_wait() {
    // epoch 2 improves, so the count starts again: stop at 2 + 2 = 4.
    assert_eq!(
        keras(&[1.0, 1.0, 0.5, 0.6, 0.6, 0.6], 2, 0.0, false),
        Some(4)
    );
}

#[test]
fn keras_min_delta_must_be_beaten() {
    // 0.95 is better than 1.0 but not by min_delta 0.1: a waiting epoch.
    assert_eq!(keras(&[1.0, 0.95, 0.9], 1, 0.1, false), Some(1));
    assert_eq!(keras(&[1.0, 0.85, 0.7], 1, 0.1, false), None);
}

#[test]
fn keras_min_delta_sign_is_ignored() {
    assert_eq!(
        keras(&[1.0, 0.95, 0.9], 1, -0.1, false),
        keras(&[1.0, 0.95, 0.9], 1, 0.1, false)
    );
}

#[test]
fn keras_patience_zero_never_stops_at_epoch_zero() {
    assert_eq!(keras(&[1.0, 2.0], 0, 0.0, false), Some(1));
    assert_eq!(keras(&[1.0], 0, 0.0, false), None);
}

#[test]
fn keras_nan_epoch_counts_as_waiting() {
    assert_eq!(keras(&[NAN, NAN, 0.5], 2, 0.0, false), Some(1));
}

#[test]
fn keras_never_stops_at_epoch_zero() {
    // patience 0 and a NaN first epoch: wait = 1 >= 0, but Keras requires epoch > 0.
    assert_eq!(keras(&[NAN, 1.0], 0, 0.0, false), None);
    assert_eq!(lightning(&[1.0, NAN], 0, 0.0, false), Some(1));
}

#[test]
fn keras_nan_later_counts_as_no_improvement() {
    assert_eq!(keras(&[1.0, NAN, NAN], 2, 0.0, false), Some(2));
}

#[test]
fn lightning_stops_at_once_on_non_finite() {
    assert_eq!(
        lightning(&[1.0, 0.9, f64::INFINITY, 0.5], 10, 0.0, false),
        Some(2)
    );
    assert_eq!(lightning(&[1.0, 0.9, NAN], 10, 0.0, false), Some(2));
}

#[test]
fn lightning_min_delta_must_be_beaten() {
    assert_eq!(lightning(&[1.0, 0.95, 0.9], 1, 0.1, false), Some(1));
}

#[test]
fn max_mode_follows_accuracy_upwards() {
    assert_eq!(keras(&[0.5, 0.6, 0.6, 0.6], 2, 0.0, true), Some(3));
    assert_eq!(lightning(&[0.5, 0.6, 0.6, 0.6], 2, 0.0, true), Some(3));
    let cuts = reduce_lr_on_plateau(
        &[0.5, 0.6, 0.6, 0.6, 0.6],
        2,
        1e-4,
        ThresholdMode::Rel,
        0,
        true,
    );
    assert_eq!(cuts, vec![4]);
}

#[test]
fn torch_relative_threshold_scales_with_best() {
    // best 100 → 99.5: not below 100·(1 − 0.01) = 99 (rel), but below 100 − 0.01 (abs).
    let y = [100.0, 99.5, 99.5];
    assert_eq!(
        reduce_lr_on_plateau(&y, 1, 0.01, ThresholdMode::Rel, 0, false),
        vec![2]
    );
    assert!(reduce_lr_on_plateau(&y, 1, 0.01, ThresholdMode::Abs, 0, false).is_empty());
}

#[test]
fn torch_cooldown_ignores_bad_epochs_after_a_cut() {
    // patience 0: cut at 1; cooldown 2 swallows epochs 2 and 3; next cut at 4.
    let cuts = reduce_lr_on_plateau(&[1.0; 6], 0, 1e-4, ThresholdMode::Rel, 2, false);
    assert_eq!(cuts, vec![1, 4]);
}

#[test]
fn torch_counts_from_scratch_after_a_cut() {
    // patience 1 without cooldown: cuts every second bad epoch.
    let cuts = reduce_lr_on_plateau(&[1.0; 7], 1, 1e-4, ThresholdMode::Rel, 0, false);
    assert_eq!(cuts, vec![2, 4, 6]);
}
