//! The verdict as a pipeline of findings: [`Signals::gather`] reads the numbers off the run
//! (levels, noise, trend, fits, Prechelt's criteria, divergence, schedule, gradients), [`decide`]
//! picks one word in a fixed order (diverging, insufficient, overfitting, then improving vs
//! plateau by the projected gain), [`explain`] writes the evidence and advice of that word, and
//! each qualifier is one function of [`super::qualifiers`] that returns its own finding.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::disagreement::improving_metric;
use super::divergence::{self, NonFinite, Rise, Spike};
use super::early_stopping::{emulate, Emulation};
use super::extrapolation::{project, Outlook};
use super::gradients::{self, Gradients};
use super::levels::{self, Binned};
use super::overfitting::{self, Prechelt, GL_THRESHOLD};
use super::qualifiers::{self, Qualifier};
use super::schedule::{schedule, Schedule};
use super::trend::{trend, Trend};
use super::{Marker, MarkerKind, Point, Projection, Region, RegionKind};
use crate::model::{Axis, Direction, Kind, Role, Run, Series};

/// The one word every run gets (see docs/CONTRACT.md).
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

/// Fewer points than this and nothing is said (docs/CONTRACT.md).
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
/// How many evaluations a new learning rate gets before it is judged (a Keras-style patience).
pub const PATIENCE: usize = 5;
/// A training series with at least this many points per evaluation is binned onto the
/// evaluations before it is compared with them.
const DENSER: usize = 2;

/// The numbers behind the verdict, for the page, the CLI's JSON and the tests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Details {
    /// The series whose rise or NaN counts as divergence (the training loss when there is one).
    pub objective: Option<String>,
    /// The recent window's trend, in the monitored series' own units.
    pub trend: Option<Trend>,
    /// "Train longer?": projected relative gains (positive = better than the best so far; of the
    /// error rate for accuracy-like metrics).
    pub outlook: Option<Outlook>,
    /// Prechelt's criteria on levels; `gap` is in lower-is-better units.
    pub prechelt: Option<Prechelt>,
    pub non_finite: Option<NonFinite>,
    pub rise: Option<Rise>,
    pub spikes: Vec<Spike>,
    pub gradients: Option<Gradients>,
    pub schedule: Option<Schedule>,
    /// The monitored series' own noise SD (floored at its printed resolution) and that
    /// resolution, when its values were printed with few decimals, in the series' own units.
    pub noise: Option<f64>,
    pub resolution: Option<f64>,
}

pub struct Judgement {
    pub verdict: Verdict,
    pub qualifiers: Vec<Qualifier>,
    pub best: Option<Point>,
    pub evidence: Vec<String>,
    pub advice: String,
    pub markers: Vec<Marker>,
    pub regions: Vec<Region>,
    pub projection: Option<Projection>,
    pub early_stopping: Vec<Emulation>,
    pub details: Details,
}

/// How a series is turned into "lower is better" numbers: as is, negated, or, for accuracy-like
/// scores, as the error rate (95% → 96.5% accuracy is 30% fewer errors): 1 − v for scores within
/// [0, 1], and 1 − v/100 for rate metrics (accuracy, mAP, F1, … by name) printed as percentages
/// within [0, 100].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Lower,
    Higher,
    Error { percent: bool },
}

impl Orientation {
    pub fn of(s: &Series) -> Orientation {
        let within = |top: f64| {
            s.y.iter()
                .filter(|v| v.is_finite())
                .all(|v| (0.0..=top).contains(v))
        };
        match s.direction {
            Direction::Higher if within(1.0) => Orientation::Error { percent: false },
            Direction::Higher if s.kind == Kind::Metric && within(100.0) => {
                Orientation::Error { percent: true }
            }
            Direction::Higher => Orientation::Higher,
            _ => Orientation::Lower,
        }
    }

    /// Into lower-is-better units (error rates as fractions).
    pub fn to(self, v: f64) -> f64 {
        match self {
            Orientation::Lower => v,
            Orientation::Higher => -v,
            Orientation::Error { percent: false } => 1.0 - v,
            Orientation::Error { percent: true } => 1.0 - v / 100.0,
        }
    }

