//! Noise: `noisy` when the fluctuation dwarfs the trend, `not_learning` when the metric never left
//! its starting level.

use super::trend::Trend;

/// Fluctuation (robust SD) above this fraction of the level is large enough to mention.
pub const NOISY_RELATIVE: f64 = 0.02;
/// Improving on the first value by less than this fraction is "never left the starting level".
pub const NOT_LEARNING_GAIN: f64 = 0.01;

/// The residual noise exceeds [`NOISY_RELATIVE`] of the level, and the trend is either not
/// significant or travels less than the noise across the window.
pub fn noisy(t: &Trend) -> bool {
    t.noise > NOISY_RELATIVE * t.level.abs() && (!t.significant() || t.noise > t.change().abs())
}

/// The relative gain of the best value over the first one (lower is better), and whether it is
/// below [`NOT_LEARNING_GAIN`].
pub fn not_learning(y: &[f64]) -> Option<(f64, bool)> {
    let first = *y.iter().find(|v| v.is_finite())?;
    let best = y
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    let gain = (first - best) / first.abs().max(f64::MIN_POSITIVE);
    Some((gain, gain < NOT_LEARNING_GAIN))
}
