//! Min/max-per-column decimation and the y-range rules.
#![cfg(not(target_arch = "wasm32"))]

use plateau::chart::{pieces, y_range};
use plateau::stats::quantile;

fn finite(y: f64) -> bool {
    y.is_finite()
}

#[test]
fn one_sample_spike_survives_a_million_points_on_800_columns() {
    let n = 1_000_000;
    let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut y: Vec<f64> = (0..n)
        .map(|i| 1.0 + 0.1 * ((i as f64) * 0.37).sin())
        .collect();
    y[612_345] = 50.0;
    y[400_001] = -3.0;
    let out = pieces(&x, &y, (0.0, (n - 1) as f64), 800, finite);
    assert_eq!(out.len(), 1);
    let points = &out[0];
    assert!(points.len() <= 2 * 800 + 2, "{} points", points.len());
    assert!(points.contains(&(612_345.0, 50.0)), "the spike is kept");
    assert!(points.contains(&(400_001.0, -3.0)), "the dip is kept");
    assert!(
        points.windows(2).all(|w| w[0].0 <= w[1].0),
        "x stays in order"
    );
}

#[test]
fn spike_survives_when_zoomed_in() {
    let x: Vec<f64> = (0..100_000).map(f64::from).collect();
    let mut y = vec![0.0; 100_000];
    y[50_500] = 9.0;
    let out = pieces(&x, &y, (50_000.0, 51_000.0), 300, finite);
    let all: Vec<(f64, f64)> = out.concat();
    assert!(all.contains(&(50_500.0, 9.0)));
    assert!(
        all.iter().all(|p| p.0 >= 49_999.0 && p.0 <= 51_001.0),
        "only the zoomed range and its two neighbours"
    );
}

#[test]
fn restarted_run_is_separate_pieces_not_a_zigzag() {
    let x = [0.0, 1.0, 2.0, 3.0, 1.0, 2.0, 3.0];
    let y = [5.0, 4.0, 3.0, 2.0, 4.5, 3.5, 2.5];
    let out = pieces(&x, &y, (0.0, 3.0), 500, finite);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].last(), Some(&(3.0, 2.0)));
    assert_eq!(out[1].first(), Some(&(1.0, 4.5)));
}

#[test]
fn nan_breaks_the_line() {
    let x = [0.0, 1.0, 2.0, 3.0, 4.0];
    let y = [1.0, 2.0, f64::NAN, 3.0, 4.0];
    let out = pieces(&x, &y, (0.0, 4.0), 500, finite);
    assert_eq!(
        out,
        vec![vec![(0.0, 1.0), (1.0, 2.0)], vec![(3.0, 3.0), (4.0, 4.0)]]
    );
}

#[test]
fn log_axis_leaves_out_non_positive_values() {
    let x = [0.0, 1.0, 2.0];
    let y = [1.0, 0.0, 2.0];
    let out = pieces(&x, &y, (0.0, 2.0), 500, |v| v.is_finite() && v > 0.0);
    assert_eq!(out.len(), 2);
}

#[test]
fn quantile_interpolates_like_d3() {
    let mut v = vec![30.0, 0.0, 20.0, 10.0];
    assert_eq!(quantile(&mut v, 0.5), 15.0);
    assert_eq!(quantile(&mut v, 0.0), 0.0);
    assert_eq!(quantile(&mut v, 1.0), 30.0);
}

#[test]
fn ignoring_outliers_keeps_a_spike_out_of_the_y_range() {
    let mut v: Vec<f64> = (0..100).map(|i| 1.0 + f64::from(i) * 0.01).collect();
    v[50] = 1000.0;
    let (_, hi_all) = y_range(&v, false, false);
    let (lo, hi) = y_range(&v, true, false);
    assert!(hi_all > 1000.0);
    assert!(hi < 2.1 && lo > 0.9, "{lo}..{hi}");
}

#[test]
fn log_range_ignores_zero_and_negative() {
    let (lo, hi) = y_range(&[0.0, -1.0, 0.01, 10.0], false, true);
    assert!(lo > 0.0 && lo < 0.01 && hi > 10.0, "{lo}..{hi}");
}

fn long_run() -> plateau::Run {
    let x: Vec<f64> = (0..10_000).map(f64::from).collect();
    let y: Vec<f64> = (0..10_000)
        .map(|i| 1.0 + (f64::from(i) * 0.37).sin())
        .collect();
    plateau::Run {
        name: "long".into(),
        source: "long.csv".into(),
        dialect: plateau::ingest::Dialect::Keras,
        info: Vec::new(),
        series: vec![plateau::Series::named(
            "loss",
            plateau::model::Axis::Step,
            x,
            y,
        )],
    }
}

#[test]
fn zoomed_decimation_of_sorted_x_matches_a_full_scan() {
    let run = long_run();
    let prepared = plateau::chart::prepare(&run, &plateau::chart::View::default());
    let s = &run.series[0];
    for range in [
        (2000.5, 3000.0),
        (0.0, 9999.0),
        (-50.0, 10.0),
        (9990.0, 20_000.0),
    ] {
        let fast = prepared.raw_pieces(&run, 0, range, 300, false);
        assert_eq!(*fast, pieces(&s.x, &s.y, range, 300, finite), "{range:?}");
    }
}

#[test]
fn refresh_resmooths_when_the_slider_moves() {
    let run = long_run();
    let mut prepared = plateau::chart::prepare(&run, &plateau::chart::View::default());
    let view = plateau::chart::View {
        smoothing: 0.9,
        ..plateau::chart::View::default()
    };
    prepared.refresh(&run, &view);
    assert_eq!(
        prepared.smoothed[0],
        plateau::chart::ema(0.9, &run.series[0].y)
    );
}

#[test]
fn out_of_range_smoothing_weights_are_clamped_not_trusted() {
    let run = long_run();
    let y = &run.series[0].y;
    for (weight, want) in [
        (5.0, plateau::chart::ema(0.999, y)),
        (f64::NAN, y.clone()),
        (-1.0, y.clone()),
    ] {
        let view = plateau::chart::View {
            smoothing: weight,
            ..plateau::chart::View::default()
        };
        assert_eq!(
            plateau::chart::prepare(&run, &view).smoothed[0],
            want,
            "{weight}"
        );
    }
}
