//! "Train longer?": saturating curves fitted to the recent raw points, and what they project for
//! the next stretch of training, with an honest range.
//!
//! Three families, each linear in (c, a) once its shape parameter θ is fixed, so every θ of a grid
//! is one exact weighted least-squares fit (Huber's M-estimate by reweighting, with the window's own
//! noise as the residual scale, Huber 1964; least squares when the window has no noise):
//! - exponential decay to an asymptote `c + a·e^(−θ·t/span)`,
//! - power law `c + a·(x − x₀ + 1)^(−θ)`,
//! - inverse logarithm `c + a / ln(x − x₀ + e)`.
//!
//! The range is a 95% sieve-bootstrap interval (Bühlmann 1997, with an AR(1) sieve): the best
//! fit's residuals, centred and scaled up for the parameters the fit used, are regenerated as an
//! AR(1) process from their own innovations, so their autocorrelation is kept, added back onto
//! the best fit, and every family and shape is fitted again (refined like the best fit) to each
//! resample; the interval of the projected gain and the band of the drawn continuation are the
//! 2.5% and 97.5% quantiles over the refits (family and shape uncertainty
//! included). It always contains the best fit's own projection.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::levels::bin_evenly;
use super::trend::MAX_POINTS;

/// Fewer recent points than this and no curve is fitted.
pub const MIN_POINTS: usize = 5;
/// Shape grid size per family.
const GRID: usize = 48;
/// Exponential rates, in units of one window span: from nearly straight to fully flattened.
const EXP_RATE: (f64, f64) = (0.01, 30.0);
/// Power-law exponents.
const POWER: (f64, f64) = (0.02, 4.0);
/// Golden-section steps when refining the best shape parameter (each narrows by 0.618).
const REFINE_STEPS: usize = 30;
/// Points on the drawn continuation.
const CURVE_POINTS: usize = 32;
/// Bootstrap resamples for the range.
const RESAMPLES: usize = 64;
/// Each resample is fitted on at most this many points (bins of the window), to every shape of a
/// fine grid evaluated once for all resamples ([`Bases`]): the range needs many fits. Fine enough
/// that the grid does not bias the refits: unrefined 16-point grid fits shifted the whole range off
/// the best fit (the asymptote of an exponential moves with its rate) and left a 95% range covering
/// the true curve 39–95% of the time; 128 shapes per family cover as golden-section refinement
/// of each resample did (`make bench-forecast`), at a quarter of its cost.
const RESAMPLE_POINTS: usize = 64;
const RESAMPLE_GRID: usize = 128;
/// The residuals' lag-1 autocorrelation is kept below this (a nearly integrated residual series
/// says the curve family does not fit, not that the noise is that persistent).
const AR1_MAX: f64 = 0.9;
/// Parameters of one fit: level, amplitude and shape.
const FIT_PARAMETERS: f64 = 3.0;
/// The two-sided 95% interval's tails.
const TAIL: f64 = 0.025;
/// Huber's tuning constant (95% efficiency under Gaussian noise) and the reweighting steps of a
/// robust fit.
const HUBER_K: f64 = 1.345;
const HUBER_STEPS: usize = 8;

/// What the fitted curves say about continuing, in "lower is better" units of the series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outlook {
    /// The family of the best fit: `exponential`, `power` or `log`.
    pub family: Cow<'static, str>,
    /// How far ahead (in x units) the gain is projected.
    pub horizon: f64,
    /// Projected relative gain over the best value so far (0.03 = 3% better), best fit and range.
    pub gain: f64,
    pub gain_low: f64,
    pub gain_high: f64,
    /// The continuation: x, best fit, and the plausible range (lower-is-better units; the report
    /// carries it in the series' own units as its `projection`).
    #[serde(skip)]
    pub x: Vec<f64>,
    #[serde(skip)]
    pub mid: Vec<f64>,
    #[serde(skip)]
    pub low: Vec<f64>,
    #[serde(skip)]
    pub high: Vec<f64>,
}

#[derive(Clone, Copy)]
enum Family {
    Exponential,
    Power,
    Log,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::Exponential => "exponential",
            Family::Power => "power",
            Family::Log => "log",
        }
    }
}

#[derive(Clone, Copy)]
struct Fit {
    family: Family,
    theta: f64,
    c: f64,
    a: f64,
    sse: f64,
}

