#![cfg(not(target_arch = "wasm32"))]
//! The statistics under the verdict: trend test, slope, running medians, curve projection.

use plateau::analysis::extrapolation::project;
use plateau::analysis::trend::{median, thin, trailing_medians, trend, MAX_POINTS};

fn xs(n: usize) -> Vec<f64> {
    (0..n).map(|i| i as f64).collect()
}

/// Deterministic noise in [−0.5, 0.5).
fn jitter(i: usize) -> f64 {
    ((i as f64 * 12.9898).sin() * 43_758.545).fract().abs() - 0.5
}

#[test]
fn theil_sen_slope_ignores_an_outlier() {
    let mut y: Vec<f64> = (0..20).map(|i| 2.0 * i as f64 + 1.0).collect();
    y[7] = 500.0;
    let t = trend(&xs(20), &y).unwrap();
    assert_eq!(t.slope, 2.0);
    assert_eq!(t.level, 39.0);
}

#[test]
fn strictly_rising_points_are_a_significant_trend() {
    let y: Vec<f64> = (0..10).map(|i| (i as f64).sqrt()).collect();
    let t = trend(&xs(10), &y).unwrap();
    assert_eq!(t.s, 45.0);
    assert!(t.significant() && t.z > 0.0);
}

#[test]
fn constant_points_have_no_trend() {
    let t = trend(&xs(10), &[3.0; 10]).unwrap();
    assert_eq!((t.s, t.z, t.p), (0.0, 0.0, 1.0));
    assert!(!t.significant());
}

#[test]
fn autocorrelated_wander_is_not_called_a_trend() {
    // A slow random walk: neighbours are strongly correlated, so S overstates the evidence.
    let mut y = vec![0.0; 40];
    for i in 1..40 {
        y[i] = y[i - 1] + jitter(i);
    }
    let t = trend(&xs(40), &y).unwrap();
    let n = 40.0_f64;
    let plain_z = (t.s.abs() - 1.0) / (n * (n - 1.0) * (2.0 * n + 5.0) / 18.0).sqrt();
    assert!(t.autocorrelation > 0.0);
    assert!(
        t.z.abs() < plain_z,
        "the correction widens the null distribution"
    );
}

#[test]
fn thinning_caps_points_and_keeps_the_last() {
    let n = 1_000_000;
    let x = xs(n);
    let (tx, ty) = thin(&x, &x);
    assert!(tx.len() <= MAX_POINTS && tx.len() > MAX_POINTS / 2);
    assert_eq!(*tx.last().unwrap(), (n - 1) as f64);
    assert_eq!(tx, ty);
}

#[test]
fn trailing_medians_match_a_direct_median_of_each_window() {
    let y: Vec<f64> = (0..300)
        .map(|i| if i % 37 == 5 { f64::NAN } else { jitter(i) })
        .collect();
    let running = trailing_medians(&y, 9);
    for i in 0..y.len() {
        let mut window: Vec<f64> = y[i.saturating_sub(9)..i]
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        assert_eq!(running[i], median(&mut window), "index {i}");
    }
}

#[test]
fn exponential_decay_projects_its_own_continuation() {
    let curve = |x: f64| 1.0 + 2.0 * (-0.1 * x).exp();
    let x = xs(40);
    let y: Vec<f64> = x.iter().map(|&v| curve(v)).collect();
    let best = y[39];
    let o = project(&x[20..], &y[20..], 0.0, 80.0, best, Some(0.0)).unwrap();
    let truth = (best - curve(119.0)) / best;
    assert_eq!(o.family, "exponential");
    assert!((o.gain - truth).abs() < 0.002, "gain {} vs {truth}", o.gain);
    assert!(o.gain_low <= truth + 1e-9 && truth <= o.gain_high + 1e-9);
}

#[test]
fn loss_projection_never_goes_below_zero() {
    // A straight fall that would cross zero within the horizon.
    let x = xs(20);
    let y: Vec<f64> = x.iter().map(|&v| 1.0 - 0.04 * v).collect();
    let o = project(&x[10..], &y[10..], 0.0, 40.0, y[19], Some(0.0)).unwrap();
    assert!(o.low.iter().all(|v| *v >= 0.0));
}
