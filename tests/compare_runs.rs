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
    let cmp = compare(&drop, &report, &options);
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
    let drop = read(&[
        Input {
            name: "a.csv",
            bytes: &a,
        },
        Input {
            name: "b.csv",
            bytes: &b,
        },
    ])
    .unwrap();
    let options = Options::default();
    let report = analyze(&drop, &options);
    let cmp = compare(&drop, &report, &options);
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
    let drop = read(&[
        Input {
            name: "a.csv",
            bytes: &a,
        },
        Input {
            name: "b.csv",
            bytes: &a,
        },
    ])
    .unwrap();
    let options = Options::default();
    let report = analyze(&drop, &options);
    let cmp = compare(&drop, &report, &options);
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
    let drop = read(&[
        Input {
            name: "a.csv",
            bytes: &a,
        },
        Input {
            name: "b.csv",
            bytes: b,
        },
    ])
    .unwrap();
    let options = Options::default();
    let report = analyze(&drop, &options);
    let cmp = compare(&drop, &report, &options);
    assert!(cmp.ranking.is_empty());
    assert!(
        cmp.notes[0]
            .starts_with("runs are not comparable: a monitors val_loss, b monitors accuracy"),
        "{:?}",
        cmp.notes
    );
}
