//! Every step is O(n log n) or better in points, series and runs: inputs a quadratic step would
//! take minutes to hours on finish here in a moment. Nothing is timed: the sizes are chosen so
//! that the quadratic versions these tests replaced never finish a `cargo test` run.
#![cfg(not(target_arch = "wasm32"))]

use plateau::chart::gaussian;
use plateau::compare::band;
use plateau::ingest::{read, Input};
use plateau::model::{Axis, Run, Series};

fn series(name: &str, x: Vec<f64>, y: Vec<f64>) -> Series {
    Series::named(name, Axis::Epoch, x, y)
}

#[test]
fn band_of_two_million_point_folds_matches_every_x() {
    let n = 1_000_000;
    let x: Vec<f64> = (0..n).map(f64::from).collect();
    let a = series("loss", x.clone(), x.iter().map(|v| v * 2.0).collect());
    let b = series(
        "loss",
        x.iter().rev().copied().collect(),
        x.iter().rev().copied().collect(),
    );
    let band = band(&[&a, &b]).expect("every x is shared");
    assert_eq!(band.x.len(), n as usize);
    assert_eq!(band.mean[10], 15.0);
    assert_eq!((band.min[10], band.max[10]), (10.0, 20.0));
}

#[test]
fn band_takes_the_last_value_logged_at_an_x() {
    let a = series("loss", vec![0.0, 1.0], vec![1.0, 1.0]);
    let b = series("loss", vec![0.0, 1.0, 1.0, -0.0], vec![9.0, 9.0, 3.0, 5.0]);
    let band = band(&[&a, &b]).unwrap();
    assert_eq!(band.mean, vec![3.0, 2.0]);
}

#[test]
fn band_matches_x_in_any_order_repeated_or_missing() {
    let a = series(
        "loss",
        vec![2.0, 1.0, 1.0, f64::NAN, 3.0, 4.0],
        vec![20.0, 10.0, 11.0, 99.0, 30.0, 40.0],
    );
    let b = series(
        "loss",
        vec![3.0, 1.0, 2.0, 1.0, f64::NAN],
        vec![300.0, 100.0, 200.0, 101.0, 7.0],
    );
    let band = band(&[&a, &b]).unwrap();
    assert_eq!(
        band.x,
        vec![2.0, 1.0, 3.0],
        "in the first member's order, its repeated x once, x 4 not shared"
    );
    assert_eq!(
        band.mean,
        vec![110.0, 56.0, 165.0],
        "at x 1 each member's last value (11 and 101)"
    );
}

/// A long fold beside thousands of folds that logged one point: the shared x are narrowed member
/// by member. A band that kept a first-member-length column per member needed 16 MB per one-point
/// fold here, 80 GB in all.
#[test]
fn band_of_a_million_point_fold_and_five_thousand_one_point_folds_is_their_one_shared_x() {
    let n = 1_000_000;
    let x: Vec<f64> = (0..n).map(f64::from).collect();
    let long = series("loss", x.clone(), x);
    let k = 5000;
    let short: Vec<Series> = (0..k)
        .map(|i| series("loss", vec![123_456.0], vec![f64::from(i)]))
        .collect();
    let members: Vec<&Series> = std::iter::once(&long).chain(&short).collect();
    let shared = band(&members).expect("every fold logged x 123456");
    assert_eq!(shared.x, vec![123_456.0]);
    let sum = 123_456.0 + (0..k).map(f64::from).sum::<f64>();
    assert_eq!(shared.mean, vec![sum / f64::from(k + 1)]);
    assert_eq!((shared.min, shared.max), (vec![0.0], vec![123_456.0]));
    let missing = series("loss", vec![7.0], vec![1.0]);
    let members: Vec<&Series> = members.into_iter().chain([&missing]).collect();
    assert!(
        band(&members).is_none(),
        "a fold without x 123456 leaves no shared x"
    );
}

