//! SVG snapshots of real logs, drawn by the same code as the page's canvas. A changed drawing fails
//! here; look at the new SVG (e.g. `make snapshots-png`), then accept it with `UPDATE_SNAPSHOTS=1 cargo test`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use plateau::chart::{self, View, XAxis};
use plateau::model::{Axis, Dropped, Run, Series};
use plateau::{check, Input, Options};

fn render(fixture: &str, view: &View) -> String {
    render_run(fixture, 0, view)
}

/// Run `index` of the fixture's drop, drawn.
fn render_run(fixture: &str, index: usize, view: &View) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
    let bytes = std::fs::read(&path).expect("fixture exists");
    let (drop, report) = check(
        &[Input {
            name: fixture,
            bytes: &bytes,
        }],
        &Options::default(),
    )
    .expect("fixture ingests");
    let (run, rep) = (&drop.runs[index], &report.runs[index]);
    chart::svg(run, rep, view, 900, chart::preferred_height(run, rep)).expect("drawn")
}

fn snapshot(name: &str, svg: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.svg"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() || !path.exists() {
        std::fs::write(&path, svg).expect("snapshot written");
        return;
    }
    let want = std::fs::read_to_string(&path).expect("snapshot readable");
    assert!(
        want == svg,
        "{name}.svg changed: look at the new drawing, then accept it with UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn keras_overfitting_run_snapshot() {
    let svg = render(
        "tests/fixtures/real/keras--detection-of-tomato-leaf-diseases-using-/training_log.csv",
        &View::default(),
    );
    snapshot("keras-tomato-overfitting", &svg);
}

#[test]
fn keras_appended_runs_snapshot() {
    let svg = render(
        "tests/fixtures/real/keras--brain-tumor-image-classification-using-c/training_log.csv",
        &View::default(),
    );
    snapshot("keras-brain-tumor-restarts", &svg);
}

/// The fine-tuning session spliced onto the head training before it: one line, a restart mark at
/// epoch 4, the learning-rate cut beside it.
#[test]
fn keras_fine_tuning_spliced_snapshot() {
    let svg = render_run(
        "tests/fixtures/real/keras--brain-tumor-image-classification-using-c/training_log.csv",
        1,
        &View::default(),
    );
    snapshot("keras-brain-tumor-fine-tuning-spliced", &svg);
}

#[test]
fn keras_lr_schedule_snapshot() {
    let svg = render(
        "tests/fixtures/real/keras--handwritten-digit-recognition-cnn-with-9/training_log.csv",
        &View::default(),
    );
    snapshot("keras-digits-lr-drops", &svg);
}

#[test]
fn yolo_many_panels_wall_time_snapshot() {
    let view = View {
        x_axis: XAxis::WallTime,
        ..View::default()
    };
    let svg = render(
        "tests/fixtures/real/yolo--wheat-weed-detection-yolov8/results.csv",
        &view,
    );
    snapshot("yolo-wheat-wall-time", &svg);
}

#[test]
fn lightning_nan_run_log_scale_snapshot() {
    let view = View {
        log_y: true,
        ..View::default()
    };
    let svg = render("tests/fixtures/real/lightning--genrisk/metrics.csv", &view);
    snapshot("lightning-genrisk-nan-log", &svg);
}

#[test]
fn long_run_drawn_from_its_blocks_snapshot() {
    // 120,000 steps on a 500-pixel chart, some 270 points per pixel column: whole blocks stand in
    // for most of each column's points, the preparation goes through each series in parts, and
    // the loss turns NaN near its end, marked from the data (the report's own NaN marker left
    // out). The snapshot was drawn point by point, from a run prepared at once: the same picture.
    let n = 120_000usize;
    let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let loss: Vec<f64> = (0..n)
        .map(|i| match i {
            119_000.. => f64::NAN,
            40_000 => 8.0,
            _ => 2.0 / (1.0 + i as f64 / 3000.0) + ((i * 7919) % 1000) as f64 / 4e3,
        })
        .collect();
    let val_x: Vec<f64> = x
        .iter()
        .copied()
        .filter(|t| *t as usize % 100 == 99)
        .collect();
    let val: Vec<f64> = val_x.iter().map(|t| 2.1 / (1.0 + t / 3500.0)).collect();
    let lr: Vec<f64> = (0..n)
        .map(|i| 1e-3 * 0.5f64.powi((i / 30_000) as i32))
        .collect();
    let named = |name: &str, x: Vec<f64>, y: Vec<f64>| Series::named(name, Axis::Step, x, y);
    let run = Run {
        name: "long".into(),
        source: "long.csv".into(),
        dialect: plateau::ingest::Dialect::Csv,
        info: Vec::new(),
        series: vec![
            named("loss", x.clone(), loss),
            named("val_loss", val_x, val),
            named("lr", x, lr),
        ],
    };
    let drop = Dropped {
        runs: vec![run.clone()],
        warnings: Vec::new(),
    };
    let mut rep = plateau::analyze(&drop, &Options::default()).runs.remove(0);
    rep.markers.retain(|m| m.kind != "nan");
    let svg = chart::svg(
        &run,
        &rep,
        &View::default(),
        500,
        chart::preferred_height(&run, &rep),
    )
    .expect("drawn");
    assert_eq!(svg.matches("NaN from here").count(), 1);
    snapshot("long-run-blocks", &svg);
}
