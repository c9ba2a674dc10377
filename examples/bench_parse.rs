//! Parse speed: a generated 1M-row × 8-column float CSV through `ingest::read`, natively.
//! Run with `make bench-parse` (or `cargo run --release --example bench_parse`).

use std::fmt::Write;
use std::time::Instant;

use plateau::ingest::{read, Input};

const ROWS: usize = 1_000_000;

/// A Keras-like log: a step counter and seven float columns with 6–8 significant digits.
fn generate() -> String {
    let mut text = String::with_capacity(ROWS * 80);
    text.push_str("step,loss,val_loss,accuracy,val_accuracy,learning_rate,grad_norm,time\n");
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for row in 0..ROWS {
        let t = row as f64 / ROWS as f64;
        let _ = writeln!(
            text,
            "{row},{:.6},{:.6},{:.6},{:.6},{:.6e},{:.5},{:.3}",
            2.0 * (-3.0 * t).exp() + 0.05 * next(),
            2.1 * (-2.5 * t).exp() + 0.08 * next(),
            1.0 - 0.9 * (-3.0 * t).exp() - 0.02 * next(),
            1.0 - 0.95 * (-2.5 * t).exp() - 0.03 * next(),
            1e-3 * (1.0 - t),
            0.5 + next(),
            row as f64 * 0.31,
        );
    }
    text
}

/// A line of /proc/self/status in MiB (`VmHWM` = peak resident set, `VmRSS` = current).
fn status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let text = generate();
    let mib = text.len() as f64 / (1024.0 * 1024.0);
    let before = status_mib("VmRSS:").unwrap_or(f64::NAN);
    let input = [Input {
        name: "bench.csv",
        bytes: text.as_bytes(),
    }];
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let drop = match read(&input) {
            Ok(drop) => drop,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        };
        best = best.min(start.elapsed().as_secs_f64());
        assert_eq!(drop.runs[0].series[0].len(), ROWS);
    }
    let peak = status_mib("VmHWM:").unwrap_or(f64::NAN);
    println!(
        "parse {ROWS} rows x 8 columns ({mib:.1} MiB): best of 3 {:.3} s = {:.0} MB/s, {:.2} M rows/s",
        best,
        text.len() as f64 / 1e6 / best,
        ROWS as f64 / 1e6 / best
    );
    println!(
        "memory: peak RSS {peak:.0} MiB with the {mib:.0} MiB text held; the parse added {:.0} MiB ({:.2}x the file)",
        peak - before,
        (peak - before) / mib
    );
}
