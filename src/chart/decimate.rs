//! Fewer points, same picture: at most two points (the minimum and the maximum, in x order) per
//! pixel column, so a spike one sample wide survives at every zoom. One pass, no index buffers:
//! a million points take a few milliseconds.

/// The line pieces to draw for `(x, y)` over `x0..=x1` on `columns` pixel columns. A piece ends where
/// a new session starts by [`crate::model::starts_session`] (never drawn as a zig-zag) or where `keep(y)` is false
/// (NaN, or a non-positive value on a log axis). One point either side of the range is kept so
/// lines run to the plot's edges.
pub fn pieces(
    x: &[f64],
    y: &[f64],
    range: (f64, f64),
    columns: usize,
    keep: impl Fn(f64) -> bool,
) -> Vec<Vec<(f64, f64)>> {
    pieces_with(x, y, range, columns, keep, None)
}

/// [`pieces`], with `blocks` (a [`Blocks`] of the whole series and where `x` and `y` start in it)
/// standing in for the points of each pixel column when [`Blocks::usable`] says they may: the
/// result is the same, the cost per column the blocks it spans plus at most two part-blocks.
pub fn pieces_with(
    x: &[f64],
    y: &[f64],
    (x0, x1): (f64, f64),
    columns: usize,
    keep: impl Fn(f64) -> bool,
    blocks: Option<(&Blocks, usize)>,
) -> Vec<Vec<(f64, f64)>> {
    let per_x = columns.max(1) as f64 / (x1 - x0).max(f64::MIN_POSITIVE);
    let mut out = Vec::new();
    let mut piece: Vec<(f64, f64)> = Vec::new();
    let mut column: Option<Column> = None;
    // The x where the current column ends: most points only compare against it.
    let mut edge = f64::NEG_INFINITY;
    let mut prev = f64::NEG_INFINITY;
    let n = x.len().min(y.len());
    let mut i = 0;
    while i < n {
        let (xi, yi) = (x[i], y[i]);
        let usable = keep(yi) && xi.is_finite();
        let backwards = crate::model::starts_session(prev, xi);
        prev = xi;
        if !usable || backwards {
            if let Some(c) = column.take() {
                c.emit(&mut piece);
            }
            if !piece.is_empty() {
                out.push(std::mem::take(&mut piece));
            }
            edge = f64::NEG_INFINITY;
            if !usable {
                prev = f64::NEG_INFINITY;
                i += 1;
                continue;
            }
        }
        if xi < edge && xi >= x0 {
            if let Some(c) = &mut column {
                // Every point is usable and x only goes up: the rest of the column at once.
                if let Some((b, at)) = blocks {
                    let end = i + gallop(&x[i..n], edge);
                    c.add_range(b, x, y, at, i..end);
                    prev = x[end - 1];
                    i = end;
                    continue;
                }
                c.add(xi, yi);
                i += 1;
                continue;
            }
        }
        if (xi < x0 && i + 1 < n && x[i + 1] < x0) || (xi > x1 && i > 0 && x[i - 1] > x1) {
            i += 1;
            continue;
        }
        // Points outside the range keep columns of their own so the edges stay exact.
        let col = if xi < x0 {
            i64::MIN
        } else if xi > x1 {
            i64::MAX
        } else {
            // Non-negative here, so truncation is floor.
            ((xi - x0) * per_x) as i64
        };
        edge = if xi < x0 || xi > x1 {
            f64::NEG_INFINITY
        } else {
            x0 + (col + 1) as f64 / per_x
        };
        match &mut column {
            Some(c) if c.col == col => c.add(xi, yi),
            _ => {
                if let Some(c) = column.take() {
                    c.emit(&mut piece);
                }
                column = Some(Column::new(col, xi, yi));
            }
        }
        i += 1;
    }
    if let Some(c) = column {
        c.emit(&mut piece);
    }
    if !piece.is_empty() {
        out.push(piece);
    }
    out
}

/// How many of `xs` (rising) lie below `edge`, searching from the start in growing steps: a
/// column's points are near, and a binary search over the whole rest would miss the cache.
fn gallop(xs: &[f64], edge: f64) -> usize {
    let mut step = 1;
    let mut lo = 0;
    while lo + step < xs.len() && xs[lo + step] < edge {
        lo += step;
        step *= 2;
    }
    let hi = (lo + step).min(xs.len());
    lo + xs[lo..hi].partition_point(|v| *v < edge)
}

/// Points per block of [`Blocks`].
const BLOCK: usize = 64;

