#!/usr/bin/env python3
"""How often does the same run, labelled the same way, get the same label twice? (issue #11)

Two kinds of twins of the runs behind a labelled step-level set (steps_own.py, labelrules.steps_label):

* **fork** twins: the run is trained exactly as it was up to the end of a cut's period T-1 (its
  past, the log a rule would see, is identical), then goes on with a new data order and a new
  dropout stream (`fork` in steps_own.train) for the 2T periods its label looks at. Each cut gets
  K forks; with the original's own future that is K+1 futures of one state.
* **reseed** twins: the whole configuration trained again with another `seed` (new weights, data
  order, train/validation split and, for the generated data sets, another draw of the data), cut at
  the same T. Their pasts differ too.

    train:  nice -n 19 env OMP_NUM_THREADS=1 python scripts/labelled/twins.py train \\
                --set tests/fixtures/steps-own:untouched --set tests/fixtures/steps-own2 --forks 2 --reseed \\
                --seed 20261211 --out tests/fixtures/twins/steps.json
    report: python scripts/labelled/twins.py report tests/fixtures/twins/steps.json

and fork twins of the Keras-like runs (keras_heldout.py, labelrules.keras_label): the cuts of a
keras-heldout-like set whose label the future decides (improving, plateau; diverging and
overfitting are decided by the log itself under those rules), epochs 0..T-1 retrained with the
run's seed, then a new `keras.utils.set_random_seed` (data order) for epochs T..3T-1:

    keras:  nice -n 19 python scripts/labelled/twins.py keras --set tests/fixtures/keras-heldout \
                --forks 2 --seed 20261211 --out tests/fixtures/twins/keras.json

`report` needs only the standard library; `train` needs the steps-own environment
(scripts/labelled/requirements-steps.txt), `keras` the keras-heldout one (requirements-keras.txt).
"""

import argparse
import csv
import json
import math
import os
import random
import sys
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

LABELS = ("improving", "plateau", "overfitting", "diverging")
RUN_KEYS = ("m", "v", "run", "steps_per_epoch", "steps_per_eval")


def wilson(k, n, z=1.959964):
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def pct(k, n):
    if n == 0:
        return "     –"
    lo, hi = wilson(k, n)
    return f"{100 * k / max(n, 1):5.1f}% [{100 * lo:.1f}–{100 * hi:.1f}] ({k}/{n})"


def sub_seed(*parts):
    return random.Random(":".join(map(str, parts))).randrange(1, 2**31 - 1)


def job(task):
    """Worker: train one spec, return its per-period aggregates and CPU seconds."""
    import steps_own  # torch is imported only in the workers that train

    kind, key, spec = task
    run = steps_own.train(spec)
    m, v = steps_own.aggregates(run)
    return kind, key, m, v, run["cpu"]


