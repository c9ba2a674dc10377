//! Several runs in one chart: a colour per run, groups as a mean line in a band (min–max or ±1 SD).
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/files.rs"]
mod files;

use plateau::chart::{
    hex, overlay, overlay_prepared, overlay_svg, run_color, BandKind, Frame, Overlaid, Style, View,
    OVERLAY_HEIGHT,
};
use plateau::{check, Input, Options};
use plotters::prelude::{IntoDrawingArea, SVGBackend};

use files::{checked as read, folds};

fn draw(view: &View) -> String {
    let (drop, report) = folds();
    overlay_svg(&drop, &report, view, 900, OVERLAY_HEIGHT).unwrap()
}

/// The frame (legend, x-range) the overlay returns when drawn to an SVG string.
fn overlay_frame(drop: &plateau::Dropped, report: &plateau::Report, view: &View) -> Frame {
    let mut out = String::new();
    let area = SVGBackend::with_string(&mut out, (900, OVERLAY_HEIGHT)).into_drawing_area();
    overlay(&area, drop, report, view, &Style::default()).unwrap()
}

fn compare_view() -> View {
    View {
        compare: true,
        smoothing: 0.0,
        ..View::default()
    }
}

#[test]
fn every_run_gets_its_own_palette_colour() {
    let (drop, report) = read(&[
        "tests/fixtures/real/wandb--multi-view-classification/train_loss.csv".to_string(),
        "tests/fixtures/real/wandb--multi-view-classification/val_loss.csv".to_string(),
    ]);
    let svg = overlay_svg(&drop, &report, &compare_view(), 900, OVERLAY_HEIGHT)
        .unwrap()
        .to_ascii_lowercase();
    for i in 0..4 {
        assert!(
            svg.contains(&hex(run_color(i))),
            "run {i} is drawn in {}",
            hex(run_color(i))
        );
    }
    assert_ne!(run_color(0), run_color(1));
}

#[test]
fn hidden_run_leaves_the_chart_but_stays_in_the_legend() {
    let shown = draw(&compare_view());
    let hidden = draw(&View {
        hidden_runs: vec![3],
        ..compare_view()
    });
    let lines = |svg: &str| svg.matches("<polyline").count();
    assert_eq!(
        lines(&hidden) + 2,
        lines(&shown),
        "its line and its mark in the chart's legend are gone"
    );
    let (drop, report) = folds();
    let frame = overlay_frame(
        &drop,
        &report,
        &View {
            hidden_runs: vec![3],
            ..compare_view()
        },
    );
    assert_eq!(frame.legend.len(), 5);
    assert!(frame.legend[3].hidden && !frame.legend[2].hidden);
}

#[test]
fn band_toggle_switches_between_min_max_and_one_sd() {
    let minmax = draw(&compare_view());
    let std = draw(&View {
        band: BandKind::Std,
        ..compare_view()
    });
    let polygon = |svg: &str| {
        svg.split("<polygon")
            .nth(1)
            .and_then(|p| p.split('>').next())
            .map(str::to_string)
            .expect("the group's band is a polygon")
    };
    assert_ne!(polygon(&minmax), polygon(&std));
    assert!(
        minmax.contains("mlp (folds) (mean)"),
        "the group's mean line is in the legend"
    );
}

#[test]
fn renamed_run_shows_its_new_name() {
    let svg = draw(&View {
        run_names: vec![String::new(), "baseline".to_string()],
        ..compare_view()
    });
    assert!(svg.contains("baseline"));
    assert!(svg.contains("mlp_fold0"));
    assert!(!svg.contains("mlp_fold1<"));
}

