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

/// A run of `n` steps: a noisy falling loss (ties and repeats on purpose), an evaluation every
/// tenth step and a stepped learning rate.
fn followed_run(n: usize) -> plateau::Run {
    let step = |k: usize| k as f64;
    let x: Vec<f64> = (0..n).map(step).collect();
    let loss: Vec<f64> = (0..n)
        .map(|k| {
            (2.0 / (1.0 + k as f64 / 500.0) + 0.05 * ((k * 7919) % 13) as f64).round() / 8.0 + 0.1
        })
        .collect();
    let val_x: Vec<f64> = (0..n).filter(|k| k % 10 == 9).map(step).collect();
    let val: Vec<f64> = val_x.iter().map(|x| 2.1 / (1.0 + x / 500.0)).collect();
    let lr: Vec<f64> = (0..n)
        .map(|k| 1e-3 * 0.5f64.powi((k / 3000) as i32))
        .collect();
    let named = |name: &str, x: Vec<f64>, y: Vec<f64>| {
        plateau::Series::named(name, plateau::model::Axis::Step, x, y)
    };
    plateau::Run {
        name: "steps".into(),
        source: "steps.csv".into(),
        dialect: plateau::ingest::Dialect::Csv,
        info: Vec::new(),
        series: vec![
            named("loss", x.clone(), loss),
            named("val_loss", val_x, val),
            named("lr", x, lr),
        ],
    }
}

/// `run` cut to its first points up to x = `last`.
fn cut(run: &plateau::Run, last: f64) -> plateau::Run {
    let mut out = run.clone();
    for s in &mut out.series {
        let n = s.x.partition_point(|x| *x <= last);
        s.x.truncate(n);
        s.y.truncate(n);
    }
    out
}

#[test]
fn a_prepared_run_grown_by_appended_points_draws_as_one_prepared_afresh() {
    let whole = followed_run(12_000);
    for smoother in [
        plateau::chart::Smoother::Ema,
        plateau::chart::Smoother::EmaSpaced,
        plateau::chart::Smoother::Gaussian,
    ] {
        let view = plateau::chart::View {
            smoother,
            ..plateau::chart::View::default()
        };
        let mut run = cut(&whole, 999.0);
        // Prepared a part at a time (the EMA fed a few hundred points per call), then grown.
        let mut prepared = plateau::chart::Prepared::begin(&run, &view);
        while prepared.step(&run, 300) {}
        for last in [1000.0, 1999.0, 2003.0, 7777.0, 11_999.0] {
            let old: Vec<usize> = run.series.iter().map(|s| s.len()).collect();
            run = cut(&whole, last);
            prepared.grow(&run, &view, &old);
            while prepared.step(&run, 300) {}
            let fresh = plateau::chart::prepare(&run, &view);
            assert_eq!(prepared.smoothed, fresh.smoothed, "{smoother:?} to {last}");
            let all = 0..run.series.len();
            assert_eq!(
                prepared.extent(all.clone()),
                fresh.extent(all),
                "{smoother:?} to {last}"
            );
            for i in 0..run.series.len() {
                for (range, columns) in [((0.0, last), 700), ((last * 0.3, last * 0.31), 300)] {
                    assert_eq!(
                        *prepared.raw_pieces(&run, i, range, columns, false),
                        pieces(&run.series[i].x, &run.series[i].y, range, columns, finite),
                        "{smoother:?} series {i} to {last} over {range:?}"
                    );
                    assert_eq!(
                        *prepared.smoothed_pieces(&run, i, range, columns, true),
                        *fresh.smoothed_pieces(&run, i, range, columns, true),
                        "{smoother:?} series {i} to {last} over {range:?}"
                    );
                }
            }
        }
    }
}

/// `run` with an `epoch` column (ten steps an epoch) against its steps, for the epoch x-axis.
fn with_epochs(mut run: plateau::Run) -> plateau::Run {
    let x = run.series[0].x.clone();
    let epochs = x.iter().map(|s| (s / 10.0).floor()).collect();
    let mut epoch = plateau::Series::named("epoch", plateau::model::Axis::Step, x, epochs);
    epoch.kind = plateau::model::Kind::Other;
    run.series.push(epoch);
    run
}

