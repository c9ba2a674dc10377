//! One drop judged: every run analysed on its own ([`analysis`](crate::analysis)), then the runs
//! together ([`compare`](crate::compare): fold/seed groups, which run to keep).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::analysis::{analyze_run, Options, RunReport};
use crate::compare::{compare, GroupReport, Rank};
use crate::error::escaped;
use crate::model::Dropped;

/// Everything the page, the CLI and the tests are told about one drop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub runs: Vec<RunReport>,
    pub warnings: Vec<String>,
    /// Fold/seed groups (and groups made by hand) judged together.
    pub groups: Vec<GroupReport>,
    /// Runs with a best point, best first: which run to keep.
    pub ranking: Vec<Rank>,
    /// Sentences about the ranking: the run to keep, ties within noise, runs that cannot be compared.
    pub notes: Vec<String>,
}

/// Analyses every run of a drop, then the runs together (groups and ranking). Every sentence
/// (evidence, advice, early-stopping rules, warnings, notes) has the hidden characters of the names it quotes escaped
/// (see [`escaped`]): a series named with a bidi override cannot reorder a verdict's sentence on
/// the page, in the CLI or in the JSON.
pub fn analyze(drop: &Dropped, options: &Options) -> Report {
    let mut runs: Vec<RunReport> = drop.runs.iter().map(|r| analyze_run(r, options)).collect();
    let mut comparison = compare(drop, &runs, options);
    for r in &mut runs {
        escape_all(&mut r.evidence);
        escape_one(&mut r.advice);
        for e in &mut r.early_stopping {
            escape_one(&mut e.rule);
        }
    }
    for g in &mut comparison.groups {
        escape_all(&mut g.evidence);
        escape_one(&mut g.advice);
    }
    let mut warnings = drop.warnings.clone();
    escape_all(&mut warnings);
    escape_all(&mut comparison.notes);
    Report {
        runs,
        warnings,
        groups: comparison.groups,
        ranking: comparison.ranking,
        notes: comparison.notes,
    }
}

fn escape_one(sentence: &mut String) {
    if let Cow::Owned(shown) = escaped(sentence) {
        *sentence = shown;
    }
}

fn escape_all(sentences: &mut [String]) {
    sentences.iter_mut().for_each(escape_one);
}
