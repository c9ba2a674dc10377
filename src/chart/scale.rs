//! The y-range of a panel: everything drawn, or the 5th–95th percentile ("ignore outliers", as
//! TensorBoard), padded; on a log axis only positive values count.

/// A padded `(low, high)` covering `values`; `(0, 1)` (or `(0.1, 1)` on a log axis) when there is nothing.
pub fn y_range(values: &[f64], ignore_outliers: bool, log: bool) -> (f64, f64) {
    let mut v: Vec<f64> = values
        .iter()
        .copied()
        .filter(|y| y.is_finite() && (!log || *y > 0.0))
        .collect();
    if v.is_empty() {
        return if log { (0.1, 1.0) } else { (0.0, 1.0) };
    }
    let (lo, hi) = if ignore_outliers && v.len() >= 10 {
        (quantile(&mut v, 0.05), quantile(&mut v, 0.95))
    } else {
        v.iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
                (a.min(*y), b.max(*y))
            })
    };
    if log {
        let (a, b) = (lo.log10(), hi.log10());
        let pad = ((b - a) * 0.05).max(0.05);
        let (lo, hi) = (10f64.powf(a - pad), 10f64.powf(b + pad));
        (
            lo.clamp(1.0 / AXIS_LIMIT, AXIS_LIMIT),
            hi.clamp(1.0 / AXIS_LIMIT, AXIS_LIMIT),
        )
    } else {
        let pad = ((hi - lo) * 0.05)
            .max(hi.abs().max(lo.abs()) * 0.01)
            .max(1e-12);
        (finite_axis(lo - pad), finite_axis(hi + pad))
    }
}

/// Largest magnitude an axis reaches (and, on a log axis, the inverse of its smallest): values
/// near the largest float (a diverged run, a damaged link) would otherwise make the axis's width,
/// padding or ticks overflow, and plotters' log mesh never finished (found by `make fuzz`); 1e200
/// is far beyond any real curve and leaves plotters room for its own arithmetic.
const AXIS_LIMIT: f64 = 1e200;

/// `v` within ±[`AXIS_LIMIT`].
fn finite_axis(v: f64) -> f64 {
    v.clamp(-AXIS_LIMIT, AXIS_LIMIT)
}

/// The `q` quantile with linear interpolation between order statistics (d3's `quantile`).
pub fn quantile(v: &mut [f64], q: f64) -> f64 {
    let pos = (v.len() - 1) as f64 * q;
    let i = pos.floor() as usize;
    let lo = *v.select_nth_unstable_by(i, f64::total_cmp).1;
    if i + 1 >= v.len() {
        return lo;
    }
    let hi = v[i + 1..].iter().copied().fold(f64::INFINITY, f64::min);
    lo + (hi - lo) * (pos - i as f64)
}

/// A padded `(low, high)` for the x values, widened when they are all equal.
pub fn x_range(lo: f64, hi: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        (0.0, 1.0)
    } else if hi <= lo {
        (finite_axis(lo - 0.5), finite_axis(hi + 0.5))
    } else {
        (finite_axis(lo), finite_axis(hi))
    }
}
