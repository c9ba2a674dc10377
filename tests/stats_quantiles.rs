#![cfg(not(target_arch = "wasm32"))]
//! `stats::quantiles`, which brackets order statistics from a sample and selects among the few
//! values in each bracket, gives exactly what `stats::quantile` gives selecting in everything.

use plateau::stats::{quantile, quantiles};

/// Uniform draws in [0, 1), deterministic (SplitMix64).
fn uniforms(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `quantiles` of `v` at `qs` against one `quantile` per q, bit for bit.
fn agrees(name: &str, v: &[f64], qs: [f64; 3]) {
    let expected = qs.map(|q| quantile(&mut v.to_vec(), q));
    let got = quantiles(&mut v.to_vec(), qs);
    assert_eq!(
        got.map(f64::to_bits),
        expected.map(f64::to_bits),
        "{name} ({} values): {got:?} against {expected:?}",
        v.len()
    );
}

#[test]
fn quantiles_from_sampled_brackets_equal_selecting_in_every_value() {
    let qs = [0.05, 0.95, 0.5];
    let mut draw = uniforms(7);
    for n in [1, 2, 10, 16_383, 16_384, 20_000, 211_111, 400_000] {
        let noisy: Vec<f64> = (0..n).map(|_| draw() * 2.0 - 0.5).collect();
        agrees("uniform", &noisy, qs);
        let mut rising = noisy.clone();
        rising.sort_by(f64::total_cmp);
        agrees("sorted", &rising, qs);
        rising.reverse();
        agrees("reversed", &rising, qs);
        // A few distinct values: the statistics sit inside long runs of ties.
        let steps: Vec<f64> = noisy.iter().map(|v| (v * 4.0).floor()).collect();
        agrees("ties", &steps, qs);
    }
    // Curves as the chart trims them: decaying losses with spikes and both zeros.
    let n = 150_000;
    let curves: Vec<f64> = (0..n)
        .map(|i| {
            let t = (i % 5_000) as f64;
            let spike = if i % 997 == 0 { 1e6 } else { 0.0 };
            0.2 + 2.0 * (-t / 800.0).exp() + 0.04 * (t * 0.37).sin() + spike
        })
        .chain([0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY])
        .collect();
    agrees("curves", &curves, [0.05, 0.95, 0.0]);
    agrees("curves", &curves, [1.0, 0.25, 0.999_9]);
}

#[test]
fn quantiles_whose_sample_misses_select_in_every_value() {
    // Every sampled position (each 20th value of 20,480) holds a huge value and the rest are
    // small: the sample brackets nothing where the statistics are, so all values are selected in.
    let n = 20_480;
    let mut draw = uniforms(11);
    let v: Vec<f64> = (0..n)
        .map(|i| if i % 20 == 0 { 1e9 + i as f64 } else { draw() })
        .collect();
    agrees("adversarial", &v, [0.05, 0.95, 0.5]);
}
