//! Fewer points, same picture: at most two points (the minimum and the maximum) per pixel column,
//! so a spike one sample wide survives at every zoom.

/// The line pieces to draw for `(x, y)` over `x0..=x1` on `columns` pixel columns. A piece ends where
/// x goes backwards (a restarted run is never drawn as a zig-zag) or where `keep(y)` is false
/// (NaN, or a non-positive value on a log axis). One point either side of the range is kept so
/// lines run to the plot's edges.
pub fn pieces(
    x: &[f64],
    y: &[f64],
    (x0, x1): (f64, f64),
    columns: usize,
    keep: impl Fn(f64) -> bool,
) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let flush = |current: &mut Vec<usize>, out: &mut Vec<Vec<(f64, f64)>>| {
        if !current.is_empty() {
            out.push(min_max(x, y, current, (x0, x1), columns));
            current.clear();
        }
    };
    for i in 0..x.len().min(y.len()) {
        let backwards = i > 0 && x[i] < x[i - 1];
        if backwards || !keep(y[i]) || !x[i].is_finite() {
            flush(&mut current, &mut out);
            if !keep(y[i]) || !x[i].is_finite() {
                continue;
            }
        }
        let before = x[i] < x0 && x.get(i + 1).is_some_and(|n| *n < x0);
        let after = x[i] > x1 && i > 0 && x[i - 1] > x1;
        if !before && !after {
            current.push(i);
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Per pixel column, the lowest and the highest point in x order; points outside the range keep
/// their own column so the edges stay exact.
fn min_max(
    x: &[f64],
    y: &[f64],
    indices: &[usize],
    (x0, x1): (f64, f64),
    columns: usize,
) -> Vec<(f64, f64)> {
    if indices.len() <= 2 * columns.max(1) {
        return indices.iter().map(|&i| (x[i], y[i])).collect();
    }
    let per_x = columns as f64 / (x1 - x0).max(f64::MIN_POSITIVE);
    let column = |i: usize| ((x[i] - x0) * per_x).floor() as i64;
    let mut out = Vec::with_capacity(2 * columns + 4);
    let mut k = 0;
    while k < indices.len() {
        let col = column(indices[k]);
        let (mut lo, mut hi) = (indices[k], indices[k]);
        let mut end = k + 1;
        while end < indices.len() && column(indices[end]) == col {
            let i = indices[end];
            if y[i] < y[lo] {
                lo = i;
            }
            if y[i] > y[hi] {
                hi = i;
            }
            end += 1;
        }
        let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        out.push((x[a], y[a]));
        if b != a {
            out.push((x[b], y[b]));
        }
        k = end;
    }
    out
}
