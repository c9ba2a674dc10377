//! The labelled sets: every `tests/fixtures/*/labels.csv` (Keras dev, the step-level logs split
//! into a tune part and a held-out part, and any set added later), the engine's verdict on each
//! log, and the baseline rules it must beat: "patience 5 + 1% min-delta + NaN + overfitting
//! rule". Shared by the accuracy test and `make bench-verdict`.

use std::path::{Path, PathBuf};

use plateau::{analysis::overfitting, Input, Options};

pub struct Case {
    pub id: String,
    pub label: String,
    pub confidence: String,
    pub truncated_at: usize,
    /// The epoch at which Keras EarlyStopping(patience=10) stopped on the long run, if it did.
    pub es10_stop_epoch: Option<usize>,
    /// The set's own `split` column (`tune` / `untouched`), when it has one.
    pub split: String,
    /// The log's files (several for TensorBoard scalar exports, one per tag), read as one drop.
    pub files: Vec<(PathBuf, Vec<u8>)>,
}

/// One labelled set, as `make bench-verdict` reports it.
pub struct Set {
    pub name: String,
    /// Whether rules may be tuned on it (the held-out parts and sets made elsewhere: never).
    pub tuned: bool,
    pub cases: Vec<Case>,
}

pub const LABELS: [&str; 5] = [
    "improving",
    "plateau",
    "overfitting",
    "diverging",
    "insufficient",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixed split of tests/fixtures/steps-labeled/SPLIT.md, written before any tuning: a log is
/// held out when the 64-bit FNV-1a hash of its id is divisible by 3.
pub fn held_out(id: &str) -> bool {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash % 3 == 0
}

/// The cases of one folder's labels.csv, columns found by name: `id`, `label`, `confidence`,
/// `truncated_at` or `T`, optional `file` (then the log is `logs/<id>/<file>`, several files
/// separated by `;`, else `logs/<id>.csv`) and `es10_stop_epoch`. Quoted fields are not used by
/// these columns, so a plain split by commas reads them.
pub fn set_cases(folder: &str) -> Vec<Case> {
    let root = fixtures().join(folder);
    let text = std::fs::read_to_string(root.join("labels.csv")).expect("labels.csv is readable");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.trim()));
    let (id, label) = (col(&["id"]).expect("id"), col(&["label"]).expect("label"));
    let (conf, cut) = (col(&["confidence"]), col(&["truncated_at", "T"]));
    let (file, es) = (col(&["file"]), col(&["es10_stop_epoch"]));
    let split = col(&["split"]);
    lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            let paths: Vec<PathBuf> = match file {
                Some(c) => f[c]
                    .split(';')
                    .map(|name| root.join("logs").join(f[id]).join(name))
                    .collect(),
                None => vec![root.join("logs").join(format!("{}.csv", f[id]))],
            };
            Case {
                id: f[id].to_string(),
                truncated_at: cut.and_then(|c| f[c].parse().ok()).unwrap_or(0),
                label: f[label].to_string(),
                confidence: conf.map_or("", |c| f[c]).to_string(),
                es10_stop_epoch: es.and_then(|c| f.get(c)?.parse().ok()),
                split: split.and_then(|c| f.get(c)).unwrap_or(&"").to_string(),
                files: paths
                    .into_iter()
                    .map(|p| {
                        let bytes = std::fs::read(&p).expect("log is readable");
                        (p, bytes)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The 60 labelled Keras logs (the development set the engine was first tuned on).
pub fn cases() -> Vec<Case> {
    set_cases("keras-labeled")
}

/// The step-level logs: (tune part, held-out part).
pub fn steps() -> (Vec<Case>, Vec<Case>) {
    set_cases("steps-labeled")
        .into_iter()
        .partition(|c| !held_out(&c.id))
}

/// The per-step logs of real PyTorch runs (tests/fixtures/steps-own): (tune part, untouched
/// part), by the set's own `split` column, fixed by run and stratified before any tuning.
pub fn steps_own() -> (Vec<Case>, Vec<Case>) {
    set_cases("steps-own")
        .into_iter()
        .partition(|c| c.split == "tune")
}

/// Sets made for tuning (besides the Keras dev set and the tune parts of the step-level sets).
const TUNED: [&str; 1] = ["keras-tune"];

/// Every labelled set: Keras dev, steps tune, steps held out, steps-own tune and untouched,
/// then any other folder with a labels.csv (keras-heldout and sets made later: never tuned on,
/// unless named in [`TUNED`]).
pub fn sets() -> Vec<Set> {
    let (tune, held) = steps();
    let (own_tune, own_untouched) = steps_own();
    let mut sets = vec![
        Set {
            name: "keras-labeled (dev)".to_string(),
            tuned: true,
            cases: cases(),
        },
        Set {
            name: "steps-labeled tune".to_string(),
            tuned: true,
            cases: tune,
        },
        Set {
            name: "steps-labeled held out".to_string(),
            tuned: false,
            cases: held,
        },
        Set {
            name: "steps-own tune".to_string(),
            tuned: true,
            cases: own_tune,
        },
        Set {
            name: "steps-own untouched".to_string(),
            tuned: false,
            cases: own_untouched,
        },
    ];
    let mut others: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("labels.csv").is_file() && e.path().join("logs").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !["keras-labeled", "steps-labeled", "steps-own"].contains(&n.as_str()))
        .collect();
    others.sort();
    sets.extend(others.into_iter().map(|name| Set {
        cases: set_cases(&name),
        tuned: TUNED.contains(&name.as_str()),
        name,
    }));
    sets
}

pub fn run_of(case: &Case) -> plateau::Run {
    let names: Vec<String> = case
        .files
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    let inputs: Vec<Input> = names
        .iter()
        .zip(&case.files)
        .map(|(name, (_, bytes))| Input { name, bytes })
        .collect();
    let drop = plateau::ingest::read(&inputs).expect("labelled logs ingest");
    drop.runs.into_iter().next().expect("one run")
}

pub fn report(case: &Case) -> plateau::RunReport {
    let drop = plateau::Dropped {
        runs: vec![run_of(case)],
        warnings: Vec::new(),
    };
    plateau::analyze(&drop, &Options::default()).runs.remove(0)
}

pub fn engine(case: &Case) -> String {
    report(case).verdict.as_str().to_string()
}

/// Patience 5 with a 1% min-delta on the validation loss, NaN / a 1.5× rise of the training loss
/// as divergence, and "validation loss 5% above its best while the training loss falls" as
/// overfitting.
pub fn baseline(case: &Case) -> String {
    let run = run_of(case);
    let val = plateau::analysis::pick_monitor(&run, None);
    let (Some(val), Some(train)) = (val, plateau::analysis::training_loss(&run)) else {
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
    /// confusion[label][predicted], in the order of [`LABELS`].
    pub confusion: [[usize; 5]; 5],
}

impl Score {
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.total.max(1) as f64
    }

    /// The Wilson score 95% interval of the accuracy.
    pub fn wilson(&self) -> (f64, f64) {
        wilson(self.correct, self.total)
    }

    pub fn recall(&self, label: usize) -> f64 {
        let row = &self.confusion[label];
        row[label] as f64 / row.iter().sum::<usize>().max(1) as f64
    }

    /// How many cases carry this label.
    pub fn support(&self, label: usize) -> usize {
        self.confusion[label].iter().sum()
    }
}

/// Wilson's score interval (95%, z = 1.96) for `k` successes in `n` trials.
pub fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (z, n, p) = (1.959_964, n as f64, k as f64 / n as f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

pub fn score(cases: &[Case], verdicts: &[String]) -> Score {
    score_labels(cases.iter().map(|c| c.label.as_str()), verdicts)
}

/// The score of verdicts against labels given in the same order.
pub fn score_labels<'a>(labels: impl Iterator<Item = &'a str>, verdicts: &[String]) -> Score {
    let mut confusion = [[0; 5]; 5];
    let mut correct = 0;
    let mut total = 0;
    for (label, v) in labels.zip(verdicts) {
        let l = LABELS
            .iter()
            .position(|x| *x == label)
            .expect("known label");
        let p = LABELS.iter().position(|x| x == v).expect("a verdict word");
        confusion[l][p] += 1;
        correct += usize::from(l == p);
        total += 1;
    }
    Score {
        correct,
        total,
        confusion,
    }
}

/// A real log's run with its hand label (tests/fixtures/real/labels.csv).
pub struct RealCase {
    pub folder: String,
    pub run: usize,
    pub label: String,
    pub reason: String,
}

pub fn real_cases() -> Vec<RealCase> {
    let text = std::fs::read_to_string(fixtures().join("real/labels.csv"))
        .expect("real/labels.csv is readable");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.splitn(4, ',').collect();
            RealCase {
                folder: f[0].to_string(),
                run: f[1].parse().expect("run index"),
                label: f[2].to_string(),
                reason: f[3].trim_matches('"').to_string(),
            }
        })
        .collect()
}

/// Every run of the drop made of all files in a real fixture folder (sorted by name, as a shell
/// glob gives them to `plateau check`).
pub fn real_drop(folder: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fixtures().join("real").join(folder);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture folder is readable")
        .map(|e| e.expect("folder entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("fixture is readable");
            (p.display().to_string(), bytes)
        })
        .collect()
}

/// The runs the engine reports for a real fixture folder.
pub fn real_reports(folder: &str) -> Vec<plateau::RunReport> {
    let files = real_drop(folder);
    let inputs: Vec<Input> = files
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    plateau::check(&inputs, &Options::default())
        .expect("fixture ingests")
        .1
        .runs
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
