//! The drawing on hand-built runs and reports: panels, markers, regions, projection, the pixel ↔ data
//! mapping behind hover and zoom, and the CSV export.
#![cfg(not(target_arch = "wasm32"))]

use plateau::analysis::{Marker, MarkerKind, Projection, Region, RegionKind};
use plateau::chart::{self, Frame, Style, View, XAxis};
use plateau::model::{Axis, Dropped, Run, Series};
use plateau::{analyze, Options, RunReport};
use plotters::prelude::*;

fn series(name: &str, y: &[f64]) -> Series {
    let x = (0..y.len()).map(|i| i as f64).collect();
    Series::named(name, Axis::Epoch, x, y.to_vec())
}

fn run(series: Vec<Series>) -> Run {
    Run {
        name: "hand".into(),
        source: "hand.csv".into(),
        dialect: plateau::ingest::Dialect::Keras,
        info: Vec::new(),
        series,
    }
}

fn loss_run() -> Run {
    let loss: Vec<f64> = (0..30).map(|i| 2.0 / (1.0 + f64::from(i))).collect();
    let val: Vec<f64> = (0..30)
        .map(|i| 2.2 / (1.0 + f64::from(i)) + 0.01 * f64::from(i))
        .collect();
    run(vec![series("loss", &loss), series("val_loss", &val)])
}

fn report_of(run: &Run) -> RunReport {
    let drop = Dropped {
        runs: vec![run.clone()],
        warnings: Vec::new(),
    };
    analyze(&drop, &Options::default()).runs.remove(0)
}

fn draw(run: &Run, report: &RunReport, view: &View) -> (String, Frame) {
    let mut out = String::new();
    let frame = {
        let area = SVGBackend::with_string(&mut out, (900, 500)).into_drawing_area();
        let prepared = chart::prepare(run, view);
        chart::draw(&area, run, report, view, &prepared, &Style::default()).expect("drawn")
    };
    (out, frame)
}

fn marker(kind: MarkerKind, x: f64, value: Option<f64>, label: &str) -> Marker {
    Marker {
        kind,
        series: None,
        x,
        value,
        label: label.into(),
    }
}

#[test]
fn verdict_and_advice_are_drawn_in_the_banner() {
    let r = loss_run();
    let rep = report_of(&r);
    let (svg, _) = draw(&r, &rep, &View::default());
    assert!(svg.contains(&format!("{} — val_loss", rep.verdict)));
    assert!(svg.contains(&rep.advice));
}

#[test]
fn train_and_validation_share_a_panel_and_grad_norm_gets_a_log_panel() {
    let mut r = loss_run();
    r.series.push(series("accuracy", &[0.5; 30]));
    r.series.push(series("val_accuracy", &[0.4; 30]));
    r.series.push(series("lr", &[1e-3; 30]));
    r.series.push(series(
        "grad_norm",
        &(0..30).map(|i| 10f64.powi(i % 4)).collect::<Vec<_>>(),
    ));
    let (_, frame) = draw(&r, &report_of(&r), &View::default());
    let titles: Vec<&str> = frame.panels.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        ["val_loss", "accuracy", "learning rate", "gradient norm"]
    );
    let logs: Vec<bool> = frame.panels.iter().map(|p| p.log).collect();
    assert_eq!(logs, [false, false, false, true]);
    assert_eq!(frame.legend[0].panel, 0);
    assert_eq!(frame.legend[1].panel, 0);
    assert!(
        frame.panels.windows(2).all(|w| w[0].bottom <= w[1].top),
        "panels stack top to bottom"
    );
}

#[test]
fn regions_projection_and_markers_are_drawn_when_present() {
    let r = loss_run();
    let plain = report_of(&r);
    let mut rich = plain.clone();
    rich.regions.push(Region {
        kind: RegionKind::Plateau,
        start: 20.0,
        end: 29.0,
    });
    rich.projection = Some(Projection {
        series: "val_loss".into(),
        x: vec![29.0, 35.0, 40.0],
        mid: vec![0.36, 0.37, 0.38],
        low: vec![0.33, 0.32, 0.31],
        high: vec![0.39, 0.42, 0.45],
    });
    rich.markers.push(marker(
        MarkerKind::OverfitOnset,
        12.0,
        None,
        "overfitting from here",
    ));
    rich.markers
        .push(marker(MarkerKind::Restart, 5.0, None, "resumed"));
    let (before, _) = draw(&r, &plain, &View::default());
    let (after, frame) = draw(&r, &rich, &View::default());
    for text in ["plateau", "overfitting from here", "resumed", "<polygon"] {
        assert!(
            after.matches(text).count() > before.matches(text).count(),
            "{text} drawn only when reported"
        );
    }
    assert!(
        frame.x_max >= 29.0,
        "the projection's own x range is not a zoom"
    );
}