    /// Back into the series' own units.
    pub fn from(self, o: f64) -> f64 {
        match self {
            Orientation::Lower => o,
            Orientation::Higher => -o,
            Orientation::Error { percent: false } => 1.0 - o,
            Orientation::Error { percent: true } => 100.0 * (1.0 - o),
        }
    }

    /// How many of the series' own units one lower-is-better unit is (100 for percentages).
    pub fn scale(self) -> f64 {
        if self == (Orientation::Error { percent: true }) {
            100.0
        } else {
            1.0
        }
    }

    /// Whether the series is judged on its error rate.
    pub fn error_rate(self) -> bool {
        matches!(self, Orientation::Error { .. })
    }

    /// The sign a slope or difference changes by.
    pub fn sign(self) -> f64 {
        if self == Orientation::Lower {
            1.0
        } else {
            -1.0
        }
    }
}

/// Everything measured on one run before any word is chosen.
pub struct Signals<'a> {
    pub run: &'a Run,
    pub monitor: &'a Series,
    pub train: Option<&'a Series>,
    pub restarts: &'a [f64],
    pub word: &'static str,
    pub orientation: Orientation,
    /// The monitored series in lower-is-better units (the series' own values, not a copy, when
    /// lower is already better).
    pub y: Cow<'a, [f64]>,
    pub n: usize,
    /// The series whose rise or NaN is divergence.
    pub objective: Option<&'a Series>,
    /// Whether the objective's levels are per-period means (per-epoch, or per-step points binned
    /// at the evaluations) rather than raw points.
    pub objective_means: bool,
    pub non_finite: Option<NonFinite>,
    pub rise: Option<Rise>,
    pub spikes: Vec<Spike>,
    pub best_index: Option<usize>,
    pub best: Option<Point>,
    pub schedule: Option<Schedule>,
    pub loss_kept: Option<f64>,
    pub gradients: Option<Gradients>,
    pub early_stopping: Vec<Emulation>,
    /// Index where the recent window starts.
    pub start: usize,
    pub trend: Option<Trend>,
    /// The lowest running median of [`divergence::LEVEL_WINDOW`] points of `y`.
    pub best_level: Option<f64>,
    pub outlook: Option<Outlook>,
    pub prechelt: Option<Prechelt>,
    /// The noise SD of `y` and the monitored series' printed resolution, both in
    /// lower-is-better units.
    pub noise: Option<f64>,
    pub resolution: Option<f64>,
    /// A validation task metric that still improves while the monitored loss worsens.
    pub disagreement: Option<(&'a Series, Trend)>,
}

