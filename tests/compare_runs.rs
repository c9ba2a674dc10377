//! Several runs in one drop: fold groups, pooled verdicts and the ranking.
#![cfg(not(target_arch = "wasm32"))]

use plateau::compare::{compare, member_suffix};
use plateau::ingest::{read, Input};
use plateau::{analyze, Options};

fn labelled(id: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/keras-labeled/logs/{id}.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// One drop of the given (name, bytes) files.
fn drop_of(files: &[(&str, &[u8])]) -> plateau::Dropped {
    let inputs: Vec<Input> = files
        .iter()
        .map(|&(name, bytes)| Input { name, bytes })
        .collect();
    read(&inputs).unwrap()
}

#[test]
fn member_suffixes_are_recognised() {
    let cases = [
        ("fold0", Some(("", "fold"))),
        ("resnet_fold3", Some(("resnet", "fold"))),
        ("bert-seed-12", Some(("bert", "seed"))),
        ("model cv_2", Some(("model", "cv"))),
        ("run-103", None),
        ("spring-sunset-102", None),
        ("fold", None),
    ];
    for (name, want) in cases {
        let got = member_suffix(name);
        assert_eq!(
            got.as_ref().map(|(b, w)| (b.as_str(), w.as_str())),
            want,
            "{name}"
        );
    }
}

#[test]
fn fold_runs_form_group_with_mean_band_and_member_verdicts() {
    let ids = ["d002", "d003", "d004", "d005", "d006"];
    let bytes: Vec<Vec<u8>> = ids.iter().map(|id| labelled(id)).collect();
    let names: Vec<String> = (0..5).map(|k| format!("mlp_fold{k}.csv")).collect();
    let inputs: Vec<Input> = names
        .iter()
        .zip(&bytes)
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    let drop = read(&inputs).unwrap();
    let options = Options::default();
    let report = analyze(&drop, &options);
    let cmp = compare(&drop, &report.runs, &options);
    assert_eq!(cmp.groups.len(), 1);
    let group = &cmp.groups[0];
    assert_eq!(group.name, "mlp (folds)");
    assert_eq!(group.members, [0, 1, 2, 3, 4]);
    assert_eq!(group.monitor, "val_loss");
    let first: Vec<f64> = drop
        .runs
        .iter()
        .map(|r| r.series("val_loss").unwrap().y[0])
        .collect();
    let mean = first.iter().sum::<f64>() / 5.0;
    assert!((group.band.mean[0] - mean).abs() < 1e-12);
    assert_eq!(
        group.band.min[0],
        first.iter().copied().fold(f64::INFINITY, f64::min)
    );
    let shortest = drop
        .runs
        .iter()
        .map(|r| r.series("val_loss").unwrap().len())
        .min()
        .unwrap();
    assert_eq!(
        group.band.x.len(),
        shortest,
        "the band covers epochs every fold logged"
    );
    assert!(
        group.evidence[0].contains("of 5 folds agree"),
        "{:?}",
        group.evidence
    );
    for r in &report.runs {
        assert!(group
            .evidence
            .contains(&format!("{}: {}", r.name, r.verdict)));
    }
}

#[test]
fn ranking_puts_lowest_best_val_loss_first() {
    let a = labelled("d002");
    let b = labelled("d010");
    let drop = drop_of(&[("a.csv", &a), ("b.csv", &b)]);
    let options = Options::default();
    let report = analyze(&drop, &options);
    let cmp = compare(&drop, &report.runs, &options);
    assert_eq!(cmp.ranking.len(), 2);
    assert!(cmp.ranking[0].best.value <= cmp.ranking[1].best.value);
    assert!(
        cmp.notes[0].starts_with(&format!("keep {}", cmp.ranking[0].name)),
        "{:?}",
        cmp.notes
    );
}

#[test]
fn identical_runs_are_a_tie_within_noise() {
    let a = labelled("d002");
    let drop = drop_of(&[("a.csv", &a), ("b.csv", &a)]);
    let options = Options::default();
    let report = analyze(&drop, &options);
    let cmp = compare(&drop, &report.runs, &options);
    assert!(
        cmp.notes[0].contains("within 0.0% of each other"),
        "{:?}",
        cmp.notes
    );
}

#[test]
fn runs_monitoring_different_series_are_not_ranked() {
    let a = labelled("d002");
    let b = b"epoch,accuracy\n0,0.1\n1,0.2\n2,0.3\n3,0.4\n4,0.5\n5,0.6\n";
    let drop = drop_of(&[("a.csv", &a), ("b.csv", b)]);
    let options = Options::default();
    let report = analyze(&drop, &options);
    let cmp = compare(&drop, &report.runs, &options);
    assert!(cmp.ranking.is_empty());
    assert!(
        cmp.notes[0]
            .starts_with("runs are not comparable: a monitors val_loss, b monitors accuracy"),
        "{:?}",
        cmp.notes
    );
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn check_files(paths: &[&str], options: &Options) -> (plateau::Dropped, plateau::Report) {
    let bytes: Vec<Vec<u8>> = paths.iter().map(|p| fixture(p)).collect();
    let inputs: Vec<Input> = paths
        .iter()
        .zip(&bytes)
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    plateau::check(&inputs, options).unwrap()
}

const FOLDS: [&str; 5] = [
    "tests/fixtures/folds/mlp_fold0.csv",
    "tests/fixtures/folds/mlp_fold1.csv",
    "tests/fixtures/folds/mlp_fold2.csv",
    "tests/fixtures/folds/mlp_fold3.csv",
    "tests/fixtures/folds/mlp_fold4.csv",
];

#[test]
fn report_of_five_folds_carries_pooled_verdict_of_mean_curve() {
    let (drop, report) = check_files(&FOLDS, &Options::default());
    assert_eq!(
        report.groups.len(),
        1,
        "the analysis itself groups the folds"
    );
    let group = &report.groups[0];
    assert_eq!(group.members, [0, 1, 2, 3, 4]);
    let mean_run = plateau::Run {
        name: "mean".to_string(),
        source: "test".to_string(),
        dialect: plateau::ingest::Dialect::Csv,
        info: Vec::new(),
        series: vec![plateau::Series {
            x: group.band.x.clone(),
            y: group.band.mean.clone(),
            ..drop.runs[0].series("val_loss").unwrap().clone()
        }],
    };
    let alone = analyze(
        &plateau::Dropped {
            runs: vec![mean_run],
            warnings: Vec::new(),
        },
        &Options::default(),
    );
    assert_eq!(
        group.verdict, alone.runs[0].verdict,
        "the pooled verdict is the engine's verdict on the fold-mean val_loss"
    );
    let every_fold = report.runs.iter().all(|r| r.verdict == group.verdict);
    let agree = report
        .runs
        .iter()
        .filter(|r| r.verdict == group.verdict)
        .count();
    assert!(group.evidence[0].ends_with(&format!("{agree} of 5 folds agree")));
    assert!(every_fold || agree < 5);
    assert!(
        group
            .evidence
            .iter()
            .any(|e| e.contains("the folds spread")),
        "the spread at the best epoch is stated: {:?}",
        group.evidence
    );
}

#[test]
fn hand_made_group_takes_runs_out_of_their_fold_group() {
    let options = Options {
        groups: vec![vec![0, 1], vec![7, 2]],
        ..Options::default()
    };
    let (_, report) = check_files(&FOLDS, &options);
    let members: Vec<&[usize]> = report.groups.iter().map(|g| g.members.as_slice()).collect();
    assert_eq!(
        members,
        [&[2, 3, 4][..], &[0, 1][..]],
        "0 and 1 are grouped by hand; [7, 2] names one real run, so it is no group and 2 stays a fold"
    );
    assert_eq!(report.groups[1].name, "mlp_fold (group)");
}

/// A link's group list is anyone's text: the same runs listed in many groups (or twice in one)
/// make one group, not one pooled band per listing, so the work follows the runs, not the link.
#[test]
fn a_run_listed_in_many_hand_made_groups_joins_only_the_first() {
    let options = Options {
        groups: [vec![vec![0, 0, 1]; 20_000], vec![vec![1, 2], vec![3, 4, 3]]].concat(),
        ..Options::default()
    };
    let (_, report) = check_files(&FOLDS, &options);
    let members: Vec<&[usize]> = report.groups.iter().map(|g| g.members.as_slice()).collect();
    assert_eq!(members, [&[0, 1][..], &[3, 4][..]]);
}

#[test]
fn a_run_listed_in_several_hand_groups_counts_in_the_first_only() {
    // Groups come from the URL (anyone's share link): a list repeating the same runs must not
    // judge them once per copy (each copy a pooled band of every point).
    let mut groups = vec![vec![0, 1]; 10_000];
    groups.push(vec![1, 2, 3]);
    groups.push(vec![4, 3, 2]);
    let options = Options {
        groups,
        ..Options::default()
    };
    let (_, report) = check_files(&FOLDS, &options);
    let members: Vec<&[usize]> = report.groups.iter().map(|g| g.members.as_slice()).collect();
    assert_eq!(
        members,
        [&[0, 1][..], &[2, 3][..]],
        "[1, 2, 3] keeps 2 and 3; [4, 3, 2] keeps only 4, so it is no group"
    );
}

#[test]
fn wandb_exports_rank_four_runs_with_a_tie_sentence() {
    let (drop, report) = check_files(
        &[
            "tests/fixtures/real/wandb--multi-view-classification/train_loss.csv",
            "tests/fixtures/real/wandb--multi-view-classification/val_loss.csv",
        ],
        &Options::default(),
    );
    assert_eq!(drop.runs.len(), 4);
    assert!(
        report.groups.is_empty(),
        "W&B run names carry no fold suffix"
    );
    assert_eq!(report.ranking.len(), 4);
    for pair in report.ranking.windows(2) {
        assert!(
            pair[0].best.value <= pair[1].best.value,
            "lower val_loss first"
        );
    }
    let (a, b) = (&report.ranking[0], &report.ranking[1]);
    let gap = (a.best.value - b.best.value).abs() / a.best.value * 100.0;
    assert!(
        report.notes[0].starts_with(&format!(
            "{} and {} are within {gap:.1}% of each other at their best points",
            a.name, b.name
        )),
        "{:?}",
        report.notes
    );
}

#[test]
fn keras_file_with_three_appended_runs_is_ranked_as_three_runs() {
    let (drop, report) = check_files(
        &["tests/fixtures/real/keras--brain-tumor-image-classification-using-c/training_log.csv"],
        &Options::default(),
    );
    assert_eq!(drop.runs.len(), 3);
    assert_eq!(report.ranking.len(), 3);
    let best = report
        .runs
        .iter()
        .filter_map(|r| r.best.map(|b| b.value))
        .fold(f64::INFINITY, f64::min);
    assert_eq!(report.ranking[0].best.value, best);
    assert!(
        report.notes[0].starts_with(&format!("keep {}", report.ranking[0].name)),
        "{:?}",
        report.notes
    );
}

/// The first fold was resumed at epoch 30, past the last epoch the other fold logged: the mean
/// curve (epochs 0–19) is judged on its own points, not at the first fold's restart index 30.
#[test]
fn resumed_first_fold_longer_than_the_others_pools_without_its_restart() {
    let mut first = String::from("epoch,loss,val_loss\n");
    for epoch in (0..40).chain(30..80) {
        let v = 1.0 / (1.0 + f64::from(epoch));
        first += &format!("{epoch},{v},{}\n", 1.2 * v);
    }
    let mut second = String::from("epoch,loss,val_loss\n");
    for epoch in 0..20 {
        let v = 1.0 / (1.0 + f64::from(epoch));
        second += &format!("{epoch},{v},{}\n", 1.3 * v);
    }
    let drop = drop_of(&[
        ("m_fold0.csv", first.as_bytes()),
        ("m_fold1.csv", second.as_bytes()),
    ]);
    let report = analyze(&drop, &Options::default());
    assert!(
        report.runs[0]
            .evidence
            .iter()
            .any(|e| e.contains("resumed 1 time")),
        "{:?}",
        report.runs[0].evidence
    );
    let group = &report.groups[0];
    assert_eq!(group.band.x, (0..20).map(f64::from).collect::<Vec<_>>());
    assert!(
        !group.evidence.iter().any(|e| e.contains("resumed")),
        "{:?}",
        group.evidence
    );
}

#[test]
fn hand_group_of_runs_monitoring_different_series_says_why_it_is_not_judged() {
    let a = labelled("d002");
    let b = b"epoch,accuracy\n0,0.1\n1,0.2\n2,0.3\n3,0.4\n4,0.5\n5,0.6\n";
    let drop = drop_of(&[("a.csv", &a), ("b.csv", b)]);
    let options = Options {
        groups: vec![vec![0, 1]],
        ..Options::default()
    };
    let report = analyze(&drop, &options);
    assert!(report.groups.is_empty());
    assert!(
        report.notes.contains(&"group 1 (a, b) is not judged as a group: its runs do not monitor the same series on shared x values".to_string()),
        "{:?}",
        report.notes
    );
}

/// "p% better" is measured against the run that is beaten: a best val_loss of 0.25 against 0.5 is
/// 50% better (lower), not 100%.
#[test]
fn ranking_percentage_is_measured_against_the_run_it_beats() {
    let log = |scale: f64| {
        let mut csv = String::from("epoch,loss,val_loss\n");
        for e in 0..12 {
            let v = scale * (1.0 + 1.0 / (1.0 + f64::from(e)));
            csv.push_str(&format!("{e},{v},{v}\n"));
        }
        csv
    };
    let (low, high) = (log(0.25), log(0.5));
    let drop = drop_of(&[("low.csv", low.as_bytes()), ("high.csv", high.as_bytes())]);
    let options = Options::default();
    let report = analyze(&drop, &options);
    let cmp = compare(&drop, &report.runs, &options);
    let note = &cmp.notes[0];
    assert!(note.starts_with("keep low"), "{note}");
    assert!(note.contains("50.0% better than high"), "{note}");
}

#[test]
fn picked_runs_leave_their_hand_made_groups_and_form_the_last_one() {
    use plateau::compare::regroup;
    assert_eq!(
        regroup(&[vec![0, 1, 2], vec![3, 4]], &[2, 4, 5]),
        Some(vec![vec![0, 1], vec![2, 4, 5]]),
        "[3, 4] keeps one run, so it ends"
    );
    assert_eq!(
        regroup(&[], &[3, 1, 3]),
        Some(vec![vec![3, 1]]),
        "a run picked twice is one member"
    );
}

#[test]
fn fewer_than_two_picked_runs_make_no_group() {
    use plateau::compare::regroup;
    assert_eq!(regroup(&[vec![0, 1]], &[1]), None);
    assert_eq!(regroup(&[vec![0, 1]], &[4, 4]), None);
    assert_eq!(regroup(&[], &[]), None);
}

#[test]
fn group_findings_are_its_evidence_without_the_member_verdict_lines() {
    let (_, report) = check_files(&FOLDS, &Options::default());
    let group = &report.groups[0];
    let findings = group.findings();
    let member_lines: Vec<String> = group
        .members
        .iter()
        .map(|&m| format!("{}: {}", report.runs[m].name, report.runs[m].verdict))
        .collect();
    assert!(findings[0].contains("of 5 folds agree"), "{findings:?}");
    assert!(
        findings.iter().all(|line| !member_lines.contains(line)),
        "{findings:?}"
    );
    assert_eq!(
        findings.len() + member_lines.len(),
        group.evidence.len(),
        "every other line is a finding"
    );
}

/// Notes and a group's sentences quote run names from file names: a bidi override in them is
/// written as an escape in the report (as in a run's own evidence), never as the raw character.
#[test]
fn group_and_ranking_sentences_escape_hidden_characters_of_run_names() {
    let a = labelled("d002");
    let b = labelled("d010");
    let drop = drop_of(&[("m\u{202e}lp_fold0.csv", &a), ("m\u{202e}lp_fold1.csv", &b)]);
    let report = analyze(&drop, &Options::default());
    assert_eq!(report.groups.len(), 1, "the two folds form a group");
    let group = &report.groups[0];
    let sentences: Vec<&String> = report
        .notes
        .iter()
        .chain(&group.evidence)
        .chain([&group.advice])
        .collect();
    assert!(
        report.notes.iter().any(|n| n.contains("m\\u{202e}lp_fold")),
        "{sentences:?}"
    );
    for s in sentences {
        assert!(!s.contains('\u{202e}'), "{s}");
    }
}
