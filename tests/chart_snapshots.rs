//! SVG snapshots of real logs, drawn by the same code as the page's canvas. A changed drawing fails
//! here; look at the new SVG (e.g. `make snapshots-png`), then accept it with `UPDATE_SNAPSHOTS=1 cargo test`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use plateau::chart::{self, View, XAxis};
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
