//! Series that tell different stories: `metric_disagreement` (validation loss worsens while the
//! validation task metric still improves) and `train_val_mismatch` (a train/validation pair that
//! starts on incomparable scales, so it cannot measure the same thing).

use super::levels::end_level;
use super::overfitting::GL_THRESHOLD;
use super::trend::{trend, Trend};
use crate::model::{Direction, Kind, Role, Run, Series};
use crate::stats::median;

/// Train and validation values of the same quantity start within this factor of each other.
pub const SCALE_RATIO: f64 = 10.0;
/// How many first points the starting level is the median of (the first epoch's train mean is
/// taken while the model changes fastest).
const START_POINTS: usize = 3;

/// A validation metric whose recent trend improves significantly, paired with its trend.
pub fn improving_metric(run: &Run, from: f64) -> Option<(&Series, Trend)> {
    run.series
        .iter()
        .filter(|s| s.role == Role::Validation && s.kind == Kind::Metric)
        .filter(|s| s.direction != Direction::Unknown)
        .find_map(|s| {
            let start = s.x.iter().position(|&x| x >= from)?;
            let t = trend(&s.x[start..], &s.y[start..])?;
            let good = if s.direction == Direction::Higher {
                t.z > 0.0
            } else {
                t.z < 0.0
            };
            (good && t.significant()).then_some((s, t))
        })
}

/// The other side of [`improving_metric`]: when a task metric is monitored, the validation loss
/// that has worsened since its best — its end level (median of the last `window` points) more than
/// Prechelt's GL threshold above the best, with a significant rise since (Mann–Kendall). Gives the
/// loss, the x of its best, the best, the end level and the rise's trend.
pub fn worsening_loss<'a>(
    run: &'a Run,
    monitor: &Series,
    window: usize,
) -> Option<(&'a Series, f64, f64, f64, Trend)> {
    if monitor.kind != Kind::Metric {
        return None;
    }
    let loss = run.series.iter().find(|s| {
        s.role == Role::Validation && s.kind == Kind::Loss && s.direction == Direction::Lower
    })?;
    let (at, &best) = loss
        .y
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .min_by(|a, b| a.1.total_cmp(b.1))?;
    let end = end_level(&loss.y, window)?;
    if best <= 0.0 || end <= best * (1.0 + GL_THRESHOLD / 100.0) {
        return None;
    }
    let t = trend(&loss.x[at..], &loss.y[at..])?;
    (t.z > 0.0 && t.significant()).then_some((loss, loss.x[at], best, end, t))
}

/// The ratio of the starting levels of a train/validation pair, when it exceeds [`SCALE_RATIO`].
pub fn scale_mismatch(train: &Series, val: &Series) -> Option<f64> {
    let start = |s: &Series| {
        let mut v: Vec<f64> =
            s.y.iter()
                .copied()
                .filter(|v| v.is_finite())
                .take(START_POINTS)
                .collect();
        median(&mut v)
    };
    let (a, b) = (start(train)?.abs(), start(val)?.abs());
    if a == 0.0 || b == 0.0 {
        return None;
    }
    let ratio = a.max(b) / a.min(b);
    (ratio > SCALE_RATIO).then_some(ratio)
}
