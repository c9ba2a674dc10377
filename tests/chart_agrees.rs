//! The chart agrees with the verdict's text: "ignore outliers" never trims the monitored series or a
//! sparse evaluation, sparse evaluations are smoothed along x without lag, the shaded region is the
//! stretch the sentence quotes, and a resumed run is drawn spliced.
#![cfg(not(target_arch = "wasm32"))]

use plateau::analysis::RegionKind;
use plateau::chart::{self, Frame, Style, View};
use plateau::model::{Axis, Dropped, Run, Series};
use plateau::{analyze, Options, RunReport};
use plotters::prelude::*;

fn run(series: Vec<Series>) -> Run {
    Run::new("steps", "steps.csv", plateau::ingest::Dialect::Csv, series)
}

fn report_of(run: &Run) -> RunReport {
    let drop = Dropped {
        runs: vec![run.clone()],
        warnings: Vec::new(),
    };
    analyze(&drop, &Options::default()).runs.remove(0)
}

fn frame(run: &Run, report: &RunReport, view: &View) -> Frame {
    let mut out = String::new();
    let area = SVGBackend::with_string(&mut out, (900, 500)).into_drawing_area();
    let prepared = chart::prepare(run, view);
    chart::draw(&area, run, report, view, &prepared, &Style::default()).expect("drawn")
}

/// 5,000 noisy training steps around a falling loss, and a 5-point eval_loss that rises above
/// almost every training value (overfitting, seen at each evaluation).
fn steps_with_sparse_eval() -> Run {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let x: Vec<f64> = (0..5000).map(f64::from).collect();
    let loss: Vec<f64> = x
        .iter()
        .map(|s| 0.4 + 1.2 * (-s / 800.0).exp() + 0.3 * noise())
        .collect();
    let ex = vec![999.0, 1999.0, 2999.0, 3999.0, 4999.0];
    let eval = vec![0.9, 0.95, 1.1, 1.3, 1.6];
    run(vec![
        Series::named("loss", Axis::Step, x, loss),
        Series::named("eval_loss", Axis::Step, ex, eval),
    ])
}

#[test]
fn ignore_outliers_never_trims_a_sparse_eval_series() {
    let run = steps_with_sparse_eval();
    let report = report_of(&run);
    assert_eq!(report.monitor.as_deref(), Some("eval_loss"));
    let view = View {
        ignore_outliers: true,
        smoothing: 0.0,
        ..View::default()
    };
    let f = frame(&run, &report, &view);
    let panel = &f.panels[0];
    assert!(
        panel.y_max >= 1.6,
        "eval_loss's last point is on the chart: {panel:?}"
    );
    assert!(panel.y_min <= 0.9);
    // The dense training curve is still trimmed: its first steps (up to ~1.9) lie above the top.
    let everything = frame(
        &run,
        &report,
        &View {
            ignore_outliers: false,
            ..view.clone()
        },
    );
    assert!(everything.panels[0].y_max > panel.y_max);
}

#[test]
fn ignore_outliers_never_trims_the_monitored_series() {
    let mut y: Vec<f64> = (0..40).map(|i| 1.0 - 0.01 * f64::from(i)).collect();
    y[3] = 9.0;
    let x = (0..40).map(f64::from).collect();
    let run = run(vec![Series::named("val_loss", Axis::Epoch, x, y)]);
    let report = report_of(&run);
    let f = frame(
        &run,
        &report,
        &View {
            ignore_outliers: true,
            smoothing: 0.0,
            ..View::default()
        },
    );
    assert!(f.panels[0].y_max >= 9.0, "{:?}", f.panels[0]);
}

#[test]
fn sparse_eval_series_is_smoothed_along_x_without_lag() {
    let run = steps_with_sparse_eval();
    let view = View {
        smoothing: 0.6,
        ..View::default()
    };
    let prepared = chart::prepare(&run, &view);
    let eval = &prepared.smoothed[1];
    // A per-point EMA at 0.6 would put the last evaluation at ~1.35; along x (a decay of 0.6 per
    // training step) the evaluations 1,000 steps apart keep their own values.
    assert!((eval[4] - 1.6).abs() < 1e-9, "{eval:?}");
    let dense = &prepared.smoothed[0];
    assert_ne!(
        dense[4999], run.series[0].y[4999],
        "the dense curve is still smoothed"
    );
}

#[test]
fn shaded_plateau_is_the_stretch_the_sentence_quotes() {
    // A loss logged every 10 steps that flattens out.
    let x: Vec<f64> = (0..60).map(|i| f64::from(i) * 10.0).collect();
    let y: Vec<f64> = (0..60)
        .map(|i| 0.5 + (-f64::from(i) / 4.0).exp() + 0.002 * ((i * 7) % 5) as f64)
        .collect();
    let run = run(vec![Series::named("loss", Axis::Step, x, y)]);
    let report = report_of(&run);
    let region = report
        .regions
        .iter()
        .find(|r| r.kind == RegionKind::Plateau)
        .unwrap_or_else(|| panic!("{:?} {:?}", report.verdict, report.evidence));
    let quoted = format!("over steps {}–{} (", region.start, region.end);
    assert!(
        report.evidence.iter().any(|e| e.contains(&quoted)),
        "{quoted} in {:?}",
        report.evidence
    );
}

#[test]
fn shaded_overfitting_starts_at_the_best_point_the_sentence_quotes() {
    let x: Vec<f64> = (0..30).map(|i| f64::from(i) * 5.0).collect();
    let loss: Vec<f64> = (0..30).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
    let val: Vec<f64> = (0..30)
        .map(|i| {
            let e = f64::from(i);
            1.1 / (1.0 + e) + 0.2 + 0.004 * (e - 12.0).max(0.0).powf(1.5)
        })
        .collect();
    let run = run(vec![
        Series::named("loss", Axis::Step, x.clone(), loss),
        Series::named("val_loss", Axis::Step, x, val),
    ]);
    let report = report_of(&run);
    let region = report
        .regions
        .iter()
        .find(|r| r.kind == RegionKind::Overfitting)
        .unwrap_or_else(|| panic!("{:?} {:?}", report.verdict, report.evidence));
    let best = report.best.expect("best");
    assert_eq!(region.start, best.x);
    let quoted = format!("at step {}, ", region.start);
    let until = format!("by step {} (", region.end);
    assert!(
        report
            .evidence
            .iter()
            .any(|e| e.contains(&quoted) && e.contains(&until)),
        "{quoted}…{until} in {:?}",
        report.evidence
    );
}

#[test]
fn sparse_series_closer_than_the_dense_steps_is_never_smoothed_wider_than_alone() {
    // A hostile "sparse" series: 200 points one x apart beside 2,000 points a million apart. Along
    // the dense spacing its Gaussian would reach every one of its points (quadratic); it is
    // smoothed as it would be alone instead.
    let dense = Series::named(
        "loss",
        Axis::Step,
        (0..2000).map(|i| i as f64 * 1e6).collect(),
        vec![1.0; 2000],
    );
    let x: Vec<f64> = (0..200).map(f64::from).collect();
    let y: Vec<f64> = (0..200).map(|i| f64::from(i % 7)).collect();
    let sparse = Series::named("val_loss", Axis::Step, x.clone(), y.clone());
    let view = View {
        smoothing: 0.9,
        smoother: chart::Smoother::Gaussian,
        ..View::default()
    };
    let prepared = chart::prepare(&run(vec![dense, sparse]), &view);
    assert_eq!(prepared.smoothed[1], chart::gaussian(0.9, &x, &y));
}
