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
    (x0, x1): (f64, f64),
    columns: usize,
    keep: impl Fn(f64) -> bool,
) -> Vec<Vec<(f64, f64)>> {
    let per_x = columns.max(1) as f64 / (x1 - x0).max(f64::MIN_POSITIVE);
    let mut out = Vec::new();
    let mut piece: Vec<(f64, f64)> = Vec::new();
    let mut column: Option<Column> = None;
    // The x where the current column ends: most points only compare against it.
    let mut edge = f64::NEG_INFINITY;
    let mut prev = f64::NEG_INFINITY;
    let n = x.len().min(y.len());
    for i in 0..n {
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
                continue;
            }
        }
        if xi < edge && xi >= x0 {
            if let Some(c) = &mut column {
                c.add(xi, yi);
                continue;
            }
        }
        if (xi < x0 && i + 1 < n && x[i + 1] < x0) || (xi > x1 && i > 0 && x[i - 1] > x1) {
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
    }
    if let Some(c) = column {
        c.emit(&mut piece);
    }
    if !piece.is_empty() {
        out.push(piece);
    }
    out
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
