//! Resumed or started afresh: what a run's x going back (or repeating) means, decided from its values.
//!
//! Every place an x stops going forward ([`crate::model::starts_session`], the one rule) begins a
//! new session.
//! Where the session's first values sit decides what it is, each distance judged against the
//! series' own noise:
//! - near the level the history had reached (where the previous session ended, or what it logged
//!   from the x the session resumes at): a **resumed** session, spliced onto the history —
//!   points it supersedes are replaced, and a step counter that started again from its origin
//!   (the first session's first x) is shifted to continue after the previous session;
//! - near the level the run started at, clearly away from where it had got to: a **fresh** start,
//!   which becomes a run of its own (`name #2`, …).
//!
//! One series decides for the whole run (the longest training loss, else the longest loss or
//! metric), so every series of a run is split and shifted alike.

use std::cmp::Reverse;

use super::first_few;
use crate::analysis::is_overall_loss;
use crate::model::{Kind, Role, Run, Series};
use crate::stats::{median, sorted_positions, typical_step, MAD_TO_SD};

/// What became of one place where x went back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boundary {
    /// The session starts a new run.
    pub fresh: bool,
    /// Added to the session's logged x to place it in the history (0 when it resumed at the x it logs).
    pub offset: f64,
}

/// A run with every session resolved: an x repeating on most rows spread into sub-steps, runs
/// split at fresh starts, resumed sessions spliced, and the sentences telling what was done.
pub fn resolve(mut run: Run) -> (Vec<Run>, Vec<String>) {
    let mut notes = Vec::new();
    let sorted: Vec<String> = run
        .series
        .iter_mut()
        .filter_map(|s| sort_shuffled(s).then(|| s.name.clone()))
        .collect();
    if !sorted.is_empty() {
        let word = run.series[0].axis.word();
        notes.push(format!(
            "{}: the {word} goes back on most rows of {} (written newest first?): its points are read in {word} order, not as sessions",
            run.source,
            first_few(sorted.into_iter())
        ));
    }
    let spread: Vec<String> = run
        .series
        .iter_mut()
        .filter_map(|s| spread_repeats(s).then(|| s.name.clone()))
        .collect();
    if !spread.is_empty() {
        let word = run.series[0].axis.word();
        notes.push(format!(
            "{}: the {word} repeats on most rows of {} (a value written on every batch): its repeats are read as even steps through each {word}, not as sessions",
            run.source,
            first_few(spread.into_iter())
        ));
    }
    let Some(decider) = decider(&run) else {
        run.pair();
        return (vec![run], notes);
    };
    let bounds = decide(&run.series[decider]);
    let d = &run.series[decider];
    let sessions = d.segments();
    let mut warning = warning(&run, d, &sessions, &bounds);
    let logged = d.len();
    // The run part each of the deciding series' sessions belongs to.
    let mut part_of = vec![0usize];
    for b in &bounds {
        part_of.push(part_of[part_of.len() - 1] + usize::from(b.fresh));
    }
    let parts = part_of[part_of.len() - 1] + 1;
    let mut series: Vec<Vec<Series>> = vec![Vec::new(); parts];
    let mut kept = 0;
    for (i, s) in run.series.iter().enumerate() {
        let own = s.segments();
        let matched = own.len() == sessions.len();
        let offsets: Vec<f64> = if matched {
            bounds.iter().map(|b| b.offset).collect()
        } else {
            decide(s).iter().map(|b| b.offset).collect()
        };
        let part = |j: usize| part_of[j.min(part_of.len() - 1)];
        for (p, spliced) in splice(s, &own, &offsets, part) {
            if i == decider {
                kept += spliced.len();
            }
            series[p].push(spliced);
        }
    }
    if let Some(w) = warning.as_mut().filter(|_| kept < logged) {
        let n = logged - kept;
        w.push_str(&format!(
            "; {n} logged point{} of {} replaced by the session that resumed before {}",
            if n == 1 { "" } else { "s" },
            d.name,
            if n == 1 { "it" } else { "them" }
        ));
    }
    let runs = series
        .into_iter()
        .enumerate()
        .map(|(k, series)| {
            let name = if parts == 1 {
                run.name.clone()
            } else {
                format!("{} #{}", run.name, k + 1)
            };
            Run::new(&name, &run.source, run.dialect, series)
        })
        .collect();
    notes.extend(warning);
    (runs, notes)
}

