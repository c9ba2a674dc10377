"""Writes training logs with the real writers into OUT (tests read them; nothing here is committed).

Writers: tensorboardX `SummaryWriter` (simple_value scalars, as torch.utils.tensorboard and
Lightning's TensorBoardLogger write them), tensorboard's own `EventFileWriter` with TF2-style
rank-0 tensor summaries (plugin `scalars`, DT_FLOAT in tensor_content, DT_DOUBLE, DT_HALF, as the
Keras TensorBoard callback writes them), tensorboardX `add_hparams`, `add_text`, `add_histogram`,
`add_image`, and MLflow's file store through `mlflow` itself. Next to each folder, the CSV or JSON
log the same training would have written, with the same float32 values, for the equivalence tests.

Usage: python make_logs.py OUT
"""

import json
import math
import os
import sys

import numpy as np
from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2
from tensorboard.plugins.scalar import metadata as scalar_metadata
from tensorboard.summary.writer.event_file_writer import EventFileWriter
from tensorboardX import SummaryWriter

OUT = sys.argv[1]


def f32(v):
    """The value as the float32 an event file stores, as a Python float (exact in CSV)."""
    return float(np.float32(v))


def plateau_curve(n, start, floor, rate, wiggle, seed):
    rng = np.random.default_rng(seed)
    return [f32(floor + (start - floor) * math.exp(-rate * i) + wiggle * rng.standard_normal()) for i in range(n)]


def overfit_curve(n, seed):
    rng = np.random.default_rng(seed)
    return [f32(0.4 + 1.6 * math.exp(-0.15 * i) + 0.004 * max(0, i - 25) ** 1.3 + 0.005 * rng.standard_normal()) for i in range(n)]


def csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join("" if v is None else repr(v) for v in row) + "\n")