impl<'a> Signals<'a> {
    /// Reads every signal; `restarts` are the x values at which a resumed session of the
    /// monitored series takes over (the whole spliced history is judged).
    pub fn gather(
        run: &'a Run,
        monitor: &'a Series,
        train: Option<&'a Series>,
        restarts: &'a [f64],
    ) -> Signals<'a> {
        let orientation = Orientation::of(monitor);
        let x = &monitor.x;
        let y: Cow<'a, [f64]> = if orientation == Orientation::Lower {
            Cow::Borrowed(&monitor.y)
        } else {
            Cow::Owned(monitor.y.iter().map(|v| orientation.to(*v)).collect())
        };
        let n = y.len();
        let objective = train
            .filter(|t| t.kind == Kind::Loss)
            .or_else(|| {
                (monitor.role == Role::Train && monitor.kind == Kind::Loss).then_some(monitor)
            })
            .or_else(|| super::training_loss(run))
            .or((monitor.direction == Direction::Lower).then_some(monitor));
        let binned = objective.map(|o| at_evaluations(o, monitor));
        let objective_means = objective
            .zip(binned.as_ref())
            .is_some_and(|(o, (_, _, se))| o.axis == Axis::Epoch || se.is_some());
        let non_finite = divergence::non_finite(&monitor.name, x, &monitor.y)
            .filter(|nf| nf.persists)
            .or_else(|| {
                objective
                    .and_then(|o| divergence::non_finite(&o.name, &o.x, &o.y))
                    .filter(|nf| nf.persists)
            })
            .or_else(|| divergence::non_finite(&monitor.name, x, &monitor.y))
            .or_else(|| objective.and_then(|o| divergence::non_finite(&o.name, &o.x, &o.y)));
        let rise = binned.as_ref().and_then(|(lx, ly, se)| {
            let measured = if objective_means {
                divergence::Measured::Means { se: se.as_deref() }
            } else {
                divergence::Measured::Points
            };
            divergence::rise(lx, ly, measured)
        });
        let noise = levels::noise(&y);
        let spikes = objective.map_or_else(Vec::new, |o| {
            // `y` is the monitored series itself when lower is better: its noise is known.
            let own = std::ptr::eq(o, monitor) && orientation == Orientation::Lower;
            let objective_noise = if own { noise } else { levels::noise(&o.y) };
            divergence::spikes(&o.x, &o.y, objective_noise.unwrap_or(0.0))
        });
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
        // A decay whose path reaches zero before the judged series' last point (its rate was
        // logged for less of the run) has ended by then: nothing is projected past it.
        let schedule = schedule(run).map(|mut s| {
            s.ended |= s.end.zip(x.last()).is_some_and(|(end, &last)| end <= last);
            s
        });
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
        // Early stopping and ReduceLROnPlateau act on evaluations, never on per-batch points.
        let per_evaluation = monitor.role.held_out() || monitor.axis == Axis::Epoch;
        let early_stopping = if per_evaluation {
            emulate(
                x,
                &monitor.y,
                &monitor.name,
                orientation != Orientation::Lower,
            )
        } else {
            Vec::new()
        };
        let start = recent_start(x, n, schedule.as_ref());
        let trend = trend(&x[start..], &y[start..]);
        // In lower-is-better units, like `y`: a percentage printed to whole points tells error
        // rates apart to 0.01, not to 1.
        let resolution = levels::resolution(&monitor.y).map(|r| r / orientation.scale());
        let best_level = levels::best_level(&y, divergence::LEVEL_WINDOW).map(|(_, v)| v);
        let outlook = best.and_then(|b| {
            let (first, last) = (*x.first()?, *x.last()?);
            let step = if n > 1 {
                (last - first) / (n - 1) as f64
            } else {
                1.0
            };
            // Never past the end of a decaying schedule still under way (one that has ended is
            // said so, and projects nothing; see `improving`).
            let horizon = schedule
                .as_ref()
                .filter(|s| !s.ended)
                .and_then(|s| s.end)
                .map_or(f64::INFINITY, |end| end - last)
                .min(HORIZON_FACTOR * (last - first + step));
            // Nothing lower-is-better that was never seen below zero goes below zero (a loss, an
            // error rate); a negative loss (Gaussian NLL, flows) has no floor.
            let floor = (orientation != Orientation::Higher
                && y.iter().filter(|v| v.is_finite()).all(|v| *v >= 0.0))
            .then_some(0.0);
            // Gains are measured from the best level (lowest running median of three), not
            // from the best point: a lucky low point of a noisy series is not a level to beat.
            let level = best_level.unwrap_or(orientation.to(b.value));
            project(&x[start..], &y[start..], first, horizon, level, floor)
        });
        let train_levels: Option<(Cow<[f64]>, Vec<f64>)> = train.map(|t| {
            let o = Orientation::of(t);
            let (tx, ty, _) = at_evaluations(t, monitor);
            (tx, ty.iter().map(|&v| o.to(v)).collect())
        });
        let prechelt = monitor
            .role
            .held_out()
            .then(|| {
                // Residuals around the recent line and second differences of the whole series
                // both overstate the noise where the curve bends (the turn at the best is such
                // a bend); the calmer of the two is the tighter bound.
                overfitting::assess(
                    x,
                    &y,
                    [trend.map(|t| t.noise), noise]
                        .into_iter()
                        .flatten()
                        .reduce(f64::min)
                        .unwrap_or(0.0)
                        .max(resolution.unwrap_or(0.0)),
                    train_levels
                        .as_ref()
                        .map(|(tx, ty)| (&tx[..], ty.as_slice())),
                )
            })
            .flatten();
        let worsening = prechelt.as_ref().is_some_and(|p| p.gl > GL_THRESHOLD)
            || trend.is_some_and(|t| t.significant() && t.z > 0.0);
        let disagreement = (monitor.kind == Kind::Loss && monitor.role.held_out())
            .then_some(())
            .filter(|_| worsening)
            .and_then(|_| {
                let from = prechelt
                    .as_ref()
                    .map_or(x.get(start).copied(), |p| x.get(p.best_index).copied())?;
                improving_metric(run, from)
            });
        Signals {
            run,
            monitor,
            train,
            restarts,
            word: monitor.axis.word(),
            orientation,
            y,
            n,
            objective,
            objective_means,
            non_finite,
            rise,
            spikes,
            best_index,
            best,
            schedule,
            loss_kept,
            gradients,
            early_stopping,
            start,
            trend,
            best_level,
            outlook,
            prechelt,
            noise,
            resolution,
            disagreement,
        }
    }

    pub fn name(&self) -> &str {
        &self.monitor.name
    }

    pub fn x(&self) -> &[f64] {
        &self.monitor.x
    }

    pub fn at(&self, x: f64) -> String {
        format!("{} {}", self.word, fmt_x(x))
    }

    /// The recent fall is significant (in lower-is-better units).
    pub fn significant_fall(&self) -> bool {
        self.trend.is_some_and(|t| t.significant() && t.z < 0.0)
    }

    /// The level at the end is the best level within noise: the recent Theil–Sen line's value at
    /// the last point (a local robust fit, which does not lag a falling curve as a running median
    /// does) is within one recent noise SD (floored at the printed resolution) of the lowest
    /// running median of three points (levels on both sides: neither a lucky best nor a lucky
    /// last point decides).
    pub fn at_best(&self) -> bool {
        let (Some(t), Some(best)) = (self.trend, self.best_level) else {
            return false;
        };
        t.level - best <= t.noise.max(self.resolution.unwrap_or(0.0))
    }

    /// Still falling at its best, but the fits project less than what matters.
    pub fn slow(&self) -> bool {
        self.significant_fall()
            && self.at_best()
            && self.outlook.as_ref().is_some_and(|o| o.gain <= MIN_GAIN)
    }

    /// Validation falls behind training: a significant widening of the gap.
    pub fn gap_widens(&self) -> bool {
        self.prechelt
            .as_ref()
            .and_then(|p| p.gap)
            .is_some_and(|g| g.significant() && g.slope > 0.0)
    }

    /// The objective spiked inside the recent window: its fall since may be a recovery.
    pub fn recovering(&self) -> bool {
        let from = self.x().get(self.start).copied().unwrap_or(f64::INFINITY);
        self.spikes.iter().any(|p| p.x >= from)
    }

    /// The schedule annealed the learning rate to a sliver of its peak: no gain is projected
    /// past its end.
    pub fn schedule_ended(&self) -> bool {
        self.schedule.as_ref().is_some_and(|s| s.ended)
    }

    /// A learning-rate cut within the last [`PATIENCE`] evaluations.
    pub fn fresh_cut(&self) -> Option<(f64, f64, f64)> {
        self.schedule
            .as_ref()
            .and_then(|s| s.fresh_cut(self.x(), PATIENCE))
    }

    /// Percent change per x unit of the recent trend, relative to its level (of the error rate
    /// for accuracy-like metrics), in the series' own direction.
    pub fn pct_per_step(&self, t: &Trend) -> f64 {
        let sign = if self.orientation.error_rate() {
            1.0
        } else {
            self.orientation.sign()
        };
        100.0 * sign * t.slope / t.level.abs().max(f64::MIN_POSITIVE)
    }
}

