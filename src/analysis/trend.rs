//! Is the recent curve still moving? Mann–Kendall on the raw points (its variance with the ties
//! term, since logs print few decimals), the Theil–Sen slope, and Hamed & Rao's (1998) correction
//! of the variance for autocorrelation: the significant lags of the autocorrelation of the ranks of
//! the detrended series (neighbouring epochs are not independent draws, so an uncorrected test
//! finds "trends" in wandering noise). Pinned against `pymannkendall` 1.4.3 in
//! tests/analysis_statistics.rs.

use serde::{Deserialize, Serialize};

use super::levels::bin_evenly;
use super::verdict::Orientation;
use crate::stats::{median, sorted_positions, SortedWindow, MAD_TO_SD};

/// At most this many points enter the pairwise (O(m²)) statistics; longer windows are binned
/// evenly (mean per bin, [`super::levels::bin_evenly`]).
pub const MAX_POINTS: usize = 512;
/// Two-sided significance level of the trend test.
pub const ALPHA: f64 = 0.05;

/// The trend of one window of raw points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// First and last x of the window.
    pub start: f64,
    pub end: f64,
    /// Points the statistics used (after thinning).
    pub points: usize,
    /// Mann–Kendall statistic S and its normal score after the autocorrelation correction.
    pub s: f64,
    pub z: f64,
    /// Two-sided p-value of "no monotone trend".
    pub p: f64,
    /// Theil–Sen slope (change of y per unit of x) and the line's value at `end`.
    pub slope: f64,
    pub level: f64,
    /// Hamed–Rao variance inflation n/n* (1 = no autocorrelation; above 1 = fewer effective points).
    pub autocorrelation: f64,
    /// Robust standard deviation of those residuals (1.4826 × MAD).
    pub noise: f64,
}

impl Trend {
    /// Whether the window moves monotonically at the chosen significance level.
    pub fn significant(&self) -> bool {
        self.p < ALPHA
    }

    /// The same trend in the series' own units (a lower-is-better view of an accuracy turned
    /// back into accuracy).
    pub fn own(self, o: Orientation) -> Trend {
        let sign = o.sign();
        Trend {
            s: sign * self.s,
            z: sign * self.z,
            slope: sign * o.scale() * self.slope,
            level: o.from(self.level),
            noise: o.scale() * self.noise,
            ..self
        }
    }

    /// How far the fitted line travels across the window.
    pub fn change(&self) -> f64 {
        self.slope * (self.end - self.start)
    }
}

/// The trend of the finite points of a window; `None` with fewer than three.
pub fn trend(x: &[f64], y: &[f64]) -> Option<Trend> {
    let binned = bin_evenly(x, y, MAX_POINTS);
    let (x, y) = (binned.x, binned.y);
    let m = x.len();
    if m < 3 {
        return None;
    }
    let mut s: f64 = 0.0;
    let mut slopes = Vec::with_capacity(m * (m - 1) / 2);
    for i in 0..m {
        for j in i + 1..m {
            let dy = y[j] - y[i];
            s += if dy > 0.0 {
                1.0
            } else if dy < 0.0 {
                -1.0
            } else {
                0.0
            };
            let dx = x[j] - x[i];
            if dx != 0.0 {
                slopes.push(dy / dx);
            }
        }
    }
    let slope = median(&mut slopes)?;
    let mut offsets: Vec<f64> = x.iter().zip(&y).map(|(a, b)| b - slope * a).collect();
    let intercept = median(&mut offsets)?;
    let residuals: Vec<f64> = x
        .iter()
        .zip(&y)
        .map(|(a, b)| b - intercept - slope * a)
        .collect();
    let mut deviations: Vec<f64> = residuals.iter().map(|r| r.abs()).collect();
    let noise = MAD_TO_SD * median(&mut deviations)?;
    let variance = ties_variance(&y);
    let inflation = hamed_rao(&residuals);
    let z = z_score(s, variance * inflation);
    let p = libm::erfc(z.abs() / std::f64::consts::SQRT_2);
    let (start, end) = (binned.start, binned.end);
    Some(Trend {
        start,
        end,
        points: m,
        s,
        z,
        p,
        slope,
        level: intercept + slope * end,
        autocorrelation: inflation,
        noise,
    })
}

/// For each index, the median of the finite values among the `window` points before it (`None`
/// when there are none). One sorted window slides along the series: O(n · window) memory moves
/// of a few values, no per-point sorting, and nothing stored.
pub fn trailing_medians(y: &[f64], window: usize) -> impl Iterator<Item = Option<f64>> + '_ {
    let mut sorted = SortedWindow::new(window);
    y.iter().enumerate().map(move |(i, &v)| {
        let before = sorted.median();
        sorted.insert(v);
        if let Some(&old) = i.checked_sub(window).and_then(|j| y.get(j)) {
            sorted.remove(old);
        }
        before
    })
}

/// Var(S) of Mann–Kendall with the ties term: (n(n−1)(2n+5) − Σ t(t−1)(2t+5)) / 18 over groups of
/// t equal values. O(n log n).
pub fn ties_variance(y: &[f64]) -> f64 {
    let mut sorted = y.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let term = |t: f64| t * (t - 1.0) * (2.0 * t + 5.0);
    let ties: f64 = sorted
        .chunk_by(|a, b| a == b)
        .map(|g| term(g.len() as f64))
        .sum();
    (term(y.len() as f64) - ties) / 18.0
}

/// The normal score of S with the continuity correction.
pub fn z_score(s: f64, variance: f64) -> f64 {
    if s == 0.0 || variance <= 0.0 {
        0.0
    } else {
        (s - s.signum()) / variance.sqrt()
    }
}

/// Hamed & Rao's (1998) factor n/n* = 1 + 2/(n(n−1)(n−2)) · Σ (n−i)(n−i−1)(n−i−2) ρᵢ over the lags
/// i whose autocorrelation ρᵢ of the ranks of the detrended series lies outside ±z₀.₉₇₅/√n (as
/// `pymannkendall.hamed_rao_modification_test` computes it). A factor below 1 (negative
/// autocorrelation, e.g. alternating noise) is read as 1: the correction may only make the test
/// more careful, never find trends in noise that the plain test would not. O(n²) on at most
/// [`MAX_POINTS`] points.
pub fn hamed_rao(detrended: &[f64]) -> f64 {
    let n = detrended.len();
    if n < 3 {
        return 1.0;
    }
    let ranks = ranks(detrended);
    let nf = n as f64;
    let mean = (nf + 1.0) / 2.0;
    let centred: Vec<f64> = ranks.iter().map(|r| r - mean).collect();
    let c0: f64 = centred.iter().map(|v| v * v).sum();
    if c0 == 0.0 {
        return 1.0;
    }
    let bound = 1.959_963_984_540_054 / nf.sqrt();
    let sum: f64 = (1..n)
        .filter_map(|lag| {
            let rho = centred[..n - lag]
                .iter()
                .zip(&centred[lag..])
                .map(|(a, b)| a * b)
                .sum::<f64>()
                / c0;
            let k = (n - lag) as f64;
            (rho.abs() > bound).then_some(k * (k - 1.0) * (k - 2.0) * rho)
        })
        .sum();
    (1.0 + 2.0 / (nf * (nf - 1.0) * (nf - 2.0)) * sum).max(1.0)
}

/// Ranks from 1, ties given their average rank.
fn ranks(v: &[f64]) -> Vec<f64> {
    let order = sorted_positions(v.iter().copied().zip(0..).collect());
    let mut out = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}