def lightning():
    """lightning_logs/version_0: events (TensorBoardLogger), metrics.csv (CSVLogger), hparams.yaml;
    lightning_tb/version_0: the same events without the CSV; lightning_metrics.csv: the CSV alone."""
    epochs, per_epoch, every = 30, 100, 50
    val = plateau_curve(epochs, 1.2, 0.35, 0.25, 0.003, 1)
    train = plateau_curve(epochs * per_epoch // every, 1.3, 0.30, 0.02, 0.01, 2)
    rows = []
    for i, loss in enumerate(train):
        step = (i + 1) * every - 1
        rows.append((step // per_epoch, step, loss, None))
        if (step + 1) % per_epoch == 0:
            rows.append((step // per_epoch, step, None, val[step // per_epoch]))
    for folder in ["lightning_logs/version_0", "lightning_tb/version_0"]:
        w = SummaryWriter(os.path.join(OUT, folder))
        for epoch, step, train_loss, val_loss in rows:
            # Lightning logs `epoch` with every row of metrics (twice at a validation step).
            w.add_scalar("train_loss" if val_loss is None else "val_loss", train_loss if val_loss is None else val_loss, step)
            w.add_scalar("epoch", epoch, step)
        w.add_histogram("weights", np.arange(100, dtype=np.float32), 0)
        w.close()
        with open(os.path.join(OUT, folder, "hparams.yaml"), "w") as f:
            f.write("lr: 0.001\nhidden: 128\noptimizer:\n  name: adam\n")
    header = ["epoch", "step", "train_loss", "val_loss"]
    csv(os.path.join(OUT, "lightning_logs/version_0/metrics.csv"), header, rows)
    csv(os.path.join(OUT, "lightning_metrics.csv"), header, rows)
    # Files a Lightning folder also holds that are not logs.
    ckpt = os.path.join(OUT, "lightning_logs/version_0/checkpoints")
    os.makedirs(ckpt, exist_ok=True)
    with open(os.path.join(ckpt, "epoch=29-step=2999.ckpt"), "wb") as f:
        f.write(b"PK\x03\x04" + bytes(2000))


def tensor_event(tag, value, step, wall, dtype, first):
    """A TF2 `tf.summary.scalar` event: a rank-0 tensor, plugin metadata on a tag's first value."""
    if dtype == "float":
        t = tensor_pb2.TensorProto(dtype=1, tensor_content=np.float32(value).tobytes())
    elif dtype == "double":
        t = tensor_pb2.TensorProto(dtype=2, double_val=[value])
    else:
        t = tensor_pb2.TensorProto(dtype=19, half_val=[int(np.float16(value).view(np.uint16))])
    t.tensor_shape.CopyFrom(tensor_shape_pb2.TensorShapeProto())
    v = summary_pb2.Summary.Value(tag=tag, tensor=t)
    if first:
        v.metadata.CopyFrom(scalar_metadata.create_summary_metadata("", ""))
    return event_pb2.Event(wall_time=wall, step=step, summary=summary_pb2.Summary(value=[v]))


def keras():
    """keras_logs/train + keras_logs/validation as the Keras TensorBoard callback writes them
    (DT_FLOAT tensor_content), and keras_log.csv as CSVLogger writes the same epochs."""
    n = 40
    loss = plateau_curve(n, 2.0, 0.10, 0.12, 0.002, 3)
    val = overfit_curve(n, 4)
    for side, values in [("train", loss), ("validation", val)]:
        w = EventFileWriter(os.path.join(OUT, "keras_logs", side), filename_suffix=".v2")
        for epoch, v in enumerate(values):
            w.add_event(tensor_event("epoch_loss", v, epoch, 1.7e9 + epoch, "float", epoch == 0))
        if side == "train":
            text = summary_pb2.Summary.Value(tag="keras", tensor=tensor_pb2.TensorProto(dtype=7, string_val=[b"model"]))
            text.metadata.plugin_data.plugin_name = "text"
            w.add_event(event_pb2.Event(wall_time=1.7e9, step=0, summary=summary_pb2.Summary(value=[text])))
            w.add_event(event_pb2.Event(wall_time=1.7e9, step=0, graph_def=b"\x0a" * 5000))
        w.close()
    csv(os.path.join(OUT, "keras_log.csv"), ["epoch", "loss", "val_loss"], [(e, loss[e], val[e]) for e in range(n)])


def dtypes():
    """dtypes/: one tag per tensor dtype (float, double, half) written the TF2 way."""
    w = EventFileWriter(os.path.join(OUT, "dtypes"))
    for step in range(5):
        for kind in ["float", "double", "half"]:
            w.add_event(tensor_event(f"loss_{kind}", 0.5 + 0.25 * step, step, 1.7e9 + step, kind, step == 0))
    w.close()


def hf():
    """hf_runs/runs/Nov30_12-00-00_host: HF Trainer's TensorBoardCallback (train/loss, eval/loss,
    train/epoch, end summary, hparams), and hf_trainer_state.json with the same log_history."""
    folder = os.path.join(OUT, "hf_runs/runs/Nov30_12-00-00_host")
    w = SummaryWriter(folder)
    w.add_text("args", "{\"output_dir\": \"out\"}")
    history = []
    train = plateau_curve(40, 2.2, 0.6, 0.08, 0.01, 5)
    evals = plateau_curve(8, 1.5, 0.7, 0.4, 0.002, 6)
    for i, loss in enumerate(train):
        step = (i + 1) * 25
        lr = f32(5e-5 * (1 - step / 1000))
        epoch = f32(step / 125)
        for k, v in [("loss", loss), ("learning_rate", lr), ("epoch", epoch)]:
            w.add_scalar(f"train/{k}", v, step)
        history.append({"loss": loss, "learning_rate": lr, "epoch": epoch, "step": step})
        if step % 125 == 0:
            ev = evals[step // 125 - 1]
            w.add_scalar("eval/loss", ev, step)
            w.add_scalar("train/epoch", epoch, step)
            history.append({"eval_loss": ev, "epoch": epoch, "step": step})
    w.add_scalar("train/train_runtime", 123.4, 1000)
    w.add_scalar("train/train_loss", 0.9, 1000)
    w.add_scalar("train/epoch", 8.0, 1000)
    history.append({"train_runtime": 123.4, "train_loss": 0.9, "epoch": 8.0, "step": 1000})
    w.add_hparams({"learning_rate": 5e-5, "model": "bert"}, {})
    w.close()
    with open(os.path.join(OUT, "hf_trainer_state.json"), "w") as f:
        json.dump({"global_step": 1000, "log_history": history}, f)


def nested():
    """tb_logs/exp1/seed_a, tb_logs/exp1/seed_b, tb_logs/exp2: one run per folder of event files;
    notes.txt and a PNG beside them are not logs."""
    for i, run in enumerate(["exp1/seed_a", "exp1/seed_b", "exp2"]):
        w = SummaryWriter(os.path.join(OUT, "tb_logs", run))
        values = overfit_curve(50, 10 + i) if run == "exp2" else plateau_curve(50, 1.0, 0.2, 0.1, 0.002, 10 + i)
        for step, v in enumerate(values):
            w.add_scalar("loss/validation", v, step)
        w.add_image("sample", np.zeros((3, 4, 4), dtype=np.uint8), 0)
        w.close()
    with open(os.path.join(OUT, "tb_logs", "notes.txt"), "w") as f:
        f.write("seed_a used lr 0.1\n")
    with open(os.path.join(OUT, "tb_logs", "exp2", "sample.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + bytes(100))


def mlflow_store():
    """mlruns/: two runs through mlflow's file store, and mlflow_baseline.csv with the first's values."""
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"  # the file store is what users have on disk
    import mlflow

    mlflow.set_tracking_uri("file:" + os.path.join(OUT, "mlruns"))
    mlflow.set_experiment("demo")
    loss = plateau_curve(30, 1.5, 0.3, 0.2, 0.002, 7)
    val = plateau_curve(30, 1.6, 0.4, 0.2, 0.002, 8)
    with mlflow.start_run(run_name="baseline"):
        mlflow.log_param("lr", 0.01)
        for step in range(30):
            mlflow.log_metric("loss", loss[step], step=step)
            mlflow.log_metric("val_loss", val[step], step=step)
    with mlflow.start_run(run_name="wide"):
        for step, v in enumerate(overfit_curve(30, 9)):
            mlflow.log_metric("val_loss", v, step=step)
    csv(os.path.join(OUT, "mlflow_baseline.csv"), ["step", "loss", "val_loss"], [(s, loss[s], val[s]) for s in range(30)])


lightning()
keras()
dtypes()
hf()
nested()
mlflow_store()
