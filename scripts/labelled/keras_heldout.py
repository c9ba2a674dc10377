#!/usr/bin/env python3
"""Generate tests/fixtures/keras-heldout: Keras 3 (JAX backend, CPU) CSVLogger logs made like
shared/fixtures/keras-labeled, from other runs, labelled by that README's rules
(labelrules.keras_label).

Usage (from the repository root):
    nice -n 10 python scripts/labelled/keras_heldout.py --seed 7302 --out tests/fixtures/keras-heldout

Deterministic given --seed (keras.utils.set_random_seed per run, XLA on one CPU thread).
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import multiprocessing  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn import datasets  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labelrules import keras_label  # noqa: E402

LABELS = ("diverging", "improving", "overfitting", "plateau")


def load(name, n_train, seed, scale_target=True):
    rs = np.random.RandomState(seed)
    if name == "digits":
        X, y = datasets.load_digits(return_X_y=True)
        task = "cls"
    elif name == "breast_cancer":
        X, y = datasets.load_breast_cancer(return_X_y=True)
        task = "cls"
    elif name == "wine":
        X, y = datasets.load_wine(return_X_y=True)
        task = "cls"
    elif name == "diabetes":
        X, y = datasets.load_diabetes(return_X_y=True)
        task = "reg"
    elif name == "make_classification":
        X, y = datasets.make_classification(n_samples=2000, n_features=30, n_informative=10, n_classes=3,
                                            flip_y=0.05, random_state=seed)
        task = "cls"
    else:
        X, y = datasets.make_regression(n_samples=2000, n_features=30, n_informative=12, noise=15.0,
                                        random_state=seed)
        task = "reg"
    idx = rs.permutation(len(X))
    n_val = max(40, len(X) // 4)
    va, tr = idx[:n_val], idx[n_val:n_val + n_train]
    X = X.astype("float32")
    mu, sd = X[tr].mean(0), X[tr].std(0)
    sd[sd < 1e-6] = 1.0
    X = (X - mu) / sd
    y = y.astype("float32" if task == "reg" else "int32")
    if task == "reg":
        if scale_target:
            y = (y - y[tr].mean()) / y[tr].std()
        y = y.reshape(-1, 1)
    n_out = int(y.max()) + 1 if task == "cls" else 1
    return task, X[tr], y[tr], X[va], y[va], n_out


def build(spec, d_in, n_out, task):
    reg = keras.regularizers.L2(spec["l2"]) if spec["l2"] else None
    layers = [keras.Input((d_in,))]
    for _ in range(spec["depth"]):
        layers.append(keras.layers.Dense(spec["width"], kernel_regularizer=reg))
        if spec["bn"]:
            layers.append(keras.layers.BatchNormalization())
        layers.append(keras.layers.Activation(spec["act"]))
        if spec["dropout"]:
            layers.append(keras.layers.Dropout(spec["dropout"]))
    layers.append(keras.layers.Dense(n_out, activation="softmax" if task == "cls" else None,
                                     kernel_regularizer=reg))
    return keras.Sequential(layers)


def optimizer(kind, lr):
    return {"sgd": lambda: keras.optimizers.SGD(lr),
            "momentum": lambda: keras.optimizers.SGD(lr, momentum=0.9),
            "adam": lambda: keras.optimizers.Adam(lr),
            "adamw": lambda: keras.optimizers.AdamW(lr),
            "rmsprop": lambda: keras.optimizers.RMSprop(lr),
            "adagrad": lambda: keras.optimizers.Adagrad(lr)}[kind]()


class GradNorm(keras.callbacks.Callback):
    """Global L2 norm of the data-loss gradient at epoch end, on a fixed batch of 256 training
    samples, in inference mode."""

    def __init__(self, x, y, task):
        super().__init__()
        self.x, self.y, self.task = jnp.asarray(x[:256]), jnp.asarray(y[:256]), task

    def on_epoch_end(self, epoch, logs=None):
        model = self.model
        tv = [v.value for v in model.trainable_variables]
        ntv = [v.value for v in model.non_trainable_variables]

        def loss_fn(tv_):
            out, _ = model.stateless_call(tv_, ntv, self.x, training=False)
            if self.task == "cls":
                return keras.losses.sparse_categorical_crossentropy(self.y, out).mean()
            return keras.losses.mean_squared_error(self.y, out).mean()

        g = jax.grad(loss_fn)(tv)
        logs["grad_norm"] = float(jnp.sqrt(sum(jnp.sum(jnp.square(x)) for x in g)))


def run_one(spec, path):
    keras.utils.set_random_seed(spec["seed"])
    task, Xtr, ytr, Xva, yva, n_out = load(spec["data"], spec["n_train"], spec["seed"], spec["scale_target"])
    model = build(spec, Xtr.shape[1], n_out, task)
    if task == "cls":
        model.compile(optimizer(spec["opt"], spec["lr"]), "sparse_categorical_crossentropy", metrics=["accuracy"])
    else:
        model.compile(optimizer(spec["opt"], spec["lr"]), "mse", metrics=["mae"])
    cbs = []
    if spec["grad_norm"]:
        cbs.append(GradNorm(Xtr, ytr, task))
    if spec["rlrop"]:
        cbs.append(keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=spec["rlrop"],
                                                     min_lr=1e-6))
    if spec["ton"]:
        cbs.append(keras.callbacks.TerminateOnNaN())
    cbs.append(keras.callbacks.CSVLogger(path))
    model.fit(Xtr, ytr, validation_data=(Xva, yva), epochs=spec["epochs"], batch_size=spec["bs"], verbose=0,
              callbacks=cbs, shuffle=True)


def train_job(job):
    """Worker: train one run into its CSV; returns the CPU seconds it took."""
    t0 = time.process_time()
    run_one(*job)
    return time.process_time() - t0


def read_log(path):
    with open(path) as fh:
        lines = fh.read().splitlines(keepends=True)
    rows = list(csv.DictReader(lines))
    loss = [float(r["loss"]) for r in rows]
    val = [float(r["val_loss"]) for r in rows]
    return lines, loss, val


def es10(val):
    """The long val_loss series replayed through keras.callbacks.EarlyStopping(patience=10)."""
    cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, min_delta=0)

    class Holder:
        stop_training = False

    cb.set_model(Holder())
    cb.on_train_begin()
    for e, v in enumerate(val):
        cb.on_epoch_end(e, {"val_loss": v})
        if cb.model.stop_training:
            return cb.stopped_epoch
    return None


def recipes(rng, n):
    """n run specifications in families like the development set's: healthy, slow, overfitting,
    unstable and blow-ups."""
    fams = ["healthy", "slow", "overfit", "unstable", "blowup", "deep"]
    weights = [0.18, 0.10, 0.20, 0.20, 0.18, 0.14]
    out = []
    for i in range(n):
        fam = rng.choices(fams, weights)[0]
        s = dict(seed=rng.randrange(10**6), family=fam, l2=0.0, dropout=0.0, bn=False, act="relu",
                 rlrop=0, ton=False, grad_norm=rng.random() < 0.3, scale_target=True, depth=1, width=64)
        s["data"] = rng.choice(["digits", "breast_cancer", "wine", "diabetes", "make_classification",
                                "make_regression"])
        full = {"digits": 1347, "breast_cancer": 427, "wine": 134, "diabetes": 332,
                "make_classification": 1500, "make_regression": 1500}[s["data"]]
        s["bs"] = rng.choice([16, 32, 64, 128])
        if fam == "healthy":
            s.update(depth=rng.choice([1, 2, 3]), width=rng.choice([32, 64, 128, 256]),
                     opt=rng.choice(["adam", "adamw", "momentum", "rmsprop", "sgd"]), n_train=full)
            s["lr"] = {"adam": 1e-3, "adamw": 1e-3, "momentum": 0.01, "rmsprop": 5e-4, "sgd": 0.03}[s["opt"]] * \
                rng.choice([0.3, 1.0, 2.0])
            s["dropout"] = rng.choice([0.0, 0.0, 0.2])
            s["bn"] = rng.random() < 0.25
            s["l2"] = rng.choice([0.0, 0.0, 1e-4])
        elif fam == "slow":
            s.update(depth=rng.choice([0, 1]), width=rng.choice([16, 64]), opt=rng.choice(["sgd", "adagrad"]),
                     n_train=full)
            s["lr"] = {"sgd": rng.choice([1e-3, 3e-3]), "adagrad": rng.choice([3e-3, 1e-2])}[s["opt"]]
        elif fam == "overfit":
            s.update(depth=rng.choice([1, 2, 3]), width=rng.choice([256, 512]),
                     opt=rng.choice(["adam", "adamw", "rmsprop", "momentum"]),
                     n_train=min(full, rng.choice([60, 100, 150, 250])), bs=rng.choice([16, 32]))
            s["lr"] = {"adam": 1e-3, "adamw": 1e-3, "rmsprop": 1e-3, "momentum": 0.02}[s["opt"]]
            s["dropout"] = rng.choice([0.0, 0.0, 0.1])
        elif fam == "unstable":
            s.update(depth=rng.choice([1, 2]), width=rng.choice([64, 128]), opt=rng.choice(["sgd", "momentum",
                                                                                          "adam", "rmsprop"]),
                     n_train=full, bs=rng.choice([16, 32]))
            s["lr"] = {"sgd": 0.3, "momentum": 0.08, "adam": 0.01, "rmsprop": 0.01}[s["opt"]] * \
                rng.choice([1.0, 2.0, 3.0])
        elif fam == "blowup":
            s.update(depth=rng.choice([1, 2, 3]), width=rng.choice([64, 128]),
                     opt=rng.choice(["sgd", "momentum", "adam", "rmsprop"]), n_train=full)
            s["lr"] = {"sgd": 1.0, "momentum": 0.2, "adam": 0.05, "rmsprop": 0.05}[s["opt"]] * \
                rng.choice([0.3, 0.5, 1.0])
            s["scale_target"] = rng.random() < 0.5
            s["ton"] = rng.random() < 0.5
        else:  # deep plain stacks
            s.update(depth=rng.choice([8, 12, 16]), width=rng.choice([32, 64]),
                     opt=rng.choice(["sgd", "momentum", "adam"]), n_train=full,
                     act=rng.choice(["relu", "tanh"]))
            s["lr"] = {"sgd": 0.05, "momentum": 0.01, "adam": 1e-3}[s["opt"]] * rng.choice([0.5, 1.0, 5.0])
            s["bn"] = rng.random() < 0.3
        if fam != "blowup" and rng.random() < 0.2:
            s["rlrop"] = rng.choice([3, 5])
        if fam in ("unstable", "deep") and rng.random() < 0.3:
            s["ton"] = True
        s["tmax"] = rng.choice([15, 20, 30, 40, 60])
        s["epochs"] = 3 * s["tmax"] + rng.choice([0, 0, 30])
        out.append(s)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7302)
    ap.add_argument("--runs", type=int, default=90, help="runs to train; 60 of them are published")
    ap.add_argument("--logs", type=int, default=60)
    ap.add_argument("--out", default="tests/fixtures/keras-heldout")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (each single-threaded)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    specs = recipes(rng, a.runs)
    tmp = tempfile.mkdtemp(prefix="keras-heldout-")
    t0 = time.time()
    jobs = [(spec, os.path.join(tmp, f"run{i:03d}.csv")) for i, spec in enumerate(specs)]
    runs = []
    cpu_total = 0.0
    with multiprocessing.get_context("spawn").Pool(a.jobs) as pool:
        for i, cpu in enumerate(pool.imap(train_job, jobs)):
            spec, path = jobs[i]
            cpu_total += cpu
            lines, loss, val = read_log(path)
            stopped = len(loss) < spec["epochs"]
            tmax = min(60, len(loss) if stopped else len(loss) // 3)
            cands = []
            for T in range(6, tmax + 1):
                label, conf, facts, reasons = keras_label(loss, val, T)
                cands.append({"T": T, "label": label, "confidence": conf, "facts": facts, "reasons": reasons})
            runs.append((spec, lines, loss, val, cands))
            print(f"run {i:03d} {spec['family']:8s} {spec['data']:20s} {spec['opt']:8s} lr {spec['lr']:.4g} "
                  f"epochs {len(loss):3d} cpu {cpu:5.1f}s " + "".join(c["label"][0] for c in cands), flush=True)
    # one log per run: go through the runs in random order and give each the label that is
    # rarest so far among those it offers (none once a label has a quarter of the logs), with T
    # drawn uniformly among that run's cuts with that label
    quota = math.ceil(a.logs / 4)
    counts = {lab: 0 for lab in LABELS}
    chosen = []
    for ri in rng.sample(range(len(runs)), len(runs)):
        if len(chosen) == a.logs:
            break
        offers = sorted({c["label"] for c in runs[ri][4]} - {lab for lab in LABELS if counts[lab] >= quota},
                        key=lambda lab: (counts[lab], lab))
        if not offers:
            continue
        c = rng.choice([c for c in runs[ri][4] if c["label"] == offers[0]])
        counts[offers[0]] += 1
        chosen.append((ri, c))
    rng.shuffle(chosen)
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    os.makedirs(os.path.join(a.out, "logs"))
    os.makedirs(os.path.join(a.out, "long"))
    rows = []
    for n, (ri, c) in enumerate(chosen):
        spec, lines, loss, val, _ = runs[ri]
        lid = f"h{n + 1:03d}"
        with open(os.path.join(a.out, "logs", lid + ".csv"), "w", newline="") as fh:
            fh.write("".join(lines[:c["T"] + 1]))
        with open(os.path.join(a.out, "long", lid + ".csv"), "w", newline="") as fh:
            fh.write("".join(lines))
        finite = [(v, e) for e, v in enumerate(val) if math.isfinite(v)]
        es = es10(val)
        f = c["facts"]
        rows.append({"id": lid, "truncated_at": c["T"], "label": c["label"], "confidence": c["confidence"],
                     "oracle_best_epoch": min(finite)[1] if finite else "",
                     "es10_stop_epoch": "" if es is None else es,
                     "run_epochs": len(loss), "family": spec["family"], "dataset": spec["data"],
                     "optimizer": spec["opt"], "lr": spec["lr"], "nonfinite_in_log": f["nonfinite"],
                     "gain": round(f["gain"], 4), "rise": round(f["rise"], 4) if math.isfinite(f["rise"]) else "",
                     "ratio": round(f["ratio"], 4) if math.isfinite(f["ratio"]) else "",
                     "edge_reason": "; ".join(c["reasons"])})
    rows.sort(key=lambda r: r["id"])
    with open(os.path.join(a.out, "labels.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(a.out, "runs.json"), "w") as fh:
        json.dump([s for s, *_ in runs], fh, indent=1, sort_keys=True)
        fh.write("\n")
    shutil.rmtree(tmp)
    from collections import Counter
    print("logs", len(rows), dict(Counter(r["label"] for r in rows)),
          dict(Counter((r["label"], r["confidence"]) for r in rows)))
    print(f"training CPU {cpu_total:.0f}s in {a.jobs} worker(s), wall {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
