//! The order statistics every part shares: the median, quantiles, the robust spread of a series'
//! steps, and the usual gap between x values. Each selects in O(n) and reorders its input; none
//! sorts a copy. And the one sort of positions by a float key every part uses.

/// The factor from a median absolute deviation to a normal standard deviation.
pub const MAD_TO_SD: f64 = 1.4826;

/// The median (the mean of the middle two for an even count); reorders `v`. `None` when empty.
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
    Some(midpoint(lower, upper))
}

/// Halfway between `a` and `b`, without overflowing to infinity for values near ±f64::MAX.
pub fn midpoint(a: f64, b: f64) -> f64 {
    let m = (a + b) / 2.0;
    if m.is_finite() {
        m
    } else {
        a / 2.0 + b / 2.0
    }
}

/// The finite values of a window sliding along a series, kept sorted: each step inserts and
/// removes one value, found by a linear scan (the window is short, and moving the values after it
/// costs as much), and the median is read off the middle.
pub struct SortedWindow {
    sorted: Vec<f64>,
}

impl SortedWindow {
    pub fn new(window: usize) -> SortedWindow {
        SortedWindow {
            sorted: Vec::with_capacity(window + 1),
        }
    }

    /// Adds `v` when it is finite. (Only finite values are held, so plain comparisons order them.)
    pub fn insert(&mut self, v: f64) {
        if v.is_finite() {
            let at = self
                .sorted
                .iter()
                .position(|&s| s >= v)
                .unwrap_or(self.sorted.len());
            self.sorted.insert(at, v);
        }
    }

    /// Takes out one value equal to `v` (nothing when `v` was not finite, so never inserted).
    pub fn remove(&mut self, v: f64) {
        if let Some(at) = self.sorted.iter().position(|&s| s == v) {
            self.sorted.remove(at);
        }
    }

    /// The median of the values in the window, as [`median`] gives it; `None` when empty.
    pub fn median(&self) -> Option<f64> {
        let m = self.sorted.len();
        match m {
            0 => None,
            _ if m % 2 == 1 => Some(self.sorted[m / 2]),
            _ => Some(midpoint(self.sorted[m / 2 - 1], self.sorted[m / 2])),
        }
    }
}

/// The `q` quantile (0 to 1) with linear interpolation between order statistics (R's type 7,
/// d3's `quantile`); reorders `v`, which must not be empty.
pub fn quantile(v: &mut [f64], q: f64) -> f64 {
    let pos = (v.len() - 1) as f64 * q;
    let i = pos.floor() as usize;
    let lo = *v.select_nth_unstable_by(i, f64::total_cmp).1;
    if i + 1 >= v.len() || pos == i as f64 {
        return lo;
    }
    let hi = v[i + 1..].iter().copied().fold(f64::INFINITY, f64::min);
    lo + (hi - lo) * (pos - i as f64)
}

/// The positions of `keyed` (a key and its position) in ascending key order by `f64::total_cmp`,
/// equal keys in position order: a stable sort of positions by key. Every such sort in the crate
/// goes through here, since each `sort_by` closure is another copy of the standard library's sort
/// in the page's module.
pub fn sorted_positions(mut keyed: Vec<(f64, usize)>) -> Vec<usize> {
    keyed.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The median positive gap between consecutive x values, if there is one.
pub fn typical_step(x: &[f64]) -> Option<f64> {
    let mut gaps: Vec<f64> = x
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|g| g.is_finite() && *g > 0.0)
        .collect();
    median(&mut gaps)
}
