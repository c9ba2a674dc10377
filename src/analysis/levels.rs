//! Levels instead of extremes: a series' robust level (running median), its own noise (from
//! point-to-point differences, so a trend does not count as noise), the resolution its values were
//! printed with (a loss printed with 4 decimals cannot tell 0.0001 from 0.0002), and per-step
//! series binned onto the cadence of the evaluations (mean per bin, min/max and non-finite counts
//! kept), so that training and validation are compared at the same resolution.

use crate::stats::{median, SortedWindow, MAD_TO_SD};

/// Scale of the median absolute deviation that makes it a standard deviation for Gaussian noise.
/// The most decimals looked for when reading the printed resolution; values needing more were
/// written as full floats and have no resolution worth a floor.
const MAX_DECIMALS: i32 = 8;

/// The printed resolution 10^−d for the fewest decimals d ≤ 8 that write every finite value
/// exactly (within a relative 10⁻⁶, so values stored as f32 still count), or `None`
/// (full-precision floats, or no finite values). A value that rounds to 0 at d decimals is not
/// written exactly unless it is 0. O(n) per candidate d.
pub fn resolution(y: &[f64]) -> Option<f64> {
    if !y.iter().any(|v| v.is_finite()) {
        return None;
    }
    (0..=MAX_DECIMALS).find_map(|d| {
        let scale = 10f64.powi(d);
        y.iter()
            .filter(|v| v.is_finite())
            .all(|v| {
                let s = v * scale;
                (s - s.round()).abs() <= 1e-6 * s.abs()
            })
            .then(|| 10f64.powi(-d))
    })
}

/// The series' own point-to-point noise as a standard deviation: 1.4826 × the median absolute
/// second difference / √6 (white noise of SD σ has second differences of SD √6·σ, while a
/// smooth trend, even a steep or curving one, barely moves them), never below the printed
/// resolution. `None` with fewer than three finite points.
pub fn noise(y: &[f64]) -> Option<f64> {
    let mut finite = y.iter().copied().filter(|v| v.is_finite());
    let (mut a, mut b) = (finite.next()?, finite.next()?);
    let mut second = Vec::with_capacity(y.len() - 2);
    for c in finite {
        second.push((c - 2.0 * b + a).abs());
        (a, b) = (b, c);
    }
    let sd = MAD_TO_SD * median(&mut second)? / 6f64.sqrt();
    Some(sd.max(resolution(y).unwrap_or(0.0)))
}

/// [`noise`] over the whole series or its recent half, whichever is calmer: second differences
/// overstate the noise wherever the curve bends (over the whole series the early fall inflates
/// them, over the recent half a late turn does); both are upper bounds, the smaller is the
/// tighter.
pub fn calm_noise(y: &[f64]) -> Option<f64> {
    [noise(y), noise(&y[y.len() / 2..])]
        .into_iter()
        .flatten()
        .reduce(f64::min)
}

/// The centred running median of `window` (odd) points at every index, over the finite points
/// available near the edges; NaN where a window holds no finite point. One sorted window slides
/// along the series: O(n · window) memory moves of a few values, no per-point selection, and
/// nothing stored (each median is made as it is asked for).
pub fn running_median(y: &[f64], window: usize) -> impl Iterator<Item = f64> + '_ {
    let half = window / 2;
    let mut sorted = SortedWindow::new(window);
    y.iter().take(half).for_each(|&v| sorted.insert(v));
    (0..y.len()).map(move |i| {
        if let Some(&v) = y.get(i + half) {
            sorted.insert(v);
        }
        if let Some(&old) = i.checked_sub(half + 1).map(|j| &y[j]) {
            sorted.remove(old);
        }
        sorted.median().unwrap_or(f64::NAN)
    })
}

/// The lowest level (running median of `window` points) and its index.
pub fn best_level(y: &[f64], window: usize) -> Option<(usize, f64)> {
    running_median(y, window)
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// The level at the end: the median of the last `window` finite points.
pub fn end_level(y: &[f64], window: usize) -> Option<f64> {
    let mut tail: Vec<f64> = y
        .iter()
        .rev()
        .copied()
        .filter(|v| v.is_finite())
        .take(window)
        .collect();
    median(&mut tail)
}

/// A dense series summarised per bin.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Binned {
    /// Each bin's last x.
    pub x: Vec<f64>,
    /// Mean of the bin's finite values (NaN when it has none).
    pub mean: Vec<f64>,
    pub min: Vec<f64>,
    pub max: Vec<f64>,
    /// How many finite values each bin's mean averages.
    pub count: Vec<usize>,
    /// How many non-finite values the bin held.
    pub non_finite: Vec<usize>,
}

