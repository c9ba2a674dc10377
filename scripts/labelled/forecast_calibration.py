"""How often the forecast's 95% range held what real runs did next (printed by `make bench-forecast`).

`bench_forecast` measures the range on known curves; this measures it on the labelled sets whose
runs' futures are on disk: `keras-tune/long/` (the whole Keras run) and `steps-own/runs.json`
(validation loss of every evaluation period of each run). For every log whose report carries a
projection of the validation loss, the realised level at half and at the whole projected horizon
(the median of the three evaluations nearest that x) is compared with the range drawn there.
Tuned sets only: nothing here is measured on a never-tuned set.

Usage: python3 scripts/labelled/forecast_calibration.py [path/to/plateau]
"""

import csv
import glob
import json
import math
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
FRACTIONS = (0.5, 1.0)


def report(binary, files):
    out = subprocess.run([binary, "check", "--json", *map(str, files)], capture_output=True, text=True)
    try:
        runs = json.loads(out.stdout)["runs"]
    except (json.JSONDecodeError, KeyError):
        return None
    return runs[0] if len(runs) == 1 else None


def outcomes(run, xs, vs):
    """(fraction, 'in' | 'better' | 'worse') for each fraction of the horizon the future reaches."""
    proj = run.get("projection") if run else None
    if not proj or not proj["series"].startswith(("val", "eval")) or len(xs) < 2:
        return []
    spacing = xs[1] - xs[0]
    found = []
    for frac in FRACTIONS:
        i = min(len(proj["x"]) - 1, round(frac * (len(proj["x"]) - 1)))
        x = proj["x"][i]
        near = sorted(range(len(xs)), key=lambda k: abs(xs[k] - x))[:3]
        if abs(xs[near[0]] - x) > 1.5 * spacing:
            continue  # the run stopped before this point
        values = [vs[k] for k in near if math.isfinite(vs[k])]
        if len(values) < 3:
            continue
        level = statistics.median(values)
        lo, hi = sorted((proj["low"][i], proj["high"][i]))
        found.append((frac, "in" if lo <= level <= hi else ("better" if level < lo else "worse")))
    return found


def keras_tune(binary):
    for lab in csv.DictReader(open(FIXTURES / "keras-tune" / "labels.csv")):
        run = report(binary, [FIXTURES / "keras-tune" / "logs" / f"{lab['id']}.csv"])
        long = list(csv.DictReader(open(FIXTURES / "keras-tune" / "long" / f"{lab['id']}.csv")))
        xs = [float(r["epoch"]) for r in long]
        vs = [float(r["val_loss"]) for r in long]
        yield lab, outcomes(run, xs, vs)


def steps_own_tune(binary):
    runs = json.load(open(FIXTURES / "steps-own" / "runs.json"))
    for lab in csv.DictReader(open(FIXTURES / "steps-own" / "labels.csv")):
        if lab["split"] != "tune":
            continue
        files = sorted(glob.glob(str(FIXTURES / "steps-own" / "logs" / lab["id"] / "*")))
        per = int(lab["steps_per_eval"])
        v = runs[int(lab["run"])]["v"]
        # Evaluation k (0-based) is logged at the step count after k + 1 periods.
        xs = [(k + 1) * per for k in range(len(v))]
        yield lab, outcomes(report(binary, files), xs, v)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "release" / "plateau")
    print("\nForecast range against real futures (tuned sets; realised level = median of the 3 evaluations nearest):")
    for name, cases in (("keras-tune", keras_tune), ("steps-own tune", steps_own_tune)):
        tally = {f: Counter() for f in FRACTIONS}
        by_label = Counter()
        for lab, found in cases(binary):
            for frac, where in found:
                tally[frac][where] += 1
                if frac == 1.0:
                    by_label[(lab["label"], where)] += 1
        for frac in FRACTIONS:
            t = tally[frac]
            n = sum(t.values())
            if n:
                print(f"  {name:<15} at {frac:.0%} of the horizon: held {t['in']}/{n} ({100 * t['in'] / n:.0f}%), "
                      f"future better than the range {t['better']}, worse {t['worse']}")
        labels = sorted({label for label, _ in by_label})
        print("    at the horizon, by label: " + "; ".join(
            f"{label} {by_label[(label, 'in')]} in / {by_label[(label, 'better')]} better / {by_label[(label, 'worse')]} worse"
            for label in labels))


if __name__ == "__main__":
    main()
