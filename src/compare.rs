//! Several runs at once: fold/seed groups judged together, and which run to keep.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::analysis::{analyze_run, fmt_v, Options, Point, RunReport, Verdict};
use crate::model::{restarts, Axis, Direction, Dropped, Run, Series};
use crate::stats::{median, sorted_positions, MAD_TO_SD};

/// What the runs of one drop say together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub groups: Vec<GroupReport>,
    /// Runs with a best point, best first (by the monitored metric, in its direction).
    pub ranking: Vec<Rank>,
    /// Sentences about the ranking: ties within noise, runs that cannot be compared.
    pub notes: Vec<String>,
}

/// Runs that differ only by a fold or seed suffix, judged as one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    pub name: String,
    /// Indices into the report's runs.
    pub members: Vec<usize>,
    pub monitor: String,
    pub verdict: Verdict,
    pub qualifiers: Vec<crate::analysis::Qualifier>,
    pub evidence: Vec<String>,
    pub advice: String,
    /// The fold-mean curve and its band, on the x values every member logged.
    pub band: Band,
}

impl GroupReport {
    /// The evidence about the group as a whole: [`GroupReport::evidence`] without the one
    /// `name: verdict` line per member it ends with (the page lists the members as rows instead).
    pub fn findings(&self) -> &[String] {
        let own = self.evidence.len().saturating_sub(self.members.len());
        &self.evidence[..own]
    }
}

/// Mean, standard deviation, minimum and maximum across members at each x.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub x: Vec<f64>,
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
    pub min: Vec<f64>,
    pub max: Vec<f64>,
}

/// One run's place in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rank {
    pub run: usize,
    pub name: String,
    pub monitor: String,
    pub best: Point,
}

/// Words that mark a run as one member of a repeated experiment (`fold3`, `seed-1`, `cv_2`).
const MEMBER_WORDS: [&str; 6] = ["fold", "seed", "cv", "split", "rep", "trial"];

/// Splits `model_fold3` into (`model`, `fold`); `None` when the name has no member suffix.
pub fn member_suffix(name: &str) -> Option<(String, String)> {
    let digits = name.trim_end_matches(|c: char| c.is_ascii_digit());
    if digits.len() == name.len() {
        return None;
    }
    let rest = digits.trim_end_matches(['-', '_', ' ', '.', '=']);
    let lower = rest.to_ascii_lowercase();
    let word = MEMBER_WORDS.iter().find(|w| lower.ends_with(*w))?;
    let base = rest[..rest.len() - word.len()].trim_end_matches(['-', '_', ' ', '.', '/']);
    Some((base.to_string(), word.to_string()))
}

/// Groups, ranking and comparability notes for the runs of a drop.
pub fn compare(drop: &Dropped, reports: &[RunReport], options: &Options) -> Comparison {
    let mut comparison = Comparison::default();
    rank(drop, reports, &mut comparison);
    groups(drop, reports, options, &mut comparison);
    comparison
}

