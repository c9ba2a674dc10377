//! Smoothing for the eye: TensorBoard's EMA reproduced exactly, the spacing-aware EMA, the Gaussian.
#![cfg(not(target_arch = "wasm32"))]

use plateau::chart::{ema, ema_spaced, gaussian, smooth, Smoother};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn ema_is_tensorboards_debiased_average() {
    let w = 0.6;
    let s = ema(w, &[1.0, 2.0, 3.0]);
    let l1 = (1.0 - w) * 1.0;
    let l2 = l1 * w + (1.0 - w) * 2.0;
    let l3 = l2 * w + (1.0 - w) * 3.0;
    let want = [l1 / (1.0 - w), l2 / (1.0 - w * w), l3 / (1.0 - w * w * w)];
    for (got, want) in s.iter().zip(want) {
        assert!(close(*got, want), "{got} vs {want}");
    }
}

#[test]
fn ema_passes_nan_through_and_does_not_count_it() {
    let w = 0.6;
    let s = ema(w, &[1.0, f64::NAN, 3.0]);
    assert!(close(s[0], 1.0));
    assert!(s[1].is_nan());
    let l2 = (1.0 - w) * w + (1.0 - w) * 3.0;
    assert!(close(s[2], l2 / (1.0 - w * w)), "{}", s[2]);
}

#[test]
fn ema_leaves_a_constant_series_alone() {
    assert_eq!(ema(0.9, &[0.5; 4]), vec![0.5; 4]);
}

#[test]
fn ema_first_point_is_the_raw_value() {
    assert!(close(ema(0.99, &[7.25, 1.0])[0], 7.25));
}

#[test]
fn spaced_ema_equals_tensorboard_on_even_spacing() {
    let x: Vec<f64> = (0..50).map(|i| f64::from(i) * 10.0).collect();
    let y: Vec<f64> = (0..50).map(|i| (f64::from(i) * 0.7).sin() + 2.0).collect();
    for (a, b) in ema_spaced(0.8, &x, &y).iter().zip(ema(0.8, &y)) {
        assert!(close(*a, b), "{a} vs {b}");
    }
}

#[test]
fn spaced_ema_forgets_more_across_a_long_gap() {
    let y = [1.0, 1.0, 1.0, 1.0, 5.0];
    let even = ema_spaced(0.9, &[0.0, 1.0, 2.0, 3.0, 4.0], &y);
    let gap = ema_spaced(0.9, &[0.0, 1.0, 2.0, 3.0, 40.0], &y);
    assert!(gap[4] > even[4] + 1.0, "{} vs {}", gap[4], even[4]);
}

#[test]
fn gaussian_has_no_lag_on_a_straight_line() {
    let x: Vec<f64> = (0..101).map(f64::from).collect();
    let y: Vec<f64> = x.iter().map(|v| 3.0 - 0.02 * v).collect();
    let g = gaussian(0.8, &x, &y);
    assert!(close(g[50], y[50]), "{} vs {}", g[50], y[50]);
    assert!(
        ema(0.8, &y)[50] > y[50] + 0.01,
        "the one-sided EMA lags behind a falling line"
    );
}

#[test]
fn smoothing_starts_afresh_where_x_goes_backwards() {
    let x = [0.0, 1.0, 2.0, 0.0, 1.0];
    let y = [10.0, 9.0, 8.0, 1.0, 2.0];
    for smoother in [Smoother::Ema, Smoother::EmaSpaced, Smoother::Gaussian] {
        let s = smooth(smoother, 0.6, &x, &y);
        assert!(
            s[3] < 2.0,
            "{smoother:?} carried the old run into the restart: {}",
            s[3]
        );
    }
}

#[test]
fn zero_weight_draws_raw_data() {
    let y = [3.0, 1.0, f64::INFINITY, 2.0];
    let s = smooth(Smoother::Ema, 0.0, &[0.0, 1.0, 2.0, 3.0], &y);
    assert_eq!(s, y);
}

#[test]
fn gaussian_agrees_on_even_and_slightly_uneven_spacing() {
    let even: Vec<f64> = (0..200).map(f64::from).collect();
    let jittered: Vec<f64> = even
        .iter()
        .enumerate()
        .map(|(i, x)| x + if i % 2 == 0 { 1e-6 } else { 0.0 })
        .collect();
    let y: Vec<f64> = (0..200).map(|i| (f64::from(i) * 0.3).sin()).collect();
    let (a, b) = (gaussian(0.7, &even, &y), gaussian(0.7, &jittered, &y));
    for (p, q) in a.iter().zip(&b) {
        assert!((p - q).abs() < 1e-5, "{p} vs {q}");
    }
}
