//! `make bench-verdict`: the engine against every labelled set (Keras dev, the step-level tune
//! and held-out parts, sets made elsewhere, the real fixtures' hand labels), accuracy with a
//! Wilson 95% interval and recall per label beside the baseline rules, then the native analysis
//! time for long runs. `cargo run --release --example bench_verdict -- --each` also lists the misses
//! of the sets tuned on (never those of the held-out sets, so nobody tunes on them by accident).
//! `-- --rows` prints only every log's verdicts as CSV (`set,id,label,confidence,engine,baseline`),
//! for scripts that score other rules on the same rows (scripts/labelled/ceiling.py).

#[path = "../tests/common/labelled.rs"]
mod labelled;

use std::time::Instant;

use labelled::{Score, LABELS};
use plateau::model::{Axis, Run, Series};
use plateau::{Dropped, Options};

fn main() {
    let each = std::env::args().any(|a| a == "--each");
    if std::env::args().any(|a| a == "--rows") {
        println!("set,id,label,confidence,engine,baseline");
        for set in labelled::sets() {
            for c in &set.cases {
                let (e, b) = (labelled::engine(c), labelled::baseline(c));
                println!("{},{},{},{},{e},{b}", set.name, c.id, c.label, c.confidence);
            }
        }
        return;
    }
    for set in labelled::sets() {
        let engine: Vec<String> = set.cases.iter().map(labelled::engine).collect();
        let baseline: Vec<String> = set.cases.iter().map(labelled::baseline).collect();
        let title = format!(
            "{} ({} logs{})",
            set.name,
            set.cases.len(),
            if set.tuned {
                ", tuned on"
            } else {
                ", never tuned on"
            }
        );
        print_scores(
            &title,
            &labelled::score(&set.cases, &engine),
            &labelled::score(&set.cases, &baseline),
        );
        // The labels' README asks to treat `edge` rows (within a point of a threshold, or
        // readable either way) as ambiguous: the clear rows alone, beside the whole set.
        let clear = |v: &[String]| {
            let (labels, verdicts): (Vec<&str>, Vec<String>) = set
                .cases
                .iter()
                .zip(v)
                .filter(|(c, _)| c.confidence == "clear")
                .map(|(c, v)| (c.label.as_str(), v.clone()))
                .unzip();
            labelled::score_labels(labels.into_iter(), &verdicts)
        };
        println!(
            "  clear rows   {:<28} {}",
            with_interval(&clear(&engine)),
            with_interval(&clear(&baseline))
        );
        if each && set.tuned {
            for ((c, e), b) in set.cases.iter().zip(&engine).zip(&baseline) {
                if *e != c.label {
                    let r = labelled::report(c);
                    println!(
                        "  ✗ {} T={} {} ({}) → {e} {:?} [baseline {b}]",
                        c.id, c.truncated_at, c.label, c.confidence, r.qualifiers
                    );
                }
            }
        }
    }
    let real = labelled::real_cases();
    let mut verdicts = Vec::new();
    let mut folders: Vec<(String, Vec<plateau::RunReport>)> = Vec::new();
    for c in &real {
        if folders.last().map_or(true, |(f, _)| *f != c.folder) {
            folders.push((c.folder.clone(), labelled::real_reports(&c.folder)));
        }
        let runs = &folders.last().expect("just pushed").1;
        let v = runs
            .get(c.run)
            .map_or("insufficient", |r| r.verdict.as_str());
        if each && v != c.label {
            println!(
                "  ✗ real {} #{}: {} → {v} ({})",
                c.folder, c.run, c.label, c.reason
            );
        }
        verdicts.push(v.to_string());
    }
    let score = labelled::score_labels(real.iter().map(|c| c.label.as_str()), &verdicts);
    println!(
        "\nreal fixtures, hand labels (tests/fixtures/real/labels.csv, {} runs): engine {}",
        real.len(),
        with_interval(&score)
    );
    let cases = labelled::cases();
    let (agree, checked) = labelled::keras_replay_agreement(&cases);
    println!(
        "\nkeras EarlyStopping(patience=10) replay: {agree} of {checked} recorded stops inside the logs reproduced"
    );
    println!();
    for n in [10_000, 1_000_000] {
        timing(n);
    }
}

fn with_interval(s: &Score) -> String {
    let (lo, hi) = s.wilson();
    format!(
        "{:>5.1}% [{:.1}–{:.1}] ({}/{})",
        100.0 * s.accuracy(),
        100.0 * lo,
        100.0 * hi,
        s.correct,
        s.total
    )
}

fn print_scores(title: &str, engine: &Score, baseline: &Score) {
    println!("\n{title}");
    println!("                 engine                      baseline");
    println!(
        "  accuracy     {:<28} {}   (Wilson 95%)",
        with_interval(engine),
        with_interval(baseline)
    );
    for (i, l) in LABELS.iter().enumerate() {
        if engine.support(i) == 0 {
            continue;
        }
        println!(
            "  {l:<12} {:>5.1}% recall ({:>2})           {:>5.1}%",
            100.0 * engine.recall(i),
            engine.support(i),
            100.0 * baseline.recall(i)
        );
    }
    println!("  engine confusion (rows = label; columns = improving plateau overfitting diverging insufficient):");
    for (i, l) in LABELS.iter().enumerate() {
        if engine.support(i) > 0 {
            let r = engine.confusion[i];
            println!(
                "    {l:<12} {:>4} {:>4} {:>4} {:>4} {:>4}",
                r[0], r[1], r[2], r[3], r[4]
            );
        }
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
    let drop = Dropped {
        runs: vec![Run {
            name: "synthetic".to_string(),
            source: "bench".to_string(),
            dialect: plateau::ingest::Dialect::Csv,
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