def train(a):
    import multiprocessing

    from labelrules import steps_label

    tasks, cuts = [], []
    for spec_arg in a.set:
        folder, _, split = spec_arg.partition(":")
        name = os.path.basename(folder.rstrip("/"))
        runs = json.load(open(os.path.join(folder, "runs.json")))
        rows = [r for r in csv.DictReader(open(os.path.join(folder, "labels.csv"))) if not split or r["split"] == split]
        by_run = defaultdict(list)
        for r in rows:
            by_run[int(r["run"])].append(r)
        for ri in sorted(by_run)[: a.limit]:
            spec = {k: v for k, v in runs[ri].items() if k not in RUN_KEYS}
            if a.reseed:
                twin = dict(spec, seed=sub_seed(a.seed, name, ri, "reseed") % 10**6)
                tasks.append(("reseed", (name, ri), twin))
            for r in by_run[ri]:
                T = int(r["T"])
                cuts.append((name, ri, r, runs[ri]))
                for j in range(a.forks):
                    fork = dict(spec, fork=[T, sub_seed(a.seed, name, ri, T, j)], stop_periods=3 * T)
                    tasks.append(("fork", (name, ri, T, j), fork))
    print(f"{len(tasks)} trainings ({len(cuts)} cuts)", flush=True)
    t0 = time.time()
    got, cpu = {}, 0.0
    partial = open(a.out + ".partial", "w")  # every result as it comes, should the summary fail
    with multiprocessing.get_context("spawn").Pool(a.jobs) as pool:
        for n, (kind, key, m, v, c) in enumerate(pool.imap_unordered(job, tasks)):
            got[(kind, key)] = (m, v)
            cpu += c
            partial.write(json.dumps([kind, key, m, v, c]) + "\n")
            partial.flush()
            if n % 50 == 0:
                print(f"  {n}/{len(tasks)} cpu {cpu:.0f}s wall {time.time() - t0:.0f}s", flush=True)
    out = {"seed": a.seed, "forks": a.forks, "training_cpu_s": round(cpu), "wall_s": round(time.time() - t0),
           "cuts": [], "reseed": []}
    seen_runs = set()
    for name, ri, r, orig in cuts:
        T = int(r["T"])
        # runs.json keeps m and v to 6 decimals, which can move a label across a threshold: the
        # original's label is the published one, computed by the generator on the full values
        _, _, facts, _ = steps_label(orig["m"], orig["v"], T)
        forks = []
        for j in range(a.forks):
            m, v = got[("fork", (name, ri, T, j))]
            same_past = all(math.isclose(x, y, rel_tol=1e-5, abs_tol=1e-6) or (math.isnan(x) and math.isnan(y))
                            for x, y in zip(m[:T] + v[:T], orig["m"][:T] + orig["v"][:T]))
            fl, fc, ff, _ = steps_label(m, v, T)
            forks.append({"label": fl, "confidence": fc, "gain": round(ff["gain"], 4), "same_past": same_past})
        cut = {"set": name, "id": r["id"], "run": ri, "T": T, "split": r["split"], "kind": r["kind"],
               "label": r["label"], "confidence": r["confidence"], "gain": round(facts["gain"], 4),
               "forks": forks}
        if a.reseed:
            m, v = got[("reseed", (name, ri))]
            tl, tc, _, _ = steps_label(m, v, T)
            cut["reseed"] = {"label": tl, "confidence": tc}
            if (name, ri) not in seen_runs:
                seen_runs.add((name, ri))
                P = len(orig["v"]) // 3
                both = []
                for t in range(6, P + 1):
                    both.append([t, steps_label(orig["m"], orig["v"], t)[0], steps_label(m, v, t)[0]])
                out["reseed"].append({"set": name, "run": ri, "kind": orig["kind"], "cuts": both})
        out["cuts"].append(cut)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
        fh.write("\n")
    partial.close()
    os.remove(a.out + ".partial")
    print(f"training CPU {cpu:.0f}s, wall {time.time() - t0:.0f}s -> {a.out}")


def keras_job(task):
    """Worker: one Keras run trained for T epochs as keras_heldout.run_one trains it, its state
    (weights, optimizer variables, ReduceLROnPlateau counters) kept, then each continuation
    restores that state, sets its own random seed (data order) and trains epochs T..3T-1.
    Returns the past and each continuation's per-epoch loss and val_loss, and CPU seconds.
    (A fresh process does not retrace the published run's epochs exactly, so the past is this
    job's own.)"""
    import keras_heldout as kh  # sets the JAX backend before keras is imported

    import keras

    key, spec, T, seeds = task
    t0 = time.process_time()
    keras.utils.set_random_seed(spec["seed"])
    task_, Xtr, ytr, Xva, yva, n_out = kh.load(spec["data"], spec["n_train"], spec["seed"], spec["scale_target"])
    model = kh.build(spec, Xtr.shape[1], n_out, task_)
    model.compile(kh.optimizer(spec["opt"], spec["lr"]),
                  "sparse_categorical_crossentropy" if task_ == "cls" else "mse")

    class Record(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.loss, self.val = [], []

        def on_epoch_end(self, epoch, logs=None):
            self.loss.append(float(logs["loss"]))
            self.val.append(float(logs["val_loss"]))

    rec = Record()
    cbs = [rec, keras.callbacks.TerminateOnNaN()] if spec["ton"] else [rec]
    rl = None
    if spec["rlrop"]:
        rl = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=spec["rlrop"], min_lr=1e-6)
        cbs.append(rl)
    fit = dict(validation_data=(Xva, yva), batch_size=spec["bs"], verbose=0, shuffle=True)
    model.fit(Xtr, ytr, epochs=T, callbacks=cbs, **fit)
    past = (rec.loss[:], rec.val[:])
    weights = model.get_weights()
    opt_state = [v.numpy() for v in model.optimizer.variables]
    rl_state = (rl.wait, rl.best, rl.cooldown_counter) if rl else None
    futures = []
    for seed in seeds if len(past[0]) == T else []:
        model.set_weights(weights)
        for v, x in zip(model.optimizer.variables, opt_state):
            v.assign(x)
        rec.loss, rec.val = [], []
        keras.utils.set_random_seed(seed)
        if rl:
            rl.on_train_begin = lambda logs=None: None  # keep the counters of the past
            rl.wait, rl.best, rl.cooldown_counter = rl_state
        model.stop_training = False
        model.fit(Xtr, ytr, initial_epoch=T, epochs=min(3 * T, spec["epochs"]), callbacks=cbs, **fit)
        futures.append((rec.loss[:], rec.val[:]))
    return key, past, futures, time.process_time() - t0