/// Bins `(x, y)` at the `edges` (ascending): bin i holds the points with edges[i−1] < x ≤
/// edges[i] and sits at x = edges[i]; points after the last edge form one more bin at their last
/// x. Edges without points make no bin. One pass, O(n + edges).
pub fn bin_at(x: &[f64], y: &[f64], edges: &[f64]) -> Binned {
    #[derive(Clone, Copy)]
    struct Acc {
        last_x: f64,
        sum: f64,
        count: usize,
        lo: f64,
        hi: f64,
        bad: usize,
    }
    let mut out = Binned::default();
    let flush = |out: &mut Binned, acc: Option<Acc>, at: f64| {
        if let Some(a) = acc {
            out.x.push(at);
            out.mean.push(if a.count > 0 {
                a.sum / a.count as f64
            } else {
                f64::NAN
            });
            out.min.push(a.lo);
            out.max.push(a.hi);
            out.count.push(a.count);
            out.non_finite.push(a.bad);
        }
    };
    let mut edge = 0;
    let mut acc: Option<Acc> = None;
    for (&xi, &yi) in x.iter().zip(y) {
        while edge < edges.len() && xi > edges[edge] {
            flush(&mut out, acc.take(), edges[edge]);
            edge += 1;
        }
        let a = acc.get_or_insert(Acc {
            last_x: xi,
            sum: 0.0,
            count: 0,
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            bad: 0,
        });
        a.last_x = xi;
        if yi.is_finite() {
            a.sum += yi;
            a.count += 1;
            a.lo = a.lo.min(yi);
            a.hi = a.hi.max(yi);
        } else {
            a.bad += 1;
        }
    }
    let at = edges.get(edge).copied();
    let last = acc.map(|a| at.unwrap_or(a.last_x));
    flush(&mut out, acc, last.unwrap_or(f64::NAN));
    out
}

/// The mean of finite values, also where their sum would overflow (values near the largest float).
fn mean(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let sum: f64 = v.iter().sum();
    if sum.is_finite() {
        sum / n
    } else {
        v.iter().map(|x| x / n).sum()
    }
}

/// At most `bins` equal-count bins of a long series: each bin at the mean x of its finite points
/// with the mean of their values (replaces keeping every k-th point, which lets a single noisy step
/// stand for its neighbours; a bin placed at its last x would sit half a bin ahead of the values it
/// averages, so a fit through the bins lags a falling curve). Series of at most `bins` points come
/// back unchanged (minus non-finite points).
pub fn bin_evenly(x: &[f64], y: &[f64], bins: usize) -> Window {
    let n = x.len().min(y.len());
    let size = n.div_ceil(bins.max(1)).max(1);
    // Bins are aligned to the end, so the last point always closes the last bin.
    let first = n % size;
    let mut starts: Vec<usize> = Vec::with_capacity(bins + 1);
    if first > 0 {
        starts.push(0);
    }
    starts.extend((first..n).step_by(size));
    let finite = |i: &usize| x[*i].is_finite() && y[*i].is_finite();
    let (bx, by) = starts
        .iter()
        .enumerate()
        .filter_map(|(k, &s)| {
            let e = starts.get(k + 1).copied().unwrap_or(n);
            let (px, py): (Vec<f64>, Vec<f64>) =
                (s..e).filter(finite).map(|i| (x[i], y[i])).unzip();
            // Kept within the bin's x range: the mean of equal x's is off by rounding (three
            // 0.1s average to 0.10000000000000002), a near-zero dx for Theil–Sen.
            let (lo, hi) = px
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                    (l.min(v), h.max(v))
                });
            (lo <= hi).then(|| (mean(&px).clamp(lo, hi), mean(&py)))
        })
        .unzip();
    Window {
        x: bx,
        y: by,
        start: (0..n).find(finite).map_or(f64::NAN, |i| x[i]),
        end: (0..n).rev().find(finite).map_or(f64::NAN, |i| x[i]),
    }
}

/// A binned window: its bins, and the x of its first and last finite points (where the window
/// starts and ends, which the outer bins' centres do not reach).
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub start: f64,
    pub end: f64,
}
