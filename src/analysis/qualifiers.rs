//! Qualifiers: each one function of the gathered signals and the verdict that returns its own
//! finding (the word and the evidence sentence with its numbers), then [`advise`] adjusts the
//! verdict's advice to what the findings say.

use serde::{Deserialize, Serialize};

use super::disagreement::{scale_mismatch, worsening_loss};
use super::divergence::{self, Spike, LEVEL_WINDOW};
use super::gradients;
use super::levels::end_level;
use super::noise::{noisy, not_learning};
use super::verdict::{
    fmt_v, fmt_x, list, window, Orientation, Signals, Verdict, MIN_GAIN, MIN_POINTS, PATIENCE,
};
use crate::model::Direction;

/// The words that qualify a verdict (serialised as the words, see docs/CONTRACT.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Noisy,
    SlowProgress,
    NotLearning,
    Spikes,
    LrLimited,
    LrJustCut,
    ScheduleEnded,
    NanRecovered,
    ExplodingGradients,
    VanishingGradients,
    MetricDisagreement,
    TrainValMismatch,
    Restarted,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Noisy => "noisy",
            Qualifier::SlowProgress => "slow_progress",
            Qualifier::NotLearning => "not_learning",
            Qualifier::Spikes => "spikes",
            Qualifier::LrLimited => "lr_limited",
            Qualifier::LrJustCut => "lr_just_cut",
            Qualifier::ScheduleEnded => "schedule_ended",
            Qualifier::NanRecovered => "nan_recovered",
            Qualifier::ExplodingGradients => "exploding_gradients",
            Qualifier::VanishingGradients => "vanishing_gradients",
            Qualifier::MetricDisagreement => "metric_disagreement",
            Qualifier::TrainValMismatch => "train_val_mismatch",
            Qualifier::Restarted => "restarted",
        }
    }
}