#[test]
fn a_grow_leaves_its_work_to_step_and_a_preparation_under_way_goes_on_from_where_it_got() {
    let whole = with_epochs(followed_run(40_000));
    for (axis, smoother) in [
        (plateau::chart::XAxis::Native, plateau::chart::Smoother::Ema),
        (
            plateau::chart::XAxis::Native,
            plateau::chart::Smoother::Gaussian,
        ),
        (plateau::chart::XAxis::Epoch, plateau::chart::Smoother::Ema),
    ] {
        let view = plateau::chart::View {
            x_axis: axis,
            smoother,
            ..plateau::chart::View::default()
        };
        let mut run = cut(&whole, 19_999.0);
        let mut prepared = plateau::chart::Prepared::begin(&run, &view);
        // Under way: some series' raw points and smoothing not gone through yet.
        assert!(prepared.step(&run, 25_000));
        for last in [20_500.0, 39_999.0] {
            let old: Vec<usize> = run.series.iter().map(|s| s.len()).collect();
            run = cut(&whole, last);
            prepared.grow(&run, &view, &old);
            assert!(
                !prepared.ready(),
                "{axis:?} {smoother:?}: nothing done in grow"
            );
            let mut calls = 0;
            while prepared.step(&run, 10_000) {
                calls += 1;
            }
            assert!(
                calls >= 3,
                "{axis:?} {smoother:?} to {last}: a part per call, {calls} calls"
            );
            let fresh = plateau::chart::prepare(&run, &view);
            assert_eq!(prepared.smoothed, fresh.smoothed, "{axis:?} {smoother:?}");
            for i in 0..run.series.len() {
                let range = (0.0, fresh.extent(0..run.series.len()).1);
                assert_eq!(
                    *prepared.raw_pieces(&run, i, range, 700, false),
                    *fresh.raw_pieces(&run, i, range, 700, false),
                    "{axis:?} {smoother:?} series {i} to {last}"
                );
                assert_eq!(
                    *prepared.smoothed_pieces(&run, i, range, 700, false),
                    *fresh.smoothed_pieces(&run, i, range, 700, false),
                    "{axis:?} {smoother:?} series {i} to {last}"
                );
            }
        }
    }
}

#[test]
fn a_mapped_x_axis_is_mapped_a_part_per_call() {
    let run = with_epochs(followed_run(30_000));
    let view = plateau::chart::View {
        x_axis: plateau::chart::XAxis::Epoch,
        ..plateau::chart::View::default()
    };
    let mut prepared = plateau::chart::Prepared::begin(&run, &view);
    assert_eq!(prepared.x(&run, 0).len(), 0, "begin maps nothing");
    assert!(prepared.step(&run, 10_000));
    assert_eq!(prepared.x(&run, 0).len(), 10_000, "a part per call");
    while prepared.step(&run, 10_000) {}
    let fresh = plateau::chart::prepare(&run, &view);
    let whole = plateau::chart::XMap::new(&run, view.x_axis);
    for (i, s) in run.series.iter().enumerate() {
        assert_eq!(prepared.x(&run, i), &*whole.series_x(&run, s), "series {i}");
        assert_eq!(prepared.x(&run, i), fresh.x(&run, i), "series {i}");
    }
    assert_eq!(prepared.smoothed, fresh.smoothed);
}