#[test]
fn overlay_snapshot_of_five_folds() {
    let svg = draw(&compare_view());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/overlay-five-folds.svg");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() || !path.exists() {
        std::fs::write(&path, &svg).expect("snapshot written");
        return;
    }
    assert!(
        std::fs::read_to_string(&path).expect("snapshot readable") == svg,
        "overlay-five-folds.svg changed: look at it (make snapshots-png), then accept it with UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn on_wall_time_runs_without_a_clock_are_left_out() {
    let (drop, report) = read(&[
        "tests/fixtures/real/yolo--wheat-weed-detection-yolov8/results.csv".to_string(),
        "tests/fixtures/folds/mlp_fold0.csv".to_string(),
    ]);
    let frame = |x_axis| {
        overlay_frame(
            &drop,
            &report,
            &View {
                x_axis,
                ..compare_view()
            },
        )
    };
    let native = frame(plateau::chart::XAxis::Native);
    assert!(native.legend.iter().all(|e| !e.hidden));
    let wall = frame(plateau::chart::XAxis::WallTime);
    assert_eq!(wall.x_title, "wall time (s)");
    assert!(!wall.legend[0].hidden, "the YOLO run logs time");
    assert!(
        wall.legend[1].hidden,
        "the Keras run has no clock to align on"
    );
    assert!(wall.x_max > native.x_max, "seconds, not epochs");
}

#[test]
fn overlay_of_long_runs_is_decimated_to_its_columns_and_keeps_a_one_step_spike() {
    // Two folds of 100,000 steps, fold 0 with one step at 40 among values near 1.
    let logs: Vec<(String, Vec<u8>)> = (0..2)
        .map(|k| {
            let mut text = String::from("step,loss\n");
            for i in 0..100_000 {
                let loss = if k == 0 && i == 60_000 {
                    40.0
                } else {
                    1.0 + ((i * 7919 + k) % 1000) as f64 / 1e4
                };
                text.push_str(&format!("{i},{loss}\n"));
            }
            (format!("long_fold{k}.csv"), text.into_bytes())
        })
        .collect();
    let inputs: Vec<Input> = logs
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    let (drop, report) = check(&inputs, &Options::default()).unwrap();
    let view = View {
        ignore_outliers: false,
        ..compare_view()
    };
    let frame = overlay_frame(&drop, &report, &view);
    assert!(frame.panels[0].y_max >= 40.0, "{:?}", frame.panels[0]);
    // Drawn point by point, the two runs alone would take megabytes of SVG.
    let svg = overlay_svg(&drop, &report, &view, 900, OVERLAY_HEIGHT).unwrap();
    assert!(svg.len() < 400_000, "{} bytes", svg.len());
}

/// Three folds of `n` steps each (a noisy falling loss, fold 1 with a one-step spike), read as
/// one drop: a group of three with a band.
fn long_folds(n: usize) -> (plateau::Dropped, plateau::Report) {
    let logs: Vec<(String, Vec<u8>)> = (0..3)
        .map(|k| {
            let mut text = String::from("step,loss\n");
            for i in 0..n {
                let loss = if k == 1 && i == n / 3 {
                    9.0
                } else {
                    2.0 / (1.0 + i as f64 / 2000.0) + ((i * 7919 + k * 31) % 1000) as f64 / 2e4
                };
                text.push_str(&format!("{i},{loss}\n"));
            }
            (format!("long_fold{k}.csv"), text.into_bytes())
        })
        .collect();
    let inputs: Vec<Input> = logs
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    check(&inputs, &Options::default()).unwrap()
}

#[test]
fn overlay_snapshot_of_long_folds_drawn_from_their_blocks() {
    // Some 70 points per pixel column: whole blocks stand in for most of each column's points.
    // The snapshot was drawn point by point (before the overlay kept blocks): the same picture.
    let (drop, report) = long_folds(30_000);
    assert_eq!(report.groups.len(), 1, "the folds are a group with a band");
    let view = View {
        compare: true,
        ..View::default()
    };
    let svg = overlay_svg(&drop, &report, &view, 500, OVERLAY_HEIGHT).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/overlay-long-folds.svg");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() || !path.exists() {
        std::fs::write(&path, &svg).expect("snapshot written");
        return;
    }
    assert!(
        std::fs::read_to_string(&path).expect("snapshot readable") == svg,
        "overlay-long-folds.svg changed: look at it (make snapshots-png), then accept it with UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn overlay_made_ready_a_part_at_a_time_draws_as_one_made_at_once() {
    let (drop, report) = long_folds(20_000);
    let svg = |overlaid: &Overlaid, view: &View| {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (700, OVERLAY_HEIGHT)).into_drawing_area();
            overlay_prepared(&area, &drop, &report, view, overlaid, &Style::default()).unwrap();
        }
        out
    };
    let base = View {
        compare: true,
        ..View::default()
    };
    // One view after another on the same curves: each change redoes what it touches, in parts.
    let gaussian = View {
        smoothing: 0.9,
        smoother: plateau::chart::Smoother::Gaussian,
        ..base.clone()
    };
    let hidden = View {
        hidden_runs: vec![0],
        ..gaussian.clone()
    };
    let views = [
        base.clone(),
        View {
            band: BandKind::Std,
            ..base
        },
        gaussian,
        hidden.clone(),
        View {
            zoom: Some((5_000.0, 5_400.0)),
            ..hidden
        },
    ];
    let mut parts = Overlaid::default();
    for view in &views {
        let mut calls = 1;
        while parts.step(&drop, &report, view, 5_000) {
            calls += 1;
        }
        assert_eq!(
            svg(&parts, view),
            svg(&Overlaid::new(&drop, &report, view), view),
            "{view:?}"
        );
        if view.zoom.is_none() && view.hidden_runs.is_empty() {
            assert!(
                calls >= 4,
                "a part per call, not all at once: {calls} calls"
            );
        } else {
            assert_eq!(calls, 1, "nothing to redo for a zoom or a hidden run");
        }
    }
}