#[test]
fn clip_threshold_is_a_labelled_line_on_the_grad_norm_panel() {
    let mut r = loss_run();
    r.series.push(series("grad_norm", &[0.5; 30]));
    let mut rep = report_of(&r);
    rep.markers.push(marker(
        MarkerKind::ClipThreshold,
        0.0,
        Some(1.0),
        "clip at 1.0",
    ));
    let (svg, frame) = draw(&r, &rep, &View::default());
    assert!(svg.contains("clip at 1.0"));
    assert!(
        frame.panels[1].y_max > 1.0,
        "the threshold is inside the panel's range"
    );
}

#[test]
fn hover_reads_raw_and_smoothed_values_at_the_nearest_point() {
    let r = loss_run();
    let rep = report_of(&r);
    let view = View::default();
    let (_, frame) = draw(&r, &rep, &view);
    let prepared = chart::prepare(&r, &view);
    let py = f64::from(frame.panels[0].top + frame.panels[0].bottom) / 2.0;
    let px = frame.px_of(7.2);
    let hit = chart::hover(&frame, &r, &rep, &view, &prepared, (px, py)).expect("a read-out");
    assert_eq!(hit.x, 7.0);
    let row = hit
        .rows
        .iter()
        .find(|row| row.series == "val_loss")
        .expect("val_loss row");
    assert_eq!(row.raw, r.series[1].y[7]);
    assert_eq!(row.smoothed, chart::ema(0.6, &r.series[1].y)[7]);
    assert_eq!(hit.x_text, "7");
    assert_eq!(row.raw_text, chart::readout_number(row.raw));
    assert_eq!(row.smoothed_text, chart::readout_number(row.smoothed));
    assert!(
        chart::hover(&frame, &r, &rep, &view, &prepared, (1.0, py)).is_none(),
        "left of the plot"
    );
}

#[test]
fn hidden_series_leave_the_read_out_and_the_legend_says_so() {
    let r = loss_run();
    let rep = report_of(&r);
    let view = View {
        hidden: vec!["loss".into()],
        ..View::default()
    };
    let (_, frame) = draw(&r, &rep, &view);
    assert!(frame.legend.iter().any(|e| e.series == "loss" && e.hidden));
    let prepared = chart::prepare(&r, &view);
    let py = f64::from(frame.panels[0].top + 20);
    let hit = chart::hover(&frame, &r, &rep, &view, &prepared, (frame.px_of(3.0), py)).unwrap();
    assert_eq!(
        hit.rows
            .iter()
            .map(|r| r.series.as_str())
            .collect::<Vec<_>>(),
        ["val_loss"]
    );
}

#[test]
fn zoom_maps_pixels_to_x_and_redraws_only_that_range() {
    let r = loss_run();
    let rep = report_of(&r);
    let (_, full) = draw(&r, &rep, &View::default());
    let (a, b) = (full.x_at(full.px_of(10.0)), full.x_at(full.px_of(20.0)));
    assert!((a - 10.0).abs() < 1e-9 && (b - 20.0).abs() < 1e-9);
    let view = View {
        zoom: Some((a, b)),
        ..View::default()
    };
    let (_, zoomed) = draw(&r, &rep, &view);
    assert_eq!((zoomed.x_min, zoomed.x_max), (a, b));
    assert!(
        zoomed.panels[0].y_max < full.panels[0].y_max,
        "y follows what is visible"
    );
}

#[test]
fn wall_time_axis_maps_x_through_the_time_column() {
    let mut r = loss_run();
    r.series.push(series(
        "time",
        &(0..30)
            .map(|i| 100.0 + 60.0 * f64::from(i))
            .collect::<Vec<_>>(),
    ));
    let rep = report_of(&r);
    let choices = chart::choices(&r);
    assert_eq!(choices.len(), 2);
    let view = View {
        x_axis: XAxis::WallTime,
        ..View::default()
    };
    let (_, frame) = draw(&r, &rep, &view);
    assert_eq!((frame.x_min, frame.x_max), (0.0, 29.0 * 60.0));
    assert_eq!(frame.x_title, "wall time (s)");
}

