//! The verdict: one word per run from the parts' numbers, checked in a fixed order (diverging,
//! insufficient, overfitting, then improving vs plateau by the projected gain), plus qualifiers,
//! evidence sentences that carry their numbers, and one line of advice.

use serde::{Deserialize, Serialize};

use super::disagreement::{improving_metric, scale_mismatch};
use super::divergence::{self, NonFinite, Rise, Spike};
use super::early_stopping::{emulate, Emulation};
use super::extrapolation::{project, Outlook};
use super::gradients::{self, Gradients};
use super::noise::{noisy, not_learning};
use super::overfitting::{self, Prechelt, GL_THRESHOLD};
use super::schedule::{schedule, Schedule};
use super::trend::{trend, Trend};
use super::{Marker, Point, Projection, Region};
use crate::model::{Direction, Kind, Role, Run, Series};

/// The one word every run gets (see CONTRACT.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// Fewer points than this and nothing is said (CONTRACT.md).
pub const MIN_POINTS: usize = 5;
/// A projected gain over the best value so far below this fraction does not matter: plateau.
/// "Improving" needs a significant recent trend and the *low end* of the projected range above
/// it: a run is called improving only when even the most pessimistic plausible fit still gains.
pub const MIN_GAIN: f64 = 0.02;
/// "Train longer?" looks this many times the run's length ahead.
pub const HORIZON_FACTOR: f64 = 2.0;
/// The recent window is this fraction of the series (at least [`MIN_POINTS`] points), and never
/// reaches back across the last learning-rate cut when enough points follow it.
pub const RECENT_FRACTION: f64 = 0.5;
/// At most this many spikes are marked on the chart (all are listed in `details.spikes`).
const MAX_SPIKE_MARKERS: usize = 50;
/// "Train ~N more epochs" names where the best fit has delivered this share of its projected gain.
const ADVICE_SHARE: f64 = 0.9;

/// The numbers behind the verdict, for the page, the CLI's JSON and the tests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Details {
    /// The series whose rise or NaN counts as divergence (the training loss when there is one).
    pub objective: Option<String>,
    /// The recent window's trend, in the monitored series' own units.
    pub trend: Option<Trend>,
    /// "Train longer?": projected relative gains (positive = better than the best so far).
    pub outlook: Option<Outlook>,
    /// Prechelt's criteria; `gap` is in lower-is-better units (accuracy-like series negated).
    pub prechelt: Option<Prechelt>,
    pub non_finite: Option<NonFinite>,
    pub rise: Option<Rise>,
    pub spikes: Vec<Spike>,
    pub gradients: Option<Gradients>,
    pub schedule: Option<Schedule>,
}

pub struct Judgement {
    pub verdict: Verdict,
    pub qualifiers: Vec<String>,
    pub best: Option<Point>,
    pub evidence: Vec<String>,
    pub advice: String,
    pub markers: Vec<Marker>,
    pub regions: Vec<Region>,
    pub projection: Option<Projection>,
    pub early_stopping: Vec<Emulation>,
    pub details: Details,
}