/// A series' x and y at the evaluations, and the standard errors of its bin means when binned.
type AtEvaluations<'s> = (Cow<'s, [f64]>, Cow<'s, [f64]>, Option<Vec<f64>>);

/// The series at the cadence of the monitored one: bin means at the monitor's x, with their
/// standard errors, when it has at least [`DENSER`] points per evaluation (per-step training
/// loss against per-epoch validation), else its own points (borrowed, not copied).
///
/// A mean's standard error is the series' per-point noise ([`levels::calm_noise`], pooled over
/// the series) over √count, not its own bin's spread: a bin of 2–4 points has one to three
/// degrees of freedom, its MAD is often near zero, and the rise test then fires on healthy noise.
fn at_evaluations<'s>(s: &'s Series, monitor: &Series) -> AtEvaluations<'s> {
    if std::ptr::eq(s, monitor) || s.len() < DENSER * monitor.len().max(1) {
        return (Cow::Borrowed(&s.x), Cow::Borrowed(&s.y), None);
    }
    let Binned { x, mean, count, .. } = levels::bin_at(&s.x, &s.y, &monitor.x);
    let noise = levels::calm_noise(&s.y).unwrap_or(f64::NAN);
    let se = count.iter().map(|&k| noise / (k as f64).sqrt()).collect();
    (Cow::Owned(x), Cow::Owned(mean), Some(se))
}

