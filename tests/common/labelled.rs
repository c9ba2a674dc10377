//! The 60 labelled Keras logs (tests/fixtures/keras-labeled), the engine's verdict on each, and
//! the baseline rules it must beat: "patience 5 + 1% min-delta + NaN + overfitting rule".
//! Shared by the accuracy test and `make bench-verdict`.

use std::path::{Path, PathBuf};

use plateau::{analysis::overfitting, Input, Options};

pub struct Case {
    pub id: String,
    pub label: String,
    pub confidence: String,
    pub truncated_at: usize,
    /// The epoch at which Keras EarlyStopping(patience=10) stopped on the long run, if it did.
    pub es10_stop_epoch: Option<usize>,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

pub const LABELS: [&str; 4] = ["improving", "plateau", "overfitting", "diverging"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keras-labeled")
}

pub fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("labels.csv")).expect("labels.csv is readable");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let path = root().join("logs").join(format!("{}.csv", f[0]));
            Case {
                id: f[0].to_string(),
                truncated_at: f[1].parse().expect("truncated_at is a number"),
                label: f[2].to_string(),
                confidence: f[3].to_string(),
                es10_stop_epoch: f[5].trim().parse().ok(),
                bytes: std::fs::read(&path).expect("log is readable"),
                path,
            }
        })
        .collect()
}

pub fn run_of(case: &Case) -> plateau::Run {
    let name = case.path.display().to_string();
    let drop = plateau::ingest::read(&[Input {
        name: &name,
        bytes: &case.bytes,
    }])
    .expect("labelled logs ingest");
    drop.runs.into_iter().next().expect("one run")
}

pub fn engine(case: &Case) -> String {
    let drop = plateau::Drop {
        runs: vec![run_of(case)],
        warnings: Vec::new(),
    };
    let report = plateau::analyze(&drop, &Options::default());
    report.runs[0].verdict.as_str().to_string()
}

/// Patience 5 with a 1% min-delta on val_loss, NaN / a 1.5× rise of the training loss as
/// divergence, and "val_loss 5% above its best while the training loss falls" as overfitting.
pub fn baseline(case: &Case) -> String {
    let run = run_of(case);
    let (Some(val), Some(train)) = (run.series("val_loss"), run.series("loss")) else {
        return "insufficient".to_string();
    };
    let (v, t) = (&val.y, &train.y);
    if v.iter().chain(t).any(|x| !x.is_finite()) {
        return "diverging".to_string();
    }
    let tmin = t.iter().copied().fold(f64::INFINITY, f64::min);
    if t[t.len() - 1] > 1.5 * tmin {
        return "diverging".to_string();
    }
    let vbest = v.iter().copied().fold(f64::INFINITY, f64::min);
    if v[v.len() - 1] > 1.05 * vbest && overfitting::falling(t) == Some(true) {
        return "overfitting".to_string();
    }
    const PATIENCE: usize = 5;
    let split = v.len().saturating_sub(PATIENCE).max(1);
    let before = v[..split].iter().copied().fold(f64::INFINITY, f64::min);
    let recent = v[split..].iter().copied().fold(f64::INFINITY, f64::min);
    if (before - recent) / before.abs() > 0.01 {
        "improving".to_string()
    } else {
        "plateau".to_string()
    }
}

/// Accuracy overall and recall per label of a verdict function.
pub struct Score {
    pub correct: usize,
    pub total: usize,
    /// confusion[label][predicted], in the order of [`LABELS`] then "insufficient".
    pub confusion: [[usize; 5]; 4],
}

impl Score {
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.total as f64
    }

    pub fn recall(&self, label: usize) -> f64 {
        let row = &self.confusion[label];
        row[label] as f64 / row.iter().sum::<usize>().max(1) as f64
    }
}

pub fn score(cases: &[Case], verdicts: &[String]) -> Score {
    let mut confusion = [[0; 5]; 4];
    let mut correct = 0;
    for (case, v) in cases.iter().zip(verdicts) {
        let l = LABELS
            .iter()
            .position(|x| *x == case.label)
            .expect("known label");
        let p = LABELS.iter().position(|x| x == v).unwrap_or(4);
        confusion[l][p] += 1;
        correct += usize::from(l == p);
    }
    Score {
        correct,
        total: cases.len(),
        confusion,
    }
}

/// Replays Keras EarlyStopping(patience=10, min_delta=0) on each log's val_loss and compares it
/// with the recorded stop of the long run, for the logs where that stop lies inside the log and
/// the log has no NaN (the long run's later values cannot change an earlier stop).
/// Returns (reproduced, checked).
pub fn keras_replay_agreement(cases: &[Case]) -> (usize, usize) {
    use plateau::analysis::early_stopping::keras;
    let mut checked = 0;
    let mut agree = 0;
    for case in cases {
        let Some(stop) = case.es10_stop_epoch.filter(|s| *s < case.truncated_at) else {
            continue;
        };
        let run = run_of(case);
        let Some(val) = run.series("val_loss") else {
            continue;
        };
        checked += 1;
        agree += usize::from(keras(&val.y, 10, 0.0, false) == Some(stop));
    }
    (agree, checked)
}
