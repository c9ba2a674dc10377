//! How often the forecast's 95% range holds the truth: learning curves with a known shape
//! (exponential and power decay), noise that is independent or autocorrelated (AR(1),
//! stationary from the first point), fitted by `extrapolation::project` the way the verdict uses
//! it (the recent half of the run, projected twice the run's length ahead), and the true curve
//! checked against the range at the end of the horizon. Prints coverage and the band's mean width
//! per cell (`make bench-forecast`); a calibrated 95% range covers about 95%. The range is a
//! confidence band for the curve, not a prediction band for future logged points.

use plateau::analysis::extrapolation::project;

/// Replicates per cell.
const REPS: usize = 200;

/// SplitMix64 + Box–Muller: deterministic normal draws for the simulation.
struct Normal(u64);

impl Normal {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn draw(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(f64::MIN_POSITIVE), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Exponential,
    Power,
}

fn truth(shape: Shape, n: usize, t: f64) -> f64 {
    match shape {
        // Reaches about 5% of its drop by the end of the observed window.
        Shape::Exponential => 0.2 + 0.8 * (-3.0 * t / n as f64).exp(),
        Shape::Power => 0.2 + 0.8 * (t + 1.0).powf(-0.7),
    }
}

fn main() {
    println!("forecast 95% range coverage ({REPS} runs per cell; fitted on the recent half of n points, horizon 2n; noise SD relative to the drop; width relative to the drop)");
    println!(
        "{:<12} {:>4} {:>6} {:>5}   {:>9} {:>12}",
        "shape", "n", "noise", "AR1", "coverage", "mean width"
    );
    let mut rng = Normal(0x5eed);
    for shape in [Shape::Exponential, Shape::Power] {
        for n in [10usize, 30, 100, 300, 1000, 3000, 30_000] {
            for noise in [0.01, 0.05] {
                for phi in [0.0f64, 0.5] {
                    let (mut at_end, mut fitted, mut width) = (0, 0, 0.0);
                    for _ in 0..REPS {
                        let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
                        let mut e = rng.draw();
                        let mut first = true;
                        let y: Vec<f64> = x
                            .iter()
                            .map(|&t| {
                                if !std::mem::take(&mut first) {
                                    e = phi * e + (1.0 - phi * phi).sqrt() * rng.draw();
                                }
                                truth(shape, n, t) + 0.8 * noise * e
                            })
                            .collect();
                        let horizon = 2.0 * n as f64;
                        let best_true = truth(shape, n, (n - 1) as f64);
                        let half = n / 2;
                        let Some(o) =
                            project(&x[half..], &y[half..], 0.0, horizon, best_true, Some(0.0))
                        else {
                            continue;
                        };
                        fitted += 1;
                        let far = *o.x.last().expect("curve points");
                        let true_far = truth(shape, n, far);
                        let (lo, hi) =
                            (*o.low.last().expect("band"), *o.high.last().expect("band"));
                        at_end += usize::from(lo <= true_far && true_far <= hi);
                        width += (hi - lo) / 0.8;
                    }
                    let pct = |k: usize| 100.0 * k as f64 / fitted.max(1) as f64;
                    println!(
                        "{:<12} {:>4} {:>5.0}% {:>5.1}   {:>8.1}% {:>11.2}%",
                        match shape {
                            Shape::Exponential => "exponential",
                            Shape::Power => "power",
                        },
                        n,
                        100.0 * noise,
                        phi,
                        pct(at_end),
                        100.0 * width / fitted.max(1) as f64
                    );
                }
            }
        }
    }
}