/// Appends points `from..to` to every series of run `run` (x starting again from 0 when `back`:
/// a new session).
fn append(drop: &mut plateau::Dropped, run: usize, from: usize, to: usize, back: bool) {
    for s in &mut drop.runs[run].series {
        for i in from..to {
            s.x.push(if back { (i - from) as f64 } else { i as f64 });
            s.y.push(0.9 + ((i * 31) % 7) as f64 / 50.0);
        }
    }
}

#[test]
fn a_followed_logs_growth_redoes_only_the_runs_that_grew_carrying_their_lines_on() {
    let n = 12_000;
    let svg = |drop: &plateau::Dropped, report: &plateau::Report, o: &Overlaid, view: &View| {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (700, OVERLAY_HEIGHT)).into_drawing_area();
            overlay_prepared(&area, drop, report, view, o, &Style::default()).unwrap();
        }
        out
    };
    // Per smoothing: what a run's growth redoes (the appended points, or the whole run).
    for (smoother, smoothing, carried) in [
        (plateau::chart::Smoother::Ema, 0.6, true),
        (plateau::chart::Smoother::Ema, 0.0, true),
        (plateau::chart::Smoother::Gaussian, 0.6, false),
    ] {
        let (mut drop, report) = long_folds(n);
        let view = View {
            compare: true,
            smoother,
            smoothing,
            ..View::default()
        };
        let mut overlaid = Overlaid::default();
        assert!(overlaid.step(&drop, &report, &view, 5_000));
        if carried && smoothing > 0.0 {
            assert!(overlaid.step(&drop, &report, &view, 5_000));
            assert!(
                overlaid.made() < n,
                "the EMA is fed a part per call: {}",
                overlaid.made()
            );
        }
        while overlaid.step(&drop, &report, &view, 5_000) {}
        assert_eq!(overlaid.made(), 3 * n);

        append(&mut drop, 1, n, n + 500, false);
        overlaid.forget_report();
        let before = overlaid.made();
        while overlaid.step(&drop, &report, &view, 5_000) {}
        let redone = if carried { 500 } else { n + 500 };
        assert_eq!(overlaid.made() - before, redone, "{smoother:?} {smoothing}");
        assert_eq!(
            svg(&drop, &report, &overlaid, &view),
            svg(&drop, &report, &Overlaid::new(&drop, &report, &view), &view),
            "{smoother:?} {smoothing}"
        );

        // x going back begins a session, smoothed on its own: the run is made again (unless unsmoothed).
        append(&mut drop, 2, n, n + 300, true);
        overlaid.forget_report();
        let before = overlaid.made();
        while overlaid.step(&drop, &report, &view, 5_000) {}
        let redone = if smoothing > 0.0 { n + 300 } else { 300 };
        assert_eq!(overlaid.made() - before, redone, "{smoother:?} {smoothing}");
        assert_eq!(
            svg(&drop, &report, &overlaid, &view),
            svg(&drop, &report, &Overlaid::new(&drop, &report, &view), &view),
            "{smoother:?} {smoothing}"
        );
    }
}
