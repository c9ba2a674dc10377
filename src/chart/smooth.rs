//! Smoothing for the eye only (the verdict never sees it): TensorBoard's debiased EMA, a variant
//! that respects uneven x spacing, and a two-sided Gaussian.

use serde::{Deserialize, Serialize};

use crate::stats;

/// Which smoother the slider drives; its weight is in `0..1` (0 = raw).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Smoother {
    /// TensorBoard's exponential moving average, bit for bit.
    #[default]
    Ema,
    /// The same EMA with each step's decay scaled by its x gap, so sparse stretches are not over-smoothed.
    EmaSpaced,
    /// A centred Gaussian kernel in x (no lag), width growing with the weight.
    Gaussian,
}

/// `y` smoothed with `weight`; non-finite points are passed through unchanged. Each stretch where
/// x goes forward is smoothed on its own (see [`forward_pieces`]), so x going back never carries
/// one session's average into another.
pub fn smooth(smoother: Smoother, weight: f64, x: &[f64], y: &[f64]) -> Vec<f64> {
    smooth_pieces(weight, x, y, |xs, ys| match smoother {
        Smoother::Ema => ema(weight, ys),
        Smoother::EmaSpaced => ema_spaced(weight, xs, ys),
        Smoother::Gaussian => gaussian(weight, xs, ys),
    })
}

/// [`smooth`] for a sparse series drawn with a dense one whose points are `step` apart in x: the
/// weight means the same stretch of x as on the dense curve, so an evaluation every 500 steps is
/// not dragged behind by an average over the last several evaluations. The EMA becomes its
/// x-aware variant (a gap of `k` dense steps decays by `wᵏ`); the Gaussian's width is in dense steps,
/// but never wider than the series' own spacing would make it, so its cost stays that of [`gaussian`]
/// when the "sparse" points sit closer together than the dense ones.
pub fn smooth_along(smoother: Smoother, weight: f64, x: &[f64], y: &[f64], step: f64) -> Vec<f64> {
    smooth_pieces(weight, x, y, |xs, ys| match smoother {
        Smoother::Ema | Smoother::EmaSpaced => ema_spaced_by(weight, xs, ys, step),
        Smoother::Gaussian => gaussian_by(weight, xs, ys, step.min(typical_step(xs))),
    })
}

/// Applies `run` to each stretch of [`forward_pieces`].
fn smooth_pieces(
    weight: f64,
    x: &[f64],
    y: &[f64],
    run: impl Fn(&[f64], &[f64]) -> Vec<f64>,
) -> Vec<f64> {
    if weight <= 0.0 || x.len() != y.len() {
        return y.to_vec();
    }
    let pieces = forward_pieces(x);
    if pieces.len() == 1 {
        return run(x, y);
    }
    let mut out = Vec::with_capacity(y.len());
    for piece in pieces {
        let (xs, ys) = (&x[piece.clone()], &y[piece]);
        out.extend(run(xs, ys));
    }
    out
}

/// TensorBoard's `resmoothDataset`: `last = last·w + (1−w)·y`, divided by `1 − wⁿ` where `n`
/// counts the finite points so far; a constant series is returned as is. Once `1 − wⁿ` rounds to
/// exactly 1 it stays there, so `wⁿ` is no longer computed (same numbers, a million points in a few ms).
pub fn ema(weight: f64, y: &[f64]) -> Vec<f64> {
    if y.iter().all(|v| *v == y[0]) {
        return y.to_vec();
    }
    let mut state = Ema::new(weight);
    y.iter().map(|&v| state.next(v)).collect()
}

/// [`ema`] as it goes: what a series smoothed so far needs to smooth points appended to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ema {
    weight: f64,
    last: f64,
    n: f64,
    settled: bool,
}

impl Ema {
    pub fn new(weight: f64) -> Ema {
        Ema {
            weight,
            last: 0.0,
            n: 0.0,
            settled: weight == 1.0,
        }
    }

    /// The smoothed value of the next point (a non-finite one is passed through).
    pub fn next(&mut self, v: f64) -> f64 {
        if !v.is_finite() {
            return v;
        }
        self.last = self.last * self.weight + (1.0 - self.weight) * v;
        self.n += 1.0;
        if self.settled {
            return self.last;
        }
        let debias = 1.0 - self.weight.powf(self.n);
        self.settled = debias == 1.0;
        self.last / debias
    }
}

/// [`smooth`] with the EMA, and the EMA's state after the last point when points appended later
/// can continue it: x goes forward throughout (one stretch) and y is not constant.
pub fn ema_carried(weight: f64, x: &[f64], y: &[f64]) -> (Vec<f64>, Option<Ema>) {
    if !ema_carries(weight, x, y) {
        return (smooth(Smoother::Ema, weight, x, y), None);
    }
    let mut state = Ema::new(weight);
    let smoothed = y.iter().map(|&v| state.next(v)).collect();
    (smoothed, Some(state))
}

/// Whether [`ema_carried`] carries the EMA's state: the weight is positive, x and y are alike long,
/// y is not constant and x goes forward throughout. Its values are then those of one [`Ema`] fed
/// every y in turn, which a caller may do a part at a time.
pub fn ema_carries(weight: f64, x: &[f64], y: &[f64]) -> bool {
    let constant = y.iter().all(|v| *v == y[0]);
    let forward = !x
        .windows(2)
        .any(|w| crate::model::starts_session(w[0], w[1]));
    weight > 0.0 && x.len() == y.len() && !constant && forward
}

