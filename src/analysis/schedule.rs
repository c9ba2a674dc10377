//! The learning-rate schedule as an input, read from a logged learning rate: warm-up, step cuts
//! (step schedules, ReduceLROnPlateau), a decay to about zero (linear or cosine), one-cycle, warm
//! restarts, and whether the schedule has ended (the rate annealed to a sliver of its peak, after
//! which more epochs at that rate cannot gain much). A plateau between cuts reads as
//! `lr_limited`; the trend is judged on the points since the last cut; no gain is projected past
//! the end of a schedule.

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::model::{Kind, Run, Series};

/// A step to at most this fraction of the previous learning rate is a cut (smooth decays move less per step).
pub const DROP_RATIO: f64 = 0.9;
/// ... and the new rate then holds within this fraction at the next point, as step schedules and
/// ReduceLROnPlateau do (the tail of a smooth decay to zero keeps falling); a cut at the very last
/// point is not yet confirmed.
const HOLD_TOLERANCE: f64 = 0.01;
/// The schedule has ended when the rate is at most this fraction of its peak: a decay to zero,
/// not a step schedule (two ×0.1 cuts leave 1% and still train).
pub const ENDED_FRACTION: f64 = 0.005;
/// A rise above this multiple of the previous rate after the peak is a warm restart.
const RESTART_RATIO: f64 = 2.0;
/// The rate starts below this fraction of its peak when it warms up; a decay ends below it.
const HALF: f64 = 0.5;
/// A warm-up that reaches its peak after this fraction of the logged span is one-cycle's rise.
const ONE_CYCLE_PEAK: f64 = 0.2;

/// The shape of the logged schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Constant,
    /// Warm-up, then constant.
    Warmup,
    /// Cuts by steps (step decay, ReduceLROnPlateau).
    Steps,
    /// Linear decay (after a warm-up, if any).
    Linear,
    /// Cosine decay (after a warm-up, if any).
    Cosine,
    /// A long rise to the peak and a decay after it.
    OneCycle,
    /// Decays that jump back up.
    WarmRestarts,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Constant => "constant",
            Shape::Warmup => "warm-up then constant",
            Shape::Steps => "step cuts",
            Shape::Linear => "linear decay",
            Shape::Cosine => "cosine decay",
            Shape::OneCycle => "one-cycle",
            Shape::WarmRestarts => "warm restarts",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Schedule {
    pub series: String,
    /// Cuts as (x, from, to).
    pub drops: Vec<(f64, f64, f64)>,
    pub shape: Shape,
    /// The peak rate and where it was first reached (the end of a warm-up).
    pub peak: f64,
    pub peak_x: f64,
    /// The last finite rate.
    pub last: f64,
    /// Where the rate jumped back up (warm restarts).
    pub restarts: Vec<f64>,
    /// The rate has annealed to at most [`ENDED_FRACTION`] of its peak, or its decay reaches
    /// zero (see `end`) within one more logged step.
    pub ended: bool,
    /// Where a decay to zero that is still under way will reach zero, read from its shape: the
    /// line through the peak and the last rate (linear), or the half-cosine through them
    /// (cosine, one-cycle's anneal). No gain is projected past it. Left out of JSON when `None`.
    #[serde(default)]
    pub end: Option<f64>,
}

/// Written by hand like `RunReport`'s: `end` is left out when `None` in human-readable formats,
/// always written in binary ones (read by position).
impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let end = self.end.is_some() || !s.is_human_readable();
        let mut r = s.serialize_struct("Schedule", 8 + usize::from(end))?;
        r.serialize_field("series", &self.series)?;
        r.serialize_field("drops", &self.drops)?;
        r.serialize_field("shape", &self.shape)?;
        r.serialize_field("peak", &self.peak)?;
        r.serialize_field("peak_x", &self.peak_x)?;
        r.serialize_field("last", &self.last)?;
        r.serialize_field("restarts", &self.restarts)?;
        r.serialize_field("ended", &self.ended)?;
        if end {
            r.serialize_field("end", &self.end)?;
        } else {
            r.skip_field("end")?;
        }
        r.end()
    }
}

