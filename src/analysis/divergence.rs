//! Is the run getting worse without recovering? NaN / inf that lasts to the end, a sustained rise
//! of the training objective's level, and the spikes along the way (a spike that came back down,
//! or NaN the run carried on from, is not divergence).

use serde::{Deserialize, Serialize};

use super::levels::{best_level, calm_noise, end_level, resolution};
use super::trend::{trailing_medians, trend};

/// The objective's level at the end more than this many times its lowest level is a rise that
/// has not recovered.
pub const RISE_RATIO: f64 = 1.5;
/// Levels of raw points are medians of this many consecutive points, so one lucky low point of a
/// noisy loss near zero does not make every later value look like a rise, and one unlucky last
/// point is not a rise.
pub const LEVEL_WINDOW: usize = 3;
/// ... and the rise must exceed this many noise SDs of the series (or printed-resolution steps).
pub const RISE_SIGMAS: f64 = 3.0;
/// A point more than this many times the median of the points before it is a spike ...
pub const SPIKE_FACTOR: f64 = 2.0;
/// ... and more than this many of the series' own noise SDs above that median (per-step losses
/// swing far more than per-epoch means).
pub const SPIKE_SIGMAS: f64 = 5.0;
/// How many earlier points the spike baseline (their median) looks at.
const SPIKE_WINDOW: usize = 9;
/// Fewer earlier points than this and no spike is called.
const SPIKE_MIN_HISTORY: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NonFinite {
    pub series: String,
    /// The first non-finite point and its value.
    pub x: f64,
    pub value: f64,
    /// Whether the series is still non-finite at its last point (else the run carried on).
    pub persists: bool,
    /// Every x at which the series was non-finite.
    pub at: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rise {
    /// Where the objective's sustained level was lowest, and that level.
    pub min_x: f64,
    pub min: f64,
    pub last: f64,
    /// last / min.
    pub ratio: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spike {
    pub x: f64,
    pub value: f64,
    /// The median of the points before it.
    pub baseline: f64,
    /// Whether a later point came back below `SPIKE_FACTOR × baseline`.
    pub recovered: bool,
}

/// The NaN / inf of a series: the first one, every x, and whether it lasts to the end.
pub fn non_finite(name: &str, x: &[f64], y: &[f64]) -> Option<NonFinite> {
    let i = y.iter().position(|v| !v.is_finite())?;
    Some(NonFinite {
        series: name.to_string(),
        x: x[i],
        value: y[i],
        persists: y.last().is_some_and(|v| !v.is_finite()),
        at: x
            .iter()
            .zip(y)
            .filter(|(_, v)| !v.is_finite())
            .map(|(x, _)| *x)
            .collect(),
    })
}

/// How the objective's points were measured, which decides what its levels are and how large a
/// rise its noise can make.
#[derive(Debug, Clone, Copy)]
pub enum Measured<'a> {
    /// Raw per-step points: levels are medians of [`LEVEL_WINDOW`] points, the noise is the
    /// series' own (second differences), and a curve still sloping down since its lowest level
    /// is not rising.
    Points,
    /// Per-period means (a per-epoch mean loss, or a per-step log binned at the evaluations):
    /// each point is a level. `se` are the standard errors of the means when the points inside
    /// each period are known (binned per-step logs): the rise is then a difference of two means
    /// against its own standard error. Without them (a per-epoch mean loss) the swings between
    /// epochs are the run's own behaviour — an epoch's mean already averages its batches — so
    /// the test is persistence instead: both of the last two epochs above the ratio (one bad
    /// epoch is a blip; two in a row at 1.5× the lowest running median of three epochs is a run that has lost its footing).
    Means { se: Option<&'a [f64]> },
}

/// The level at the end against the lowest level, for a positive lower-is-better objective:
/// a rise when the end is [`RISE_RATIO`] times the lowest level and [`RISE_SIGMAS`] noise SDs
/// above it (see [`Measured`]), and the lowest level (the centre of its window) lies more than
/// two points back (one bad last point after a new low is a blip).
pub fn rise(x: &[f64], y: &[f64], measured: Measured) -> Option<Rise> {
    let window = match measured {
        Measured::Points => LEVEL_WINDOW,
        Measured::Means { .. } => 1,
    };
    // The lowest level of per-epoch means is a running median of three epochs too: the lowest of
    // n noisy epochs sits further below the true level the longer the run (winner's curse), and
    // a healthy flat loss with 20% epoch noise was called diverging 15–38% of the time against it.
    let best_window = match measured {
        Measured::Means { se: None } => LEVEL_WINDOW,
        _ => window,
    };
    let (i, min) = best_level(y, best_window)?;
    let last = end_level(y, window)?;
    let floor = resolution(y).unwrap_or(0.0);
    let lasting = y.len() - i > 2;
    let (noise, still_falling) = match measured {
        Measured::Means { se: None } => {
            // The lower of the last two finite epochs is the end level.
            let mut tail = y.iter().rev().filter(|v| v.is_finite());
            let persistent = match (tail.next(), tail.next()) {
                (Some(a), Some(b)) => a.min(*b) > RISE_RATIO * min,
                _ => false,
            };
            if !persistent {
                return None;
            }
            (floor, false)
        }
        Measured::Points => {
            let noise = calm_noise(y).unwrap_or(floor);
            // Judged since the lowest level (within the recent half): a curve that fell for most
            // of the half and turned up at its end rises; one still falling after a spike
            // recovers.
            let from = i.max(y.len() / 2);
            let falling = trend(&x[from..], &y[from..]).is_some_and(|t| t.slope < 0.0);
            (noise, falling)
        }
        Measured::Means { se: Some(se) } => {
            // The difference of two independent means: its SD is the root sum of their squared
            // standard errors (an unknown one, NaN, counts as none; an infinite one hides any
            // rise).
            let se_of = |k: usize| se.get(k).copied().filter(|v| !v.is_nan()).unwrap_or(0.0);
            let end = y.iter().rposition(|v| v.is_finite())?;
            (se_of(i).hypot(se_of(end)).max(floor), false)
        }
    };
    (min > 0.0
        && lasting
        && last > RISE_RATIO * min
        && last - min > RISE_SIGMAS * noise
        && !still_falling)
        .then_some(Rise {
            min_x: x[i],
            min,
            last,
            ratio: last / min,
        })
}

/// Points far above the median of the points just before them, by both a factor and the
/// series' own `noise` (positive series only); a run of consecutive spike points is reported
/// once, at its first point.
pub fn spikes(x: &[f64], y: &[f64], noise: f64) -> Vec<Spike> {
    let mut found: Vec<(usize, Spike)> = Vec::new();
    let baselines = trailing_medians(y, SPIKE_WINDOW).enumerate();
    for (i, baseline) in baselines.skip(SPIKE_MIN_HISTORY) {
        let Some(baseline) = baseline else {
            continue;
        };
        if baseline > 0.0
            && y[i].is_finite()
            && y[i] > SPIKE_FACTOR * baseline
            && y[i] - baseline > SPIKE_SIGMAS * noise
        {
            if let Some(run) = found.last_mut().filter(|(j, _)| *j + 1 == i) {
                run.0 = i;
                continue;
            }
            found.push((
                i,
                Spike {
                    x: x[i],
                    value: y[i],
                    baseline,
                    recovered: false,
                },
            ));
        }
    }
    found
        .into_iter()
        .map(|(end, mut s)| {
            s.recovered = y[end + 1..]
                .iter()
                .any(|v| v.is_finite() && *v <= SPIKE_FACTOR * s.baseline);
            s
        })
        .collect()
}