/// The series whose values decide: the longest training loss with a session boundary (the overall
/// one before its components, then the first), else the longest loss or metric with one, else the
/// longest series with one; `None` when nothing goes back.
fn decider(run: &Run) -> Option<usize> {
    run.series
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.restarts.is_empty() && matches!(s.kind, Kind::Loss | Kind::Metric))
        .max_by_key(|(i, s)| {
            let train_loss = s.kind == Kind::Loss && s.role == Role::Train;
            (train_loss, s.len(), is_overall_loss(&s.name), Reverse(*i))
        })
        .or_else(|| {
            run.series
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.restarts.is_empty())
                .max_by_key(|(i, s)| (s.len(), Reverse(*i)))
        })
        .map(|(i, _)| i)
}

/// One boundary per restart of `s`: fresh or resumed, and where a resumed session goes.
pub fn decide(s: &Series) -> Vec<Boundary> {
    let sessions = s.segments();
    let sigma = noise(&s.y, &sessions);
    // The spacing for a session too short to have its own: the usual gap inside sessions.
    let mut gaps: Vec<f64> = sessions
        .iter()
        .flat_map(|r| s.x[r.clone()].windows(2).map(|w| w[1] - w[0]))
        .filter(|g| g.is_finite() && *g > 0.0)
        .collect();
    let usual_step = median(&mut gaps).unwrap_or(1.0);
    let first = &sessions[0];
    let mut hx: Vec<f64> = s.x[first.clone()].to_vec();
    let mut hy: Vec<f64> = s.y[first.clone()].to_vec();
    let mut start = head(&hy);
    let mut origin = hx[0];
    let mut offset = 0.0;
    let mut out = Vec::with_capacity(sessions.len().saturating_sub(1));
    for range in &sessions[1..] {
        let (xs, ys) = (&s.x[range.clone()], &s.y[range.clone()]);
        let h = head(ys);
        let spread =
            |m_ref: usize| 2.0 * 1.2533 * sigma * (1.0 / h.1 as f64 + 1.0 / m_ref as f64).sqrt();
        let end = tail(&hy);
        let step = typical_step(xs).unwrap_or(usual_step);
        let reset = (
            hx[hx.len() - 1] + step - xs[0],
            (h.0 - end.0).abs(),
            spread(end.1),
        );
        // Resuming at the x it logs (in the previous session's counter): compared with what the
        // history logged from that x on, the points it would replace.
        // A counter back at its origin started again (or afresh): never a rewind.
        let at = xs[0] + offset;
        let cut = hx.partition_point(|v| *v < at);
        let rewind = (cut > 0 && xs[0] > origin).then(|| {
            let r = head(&hy[cut..]);
            (offset, (h.0 - r.0).abs(), spread(r.1))
        });
        let resume = match rewind {
            Some(r) if r.1 <= reset.1 + r.2.max(reset.2) => r,
            _ => reset,
        };
        let fresh = (h.0 - start.0).abs() + resume.2.max(spread(start.1)) < resume.1;
        out.push(Boundary {
            fresh,
            offset: resume.0,
        });
        if fresh {
            hx = xs.to_vec();
            hy = ys.to_vec();
            start = h;
            origin = xs[0];
            offset = 0.0;
        } else {
            offset = resume.0;
            let cut = hx.partition_point(|v| *v < xs[0] + offset);
            hx.truncate(cut);
            hy.truncate(cut);
            hx.extend(xs.iter().map(|v| v + offset));
            hy.extend_from_slice(ys);
        }
    }
    out
}

