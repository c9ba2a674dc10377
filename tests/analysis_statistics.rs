#![cfg(not(target_arch = "wasm32"))]
//! The statistics under the verdict: trend test, slope, running medians, curve projection.

use plateau::analysis::divergence::{rise, Measured};
use plateau::analysis::extrapolation::project;
use plateau::analysis::levels::{bin_evenly, resolution, running_median};
use plateau::analysis::trend::{hamed_rao, ties_variance, trailing_medians, trend, MAX_POINTS};
use plateau::stats::median;

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
    assert!(t.autocorrelation > 1.0, "Hamed–Rao inflates Var(S)");
    assert!(
        t.z.abs() < plain_z,
        "the correction widens the null distribution"
    );
}

#[test]
fn binning_caps_points_sits_each_bin_at_its_points_and_keeps_the_window_ends() {
    let n = 1_000_000;
    let x = xs(n);
    let w = bin_evenly(&x, &x, MAX_POINTS);
    assert!(w.x.len() <= MAX_POINTS && w.x.len() > MAX_POINTS / 2);
    assert_eq!((w.start, w.end), (0.0, (n - 1) as f64));
    // Each bin holds the mean of its points at their mean x: a straight line's bins lie on it
    // (a bin at its last x would sit (size − 1)/2 ahead of its mean).
    assert!(w.x.iter().zip(&w.y).all(|(a, b)| a == b));
    let size = n.div_ceil(MAX_POINTS) as f64;
    assert_eq!(w.y[w.y.len() - 1], (n - 1) as f64 - (size - 1.0) / 2.0);
    // A lone spike moves its bin's mean by spike/size, not the whole bin.
    let mut y = vec![1.0; n];
    y[500_000] = 1.0 + size;
    let w = bin_evenly(&x, &y, MAX_POINTS);
    assert_eq!(w.y.iter().filter(|v| **v != 1.0).count(), 1);
    assert_eq!(w.y.iter().copied().fold(0.0, f64::max), 2.0);
}

#[test]
fn trend_of_a_long_falling_line_reads_its_level_at_the_last_point() {
    // 100,000 steps of y = 10 − x/10,000 binned to 512 bins of ~196: the level now is the line's
    // value at the last step, not the last bin's mean placed at its last step (~0.01 higher).
    let n = 100_000;
    let x = xs(n);
    let y: Vec<f64> = x.iter().map(|v| 10.0 - v / 10_000.0).collect();
    let t = trend(&x, &y).unwrap();
    assert_eq!(t.end, (n - 1) as f64);
    assert!((t.slope + 1e-4).abs() < 1e-12, "{}", t.slope);
    assert!(
        (t.level - y[n - 1]).abs() < 1e-9,
        "{} vs {}",
        t.level,
        y[n - 1]
    );
}

#[test]
fn running_medians_match_a_direct_median_of_each_centred_window() {
    let y: Vec<f64> = (0..300)
        .map(|i| match i % 37 {
            5 | 6 => f64::NAN,
            9 => f64::INFINITY,
            _ => jitter(i) + (i % 4) as f64,
        })
        .collect();
    for window in [1, 3, 9] {
        let running: Vec<f64> = running_median(&y, window).collect();
        let half = window / 2;
        for i in 0..y.len() {
            let mut w: Vec<f64> = y[i.saturating_sub(half)..(i + half + 1).min(y.len())]
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            let direct = median(&mut w).unwrap_or(f64::NAN);
            assert!(
                running[i] == direct || (running[i].is_nan() && direct.is_nan()),
                "window {window}, index {i}: {} against {direct}",
                running[i]
            );
        }
    }
}

