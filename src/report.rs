//! One drop judged: every run analysed on its own ([`analysis`](crate::analysis)), then the runs
//! together ([`compare`](crate::compare): fold/seed groups, which run to keep).

use serde::{Deserialize, Serialize};

use crate::analysis::{analyze_run, Options, RunReport};
use crate::compare::{compare, GroupReport, Rank};
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

/// Analyses every run of a drop, then the runs together (groups and ranking).
pub fn analyze(drop: &Dropped, options: &Options) -> Report {
    let runs: Vec<RunReport> = drop.runs.iter().map(|r| analyze_run(r, options)).collect();
    let comparison = compare(drop, &runs, options);
    Report {
        runs,
        warnings: drop.warnings.clone(),
        groups: comparison.groups,
        ranking: comparison.ranking,
        notes: comparison.notes,
    }
}