/// Where the curve's shape is anchored: the start of the series (power, log) and of the window (exponential).
#[derive(Clone, Copy)]
struct Frame {
    origin: f64,
    start: f64,
    span: f64,
}

impl Fit {
    fn at(&self, frame: Frame, x: f64) -> f64 {
        self.c + self.a * basis(self.family, self.theta, frame, x)
    }
}

fn basis(family: Family, theta: f64, f: Frame, x: f64) -> f64 {
    match family {
        Family::Exponential => (-theta * (x - f.start) / f.span).exp(),
        Family::Power => (x - f.origin + 1.0).max(1.0).powf(-theta),
        Family::Log => 1.0 / (x - f.origin + std::f64::consts::E).ln(),
    }
}

/// Fits the window (`x`, `y`, lower is better) and projects `horizon` x-units past its end.
/// `origin` is the first x of the whole series; `best` the best value seen so far; `floor` a
/// value the series cannot go below (0 for a loss): fits that cross it are not plausible.
pub fn project(
    x: &[f64],
    y: &[f64],
    origin: f64,
    horizon: f64,
    best: f64,
    floor: Option<f64>,
) -> Option<Outlook> {
    let binned = bin_evenly(x, y, MAX_POINTS);
    let (x, y) = (binned.x, binned.y);
    let m = x.len();
    if m < MIN_POINTS || !best.is_finite() || best == 0.0 {
        return None;
    }
    // Fitted in units of the window's largest magnitude, so that the sums of squares neither
    // overflow (values near 1e154 and above) nor underflow: the projection is the same whatever
    // unit the series was logged in. The unit is a power of two, so dividing by it and
    // multiplying back are exact: a series that fits unscaled is fitted bit for bit as before.
    let unit = binary_order(y.iter().map(|v| v.abs()).fold(0.0, f64::max));
    // The window's noise on the values as logged, so that its floor at the printed resolution
    // holds (divided by the unit, integers 97–100 no longer read as printed to 1e-6); an
    // overflowing second difference leaves no scale (least squares).
    let noise = super::levels::noise(&y)
        .map(|s| s / unit)
        .filter(|s| s.is_finite())
        .unwrap_or(0.0);
    let y: Vec<f64> = y.iter().map(|v| v / unit).collect();
    let (best, floor) = (best / unit, floor.map(|f| f / unit));
    // A best level some 1e308 times below the window's largest value is no scale for a gain.
    if !best.is_normal() {
        return None;
    }
    let (start, end) = (binned.start, binned.end);
    let frame = Frame {
        origin,
        start,
        span: (end - start).max(f64::MIN_POSITIVE),
    };
    let far = end + horizon;
    // Robust fits: Huber's M-estimate with the window's own point-to-point noise as the fixed
    // residual scale (from second differences, so neither the curve nor its outliers set it):
    // one wild evaluation does not bend the continuation away from where the points are.
    let best_fit = best_of(frame, &x, &y, far, floor, noise)?;
    let scale = best.abs();
    let future: Vec<f64> = (1..=CURVE_POINTS)
        .map(|i| end + horizon * i as f64 / CURVE_POINTS as f64)
        .collect();
    let gain_of = |f: &Fit| {
        let lowest = future
            .iter()
            .map(|&x| f.at(frame, x))
            .fold(f64::INFINITY, f64::min);
        (best - lowest) / scale
    };
    let refits = resample_fits(frame, &x, &y, &best_fit, far, floor);
    let mut gains: Vec<f64> = refits.iter().map(gain_of).collect();
    let (gain_low, gain_high) = interval(&mut gains);
    let gain = gain_of(&best_fit);
    let mut at: Vec<f64> = Vec::with_capacity(refits.len());
    let (mut low, mut high) = (Vec::new(), Vec::new());
    let mid: Vec<f64> = future.iter().map(|&x| best_fit.at(frame, x)).collect();
    for (&fx, &m) in future.iter().zip(&mid) {
        at.clear();
        at.extend(refits.iter().map(|f| f.at(frame, fx)));
        let (lo, hi) = interval(&mut at);
        low.push(lo.min(m));
        high.push(hi.max(m));
    }
    Some(Outlook {
        family: Cow::Borrowed(best_fit.family.name()),
        horizon,
        gain,
        gain_low: gain_low.min(gain),
        gain_high: gain_high.max(gain),
        mid: mid.into_iter().map(|v| v * unit).collect(),
        low: low.into_iter().map(|v| v * unit).collect(),
        high: high.into_iter().map(|v| v * unit).collect(),
        x: future,
    })
}

