//! What common early-stopping callbacks would have done on this log, each with its library's exact
//! bookkeeping (the off-by-ones differ):
//! - Keras `EarlyStopping`: `wait += 1` every epoch, reset on improvement (`current − min_delta`
//!   beats the best, which starts at ±inf, so NaN never improves), stop when `wait >= patience`
//!   and epoch > 0.
//! - Lightning `EarlyStopping`: a non-finite value stops at once; improvement when
//!   `current − min_delta` beats the best (which starts at ±inf); else `wait += 1` and stop when
//!   `wait >= patience`.
//! - PyTorch `ReduceLROnPlateau`: a bad epoch counts when the value does not beat
//!   `best·(1 − threshold)` (rel) or `best − threshold` (abs); the LR is cut when
//!   `bad_epochs > patience`, then the count restarts and `cooldown` epochs are ignored.
//!
//! Every function takes values in the series' own units and a `higher` flag (mode "max").

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// Keras `EarlyStopping` defaults reported for every run (patience as in common use; min_delta 0).
pub const KERAS_PATIENCE: usize = 10;
/// Lightning `EarlyStopping` defaults (patience=3, min_delta=0.0).
pub const LIGHTNING_PATIENCE: usize = 3;
/// PyTorch `ReduceLROnPlateau` defaults (patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0).
pub const TORCH_PATIENCE: usize = 10;
pub const TORCH_THRESHOLD: f64 = 1e-4;

/// PyTorch's `threshold_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThresholdMode {
    Rel,
    Abs,
}

/// One callback's replay over the monitored series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Emulation {
    /// The callback and its settings, as a user would write it.
    pub rule: String,
    /// `stop` or `reduce_lr`.
    pub action: Cow<'static, str>,
    /// The x at which it acts (every LR cut for `reduce_lr`); empty when it never fires.
    pub at: Vec<f64>,
}

/// The best value so far as Keras and Lightning `EarlyStopping` keep it: a new value counts when
/// it beats the best by more than `min_delta` in the monitored direction.
struct Best {
    value: f64,
    delta: f64,
    higher: bool,
}

impl Best {
    fn new(min_delta: f64, higher: bool) -> Best {
        let (value, delta) = if higher {
            (f64::NEG_INFINITY, min_delta.abs())
        } else {
            (f64::INFINITY, -min_delta.abs())
        };
        Best {
            value,
            delta,
            higher,
        }
    }

    /// Whether `current` improves on the best (which it then becomes).
    fn improved_by(&mut self, current: f64) -> bool {
        let shifted = current - self.delta;
        let better = if self.higher {
            shifted > self.value
        } else {
            shifted < self.value
        };
        if better {
            self.value = current;
        }
        better
    }
}

/// Index of the epoch at which Keras `EarlyStopping` sets `stop_training` (its `stopped_epoch`).
pub fn keras(y: &[f64], patience: usize, min_delta: f64, higher: bool) -> Option<usize> {
    let mut best = Best::new(min_delta, higher);
    let mut wait = 0;
    for (epoch, &current) in y.iter().enumerate() {
        wait += 1;
        if best.improved_by(current) {
            wait = 0;
            continue;
        }
        if wait >= patience && epoch > 0 {
            return Some(epoch);
        }
    }
    None
}

/// Index of the epoch at which Lightning `EarlyStopping` sets `should_stop` (check_finite=True).
pub fn lightning(y: &[f64], patience: usize, min_delta: f64, higher: bool) -> Option<usize> {
    let mut best = Best::new(min_delta, higher);
    let mut wait = 0;
    for (epoch, &current) in y.iter().enumerate() {
        if !current.is_finite() {
            return Some(epoch);
        }
        if best.improved_by(current) {
            wait = 0;
        } else {
            wait += 1;
            if wait >= patience {
                return Some(epoch);
            }
        }
    }
    None
}

/// Indices of the epochs at which PyTorch `ReduceLROnPlateau.step()` cuts the learning rate.
pub fn reduce_lr_on_plateau(
    y: &[f64],
    patience: usize,
    threshold: f64,
    mode: ThresholdMode,
    cooldown: usize,
    higher: bool,
) -> Vec<usize> {
    let is_better = |a: f64, best: f64| match (higher, mode) {
        (false, ThresholdMode::Rel) => a < best * (1.0 - threshold),
        (false, ThresholdMode::Abs) => a < best - threshold,
        (true, ThresholdMode::Rel) => a > best * (1.0 + threshold),
        (true, ThresholdMode::Abs) => a > best + threshold,
    };
    let mut best = if higher {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let (mut bad, mut cooling) = (0, 0);
    let mut cuts = Vec::new();
    for (epoch, &current) in y.iter().enumerate() {
        if is_better(current, best) {
            best = current;
            bad = 0;
        } else {
            bad += 1;
        }
        if cooling > 0 {
            cooling -= 1;
            bad = 0;
        }
        if bad > patience {
            cuts.push(epoch);
            cooling = cooldown;
            bad = 0;
        }
    }
    cuts
}

/// The three callbacks with their usual settings, replayed on one series.
pub fn emulate(x: &[f64], y: &[f64], monitor: &str, higher: bool) -> Vec<Emulation> {
    let mode = if higher { "max" } else { "min" };
    let at = |i: Option<usize>| i.map(|i| x[i]).into_iter().collect();
    vec![
        Emulation {
            rule: format!(
                "keras EarlyStopping(monitor=\"{monitor}\", patience={KERAS_PATIENCE}, min_delta=0, mode=\"{mode}\")"
            ),
            action: Cow::Borrowed("stop"),
            at: at(keras(y, KERAS_PATIENCE, 0.0, higher)),
        },
        Emulation {
            rule: format!(
                "lightning EarlyStopping(monitor=\"{monitor}\", patience={LIGHTNING_PATIENCE}, min_delta=0.0, mode=\"{mode}\")"
            ),
            action: Cow::Borrowed("stop"),
            at: at(lightning(y, LIGHTNING_PATIENCE, 0.0, higher)),
        },
        Emulation {
            rule: format!(
                "torch ReduceLROnPlateau(mode=\"{mode}\", patience={TORCH_PATIENCE}, threshold={TORCH_THRESHOLD}, threshold_mode=\"rel\")"
            ),
            action: Cow::Borrowed("reduce_lr"),
            at: reduce_lr_on_plateau(
                y,
                TORCH_PATIENCE,
                TORCH_THRESHOLD,
                ThresholdMode::Rel,
                0,
                higher,
            )
            .into_iter()
            .map(|i| x[i])
            .collect(),
        },
    ]
}