def keras(a):
    import multiprocessing

    from labelrules import keras_label

    tasks, cuts = [], []
    for folder in a.set:
        name = os.path.basename(folder.rstrip("/"))
        specs = json.load(open(os.path.join(folder, "runs.json")))
        for r in csv.DictReader(open(os.path.join(folder, "labels.csv"))):
            if r["label"] not in ("improving", "plateau"):
                continue  # the log alone decides diverging and overfitting under these rules
            match = [s for s in specs if s["family"] == r["family"] and s["data"] == r["dataset"] and
                     s["opt"] == r["optimizer"] and math.isclose(s["lr"], float(r["lr"])) and
                     (s["epochs"] == int(r["run_epochs"]) or (s["ton"] and int(r["run_epochs"]) < s["epochs"]))]
            if len(match) != 1:
                print(f"  {name} {r['id']}: {len(match)} runs fit its settings, left out")
                continue
            T = int(r["truncated_at"])
            cuts.append((name, r))
            tasks.append(((name, r["id"]), match[0], T, [sub_seed(a.seed, name, r["id"], T, j) for j in range(a.forks + 1)]))
    print(f"{len(tasks)} Keras forks ({len(cuts)} cuts)", flush=True)
    t0 = time.time()
    got, cpu = {}, 0.0
    with multiprocessing.get_context("spawn").Pool(a.jobs) as pool:
        for n, (key, past, futures, c) in enumerate(pool.imap_unordered(keras_job, tasks)):
            got[key] = (past, futures)
            cpu += c
            if n % 10 == 0:
                print(f"  {n}/{len(tasks)} cpu {cpu:.0f}s wall {time.time() - t0:.0f}s", flush=True)
    out = {"seed": a.seed, "forks": a.forks, "training_cpu_s": round(cpu), "wall_s": round(time.time() - t0),
           "cuts": []}
    for name, r in cuts:
        T = int(r["truncated_at"])
        (loss, val), futures = got[(name, r["id"])]
        # the label of this job's own past with its first continuation stands in for the original's
        labels = [keras_label(loss + fl, val + fv, T) for fl, fv in futures]
        if not labels:
            continue  # TerminateOnNaN stopped the retrained run inside its past
        forks = [{"label": lab, "confidence": conf, "gain": round(ff["gain"], 4), "same_past": True}
                 for lab, conf, ff, _ in labels[1:]]
        out["cuts"].append({"set": name, "id": r["id"], "T": T, "label": labels[0][0],
                            "published_label": r["label"], "confidence": labels[0][1],
                            "gain": round(labels[0][2]["gain"], 4), "kind": r["family"], "forks": forks})
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print(f"training CPU {cpu:.0f}s, wall {time.time() - t0:.0f}s -> {a.out}")


def binary_ceiling(agree):
    """Upper bound on E[max_y p_y] from the mean pairwise agreement when each state has at most two
    possible labels: max(p, 1-p) = (1 + sqrt(2a - 1)) / 2 is concave in a (Jensen)."""
    return (1 + math.sqrt(max(0.0, 2 * agree - 1))) / 2