/// A fold that logged a million rows at one x beside thousands of one-point folds at that x: its
/// repeated x count once (the latest value), so the band is as long as the shortest member. A band
/// over every repeated point needed a million values per fold here.
#[test]
fn band_of_folds_repeating_one_x_counts_each_folds_latest_value_once() {
    let n = 1_000_000;
    let long = series("loss", vec![0.0; n], (0..n).map(|i| i as f64).collect());
    let short: Vec<Series> = (0..2000)
        .map(|_| series("loss", vec![-0.0, 0.0], vec![5.0, 1.0]))
        .collect();
    let members: Vec<&Series> = std::iter::once(&long).chain(&short).collect();
    let band = band(&members).expect("every fold logged x 0");
    assert_eq!(band.x, vec![0.0]);
    let last = (n - 1) as f64;
    assert_eq!(band.mean, vec![(last + 2000.0) / 2001.0]);
    assert_eq!((band.min, band.max), (vec![1.0], vec![last]));
}

#[test]
fn band_without_a_shared_x_is_none() {
    let a = series("loss", vec![f64::NAN, f64::NAN], vec![1.0, 2.0]);
    assert!(band(&[&a]).is_none(), "a lone member logged no x");
    let b = series("loss", vec![0.0, 1.0], vec![1.0, 2.0]);
    let c = series("loss", vec![2.0], vec![1.0]);
    assert!(band(&[&b, &c, &b]).is_none(), "no x in all three");
}

#[test]
fn pairing_a_hundred_thousand_series_is_linear() {
    let n = 50_000;
    let mut list = Vec::new();
    for i in 0..n {
        list.push(series(&format!("loss_{i}"), vec![0.0], vec![1.0]));
        list.push(series(&format!("val_loss_{i}"), vec![0.0], vec![1.0]));
    }
    let run = Run::new("r", "r.csv", plateau::ingest::Dialect::Csv, list);
    assert_eq!(run.series[0].partner.as_deref(), Some("val_loss_0"));
    assert_eq!(
        run.series[2 * n - 1].partner.as_deref(),
        Some(format!("loss_{}", n - 1).as_str())
    );
}

#[test]
fn pairing_prefers_validation_then_the_epoch_variant() {
    let list = vec![
        series("train_loss_step", vec![0.0], vec![1.0]),
        series("test_loss", vec![0.0], vec![1.0]),
        series("train_loss_epoch", vec![0.0], vec![1.0]),
        series("val_loss", vec![0.0], vec![1.0]),
    ];
    let run = Run::new("r", "r.csv", plateau::ingest::Dialect::Lightning, list);
    let partner = |n: &str| run.series(n).unwrap().partner.clone();
    assert_eq!(partner("train_loss_step").as_deref(), Some("val_loss"));
    assert_eq!(partner("val_loss").as_deref(), Some("train_loss_epoch"));
    assert_eq!(partner("test_loss").as_deref(), Some("train_loss_epoch"));
}

#[test]
fn gaussian_over_a_million_equal_x_is_their_mean() {
    let n = 1_000_000;
    let mut x = vec![5.0; n];
    x.extend([6.0, 7.0]);
    let y: Vec<f64> = (0..n + 2).map(|i| (i % 2) as f64).collect();
    let out = gaussian(0.9, &x, &y);
    assert_eq!(out.len(), n + 2);
    assert!(
        (out[0] - out[n - 1]).abs() < 1e-12,
        "one x, one smoothed value"
    );
    assert!((out[0] - 0.5).abs() < 0.01, "{}", out[0]);
}

#[test]
fn keras_log_of_150k_appended_runs_splits_in_linear_time() {
    let mut csv = String::from("epoch,loss\n");
    // 150,000 four-epoch runs appended to one log: the epoch goes back every fourth row.
    for _ in 0..150_000 {
        csv.push_str("0,2.0\n1,1.0\n2,0.5\n3,0.3\n");
    }
    let drop = read(&[Input {
        name: "log.csv",
        bytes: csv.as_bytes(),
    }])
    .unwrap();
    assert_eq!(drop.runs.len(), 150_000);
    assert_eq!(drop.runs[149_999].name, "log #150000");
}