/// The largest power of two not above `v` (subnormal `v` included); 1 for 0, infinity or NaN.
fn binary_order(v: f64) -> f64 {
    if !(v > 0.0 && v.is_finite()) {
        return 1.0;
    }
    let bits = v.to_bits();
    let exponent = bits & 0x7ff0_0000_0000_0000;
    if exponent == 0 {
        // Subnormal: its highest set bit is the power of two.
        f64::from_bits(1 << (63 - bits.leading_zeros()))
    } else {
        f64::from_bits(exponent)
    }
}

/// The least-squares best among the exponential and power shapes on a [`GRID`] (the best of each
/// refined by [`REFINE_STEPS`] golden-section steps) and the log curve, leaving out fits that
/// cross `floor` by `far`.
fn best_of(
    frame: Frame,
    x: &[f64],
    y: &[f64],
    far: f64,
    floor: Option<f64>,
    scale: f64,
) -> Option<Fit> {
    let mut fits = Vec::with_capacity(2 * GRID + 3);
    for (family, range) in [(Family::Exponential, EXP_RATE), (Family::Power, POWER)] {
        let theta = |t: f64| range.0 * (range.1 / range.0).powf(t);
        let grid: Vec<Fit> = (0..GRID)
            .filter_map(|k| {
                fit(
                    family,
                    theta(k as f64 / (GRID - 1) as f64),
                    frame,
                    x,
                    y,
                    scale,
                )
            })
            .collect();
        fits.extend(refine(&grid, family, frame, x, y, scale));
        fits.extend(grid);
    }
    fits.extend(fit(Family::Log, 0.0, frame, x, y, scale));
    fits.into_iter()
        .filter(|f| floor.map_or(true, |floor| f.at(frame, far) >= floor))
        .min_by(|a, b| a.sse.total_cmp(&b.sse))
}

/// Sieve bootstrap refits (Bühlmann 1997) with an AR(1) sieve: the residuals of `best` as an
/// AR(1) process regenerated from their own innovations, so their autocorrelation is kept, drawn
/// with a fixed-seed generator (the same log gives the same range).
fn resample_fits(
    frame: Frame,
    x: &[f64],
    y: &[f64],
    best: &Fit,
    far: f64,
    floor: Option<f64>,
) -> Vec<Fit> {
    let binned = bin_evenly(x, y, RESAMPLE_POINTS);
    let (x, y) = (binned.x, binned.y);
    let m = x.len();
    if m < MIN_POINTS {
        return Vec::new();
    }
    let fitted: Vec<f64> = x.iter().map(|&v| best.at(frame, v)).collect();
    // Residuals of a least-squares fit are smaller than the errors they estimate by the degrees
    // of freedom its parameters took: centred and scaled by √(m / (m − p)), with p the fit's
    // level, amplitude and shape (the simple form of Davison & Hinkley's 1997 §6.2.3 modified
    // residuals, which scale each by √(1 − leverage)).
    // The robust fit's residuals enter as they are, outliers included, so the least-squares
    // refits' range is wider where the window has outliers than the M-estimate's own spread.
    let raw: Vec<f64> = y.iter().zip(&fitted).map(|(a, b)| a - b).collect();
    let centre = raw.iter().sum::<f64>() / m as f64;
    let inflate = (m as f64 / (m as f64 - FIT_PARAMETERS).max(1.0)).sqrt();
    let residuals: Vec<f64> = raw.iter().map(|r| (r - centre) * inflate).collect();
    let (rho, innovations) = ar1(&residuals);
    let bases = Bases::new(frame, &x, far);
    let mut rng = SplitMix(0x9e37_79b9_7f4a_7c15 ^ m as u64);
    let mut resampled = vec![0.0; m];
    (0..RESAMPLES)
        .filter_map(|_| {
            // Started from a drawn residual, each next one is ρ times the last plus a drawn
            // innovation.
            let mut r = residuals[rng.below(m)];
            for (out, f) in resampled.iter_mut().zip(&fitted) {
                r = rho * r + innovations[rng.below(innovations.len())];
                *out = f + r;
            }
            bases.best(&resampled, floor)
        })
        .collect()
}