#[test]
fn epoch_axis_maps_steps_through_lightning_epoch_column() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/real/lightning--asl-project/metrics.csv"
    ))
    .unwrap();
    let drop = plateau::ingest::read(&[plateau::Input {
        name: "metrics.csv",
        bytes: &bytes,
    }])
    .unwrap();
    let r = &drop.runs[0];
    let rep = report_of(r);
    let titles: Vec<String> = chart::choices(r).into_iter().map(|c| c.1).collect();
    assert_eq!(titles, ["step", "epoch"]);
    let view = View {
        x_axis: XAxis::Epoch,
        ..View::default()
    };
    let (_, frame) = draw(r, &rep, &view);
    assert_eq!(frame.x_title, "epoch");
    assert!(
        frame.x_min >= 0.0 && frame.x_max <= 10.0,
        "ten epochs, not 10879 steps: {}..{}",
        frame.x_min,
        frame.x_max
    );
    let (_, native) = draw(r, &rep, &View::default());
    assert!(native.x_max > 10_000.0);
}

#[test]
fn csv_export_has_raw_and_smoothed_for_each_point() {
    let r = loss_run();
    let rep = report_of(&r);
    let view = View::default();
    let prepared = chart::prepare(&r, &view);
    let csv = chart::csv(&r, &rep, &view, &prepared).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "series,epoch,raw,smoothed");
    assert_eq!(lines.len(), 1 + 60);
    let smoothed = chart::ema(0.6, &r.series[1].y);
    assert_eq!(
        lines[1],
        format!("val_loss,0,{},{}", r.series[1].y[0], smoothed[0])
    );
}

#[test]
fn a_nan_only_series_still_draws_without_failing() {
    let r = run(vec![series(
        "loss",
        &[1e24, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN],
    )]);
    let rep = report_of(&r);
    for log_y in [false, true] {
        let view = View {
            log_y,
            ..View::default()
        };
        let (svg, frame) = draw(&r, &rep, &view);
        assert!(svg.contains("diverging"));
        assert!(frame.panels[0].y_max > 1e24);
    }
}

#[test]
fn first_nan_is_marked_once_whether_or_not_the_report_marks_it() {
    let mut loss: Vec<f64> = (0..20).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
    loss[12] = f64::NAN;
    let r = run(vec![series("loss", &loss)]);
    let mut rep = report_of(&r);
    rep.markers.retain(|m| m.kind != "nan");
    let (svg, _) = draw(&r, &rep, &View::default());
    assert_eq!(
        svg.matches("NaN from here").count(),
        1,
        "marked from the data"
    );
    rep.markers.push(Marker {
        series: Some("loss".into()),
        ..marker(MarkerKind::Nan, 12.0, None, "loss is NaN")
    });
    let (svg, _) = draw(&r, &rep, &View::default());
    assert_eq!(
        svg.matches("NaN from here").count(),
        0,
        "the report's marker wins"
    );
    assert_eq!(svg.matches("loss is NaN").count(), 1);
}

