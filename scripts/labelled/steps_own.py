#!/usr/bin/env python3
"""Generate tests/fixtures/steps-own: per-step logs of small real PyTorch CPU training runs,
cut at several points T and labelled from each run's own future (rules of
shared/fixtures/steps-labeled/README.md, implemented in labelrules.steps_label).

Usage (from the repository root):
    nice -n 10 env OMP_NUM_THREADS=1 python scripts/labelled/steps_own.py --seed 20261201 \
        --out tests/fixtures/steps-own

Deterministic given --seed: torch runs on 1 CPU thread with seeded generators; the wall times in
the TensorBoard exports and the HF runtimes are derived from the step counter, not measured.
"""

import argparse
import copy
import csv
import json
import math
import multiprocessing
import os
import random
import shutil
import sys
import time

import numpy as np
import torch
from sklearn import datasets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labelrules import steps_label  # noqa: E402

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def f32(x):
    """The double a float32 scalar prints as (what Lightning, HF and TensorBoard write)."""
    return float(np.float32(x))


# ---------------------------------------------------------------- data


def load_data(name, n_train, n_val, seed, raw_target=False):
    rs = np.random.RandomState(seed)
    if name == "digits":
        X, y = datasets.load_digits(return_X_y=True)
        task = "cls"
    elif name == "cancer":
        X, y = datasets.load_breast_cancer(return_X_y=True)
        task = "cls"
    elif name == "wine":
        X, y = datasets.load_wine(return_X_y=True)
        task = "cls"
    elif name == "diabetes":
        X, y = datasets.load_diabetes(return_X_y=True)
        task = "reg"
    elif name == "synth_cls":
        X, y = datasets.make_classification(n_samples=3000, n_features=20, n_informative=8, n_redundant=4,
                                            n_classes=4, flip_y=0.08, class_sep=0.9, random_state=seed)
        task = "cls"
    elif name == "synth_reg":
        X, y = datasets.make_regression(n_samples=2500, n_features=20, n_informative=10, noise=25.0,
                                        random_state=seed)
        task = "reg"
    else:
        raise ValueError(name)
    idx = rs.permutation(len(X))
    n_val = min(n_val, len(X) // 3)
    va, tr = idx[:n_val], idx[n_val:n_val + n_train]
    X = X.astype(np.float64)
    mu, sd = X[tr].mean(0), X[tr].std(0)
    sd[sd < 1e-6] = 1.0  # pixels that are constant in the training subset
    X = (X - mu) / sd
    if task == "reg":
        y = y.astype(np.float64)
        if not raw_target:
            y = (y - y[tr].mean()) / y[tr].std()
        y = y.reshape(-1, 1)
        yt = torch.tensor(y, dtype=torch.float32)
    else:
        yt = torch.tensor(y, dtype=torch.long)
    Xt = torch.tensor(X, dtype=torch.float32)
    n_out = int(y.max()) + 1 if task == "cls" else 1
    return task, Xt[tr], yt[tr], Xt[va], yt[va], n_out


def make_model(d_in, d_out, width, depth, dropout, bn):
    layers, d = [], d_in
    for _ in range(depth):
        layers.append(torch.nn.Linear(d, width))
        if bn:
            layers.append(torch.nn.BatchNorm1d(width))
        layers.append(torch.nn.ReLU())
        if dropout:
            layers.append(torch.nn.Dropout(dropout))
        d = width
    layers.append(torch.nn.Linear(d, d_out))
    return torch.nn.Sequential(*layers)


OPT_NAMES = {"sgd": "SGD", "momentum": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop"}


def make_optimizer(kind, params, lr, wd):
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=wd)
    if kind == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=wd)
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=wd or 0.01)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=wd)
    raise ValueError(kind)


