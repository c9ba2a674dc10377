//! Is the recent curve still moving? Mann–Kendall on the raw points, the Theil–Sen slope, and a
//! correction of the test's variance for lag-1 autocorrelation (neighbouring epochs are not
//! independent draws, so an uncorrected test finds "trends" in wandering noise).

use serde::{Deserialize, Serialize};

/// At most this many points enter the pairwise (O(m²)) statistics; longer windows are thinned evenly.
pub const MAX_POINTS: usize = 512;
/// Two-sided significance level of the trend test.
pub const ALPHA: f64 = 0.05;
/// Scale of the median absolute deviation that makes it a standard deviation for Gaussian noise.
const MAD_TO_SD: f64 = 1.4826;

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
    /// Lag-1 autocorrelation of the residuals around the Theil–Sen line.
    pub autocorrelation: f64,
    /// Robust standard deviation of those residuals (1.4826 × MAD).
    pub noise: f64,
}

impl Trend {
    /// Whether the window moves monotonically at the chosen significance level.
    pub fn significant(&self) -> bool {
        self.p < ALPHA
    }

    /// The same trend for the series multiplied by `sign` (−1 turns a lower-is-better view of an
    /// accuracy back into accuracy units).
    pub fn scaled(self, sign: f64) -> Trend {
        Trend {
            s: sign * self.s,
            z: sign * self.z,
            slope: sign * self.slope,
            level: sign * self.level,
            ..self
        }
    }

    /// How far the fitted line travels across the window.
    pub fn change(&self) -> f64 {
        self.slope * (self.end - self.start)
    }
}

/// Keeps every k-th point so that at most [`MAX_POINTS`] remain (the last point is always kept).
pub fn thin(x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = x.len().min(y.len());
    let stride = n.div_ceil(MAX_POINTS).max(1);
    let first = n.saturating_sub(1) % stride;
    (first..n)
        .step_by(stride)
        .map(|i| (x[i], y[i]))
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .unzip()
}

/// The trend of the finite points of a window; `None` with fewer than three.
pub fn trend(x: &[f64], y: &[f64]) -> Option<Trend> {
    let (x, y) = thin(x, y);
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
    let r1 = lag1(&residuals);
    let mut deviations: Vec<f64> = residuals.iter().map(|r| r.abs()).collect();
    let noise = MAD_TO_SD * median(&mut deviations)?;
    let nf = m as f64;
    let variance = nf * (nf - 1.0) * (2.0 * nf + 5.0) / 18.0;
    // An AR(1) process with coefficient r carries (1 + r)/(1 − r) times the variance of white noise.
    let inflation = if r1 > 0.0 {
        ((1.0 + r1) / (1.0 - r1)).min(nf)
    } else {
        1.0
    };
    let z = if s == 0.0 {
        0.0
    } else {
        (s - s.signum()) / (variance * inflation).sqrt()
    };
    let p = libm::erfc(z.abs() / std::f64::consts::SQRT_2);
    let (start, end) = (x[0], x[m - 1]);
    Some(Trend {
        start,
        end,
        points: m,
        s,
        z,
        p,
        slope,
        level: intercept + slope * end,
        autocorrelation: r1,
        noise,
    })
}

/// The median (the mean of the middle two for an even count); reorders `v`.
pub fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    let (_, upper, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *upper;
    if v.len() % 2 == 1 {
        return Some(upper);
    }
    let lower = v[..mid].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some((lower + upper) / 2.0)
}

/// For each index, the median of the finite values among the `window` points before it (`None`
/// when there are none). One sorted window slides along the series: O(n · window) memory moves
/// of a few values, no per-point sorting.
pub fn trailing_medians(y: &[f64], window: usize) -> Vec<Option<f64>> {
    let mut sorted: Vec<f64> = Vec::with_capacity(window + 1);
    let mut out = Vec::with_capacity(y.len());
    for (i, &v) in y.iter().enumerate() {
        let m = sorted.len();
        out.push(match m {
            0 => None,
            _ if m % 2 == 1 => Some(sorted[m / 2]),
            _ => Some((sorted[m / 2 - 1] + sorted[m / 2]) / 2.0),
        });
        if v.is_finite() {
            let at = sorted.partition_point(|s| s.total_cmp(&v).is_lt());
            sorted.insert(at, v);
        }
        if let Some(&old) = i.checked_sub(window).and_then(|j| y.get(j)) {
            if let Ok(at) = sorted.binary_search_by(|s| s.total_cmp(&old)) {
                sorted.remove(at);
            }
        }
    }
    out
}

/// Lag-1 autocorrelation of a series (0 when it has no variance).
fn lag1(r: &[f64]) -> f64 {
    let n = r.len() as f64;
    let mean = r.iter().sum::<f64>() / n;
    let var: f64 = r.iter().map(|v| (v - mean).powi(2)).sum();
    if var == 0.0 {
        return 0.0;
    }
    let cov: f64 = r.windows(2).map(|w| (w[0] - mean) * (w[1] - mean)).sum();
    cov / var
}
