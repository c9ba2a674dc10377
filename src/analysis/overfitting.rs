//! Has validation turned worse since its best while training still improves? Prechelt's
//! generalization loss GL and progress quotient PQ ("Early Stopping — But When?", 1998) with the
//! level at the end (the median of the last few evaluations, so one unlucky evaluation decides
//! nothing) against the best evaluation, significant only beyond the recent validation noise,
//! plus the trend of the train/validation gap.

use serde::{Deserialize, Serialize};

use super::divergence::LEVEL_WINDOW;
use super::levels::end_level;
use super::trend::{trend, Trend};

/// Prechelt's GL₅: validation more than 5% above its best counts as lost generalization.
pub const GL_THRESHOLD: f64 = 5.0;
/// The rise above the best must also exceed this many robust SDs of the recent validation noise,
/// so that a small, noisy validation set is not called overfitting.
pub const NOISE_SIGMAS: f64 = 2.0;
/// Prechelt's training strip length k for the progress P_k.
pub const STRIP: usize = 5;
/// Smallest window for "training still falls": the mean of the last w points against the w before.
const MIN_WINDOW: usize = 3;
/// The window is this fraction of the series (at least [`MIN_WINDOW`]).
const WINDOW_FRACTION: f64 = 0.1;

/// Overfitting evidence for one validation series and its training partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prechelt {
    /// Index of the best validation point and how many points have passed since.
    pub best_index: usize,
    pub since: usize,
    /// GL(t) = 100 · (E_va(t) / E_opt − 1) with E_va(t) the median of the last evaluations, as a
    /// percentage above the best (direction-aware); relative to the noise instead when the best is
    /// closer to zero than the noise.
    pub gl: f64,
    /// P_k(t) = 1000 · (mean of the last k training values / their minimum − 1).
    pub progress: Option<f64>,
    /// PQ = GL / P_k.
    pub pq: Option<f64>,
    /// Whether the training series' recent window mean is below the window before it.
    pub train_falling: Option<bool>,
    /// Relative change of the training series from the best validation point to its level at the
    /// end (median of the last few values since that point; −0.3 = fell 30%).
    pub train_change: Option<f64>,
    /// Trend of validation − training over the recent half, when both share their x values.
    pub gap: Option<Trend>,
    /// The end level's distance above the best, in noise SDs of the recent validation points.
    pub sigmas: f64,
}

impl Prechelt {
    /// Validation is GL₅ above its best, beyond its noise, while training does not worsen: it still falls at the end or ends
    /// below where it stood at the validation best (a training loss that has converged low is
    /// not "rising"; one that rises with validation is divergence, judged first).
    pub fn overfitting(&self) -> bool {
        self.gl > GL_THRESHOLD
            && self.sigmas > NOISE_SIGMAS
            && self.since > 0
            && (self.train_falling == Some(true) || self.train_change.is_some_and(|c| c < 0.0))
    }
}

/// `val` and `train` are oriented so that lower is better; `x` belongs to `val`; `train` is at
/// the cadence of the evaluations (per-step logs binned); `noise` is the robust SD of the recent
/// validation points around their trend, floored at their printed resolution.
pub fn assess(
    x: &[f64],
    val: &[f64],
    noise: f64,
    train: Option<(&[f64], &[f64])>,
) -> Option<Prechelt> {
    // The best evaluation is a checkpoint that exists, so it is the raw best (luck in it is what
    // the noise test is for); the end is a level: one unlucky evaluation is not a rise.
    let (best_index, best) = val
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let last = end_level(val, LEVEL_WINDOW)?;
    // Relative to the best, but never to less than the noise: a best of 0 (or one that crosses
    // zero) has no relative scale below what the series can tell apart.
    let gl = 100.0 * (last - best) / best.abs().max(noise).max(f64::MIN_POSITIVE);
    let since = val.len() - 1 - best_index;
    let progress = train.and_then(|(_, t)| strip_progress(t));
    let train_falling = train.and_then(|(_, t)| falling(t));
    let train_change = train.and_then(|(tx, t)| {
        let from = tx.iter().position(|&v| v >= x[best_index])?;
        let (a, b) = (t[from], end_level(&t[from..], LEVEL_WINDOW)?);
        (a.is_finite() && b.is_finite() && a != 0.0).then(|| (b - a) / a.abs())
    });
    let gap = train.and_then(|(tx, t)| {
        // Validation and training at the same x (one merge pass), over the recent half.
        let (mut i, mut j) = (x.len() / 2, 0);
        let (mut gx, mut g) = (Vec::new(), Vec::new());
        while i < x.len() && j < tx.len() {
            if x[i] == tx[j] {
                gx.push(x[i]);
                g.push(val[i] - t[j]);
                i += 1;
                j += 1;
            } else if x[i] < tx[j] {
                i += 1;
            } else {
                j += 1;
            }
        }
        (gx.len() * 2 >= x.len() - x.len() / 2).then(|| trend(&gx, &g))?
    });
    Some(Prechelt {
        best_index,
        since,
        gl,
        progress,
        pq: progress.filter(|p| *p > 0.0).map(|p| gl / p),
        train_falling,
        train_change,
        gap,
        sigmas: if noise > 0.0 {
            (last - best) / noise
        } else {
            f64::INFINITY
        },
    })
}

/// Prechelt's P_k over the last [`STRIP`] points (positive losses only).
fn strip_progress(t: &[f64]) -> Option<f64> {
    let strip = t.get(t.len().checked_sub(STRIP)?..)?;
    let min = strip.iter().copied().fold(f64::INFINITY, f64::min);
    if min <= 0.0 || min.is_nan() || strip.iter().any(|v| !v.is_finite()) {
        return None;
    }
    Some(1000.0 * (strip.iter().sum::<f64>() / (STRIP as f64 * min) - 1.0))
}

/// The mean of the last w points is below the mean of the w before them.
pub fn falling(t: &[f64]) -> Option<bool> {
    let w = ((t.len() as f64 * WINDOW_FRACTION).round() as usize).max(MIN_WINDOW);
    if t.len() < 2 * w {
        return None;
    }
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let n = t.len();
    Some(mean(&t[n - w..]) < mean(&t[n - 2 * w..n - w]))
}