fn groups(drop: &Dropped, reports: &[RunReport], options: &Options, out: &mut Comparison) {
    // A run is in one hand-made group at most (the first listed that keeps two runs), as
    // `regroup` makes them: a list from a link that repeats runs costs no more than the runs.
    let mut picked: HashSet<usize> = HashSet::new();
    let mut by_hand: Vec<Vec<usize>> = Vec::new();
    for g in &options.groups {
        let mut members: Vec<usize> = g
            .iter()
            .copied()
            .filter(|&i| i < drop.runs.len() && !picked.contains(&i))
            .collect();
        members.sort_unstable();
        members.dedup();
        if members.len() >= 2 {
            picked.extend(&members);
            by_hand.push(members);
        }
    }
    let mut keys: Vec<(String, String, Vec<usize>)> = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (i, run) in drop.runs.iter().enumerate() {
        if picked.contains(&i) {
            continue;
        }
        if let Some(key) = member_suffix(&run.name) {
            match seen.get(&key) {
                Some(&k) => keys[k].2.push(i),
                None => {
                    seen.insert(key.clone(), keys.len());
                    keys.push((key.0, key.1, vec![i]));
                }
            }
        }
    }
    let named = keys
        .into_iter()
        .filter(|(_, _, members)| members.len() >= 2)
        .map(|(base, word, members)| {
            let name = if base.is_empty() {
                format!("{word}s")
            } else {
                format!("{base} ({word}s)")
            };
            (name, word, members)
        });
    let manual = by_hand.into_iter().enumerate().map(|(k, members)| {
        let names: Vec<&str> = members
            .iter()
            .map(|&m| drop.runs[m].name.as_str())
            .collect();
        (hand_name(&names, k), "run".to_string(), members)
    });
    for (name, word, members) in named.chain(manual) {
        let listed: Vec<&str> = members.iter().map(|&m| reports[m].name.as_str()).collect();
        match pooled(drop, reports, options, name.clone(), &word, members) {
            Some(group) => out.groups.push(group),
            None => out.notes.push(format!(
                "{name} ({}) is not judged as a group: its runs do not monitor the same series on shared x values",
                listed.join(", ")
            )),
        }
    }
}

/// The hand-made groups after the runs `picked` are grouped by hand: each picked run leaves the
/// group it was in, a group left with fewer than two runs ends, and the picked runs (each once, in
/// the order given) are the last group. `None` when fewer than two runs are picked: no group.
pub fn regroup(groups: &[Vec<usize>], picked: &[usize]) -> Option<Vec<Vec<usize>>> {
    let mut seen = HashSet::new();
    let picked: Vec<usize> = picked.iter().copied().filter(|&i| seen.insert(i)).collect();
    if picked.len() < 2 {
        return None;
    }
    let mut out: Vec<Vec<usize>> = groups
        .iter()
        .map(|g| g.iter().copied().filter(|i| !seen.contains(i)).collect())
        .filter(|g: &Vec<usize>| g.len() > 1)
        .collect();
    out.push(picked);
    Some(out)
}

/// A hand-made group's name: what its members' names share (`lr-0.1`, `lr-0.3` → `lr-0.`), else `group k`.
fn hand_name(names: &[&str], k: usize) -> String {
    let first = names.first().copied().unwrap_or_default();
    let shared = names.iter().fold(first.len(), |n, other| {
        first
            .char_indices()
            .zip(other.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| (i + a.len_utf8()).min(n))
    });
    let base = first[..shared].trim_end_matches(['-', '_', ' ', '.', '/', '=']);
    if base.is_empty() {
        format!("group {}", k + 1)
    } else {
        format!("{base} (group)")
    }
}

/// The group's verdict: the engine's verdict on the fold-mean curves, plus how the folds agree.
fn pooled(
    drop: &Dropped,
    reports: &[RunReport],
    options: &Options,
    name: String,
    word: &str,
    members: Vec<usize>,
) -> Option<GroupReport> {
    let monitor = reports[members[0]].monitor.clone()?;
    if members
        .iter()
        .any(|&m| reports[m].monitor.as_deref() != Some(monitor.as_str()))
    {
        return None;
    }
    let runs: Vec<&Run> = members.iter().map(|&m| &drop.runs[m]).collect();
    let (mean_run, band) = mean_run(&name, &runs, &monitor);
    let band = band?;
    let pooled_options = Options {
        monitor: Some(monitor.clone()),
        ..options.clone()
    };
    let judged = analyze_run(&mean_run, &pooled_options);
    let axis = runs[0].series(&monitor)?.axis;
    let evidence = group_evidence(&judged, (&monitor, axis), &band, (word, &members), reports);
    Some(GroupReport {
        name,
        members,
        monitor,
        verdict: judged.verdict,
        qualifiers: judged.qualifiers,
        evidence,
        advice: judged.advice,
        band,
    })
}