/// Judges one run by its monitored series and, for a validation series, its training partner.
/// `restarts` are the x values at which a resumed session of the monitored series takes over.
pub fn judge(run: &Run, monitor: &Series, train: Option<&Series>, restarts: &[f64]) -> Judgement {
    let word = monitor.axis.word();
    let name = monitor.name.as_str();
    let sign = if monitor.direction == Direction::Higher {
        -1.0
    } else {
        1.0
    };
    let x = &monitor.x;
    let y: Vec<f64> = monitor.y.iter().map(|v| v * sign).collect();
    let n = y.len();
    let at = |x: f64| format!("{word} {}", fmt_x(x));

    let objective = train
        .filter(|t| t.kind == Kind::Loss)
        .or_else(|| (monitor.role == Role::Train && monitor.kind == Kind::Loss).then_some(monitor))
        .or_else(|| super::training_loss(run))
        .or((monitor.direction == Direction::Lower).then_some(monitor));
    let non_finite = divergence::non_finite(name, x, &monitor.y)
        .or_else(|| objective.and_then(|o| divergence::non_finite(&o.name, &o.x, &o.y)));
    let rise = objective.and_then(|o| divergence::rise(&o.x, &o.y));
    let spikes = objective.map_or_else(Vec::new, |o| divergence::spikes(&o.x, &o.y));
    let best_index = y
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i);
    let best = best_index.map(|i| Point {
        x: x[i],
        value: monitor.y[i],
    });
    let schedule = schedule(run);
    let loss_kept = objective.and_then(|o| {
        let first = o.y.iter().find(|v| v.is_finite())?;
        let last = o.y.iter().rev().find(|v| v.is_finite())?;
        (*first != 0.0).then(|| last / first)
    });
    let gradients = run
        .series
        .iter()
        .find(|s| s.kind == Kind::GradNorm)
        .and_then(|g| gradients::assess(g, loss_kept));
    let early_stopping = emulate(x, &monitor.y, name, sign < 0.0);

    let start = recent_start(x, n, schedule.as_ref());
    let trend = trend(&x[start..], &y[start..]);
    let outlook = best.and_then(|b| {
        let (first, last) = (*x.first()?, *x.last()?);
        let step = if n > 1 {
            (last - first) / (n - 1) as f64
        } else {
            1.0
        };
        let horizon = HORIZON_FACTOR * (last - first + step);
        // A loss (or any lower-is-better series never seen below zero) cannot be projected below
        // zero, and a higher-is-better score seen only within [0, 1] cannot pass 1.
        let within = |lo: f64, hi: f64| monitor.y.iter().all(|v| (lo..=hi).contains(v));
        let floor = if sign > 0.0 && (monitor.kind == Kind::Loss || within(0.0, f64::INFINITY)) {
            Some(0.0)
        } else if sign < 0.0 && within(0.0, 1.0) {
            Some(-1.0)
        } else {
            None
        };
        project(
            &x[start..],
            &y[start..],
            first,
            horizon,
            b.value * sign,
            floor,
        )
    });
    let train_oriented: Option<(Vec<f64>, Vec<f64>)> = train.map(|t| {
        let s = if t.direction == Direction::Higher {
            -1.0
        } else {
            1.0
        };
        (t.x.clone(), t.y.iter().map(|v| v * s).collect())
    });
    let prechelt = if monitor.role == Role::Validation {
        overfitting::assess(
            x,
            &y,
            trend.map_or(0.0, |t| t.noise),
            train_oriented
                .as_ref()
                .map(|(tx, ty)| (tx.as_slice(), ty.as_slice())),
        )
    } else {
        None
    };

    // The pessimistic end of the projected range is a fit that has already saturated; it loses
    // to the best fit when the newest point is the best (within one noise SD), training ran
    // without loss spikes (a steep fall after a blow-up only regains old ground), no learning-rate
    // cut falls inside the window (the step down after a cut is a one-off), and validation is not
    // falling behind training (a widening gap is how a validation curve that is about to flatten
    // looks while it still falls).
    let significant_fall = trend.is_some_and(|t| t.significant() && t.z < 0.0);
    let at_best = trend.is_some_and(|t| {
        let last = y.iter().rev().copied().find(|v| v.is_finite());
        let best = best_index.map(|i| y[i]);
        last.zip(best).is_some_and(|(l, b)| l - b <= t.noise)
    });
    let falling_at_best = significant_fall && at_best;
    let gap_widens = prechelt
        .as_ref()
        .and_then(|p| p.gap)
        .is_some_and(|g| g.significant() && g.slope > 0.0);
    let cut_inside = schedule.as_ref().is_some_and(|s| {
        s.drops
            .iter()
            .any(|d| x.get(start).is_some_and(|&from| d.0 > from))
    });
    let still_at_best = falling_at_best && spikes.is_empty() && !gap_widens && !cut_inside;
    // Still falling at its best, but the fits project less than what matters: slow progress.
    let slow = falling_at_best && outlook.as_ref().is_some_and(|o| o.gain <= MIN_GAIN);

    // A rise of the training objective is divergence when the monitored series suffers too (a
    // training spike while validation holds its best is listed as a spike) and there are enough
    // points to call it a rise; NaN / inf is divergence at any length.
    let monitor_worse = objective.is_some_and(|o| std::ptr::eq(o, monitor))
        || prechelt.as_ref().map_or(true, |p| p.gl > GL_THRESHOLD);
    let rise = rise.filter(|_| monitor_worse && n >= MIN_POINTS);
    let verdict = if non_finite.is_some() || rise.is_some() {
        Verdict::Diverging
    } else if n < MIN_POINTS || best.is_none() {
        Verdict::Insufficient
    } else if prechelt.as_ref().is_some_and(Prechelt::overfitting) {
        Verdict::Overfitting
    } else if significant_fall
        && outlook
            .as_ref()
            .is_some_and(|o| o.gain_low > MIN_GAIN || (o.gain > MIN_GAIN && still_at_best))
    {
        Verdict::Improving
    } else {
        Verdict::Plateau
    };

    let best_text = best.map(|b| format!("{name} best {} at {}", fmt_v(b.value), at(b.x)));
    let mut evidence = Vec::new();
    let mut qualifiers = Vec::new();
    let advice = match verdict {
        Verdict::Diverging => {
            let restart = best.map_or(String::new(), |b| {
                format!(" and restart from the {}-{} checkpoint", word, fmt_x(b.x))
            });
            let clip = gradients.as_ref().map_or(String::new(), |g| {
                format!(" or clip gradients at {}", fmt_v(g.clip))
            });
            if let Some(nf) = &non_finite {
                evidence.push(format!(
                    "{} is {} at {} (its first non-finite value)",
                    nf.series,
                    nf.value,
                    at(nf.x)
                ));
            }
            if let (Some(r), Some(o)) = (&rise, objective) {
                evidence.push(format!(
                    "{} is {} at {}, {:.1}× its lowest {} at {}, and has not come back down",
                    o.name,
                    fmt_v(r.last),
                    at(*o.x.last().unwrap_or(&r.min_x)),
                    r.ratio,
                    fmt_v(r.min),
                    at(r.min_x)
                ));
            }
            format!("lower the learning rate{clip}{restart}")
        }
        Verdict::Insufficient => {
            evidence.push(format!(
                "{name} has {n} point{}, fewer than {MIN_POINTS}",
                if n == 1 { "" } else { "s" }
            ));
            "train for more epochs before judging".to_string()
        }
        Verdict::Overfitting => {
            let p = prechelt.as_ref().map(|p| {
                let train_text = match (train, p.train_change) {
                    (Some(t), Some(c)) => format!(
                        ", while {} {} {:.0}%",
                        t.name,
                        if c < 0.0 { "fell" } else { "rose" },
                        100.0 * c.abs()
                    ),
                    _ => String::new(),
                };
                format!(
                    "{}, {:+.0}% by {word} {} ({} points later; Prechelt GL {:.1} > {GL_THRESHOLD}, {:.1} noise SDs{}){train_text}",
                    best_text.clone().unwrap_or_default(),
                    p.gl,
                    fmt_x(x.last().copied().unwrap_or(0.0)),
                    p.since,
                    p.gl,
                    p.sigmas,
                    p.pq.map_or(String::new(), |q| format!(", PQ {q:.2}"))
                )
            });
            evidence.extend(p);
            if let Some(g) = prechelt.as_ref().and_then(|p| p.gap) {
                if g.significant() && g.slope * sign > 0.0 {
                    evidence.push(format!(
                        "the validation − training gap widens by {} per {word} (Mann–Kendall p = {:.3})",
                        fmt_v(g.slope.abs()),
                        g.p
                    ));
                }
            }
            best.map_or("stop training".to_string(), |b| {
                format!("stop and keep the {word}-{} checkpoint", fmt_x(b.x))
            })
        }
        Verdict::Improving | Verdict::Plateau => {
            let mut parts = best_text.clone().into_iter().collect::<Vec<_>>();
            if let Some(t) = &trend {
                parts.push(format!(
                    "over {} it moved {:+.2}% per {word} (Theil–Sen; Mann–Kendall p = {:.3})",
                    window(t, word),
                    100.0 * sign * t.slope / t.level.abs().max(f64::MIN_POSITIVE),
                    t.p
                ));
            }
            if let Some(o) = &outlook {
                parts.push(format!(
                    "{} {} fit projects +{} {word}s ≈ {} ({}…{}) against the best so far, to {}{}",
                    if o.family.starts_with('e') { "an" } else { "a" },
                    o.family,
                    fmt_x(o.horizon.round()),
                    pct(-o.gain),
                    pct(-o.gain_high),
                    pct(-o.gain_low),
                    fmt_v(sign * o.mid.last().copied().unwrap_or(f64::NAN)),
                    match verdict {
                        Verdict::Improving if o.gain_low <= MIN_GAIN => format!(
                            "; the plausible range reaches under the {:.0}% that matters, but the latest point is the best, with no spike, learning-rate cut or widening validation gap behind it",
                            100.0 * MIN_GAIN
                        ),
                        Verdict::Plateau if o.gain_low <= MIN_GAIN && o.gain > MIN_GAIN => format!(
                            ", but the plausible range reaches under the {:.0}% that matters{}",
                            100.0 * MIN_GAIN,
                            if !significant_fall {
                                " and the recent fall is not significant"
                            } else if !at_best {
                                " and the latest point is not the best"
                            } else if gap_widens {
                                " and the validation − training gap widens"
                            } else if cut_inside {
                                " and the latest gain followed a learning-rate cut"
                            } else {
                                " and training had loss spikes"
                            }
                        ),
                        Verdict::Plateau if o.gain_low > MIN_GAIN => format!(
                            ", but the recent trend is not significant at {}",
                            super::trend::ALPHA
                        ),
                        Verdict::Plateau => {
                            format!(", under the {:.0}% that matters", 100.0 * MIN_GAIN)
                        }
                        _ => String::new(),
                    }
                ));
            }
            evidence.push(parts.join("; "));
            if verdict == Verdict::Improving {
                let more = outlook.as_ref().map_or(String::new(), |o| {
                    format!(" ~{} more {word}s", fmt_x(epochs_to_share(o, x).round()))
                });
                format!("keep training{more}")
            } else if let (true, Some(o), Some(b)) = (slow, &outlook, best) {
                format!(
                    "stop and keep the {word}-{} checkpoint: {} more {word}s are projected to gain under {:.0}%",
                    fmt_x(b.x),
                    fmt_x(o.horizon.round()),
                    100.0 * MIN_GAIN
                )
            } else if schedule.as_ref().is_some_and(|s| !s.drops.is_empty()) {
                "lower the learning rate again (progress so far came after LR cuts), or stop"
                    .to_string()
            } else {
                best.map_or("stop".to_string(), |b| {
                    format!(
                        "stop: more {word}s are unlikely to help; keep the {word}-{} checkpoint",
                        fmt_x(b.x)
                    )
                })
            }
        }
    };

    let advice = match gradients.as_ref().filter(|g| g.exploding()) {
        Some(g) if verdict != Verdict::Diverging => {
            format!("{advice}; clip gradients at {}", fmt_v(g.clip))
        }
        _ => advice,
    };

    // Qualifiers, each with its evidence sentence.
    if let Some(t) = trend.filter(|t| noisy(t) && verdict != Verdict::Diverging) {
        qualifiers.push("noisy".to_string());
        evidence.push(format!(
            "noisy: {name} fluctuates by {} (robust SD) around a trend that moves {} over {}",
            fmt_v(t.noise),
            fmt_v(t.change().abs()),
            window(&t, word)
        ));
    }
    if let Some(t) = trend.filter(|_| verdict == Verdict::Plateau && slow) {
        qualifiers.push("slow_progress".to_string());
        evidence.push(format!(
            "slow_progress: {name} still improves ({:+.2}% per {word}, Mann–Kendall p = {:.3}) and its latest point is its best within noise, but not by the {:.0}% that matters over the next {} {word}s",
            100.0 * sign * t.slope / t.level.abs().max(f64::MIN_POSITIVE),
            t.p,
            100.0 * MIN_GAIN,
            outlook.as_ref().map_or(String::new(), |o| fmt_x(o.horizon.round()))
        ));
    }
    if let Some((gain, true)) = not_learning(&y).filter(|_| {
        n >= MIN_POINTS && !matches!(verdict, Verdict::Diverging | Verdict::Insufficient)
    }) {
        qualifiers.push("not_learning".to_string());
        evidence.push(format!(
            "not_learning: {name}'s best is only {:.2}% better than its first value",
            100.0 * gain.max(0.0)
        ));
    }
    if !spikes.is_empty() && verdict != Verdict::Diverging {
        let (back, open): (Vec<&Spike>, Vec<&Spike>) = spikes.iter().partition(|s| s.recovered);
        let mut parts = Vec::new();
        if !back.is_empty() {
            parts.push(format!(
                "at {} and came back down",
                list(back.iter().map(|s| at(s.x)))
            ));
        }
        if !open.is_empty() {
            parts.push(format!(
                "at {} (not yet recovered)",
                list(open.iter().map(|s| at(s.x)))
            ));
        }
        qualifiers.push("spikes".to_string());
        evidence.push(format!(
            "spikes: {} jumped above {:.0}× its running median {}",
            objective.map_or(name, |o| o.name.as_str()),
            divergence::SPIKE_FACTOR,
            parts.join(", and ")
        ));
    }
    if let Some(s) = schedule.as_ref().filter(|s| !s.drops.is_empty()) {
        if verdict == Verdict::Plateau {
            qualifiers.push("lr_limited".to_string());
            evidence.push(format!(
                "lr_limited: {} was cut at {} (now {}); the plateau sits between cuts, so a further cut may resume progress",
                s.series,
                list(s.drops.iter().map(|d| at(d.0))),
                fmt_v(s.drops.last().map_or(0.0, |d| d.2))
            ));
        }
    }
    if let Some(g) = &gradients {
        if g.exploding() {
            qualifiers.push("exploding_gradients".to_string());
            let what = match (g.non_finite_at, g.explosions.first()) {
                (Some(xn), _) => format!("{} is non-finite at {}", g.series, at(xn)),
                (None, Some((xe, v, m))) => format!(
                    "{} reached {} at {}, {:.0}× its running median {}",
                    g.series,
                    fmt_v(*v),
                    at(*xe),
                    v / m,
                    fmt_v(*m)
                ),
                (None, None) => g.series.clone(),
            };
            evidence.push(format!(
                "exploding_gradients: {what}; clip at {} (the {:.0}th percentile of {} norms, AutoClip)",
                fmt_v(g.clip),
                gradients::AUTOCLIP_PERCENTILE,
                g.points
            ));
        }
        if g.vanishing {
            qualifiers.push("vanishing_gradients".to_string());
            evidence.push(format!(
                "vanishing_gradients: {} fell from {} to {} while the loss kept {:.0}% of its first value",
                g.series,
                fmt_v(g.early),
                fmt_v(g.late),
                100.0 * loss_kept.unwrap_or(1.0)
            ));
        }
    }
    let worsening = prechelt.as_ref().is_some_and(|p| p.gl > GL_THRESHOLD)
        || trend.is_some_and(|t| t.significant() && t.z > 0.0);
    if monitor.kind == Kind::Loss && monitor.role == Role::Validation && worsening {
        if let Some((m, t)) = x.get(start).and_then(|&from| improving_metric(run, from)) {
            qualifiers.push("metric_disagreement".to_string());
            evidence.push(format!(
                "metric_disagreement: {name} worsens while {} still improves ({} per {word}, Mann–Kendall p = {:.3})",
                m.name,
                fmt_v(t.slope),
                t.p
            ));
        }
    }
    if let Some(ratio) = train.and_then(|t| scale_mismatch(t, monitor)) {
        qualifiers.push("train_val_mismatch".to_string());
        evidence.push(format!(
            "train_val_mismatch: {} and {name} start {:.0}× apart, so they do not measure the same thing on the same scale",
            train.map_or("", |t| t.name.as_str()),
            ratio
        ));
    }
    if !restarts.is_empty() {
        qualifiers.push("restarted".to_string());
        evidence.push(format!(
            "restarted: resumed {} time{} (at {word} {}); the sessions are judged as one spliced history of {} points",
            restarts.len(),
            if restarts.len() == 1 { "" } else { "s" },
            list(restarts.iter().map(|r| fmt_x(*r))),
            n
        ));
    }

    let mut markers = Vec::new();
    let mark =
        |kind: &str, series: Option<&str>, x: f64, value: Option<f64>, label: String| Marker {
            kind: kind.to_string(),
            series: series.map(str::to_string),
            x,
            value,
            label,
        };
    if let Some(b) = best {
        markers.push(mark(
            "best",
            Some(name),
            b.x,
            Some(b.value),
            format!("best {}", fmt_v(b.value)),
        ));
        if verdict == Verdict::Overfitting {
            markers.push(mark(
                "overfit_onset",
                Some(name),
                b.x,
                Some(b.value),
                "overfitting starts".to_string(),
            ));
        }
    }
    if let Some(nf) = &non_finite {
        markers.push(mark(
            "nan",
            Some(&nf.series),
            nf.x,
            None,
            format!("{}", nf.value),
        ));
    }
    if let Some(o) = objective {
        for s in spikes.iter().take(MAX_SPIKE_MARKERS) {
            markers.push(mark(
                "spike",
                Some(&o.name),
                s.x,
                Some(s.value),
                format!("spike {}", fmt_v(s.value)),
            ));
        }
    }
    if let Some(s) = &schedule {
        for (dx, from, to) in &s.drops {
            markers.push(mark(
                "lr_drop",
                Some(&s.series),
                *dx,
                Some(*to),
                format!("lr {} → {}", fmt_v(*from), fmt_v(*to)),
            ));
        }
    }
    for r in restarts {
        markers.push(mark("restart", None, *r, None, "restart".to_string()));
    }
    if let Some(g) = gradients.as_ref().filter(|g| g.exploding()) {
        markers.push(mark(
            "clip_threshold",
            Some(&g.series),
            x.last().copied().unwrap_or(0.0),
            Some(g.clip),
            format!("clip {}", fmt_v(g.clip)),
        ));
    }

    let mut regions = Vec::new();
    match (verdict, best, trend) {
        (Verdict::Overfitting, Some(b), _) => regions.push(Region {
            kind: "overfitting".to_string(),
            start: b.x,
            end: x.last().copied().unwrap_or(b.x),
        }),
        (Verdict::Plateau, _, Some(t)) => regions.push(Region {
            kind: "plateau".to_string(),
            start: t.start,
            end: t.end,
        }),
        _ => {}
    }
    let projection = outlook
        .as_ref()
        .filter(|_| matches!(verdict, Verdict::Improving | Verdict::Plateau))
        .map(|o| Projection {
            series: monitor.name.clone(),
            x: o.x.clone(),
            mid: o.mid.iter().map(|v| v * sign).collect(),
            low: o.low.iter().map(|v| v * sign).collect(),
            high: o.high.iter().map(|v| v * sign).collect(),
        });

    Judgement {
        verdict,
        qualifiers,
        best,
        evidence,
        advice,
        markers,
        regions,
        projection,
        early_stopping,
        details: Details {
            objective: objective.map(|o| o.name.clone()),
            trend: trend.map(|t| t.scaled(sign)),
            outlook,
            prechelt,
            non_finite,
            rise,
            spikes,
            gradients,
            schedule,
        },
    }
}