def report(a):
    data = json.load(open(a.file))
    cuts = data["cuts"]
    groups = [("all sets", cuts)] + [(s, [c for c in cuts if c["set"] == s])
                                    for s in sorted({c["set"] for c in cuts})]
    print(f"twins: {len(cuts)} cuts, {data['forks']} forks each, seed {data['seed']}, "
          f"training CPU {data['training_cpu_s']} s")
    bad = sum(not f["same_past"] for c in cuts for f in c["forks"])
    print(f"forks whose past differs from the original's (should be 0): {bad}")
    if cuts and "published_label" in cuts[0]:
        same = sum(c["label"] == c["published_label"] for c in cuts)
        print(f"retrained runs whose first continuation gets the published label: {same} of {len(cuts)} "
              f"(published: {dict(Counter(c['published_label'] for c in cuts))}; retrained: "
              f"{dict(Counter(c['label'] for c in cuts))})")
    for title, cs in groups:
        print(f"\n{title} ({len(cs)} cuts)")
        print("  fork twins (same past, new future): original label vs each fork's label, and fork vs fork")
        print(f"  {'label':<12} {'original = fork':<32} {'fork = fork':<32}")
        tot = [0, 0, 0, 0]
        for lab in LABELS + ("clear rows",):
            sel = [c for c in cs if (c["label"] == lab if lab in LABELS else c["confidence"] == "clear")]
            k = sum(f["label"] == c["label"] for c in sel for f in c["forks"])
            n = sum(len(c["forks"]) for c in sel)
            pk = sum(fa["label"] == fb["label"] for c in sel for i, fa in enumerate(c["forks"])
                     for fb in c["forks"][i + 1:])
            pn = sum(len(c["forks"]) * (len(c["forks"]) - 1) // 2 for c in sel)
            if lab in LABELS:
                tot = [tot[0] + k, tot[1] + n, tot[2] + pk, tot[3] + pn]
            print(f"  {lab:<12} {pct(k, n):<32} {pct(pk, pn):<32}")
        print(f"  {'all':<12} {pct(tot[0], tot[1]):<32} {pct(tot[2], tot[3]):<32}")
        # majority of the forks (ties: the first fork) as a rule that knows the state at T
        maj = 0
        for c in cs:
            votes = Counter(f["label"] for f in c["forks"])
            best = max(votes.values())
            pick = next(f["label"] for f in c["forks"] if votes[f["label"]] == best)
            maj += pick == c["label"]
        print(f"  majority of the forks (ties: the first) against the original label: {pct(maj, len(cs))}")
        # E[max_y p_y(state)] <= sum over groups of P(group) * h(mean fork-pair agreement in the group),
        # h(a) = (1 + sqrt(2a - 1)) / 2, grouped by the original label (Jensen within each group)
        bound = bound_hi = 0.0
        for lab in LABELS:
            sel = [c for c in cs if c["label"] == lab]
            pk = sum(fa["label"] == fb["label"] for c in sel for i, fa in enumerate(c["forks"])
                     for fb in c["forks"][i + 1:])
            pn = sum(len(c["forks"]) * (len(c["forks"]) - 1) // 2 for c in sel)
            if pn:
                bound += len(sel) / len(cs) * binary_ceiling(pk / pn)
                bound_hi += len(sel) / len(cs) * binary_ceiling(wilson(pk, pn)[1])
            elif sel:
                bound += len(sel) / len(cs)
                bound_hi += len(sel) / len(cs)
        print(f"  best accuracy any rule that knows the state at T can have on a fresh future: ≤ {100 * bound:.1f}% "
              f"(≤ {100 * bound_hi:.1f}% with each group's agreement at its upper 95% bound)")
        if cs and "reseed" in cs[0]:
            print("  reseed twins (whole run again with another seed, cut at the same T): original = twin")
            for lab in LABELS:
                sel = [c for c in cs if c["label"] == lab]
                k = sum(c["reseed"]["label"] == lab for c in sel)
                conf = Counter(c["reseed"]["label"] for c in sel)
                print(f"  {lab:<12} {pct(k, len(sel)):<32} twin labels {dict(conf)}")
            k = sum(c["reseed"]["label"] == c["label"] for c in cs)
            print(f"  {'all':<12} {pct(k, len(cs))}")
    rs = data.get("reseed", [])
    if rs:
        print("\nreseed twins at every admissible T of each run (not only the set's cuts; "
              f"{len(rs)} runs): original = twin, by original label")
        pairs = [(o, t) for r in rs for _, o, t in r["cuts"]]
        for lab in LABELS:
            sel = [(o, t) for o, t in pairs if o == lab]
            print(f"  {lab:<12} {pct(sum(o == t for o, t in sel), len(sel))}")
        print(f"  {'all':<12} {pct(sum(o == t for o, t in pairs), len(pairs))}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--set", action="append", required=True,
                   help="a steps-own-like folder (runs.json, labels.csv); FOLDER:SPLIT keeps the rows of one split")
    t.add_argument("--forks", type=int, default=3)
    t.add_argument("--reseed", action="store_true", help="also train each run again with another seed")
    t.add_argument("--seed", type=int, default=20261211)
    t.add_argument("--jobs", type=int, default=2)
    t.add_argument("--limit", type=int, default=None, help="only the first N runs of each set (a quick look)")
    t.add_argument("--out", required=True)
    k = sub.add_parser("keras")
    k.add_argument("--set", action="append", required=True, help="a keras-heldout-like folder (runs.json, long/)")
    k.add_argument("--forks", type=int, default=2, help="continuations after each cut besides the first, which plays the original")
    k.add_argument("--seed", type=int, default=20261211)
    k.add_argument("--jobs", type=int, default=2)
    k.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("file")
    a = ap.parse_args()
    {"train": train, "keras": keras, "report": report}[a.cmd](a)


if __name__ == "__main__":
    main()