/// A run whose series are the members' means, for each series every member logged, on the x
/// values all of them logged; and the band of series `monitor` (each band is made once).
fn mean_run(name: &str, runs: &[&Run], monitor: &str) -> (Run, Option<Band>) {
    // Each member's series by name (the first of a repeated name, as `Run::series` finds it).
    let named: Vec<HashMap<&str, &Series>> = runs
        .iter()
        .map(|r| {
            let mut by_name = HashMap::new();
            for s in &r.series {
                by_name.entry(s.name.as_str()).or_insert(s);
            }
            by_name
        })
        .collect();
    let mut listed = HashSet::new();
    let shared: Vec<&str> = runs[0]
        .series
        .iter()
        .map(|s| s.name.as_str())
        .filter(|&n| listed.insert(n) && named.iter().all(|r| r.contains_key(n)))
        .collect();
    let mut monitored = None;
    let series = shared
        .iter()
        .filter_map(|&n| {
            let members: Vec<&Series> = named.iter().filter_map(|r| r.get(n).copied()).collect();
            let band = band(&members)?;
            let first = members[0];
            let (x, y) = if n == monitor {
                let xy = (band.x.clone(), band.mean.clone());
                monitored = Some(band);
                xy
            } else {
                (band.x, band.mean)
            };
            // Restarts where the mean's own x go back, as for any series: the first member's
            // restarts index its own points, not the mean's.
            Some(Series {
                name: first.name.clone(),
                axis: first.axis,
                role: first.role,
                kind: first.kind,
                direction: first.direction,
                restarts: restarts(&x),
                x,
                y,
                partner: first.partner.clone(),
            })
        })
        .collect();
    let run = Run {
        name: name.to_string(),
        source: runs
            .iter()
            .map(|r| r.source.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        dialect: runs[0].dialect,
        info: Vec::new(),
        series,
    };
    (run, monitored)
}

/// The group's evidence: how many members agree with the verdict on the mean, the engine's own
/// evidence, the spread at the mean's best point, and each member's verdict.
fn group_evidence(
    judged: &RunReport,
    (monitor, axis): (&str, Axis),
    band: &Band,
    (word, members): (&str, &[usize]),
    reports: &[RunReport],
) -> Vec<String> {
    let n = members.len();
    let agreeing = members
        .iter()
        .filter(|&&m| reports[m].verdict == judged.verdict)
        .count();
    let mut evidence = vec![format!(
        "the mean {monitor} of {n} {word}s is judged {}; {agreeing} of {n} {word}s agree",
        judged.verdict
    )];
    evidence.extend(judged.evidence.iter().cloned());
    if let Some(best) = judged.best {
        if let Some(i) = band.x.iter().position(|&x| x == best.x) {
            evidence.push(format!(
                "at the mean's best {} {} the {word}s spread {} ± {} (min {}, max {})",
                axis.word(),
                best.x,
                fmt_v(band.mean[i]),
                fmt_v(band.std[i]),
                fmt_v(band.min[i]),
                fmt_v(band.max[i]),
            ));
        }
    }
    // One line per member, last (see `GroupReport::findings`).
    for &m in members {
        let r = &reports[m];
        evidence.push(format!("{}: {}", r.name, r.verdict));
    }
    evidence
}

/// Statistics across members on the x values all of them logged, each member's value at an x being
/// the last it logged there (the latest wins after a restart), in the order the first member logged
/// them. The shared x are narrowed member by member: each member is put in x order once (a stable
/// sort, linear on the ascending x of a log) and walked beside the points still shared, which carry
/// running sums, minima and maxima; a second walk adds the squared deviations from the mean. So a
/// band keeps O(first member) values plus one member's order at a time, and costs
/// O(points log points) however many members there are and however few points each has.
pub fn band(members: &[&Series]) -> Option<Band> {
    let (first, rest) = members.split_first()?;
    // The first member's points still shared, in x order, each with the running statistics of
    // the members walked so far (a sum adds left to right, as `Iterator::sum` does).
    let mut at = latest_in_x_order(first);
    let mut sum: Vec<f64> = at.iter().map(|&i| first.y[i]).collect();
    let mut min: Vec<f64> = sum.iter().map(|&y| f64::INFINITY.min(y)).collect();
    let mut max: Vec<f64> = sum.iter().map(|&y| f64::NEG_INFINITY.max(y)).collect();
    for member in rest {
        if at.is_empty() {
            break;
        }
        let found = shared_values(&first.x, &at, member);
        for (kept, &(p, y)) in found.iter().enumerate() {
            at[kept] = at[p];
            sum[kept] = sum[p] + y;
            min[kept] = min[p].min(y);
            max[kept] = max[p].max(y);
        }
        for column in [&mut sum, &mut min, &mut max] {
            column.truncate(found.len());
        }
        at.truncate(found.len());
    }
    if at.is_empty() {
        return None;
    }
    let n = members.len() as f64;
    let mut mean = sum;
    for m in &mut mean {
        *m /= n;
    }
    let mut squares: Vec<f64> = at
        .iter()
        .zip(&mean)
        .map(|(&i, m)| (first.y[i] - m).powi(2))
        .collect();
    for member in rest {
        for (p, y) in shared_values(&first.x, &at, member) {
            squares[p] += (y - mean[p]).powi(2);
        }
    }
    // Back to the order the first member logged its points (already so when its x ascend).
    let logged: Vec<usize> = if at.windows(2).any(|w| w[0] > w[1]) {
        // Indices are far below 2^53: exact as floats.
        sorted_positions(at.iter().map(|&i| i as f64).zip(0..).collect())
    } else {
        (0..at.len()).collect()
    };
    let pick = |column: &[f64]| logged.iter().map(|&p| column[p]).collect();
    Some(Band {
        x: logged.iter().map(|&p| first.x[at[p]]).collect(),
        mean: pick(&mean),
        std: logged
            .iter()
            .map(|&p| (squares[p] / (n - 1.0).max(1.0)).sqrt())
            .collect(),
        min: pick(&min),
        max: pick(&max),
    })
}

/// Walks `member` in x order beside the shared points (`at`: indices into `xs`, ascending x):
/// (position in `at`, the member's value) for each shared x the member logged, in x order.
fn shared_values(xs: &[f64], at: &[usize], member: &Series) -> Vec<(usize, f64)> {
    let order = latest_in_x_order(member);
    let mut found = Vec::with_capacity(at.len().min(order.len()));
    let mut j = 0;
    for (p, &i) in at.iter().enumerate() {
        let x = xs[i];
        while j < order.len() && member.x[order[j]] < x {
            j += 1;
        }
        if let Some(&k) = order.get(j).filter(|&&k| member.x[k] == x) {
            found.push((p, member.y[k]));
        }
    }
    found
}

/// The indices of `s`'s points with an x, in x order, one per x: the last logged there (0 and -0
/// are one x). The x of a log mostly ascend already: then nothing is sorted.
fn latest_in_x_order(s: &Series) -> Vec<usize> {
    let mut order = if s.x.windows(2).all(|w| w[0] <= w[1]) && s.x.iter().all(|x| !x.is_nan()) {
        (0..s.x.len()).collect()
    } else {
        sorted_positions(
            (0..s.x.len())
                .filter(|&i| !s.x[i].is_nan())
                .map(|i| (zeroed(s.x[i]), i))
                .collect(),
        )
    };
    // Of equal x, only the last logged is kept (`dedup_by` keeps the earlier slot: move it there).
    order.dedup_by(|later, kept| {
        let equal = s.x[*later] == s.x[*kept];
        if equal {
            *kept = *later;
        }
        equal
    });
    order
}

/// -0 as 0, so that both sort as one x.
fn zeroed(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

/// The runs ranked by their best point, with a sentence naming the one to keep (or saying the best
/// two are within noise, or why the runs cannot be compared).
fn rank(drop: &Dropped, reports: &[RunReport], out: &mut Comparison) {
    if reports.len() < 2 {
        return;
    }
    let direction = match shared_direction(reports) {
        Ok(Some(direction)) => direction,
        Ok(None) => return,
        Err(note) => {
            out.notes.push(note);
            return;
        }
    };
    let sign = if direction == Direction::Higher {
        -1.0
    } else {
        1.0
    };
    let ranked: Vec<(Rank, f64)> = reports
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let best = r.best?;
            let noise = r
                .monitor
                .as_deref()
                .and_then(|m| drop.runs[i].series(m))
                .map_or(0.0, noise);
            Some((
                Rank {
                    run: i,
                    name: r.name.clone(),
                    monitor: r.monitor.clone()?,
                    best,
                },
                noise,
            ))
        })
        .collect();
    let order = sorted_positions(
        ranked
            .iter()
            .enumerate()
            .map(|(i, (r, _))| (sign * r.best.value, i))
            .collect(),
    );
    if let [first, second, ..] = order[..] {
        out.notes
            .push(keep_note(drop, &ranked[first], &ranked[second]));
    }
    let mut ranked: Vec<Option<Rank>> = ranked.into_iter().map(|(r, _)| Some(r)).collect();
    out.ranking = order.iter().filter_map(|&i| ranked[i].take()).collect();
}