/// Judges one run by its monitored series and, for a validation series, its training partner.
pub fn judge(run: &Run, monitor: &Series, train: Option<&Series>, restarts: &[f64]) -> Judgement {
    let s = Signals::gather(run, monitor, train, restarts);
    let verdict = decide(&s);
    let (mut evidence, advice) = explain(&s, verdict);
    let findings = qualifiers::findings(&s, verdict);
    let advice = qualifiers::advise(&s, verdict, &findings, advice);
    let qualifiers = findings.iter().map(|f| f.qualifier).collect();
    evidence.extend(findings.into_iter().map(|f| f.evidence));
    Judgement {
        verdict,
        qualifiers,
        best: s.best,
        evidence,
        advice,
        markers: markers(&s, verdict),
        regions: regions(&s, verdict),
        projection: projection(&s, verdict),
        early_stopping: s.early_stopping.clone(),
        details: Details {
            objective: s.objective.map(|o| o.name.clone()),
            trend: s.trend.map(|t| t.own(s.orientation)),
            outlook: s.outlook.clone(),
            prechelt: s.prechelt.clone(),
            non_finite: s.non_finite.clone(),
            rise: s.rise,
            spikes: s.spikes.clone(),
            gradients: s.gradients.clone(),
            schedule: s.schedule.clone(),
            noise: s.noise.map(|v| v * s.orientation.scale()),
            resolution: s.resolution.map(|v| v * s.orientation.scale()),
        },
    }
}

/// A rise of the training objective is divergence when the monitored series suffers too (a
/// training spike while validation holds its best is listed as a spike) and there are enough
/// points to call it a rise; NaN / inf that lasts to the end is divergence at any length.
pub fn diverging(s: &Signals) -> bool {
    let monitor_worse = s.objective.is_some_and(|o| std::ptr::eq(o, s.monitor))
        || s.prechelt.as_ref().map_or(true, |p| p.gl > GL_THRESHOLD);
    s.non_finite.as_ref().is_some_and(|nf| nf.persists)
        || (s.rise.is_some() && monitor_worse && s.n >= MIN_POINTS)
}

/// Improving: the recent fall is significant and the projected gain matters, either at the
/// pessimistic end of the plausible range or, when the end level is the best level within noise,
/// validation keeps up with training and the fall is neither a recovery from a spike inside the
/// window (that only regains old ground) nor the one-off step after a learning-rate cut too
/// recent to have shown a trend, at the best fit. Never past the end of a schedule.
pub fn improving(s: &Signals) -> bool {
    s.significant_fall()
        && !s.schedule_ended()
        && s.outlook.as_ref().is_some_and(|o| {
            o.gain_low > MIN_GAIN
                || (o.gain > MIN_GAIN
                    && s.at_best()
                    && !s.gap_widens()
                    && !s.recovering()
                    && s.fresh_cut().is_none())
        })
}

/// The one word, checked in a fixed order.
pub fn decide(s: &Signals) -> Verdict {
    if diverging(s) {
        Verdict::Diverging
    } else if s.n < MIN_POINTS || s.best.is_none() {
        Verdict::Insufficient
    } else if s.prechelt.as_ref().is_some_and(Prechelt::overfitting) {
        Verdict::Overfitting
    } else if improving(s) {
        Verdict::Improving
    } else {
        Verdict::Plateau
    }
}