/// Where the recent window starts: the last [`RECENT_FRACTION`] of the points, or later, after the
/// latest learning-rate cut that still leaves at least [`MIN_POINTS`] points after it.
fn recent_start(x: &[f64], n: usize, schedule: Option<&Schedule>) -> usize {
    let len = ((n as f64 * RECENT_FRACTION).ceil() as usize)
        .max(MIN_POINTS)
        .min(n);
    let cut = schedule.and_then(|s| {
        s.drops
            .iter()
            .rev()
            .filter_map(|d| x.iter().position(|&v| v >= d.0))
            .find(|&i| n - i >= MIN_POINTS)
    });
    (n - len).max(cut.unwrap_or(0))
}

/// How far past the last point the best fit delivers [`ADVICE_SHARE`] of its projected gain.
fn epochs_to_share(o: &Outlook, x: &[f64]) -> f64 {
    let last = x.last().copied().unwrap_or(0.0);
    let (Some(first), Some(end)) = (o.mid.first(), o.mid.last()) else {
        return o.horizon;
    };
    let target = first - ADVICE_SHARE * (first - end);
    o.x.iter()
        .zip(&o.mid)
        .find(|(_, m)| **m <= target)
        .map_or(o.horizon, |(fx, _)| fx - last)
}

/// The stretch a trend was measured over, as the chart shades it: `epochs 20–39 (20 points)`.
fn window(t: &Trend, word: &str) -> String {
    format!(
        "{word}s {}–{} ({} points)",
        fmt_x(t.start),
        fmt_x(t.end),
        t.points
    )
}

fn list(items: impl Iterator<Item = String>) -> String {
    let all: Vec<String> = items.collect();
    const SHOWN: usize = 5;
    if all.len() > SHOWN {
        format!("{} and {} more", all[..SHOWN].join(", "), all.len() - SHOWN)
    } else {
        all.join(", ")
    }
}

/// A signed percentage with enough digits to be checked.
fn pct(f: f64) -> String {
    let p = 100.0 * f;
    if p.abs() >= 10.0 {
        format!("{p:+.0}%")
    } else {
        format!("{p:+.1}%")
    }
}

pub fn fmt_x(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// Four significant digits.
pub fn fmt_v(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let magnitude = v.abs().log10().floor() as i32;
    if !(-4..6).contains(&magnitude) {
        return format!("{v:.3e}");
    }
    let digits = (3 - magnitude).max(0) as usize;
    format!("{v:.digits$}")
}