/// Splices the sessions of `s` with the given offsets; a session in another run part than the one
/// before it starts that part's history afresh. Returns each part's series.
fn splice(
    s: &Series,
    sessions: &[std::ops::Range<usize>],
    offsets: &[f64],
    part: impl Fn(usize) -> usize,
) -> Vec<(usize, Series)> {
    let mut out: Vec<(usize, Series)> = Vec::new();
    let empty = |x: Vec<f64>, y: Vec<f64>| Series {
        name: s.name.clone(),
        axis: s.axis,
        role: s.role,
        kind: s.kind,
        direction: s.direction,
        x,
        y,
        restarts: Vec::new(),
        partner: None,
    };
    for (j, range) in sessions.iter().enumerate() {
        let (xs, ys) = (&s.x[range.clone()], &s.y[range.clone()]);
        let p = part(j);
        match out.last_mut() {
            Some((q, h)) if *q == p => {
                let offset = offsets.get(j - 1).copied().unwrap_or(0.0);
                let at = xs[0] + offset;
                let cut = h.x.partition_point(|v| *v < at);
                h.x.truncate(cut);
                h.y.truncate(cut);
                while h.restarts.last().is_some_and(|&r| r >= cut) {
                    h.restarts.pop();
                }
                if cut > 0 {
                    h.restarts.push(cut);
                }
                h.x.extend(xs.iter().map(|v| v + offset));
                h.y.extend_from_slice(ys);
            }
            _ => out.push((p, empty(xs.to_vec(), ys.to_vec()))),
        }
    }
    out
}

/// Spreads an x that counts coarser units than its rows (it repeats on at least half of them, as an
/// epoch written on every batch row does) evenly over each stretch it repeats, up to the next
/// value (or by the last step before it), so the repeats are sub-steps and not sessions; x going
/// back still starts one. Returns whether it did; restarts are found again.
fn spread_repeats(s: &mut Series) -> bool {
    let n = s.x.len();
    let repeats = s.x.windows(2).filter(|w| w[1] == w[0]).count();
    if n < 2 || 2 * repeats < n {
        return false;
    }
    let mut step = 1.0;
    let mut i = 0;
    while i < n {
        let from = s.x[i];
        // At least the point itself: a NaN equals nothing, not even itself, and must still be
        // passed over (it once made this loop stand still).
        let j = i + s.x[i..].iter().take_while(|v| **v == from).count().max(1);
        let next =
            s.x.get(j)
                .map(|v| v - from)
                .filter(|g| g.is_finite() && *g > 0.0);
        if let Some(g) = next {
            step = g;
        }
        let k = (j - i) as f64;
        for (t, v) in s.x[i..j].iter_mut().enumerate() {
            *v = from + step * t as f64 / k;
        }
        i = j;
    }
    s.restarts = crate::model::restarts(&s.x);
    true
}

/// Puts a series whose x goes back on most of its rows (a log written newest first: no training
/// clock runs like that, while runs appended to one log go back once per run) in x order, stable
/// for equal x; sessions are then found again. Returns whether it did.
fn sort_shuffled(s: &mut Series) -> bool {
    let n = s.x.len();
    let back = s.x.windows(2).filter(|w| w[1] < w[0]).count();
    if n < 3 || 2 * back <= n {
        return false;
    }
    let order = sorted_positions(s.x.iter().copied().zip(0..).collect());
    s.x = order.iter().map(|&i| s.x[i]).collect();
    s.y = order.iter().map(|&i| s.y[i]).collect();
    s.restarts = crate::model::restarts(&s.x);
    true
}