/// The evidence sentences of the verdict itself and its advice.
fn explain(s: &Signals, verdict: Verdict) -> (Vec<String>, String) {
    let (word, name) = (s.word, s.name());
    let best_text = s
        .best
        .map(|b| format!("{name} best {} at {}", fmt_v(b.value), s.at(b.x)));
    let mut evidence = Vec::new();
    let advice = match verdict {
        Verdict::Diverging => {
            let restart = s.best.map_or(String::new(), |b| {
                format!(" and restart from the {}-{} checkpoint", word, fmt_x(b.x))
            });
            let clip = s.gradients.as_ref().map_or(String::new(), |g| {
                format!(" or clip gradients at {}", fmt_v(g.clip))
            });
            if let Some(nf) = s.non_finite.as_ref().filter(|nf| nf.persists) {
                evidence.push(format!(
                    "{} is {} from {} to the end (its first non-finite value)",
                    nf.series,
                    nf.value,
                    s.at(nf.x)
                ));
            }
            if let (Some(r), Some(o)) = (&s.rise, s.objective) {
                let level = match (s.objective_means, o.axis == Axis::Epoch) {
                    (true, true) => format!("last per-{word} mean (and the one before it, too)"),
                    (true, false) => format!("mean over the last {word}"),
                    (false, _) => format!(
                        "level (median of its last {} points)",
                        divergence::LEVEL_WINDOW
                    ),
                };
                evidence.push(format!(
                    "{}'s {level} is {}, {:.1}× its lowest level {} at {}, and has not come back down",
                    o.name,
                    fmt_v(r.last),
                    r.ratio,
                    fmt_v(r.min),
                    s.at(r.min_x)
                ));
            }
            format!("lower the learning rate{clip}{restart}")
        }
        Verdict::Insufficient => {
            evidence.push(format!(
                "{name} has {} point{}, fewer than {MIN_POINTS}",
                s.n,
                if s.n == 1 { "" } else { "s" }
            ));
            "train for more epochs before judging".to_string()
        }
        Verdict::Overfitting => {
            if let Some(p) = &s.prechelt {
                let train_text = match (s.train, p.train_change) {
                    (Some(t), Some(c)) => format!(
                        ", while {} {} {:.0}%",
                        t.name,
                        if c * Orientation::of(t).sign() < 0.0 {
                            "fell"
                        } else {
                            "rose"
                        },
                        100.0 * c.abs()
                    ),
                    _ => String::new(),
                };
                // Validation points are evaluations; on a step axis they are not every step.
                let evals = if s.monitor.axis == Axis::Epoch {
                    format!("{word}s")
                } else {
                    "evaluations".to_string()
                };
                evidence.push(format!(
                    "{}, {:+.0}% by {word} {} ({} {evals} later; median of the last {} {evals} against the best; Prechelt GL {:.1} > {GL_THRESHOLD}, {:.1} noise SDs{}){train_text}",
                    best_text.clone().unwrap_or_default(),
                    p.gl,
                    fmt_x(s.x().last().copied().unwrap_or(0.0)),
                    p.since,
                    divergence::LEVEL_WINDOW,
                    p.gl,
                    p.sigmas,
                    p.pq.map_or(String::new(), |q| format!(", PQ {q:.2}"))
                ));
            }
            if let Some(g) = s.prechelt.as_ref().and_then(|p| p.gap) {
                if g.significant() && g.slope > 0.0 {
                    let gap = if s.orientation == Orientation::Lower {
                        "validation − training"
                    } else {
                        "training − validation"
                    };
                    evidence.push(format!(
                        "the generalisation gap ({gap}) widens by {} per {word} (Mann–Kendall p = {:.3})",
                        fmt_v(g.slope.abs() * s.orientation.scale()),
                        g.p
                    ));
                }
            }
            s.best.map_or("stop training".to_string(), |b| {
                format!("stop and keep the {word}-{} checkpoint", fmt_x(b.x))
            })
        }
        Verdict::Improving | Verdict::Plateau => {
            evidence.push(progress_sentence(s, verdict, best_text));
            progress_advice(s, verdict)
        }
    };
    (evidence, advice)
}

