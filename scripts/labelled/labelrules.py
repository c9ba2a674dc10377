"""Label rules shared by the generators in this folder.

`steps_label` implements the rules of shared/fixtures/steps-labeled/README.md (used for
tests/fixtures/steps-own); `keras_label` implements the rules of
shared/fixtures/keras-labeled/README.md (used for tests/fixtures/keras-heldout).
Both take per-evaluation series and a cut T (number of evaluation periods in the log).
"""

import math

import numpy as np


def _finite(x):
    return x is not None and math.isfinite(x)


def _nanmin(xs):
    vals = [x for x in xs if _finite(x)]
    return min(vals) if vals else math.nan


def _nanmean(xs):
    vals = [x for x in xs if _finite(x)]
    return sum(vals) / len(vals) if vals else math.nan


def _falling(m, T):
    """Mean of the last w rows below the mean of the w rows before, w = max(3, round(T/10))."""
    w = max(3, int(round(T / 10)))
    last = _nanmean(m[T - w:T])
    prev = _nanmean(m[max(0, T - 2 * w):T - w])
    return _finite(last) and _finite(prev) and last < prev


def _gain(v, T):
    """(best so far - best in [T, 3T)) / |best so far|; NaN ignored; 0 when no finite future."""
    best = _nanmin(v[:T])
    fut = _nanmin(v[T:3 * T])
    if not (_finite(best) and _finite(fut)) or best == 0:
        return 0.0
    return (best - fut) / abs(best)


def steps_label(m, v, T):
    """Rules of steps-labeled/README.md. m: mean per-step training loss per evaluation period,
    v: validation loss per period (whole run). Returns (label, confidence, facts)."""
    best = _nanmin(v[:T])
    mmin = _nanmin(m[:T])
    last_m, last_v = m[T - 1], v[T - 1]
    gain = _gain(v, T)
    med3 = float(np.median([x for x in v[T - 3:T]])) if all(_finite(x) for x in v[T - 3:T]) else math.nan
    rise = (med3 / best - 1) if _finite(med3) and _finite(best) and best > 0 else math.nan
    ratio = (last_m / mmin) if _finite(last_m) and _finite(mmin) and mmin > 0 else math.nan
    falling = _falling(m, T)
    facts = {"gain": gain, "rise": rise, "ratio": ratio, "falling": falling}
    reasons = []
    if not _finite(last_m) or not _finite(last_v):
        label = "diverging"
        later = [x for x in m[T:3 * T] if _finite(x)]
        if later and _finite(mmin) and min(later) < 1.5 * mmin:
            reasons.append("non-finite at T-1 but training recovers finite later")
    elif _finite(ratio) and ratio > 1.5:
        label = "diverging"
        if ratio < 1.7:
            reasons.append("ratio below 1.7")
        later = [x for x in m[T:3 * T] if _finite(x)]
        if later and min(later) < mmin:
            reasons.append("training loss later falls below its earlier minimum")
    elif gain > 0.02:
        label = "improving"
        if gain <= 0.03:
            reasons.append("gain at most 3%")
    elif _finite(rise) and rise > 0.05 and falling:
        label = "overfitting"
        if rise < 0.08:
            reasons.append("median of last 3 val less than 8% above best")
    else:
        label = "plateau"
        if gain >= 0.01:
            reasons.append("future gain at least 1%")
        if _finite(rise) and rise > 0.05:
            reasons.append("val up >5% but training loss not falling")
    return label, ("edge" if reasons else "clear"), facts, reasons


def keras_label(loss, val, T):
    """Rules of keras-labeled/README.md, in its order. loss/val: per-epoch CSVLogger columns of
    the long run. Returns (label, confidence, facts, reasons)."""
    seen_loss, seen_val = loss[:T], val[:T]
    nonfinite = any(not _finite(x) for x in seen_loss + seen_val)
    lmin = _nanmin(seen_loss)
    ratio = (loss[T - 1] / lmin) if _finite(loss[T - 1]) and _finite(lmin) and lmin > 0 else math.nan
    best = _nanmin(seen_val)
    rise = (val[T - 1] / best - 1) if _finite(val[T - 1]) and _finite(best) and best > 0 else math.nan
    falling = _falling(loss, T)
    gain = _gain(val, T)
    facts = {"gain": gain, "rise": rise, "ratio": ratio, "falling": falling, "nonfinite": nonfinite}
    reasons = []
    if nonfinite or (_finite(ratio) and ratio > 1.5):
        label = "diverging"
        if not nonfinite:
            if ratio < 1.7:
                reasons.append("ratio below 1.7")
            later = [x for x in loss[T:] if _finite(x)]
            if later and min(later) < lmin:
                reasons.append("training loss later falls below its earlier minimum")
    elif _finite(rise) and rise > 0.05 and falling:
        label = "overfitting"
        if rise < 0.08:
            reasons.append("val_loss less than 8% above best")
        if gain > 0.02:
            reasons.append("val_loss still improves >2% in the future")
    elif gain > 0.02:
        label = "improving"
        if gain <= 0.03:
            reasons.append("gain at most 3%")
    else:
        label = "plateau"
        if gain >= 0.01:
            reasons.append("future gain at least 1%")
        if _finite(rise) and rise > 0.05:
            reasons.append("val_loss up >5% but training loss not falling")
    return label, ("edge" if reasons else "clear"), facts, reasons

