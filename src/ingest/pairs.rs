//! Files dropped together whose names differ only by a train/validation token (`train_loss.csv` +
//! `val_loss.csv`, TensorBoard's `run-train-…` + `run-validation-…`) and whose series share an
//! x-axis are one run: the roles come from the file names. Runs are grouped by their name with the
//! token removed (one hash map, no comparing every pair).

use std::collections::{HashMap, HashSet};

use crate::model::{infer, Kind, Role, Run, Series};

/// The split a name's token stands for.
const TOKENS: [(&str, Role); 7] = [
    ("train", Role::Train),
    ("training", Role::Train),
    ("val", Role::Validation),
    ("valid", Role::Validation),
    ("validation", Role::Validation),
    ("eval", Role::Validation),
    ("test", Role::Test),
];

/// A run name's one split token: its word, its role, and the name without it (lower case, words
/// joined by `_`); `None` when the name has no such token or more than one.
fn token(name: &str) -> Option<(&'static str, Role, String)> {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = words
        .iter()
        .enumerate()
        .filter_map(|(i, w)| TOKENS.iter().find(|(t, _)| t == w).map(|&(t, r)| (i, t, r)));
    let (at, word, role) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let rest: Vec<&str> = words
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != at)
        .map(|(_, w)| *w)
        .collect();
    Some((word, role, rest.join("_")))
}

/// Joins each training run with the validation/test runs named like it; returns the runs (a joined
/// run where its training run was) and one sentence per join.
pub fn pair(runs: Vec<Run>) -> (Vec<Run>, Vec<String>) {
    let mut groups: HashMap<(&'static str, String), Vec<usize>> = HashMap::new();
    let tokens: Vec<Option<(&'static str, Role, String)>> =
        runs.iter().map(|r| token(&r.name)).collect();
    for (i, (run, t)) in runs.iter().zip(&tokens).enumerate() {
        // W&B exports join by the run names inside them; a TensorBoard run may also carry a token.
        if let Some((_, _, key)) = t.as_ref().filter(|_| run.dialect.pairs_by_name()) {
            groups
                .entry((run.dialect.name(), key.clone()))
                .or_default()
                .push(i);
        }
    }
    // For each absorbed run, the training run it joins.
    let mut into: Vec<Option<usize>> = vec![None; runs.len()];
    for members in groups.values() {
        let trains: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| matches!(&tokens[i], Some((_, Role::Train, _))))
            .collect();
        let [train] = trains[..] else { continue };
        let axis = runs[train].series.first().map(|s| s.axis);
        let same_axis = |i: usize| runs[i].series.iter().all(|s| Some(s.axis) == axis);
        if !same_axis(train) {
            continue;
        }
        for &i in members {
            if i != train && same_axis(i) {
                into[i] = Some(train);
            }
        }
    }
    if into.iter().all(Option::is_none) {
        return (runs, Vec::new());
    }
    let mut absorbed: Vec<Vec<Run>> = vec![Vec::new(); runs.len()];
    let mut kept: Vec<(usize, Run)> = Vec::with_capacity(runs.len());
    for (i, run) in runs.into_iter().enumerate() {
        match into[i] {
            Some(t) => absorbed[t].push(run),
            None => kept.push((i, run)),
        }
    }
    let mut notes = Vec::new();
    let out = kept
        .into_iter()
        .map(|(i, run)| {
            let others = std::mem::take(&mut absorbed[i]);
            let Some((_, _, key)) = tokens[i].as_ref().filter(|_| !others.is_empty()) else {
                return run;
            };
            let others = others
                .into_iter()
                .map(|o| {
                    let t = token(&o.name).map_or(("val", Role::Validation), |(w, r, _)| (w, r));
                    (t, o)
                })
                .collect();
            let joined = join(run, key, others);
            notes.push(format!(
                "{}: file names that differ only by a train/validation word, on the same x-axis: read as one run with the roles the names give",
                joined.source
            ));
            joined
        })
        .collect();
    (out, notes)
}

/// The training run with the other runs' series added under names that say their split.
fn join(train: Run, key: &str, others: Vec<((&str, Role), Run)>) -> Run {
    let name = if key.is_empty() {
        train.dialect.name().to_string()
    } else {
        key.to_string()
    };
    let dialect = train.dialect;
    let mut sources = vec![train.source.clone()];
    let mut series = by_file(train, Role::Train, None);
    let mut names: HashSet<String> = series.iter().map(|s| s.name.clone()).collect();
    for ((word, role), run) in others {
        sources.push(run.source.clone());
        for s in by_file(run, role, Some(word)) {
            // A name already there (the shared clock or schedule, a file dropped twice) is kept once.
            if names.insert(s.name.clone()) {
                series.push(s);
            }
        }
    }
    Run::new(&name, &sources.join(", "), dialect, series)
}

/// A run's series named and given roles by its file's split `role`: a lone value column (`value`
/// in `val_loss.csv`) takes the file's name; a loss or metric whose name has no split word of its
/// own gets `word_` in front in a validation or test file (`loss` → `val_loss`) and the file's role.
fn by_file(run: Run, role: Role, word: Option<&str>) -> Vec<Series> {
    let measured = |s: &Series| matches!(s.kind, Kind::Loss | Kind::Metric);
    let others = run.series.iter().filter(|s| s.kind == Kind::Other).count();
    let lone_value = !run.series.iter().any(measured) && others == 1;
    let file = run.name;
    run.series
        .into_iter()
        .map(|s| {
            let name = if lone_value && s.kind == Kind::Other {
                file.clone()
            } else {
                s.name.clone()
            };
            let (own, kind, direction) = infer(&name);
            if !matches!(kind, Kind::Loss | Kind::Metric) {
                return s;
            }
            let says_split = matches!(own, Role::Validation | Role::Test)
                || (own == Role::Train && token(&name).is_some());
            let name = match word {
                Some(w) if !says_split => format!("{w}_{name}"),
                _ => name,
            };
            Series {
                name,
                role: if says_split { own } else { role },
                kind,
                direction,
                ..s
            }
        })
        .collect()
}