/// Best, recent trend and projected gain in one sentence.
fn progress_sentence(s: &Signals, verdict: Verdict, best_text: Option<String>) -> String {
    let word = s.word;
    let mut parts = best_text.into_iter().collect::<Vec<_>>();
    if let Some(t) = &s.trend {
        parts.push(format!(
            "over {} it moved {:+.2}% per {word}{} (Theil–Sen; Mann–Kendall p = {:.3})",
            window(t, word),
            s.pct_per_step(t),
            if s.orientation.error_rate() {
                " of its error rate"
            } else {
                ""
            },
            t.p
        ));
    }
    if let Some(o) = &s.outlook {
        let why = match verdict {
            Verdict::Plateau if s.schedule_ended() => {
                ", but the learning-rate schedule has ended, so no gain is projected past it"
                    .to_string()
            }
            Verdict::Plateau if o.gain_low <= MIN_GAIN && o.gain > MIN_GAIN => format!(
                ", but the plausible range reaches under the {:.0}% that matters{}",
                100.0 * MIN_GAIN,
                if !s.significant_fall() {
                    " and the recent fall is not significant"
                } else if !s.at_best() {
                    " and the latest level is not the best"
                } else if s.gap_widens() {
                    " and the validation − training gap widens"
                } else if s.recovering() {
                    " and the recent fall follows a loss spike"
                } else {
                    " and the latest gain followed a learning-rate cut"
                }
            ),
            Verdict::Plateau if o.gain_low > MIN_GAIN => format!(
                ", but the recent trend is not significant at {}",
                super::trend::ALPHA
            ),
            Verdict::Plateau => format!(", under the {:.0}% that matters", 100.0 * MIN_GAIN),
            _ => String::new(),
        };
        parts.push(format!(
            "{} {} fit projects +{} {word}s ≈ {} ({}…{}) against the best level so far, to {}{why}",
            if o.family.starts_with('e') { "an" } else { "a" },
            o.family,
            fmt_x(o.horizon.round()),
            pct(-o.gain),
            pct(-o.gain_high),
            pct(-o.gain_low),
            fmt_v(
                s.orientation
                    .from(o.mid.last().copied().unwrap_or(f64::NAN))
            ),
        ));
    }
    parts.join("; ")
}

fn progress_advice(s: &Signals, verdict: Verdict) -> String {
    let word = s.word;
    if verdict == Verdict::Improving {
        let more = s.outlook.as_ref().map_or(String::new(), |o| {
            format!(
                " ~{} more {word}s",
                fmt_x(epochs_to_share(o, s.x()).round())
            )
        });
        format!("keep training{more}")
    } else if let (true, Some(o), Some(b)) = (s.slow(), &s.outlook, s.best) {
        format!(
            "stop and keep the {word}-{} checkpoint: {} more {word}s are projected to gain under {:.0}%",
            fmt_x(b.x),
            fmt_x(o.horizon.round()),
            100.0 * MIN_GAIN
        )
    } else if s.schedule.as_ref().is_some_and(|s| !s.drops.is_empty()) {
        "lower the learning rate again (progress so far came after LR cuts), or stop".to_string()
    } else {
        s.best.map_or("stop".to_string(), |b| {
            format!(
                "stop: more {word}s are unlikely to help; keep the {word}-{} checkpoint",
                fmt_x(b.x)
            )
        })
    }
}

fn marker(
    kind: MarkerKind,
    series: Option<&str>,
    x: f64,
    value: Option<f64>,
    label: String,
) -> Marker {
    Marker {
        kind,
        series: series.map(str::to_string),
        x,
        value,
        label,
    }
}

