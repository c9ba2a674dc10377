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
    interpolated(v, i, pos - i as f64)
}

/// [`quantile`] of `v` at each of `qs`, the same values: a long `v` is read about once rather than
/// selected in once per quantile. A sample of `v` (every so many values) brackets each wanted
/// order statistic; one pass counts the values below each bracket and keeps those in it, and the
/// statistic is selected among those kept. A bracket that misses (a sample can, of values in an
/// adversarial order) selects in all of `v` instead. Reorders `v`, which must not be empty.
pub fn quantiles<const K: usize>(v: &mut [f64], qs: [f64; K]) -> [f64; K] {
    let n = v.len();
    if n < 16 * SAMPLE {
        return qs.map(|q| quantile(v, q));
    }
    let stride = n / SAMPLE;
    let mut sample: Vec<f64> = v.iter().copied().step_by(stride).collect();
    let s = sample.len();
    // The order statistics wanted (the lower one of each pair interpolated between) and, for
    // each, the range of keys its bracket holds.
    let brackets = qs.map(|q| {
        let pos = (n - 1) as f64 * q;
        let i = pos.floor() as usize;
        // The sample rank of statistic `i`, give or take four standard errors.
        let at = i as f64 * s as f64 / n as f64;
        let margin = 4.0 * (s as f64 * q * (1.0 - q)).sqrt() + 2.0;
        let lo = (at - margin).floor();
        let hi = (at + margin).ceil() + 1.0;
        let mut key = |rank: f64| {
            order_key(
                *sample
                    .select_nth_unstable_by(rank as usize, f64::total_cmp)
                    .1,
            )
        };
        let lo = if lo < 0.0 { i64::MIN } else { key(lo) };
        let hi = if hi >= s as f64 { i64::MAX } else { key(hi) };
        (pos, i, lo, hi)
    });
    let mut below = [0usize; K];
    let mut kept: [Vec<f64>; K] = std::array::from_fn(|_| Vec::new());
    for &x in v.iter() {
        let k = order_key(x);
        for (b, &(_, _, lo, hi)) in brackets.iter().enumerate() {
            if k < lo {
                below[b] += 1;
            } else if k <= hi {
                kept[b].push(x);
            }
        }
    }
    let mut out = [0.0; K];
    for (b, &(pos, i, _, _)) in brackets.iter().enumerate() {
        let within = kept[b].len();
        // Statistic `i`, and `i + 1` when it is interpolated towards, must lie in the bracket.
        let needed = i + usize::from(pos != i as f64 && i + 1 < n);
        out[b] = if below[b] <= i && needed < below[b] + within {
            interpolated(&mut kept[b], i - below[b], pos - i as f64)
        } else {
            quantile(v, qs[b])
        };
    }
    out
}

/// Values sampled per [`quantiles`] bracket search.
const SAMPLE: usize = 1024;

/// `f64::total_cmp`'s order as an integer's.
fn order_key(v: f64) -> i64 {
    let bits = v.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// The order statistic `i` of `v`, moved `fraction` of the way to the next one (when there is
/// one); reorders `v`.
fn interpolated(v: &mut [f64], i: usize, fraction: f64) -> f64 {
    let lo = *v.select_nth_unstable_by(i, f64::total_cmp).1;
    if i + 1 >= v.len() || fraction == 0.0 {
        return lo;
    }
    let hi = v[i + 1..].iter().copied().fold(f64::INFINITY, f64::min);
    lo + (hi - lo) * fraction
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
