//! Learning-rate awareness: where a logged learning rate was cut (step schedules,
//! ReduceLROnPlateau), so that a plateau between cuts is read as `lr_limited`, and the trend is
//! judged only on the points since the last cut.

use serde::Serialize;

use crate::model::{Kind, Run};

/// A step to at most this fraction of the previous learning rate is a cut (smooth decays move less per step).
pub const DROP_RATIO: f64 = 0.9;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    pub series: String,
    /// Cuts as (x, from, to).
    pub drops: Vec<(f64, f64, f64)>,
}

/// The run's learning-rate series and its cuts, if it logged one.
pub fn schedule(run: &Run) -> Option<Schedule> {
    let lr = run.series.iter().find(|s| s.kind == Kind::LearningRate)?;
    let drops =
        lr.y.windows(2)
            .zip(&lr.x[1..])
            .filter(|(w, _)| w[0] > 0.0 && w[1].is_finite() && w[1] < DROP_RATIO * w[0])
            .map(|(w, &x)| (x, w[0], w[1]))
            .collect();
    Some(Schedule {
        series: lr.name.clone(),
        drops,
    })
}