#[test]
fn trailing_medians_match_a_direct_median_of_each_window() {
    let y: Vec<f64> = (0..300)
        .map(|i| if i % 37 == 5 { f64::NAN } else { jitter(i) })
        .collect();
    let running: Vec<Option<f64>> = trailing_medians(&y, 9).collect();
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

/// Robust fits (Huber's M-estimate at the window's own noise): one wild evaluation near the end
/// of a noisy decaying curve does not bend the continuation away from where the other points
/// are (least squares started it 0.076 above the curve, nearly eight noise SDs).
#[test]
fn one_wild_evaluation_does_not_bend_the_projection() {
    let curve = |x: f64| 0.3 + (-0.08 * x).exp();
    let x = xs(40);
    let mut y: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| curve(v) + if i % 2 == 0 { 0.01 } else { -0.01 })
        .collect();
    y[36] += 0.5;
    let best = y.iter().copied().fold(f64::INFINITY, f64::min);
    let o = project(&x[20..], &y[20..], 0.0, 80.0, best, Some(0.0)).unwrap();
    let first = o.x[0];
    assert!(
        (o.mid[0] - curve(first)).abs() < 0.03,
        "starts at {} where the curve is at {}",
        o.mid[0],
        curve(first)
    );
}

/// The range moves with the series: the same window shifted by a constant (a loss with an
/// offset, a metric logged as 1 − error) gets the same range shifted by that constant. A wild
/// evaluation once entered the bootstrap bounded at 1.345 × the best level, so the range depended
/// on where zero was.
#[test]
fn the_range_moves_with_an_offset_of_the_series() {
    let x = xs(40);
    let mut y: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| 0.01 + 0.5 * (-0.08 * v).exp() + if i % 2 == 0 { 0.002 } else { -0.002 })
        .collect();
    y[36] += 0.2;
    let band = |shift: f64| {
        let y: Vec<f64> = y.iter().map(|v| v + shift).collect();
        let best = y[20..].iter().copied().fold(f64::INFINITY, f64::min);
        let o = project(&x[20..], &y[20..], 0.0, 80.0, best, None).unwrap();
        (
            o.low[o.low.len() - 1] - shift,
            o.high[o.high.len() - 1] - shift,
        )
    };
    let (near, far) = (band(0.0), band(1.0));
    let width = near.1 - near.0;
    assert!(
        (near.0 - far.0).abs() < 1e-6 * width && (near.1 - far.1).abs() < 1e-6 * width,
        "range {near:?} at the series, {far:?} shifted by 1"
    );
}

#[test]
fn loss_projection_never_goes_below_zero() {
    // A straight fall that would cross zero within the horizon.
    let x = xs(20);
    let y: Vec<f64> = x.iter().map(|&v| 1.0 - 0.04 * v).collect();
    let o = project(&x[10..], &y[10..], 0.0, 40.0, y[19], Some(0.0)).unwrap();
    assert!(o.low.iter().all(|v| *v >= 0.0));
}

/// The same decaying curve with the same residuals, once in an order that wanders (long runs
/// of one sign: autocorrelated) and once alternating: the sieve bootstrap keeps the wandering,
/// so its projected-gain interval is wider; and the same log gives the same range.
#[test]
fn forecast_interval_widens_with_autocorrelated_residuals_and_is_reproducible() {
    let curve = |x: f64| 0.5 + (-0.05 * x).exp();
    let n = 60;
    let x = xs(n);
    let size = |i: usize| 0.01 * (1.0 + (i % 7) as f64 / 7.0);
    // Runs of ten points of one sign, against signs alternating point by point.
    let wandering: Vec<f64> = (0..n)
        .map(|i| curve(x[i]) + if (i / 10) % 2 == 0 { size(i) } else { -size(i) })
        .collect();
    let alternating: Vec<f64> = (0..n)
        .map(|i| curve(x[i]) + if i % 2 == 0 { size(i) } else { -size(i) })
        .collect();
    let width = |y: &[f64]| {
        let best = y.iter().copied().fold(f64::INFINITY, f64::min);
        let o = project(&x[20..], &y[20..], 0.0, 20.0, best, Some(0.0)).unwrap();
        assert!(o.gain_low <= o.gain && o.gain <= o.gain_high, "{o:?}");
        o.gain_high - o.gain_low
    };
    let (w, a) = (width(&wandering), width(&alternating));
    assert!(w > 1.2 * a, "wandering {w} vs alternating {a}");
    assert_eq!(width(&wandering), w);
}