/// A series' y summarized a block of [`BLOCK`] points at a time: each block's lowest and highest
/// value and where each first occurs, kept up to date as points are appended, so that decimating
/// a long stretch looks at its blocks instead of its points.
#[derive(Debug, Clone, Default)]
pub struct Blocks {
    /// Per block: (lowest, its first index), (highest, its first index).
    blocks: Vec<((f64, usize), (f64, usize))>,
    /// Points summarized.
    len: usize,
    /// Whether x is finite and rises at every point and every y is finite.
    ordered: bool,
    /// The lowest y.
    lowest: f64,
}

impl Blocks {
    /// The blocks of `(x, y)`.
    pub fn new(x: &[f64], y: &[f64]) -> Blocks {
        let mut blocks = Blocks {
            ordered: true,
            lowest: f64::INFINITY,
            ..Blocks::default()
        };
        blocks.extend(x, y);
        blocks
    }

    /// Adds the points of `(x, y)` past those summarized (`x` and `y` are the whole series).
    pub fn extend(&mut self, x: &[f64], y: &[f64]) {
        let n = x.len().min(y.len());
        let from = self.len.min(n);
        self.ordered &= (from.saturating_sub(1)..n)
            .all(|i| x[i].is_finite() && y[i].is_finite() && (i == 0 || x[i] > x[i - 1]));
        for (i, &v) in y.iter().enumerate().take(n).skip(from) {
            self.lowest = self.lowest.min(v);
            if i % BLOCK == 0 {
                self.blocks.push(((v, i), (v, i)));
            } else if let Some((lo, hi)) = self.blocks.last_mut() {
                if v < lo.0 {
                    *lo = (v, i);
                }
                if v > hi.0 {
                    *hi = (v, i);
                }
            }
        }
        self.len = n;
    }

    /// Whether the blocks may stand in for the points of `(x, y)`: x rises throughout, every y
    /// is finite (and, on a log axis, positive) and `len` points are summarized.
    pub fn usable(&self, len: usize, log: bool) -> bool {
        self.ordered && self.len == len && (!log || self.lowest > 0.0)
    }
}

/// The lowest and highest point seen in one pixel column, and which came first.
struct Column {
    col: i64,
    lo: (f64, f64),
    hi: (f64, f64),
    lo_first: bool,
}

impl Column {
    fn new(col: i64, x: f64, y: f64) -> Column {
        Column {
            col,
            lo: (x, y),
            hi: (x, y),
            lo_first: true,
        }
    }

    fn add(&mut self, x: f64, y: f64) {
        if y < self.lo.1 {
            self.lo = (x, y);
            self.lo_first = false;
        }
        if y > self.hi.1 {
            self.hi = (x, y);
            self.lo_first = true;
        }
    }

    /// [`Column::add`] for each of the points `range` of `(x, y)`, which start at point `at` of
    /// the series `blocks` summarizes: the range's lowest and highest points (first occurrences)
    /// decide, as they would one point at a time.
    fn add_range(
        &mut self,
        blocks: &Blocks,
        x: &[f64],
        y: &[f64],
        at: usize,
        range: std::ops::Range<usize>,
    ) {
        let mut lo = (f64::INFINITY, usize::MAX);
        let mut hi = (f64::NEG_INFINITY, usize::MAX);
        let mut take = |v: f64, i: usize| {
            if v < lo.0 {
                lo = (v, i);
            }
            if v > hi.0 {
                hi = (v, i);
            }
        };
        let (start, end) = (range.start + at, range.end + at);
        let mut i = start;
        while i < end {
            if i % BLOCK == 0 && i + BLOCK <= end {
                let (l, h) = blocks.blocks[i / BLOCK];
                take(l.0, l.1);
                take(h.0, h.1);
                i += BLOCK;
            } else {
                take(y[i - at], i);
                i += 1;
            }
        }
        let point = |i: usize| (x[i - at], y[i - at]);
        let new_lo = (lo.0 < self.lo.1).then_some(lo.1);
        let new_hi = (hi.0 > self.hi.1).then_some(hi.1);
        if let Some(i) = new_lo {
            self.lo = point(i);
        }
        if let Some(i) = new_hi {
            self.hi = point(i);
        }
        match (new_lo, new_hi) {
            (Some(l), Some(h)) => self.lo_first = h > l,
            (Some(_), None) => self.lo_first = false,
            (None, Some(_)) => self.lo_first = true,
            (None, None) => {}
        }
    }

    fn emit(self, piece: &mut Vec<(f64, f64)>) {
        let (a, b) = if self.lo_first {
            (self.lo, self.hi)
        } else {
            (self.hi, self.lo)
        };
        piece.push(a);
        if b != a {
            piece.push(b);
        }
    }
}