/// Every shape of a fine grid (both families, and the log curve) evaluated once at the window's
/// points, centred, with its value at `far`: fitting a resample to one is then two sums, with no
/// exponential or power computed per resample.
struct Bases {
    shapes: Vec<Shape>,
}

struct Shape {
    family: Family,
    theta: f64,
    /// g(x) − mean g at the window's points, the mean, Σ (g − mean)², and g at `far`.
    centred: Vec<f64>,
    mean: f64,
    spread: f64,
    at_far: f64,
}

impl Bases {
    fn new(frame: Frame, x: &[f64], far: f64) -> Bases {
        let grid = RESAMPLE_GRID;
        let mut shapes = Vec::with_capacity(2 * grid + 1);
        let mut add = |family: Family, theta: f64| {
            let g: Vec<f64> = x.iter().map(|&v| basis(family, theta, frame, v)).collect();
            let mean = g.iter().sum::<f64>() / g.len() as f64;
            let centred: Vec<f64> = g.iter().map(|v| v - mean).collect();
            let spread: f64 = centred.iter().map(|v| v * v).sum();
            if spread > f64::EPSILON * mean.abs().max(1.0) * g.len() as f64 {
                shapes.push(Shape {
                    family,
                    theta,
                    centred,
                    mean,
                    spread,
                    at_far: basis(family, theta, frame, far),
                });
            }
        };
        for (family, range) in [(Family::Exponential, EXP_RATE), (Family::Power, POWER)] {
            for k in 0..grid {
                add(
                    family,
                    range.0 * (range.1 / range.0).powf(k as f64 / (grid - 1) as f64),
                );
            }
        }
        add(Family::Log, 0.0);
        Bases { shapes }
    }

    /// The least-squares best shape for `y`, leaving out fits that cross `floor` at `far`.
    fn best(&self, y: &[f64], floor: Option<f64>) -> Option<Fit> {
        let mean = y.iter().sum::<f64>() / y.len() as f64;
        let total: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
        self.shapes
            .iter()
            .filter_map(|s| {
                let cross: f64 = s.centred.iter().zip(y).map(|(g, v)| g * v).sum();
                let a = cross / s.spread;
                let c = mean - a * s.mean;
                let fit = Fit {
                    family: s.family,
                    theta: s.theta,
                    c,
                    a,
                    // The residual sum of squares of a least-squares line in g.
                    sse: (total - a * cross).max(0.0),
                };
                floor
                    .map_or(true, |floor| c + a * s.at_far >= floor)
                    .then_some(fit)
            })
            .min_by(|a, b| a.sse.total_cmp(&b.sse))
    }
}

/// The residuals as an AR(1) process: the lag-1 autocorrelation (Yule–Walker, with Kendall's
/// 1954 small-sample bias −(1 + 3ρ)/m added back, kept within [0, 0.9]) and the centred
/// innovations `r[t] − ρ·r[t−1]`.
fn ar1(r: &[f64]) -> (f64, Vec<f64>) {
    let m = r.len() as f64;
    // On residuals scaled to at most 1 (ρ does not depend on scale): squares of values near the
    // largest float would overflow, and a NaN ρ would make every resample NaN.
    let top = r.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let unit = |v: f64| {
        if top > 0.0 && top.is_finite() {
            v / top
        } else {
            0.0
        }
    };
    let r0: f64 = r.iter().map(|&v| unit(v) * unit(v)).sum();
    let r1: f64 = r.windows(2).map(|w| unit(w[0]) * unit(w[1])).sum();
    let raw = r1 / r0;
    let rho = if raw.is_finite() {
        (raw + (1.0 + 3.0 * raw) / m).clamp(0.0, AR1_MAX)
    } else {
        0.0
    };
    let e: Vec<f64> = r.windows(2).map(|w| w[1] - rho * w[0]).collect();
    let centre = e.iter().sum::<f64>() / e.len().max(1) as f64;
    (rho, e.into_iter().map(|v| v - centre).collect())
}