impl std::fmt::Display for Qualifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Qualifier {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Qualifier {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One qualifier and the sentence that backs it.
pub struct Finding {
    pub qualifier: Qualifier,
    pub evidence: String,
}

fn found(qualifier: Qualifier, evidence: String) -> Option<Finding> {
    Some(Finding {
        qualifier,
        evidence: format!("{qualifier}: {evidence}"),
    })
}

/// Every qualifier that applies, in a fixed order.
pub fn findings(s: &Signals, v: Verdict) -> Vec<Finding> {
    [
        noisy_finding(s, v),
        slow_progress(s, v),
        not_learning_finding(s, v),
        spikes(s, v),
        nan_recovered(s, v),
        lr_limited(s, v),
        lr_just_cut(s, v),
        schedule_ended(s, v),
        exploding_gradients(s, v),
        vanishing_gradients(s, v),
        metric_disagreement(s, v),
        loss_disagreement(s, v),
        train_val_mismatch(s, v),
        restarted(s, v),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn noisy_finding(s: &Signals, v: Verdict) -> Option<Finding> {
    let t = s
        .trend
        .filter(|t| noisy(t) && v != Verdict::Diverging)?
        .own(s.orientation);
    found(
        Qualifier::Noisy,
        format!(
            "{} fluctuates by {} (robust SD) around a trend that moves {} over {}",
            s.name(),
            fmt_v(t.noise),
            fmt_v(t.change().abs()),
            window(&t, s.word)
        ),
    )
}

fn slow_progress(s: &Signals, v: Verdict) -> Option<Finding> {
    let t = s.trend.filter(|_| v == Verdict::Plateau && s.slow())?;
    found(
        Qualifier::SlowProgress,
        format!(
            "{} still improves ({:+.2}% per {}, Mann–Kendall p = {:.3}) and its latest level is its best within noise, but not by the {:.0}% that matters over the next {} {}s",
            s.name(),
            s.pct_per_step(&t),
            s.word,
            t.p,
            100.0 * MIN_GAIN,
            s.outlook.as_ref().map_or(String::new(), |o| fmt_x(o.horizon.round())),
            s.word
        ),
    )
}

fn not_learning_finding(s: &Signals, v: Verdict) -> Option<Finding> {
    if s.n < MIN_POINTS || matches!(v, Verdict::Diverging | Verdict::Insufficient) {
        return None;
    }
    let (gain, true) = not_learning(&s.y)? else {
        return None;
    };
    found(
        Qualifier::NotLearning,
        format!(
            "{}'s best is only {:.2}% better than its first value",
            s.name(),
            100.0 * gain.max(0.0)
        ),
    )
}

fn spikes(s: &Signals, v: Verdict) -> Option<Finding> {
    if s.spikes.is_empty() || v == Verdict::Diverging {
        return None;
    }
    let (back, open): (Vec<&Spike>, Vec<&Spike>) = s.spikes.iter().partition(|p| p.recovered);
    let mut parts = Vec::new();
    if !back.is_empty() {
        parts.push(format!(
            "at {} and came back down",
            list(back.iter().map(|p| s.at(p.x)))
        ));
    }
    if !open.is_empty() {
        parts.push(format!(
            "at {} (not yet recovered)",
            list(open.iter().map(|p| s.at(p.x)))
        ));
    }
    found(
        Qualifier::Spikes,
        format!(
            "{} jumped above {:.0}× its running median and {:.0} noise SDs {}",
            s.objective.map_or(s.name(), |o| o.name.as_str()),
            divergence::SPIKE_FACTOR,
            divergence::SPIKE_SIGMAS,
            parts.join(", and ")
        ),
    )
}

/// NaN / inf the run carried on from (mixed-precision overflow steps the scaler skipped).
fn nan_recovered(s: &Signals, _: Verdict) -> Option<Finding> {
    let nf = s.non_finite.as_ref().filter(|nf| !nf.persists)?;
    found(
        Qualifier::NanRecovered,
        format!(
            "{} was non-finite at {} and training carried on with finite values",
            nf.series,
            list(nf.at.iter().map(|x| s.at(*x)))
        ),
    )
}

fn lr_limited(s: &Signals, v: Verdict) -> Option<Finding> {
    let sc = s
        .schedule
        .as_ref()
        .filter(|sc| !sc.drops.is_empty() && v == Verdict::Plateau && s.fresh_cut().is_none())?;
    found(
        Qualifier::LrLimited,
        format!(
            "{} was cut at {} (now {}); the plateau sits between cuts, so a further cut may resume progress",
            sc.series,
            list(sc.drops.iter().map(|d| s.at(d.0))),
            fmt_v(sc.drops.last().map_or(0.0, |d| d.2))
        ),
    )
}

/// A cut so recent that the new rate has not had a patience of evaluations yet.
fn lr_just_cut(s: &Signals, v: Verdict) -> Option<Finding> {
    let (x, from, to) = s.fresh_cut().filter(|_| v == Verdict::Plateau)?;
    let since = s.x().iter().filter(|&&v| v >= x).count();
    found(
        Qualifier::LrJustCut,
        format!(
            "the learning rate was cut from {} to {} at {}, {} evaluation{} ago; a new rate needs about a patience ({PATIENCE} evaluations) to show what it does",
            fmt_v(from),
            fmt_v(to),
            s.at(x),
            since,
            if since == 1 { "" } else { "s" }
        ),
    )
}

fn schedule_ended(s: &Signals, v: Verdict) -> Option<Finding> {
    let sc = s
        .schedule
        .as_ref()
        .filter(|sc| sc.ended && matches!(v, Verdict::Plateau | Verdict::Overfitting))?;
    let path = sc.end.map_or(String::new(), |e| {
        format!(", a path that reaches zero at {} {e:.1}", s.word)
    });
    found(
        Qualifier::ScheduleEnded,
        format!(
            "{} ({}) annealed from its peak {} at {} to {} ({:.2}% of the peak{path}): more {}s at this rate cannot gain much, and no gain is projected past the schedule's end",
            sc.series,
            sc.shape.as_str(),
            fmt_v(sc.peak),
            s.at(sc.peak_x),
            fmt_v(sc.last),
            100.0 * sc.last / sc.peak,
            s.word
        ),
    )
}

fn exploding_gradients(s: &Signals, _: Verdict) -> Option<Finding> {
    let g = s.gradients.as_ref().filter(|g| g.exploding())?;
    let what = match (g.non_finite_at, g.explosions.first()) {
        (Some(xn), _) => format!("{} is non-finite at {}", g.series, s.at(xn)),
        (None, Some((xe, v, m))) => format!(
            "{} reached {} at {}, {:.0}× its running median {}",
            g.series,
            fmt_v(*v),
            s.at(*xe),
            v / m,
            fmt_v(*m)
        ),
        (None, None) => g.series.clone(),
    };
    found(
        Qualifier::ExplodingGradients,
        format!(
            "{what}; clip at {} (the {:.0}th percentile of {} norms, AutoClip)",
            fmt_v(g.clip),
            gradients::AUTOCLIP_PERCENTILE,
            g.points
        ),
    )
}

fn vanishing_gradients(s: &Signals, _: Verdict) -> Option<Finding> {
    let g = s.gradients.as_ref().filter(|g| g.vanishing)?;
    found(
        Qualifier::VanishingGradients,
        format!(
            "{} fell from {} to {} while the loss kept {:.0}% of its first value",
            g.series,
            fmt_v(g.early),
            fmt_v(g.late),
            100.0 * s.loss_kept.unwrap_or(1.0)
        ),
    )
}

/// The validation loss worsens while the task metric improves: both numbers.
fn metric_disagreement(s: &Signals, _: Verdict) -> Option<Finding> {
    let (m, t) = s.disagreement.as_ref()?;
    let from = s
        .prechelt
        .as_ref()
        .map_or(s.start, |p| p.best_index)
        .min(s.n.saturating_sub(1));
    let x0 = s.x()[from];
    let i = m.x.iter().position(|&v| v >= x0)?;
    let (m0, m1) = (m.y[i], *m.y.iter().rev().find(|v| v.is_finite())?);
    let (l0, l1) = (
        s.orientation.from(s.y[from]),
        s.orientation
            .from(end_level(&s.y, LEVEL_WINDOW).unwrap_or(f64::NAN)),
    );
    found(
        Qualifier::MetricDisagreement,
        format!(
            "{} worsened from {} at {} to {} while {} improved from {} to {} (Mann–Kendall p = {:.3}); {} is what the checkpoint should be picked by",
            s.name(),
            fmt_v(l0),
            s.at(x0),
            fmt_v(l1),
            m.name,
            fmt_v(m0),
            fmt_v(m1),
            t.p,
            m.name
        ),
    )
}

/// A monitored task metric still fine while the validation loss worsens: both numbers, so that a
/// run judged by its metric (as the framework picks checkpoints) still says what its loss did.
fn loss_disagreement(s: &Signals, v: Verdict) -> Option<Finding> {
    if !matches!(v, Verdict::Improving | Verdict::Plateau) {
        return None;
    }
    let (loss, x, best, end, t) = worsening_loss(s.run, s.monitor, LEVEL_WINDOW)?;
    let last = s.monitor.y.iter().rev().find(|v| v.is_finite())?;
    found(
        Qualifier::MetricDisagreement,
        format!(
            "{} worsened from {} at {} to {} (+{:.0}%, Mann–Kendall p = {:.3}) while {}, the task metric judged, is {} at its last point; the checkpoint is picked by {}",
            loss.name,
            fmt_v(best),
            s.at(x),
            fmt_v(end),
            100.0 * (end / best - 1.0),
            t.p,
            s.name(),
            fmt_v(*last),
            s.name()
        ),
    )
}

fn train_val_mismatch(s: &Signals, _: Verdict) -> Option<Finding> {
    let t = s.train?;
    let ratio = scale_mismatch(t, s.monitor)?;
    found(
        Qualifier::TrainValMismatch,
        format!(
            "{} and {} start {:.0}× apart, so they do not measure the same thing on the same scale",
            t.name,
            s.name(),
            ratio
        ),
    )
}

fn restarted(s: &Signals, _: Verdict) -> Option<Finding> {
    if s.restarts.is_empty() {
        return None;
    }
    found(
        Qualifier::Restarted,
        format!(
            "resumed {} time{} (at {} {}); the sessions are judged as one spliced history of {} points",
            s.restarts.len(),
            if s.restarts.len() == 1 { "" } else { "s" },
            s.word,
            list(s.restarts.iter().map(|r| fmt_x(*r))),
            s.n
        ),
    )
}

/// The verdict's advice, adjusted by what the findings say.
pub fn advise(s: &Signals, v: Verdict, findings: &[Finding], advice: String) -> String {
    let has = |q: Qualifier| findings.iter().any(|f| f.qualifier == q);
    let word = s.word;
    let keep = s.best.map_or(String::new(), |b| {
        format!("; keep the {word}-{} checkpoint", fmt_x(b.x))
    });
    // The advice follows the task metric when it is still making new bests (its best is among
    // its last few evaluations), not merely trending up somewhere in the window.
    let metric_at_best = s.disagreement.as_ref().is_some_and(|(m, _)| {
        let o = Orientation::of(m);
        let finite = m.y.iter().filter(|v| v.is_finite()).count();
        m.y.iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .min_by(|a, b| o.to(*a.1).total_cmp(&o.to(*b.1)))
            .is_some_and(|(i, _)| {
                let rank = m.y[..i].iter().filter(|v| v.is_finite()).count();
                rank + LEVEL_WINDOW >= finite
            })
    });
    let advice = if has(Qualifier::MetricDisagreement)
        && metric_at_best
        && matches!(v, Verdict::Overfitting | Verdict::Plateau)
    {
        let (m, _) = s
            .disagreement
            .as_ref()
            .expect("a disagreement finding has its metric");
        let better = if m.direction == Direction::Higher {
            "highest"
        } else {
            "lowest"
        };
        format!(
            "keep training while {} improves and keep the checkpoint with the {better} {}, not the one by {}",
            m.name,
            m.name,
            s.name()
        )
    } else if has(Qualifier::ScheduleEnded) && v == Verdict::Plateau {
        format!("the schedule has ended: more {word}s at this learning rate will not help — rerun with a longer schedule{keep}")
    } else if has(Qualifier::LrJustCut) {
        format!(
            "give the new learning rate about {PATIENCE} more {word}s (a patience) before deciding"
        )
    } else {
        advice
    };
    match s.gradients.as_ref().filter(|g| g.exploding()) {
        Some(g) if v != Verdict::Diverging => {
            format!("{advice}; clip gradients at {}", fmt_v(g.clip))
        }
        _ => advice,
    }
}
