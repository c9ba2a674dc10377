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
/// Where the columns span fewer than two leaves' worth of points on average, so that the
/// part-blocks are most of a column and finding them costs more than looking at each point
/// (200 runs of 5,000 points on a 1,000-pixel plot), the points are scanned one by one.
pub fn pieces_with(
    x: &[f64],
    y: &[f64],
    (x0, x1): (f64, f64),
    columns: usize,
    keep: impl Fn(f64) -> bool,
    blocks: Option<(&Blocks, usize)>,
) -> Vec<Vec<(f64, f64)>> {
    // Blocks are usable, so x rises throughout.
    let blocks = blocks.filter(|_| {
        let inside = x.partition_point(|v| *v < x0)..x.partition_point(|v| *v <= x1);
        inside.len() >= columns.saturating_mul(2 * LEAF)
    });
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
                    let end = i + b.below(&x[i..n], at + i, edge);
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
        // A column never reaches past the range: the points after it are not drawn in it.
        edge = if xi < x0 || xi > x1 {
            f64::NEG_INFINITY
        } else {
            (x0 + (col + 1) as f64 / per_x).min(x1)
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

/// Points per block of the finest level of [`Blocks`].
const LEAF: usize = 32;

/// A series' y summarized as a pyramid of blocks: level `k` holds, per block of `LEAF·2ᵏ` points,
/// its lowest and highest value and where each first occurs; and the x where each block of the
/// finest level starts. Kept up to date as points are appended, so that the points of any index
/// range are summarized by at most two part-leaves and O(log n) blocks, and a pixel column's end
/// is found in the starts: decimating a column costs the same whatever the number of points in
/// it, and touches few places of the series.
#[derive(Debug, Clone, Default)]
pub struct Blocks {
    /// Per level, per block: its extremes.
    levels: Vec<Vec<Extremes>>,
    /// The x of the first point of each block of the finest level.
    starts: Vec<f64>,
    /// Points summarized.
    len: usize,
    /// Whether x is finite and rises at every point and every y is finite.
    ordered: bool,
    /// The lowest y.
    lowest: f64,
}

/// A block's lowest and highest y, and the index where each first occurs.
#[derive(Debug, Clone, Copy, Default)]
struct Extremes {
    lo: f64,
    hi: f64,
    lo_at: usize,
    hi_at: usize,
}

impl Extremes {
    /// The block of the one point `at`, valued `v`.
    fn point(v: f64, at: usize) -> Extremes {
        Extremes {
            lo: v,
            hi: v,
            lo_at: at,
            hi_at: at,
        }
    }

    /// These extremes widened by those of a block after them (first occurrences win ties).
    fn then(&mut self, next: &Extremes) {
        if next.lo < self.lo {
            self.lo = next.lo;
            self.lo_at = next.lo_at;
        }
        if next.hi > self.hi {
            self.hi = next.hi;
            self.hi_at = next.hi_at;
        }
    }
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

    /// [`Blocks::extend`] by at most `points` more points (at least one while any are left);
    /// how many were added. Blocks made this way, a part per call, equal those made at once.
    pub fn extend_some(&mut self, x: &[f64], y: &[f64], points: usize) -> usize {
        let n = x.len().min(y.len());
        let from = self.len.min(n);
        let end = from.saturating_add(points.max(1)).min(n);
        self.extend(&x[..end], &y[..end]);
        end - from
    }

    /// How many points are summarized.
    pub fn summarized(&self) -> usize {
        self.len
    }

    /// Adds the points of `(x, y)` past those summarized (`x` and `y` are the whole series): the
    /// blocks they fall in are summarized again, level by level.
    pub fn extend(&mut self, x: &[f64], y: &[f64]) {
        let n = x.len().min(y.len());
        let from = self.len.min(n);
        if self.ordered && from < n {
            let start = from.saturating_sub(1);
            let (xs, ys) = (&x[start..n], &y[start..n]);
            // x rising at every step (false at a NaN) from a finite first to a finite last is
            // finite throughout; `v·0` is 0 for finite y and NaN otherwise, so one sum checks y.
            let rising = xs.windows(2).all(|w| w[1] > w[0]);
            let ends = xs[0].is_finite() && xs[xs.len() - 1].is_finite();
            let finite = ys.iter().fold(0.0, |sum, v| sum + v * 0.0) == 0.0;
            self.ordered = rising && ends && finite;
        }
        self.len = n;
        // The first block of each level that the new points touch, and how many blocks there are.
        let mut first = from / LEAF;
        let mut count = n.div_ceil(LEAF);
        self.starts.truncate(first);
        self.starts.extend(x[first * LEAF..n].iter().step_by(LEAF));
        let leaves = level(&mut self.levels, 0, first, count);
        for (b, chunk) in y[first * LEAF..n].chunks(LEAF).enumerate() {
            let at = (first + b) * LEAF;
            let mut e = Extremes::point(chunk[0], at);
            for (k, &v) in chunk.iter().enumerate().skip(1) {
                e.then(&Extremes::point(v, at + k));
            }
            leaves[b] = e;
        }
        let lowest = leaves
            .iter()
            .fold(self.lowest, |a, e| if e.lo < a { e.lo } else { a });
        self.lowest = lowest;
        let mut k = 1;
        while count > 1 {
            first /= 2;
            count = count.div_ceil(2);
            level(&mut self.levels, k, first, count);
            let (below, this) = self.levels.split_at_mut(k);
            let children = &below[k - 1];
            for (b, slot) in this[0][first..].iter_mut().enumerate() {
                let c = 2 * (first + b);
                *slot = children[c];
                if let Some(right) = children.get(c + 1) {
                    slot.then(right);
                }
            }
            k += 1;
        }
    }

    /// Whether the blocks may stand in for the points of `(x, y)`: x rises throughout, every y
    /// is finite (and, on a log axis, positive) and `len` points are summarized.
    pub fn usable(&self, len: usize, log: bool) -> bool {
        self.ordered && self.len == len && (!log || self.lowest > 0.0)
    }

    /// The extremes of the points `start..end` (not empty); `y` holds the series from point `at`
    /// on. Whole blocks stand in for their points, the largest that fit.
    fn extremes(&self, y: &[f64], at: usize, start: usize, end: usize) -> Extremes {
        let mut e = Extremes::point(y[start - at], start);
        let mut i = start + 1;
        while i < end {
            if i % LEAF != 0 || i + LEAF > end {
                e.then(&Extremes::point(y[i - at], i));
                i += 1;
                continue;
            }
            let mut k = 0;
            while k + 1 < self.levels.len()
                && i % (LEAF << (k + 1)) == 0
                && i + (LEAF << (k + 1)) <= end
            {
                k += 1;
            }
            e.then(&self.levels[k][i / (LEAF << k)]);
            i += LEAF << k;
        }
        e
    }

    /// How many of `xs`, the series' x from point `from` on, lie below `edge`: the block starts
    /// say in which block the answer lies, the points of that block where.
    fn below(&self, xs: &[f64], from: usize, edge: f64) -> usize {
        let next = from / LEAF + 1;
        let leaf = next + self.starts.get(next..).map_or(0, |s| gallop(s, edge));
        let hi = (leaf * LEAF - from).min(xs.len());
        let lo = ((leaf - 1) * LEAF).saturating_sub(from).min(hi);
        lo + xs[lo..hi].partition_point(|v| *v < edge)
    }
}

/// How many of `xs` (rising) lie below `edge`, searching from the start in growing steps: a
/// column ends near where it starts, and a binary search over the whole rest would miss the cache.
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

/// Level `k` of `levels` (made when missing) holding `count` blocks: those from `first` on, to fill.
fn level(levels: &mut Vec<Vec<Extremes>>, k: usize, first: usize, count: usize) -> &mut [Extremes] {
    if levels.len() <= k {
        levels.push(Vec::new());
    }
    levels[k].resize(count, Extremes::default());
    &mut levels[k][first..]
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
        let e = blocks.extremes(y, at, range.start + at, range.end + at);
        let point = |i: usize| (x[i - at], y[i - at]);
        let new_lo = (e.lo < self.lo.1).then_some(e.lo_at);
        let new_hi = (e.hi > self.hi.1).then_some(e.hi_at);
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