/// A log axis within less than a decade holds no power of ten: it still gets labelled ticks.
#[test]
fn log_y_within_a_decade_still_labels_the_axis() {
    let loss: Vec<f64> = (0..20).map(|i| 1.9 - 0.02 * f64::from(i)).collect();
    let r = run(vec![series("loss", &loss)]);
    let rep = report_of(&r);
    let view = View {
        log_y: true,
        ..View::default()
    };
    let (svg, _) = draw(&r, &rep, &view);
    let labels: Vec<&str> = ["1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "2"]
        .into_iter()
        .filter(|t| svg.lines().any(|l| l.trim() == *t))
        .collect();
    assert!(labels.len() >= 3, "y ticks found: {labels:?}");
}

#[test]
fn csv_export_keeps_formula_like_names_as_text() {
    let loss: Vec<f64> = (0..10).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
    for name in ["=HYPERLINK(\"http://x\")", "+1", "-cmd", "@SUM(A1)"] {
        let r = run(vec![series(name, &loss)]);
        let view = View::default();
        let csv = chart::csv(&r, &report_of(&r), &view, &chart::prepare(&r, &view)).unwrap();
        let first = csv.lines().nth(1).expect("a data row");
        let cell = first.trim_start_matches('"');
        assert!(cell.starts_with(&format!("'{}", &name[..1])), "{first}");
    }
}

#[test]
fn svg_export_drops_control_characters_from_names() {
    let loss: Vec<f64> = (0..10).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
    let mut r = run(vec![series("lo\u{1}ss\u{1b}", &loss)]);
    r.name = "run\u{0}\u{7}".into();
    let svg = chart::svg(&r, &report_of(&r), &View::default(), 600, 400).unwrap();
    assert!(
        svg.contains("loss"),
        "the name stays, without its control characters"
    );
    assert!(
        !svg.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')),
        "control characters left in the SVG"
    );
}

#[test]
fn a_log_of_one_row_is_insufficient_with_its_point_drawn() {
    let bytes = b"epoch,loss,val_loss\n0,0.7,0.8\n";
    let inputs = [plateau::Input {
        name: "log.csv",
        bytes,
    }];
    let (drop, report) = plateau::check(&inputs, &Options::default()).expect("one row reads");
    let judged = &report.runs[0];
    assert_eq!(judged.verdict, plateau::Verdict::Insufficient);
    let (svg, _) = draw(&drop.runs[0], judged, &View::default());
    assert!(
        svg.matches("<circle").count() >= 2,
        "each series' point is drawn as a dot"
    );
}

#[test]
fn a_gradient_norm_near_the_largest_float_still_draws() {
    // Found by `make fuzz` (check_link): the log panel's range padded past f64::MAX and the mesh
    // never finished drawing.
    let mut norms: Vec<f64> = (0..16).map(|i| 1.0 + f64::from(i)).collect();
    norms[13] = 1.348e308;
    norms[7] = f64::NAN;
    let loss: Vec<f64> = (0..16).map(|i| 2.0 / (1.0 + f64::from(i))).collect();
    let r = run(vec![series("loss", &loss), series("grad_norm", &norms)]);
    let (svg, frame) = draw(&r, &report_of(&r), &View::default());
    assert!(svg.contains("grad_norm"));
    assert!(frame.legend.len() >= 2);
}

#[test]
fn a_gradient_norm_over_three_hundred_decades_still_draws() {
    // Found by `make fuzz` (check_link): norms from 1e-154 to 4e173 put plotters' own log key
    // points on a range it never finished walking (fixed on main by ticks of our own, bd43381).
    let norms: Vec<f64> = (0..27)
        .map(|i| match i {
            0 => 832.76,
            1..=10 => f64::NAN,
            11..=20 => 1.1187511096854577e-154,
            _ => 3.7099560221145637e173,
        })
        .collect();
    let loss: Vec<f64> = (0..27).map(|i| 2.0 / (1.0 + f64::from(i))).collect();
    let r = run(vec![series("loss", &loss), series("grad_norm", &norms)]);
    let (svg, frame) = draw(&r, &report_of(&r), &View::default());
    assert!(svg.contains("grad_norm"));
    assert!(frame.legend.len() >= 2);
}

#[test]
fn values_near_the_largest_float_keep_every_axis_finite() {
    for log in [false, true] {
        let (lo, hi) = chart::y_range(&[-1.7e308, 1e-320, 1.7e308], false, log);
        assert!(
            lo.is_finite() && hi.is_finite() && (hi - lo).is_finite(),
            "{lo} {hi} (log {log})"
        );
        assert!(!log || lo > 0.0);
    }
}

#[test]
fn read_out_numbers_are_whole_or_five_significant_digits() {
    let cases = [
        (7.0, "7"),
        (-120.0, "-120"),
        (0.123456789, "0.12346"),
        (2.5, "2.5000"),
        (1234.56789, "1234.6"),
        (0.000012345678, "1.2346e-5"),
        (3.0e20, "3.0000e20"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
    ];
    for (v, want) in cases {
        assert_eq!(chart::readout_number(v), want, "{v}");
    }
}

#[test]
fn page_styles_verdicts_in_the_chart_themes_colours() {
    // The chart theme is the source; the page's CSS variables repeat its values in one block that
    // the dark scheme does not override, so the run rows and the canvas never disagree.
    let css = include_str!("../www/style.css");
    for verdict in [
        plateau::Verdict::Improving,
        plateau::Verdict::Plateau,
        plateau::Verdict::Overfitting,
        plateau::Verdict::Diverging,
        plateau::Verdict::Insufficient,
    ] {
        let var = format!("--{}:", verdict.as_str());
        let values: Vec<&str> = css
            .lines()
            .filter_map(|l| l.trim().strip_prefix(var.as_str()))
            .map(|v| v.trim().trim_end_matches(';'))
            .collect();
        let theme = chart::hex(chart::verdict_color(verdict));
        assert_eq!(values, [theme.as_str()], "{var} in www/style.css");
    }
}