/// The run's learning-rate series and its shape, if it logged one with a positive rate.
pub fn schedule(run: &Run) -> Option<Schedule> {
    let lr = most_shared_rate(run)?;
    let points: Vec<(f64, f64)> =
        lr.x.iter()
            .zip(&lr.y)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| (*x, *y))
            .collect();
    let (peak_i, &(peak_x, peak)) = points
        .iter()
        .enumerate()
        .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1).then(b.0.cmp(&a.0)))?;
    let &(_, last) = points.last()?;
    if peak <= 0.0 {
        return None;
    }
    let y: Vec<f64> = points.iter().map(|p| p.1).collect();
    let tiny = ENDED_FRACTION * peak;
    let drops: Vec<(f64, f64, f64)> = (1..y.len())
        .filter(|&i| y[i - 1] > 0.0 && y[i] > tiny && y[i] < DROP_RATIO * y[i - 1])
        .filter(|&i| {
            y.get(i + 1)
                .is_some_and(|next| (next - y[i]).abs() <= HOLD_TOLERANCE * y[i])
        })
        .map(|i| (points[i].0, y[i - 1], y[i]))
        .collect();
    let restarts: Vec<f64> = (peak_i + 1..y.len())
        .filter(|&i| y[i] > RESTART_RATIO * y[i - 1].max(tiny))
        .map(|i| points[i].0)
        .collect();
    let (first_x, last_x) = (points[0].0, points[points.len() - 1].0);
    let warmup = y[0] < HALF * peak && peak_i > 0;
    let decayed = last < HALF * peak;
    let shape = if !restarts.is_empty() {
        Shape::WarmRestarts
    } else if !drops.is_empty() {
        Shape::Steps
    } else if decayed
        && warmup
        && (peak_x - first_x) > ONE_CYCLE_PEAK * (last_x - first_x).max(f64::MIN_POSITIVE)
    {
        Shape::OneCycle
    } else if decayed {
        decay_shape(&points[peak_i..], peak)
    } else if warmup {
        Shape::Warmup
    } else {
        Shape::Constant
    };
    let end = (last > tiny)
        .then(|| decay_end(shape, peak_x, peak, last_x, last))
        .flatten();
    // Annealed to a sliver of the peak, or the decay's path reaches zero before the next
    // logged rate would (a linear decay to 1% of the peak at its last epoch has ended).
    let spacing = (last_x - first_x) / (points.len() - 1).max(1) as f64;
    let ended = last <= tiny || end.is_some_and(|e| e - last_x < spacing);
    Some(Schedule {
        series: lr.name.clone(),
        end,
        drops,
        shape,
        peak,
        peak_x,
        last,
        restarts,
        ended,
    })
}

/// Where a linear or cosine decay from `peak` at `peak_x`, at `last` by `last_x`, reaches zero.
/// A linear decay covers a fraction 1 − last/peak of its length by `last_x`; a cosine anneal
/// lr = peak · (1 + cos(π t / L)) / 2 has covered the angle acos(2·last/peak − 1) of π.
fn decay_end(shape: Shape, peak_x: f64, peak: f64, last_x: f64, last: f64) -> Option<f64> {
    let f = last / peak;
    let covered = match shape {
        Shape::Linear => 1.0 - f,
        Shape::Cosine | Shape::OneCycle => {
            (2.0 * f - 1.0).clamp(-1.0, 1.0).acos() / std::f64::consts::PI
        }
        _ => return None,
    };
    let span = last_x - peak_x;
    (covered > 0.0 && span > 0.0 && f < 1.0).then(|| peak_x + span / covered)
}

/// The learning rate most parameter groups follow: among several logged rates, the one whose
/// values the most rates share exactly (Ultralytics logs a bias group that warms *down* from
/// 0.1 beside two weight groups on the real schedule); the first one on a tie; rates never above
/// zero (frozen groups) are not schedules. O(rates · points).
fn most_shared_rate(run: &Run) -> Option<&Series> {
    use std::collections::HashMap;
    use std::hash::{DefaultHasher, Hash, Hasher};
    let rates: Vec<&Series> = run
        .series
        .iter()
        .filter(|s| s.kind == Kind::LearningRate && s.y.iter().any(|v| v.is_finite() && *v > 0.0))
        .collect();
    if rates.len() <= 1 {
        return rates.first().copied();
    }
    let key = |s: &Series| {
        let mut h = DefaultHasher::new();
        s.y.iter().for_each(|v| v.to_bits().hash(&mut h));
        h.finish()
    };
    // Per hash: the first rate with it and how many rates equal that one.
    let mut counts: HashMap<u64, (usize, usize)> = HashMap::new();
    for (i, s) in rates.iter().enumerate() {
        let entry = counts.entry(key(s)).or_insert((i, 0));
        if rates[entry.0]
            .y
            .iter()
            .map(|v| v.to_bits())
            .eq(s.y.iter().map(|v| v.to_bits()))
        {
            entry.1 += 1;
        }
    }
    counts
        .into_values()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| rates[i])
}

/// Linear or cosine, by the rate a quarter of the way from the peak to where the decay bottoms
/// out: 75% of the peak for a linear decay, 85% for a cosine one.
fn decay_shape(after_peak: &[(f64, f64)], peak: f64) -> Shape {
    let floor = after_peak.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let end = after_peak
        .iter()
        .find(|p| p.1 <= floor)
        .map_or(after_peak[0].0, |p| p.0);
    let start = after_peak[0].0;
    let quarter = start + 0.25 * (end - start);
    let at = after_peak
        .iter()
        .find(|p| p.0 >= quarter)
        .map_or(peak, |p| p.1);
    let fraction = (at - floor) / (peak - floor).max(f64::MIN_POSITIVE);
    let linear = 0.75;
    let cosine = 0.5 + 0.5 * std::f64::consts::FRAC_PI_4.cos();
    if (fraction - linear).abs() <= (fraction - cosine).abs() {
        Shape::Linear
    } else {
        Shape::Cosine
    }
}

impl Schedule {
    /// The latest cut when it came within the last `patience` of the points at `x` (the new rate
    /// has not yet had a patience to show what it does).
    pub fn fresh_cut(&self, x: &[f64], patience: usize) -> Option<(f64, f64, f64)> {
        let cut = *self.drops.last()?;
        let after = x.iter().filter(|&&v| v >= cut.0).count();
        (after < patience).then_some(cut)
    }
}