fn markers(s: &Signals, verdict: Verdict) -> Vec<Marker> {
    let name = s.name();
    let mut out = Vec::new();
    if let Some(b) = s.best {
        out.push(marker(
            MarkerKind::Best,
            Some(name),
            b.x,
            Some(b.value),
            format!("best {}", fmt_v(b.value)),
        ));
        if verdict == Verdict::Overfitting {
            out.push(marker(
                MarkerKind::OverfitOnset,
                Some(name),
                b.x,
                Some(b.value),
                "overfitting starts".to_string(),
            ));
        }
    }
    if let Some(nf) = &s.non_finite {
        out.push(marker(
            MarkerKind::Nan,
            Some(&nf.series),
            nf.x,
            None,
            format!("{}", nf.value),
        ));
    }
    if let Some(o) = s.objective {
        for sp in s.spikes.iter().take(MAX_SPIKE_MARKERS) {
            out.push(marker(
                MarkerKind::Spike,
                Some(&o.name),
                sp.x,
                Some(sp.value),
                format!("spike {}", fmt_v(sp.value)),
            ));
        }
    }
    if let Some(sc) = &s.schedule {
        for (dx, from, to) in &sc.drops {
            out.push(marker(
                MarkerKind::LrDrop,
                Some(&sc.series),
                *dx,
                Some(*to),
                format!("lr {} → {}", fmt_v(*from), fmt_v(*to)),
            ));
        }
    }
    for r in s.restarts {
        out.push(marker(
            MarkerKind::Restart,
            None,
            *r,
            None,
            "restart".to_string(),
        ));
    }
    if let Some(g) = s.gradients.as_ref().filter(|g| g.exploding()) {
        out.push(marker(
            MarkerKind::ClipThreshold,
            Some(&g.series),
            s.x().last().copied().unwrap_or(0.0),
            Some(g.clip),
            format!("clip {}", fmt_v(g.clip)),
        ));
    }
    out
}

/// The shaded stretch matches the sentence: overfitting from the best level's point, a plateau
/// over the window its trend was judged on.
fn regions(s: &Signals, verdict: Verdict) -> Vec<Region> {
    let end = s.x().last().copied();
    match (verdict, &s.prechelt, s.trend) {
        (Verdict::Overfitting, Some(p), _) => vec![Region {
            kind: RegionKind::Overfitting,
            start: s.x()[p.best_index],
            end: end.unwrap_or(s.x()[p.best_index]),
        }],
        (Verdict::Plateau, _, Some(t)) => vec![Region {
            kind: RegionKind::Plateau,
            start: t.start,
            end: t.end,
        }],
        _ => Vec::new(),
    }
}

fn projection(s: &Signals, verdict: Verdict) -> Option<Projection> {
    let o = s.orientation;
    s.outlook
        .as_ref()
        .filter(|_| matches!(verdict, Verdict::Improving | Verdict::Plateau))
        .filter(|_| !s.schedule_ended())
        .map(|out| Projection {
            series: s.monitor.name.clone(),
            x: out.x.clone(),
            mid: out.mid.iter().map(|v| o.from(*v)).collect(),
            // The low end in lower-is-better units is the high end in the series' own units
            // when the orientation flips.
            low: if o == Orientation::Lower {
                out.low.clone()
            } else {
                out.high.iter().map(|v| o.from(*v)).collect()
            },
            high: if o == Orientation::Lower {
                out.high.clone()
            } else {
                out.low.iter().map(|v| o.from(*v)).collect()
            },
        })
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

pub fn list(items: impl Iterator<Item = String>) -> String {
    let all: Vec<String> = items.collect();
    const SHOWN: usize = 5;
    if all.len() > SHOWN {
        format!("{} and {} more", all[..SHOWN].join(", "), all.len() - SHOWN)
    } else {
        all.join(", ")
    }
}

/// A signed percentage with enough digits to be checked.
pub fn pct(f: f64) -> String {
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
    significant(v, 4)
}

/// `v` with `digits` significant digits (a whole part is never cut), in exponent form below 1e-4
/// and from 1e6 up.
pub fn significant(v: f64, digits: usize) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let magnitude = v.abs().log10().floor() as i32;
    let after = digits.saturating_sub(1);
    if !(-4..6).contains(&magnitude) {
        return format!("{v:.after$e}");
    }
    let places = (after as i32 - magnitude).max(0) as usize;
    format!("{v:.places$}")
}

/// The stretch a trend was measured over, as the chart shades it: `epochs 20–39 (20 points)`.
pub(super) fn window(t: &Trend, word: &str) -> String {
    format!(
        "{word}s {}–{} ({} points)",
        fmt_x(t.start),
        fmt_x(t.end),
        t.points
    )
}
