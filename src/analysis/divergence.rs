//! Is the run getting worse without recovering? NaN / inf, a sustained rise of the training
//! objective, and the spikes along the way (a spike that came back down is not divergence).

use serde::{Deserialize, Serialize};

use super::trend::{median, trailing_medians};

/// The objective's latest value more than this many times its lowest sustained level is a rise
/// that has not recovered.
pub const RISE_RATIO: f64 = 1.5;
/// "Sustained" level: the lowest median of this many consecutive points, so that one lucky low
/// epoch of a noisy loss near zero does not make every later value look like a rise.
const LEVEL_WINDOW: usize = 3;
/// A point more than this many times the median of the points before it is a spike.
pub const SPIKE_FACTOR: f64 = 2.0;
/// How many earlier points the spike baseline (their median) looks at.
const SPIKE_WINDOW: usize = 9;
/// Fewer earlier points than this and no spike is called.
const SPIKE_MIN_HISTORY: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NonFinite {
    pub series: String,
    pub x: f64,
    pub value: f64,
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

/// The first NaN or inf of a series.
pub fn non_finite(name: &str, x: &[f64], y: &[f64]) -> Option<NonFinite> {
    let i = y.iter().position(|v| !v.is_finite())?;
    Some(NonFinite {
        series: name.to_string(),
        x: x[i],
        value: y[i],
    })
}

/// The latest value against the lowest sustained level, for a positive lower-is-better objective.
pub fn rise(x: &[f64], y: &[f64]) -> Option<Rise> {
    let last = *y.last()?;
    let (i, min) = if y.len() < LEVEL_WINDOW {
        y.iter()
            .copied()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .min_by(|a, b| a.1.total_cmp(&b.1))?
    } else {
        y.windows(LEVEL_WINDOW)
            .enumerate()
            .filter_map(|(i, w)| {
                let mut w = <[f64; LEVEL_WINDOW]>::try_from(w).ok()?;
                let level = median(&mut w).filter(|v| v.is_finite())?;
                Some((i + LEVEL_WINDOW / 2, level))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))?
    };
    (min > 0.0 && last.is_finite() && last > RISE_RATIO * min).then_some(Rise {
        min_x: x[i],
        min,
        last,
        ratio: last / min,
    })
}

/// Points far above the median of the points just before them (positive series only); a run
/// of consecutive spike points is reported once, at its first point.
pub fn spikes(x: &[f64], y: &[f64]) -> Vec<Spike> {
    let mut found: Vec<(usize, Spike)> = Vec::new();
    let baselines = trailing_medians(y, SPIKE_WINDOW);
    for i in SPIKE_MIN_HISTORY..y.len() {
        let Some(baseline) = baselines[i] else {
            continue;
        };
        if baseline > 0.0 && y[i].is_finite() && y[i] > SPIKE_FACTOR * baseline {
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
