#!/usr/bin/env python3
"""How high can a rule that sees only the past score on the labelled sets? (issue #11)

Every labelled log is read as dropped (Keras CSVLogger, Lightning metrics.csv, HF
trainer_state.json, TensorBoard scalar CSVs) into its validation series, its logged training
losses and its learning rate, all cut where the log ends. Features are computed from that past
alone (changes over recent evaluations, robust noise, slope t-statistics at several windows, the
training/validation gap, the learning rate against its peak, the label rules' own past-side
quantities) plus the fields of `plateau check --json` (the engine's verdict, qualifiers, trend,
outlook, Prechelt and schedule details). Flexible classifiers are scored by grouped
cross-validation (every cut of one source run in the same fold), per set and pooled, and trained
on the tuned sets to be tested on the never-tuned ones; the engine and the baseline rules
(tests/common/labelled.rs) are scored on the same rows. Then: on rows the classifier gets right
and the engine misses, which features carry it (permutation importance).

Usage (from the repository root; `make bench-ceiling` builds the CLI and runs it in .tools/venv-ceiling):
    python scripts/labelled/ceiling.py [--plateau target/release/plateau] [--repeats 3] [--no-engine-features]
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import warnings
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # a shared 2-core machine: one thread per model

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"
LABELS = ("improving", "plateau", "overfitting", "diverging")
VERDICTS = LABELS + ("insufficient",)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from twins import wilson  # noqa: E402


def fnum(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- reading the logs as dropped
#
# Each reader returns the log's events in the order the tool wrote them: ("train", loss),
# ("eval", val_loss), ("lr", rate); resumed sessions are spliced the way each tool's files say.


def read_keras(path):
    ev = []
    for r in csv.DictReader(open(path)):
        if fnum(r.get("learning_rate")) is not None:
            ev.append(("lr", fnum(r["learning_rate"])))
        ev.append(("train", fnum(r["loss"])))
        ev.append(("eval", fnum(r["val_loss"])))
    return ev, {}


def read_lightning(paths):
    sessions = []
    for p in sorted(paths, key=lambda p: (len(p), p)):
        rows = []
        for r in csv.DictReader(open(p, newline="")):
            step = int(r["step"])
            lr = next((fnum(v) for k, v in r.items() if k.startswith("lr-") and fnum(v) is not None), None)
            if lr is not None:
                rows.append((step, "lr", lr))
            if fnum(r.get("train_loss_step")) is not None:
                rows.append((step, "train", fnum(r["train_loss_step"])))
            if fnum(r.get("val_loss")) is not None:
                rows.append((step, "eval", fnum(r["val_loss"])))
        sessions.append(rows)
    out = []
    for i, rows in enumerate(sessions):
        if i + 1 < len(sessions) and sessions[i + 1]:
            first = sessions[i + 1][0][0]  # the next session starts again from its checkpoint
            rows = [r for r in rows if r[0] < first or (r[1] == "eval" and r[0] == first - 1)]
        out += [(kind, val) for _, kind, val in rows]
    return out, {}


def read_hf(path):
    d = json.load(open(path))
    ev = []
    for e in d["log_history"]:
        if "loss" in e:
            if e.get("learning_rate") is not None:
                ev.append(("lr", fnum(e["learning_rate"])))
            ev.append(("train", fnum(e["loss"])))
        if "eval_loss" in e:
            ev.append(("eval", fnum(e["eval_loss"])))
    steps = d.get("global_step") or 0
    return ev, {"sched_frac": steps / d["max_steps"] if d.get("max_steps") else None}


def read_tb(paths):
    rows = []
    for p in paths:
        tag = p.split("-tag-")[-1][:-4]
        kind = {"train_loss": "train", "lr": "lr", "val_loss": "eval"}.get(tag)
        if kind is None:
            continue
        for r in csv.DictReader(open(p)):
            rows.append((float(r["Wall time"]), {"lr": 0, "train": 1, "eval": 2}[kind], kind, fnum(r["Value"])))
    rows.sort()
    return [(k, v) for _, _, k, v in rows], {}


def read_log(files):
    names = [os.path.basename(f) for f in files]
    if names[0].endswith(".json"):
        return read_hf(files[0])
    if any("-tag-" in n for n in names):
        return read_tb(files)
    with open(files[0]) as fh:
        header = fh.readline()
    if "train_loss_step" in header:
        return read_lightning(files)
    return read_keras(files[0])


def fnv_held_out(i):
    h = 0xCBF29CE484222325
    for b in i.encode():
        h = ((h ^ b) * 0x100000001B3) % (1 << 64)
    return h % 3 == 0


def load_sets():
    """(set name, tuned, rule family, rows) for every labelled set bench_verdict reads."""
    out = []

    def rows_of(folder):
        root = FIX / folder
        rows = []
        for r in csv.DictReader(open(root / "labels.csv")):
            if "file" in r:
                files = [str(root / "logs" / r["id"] / f) for f in r["file"].split(";")]
            else:
                files = [str(root / "logs" / f"{r['id']}.csv")]
            rows.append(dict(r, files=files, folder=folder))
        return rows

    dev = rows_of("keras-labeled")
    out.append(("keras-labeled (dev)", True, dev))
    st = rows_of("steps-labeled")
    out.append(("steps-labeled tune", True, [r for r in st if not fnv_held_out(r["id"])]))
    out.append(("steps-labeled held out", False, [r for r in st if fnv_held_out(r["id"])]))
    own = rows_of("steps-own")
    out.append(("steps-own tune", True, [r for r in own if r["split"] == "tune"]))
    out.append(("steps-own untouched", False, [r for r in own if r["split"] == "untouched"]))
    out.append(("keras-heldout", False, rows_of("keras-heldout")))
    out.append(("keras-tune", True, rows_of("keras-tune")))
    out.append(("steps-own2", False, rows_of("steps-own2")))
    return out


# ---------------------------------------------------------------- features from the past


def finite(a):
    a = np.asarray(a, dtype=float)
    return a[np.isfinite(a)]


def tstat(y):
    """OLS slope t-statistic of y against its index (NaN when it cannot be computed)."""
    y = finite(y)
    n = len(y)
    if n < 4:
        return math.nan
    x = np.arange(n, dtype=float)
    x -= x.mean()
    b = (x * (y - y.mean())).sum() / (x * x).sum()
    res = y - y.mean() - b * x
    se = math.sqrt((res * res).sum() / (n - 2) / (x * x).sum())
    if se == 0:
        return math.copysign(50.0, b) if b else 0.0
    return float(np.clip(b / se, -50, 50))


def rel(a, b):
    return (a - b) / abs(b) if b and math.isfinite(a) and math.isfinite(b) else math.nan


def past_features(events, extra, rules):
    vals = [v for k, v in events if k == "eval"]
    v = np.array([x if x is not None else math.nan for x in vals], dtype=float)
    T = len(v)
    # training losses logged in each evaluation period, and the learning rate seen so far
    periods, cur, lrs, lr_at_eval = [], [], [], []
    raw_train = []
    for k, x in events:
        x = math.nan if x is None else x
        if k == "train":
            cur.append(x)
            raw_train.append(x)
        elif k == "lr":
            lrs.append(x)
        else:
            periods.append(cur)
            cur = []
            lr_at_eval.append(lrs[-1] if lrs else math.nan)
    # periods with no logged training loss (HF logs every 10-20 steps) take the previous period's
    m = np.array([np.mean(p) if p and all(map(math.isfinite, p)) else math.nan for p in periods])
    seen = [i for i, p in enumerate(periods) if p]
    for i, p in enumerate(periods):
        if not p and seen and seen[0] < i:
            m[i] = m[max(j for j in seen if j < i)]
    f = {"T": T, "log_T": math.log(max(T, 1)), "keras_rules": float(rules == "keras")}
    f["nonfinite_v"] = float(np.any(~np.isfinite(v)))
    f["nonfinite_train"] = float(any(not math.isfinite(x) for x in raw_train))
    f["last_v_nonfinite"] = float(T > 0 and not math.isfinite(v[-1]))
    f["last_m_nonfinite"] = float(bool(seen) and any(not math.isfinite(x) for x in periods[seen[-1]]))
    f["train_points_per_eval"] = len(raw_train) / max(T, 1)
    fv = finite(v)
    best = fv.min() if len(fv) else math.nan
    ibest = int(np.nanargmin(v)) if len(fv) else 0
    f["since_best"] = T - 1 - ibest
    f["since_best_frac"] = (T - 1 - ibest) / max(T, 1)
    f["rise_last"] = rel(v[-1], best) if T else math.nan
    med3 = np.median(v[-3:]) if T >= 3 and np.all(np.isfinite(v[-3:])) else math.nan
    f["rise_med3"] = rel(med3, best)
    scale = abs(np.nanmedian(v)) if len(fv) else math.nan
    dv = np.diff(fv)
    noise = 1.4826 * np.median(np.abs(dv - np.median(dv))) if len(dv) >= 2 else math.nan
    f["v_noise_rel"] = noise / scale if scale else math.nan
    lo_v = np.log(np.maximum(fv, 1e-12)) if len(fv) and fv.min() > 0 else fv
    for k in (1, 2, 3, 5):
        f[f"v_change_{k}"] = rel(v[-1], v[-1 - k]) if T > k else math.nan
    for k in (3, 5):
        before, recent = finite(v[:-k]), finite(v[-k:])
        f[f"v_gain_last{k}"] = rel(before.min(), recent.min()) if len(before) and len(recent) else math.nan
        f[f"v_gain_last{k}_noise"] = ((before.min() - recent.min()) / noise
                                      if len(before) and len(recent) and noise else math.nan)
    third = max(2, T // 3)
    before, recent = finite(v[:-third]), finite(v[-third:])
    f["v_gain_last_third"] = rel(before.min(), recent.min()) if len(before) and len(recent) else math.nan
    for w in (4, 6, 10):
        f[f"v_t{w}"] = tstat(v[-w:]) if T >= w else math.nan
        f[f"logv_t{w}"] = tstat(lo_v[-w:]) if len(lo_v) >= w else math.nan
    f["v_t_half"] = tstat(v[-max(4, T // 2):])
    f["v_t_all"] = tstat(v)
    # curvature: relative fall per evaluation in the last half against the first half
    h = T // 2
    if h >= 2 and np.all(np.isfinite(v[[0, h - 1, h, T - 1]])):
        f["v_rate_late"] = rel(v[-1], v[h]) / max(T - 1 - h, 1)
        f["v_rate_early"] = rel(v[h - 1], v[0]) / max(h - 1, 1)
        f["v_rate_ratio"] = f["v_rate_late"] / f["v_rate_early"] if f["v_rate_early"] else math.nan
    fm = finite(m)
    mmin = fm.min() if len(fm) else math.nan
    f["m_ratio"] = m[-1] / mmin if len(m) and math.isfinite(m[-1]) and mmin and mmin > 0 else math.nan
    f["m_ratio_log"] = math.log(f["m_ratio"]) if f["m_ratio"] and math.isfinite(f["m_ratio"]) and f["m_ratio"] > 0 \
        else math.nan
    w = max(3, int(round(T / 10)))
    last = np.nanmean(m[-w:]) if len(m) >= w and np.isfinite(m[-w:]).any() else math.nan
    prev = np.nanmean(m[-2 * w:-w]) if len(m) >= 2 * w and np.isfinite(m[-2 * w:-w]).any() else math.nan
    f["m_falling"] = float(math.isfinite(last) and math.isfinite(prev) and last < prev)
    f["m_change_w"] = rel(last, prev)
    for w in (4, 10):
        f[f"m_t{w}"] = tstat(m[-w:]) if len(m) >= w else math.nan
    f["m_t_half"] = tstat(m[-max(4, len(m) // 2):])
    dm = np.diff(fm)
    f["m_noise_rel"] = (1.4826 * np.median(np.abs(dm - np.median(dm))) / abs(np.median(fm))
                        if len(dm) >= 2 and np.median(fm) else math.nan)
    within = [np.std(p) / abs(np.mean(p)) for p in periods[-5:] if len(p) >= 3 and all(map(math.isfinite, p))
              and np.mean(p)]
    f["step_noise_rel"] = float(np.mean(within)) if within else math.nan
    tail = [x for x in raw_train[-10:] if math.isfinite(x)]
    f["last_steps_ratio"] = max(tail) / mmin if tail and mmin and mmin > 0 else math.nan
    # the generalisation gap in log space, its level and trend over the last half
    if len(m) == T and T >= 4:
        g = np.log(np.maximum(v, 1e-12)) - np.log(np.maximum(m, 1e-12))
        g[~(np.isfinite(v) & np.isfinite(m) & (v > 0) & (m > 0))] = math.nan
        f["gap_last"] = g[-1]
        f["gap_t_half"] = tstat(g[-max(4, T // 2):])
        f["gap_change_half"] = g[-1] - g[-max(2, T // 2)] if np.isfinite(g[[-1, -max(2, T // 2)]]).all() else math.nan
    lr = finite(lr_at_eval)
    f["has_lr"] = float(len(lr) > 0)
    if len(lr) and lr.max() > 0:
        f["lr_frac_peak"] = lr[-1] / lr.max()
        f["lr_frac_first"] = lr[-1] / lr[0] if lr[0] > 0 else math.nan
        f["lr_ended"] = float(lr[-1] <= 1e-3 * lr.max())
        drops = [i for i in range(1, len(lr)) if lr[i] < 0.6 * lr[i - 1]]
        f["lr_drops"] = len(drops)
        f["evals_since_drop"] = T - 1 - drops[-1] if drops else math.nan
        q = max(2, len(lr) // 4)
        f["lr_falling_quarter"] = rel(lr[-1], lr[-q])
    f["sched_frac"] = extra.get("sched_frac") if extra.get("sched_frac") is not None else math.nan
    return f


QUALIFIERS = ("noisy", "spikes", "schedule_ended", "lr_cut", "exploding_gradients", "non_finite",
              "warmup", "gap", "resumed", "slow")


def engine_features(run):
    f = {f"engine_{v}": float(run["verdict"] == v) for v in VERDICTS}
    q = set(run.get("qualifiers") or [])
    for name in QUALIFIERS:
        f[f"q_{name}"] = float(name in q)
    f["q_count"] = len(q)
    d = run.get("details") or {}
    tr = d.get("trend") or {}
    lvl = abs(tr.get("level") or 0) or math.nan
    f["trend_points"] = tr.get("points", math.nan)
    f["trend_z"] = tr.get("z", math.nan)
    f["trend_p"] = tr.get("p", math.nan)
    f["trend_slope_rel"] = (tr.get("slope") or 0) / lvl * (tr.get("points") or 0) if tr else math.nan
    f["trend_noise_rel"] = (tr.get("noise") or 0) / lvl if tr else math.nan
    f["trend_ac"] = tr.get("autocorrelation", math.nan)
    o = d.get("outlook") or {}
    for k in ("gain", "gain_low", "gain_high"):
        f[f"outlook_{k}"] = o.get(k, math.nan) if o.get(k) is not None else math.nan
    p = d.get("prechelt") or {}
    for k in ("gl", "pq", "progress", "train_change", "sigmas"):
        f[f"prechelt_{k}"] = p.get(k, math.nan) if p.get(k) is not None else math.nan
    f["prechelt_train_falling"] = float(bool(p.get("train_falling")))
    s = d.get("schedule") or {}
    f["engine_lr_frac"] = (s["last"] / s["peak"]) if s.get("peak") else math.nan
    f["engine_sched_ended"] = float(bool(s.get("ended")))
    f["engine_spikes"] = len(d.get("spikes") or [])
    f["engine_rise"] = float(d.get("rise") is not None)
    f["engine_nonfinite"] = float(d.get("non_finite") is not None)
    return f


def verdict_rows(path):
    """(set, id) -> (engine, baseline) as `make bench-verdict` computes them (its `--rows` CSV)."""
    if path:
        text = open(path).read()
    else:
        text = subprocess.run(["cargo", "run", "--quiet", "--release", "--example", "bench_verdict", "--", "--rows"],
                              cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {(r["set"], r["id"]): (r["engine"], r["baseline"]) for r in csv.DictReader(text.splitlines())}


def engine_runs(binary, rows):
    out = []
    for r in rows:
        p = subprocess.run([binary, "check", "--json", *r["files"]], capture_output=True, text=True)
        runs = json.loads(p.stdout)["runs"]
        out.append(runs[0] if runs else {"verdict": "insufficient"})
    return out


def group_of(name, r, events):
    if "run" in r and r["run"] != "":
        return f"{r['folder']}:{r['run']}"
    if r["folder"] == "steps-labeled":  # 69 logs of 60 runs: cuts of one run share their first values
        return "steps-labeled:" + ",".join(f"{x:.6g}" for _, x in events[:40] if x is not None)
    return f"{r['folder']}:{r['id']}"


# ---------------------------------------------------------------- models and scores


def models(seed):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    out = {
        "gradient boosting": lambda: HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_depth=4,
                                                                    min_samples_leaf=8, l2_regularization=1.0,
                                                                    random_state=seed),
        "random forest": lambda: make_pipeline(SimpleImputer(strategy="median", add_indicator=True),
                                               RandomForestClassifier(n_estimators=200, min_samples_leaf=2,
                                                                      random_state=seed, n_jobs=1)),
        "logistic": lambda: make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler(),
                                          LogisticRegression(C=0.5, max_iter=3000)),
    }
    gb = out["gradient boosting"]
    out["label-rule replica + GB"] = lambda: Replica(gb)
    return out


def replica(f):
    """The label rules' past side, computed from the log as dropped: (label, None) when the past
    alone decides it (diverging; Keras-rule overfitting), else (None, the label if the future
    brings no gain: overfitting when the steps rules' past conditions hold, plateau)."""
    if f["keras_rules"]:
        if f["nonfinite_v"] or f["nonfinite_train"] or f["m_ratio"] > 1.5:
            return "diverging", None
        if f["rise_last"] > 0.05 and f["m_falling"]:
            return "overfitting", None
        return None, "plateau"
    if f["last_m_nonfinite"] or f["last_v_nonfinite"] or f["m_ratio"] > 1.5:
        return "diverging", None
    return None, "overfitting" if f["rise_med3"] > 0.05 and f["m_falling"] else "plateau"


class Replica:
    """The label rules' past side exactly (`replica`), and a gradient-boosting classifier for the
    one question the past cannot settle: will the best validation loss gain more than 2% in the
    next 2T evaluations? Rows carry their replica decision in two extra columns."""

    def __init__(self, make):
        self.make = make

    def fit(self, X, y):
        X, fixed = X[:, :-2], X[:, -2]
        open_rows = np.isnan(fixed)
        self.keep = usable(X[open_rows])
        self.model = self.make().fit(X[open_rows][:, self.keep], y[open_rows] == "improving")
        return self

    def predict(self, X):
        X, fixed, fallback = X[:, :-2], X[:, -2], X[:, -1]
        gain = self.model.predict(X[:, self.keep])
        return np.array([LABELS[int(f)] if not np.isnan(f) else ("improving" if g else LABELS[int(b)])
                         for f, g, b in zip(fixed, gain, fallback)], dtype=object)


def clean(X):
    X = np.array(X, dtype=float)
    X[~np.isfinite(X)] = np.nan
    return np.clip(X, -1e6, 1e6)


def fit(make, X, y):
    """A fitted model and the columns it uses: those with two distinct finite values in its rows
    (scikit-learn's histogram binning fails on a column with one). The Replica takes every
    column (its last two are its decisions)."""
    model = make()
    if isinstance(model, Replica):
        return model.fit(X, y), np.ones(X.shape[1], dtype=bool)
    keep = np.append(usable(X[:, :-2]), [False, False])
    return model.fit(X[:, keep], y), keep


def usable(X):
    return np.array([len(np.unique(c[np.isfinite(c)])) >= 2 for c in X.T])


def grouped_oof(make, X, y, groups, seed, folds=5):
    """Out-of-fold predictions, every group in one fold (StratifiedGroupKFold)."""
    from sklearn.model_selection import StratifiedGroupKFold

    pred = np.empty(len(y), dtype=object)
    k = min(folds, len(set(groups)))
    for tr, te in StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(X, y, groups):
        mdl, keep = fit(make, X[tr], y[tr])
        pred[te] = mdl.predict(X[te][:, keep])
    return pred


def score(y, pred):
    k = int(sum(a == b for a, b in zip(y, pred)))
    recall = {lab: (sum(1 for a, b in zip(y, pred) if a == lab and b == lab), sum(1 for a in y if a == lab))
              for lab in LABELS}
    return k, len(y), recall


def fmt(k, n):
    lo, hi = wilson(k, n)
    return f"{100 * k / max(n, 1):5.1f}% [{100 * lo:4.1f}–{100 * hi:5.1f}] ({k}/{n})"


def fmt_recall(rec):
    return " ".join(f"{lab[:4]} {100 * a / b:3.0f}%" if b else f"{lab[:4]}   –" for lab, (a, b) in rec.items())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plateau", default=str(ROOT / "target" / "release" / "plateau"))
    ap.add_argument("--repeats", type=int, default=3, help="fold assignments to average over (seeds 0..n-1)")
    ap.add_argument("--rows", help="bench_verdict --rows output (default: run it)")
    ap.add_argument("--no-engine-features", action="store_true", help="past features only, without the JSON")
    a = ap.parse_args()
    warnings.filterwarnings("ignore")

    verdicts = verdict_rows(a.rows)
    table = []  # one dict per log
    cli_differs = 0
    for name, tuned, rows in load_sets():
        rules = "keras" if rows[0]["folder"].startswith("keras") else "steps"
        runs = engine_runs(a.plateau, rows)
        for r, run in zip(rows, runs):
            events, extra = read_log(r["files"])
            f = past_features(events, extra, rules)
            if not a.no_engine_features:
                f.update(engine_features(run))
            engine, base = verdicts[(name, r["id"])]
            cli_differs += engine != run["verdict"]
            table.append({"set": name, "tuned": tuned, "id": r["id"], "label": r["label"],
                          "confidence": r.get("confidence", ""), "group": group_of(name, r, events),
                          "engine": engine, "baseline": base, "f": f})
    names = sorted({k for t in table for k in t["f"]})
    rep = [replica(t["f"]) for t in table]
    X = clean([[t["f"].get(k, math.nan) for k in names] +
               [LABELS.index(a) if a else math.nan, LABELS.index(b) if b else math.nan] for t, (a, b) in zip(table, rep)])
    y = np.array([t["label"] for t in table])
    groups = np.array([t["group"] for t in table])
    sets = np.array([t["set"] for t in table])
    engine = np.array([t["engine"] for t in table])
    base = np.array([t["baseline"] for t in table])
    print(f"{len(table)} logs, {len(names)} features ({'past only' if a.no_engine_features else 'past + engine JSON'}), "
          f"{len(set(groups))} source runs; `plateau check` verdict differs from bench_verdict's on {cli_differs}")

    set_names = list(dict.fromkeys(sets))
    # no learning: the label rules' past side, and the engine's own answer to the future question
    both = np.array([a if a else ("improving" if e == "improving" else b) for (a, b), e in zip(rep, engine)])
    print("\n== the label rules' past side, computed from each log as dropped (no learning)")
    print("   decided = rows whose label the past alone decides (diverging; overfitting under the Keras rules)")
    for s in set_names:
        m = np.where(sets == s)[0]
        keras_rules = table[m[0]]["f"]["keras_rules"]
        decided = [i for i in m if y[i] == "diverging" or (keras_rules and y[i] == "overfitting")]
        hit = sum(rep[i][0] == y[i] for i in decided)
        wrong = sum(1 for i in m if rep[i][0] is not None and rep[i][0] != y[i])
        rest = [i for i in m if y[i] != "improving" and i not in decided]
        fb = sum(rep[i][1] == y[i] for i in rest)
        print(f"  {s:<24} decided rows reproduced {hit}/{len(decided)}, rows given a past label they do not have "
              f"{wrong}; non-improving rest given their label {fb}/{len(rest)}")
    scopes = [(s, sets == s) for s in set_names]
    scopes.append(("keras sets pooled", np.array([s.startswith("keras") for s in sets])))
    scopes.append(("step sets pooled", np.array([s.startswith("steps") for s in sets])))
    scopes.append(("everything pooled", np.ones(len(y), dtype=bool)))
    mk = models(0)

    print("\n== grouped 5-fold cross-validation within each scope (all cuts of a run in one fold)")
    print("   replica + engine (no learning): the label rules' past side computed from the log, and where the past "
          "leaves the label open, improving when the engine says improving")
    print("   accuracy with Wilson 95% interval for fold seed 0; range of accuracy over "
          f"{a.repeats} fold seeds; recall per label")
    oof_best = {}
    for title, mask in scopes:
        idx = np.where(mask)[0]
        print(f"\n{title} ({len(idx)} logs, {len(set(groups[idx]))} runs)")
        for who, pred in (("engine", engine[idx]), ("baseline", base[idx]), ("replica + engine", both[idx])):
            k, n, rec = score(y[idx], pred)
            print(f"  {who:<18} {fmt(k, n):<34} {'':<14} {fmt_recall(rec)}")
        for mname, make in mk.items():
            accs, first = [], None
            for seed in range(a.repeats):
                pred = grouped_oof(make, X[idx], y[idx], groups[idx], seed)
                accs.append(np.mean(pred == y[idx]))
                if seed == 0:
                    first = pred
            k, n, rec = score(y[idx], first)
            print(f"  {mname:<18} {fmt(k, n):<34} {100 * min(accs):4.1f}–{100 * max(accs):4.1f}%    "
                  f"{fmt_recall(rec)}")
            if mname == "gradient boosting":
                oof_best[title] = (idx, first)
            if mname == "label-rule replica + GB":
                open_rows = np.isnan(X[idx, -2])
                truth = y[idx][open_rows] == "improving"
                line = ", ".join(f"{who} {fmt(int(np.sum((p[open_rows] == 'improving') == truth)), int(open_rows.sum()))}"
                                 for who, p in (("replica + GB", first), ("engine", engine[idx]),
                                                ("baseline", base[idx])))
                print(f"    the future question (improving or not) on the {open_rows.sum()} rows the past leaves "
                      f"open: {line}")

    print("\n== the open question by log length (all sets; engine right / rows the past leaves open)")
    open_all = np.isnan(X[:, -2])
    T = X[:, names.index("T")]
    for lo, hi in ((6, 9), (10, 15), (16, 24), (25, 60)):
        for fam, sel in (("keras rules", np.array([s.startswith("keras") for s in sets])),
                         ("steps rules", np.array([s.startswith("steps") for s in sets]))):
            m = open_all & sel & (T >= lo) & (T <= hi)
            if m.any():
                k = int(np.sum((engine[m] == "improving") == (y[m] == "improving")))
                print(f"  T {lo:2d}–{hi:2d} {fam}: engine {fmt(k, int(m.sum()))}, "
                      f"labelled improving {int(np.sum(y[m] == 'improving'))}")

    print("\n== trained on every tuned set, tested on each never-tuned set")
    tuned = np.array([t["tuned"] for t in table])
    for mname, make in mk.items():
        mdl, keep = fit(make, X[tuned], y[tuned])
        for s in set_names:
            m = (sets == s) & ~tuned
            if not m.any():
                continue
            pred = mdl.predict(X[m][:, keep])  # noqa
            k, n, rec = score(y[m], pred)
            ke, _, _ = score(y[m], engine[m])
            kb, _, _ = score(y[m], base[m])
            print(f"  {mname:<18} {s:<24} {fmt(k, n):<34} engine {100 * ke / n:5.1f}%  baseline "
                  f"{100 * kb / n:5.1f}%   {fmt_recall(rec)}")

    for title in ("keras sets pooled", "step sets pooled"):
        gap_analysis(title, mk["gradient boosting"], X, y, groups, engine, names, oof_best[title], table)


def gap_analysis(title, make, X, y, groups, engine, names, best, table):
    """Permutation importance of the pooled gradient-boosting model on the rows it gets right and
    the engine misses (each fold's model on its own held-out rows), and what those rows are."""
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import StratifiedGroupKFold

    idx, pred = best
    gap = (pred == y[idx]) & (engine[idx] != y[idx])
    lost = (pred != y[idx]) & (engine[idx] == y[idx])
    print(f"\n== {title}: where gradient boosting beats the engine: {gap.sum()} rows right where the engine "
          f"is wrong, {lost.sum()} the other way (fold seed 0)")
    cells = Counter((y[idx][i], engine[idx][i]) for i in np.where(gap)[0])
    print("  label → engine verdict on those rows: " +
          ", ".join(f"{a}→{b} {n}" for (a, b), n in cells.most_common()))
    per_set = Counter(table[i]["set"] for i in idx[gap])
    print("  by set: " + ", ".join(f"{s} {n}" for s, n in per_set.most_common()))
    imp = defaultdict(list)
    for tr, te in StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0).split(X[idx], y[idx], groups[idx]):
        tr, te = idx[tr], idx[te]
        mdl, keep = fit(make, X[tr], y[tr])
        rows = [i for i in te if gap[np.searchsorted(idx, i)]]
        if len(rows) < 3:
            continue
        r = permutation_importance(mdl, X[rows][:, keep], y[rows], n_repeats=10, random_state=0)
        for j, v in zip(np.where(keep)[0], r.importances_mean):
            imp[names[j]].append(v * len(rows))
    n_gap = max(int(gap.sum()), 1)
    top = sorted(((sum(v) / n_gap, k) for k, v in imp.items()), reverse=True)[:15]
    print("  permutation importance on those rows (accuracy lost when the feature is shuffled):")
    for v, k in top:
        col = names.index(k)
        vals = X[idx[gap], col]
        print(f"    {k:<24} {100 * v:5.1f} points   median on these rows {np.nanmedian(vals):.4g}")
    for lab in LABELS:
        rows = [i for i in np.where(gap)[0] if y[idx][i] == lab]
        if not rows:
            continue
        T = X[idx[rows], names.index("T")]
        print(f"  {lab:<12} {len(rows):3d} rows, T median {np.median(T):.0f} (range {T.min():.0f}–{T.max():.0f}), "
              f"engine said {dict(Counter(engine[idx][rows]))}")
    # each large cell against the rows the engine gets right with the same label, and the rows
    # that truly carry the verdict the engine gave: medians of the most important features
    feats = [k for _, k in top[:6]] + ["T"]
    print("  medians: the cell's rows | same label, engine right | the engine's verdict as label, engine right")
    for (lab, said), n in cells.most_common(3):
        cell = idx[[i for i in np.where(gap)[0] if y[idx][i] == lab and engine[idx][i] == said]]
        right = idx[(y[idx] == lab) & (engine[idx] == lab)]
        other = idx[(y[idx] == said) & (engine[idx] == said)]
        print(f"  {lab}→{said} ({n} rows; {len(right)} and {len(other)} rows to compare)")
        for k in feats:
            c = names.index(k)
            print(f"    {k:<24} " + " | ".join(f"{np.nanmedian(X[r, c]):9.4g}" if len(r) else "        –"
                                               for r in (cell, right, other)))


if __name__ == "__main__":
    main()
