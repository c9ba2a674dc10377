//! A first, simple and honest verdict rule: patience over the last points, NaN, a 1.5× rise,
//! and validation above its best while training still falls.

use serde::Serialize;

use super::Point;
use crate::model::{Direction, Series};

/// The one word every run gets (see CONTRACT.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Improving,
    Plateau,
    Overfitting,
    Diverging,
    Insufficient,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Improving => "improving",
            Verdict::Plateau => "plateau",
            Verdict::Overfitting => "overfitting",
            Verdict::Diverging => "diverging",
            Verdict::Insufficient => "insufficient",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub struct Judgement {
    pub verdict: Verdict,
    pub qualifiers: Vec<String>,
    pub best: Option<Point>,
    pub evidence: Vec<String>,
    pub advice: String,
}

/// Fewer points than this and nothing is said.
const MIN_POINTS: usize = 5;
/// The last few points must beat the earlier best by this fraction to count as improving.
const PATIENCE: usize = 5;
const MIN_GAIN: f64 = 0.01;

pub fn judge(monitor: &Series, train: Option<&Series>) -> Judgement {
    let name = &monitor.name;
    let n = monitor.len();
    if n < MIN_POINTS {
        return Judgement {
            verdict: Verdict::Insufficient,
            qualifiers: Vec::new(),
            best: None,
            evidence: vec![format!(
                "{name} has {n} point{}, fewer than {MIN_POINTS}",
                if n == 1 { "" } else { "s" }
            )],
            advice: "train for more epochs before judging".to_string(),
        };
    }
    // Work in "lower is better" terms.
    let sign = if monitor.direction == Direction::Higher {
        -1.0
    } else {
        1.0
    };
    let y: Vec<f64> = monitor.y.iter().map(|v| v * sign).collect();
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Judgement {
            verdict: Verdict::Diverging,
            qualifiers: Vec::new(),
            best: best(monitor, &y),
            evidence: vec![format!(
                "{name} is {} at {} {}",
                monitor.y[i],
                monitor.axis.word(),
                fmt_x(monitor.x[i])
            )],
            advice: "lower the learning rate or clip gradients, and restart from the last good checkpoint"
                .to_string(),
        };
    }
    let best_point = best(monitor, &y);
    let bi = argmin(&y);
    let last = y[n - 1];
    let scale = y[bi].abs().max(f64::MIN_POSITIVE);
    let since = n - 1 - bi;
    let above = (last - y[bi]) / scale;
    let at = |i: usize| format!("{} {}", monitor.axis.word(), fmt_x(monitor.x[i]));
    let best_text = format!("{name} best {} at {}", fmt_v(monitor.y[bi]), at(bi));

    if monitor.direction == Direction::Lower
        && last > 0.0
        && y[bi] > 0.0
        && last > 1.5 * y[bi]
        && since >= 2
    {
        return Judgement {
            verdict: Verdict::Diverging,
            qualifiers: Vec::new(),
            best: best_point,
            evidence: vec![format!(
                "{best_text}; now {} ({:.1}× its best)",
                fmt_v(monitor.y[n - 1]),
                last / y[bi]
            )],
            advice: format!(
                "lower the learning rate and restart from the {} checkpoint",
                at(bi)
            ),
        };
    }
    if let Some(train) = train {
        let t = &train.y;
        let falling = t.len() >= 2 * 3 && {
            let w = (t.len() / 10).max(3);
            mean(&t[t.len() - w..]) < mean(&t[t.len() - 2 * w..t.len() - w])
        };
        if above > 0.05 && since >= 2 && falling {
            let train_change = (t[t.len() - 1] - t[t.len() - 1 - since.min(t.len() - 1)])
                / t[t.len() - 1 - since.min(t.len() - 1)]
                    .abs()
                    .max(f64::MIN_POSITIVE);
            return Judgement {
                verdict: Verdict::Overfitting,
                qualifiers: Vec::new(),
                best: best_point,
                evidence: vec![format!(
                    "{best_text}, {:+.0}% over the {since} {}s since, while {} changed {:+.0}%",
                    above * 100.0,
                    monitor.axis.word(),
                    train.name,
                    train_change * 100.0
                )],
                advice: format!("stop and keep the {} checkpoint", at(bi)),
            };
        }
    }
    let split = n.saturating_sub(PATIENCE).max(1);
    let before = y[..split].iter().copied().fold(f64::INFINITY, f64::min);
    let recent = y[split..].iter().copied().fold(f64::INFINITY, f64::min);
    let gain = (before - recent) / before.abs().max(f64::MIN_POSITIVE);
    if gain > MIN_GAIN {
        Judgement {
            verdict: Verdict::Improving,
            qualifiers: Vec::new(),
            best: best_point,
            evidence: vec![format!(
                "{best_text}; the last {} {}s improved on the earlier best by {:.1}%",
                n - split,
                monitor.axis.word(),
                gain * 100.0
            )],
            advice: "keep training".to_string(),
        }
    } else {
        Judgement {
            verdict: Verdict::Plateau,
            qualifiers: Vec::new(),
            best: best_point,
            evidence: vec![format!(
                "{best_text}; the last {} {}s improved on the earlier best by {:.1}% (less than {:.0}%)",
                n - split,
                monitor.axis.word(),
                gain.max(0.0) * 100.0,
                MIN_GAIN * 100.0
            )],
            advice: format!("stop: more epochs are unlikely to help; keep the {} checkpoint", at(bi)),
        }
    }
}

fn best(monitor: &Series, y: &[f64]) -> Option<Point> {
    let finite: Vec<f64> = y
        .iter()
        .map(|v| if v.is_finite() { *v } else { f64::INFINITY })
        .collect();
    let i = argmin(&finite);
    monitor.y[i].is_finite().then(|| Point {
        x: monitor.x[i],
        value: monitor.y[i],
    })
}

fn argmin(y: &[f64]) -> usize {
    let mut bi = 0;
    for (i, v) in y.iter().enumerate() {
        if *v < y[bi] {
            bi = i;
        }
    }
    bi
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn fmt_x(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// Four significant digits.
fn fmt_v(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}