def make_scheduler(sched, opt, total, lr, plan):
    """Per-step scheduler. total: steps the run trains;
    plan: steps of the planned schedule for the *_end kinds (LR stays 0 after it)."""
    warm = max(1, int(0.06 * total))
    if sched == "const":
        return torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0)
    if sched == "warmup_cosine":
        def f(s):
            if s < warm:
                return s / warm
            return max(0.0, 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, total - warm))))
        return torch.optim.lr_scheduler.LambdaLR(opt, f)
    if sched == "linear":
        def f(s):
            if s < warm:
                return s / warm
            return max(0.0, (total - s) / max(1, total - warm))
        return torch.optim.lr_scheduler.LambdaLR(opt, f)
    if sched == "linear_end":
        w = max(1, int(0.06 * plan))

        def f(s):
            if s < w:
                return s / w
            return max(0.0, (plan - s) / max(1, plan - w))
        return torch.optim.lr_scheduler.LambdaLR(opt, f)
    if sched == "cosine_end":
        return torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / plan)) if s < plan else 0.0)
    if sched == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=total + 1,
                                                   cycle_momentum=opt.defaults.get("momentum", 0) > 0 or "betas" in opt.defaults)
    if sched == "step":
        return torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[int(total * 0.2), int(total * 0.4)], gamma=0.1)
    if sched == "restarts":
        return torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=max(1, total // 31), T_mult=2,
                                                                    eta_min=lr * 0.01)
    raise ValueError(sched)


# ---------------------------------------------------------------- training