/// The sentence telling how a run's sessions were read.
fn warning(
    run: &Run,
    d: &Series,
    sessions: &[std::ops::Range<usize>],
    bounds: &[Boundary],
) -> Option<String> {
    let n = bounds.len();
    if n == 0 {
        return None;
    }
    let word = d.axis.word();
    let jumps = d
        .restarts
        .iter()
        .map(|&i| format!("{} → {}", d.x[i - 1], d.x[i]));
    let fresh = bounds.iter().filter(|b| b.fresh).count();
    let resumed = n - fresh;
    let times = |k: usize, what: &str| format!("{k} {what}{}", if k == 1 { "" } else { "s" });
    let how = if fresh == 0 {
        format!(
            "its {} values continue where the run had got to, so it is read as one training resumed {} and judged as one spliced history",
            d.name,
            times(resumed, "time")
        )
    } else {
        let fresh_starts: Vec<usize> = sessions[1..]
            .iter()
            .zip(bounds)
            .filter(|(_, b)| b.fresh)
            .map(|(r, _)| r.start + 1)
            .collect();
        let starts = fresh_starts.iter().map(|i| format!("data point {i}"));
        format!(
            "{} starts again near the first {} value ({}), so it is read as {} appended to one file{}",
            d.name,
            d.name,
            first_few(starts),
            times(fresh + 1, "run"),
            if resumed > 0 {
                format!("; {} spliced onto the run before", times(resumed, "resumed session"))
            } else {
                String::new()
            }
        )
    };
    Some(format!(
        "{}: the {word} goes back {} ({}): {how}",
        run.source,
        times(n, "time"),
        first_few(jumps)
    ))
}

/// The robust per-point noise of `y`: the MAD of its first differences inside sessions, as a
/// standard deviation of one value (first differences of white noise have √2 its spread), and
/// never below the resolution the values were printed with.
fn noise(y: &[f64], sessions: &[std::ops::Range<usize>]) -> f64 {
    noise_mad(y, sessions).max(resolution(y))
}

/// The smallest gap between two distinct values of `y` (0 when there are fewer than two).
fn resolution(y: &[f64]) -> f64 {
    let mut v: Vec<f64> = y.iter().copied().filter(|v| v.is_finite()).collect();
    v.sort_unstable_by(f64::total_cmp);
    let gap = v
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|g| *g > 0.0)
        .fold(f64::INFINITY, f64::min);
    if gap.is_finite() {
        gap
    } else {
        0.0
    }
}

/// [`noise`] before its floor.
fn noise_mad(y: &[f64], sessions: &[std::ops::Range<usize>]) -> f64 {
    let mut d: Vec<f64> = sessions
        .iter()
        .flat_map(|r| y[r.clone()].windows(2).map(|w| w[1] - w[0]))
        .filter(|v| v.is_finite())
        .collect();
    let Some(med) = median(&mut d) else {
        return 0.0;
    };
    let mut dev: Vec<f64> = d.iter().map(|v| (v - med).abs()).collect();
    median(&mut dev).map_or(0.0, |m| MAD_TO_SD * m / std::f64::consts::SQRT_2)
}

/// How many points make a session's head or tail level: a tenth of it, 1 to 5.
fn window(len: usize) -> usize {
    (len / 10).clamp(1, 5)
}

/// The level a session starts at: the median of the finite values among its first few, and how
/// many there were.
fn head(y: &[f64]) -> (f64, usize) {
    level(&y[..window(y.len()).min(y.len())])
}

/// The level a history has reached: the median of the finite values among its last few.
fn tail(y: &[f64]) -> (f64, usize) {
    level(&y[y.len() - window(y.len()).min(y.len())..])
}

/// The median of the finite values of `y` (NaN when there is none) and how many there were (at least 1).
fn level(y: &[f64]) -> (f64, usize) {
    let mut v: Vec<f64> = y.iter().copied().filter(|v| v.is_finite()).collect();
    let n = v.len().max(1);
    (median(&mut v).unwrap_or(f64::NAN), n)
}