/// The EMA where a gap of `k` typical x steps decays by `wᵏ`; with even spacing it equals [`ema`].
pub fn ema_spaced(weight: f64, x: &[f64], y: &[f64]) -> Vec<f64> {
    ema_spaced_by(weight, x, y, typical_step(x))
}

/// [`ema_spaced`] with the typical step given.
fn ema_spaced_by(weight: f64, x: &[f64], y: &[f64], step: f64) -> Vec<f64> {
    let mut num = 0.0;
    let mut den = 0.0;
    let mut prev_x: Option<f64> = None;
    let (mut last_gap, mut decay) = (1.0, weight);
    y.iter()
        .zip(x)
        .map(|(&v, &xi)| {
            if !v.is_finite() {
                return v;
            }
            let gap = prev_x.map_or(1.0, |p| {
                let g = (xi - p) / step;
                if g.is_finite() && g > 0.0 {
                    g
                } else {
                    1.0
                }
            });
            prev_x = Some(xi);
            // Gaps repeat (often every one is 1): reuse the last power instead of recomputing it.
            if gap != last_gap {
                last_gap = gap;
                decay = weight.powf(gap);
            }
            num = num * decay + (1.0 - decay) * v;
            den = den * decay + (1.0 - decay);
            if den > 0.0 {
                num / den
            } else {
                v
            }
        })
        .collect()
}

/// A centred Gaussian in x with σ = w/(1−w) typical steps, cut at 3σ. Expects x not to decrease
/// (see [`smooth`]). Finite points closer than half a typical step share a bin (their mean x and
/// y, weighted by their count), so a pile of equal or nearly equal x costs one point: the cost is
/// O(n + bins·σ/step), σ at most 1,000 typical steps. Evenly spaced x (the usual case, one point
/// per bin) reads the kernel from a table instead of calling `exp` per pair.
pub fn gaussian(weight: f64, x: &[f64], y: &[f64]) -> Vec<f64> {
    gaussian_by(weight, x, y, typical_step(x))
}

/// [`gaussian`] with σ counted in steps of `step`.
fn gaussian_by(weight: f64, x: &[f64], y: &[f64], step: f64) -> Vec<f64> {
    let sigma = step * weight / (1.0 - weight).max(1e-3);
    let reach = 3.0 * sigma;
    let even = x
        .windows(2)
        .all(|w| ((w[1] - w[0]) - step).abs() <= 1e-9 * step);
    let kernel: Vec<f64> = if even {
        let k = (reach / step).floor() as usize;
        (0..=k)
            .map(|j| {
                let d = j as f64 * step / sigma;
                (-0.5 * d * d).exp()
            })
            .collect()
    } else {
        Vec::new()
    };
    let (bins, of) = bins(x, y, step / 2.0);
    let mut smoothed = Vec::with_capacity(bins.len());
    let (mut lo, mut hi) = (0, 0);
    for bin in &bins {
        while bin.x - bins[lo].x > reach {
            lo += 1;
        }
        while hi + 1 < bins.len() && bins[hi + 1].x - bin.x <= reach {
            hi += 1;
        }
        let (mut sum, mut total) = (0.0, 0.0);
        for other in &bins[lo..=hi] {
            let w = match kernel.get(((other.x - bin.x).abs() / step).round() as usize) {
                Some(w) => *w,
                None if even => 0.0,
                None => {
                    let d = (other.x - bin.x) / sigma;
                    (-0.5 * d * d).exp()
                }
            };
            sum += w * other.n * other.y;
            total += w * other.n;
        }
        smoothed.push(sum / total);
    }
    y.iter()
        .zip(of)
        .map(|(&v, b)| b.map_or(v, |b| smoothed[b]))
        .collect()
}

/// Finite points gathered in x order: the mean x and y of the points of one bin and how many.
struct Bin {
    x: f64,
    y: f64,
    n: f64,
}

/// The bins of the finite points (a bin spans less than `width` from its first point, or exactly
/// one x) and each point's bin (`None` for non-finite y).
fn bins(x: &[f64], y: &[f64], width: f64) -> (Vec<Bin>, Vec<Option<usize>>) {
    let mut bins: Vec<Bin> = Vec::new();
    let mut of = Vec::with_capacity(y.len());
    let mut start = f64::NAN;
    for (&xi, &yi) in x.iter().zip(y) {
        if !yi.is_finite() {
            of.push(None);
            continue;
        }
        match bins.last_mut() {
            Some(bin) if xi - start < width || xi == start => {
                bin.n += 1.0;
                bin.x += (xi - bin.x) / bin.n;
                bin.y += (yi - bin.y) / bin.n;
            }
            _ => {
                start = xi;
                bins.push(Bin {
                    x: xi,
                    y: yi,
                    n: 1.0,
                });
            }
        }
        of.push(Some(bins.len() - 1));
    }
    (bins, of)
}

/// Index ranges between the places where a new session starts by the model's one rule
/// ([`crate::model::starts_session`]: x goes back or repeats). A read drop's runs are spliced, so
/// this is one range for them; a series built by hand may still go back.
pub fn forward_pieces(x: &[f64]) -> Vec<std::ops::Range<usize>> {
    let bounds: Vec<usize> = std::iter::once(0)
        .chain(crate::model::restarts(x))
        .chain(std::iter::once(x.len()))
        .collect();
    bounds
        .windows(2)
        .map(|w| w[0]..w[1])
        .filter(|r| !r.is_empty())
        .collect()
}

/// The median positive gap between consecutive x values (1 when there is none).
pub fn typical_step(x: &[f64]) -> f64 {
    stats::typical_step(x).unwrap_or(1.0)
}