def train(spec):
    """Run one training run. Returns step and eval records with session ids and lineage flags."""
    torch.manual_seed(spec["seed"])
    task, Xtr, ytr, Xva, yva, n_out = load_data(spec["data"], spec["n_train"], spec["n_val"], spec["seed"],
                                                spec.get("raw_target", False))
    model = make_model(Xtr.shape[1], n_out, spec["width"], spec["depth"], spec["dropout"], spec["bn"])
    opt = make_optimizer(spec["opt"], model.parameters(), spec["lr"], spec["wd"])
    bs, n = spec["bs"], len(Xtr)
    spe = math.ceil(n / bs)
    k = max(2, round(spe * spec.get("k_frac", 1.0)))  # steps per evaluation period
    total = spec["periods"] * k
    plan = spec.get("plan_periods", spec["periods"]) * k
    sched = make_scheduler(spec["sched"], opt, total, spec["lr"], plan)
    lossfn = torch.nn.functional.cross_entropy if task == "cls" else torch.nn.functional.mse_loss
    amp = spec["amp"]

    def forward(x):
        if amp:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                return model(x).float()
        return model(x)

    def evaluate():
        model.eval()
        with torch.no_grad():
            out = forward(Xva)
            v = lossfn(out, yva).item()
            if task == "cls":
                metric = (out.argmax(1) == yva).float().mean().item()
            else:
                metric = (out - yva).abs().mean().item()
        model.train()
        return v, metric

    # a process dies `frac` of a period after the checkpoint saved at the end of period r
    resumes = {r * k: max(1, int(frac * k)) for r, frac in spec.get("resumes", [])}
    # twins.py: `fork` = (period, seed) gives the run a new data order and dropout stream from the
    # end of that period on (the past stays the same); `stop_periods` ends training early
    fork = spec.get("fork")
    salt = 0
    stop = spec.get("stop_periods", spec["periods"]) * k
    steps, evals = [], []
    session = 0
    gen = torch.Generator().manual_seed(spec["seed"] * 7 + 1)
    perm, perm_epoch = None, -1
    s = 0
    crash_at = None
    snapshot = None
    t0 = time.process_time()
    while s < stop:
        epoch = s // spe
        if epoch != perm_epoch:
            perm, perm_epoch = torch.randperm(n, generator=gen), epoch
        b = s % spe
        idx = perm[b * bs:(b + 1) * bs]
        xb, yb = Xtr[idx], ytr[idx]
        if s == spec.get("glitch_step"):
            xb = xb.clone()
            xb[0, 0] = float("inf")  # a corrupted record in this batch
        lr_used = sched.get_last_lr()[0]
        out = forward(xb)
        loss = lossfn(out, yb)
        lv = loss.item()
        opt.zero_grad(set_to_none=True)
        gn = math.nan
        if spec["guard"] and not math.isfinite(lv):
            pass  # skipped step, as a GradScaler skips an overflow step
        else:
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(model.parameters(), spec.get("clip", float("inf"))).item()
            opt.step()
        sched.step()
        lineage = crash_at is None
        steps.append({"sess": session, "s": s, "loss": lv, "lr": lr_used, "lr_after": sched.get_last_lr()[0],
                      "gn": gn, "lineage": lineage})
        s += 1
        if s % k == 0:
            v, metric = evaluate()
            evals.append({"sess": session, "s": s, "p": s // k - 1, "v": v, "metric": metric, "lineage": lineage})
            if fork is not None and s == fork[0] * k and crash_at is None:
                salt = fork[1]
                gen = torch.Generator().manual_seed(salt)
                torch.manual_seed(salt + 1)
                perm_epoch = -1
        if s in resumes and crash_at is None:
            snapshot = (copy.deepcopy(model.state_dict()), copy.deepcopy(opt.state_dict()),
                        copy.deepcopy(sched.state_dict()), s)
            crash_at = s + resumes[s]
        if crash_at is not None and s == crash_at:
            # the process dies here; a new one reloads the checkpoint saved at the period end
            model.load_state_dict(snapshot[0])
            opt.load_state_dict(snapshot[1])
            sched.load_state_dict(snapshot[2])
            s = snapshot[3]
            session += 1
            gen = torch.Generator().manual_seed(spec["seed"] * 7 + 1 + 1000 * session + salt)
            perm_epoch = -1
            crash_at = None
    cpu = time.process_time() - t0
    return {"task": task, "spe": spe, "k": k, "total": total, "plan": plan, "steps": steps, "evals": evals,
            "n_train": n, "n_val": len(Xva), "cpu": cpu}


def aggregates(run):
    """Per-period m (mean per-step training loss over the lineage; NaN when any step is
    non-finite) and v (validation loss of the lineage's evaluation)."""
    k, P = run["k"], run["total"] // run["k"]
    m = [[] for _ in range(P)]
    for r in run["steps"]:
        if r["lineage"]:
            m[r["s"] // k].append(r["loss"])
    mm = [float(np.mean(x)) if x and all(math.isfinite(y) for y in x) else math.nan for x in m]
    v = [math.nan] * P
    for e in run["evals"]:
        if e["lineage"]:
            v[e["p"]] = e["v"]
    return mm, v


# ---------------------------------------------------------------- writers


def sessions_until(run, cut_s):
    """Step and eval records per session as they appear in the session logs, for a log cut when
    the lineage reached step cut_s. Earlier sessions are complete (including their lost steps)."""
    out = {}
    last_sess = None
    for r in run["steps"]:
        if r["lineage"] and r["s"] == cut_s - 1:
            last_sess = r["sess"]
    for r in run["steps"]:
        if r["sess"] > last_sess or (r["sess"] == last_sess and r["s"] >= cut_s):
            continue
        out.setdefault(r["sess"], {"steps": [], "evals": []})["steps"].append(r)
    for e in run["evals"]:
        if e["sess"] > last_sess or (e["sess"] == last_sess and e["s"] > cut_s):
            continue
        out.setdefault(e["sess"], {"steps": [], "evals": []})["evals"].append(e)
    return [out[i] for i in sorted(out)]


def write_lightning(run, spec, cut_s, d):
    opt_col = "lr-" + OPT_NAMES[spec["opt"]]
    metric = "val_acc" if run["task"] == "cls" else "val_mae"
    n_log, spe, k = spec["log_every"], run["spe"], run["k"]
    epoch_loss = spec.get("epoch_loss", False)
    keys = ["epoch", "step", opt_col, "train_loss_step", "val_loss", metric]
    if epoch_loss:
        keys.append("train_loss_epoch")
    keys.sort()
    sess = sessions_until(run, cut_s)
    files = []
    for i, ss in enumerate(sess):
        rows = []
        evals = {e["s"]: e for e in ss["evals"]}
        ep_losses = []
        for r in ss["steps"]:
            s = r["s"]
            ep_losses.append(r["loss"])
            if (s + 1) % n_log == 0:
                rows.append({opt_col: r["lr"], "step": s})
                rows.append({"epoch": s // spe, "step": s, "train_loss_step": f32(r["loss"])})
            if (s + 1) in evals:
                e = evals[s + 1]
                rows.append({"epoch": s // spe, "step": s, "val_loss": f32(e["v"]), metric: f32(e["metric"])})
            if (s + 1) % spe == 0:
                if epoch_loss:
                    rows.append({"epoch": s // spe, "step": s, "train_loss_epoch": f32(np.mean(ep_losses))})
                ep_losses = []
        name = "metrics.csv" if len(sess) == 1 else f"lightning_logs/version_{i}/metrics.csv"
        path = os.path.join(d, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=keys)
            w.writeheader()
            w.writerows(rows)
        files.append(name)
    return files


def write_hf(run, spec, cut_s, d, finished):
    k, spe = run["k"], run["spe"]
    L = spec["log_every"]
    metric = "eval_accuracy" if run["task"] == "cls" else "eval_mae"
    history = []
    evals = {e["s"]: e for e in run["evals"] if e["lineage"]}
    resume_points = {r * k for r, _ in spec.get("resumes", [])}
    tr_loss, last_logged = 0.0, 0
    best, best_step = None, None
    n_val = run["n_val"]
    for r in run["steps"]:
        if not r["lineage"]:
            continue
        s = r["s"]
        if s >= cut_s:
            break
        if s in resume_points:  # a resumed Trainer starts a fresh logging window
            tr_loss, last_logged = 0.0, s
        if math.isfinite(r["loss"]):
            tr_loss += r["loss"]
        else:  # logging_nan_inf_filter (default True): add the average of the window so far
            tr_loss += tr_loss / (1 + s - last_logged)
        gs = s + 1
        if gs % L == 0:
            history.append({"epoch": gs / spe, "grad_norm": r["gn"], "learning_rate": r["lr_after"],
                            "loss": round(tr_loss / (gs - last_logged), 4), "step": gs})
            tr_loss, last_logged = 0.0, gs
        if gs in evals:
            e = evals[gs]
            rt = round(0.004 + n_val * 2.1e-5, 4)
            history.append({"epoch": gs / spe, "eval_loss": f32(e["v"]), metric: f32(e["metric"]),
                            "eval_runtime": rt, "eval_samples_per_second": round(n_val / rt, 3),
                            "eval_steps_per_second": round(math.ceil(n_val / spec["bs"]) / rt, 3), "step": gs})
            if spec.get("load_best") and (best is None or e["v"] < best):
                best, best_step = f32(e["v"]), gs
    max_steps = run["plan"] if spec["sched"].endswith("_end") else run["total"]
    if finished:
        steps_run = cut_s
        rt = round(steps_run * 0.0016 + 0.9, 4)
        losses = [r["loss"] for r in run["steps"] if r["lineage"] and r["s"] < cut_s]
        history.append({"epoch": cut_s / spe, "step": cut_s, "total_flos": 0.0,
                        "train_loss": float(np.mean(losses)), "train_runtime": rt,
                        "train_samples_per_second": round(steps_run * spec["bs"] / rt, 3),
                        "train_steps_per_second": round(steps_run / rt, 3)})
    state = {
        "best_global_step": best_step,
        "best_metric": best,
        "best_model_checkpoint": f"outputs/checkpoint-{best_step}" if best_step else None,
        "epoch": cut_s / spe,
        "eval_steps": k,
        "global_step": cut_s,
        "is_hyper_param_search": False,
        "is_local_process_zero": True,
        "is_world_process_zero": True,
        "log_history": history,
        "logging_steps": L,
        "max_steps": max_steps,
        "num_input_tokens_seen": 0,
        "num_train_epochs": math.ceil(max_steps / spe),
        "save_steps": k,
        "stateful_callbacks": {"TrainerControl": {"args": {
            "should_epoch_stop": False, "should_evaluate": False, "should_log": False, "should_save": True,
            "should_training_stop": bool(finished)}, "attributes": {}}},
        "total_flos": 0.0,
        "train_batch_size": spec["bs"],
        "trial_name": None,
        "trial_params": None,
    }
    with open(os.path.join(d, "trainer_state.json"), "w") as fh:
        fh.write(json.dumps(state, indent=2, sort_keys=True) + "\n")
    return ["trainer_state.json"]


def write_tb(run, spec, cut_s, d, run_name):
    """TensorBoard 'Download CSV' exports, one file per tag. Each session is a new process writing
    to the same run directory; with spec['tb_restart'] its step counter restarts at 0."""
    metric = "val_acc" if run["task"] == "cls" else "val_mae"
    tags = {"train_loss": [], "lr": [], "val_loss": [], metric: []}
    sess = sessions_until(run, cut_s)
    every = spec["log_every"]
    wall = 1764460000.0 + spec["seed"] % 100000
    dt = 0.004 + 0.00002 * spec["width"]
    for ss in sess:
        base = ss["steps"][0]["s"] if spec.get("tb_restart") else 0
        for r in ss["steps"]:
            st = r["s"] - base
            wall += dt
            if st % every == 0:
                tags["train_loss"].append((wall, st, r["loss"]))
                tags["lr"].append((wall, st, r["lr"]))
        for e in ss["evals"]:
            st = e["s"] - base
            ew = wall - dt * (ss["steps"][-1]["s"] - e["s"] + 1)
            tags["val_loss"].append((ew, st, e["v"]))
            tags[metric].append((ew, st, e["metric"]))
        wall += 45.0  # a new process starts
    files = []
    for tag, rows in tags.items():
        rows.sort(key=lambda x: x[0])
        name = f"run-{run_name}-tag-{tag}.csv"
        with open(os.path.join(d, name), "w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["Wall time", "Step", "Value"])
            for wt, st, val in rows:
                w.writerow([repr(round(wt, 6)), st, repr(f32(val))])
        files.append(name)
    return files


# ---------------------------------------------------------------- recipes


def recipes(rng):
    """Run specifications. Each behaviour is a family of settings; seeds and sizes vary."""
    R = []

    def add(**kw):
        base = dict(seed=rng.randrange(1, 10**6), n_val=400, width=64, depth=2, dropout=0.0, bn=False, wd=0.0,
                    bs=32, amp=False, guard=False, log_every=5, sched="const")
        base.update(kw)
        R.append(base)

    fmts = ["lightning", "hf", "tb"]
    # healthy/slow training, various schedules: improving early, plateau late
    for i, sched in enumerate(["const", "warmup_cosine", "linear", "onecycle", "step", "restarts",
                               "const", "warmup_cosine", "onecycle", "step", "linear", "restarts"]):
        data = ["digits", "synth_cls", "synth_reg"][i % 3]
        opt = ["momentum", "adam", "sgd", "adamw"][i % 4]
        lr = {"momentum": 0.02, "adam": 1e-3, "sgd": 0.05, "adamw": 2e-3}[opt] * rng.choice([0.5, 1.0, 2.0])
        add(kind="healthy", data=data, n_train=rng.choice([700, 1000, 1300]), opt=opt, lr=lr, sched=sched,
            width=rng.choice([32, 64, 128]), periods=3 * rng.choice([12, 16, 20, 24]), fmt=fmts[i % 3],
            dropout=rng.choice([0.0, 0.1]), amp=(i % 4 == 1), guard=(i % 4 == 1),
            log_every=rng.choice([5, 10]), bs=rng.choice([32, 64]))
    # quickly converging easy problems: plateau
    for i in range(6):
        add(kind="fast", data=["cancer", "wine", "digits"][i % 3], n_train=rng.choice([250, 350]),
            opt=["adam", "momentum"][i % 2], lr=[3e-3, 0.05][i % 2], sched=["const", "step", "warmup_cosine"][i % 3],
            width=32, periods=3 * rng.choice([12, 16, 20]), fmt=fmts[(i + 1) % 3], bs=16, log_every=5,
            n_val=120, wd=1e-3, amp=(i == 2))
    # overfitting: few samples, a wide net, no regularisation
    for i in range(8):
        add(kind="overfit", data=["digits", "synth_cls", "diabetes", "synth_reg"][i % 4],
            n_train=rng.choice([100, 140, 180]), opt=["adam", "adamw", "momentum", "rmsprop"][i % 4],
            lr=[1e-3, 1e-3, 0.02, 5e-4][i % 4], width=rng.choice([256, 384]), depth=rng.choice([2, 3]),
            sched=["const", "warmup_cosine", "onecycle", "const", "linear", "step", "const", "restarts"][i],
            periods=3 * rng.choice([16, 20, 24]), fmt=fmts[(i + 2) % 3], bs=16, log_every=5, amp=(i % 3 == 0),
            guard=(i % 3 == 0))
    # noisy: batch 8, high SGD rate
    for i in range(5):
        add(kind="noisy", data=["digits", "synth_cls", "synth_reg", "diabetes", "digits"][i], n_train=600,
            opt="sgd", lr=rng.choice([0.15, 0.25]) if i % 5 != 2 else 0.03, bs=8, width=64,
            sched=["const", "step", "const", "linear", "restarts"][i], periods=3 * rng.choice([12, 16]),
            fmt=fmts[i % 3], log_every=10)
    # schedules that end early (LR 0 afterwards): schedule_ended plateau cuts
    for i in range(10):
        pr = 3 * rng.choice([12, 16, 20])
        add(kind="ended", data=["digits", "synth_cls", "synth_reg"][i % 3], n_train=800,
            opt=["adam", "momentum", "adamw"][i % 3], lr=[2e-3, 0.05, 3e-3][i % 3],
            sched=["linear_end", "cosine_end"][i % 2], periods=pr, plan_periods=int(pr / 3 * 0.6),
            fmt=fmts[i % 3], bs=32, log_every=5, amp=(i % 4 == 3), guard=(i % 4 == 3))
    # diverging: a warm-up (or one-cycle) that climbs to a rate the network cannot take
    for i in range(5):
        add(kind="div_warm", data=["digits", "synth_cls", "synth_reg", "digits", "synth_cls"][i], n_train=700,
            opt="momentum", lr=rng.choice([0.3, 0.6, 1.0]), depth=4, width=64,
            sched=["warmup_cosine", "onecycle"][i % 2], periods=3 * rng.choice([12, 16]), fmt=fmts[(i + 2) % 3],
            bs=32, log_every=5)
    # diverging: NaN that persists (raw-target regression, too-high SGD/warm-up peak)
    for i in range(6):
        add(kind="div_nan", data=["diabetes", "synth_reg", "digits", "synth_cls", "diabetes", "digits"][i],
            raw_target=(i in (0, 1, 4)), n_train=400, opt="sgd" if i % 2 == 0 else "momentum",
            lr=[0.004, 0.0009, 1.5, 0.6, 0.006, 0.9][i], depth=3, width=64,
            sched=["warmup_cosine", "onecycle", "warmup_cosine", "linear", "const", "onecycle"][i],
            periods=3 * rng.choice([12, 16]), fmt=fmts[i % 3], bs=32, log_every=5)
    # diverging without NaN: too-high Adam rate on deep plain stacks (loss jumps and stays up)
    for i in range(6):
        add(kind="div_jump", data=["digits", "synth_cls", "synth_reg"][i % 3], n_train=600,
            opt=["adam", "rmsprop"][i % 2], lr=[0.02, 0.01, 0.05][i % 3], depth=rng.choice([6, 8]), width=64,
            sched=["const", "warmup_cosine", "onecycle", "const", "step", "linear"][i],
            periods=3 * rng.choice([12, 16]), fmt=fmts[(i + 1) % 3], bs=32, log_every=5, amp=(i == 3),
            guard=(i == 3))
    # a transient non-finite step (a corrupted batch) the run recovers from
    for i in range(4):
        add(kind="transient", data=["digits", "synth_cls", "synth_reg", "digits"][i], n_train=800,
            opt=["adam", "momentum"][i % 2], lr=[1e-3, 0.02][i % 2], sched=["const", "warmup_cosine"][i % 2],
            periods=3 * 16, fmt=["lightning", "tb"][i % 2], guard=True, bs=32, log_every=5, glitch_frac=0.12)
    # resumed runs: a process dies a few steps after a checkpoint and a new one reloads it
    for i in range(9):
        fmt = fmts[i % 3]
        pr = 3 * rng.choice([16, 20])
        res = [(int(pr / 3 * 0.35), 0.4)]
        if i % 3 == 2 or i == 4:
            res.append((int(pr / 3 * 0.6), 0.7))
        add(kind="resumed", data=["digits", "synth_cls", "synth_reg", "digits", "diabetes", "synth_cls",
                                  "synth_reg", "digits", "synth_cls"][i],
            n_train=[900, 900, 900, 150, 150, 900, 900, 140, 900][i],
            opt=["adam", "momentum", "adamw"][i % 3], lr=[1e-3, 0.02, 2e-3][i % 3],
            width=[64, 64, 64, 256, 256, 64, 64, 256, 64][i],
            sched=["warmup_cosine", "const", "step", "onecycle", "const", "linear", "restarts", "const",
                   "warmup_cosine"][i],
            periods=pr, fmt=fmt, resumes=res, tb_restart=(i % 2 == 0), bs=32, log_every=5, amp=(i in (1, 5)),
            guard=(i in (1, 5)))
    for r in R:
        # sparser evaluations in some runs: Lightning check_val_every_n_epoch=2, HF
        # eval_strategy="steps" with eval_steps not a whole epoch, TensorBoard loops either way
        if not r.get("resumes") and not r.get("glitch_frac") and rng.random() < 0.3:
            r["k_frac"] = {"lightning": 2.0, "hf": rng.choice([0.5, 1.5]), "tb": rng.choice([0.5, 2.0])}[r["fmt"]]
        # HF runs with load_best_model_at_end
        if r["fmt"] == "hf":
            r["load_best"] = rng.random() < 0.5
            r["log_every"] = rng.choice([10, 20])
        if r["fmt"] == "lightning":
            r["epoch_loss"] = rng.random() < 0.4
        if r["fmt"] == "tb":
            r["log_every"] = 1
    return R


# ---------------------------------------------------------------- cuts and labels


def pick_cuts(runs, rng, per_run=3, cap=40):
    """For each run, the labels of every admissible cut T; then up to per_run cuts per run,
    each time taking the label that is rarest so far among those the run offers (none once a
    label has `cap` logs), and a T drawn uniformly among that run's T with that label (cuts of
    one run at least 3 periods apart)."""
    counts = {"diverging": 0, "improving": 0, "overfitting": 0, "plateau": 0}
    chosen = []
    for ri in rng.sample(range(len(runs)), len(runs)):
        spec, run, cands = runs[ri]
        taken = []
        for _ in range(per_run):
            free = [c for c in cands if all(abs(c["T"] - t["T"]) >= 3 for t in taken) and counts[c["label"]] < cap]
            if not free:
                break
            labs = sorted({c["label"] for c in free}, key=lambda lab: (counts[lab], lab))
            lab = labs[0]
            c = rng.choice([c for c in free if c["label"] == lab])
            taken.append(c)
            counts[lab] += 1
        chosen += [(ri, c) for c in taken]
    return chosen


def split_runs(chosen, rng):
    """A suggested split by run (cuts of one run are correlated): runs in a seeded random order
    join the untouched part while no label goes past a third of its logs there."""
    per_run, total = {}, {}
    for ri, c in chosen:
        per_run.setdefault(ri, {}).setdefault(c["label"], 0)
        per_run[ri][c["label"]] += 1
        total[c["label"]] = total.get(c["label"], 0) + 1
    target = {lab: math.ceil(n / 3) for lab, n in total.items()}
    have = {lab: 0 for lab in total}
    untouched = set()
    for ri in rng.sample(sorted(per_run), len(per_run)):
        if all(have[lab] + n <= target[lab] for lab, n in per_run[ri].items()):
            untouched.add(ri)
            for lab, n in per_run[ri].items():
                have[lab] += n
    return untouched


def candidates(spec, run):
    m, v = aggregates(run)
    P = len(v)
    k = run["k"]
    peak = max(r["lr"] for r in run["steps"])
    first_resume = min([r for r, _ in spec.get("resumes", [])], default=None)
    out = []
    for T in range(6, P // 3 + 1):
        if spec["fmt"] == "hf" and spec["sched"].endswith("_end") and T * k > run["plan"]:
            continue
        if first_resume is not None and T <= first_resume + 1:
            continue  # a resumed run's cuts include a resumption
        if spec.get("glitch_step") is not None and (T * k <= spec["glitch_step"] or
                                                    T - 1 == spec["glitch_step"] // k):
            continue  # cuts include the non-finite step but do not end in its period
        label, conf, facts, reasons = steps_label(m, v, T)
        lr_last = [r["lr_after"] for r in run["steps"] if r["lineage"] and r["s"] == T * k - 1][0]
        out.append({"T": T, "label": label, "confidence": conf, "facts": facts, "reasons": reasons,
                    "ended": lr_last <= 1e-3 * peak})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--out", default="tests/fixtures/steps-own")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (each single-threaded)")
    ap.add_argument("--only", type=int, default=None, help="train only the first N runs (for a quick look)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    specs = recipes(rng)
    if a.only:
        specs = specs[:a.only]
    for spec in specs:
        if spec.get("glitch_frac"):
            spe = math.ceil(spec["n_train"] / spec["bs"])
            g = int(spec["periods"] * spe * spec["glitch_frac"] / 3)
            spec["glitch_step"] = g - (g % spe) + (spe // 2)
            spec["glitch_step"] -= (spec["glitch_step"] + 1) % spec["log_every"]
    runs = []
    t0 = time.time()
    with multiprocessing.get_context("spawn").Pool(a.jobs) as pool:
        trained = list(pool.imap(train, specs))
    for i, (spec, run) in enumerate(zip(specs, trained)):
        cands = candidates(spec, run)
        print(f"run {i:02d} {spec['kind']:9s} {spec['fmt']:9s} {spec['sched']:13s} {spec['data']:9s} "
              f"cpu {run['cpu']:.1f}s labels " + "".join(c["label"][0] for c in cands), flush=True)
        runs.append((spec, run, cands))
    chosen = pick_cuts(runs, rng)
    untouched = split_runs(chosen, rng)
    order = rng.sample(range(len(chosen)), len(chosen))
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    os.makedirs(os.path.join(a.out, "logs"))
    rows = []
    for n, ci in enumerate(order):
        ri, c = chosen[ci]
        spec, run, _ = runs[ri]
        lid = f"s{n + 1:03d}"
        d = os.path.join(a.out, "logs", lid)
        os.makedirs(d)
        cut_s = c["T"] * run["k"]
        if spec["fmt"] == "lightning":
            files = write_lightning(run, spec, cut_s, d)
        elif spec["fmt"] == "hf":
            files = write_hf(run, spec, cut_s, d, finished=spec["sched"].endswith("_end") and cut_s == run["plan"])
        else:
            files = write_tb(run, spec, cut_s, d, f"runs_{spec['data']}_{spec['seed']}")
        sess = len({r["sess"] for r in run["steps"] if r["s"] < cut_s and r["lineage"]})
        f = c["facts"]
        rows.append({"id": lid, "file": ";".join(files), "T": c["T"], "label": c["label"],
                     "confidence": c["confidence"], "sched": spec["sched"], "schedule_ended": c["ended"],
                     "fmt": spec["fmt"], "resumed": sess > 1, "sessions": sess, "amp": spec["amp"],
                     "nonfinite_in_log": any(not math.isfinite(r["loss"]) for r in run["steps"] if r["s"] < cut_s),
                     "kind": spec["kind"], "run": ri, "split": "untouched" if ri in untouched else "tune", "dataset": spec["data"], "optimizer": spec["opt"],
                     "steps_per_epoch": run["spe"], "steps_per_eval": run["k"],
                     "gain": round(f["gain"], 4), "rise": round(f["rise"], 4) if math.isfinite(f["rise"]) else "",
                     "ratio": round(f["ratio"], 4) if math.isfinite(f["ratio"]) else "",
                     "edge_reason": "; ".join(c["reasons"])})
    rows.sort(key=lambda r: r["id"])
    with open(os.path.join(a.out, "labels.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(a.out, "runs.json"), "w") as fh:
        json.dump([dict(s, run=i, steps_per_epoch=r["spe"], steps_per_eval=r["k"],
                        m=[round(x, 6) for x in aggregates(r)[0]], v=[round(x, 6) for x in aggregates(r)[1]])
                   for i, (s, r, _) in enumerate(runs)], fh, indent=1, sort_keys=True)
        fh.write("\n")
    from collections import Counter
    print("logs", len(rows), dict(Counter(r["label"] for r in rows)),
          dict(Counter((r["label"], r["confidence"]) for r in rows)))
    print(f"training CPU {sum(r['cpu'] for _, r, _ in runs):.0f}s in {a.jobs} worker(s), wall {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
