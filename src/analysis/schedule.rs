//! Learning-rate awareness: where a logged learning rate was cut (step schedules,
//! ReduceLROnPlateau), so that a plateau between cuts is read as `lr_limited`, and the trend is
//! judged only on the points since the last cut.

use serde::{Deserialize, Serialize};

use crate::model::{Kind, Run};

/// A step to at most this fraction of the previous learning rate is a cut (smooth decays move less per step).
pub const DROP_RATIO: f64 = 0.9;
/// ... and the new rate then holds within this fraction at the next point, as step schedules and
/// ReduceLROnPlateau do (the tail of a smooth decay to zero keeps falling); a cut at the very last
/// point is not yet confirmed.
const HOLD_TOLERANCE: f64 = 0.01;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub series: String,
    /// Cuts as (x, from, to).
    pub drops: Vec<(f64, f64, f64)>,
}

/// The run's learning-rate series and its cuts, if it logged one.
pub fn schedule(run: &Run) -> Option<Schedule> {
    let lr = run.series.iter().find(|s| s.kind == Kind::LearningRate)?;
    let y = &lr.y;
    let drops = (1..y.len())
        .filter(|&i| y[i - 1] > 0.0 && y[i].is_finite() && y[i] < DROP_RATIO * y[i - 1])
        .filter(|&i| {
            y.get(i + 1)
                .is_some_and(|next| (next - y[i]).abs() <= HOLD_TOLERANCE * y[i])
        })
        .map(|i| (lr.x[i], y[i - 1], y[i]))
        .collect();
    Some(Schedule {
        series: lr.name.clone(),
        drops,
    })
}