#[test]
fn block_decimation_equals_a_point_by_point_scan() {
    // Ties within and across blocks, runs of equal values, a zoom inside one block, the edges.
    let n = 50_000;
    let x: Vec<f64> = (0..n).map(|i| i as f64 * 0.5).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| ((i * 2_654_435_761usize) % 97) as f64 / 7.0)
        .collect();
    let run = plateau::Run {
        name: "ties".into(),
        source: "ties.csv".into(),
        dialect: plateau::ingest::Dialect::Csv,
        info: Vec::new(),
        series: vec![plateau::Series::named(
            "loss",
            plateau::model::Axis::Step,
            x.clone(),
            y.clone(),
        )],
    };
    let prepared = plateau::chart::prepare(&run, &plateau::chart::View::default());
    for range in [
        (0.0, 24_999.5),
        (100.0, 120.0),
        (3.3, 3.4),
        (-10.0, 5.0),
        (24_990.0, 30_000.0),
    ] {
        for columns in [1, 7, 333, 1280, 100_000] {
            assert_eq!(
                *prepared.raw_pieces(&run, 0, range, columns, false),
                pieces(&x, &y, range, columns, finite),
                "{range:?} on {columns}"
            );
        }
    }
}

#[test]
fn a_run_prepared_a_part_at_a_time_draws_as_one_prepared_at_once() {
    let run = followed_run(30_000);
    let all = 0..run.series.len();
    let compare = |parts: &plateau::chart::Prepared, whole: &plateau::chart::Prepared| {
        assert_eq!(parts.smoothed, whole.smoothed);
        for i in all.clone() {
            for (range, columns) in [((0.0, 30_000.0), 800), ((1234.5, 1300.0), 97)] {
                assert_eq!(
                    *parts.raw_pieces(&run, i, range, columns, false),
                    *whole.raw_pieces(&run, i, range, columns, false),
                );
                assert_eq!(
                    *parts.smoothed_pieces(&run, i, range, columns, true),
                    *whole.smoothed_pieces(&run, i, range, columns, true),
                );
            }
        }
    };
    let view = plateau::chart::View::default();
    let mut parts = plateau::chart::Prepared::begin(&run, &view);
    let mut calls = 1;
    while parts.step(&run, 10_000) {
        assert!(!parts.ready());
        calls += 1;
    }
    assert!(parts.ready());
    assert!(
        calls >= 4,
        "one series or so per call, not all at once: {calls} calls"
    );
    compare(&parts, &plateau::chart::prepare(&run, &view));

    // A new smoothing is work left to do, and then the same as smoothing afresh.
    let smoother = plateau::chart::View {
        smoothing: 0.9,
        ..view
    };
    parts.update(&run, &smoother);
    assert!(!parts.ready());
    while parts.step(&run, 10_000) {}
    compare(&parts, &plateau::chart::prepare(&run, &smoother));
}

#[test]
fn block_decimation_of_a_long_series_equals_a_point_by_point_scan() {
    // Enough points for many levels of blocks, a one-point spike and dip, ranges that start and
    // end inside blocks, one column over everything.
    let n = 300_007;
    let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut y: Vec<f64> = (0..n)
        .map(|i| ((i * 2_654_435_761usize) % 1009) as f64)
        .collect();
    y[123_457] = 5_000.0;
    y[200_001] = -5_000.0;
    let run = plateau::Run {
        name: "long".into(),
        source: "long.csv".into(),
        dialect: plateau::ingest::Dialect::Csv,
        info: Vec::new(),
        series: vec![plateau::Series::named(
            "loss",
            plateau::model::Axis::Step,
            x.clone(),
            y.clone(),
        )],
    };
    let prepared = plateau::chart::prepare(&run, &plateau::chart::View::default());
    for range in [(0.0, 300_006.0), (17.0, 299_000.5), (123_000.0, 201_000.0)] {
        for columns in [1, 3, 640, 1920] {
            let fast = prepared.raw_pieces(&run, 0, range, columns, false);
            assert_eq!(*fast, pieces(&x, &y, range, columns, finite), "{range:?}");
            let drawn: Vec<f64> = fast.iter().flatten().map(|p| p.1).collect();
            assert!(drawn.contains(&5_000.0) && drawn.contains(&-5_000.0));
        }
    }
}