/// The 2.5% and 97.5% quantiles (nearest rank) of the finite values; reorders `v`.
fn interval(v: &mut [f64]) -> (f64, f64) {
    let mut n = 0;
    for i in 0..v.len() {
        if v[i].is_finite() {
            v.swap(n, i);
            n += 1;
        }
    }
    let v = &mut v[..n];
    if v.is_empty() {
        return (f64::INFINITY, f64::NEG_INFINITY);
    }
    v.sort_unstable_by(f64::total_cmp);
    let at = |q: f64| v[((q * (n - 1) as f64).round() as usize).min(n - 1)];
    (at(TAIL), at(1.0 - TAIL))
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small deterministic generator for the resampling.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A draw from 0..n (n > 0; the modulo bias is below 2⁻⁵⁰ for the n used here).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Golden-section search of the shape parameter (in log space) between the neighbours of the
/// best grid fit, so the best fit does not depend on the grid's spacing.
fn refine(
    grid: &[Fit],
    family: Family,
    frame: Frame,
    x: &[f64],
    y: &[f64],
    scale: f64,
) -> Option<Fit> {
    let k = (0..grid.len()).min_by(|&a, &b| grid[a].sse.total_cmp(&grid[b].sse))?;
    let (mut lo, mut hi) = (
        grid[k.saturating_sub(1)].theta.ln(),
        grid[(k + 1).min(grid.len() - 1)].theta.ln(),
    );
    let sse = |t: f64| fit(family, t.exp(), frame, x, y, scale).map_or(f64::INFINITY, |f| f.sse);
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    // Each step keeps one inner point (the golden ratio puts it where the next step needs it)
    // and fits only the other.
    let (mut a, mut b) = (hi - ratio * (hi - lo), lo + ratio * (hi - lo));
    let (mut fa, mut fb) = (sse(a), sse(b));
    for _ in 0..REFINE_STEPS {
        if fa < fb {
            (hi, b, fb) = (b, a, fa);
            a = hi - ratio * (hi - lo);
            fa = sse(a);
        } else {
            (lo, a, fa) = (a, b, fb);
            b = lo + ratio * (hi - lo);
            fb = sse(b);
        }
    }
    fit(family, ((lo + hi) / 2.0).exp(), frame, x, y, scale)
}

/// `y = c + a·g(x)` for one shape; `None` when the basis is constant. With `scale` 0, least
/// squares; above 0, Huber's M-estimate with that fixed residual scale (iteratively reweighted
/// least squares from the least-squares start), and `sse` is then Σ ρ(r/scale)·scale², which is
/// the sum of squares for residuals within [`HUBER_K`] scales.
fn fit(family: Family, theta: f64, frame: Frame, x: &[f64], y: &[f64], scale: f64) -> Option<Fit> {
    let g: Vec<f64> = x.iter().map(|&x| basis(family, theta, frame, x)).collect();
    let n = g.len() as f64;
    let gm = g.iter().sum::<f64>() / n;
    let sgg: f64 = g.iter().map(|v| (v - gm).powi(2)).sum();
    if sgg <= f64::EPSILON * gm.abs().max(1.0) * n {
        return None;
    }
    let mut w = vec![1.0; g.len()];
    let (mut a, mut c) = (0.0, 0.0);
    let cut = HUBER_K * scale;
    for _ in 0..if cut > 0.0 { HUBER_STEPS } else { 1 } {
        let sw: f64 = w.iter().sum();
        let gm = g.iter().zip(&w).map(|(v, w)| v * w).sum::<f64>() / sw;
        let ym = y.iter().zip(&w).map(|(v, w)| v * w).sum::<f64>() / sw;
        let sgg: f64 = g.iter().zip(&w).map(|(v, w)| w * (v - gm).powi(2)).sum();
        if sgg.is_nan() || sgg <= 0.0 {
            return None;
        }
        let sgy: f64 = g
            .iter()
            .zip(y)
            .zip(&w)
            .map(|((a, b), w)| w * (a - gm) * (b - ym))
            .sum();
        a = sgy / sgg;
        c = ym - a * gm;
        for ((wv, gv), yv) in w.iter_mut().zip(&g).zip(y) {
            let r = (yv - c - a * gv).abs();
            *wv = if r <= cut { 1.0 } else { cut / r };
        }
    }
    let sse = g
        .iter()
        .zip(y)
        .map(|(gv, yv)| {
            let r = (yv - c - a * gv).abs();
            if cut > 0.0 && r > cut {
                2.0 * cut * r - cut * cut
            } else {
                r * r
            }
        })
        .sum();
    Some(Fit {
        family,
        theta,
        c,
        a,
        sse,
    })
}