/// Standard normal draws, deterministic (SplitMix64 + Box–Muller).
fn normals(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    let mut uniform = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    move || {
        let (u, v) = (uniform().max(f64::MIN_POSITIVE), uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// A 95% range that holds the true continuation of a known curve about 95% of the time, and is
/// no wider than that takes: 60 noisy copies of an exponential decay (30 points, noise 1% of the
/// drop), each projected 60 steps ahead. With grid-only refits and raw residuals it held the truth
/// 53% of the time (`make bench-forecast` prints every cell); 80% is the floor here, and the band
/// at the horizon must stay narrower on average than five noise SDs (it is about 2.5).
#[test]
fn forecast_range_holds_the_true_continuation_at_about_its_nominal_rate() {
    let curve = |t: f64| 0.2 + 0.8 * (-0.1 * t).exp();
    let noise = 0.008;
    let x = xs(30);
    let mut draw = normals(7);
    let reps = 60;
    let (mut held, mut width) = (0, 0.0);
    for _ in 0..reps {
        let y: Vec<f64> = x.iter().map(|&t| curve(t) + noise * draw()).collect();
        let o = project(&x, &y, 0.0, 60.0, curve(29.0), Some(0.0)).unwrap();
        let far = *o.x.last().unwrap();
        let (lo, hi) = (*o.low.last().unwrap(), *o.high.last().unwrap());
        held += usize::from((lo..=hi).contains(&curve(far)));
        width += (hi - lo) / reps as f64;
    }
    assert!(
        held * 100 >= 80 * reps,
        "held the truth {held} of {reps} times"
    );
    assert!(
        width < 5.0 * noise,
        "mean width {width} against noise SD {noise}"
    );
}

/// A forecast does not depend on the unit a series was logged in, down to the smallest and up to
/// the largest floats: the same noisy curve in units of 1, 1e200 (where squares overflow), 1e-300
/// (where they underflow) and 1e-310 (subnormal) projects the same gain and range, and a band in
/// its own unit.
#[test]
fn forecast_is_the_same_in_any_unit_even_near_the_float_limits() {
    let x = xs(30);
    let y: Vec<f64> = x
        .iter()
        .map(|&t| 0.2 + 0.8 * (-0.1 * t).exp() + 0.01 * jitter(t as usize))
        .collect();
    let at = |unit: f64| {
        let y: Vec<f64> = y.iter().map(|v| v * unit).collect();
        project(&x[15..], &y[15..], 0.0, 60.0, y[29], Some(0.0)).unwrap()
    };
    let one = at(1.0);
    assert!(one.gain_high > one.gain_low, "{one:?}");
    for unit in [1e200, 1e-300, 1e-310] {
        let o = at(unit);
        assert_eq!(o.family, one.family);
        for (a, b) in [
            (o.gain, one.gain),
            (o.gain_low, one.gain_low),
            (o.gain_high, one.gain_high),
        ] {
            assert!((a - b).abs() < 1e-9, "unit {unit}: {a} vs {b}");
        }
        let (lo, hi) = (*o.low.last().unwrap(), *o.high.last().unwrap());
        assert!(
            ((lo / unit) - one.low.last().unwrap()).abs() < 1e-9,
            "unit {unit}"
        );
        assert!(
            ((hi / unit) - one.high.last().unwrap()).abs() < 1e-9,
            "unit {unit}"
        );
    }
}

/// Reference numbers: `pymannkendall` 1.4.3 (PyPI), `original_test` and
/// `hamed_rao_modification_test` with their defaults, run on these exact inputs.
const TIED_FALL: [f64; 20] = [
    0.52, 0.50, 0.50, 0.47, 0.48, 0.45, 0.45, 0.45, 0.44, 0.46, 0.43, 0.43, 0.41, 0.42, 0.42, 0.40,
    0.41, 0.39, 0.40, 0.40,
];
const WANDER: [f64; 20] = [
    0.0, 0.3, 0.5, 0.4, 0.8, 1.0, 0.9, 0.7, 0.6, 0.9, 1.1, 1.0, 0.8, 0.5, 0.4, 0.6, 0.3, 0.2, 0.5,
    0.4,
];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn mann_kendall_variance_has_the_ties_term_of_pymannkendall() {
    // original_test(TIED_FALL): s = −160, var_s = 938.6667 (950 without the ties term), z = −5.18969.
    assert!(close(ties_variance(&TIED_FALL), 938.666_666_666_666_6));
    let t = trend(&xs(20), &TIED_FALL).unwrap();
    assert_eq!(t.s, -160.0);
    // Hamed–Rao finds no significant lag here: the same z as the original test.
    assert!(close(t.z, -5.189_690_118_179_242), "z = {}", t.z);
    assert!(close(t.slope, -0.005_714_285_714_285_715));
}

#[test]
fn hamed_rao_correction_matches_pymannkendall_on_a_wander() {
    // original_test(WANDER): var_s 937.6667; hamed_rao_modification_test: var_s 1930.6416,
    // z = −0.318623, p = 0.750012.
    let t = trend(&xs(20), &WANDER).unwrap();
    assert_eq!(t.s, -15.0);
    assert!(close(
        t.autocorrelation,
        1_930.641_566_416_04 / 937.666_666_666_666_6
    ));
    assert!(close(t.z, -0.318_623_063_930_412_3), "z = {}", t.z);
    assert!((t.p - 0.750_012_361_822_758_3).abs() < 1e-9, "p = {}", t.p);
}

#[test]
fn hamed_rao_without_autocorrelation_is_one() {
    assert_eq!(hamed_rao(&[1.0, 3.0, 2.0]), 1.0);
    assert_eq!(hamed_rao(&[2.0; 10]), 1.0);
}

#[test]
fn median_of_values_near_the_largest_float_stays_finite() {
    // (a + b) / 2 overflows to inf for two values near f64::MAX; the median of equal values is
    // that value.
    assert_eq!(median(&mut [f64::MAX, f64::MAX]), Some(f64::MAX));
    assert_eq!(median(&mut [f64::MAX, -f64::MAX]), Some(0.0));
    let huge = [f64::MAX; 6];
    assert_eq!(trailing_medians(&huge, 4).nth(5), Some(Some(f64::MAX)));
    let t = trend(&xs(6), &huge).unwrap();
    assert_eq!((t.level, t.slope), (f64::MAX, 0.0));
}

#[test]
fn values_below_a_millionth_have_no_printed_resolution() {
    // Python's `float("%.{d}f" % v) == v` holds for no d ≤ 8 on these values: they were written as
    // full floats, so there is no printed step to floor the noise at (was 1.0, i.e. everything
    // inside noise).
    assert_eq!(resolution(&[3.123_456_7e-7, 2.987_654_3e-7, 2.5e-7]), None);
    // Printed with 4 decimals, zero included, and the same values stored as f32 (TensorBoard).
    assert_eq!(resolution(&[0.1234, 0.0, 0.0002]), Some(1e-4));
    let f32s: Vec<f64> = [0.1234f32, 0.0567, 0.0002]
        .iter()
        .map(|v| f64::from(*v))
        .collect();
    assert_eq!(resolution(&f32s), Some(1e-4));
}

#[test]
fn period_means_with_an_unbounded_standard_error_show_no_rise() {
    // The last mean is 3× the lowest, but its standard error overflowed (values near ±f64::MAX
    // inside its period): nothing can be said, so no rise; with finite errors it is one.
    let y = [1.0, 0.5, 0.1, 0.11, 0.2, 0.3];
    let x = xs(y.len());
    let mut se = [0.001; 6];
    assert!(rise(&x, &y, Measured::Means { se: Some(&se) }).is_some());
    se[5] = f64::INFINITY;
    assert!(rise(&x, &y, Measured::Means { se: Some(&se) }).is_none());
}

/// Bins of values near the largest float have finite means (their sum would overflow).
#[test]
fn bins_of_values_near_the_largest_float_have_finite_means() {
    let x = xs(2000);
    let y: Vec<f64> = x
        .iter()
        .map(|&t| f64::MAX * (0.9 + 0.05 * jitter(t as usize)))
        .collect();
    let by = bin_evenly(&x, &y, MAX_POINTS).y;
    assert!(by.len() <= MAX_POINTS && !by.is_empty());
    assert!(
        by.iter().all(|v| v.is_finite() && *v > 0.8 * f64::MAX),
        "{by:?}"
    );
}

#[test]
fn binning_leaves_out_points_without_a_finite_x_and_ends_at_the_last_finite_point() {
    let n = 5_000;
    let mut x = xs(n);
    let mut y = xs(n);
    x[9] = f64::NAN;
    x[19] = f64::INFINITY;
    y[n - 1] = f64::NAN;
    let w = bin_evenly(&x, &y, MAX_POINTS);
    // 500 bins of 10: none is lost for a bad point, and each sits at the mean of its finite points.
    assert_eq!(w.x.len(), n / n.div_ceil(MAX_POINTS));
    assert_eq!((w.x[0], w.x[1]), (4.0, 14.0));
    assert!(w.x.iter().zip(&w.y).all(|(a, b)| a == b));
    assert_eq!((w.start, w.end), (0.0, (n - 2) as f64));
}

#[test]
fn a_long_window_at_one_repeated_x_has_no_trend_and_bins_stay_inside_their_x() {
    // The mean of equal x's is off by rounding; a bin of one x must sit exactly at it.
    let n = 100_000;
    let y: Vec<f64> = (0..n)
        .map(|i| 1.0 + 0.1 * (i as f64 * 0.37).sin())
        .collect();
    assert!(trend(&vec![2.3; n], &y).is_none());
    let x: Vec<f64> = (0..n).map(|i| (i / 1000) as f64 * 0.1).collect();
    let w = bin_evenly(&x, &x, MAX_POINTS);
    assert!(
        w.x.iter().all(|v| *v <= w.end),
        "{:?} > {}",
        w.x.last(),
        w.end
    );
}

/// Values that trip a sliding median: ties, both zeros, both infinities, NaN, the largest floats.
const AWKWARD: [f64; 10] = [
    0.0,
    -0.0,
    1.0,
    1.0,
    -1.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MAX,
    -f64::MAX,
];

/// The median of the finite values of `window`, as the verdict reads it (NaN-free input to `median`).
fn direct_median(window: &[f64]) -> Option<f64> {
    let mut finite: Vec<f64> = window.iter().copied().filter(|v| v.is_finite()).collect();
    median(&mut finite)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Running (centred) and trailing medians, streamed as they are asked for, equal a direct
    /// median of each window, bit for bit up to the sign of zero, for any window (even, one, longer
    /// than the series) over series of ties, infinities, NaN and values near the largest float.
    #[test]
    fn streamed_running_and_trailing_medians_equal_a_direct_median_of_each_window(
        picks in proptest::collection::vec((0..AWKWARD.len() + 1, -1e3f64..1e3), 0..120),
        window in 1usize..140,
    ) {
        let y: Vec<f64> = picks
            .iter()
            .map(|&(k, v)| AWKWARD.get(k).copied().unwrap_or(v))
            .collect();
        let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
        let half = window / 2;
        let running: Vec<f64> = running_median(&y, window).collect();
        proptest::prop_assert_eq!(running.len(), y.len());
        for (i, &r) in running.iter().enumerate() {
            let direct = direct_median(&y[i.saturating_sub(half)..(i + half + 1).min(y.len())])
                .unwrap_or(f64::NAN);
            proptest::prop_assert!(same(r, direct), "running, window {}, index {}: {} against {}", window, i, r, direct);
        }
        let trailing: Vec<Option<f64>> = trailing_medians(&y, window).collect();
        proptest::prop_assert_eq!(trailing.len(), y.len());
        for (i, &t) in trailing.iter().enumerate() {
            let direct = direct_median(&y[i.saturating_sub(window)..i]);
            proptest::prop_assert!(
                match (t, direct) { (Some(a), Some(b)) => same(a, b), (a, b) => a == b },
                "trailing, window {}, index {}: {:?} against {:?}", window, i, t, direct
            );
        }
    }
}