#[test]
fn series_with_gaps_infinities_or_repeated_x_decimate_as_the_point_scan_does() {
    let n = 5_000;
    let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let y: Vec<f64> = (0..n).map(|i| 1.0 + ((i * 31) % 17) as f64).collect();
    let mut gap = y.clone();
    gap[2_345] = f64::NAN;
    let mut huge = y.clone();
    huge[100] = f64::INFINITY;
    let mut repeated = x.clone();
    repeated[3_000] = repeated[2_999];
    let mut endless = x.clone();
    endless[n - 1] = f64::INFINITY;
    for (xs, ys) in [(&x, &gap), (&x, &huge), (&repeated, &y), (&endless, &y)] {
        let run = plateau::Run {
            name: "odd".into(),
            source: "odd.csv".into(),
            dialect: plateau::ingest::Dialect::Csv,
            info: Vec::new(),
            series: vec![plateau::Series::named(
                "loss",
                plateau::model::Axis::Step,
                xs.clone(),
                ys.clone(),
            )],
        };
        let prepared = plateau::chart::prepare(&run, &plateau::chart::View::default());
        for columns in [1, 50, 640] {
            let range = (0.0, 5_000.0);
            assert_eq!(
                *prepared.raw_pieces(&run, 0, range, columns, false),
                pieces(xs, ys, range, columns, finite)
            );
        }
    }
}

#[test]
fn warming_a_wide_run_decimates_once_then_finds_every_curve_ready() {
    // More series than the cache's spare room: warming must still end.
    let names: Vec<String> = (0..300).map(|i| format!("m{i}")).collect();
    let mut text = names.join(",") + "\n";
    for r in 0..3 {
        let row: Vec<String> = (0..300)
            .map(|i| ((i + r) as f64 / 7.0).to_string())
            .collect();
        text += &(row.join(",") + "\n");
    }
    let input = plateau::Input {
        name: "wide.csv",
        bytes: text.as_bytes(),
    };
    let (drop, report) = plateau::check(&[input], &plateau::Options::default()).unwrap();
    let (run, judged) = (&drop.runs[0], &report.runs[0]);
    let view = plateau::chart::View::default();
    let prepared = plateau::chart::prepare(run, &view);
    assert!(plateau::chart::warm(run, judged, &view, &prepared, 1200));
    assert!(!plateau::chart::warm(run, judged, &view, &prepared, 1200));
    // Another width is another drawing.
    assert!(plateau::chart::warm(run, judged, &view, &prepared, 800));
}

#[test]
fn a_run_prepared_a_part_at_a_time_finds_its_first_nan_and_disorder_past_a_part_boundary() {
    // x goes back and the first NaN lies in later parts: what each part learns is kept with the
    // place it was found at, across the seam between two parts.
    let n = 30_000;
    let x: Vec<f64> = (0..n)
        .map(|k| {
            if k < 10_000 {
                k as f64
            } else {
                (k - 5_000) as f64
            }
        })
        .collect();
    let mut y: Vec<f64> = (0..n).map(|k| 1.0 / (1.0 + k as f64)).collect();
    y[15_321] = f64::NAN;
    let run = plateau::Run {
        name: "seams".into(),
        source: "seams.csv".into(),
        dialect: plateau::ingest::Dialect::Csv,
        info: Vec::new(),
        series: vec![plateau::Series::named(
            "loss",
            plateau::model::Axis::Step,
            x,
            y,
        )],
    };
    let view = plateau::chart::View::default();
    let whole = plateau::chart::prepare(&run, &view);
    let mut parts = plateau::chart::Prepared::begin(&run, &view);
    while parts.step(&run, 10_000) {}
    assert_eq!(whole.first_non_finite(0), Some(15_321));
    assert_eq!(parts.first_non_finite(0), whole.first_non_finite(0));
    for target in [5_100.0, 7_500.0, 9_999.0, 12_000.0, 24_000.0] {
        assert_eq!(
            parts.nearest(&run, 0, target),
            whole.nearest(&run, 0, target),
            "nearest to {target}"
        );
    }
    assert_eq!(parts.extent(0..1), whole.extent(0..1));
}
