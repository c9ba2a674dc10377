//! Gradient norms: exploding (far above their running median, or NaN / inf), vanishing (collapsed
//! toward zero while the loss is still high), and an AutoClip-style clipping threshold
//! (Seetharaman et al., 2020: clip at a percentile of the observed norm history).

use serde::{Deserialize, Serialize};

use super::trend::trailing_medians;
use crate::model::Series;
use crate::stats::{median, quantile};

/// A norm more than this many times the running median of the norms before it is exploding.
pub const EXPLODE_FACTOR: f64 = 10.0;
/// How many earlier norms the running median looks at.
const RUNNING_WINDOW: usize = 20;
/// Fewer earlier norms than this and no explosion is called from the ratio alone.
const MIN_HISTORY: usize = 3;
/// Late norms below this fraction of the early norms have vanished.
pub const VANISH_RATIO: f64 = 1e-3;
/// "Still high": the loss has kept more than this fraction of its first value.
pub const LOSS_STILL_HIGH: f64 = 0.5;
/// AutoClip's percentile of the norm history (the paper's recommended p = 10).
pub const AUTOCLIP_PERCENTILE: f64 = 10.0;
/// The share of the series treated as "early" and "late" when comparing norm levels.
const END_FRACTION: f64 = 0.25;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gradients {
    pub series: String,
    /// Finite norms seen.
    pub points: usize,
    pub median: f64,
    /// AutoClip threshold: the [`AUTOCLIP_PERCENTILE`]th percentile of the finite norms.
    pub clip: f64,
    /// Norms far above their running median: (x, norm, running median).
    pub explosions: Vec<(f64, f64, f64)>,
    /// The first NaN / inf norm.
    pub non_finite_at: Option<f64>,
    /// Median of the early and the late norms.
    pub early: f64,
    pub late: f64,
    pub vanishing: bool,
}

impl Gradients {
    pub fn exploding(&self) -> bool {
        self.non_finite_at.is_some() || !self.explosions.is_empty()
    }
}

/// Reads a gradient-norm series; `loss_kept` is the loss's latest value over its first (lower is better).
pub fn assess(norms: &Series, loss_kept: Option<f64>) -> Option<Gradients> {
    let mut finite: Vec<f64> = norms.y.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    let explosions = trailing_medians(&norms.y, RUNNING_WINDOW)
        .enumerate()
        .skip(MIN_HISTORY)
        .filter_map(|(i, running)| {
            let (m, v) = (running?, norms.y[i]);
            (m > 0.0 && v.is_finite() && v > EXPLODE_FACTOR * m).then_some((norms.x[i], v, m))
        })
        .collect();
    let k = ((finite.len() as f64 * END_FRACTION).ceil() as usize).max(1);
    let early = median(&mut finite[..k].to_vec())?;
    let late = median(&mut finite[finite.len() - k..].to_vec())?;
    let vanishing = finite.len() >= 4
        && early > 0.0
        && late < VANISH_RATIO * early
        && loss_kept.is_some_and(|kept| kept > LOSS_STILL_HIGH);
    Some(Gradients {
        series: norms.name.clone(),
        points: finite.len(),
        median: median(&mut finite)?,
        clip: quantile(&mut finite, AUTOCLIP_PERCENTILE / 100.0),
        explosions,
        non_finite_at: norms
            .y
            .iter()
            .position(|v| !v.is_finite())
            .map(|i| norms.x[i]),
        early,
        late,
        vanishing,
    })
}
