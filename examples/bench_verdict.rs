//! `make bench-verdict`: the engine against the labelled Keras logs, side by side with the
//! baseline rules, then the native analysis time for long runs.
//! `cargo run --release --example bench_verdict -- --each` also prints every log's verdicts.

#[path = "../tests/common/labelled.rs"]
mod labelled;

use std::time::Instant;

use labelled::{Score, LABELS};
use plateau::model::{Axis, Run, Series};
use plateau::{Drop, Options};

fn main() {
    let each = std::env::args().any(|a| a == "--each");
    let cases = labelled::cases();
    let engine: Vec<String> = cases.iter().map(labelled::engine).collect();
    let baseline: Vec<String> = cases.iter().map(labelled::baseline).collect();
    if each {
        println!("id    T   label        conf   engine       baseline      gain (range)            trend p");
        for ((c, e), b) in cases.iter().zip(&engine).zip(&baseline) {
            let mark = if *e == c.label { " " } else { "✗" };
            let report = plateau::analyze(
                &Drop {
                    runs: vec![labelled::run_of(c)],
                    warnings: Vec::new(),
                },
                &Options::default(),
            );
            let d = &report.runs[0].details;
            let gain = d.outlook.as_ref().map_or(String::new(), |o| {
                format!(
                    "{:+6.1}% ({:+.1}…{:+.1})",
                    100.0 * o.gain,
                    100.0 * o.gain_low,
                    100.0 * o.gain_high
                )
            });
            let p = d.trend.map_or(String::new(), |t| format!("{:.4}", t.p));
            println!(
                "{} {:>3}  {:<12} {:<6} {:<12} {:<12} {mark} {gain:<23} {p}",
                c.id, c.truncated_at, c.label, c.confidence, e, b
            );
        }
        println!();
    }
    let (se, sb) = (
        labelled::score(&cases, &engine),
        labelled::score(&cases, &baseline),
    );
    println!("labelled Keras logs: {}", cases.len());
    println!("                 engine   baseline");
    println!(
        "overall        {:>7.1}%  {:>7.1}%",
        100.0 * se.accuracy(),
        100.0 * sb.accuracy()
    );
    for (i, l) in LABELS.iter().enumerate() {
        println!(
            "  {l:<12} {:>7.1}%  {:>7.1}%   (recall)",
            100.0 * se.recall(i),
            100.0 * sb.recall(i)
        );
    }
    confusion("engine", &se);
    confusion("baseline", &sb);
    let (agree, checked) = labelled::keras_replay_agreement(&cases);
    println!(
        "\nkeras EarlyStopping(patience=10) replay: {agree} of {checked} recorded stops inside the logs reproduced"
    );
    println!();
    for n in [10_000, 1_000_000] {
        timing(n);
    }
}

fn confusion(title: &str, s: &Score) {
    println!("\n{title}: rows = label, columns = verdict");
    println!(
        "{:<12} {:>9} {:>9} {:>11} {:>9} {:>12}",
        "", "improving", "plateau", "overfitting", "diverging", "insufficient"
    );
    for (i, l) in LABELS.iter().enumerate() {
        let r = s.confusion[i];
        println!(
            "{l:<12} {:>9} {:>9} {:>11} {:>9} {:>12}",
            r[0], r[1], r[2], r[3], r[4]
        );
    }
}

/// A synthetic run of `n` steps: decaying noisy train and validation losses, an LR series and a
/// gradient norm, analysed end to end (median of five runs).
fn timing(n: usize) {
    let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut seed = 0x9e3779b97f4a7c15_u64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let curve = |i: f64| 0.2 + 2.0 / (1.0 + i / 100.0).sqrt();
    let train: Vec<f64> = x
        .iter()
        .map(|&i| curve(i) * (1.0 + 0.05 * noise()))
        .collect();
    let val: Vec<f64> = x
        .iter()
        .map(|&i| 1.05 * curve(i) * (1.0 + 0.05 * noise()))
        .collect();
    let lr: Vec<f64> = x
        .iter()
        .map(|&i| 1e-3 * 0.5f64.powi((i / (n as f64 / 4.0)) as i32))
        .collect();
    let grad: Vec<f64> = x.iter().map(|_| 1.0 + noise().abs()).collect();
    let series = vec![
        Series::named("loss", Axis::Step, x.clone(), train),
        Series::named("val_loss", Axis::Step, x.clone(), val),
        Series::named("learning_rate", Axis::Step, x.clone(), lr),
        Series::named("grad_norm", Axis::Step, x.clone(), grad),
    ];
    let drop = Drop {
        runs: vec![Run {
            name: "synthetic".to_string(),
            source: "bench".to_string(),
            dialect: "synthetic".to_string(),
            info: Vec::new(),
            series,
        }],
        warnings: Vec::new(),
    };
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let report = plateau::analyze(&drop, &Options::default());
            std::hint::black_box(&report);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "analysis of {n:>9} points × 4 series: {:>8.2} ms (median of 5)",
        times[2]
    );
}