/// The direction of the one series every run monitors (`None` when none monitors anything), or
/// the sentence saying the runs watch different series.
fn shared_direction(reports: &[RunReport]) -> Result<Option<Direction>, String> {
    let mut monitors: Vec<(&str, Direction)> = Vec::new();
    for r in reports {
        if let Some(m) = r.monitor.as_deref() {
            if !monitors.iter().any(|(n, d)| *n == m && *d == r.direction) {
                monitors.push((m, r.direction));
            }
            // Two are enough to know the runs are not comparable.
            if monitors.len() > 1 {
                break;
            }
        }
    }
    if monitors.len() > 1 {
        let list: Vec<String> = reports
            .iter()
            .filter_map(|r| {
                r.monitor
                    .as_deref()
                    .map(|m| format!("{} monitors {m}", r.name))
            })
            .collect();
        return Err(format!(
            "runs are not comparable: {}; pick one series to monitor for all",
            list.join(", ")
        ));
    }
    Ok(monitors.first().map(|&(_, d)| d))
}

/// The ranking sentence about the best two runs (each with its point-to-point noise).
fn keep_note(drop: &Dropped, (first, n1): &(Rank, f64), (second, n2): &(Rank, f64)) -> String {
    let gap = (first.best.value - second.best.value).abs();
    let rel = gap / first.best.value.abs().max(f64::MIN_POSITIVE);
    if gap <= n1.max(*n2) {
        format!(
            "{} and {} are within {:.1}% of each other at their best points, inside the point-to-point noise ({}): either will do",
            first.name,
            second.name,
            rel * 100.0,
            fmt_v(n1.max(*n2)),
        )
    } else {
        // "p% better" is measured against the run it beats (0.43 against 0.93 is 53% lower).
        let better = gap / second.best.value.abs().max(f64::MIN_POSITIVE);
        format!(
            "keep {}: {} {} at {} {}, {:.1}% better than {}",
            first.name,
            first.monitor,
            fmt_v(first.best.value),
            drop.runs[first.run]
                .series(&first.monitor)
                .map_or("x", |s| s.axis.word()),
            first.best.x,
            better * 100.0,
            second.name
        )
    }
}

/// Point-to-point noise: the robust spread of successive differences, scaled to one point.
fn noise(s: &Series) -> f64 {
    let mut d: Vec<f64> =
        s.y.windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .filter(|v| v.is_finite())
            .collect();
    median(&mut d).map_or(0.0, |m| m * MAD_TO_SD / std::f64::consts::SQRT_2)
}
