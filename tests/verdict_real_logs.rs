#![cfg(not(target_arch = "wasm32"))]
//! Real logs from tests/fixtures/real, judged as PROVENANCE.md describes (only files the
//! current ingest reads).

use std::path::Path;

use plateau::{check, Input, Options, RunReport, Verdict};

fn judge(relative: &str) -> RunReport {
    judge_all(relative).into_iter().next().expect("one run")
}

fn judge_all(relative: &str) -> Vec<RunReport> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(relative);
    let bytes = std::fs::read(&path).expect("fixture is readable");
    let name = path.display().to_string();
    let (_, report) = check(
        &[Input {
            name: &name,
            bytes: &bytes,
        }],
        &Options::default(),
    )
    .expect("fixture ingests");
    report.runs
}

fn has(r: &RunReport, q: &str) -> bool {
    r.qualifiers.iter().any(|x| x == q)
}

#[test]
fn tomato_leaf_overfits_after_epoch_18() {
    let r = judge("keras--detection-of-tomato-leaf-diseases-using-/training_log.csv");
    assert_eq!(r.verdict, Verdict::Overfitting);
    assert_eq!(r.best.unwrap().x, 18.0);
    assert_eq!(r.advice, "stop and keep the epoch-18 checkpoint");
}

#[test]
fn flowers_is_noisy_not_overfitting() {
    let r = judge("keras--flowers-classification-project/history.csv");
    assert!(matches!(r.verdict, Verdict::Improving | Verdict::Plateau));
    assert!(r.verdict == Verdict::Improving || has(&r, "noisy"));
}

#[test]
fn lung_cancer_short_and_noisy_is_not_overfitting() {
    let r = judge("keras--lung-cancer-detection/training_log.csv");
    assert_ne!(r.verdict, Verdict::Overfitting);
    assert_ne!(r.verdict, Verdict::Diverging);
    assert!(has(&r, "noisy"));
}

#[test]
fn handwritten_digits_converged_between_lr_cuts_without_overfitting() {
    let r = judge("keras--handwritten-digit-recognition-cnn-with-9/training_log.csv");
    assert!(matches!(r.verdict, Verdict::Plateau | Verdict::Improving));
    let cuts: Vec<f64> = r
        .markers
        .iter()
        .filter(|m| m.kind == "lr_drop")
        .map(|m| m.x)
        .collect();
    assert_eq!(cuts, vec![17.0, 27.0]);
    assert!(r.verdict == Verdict::Improving || has(&r, "lr_limited"));
}

#[test]
fn brain_tumor_appended_runs_are_judged_one_by_one() {
    let runs = judge_all("keras--brain-tumor-image-classification-using-c/training_log.csv");
    let verdicts: Vec<Verdict> = runs.iter().map(|r| r.verdict).collect();
    assert_eq!(verdicts.len(), 4, "four runs appended to one file");
    assert_eq!(verdicts[0], Verdict::Improving);
    assert_eq!(verdicts[1], Verdict::Insufficient, "4 epochs only");
    assert_ne!(
        verdicts[2],
        Verdict::Overfitting,
        "noisy small validation set"
    );
    assert!(has(&runs[2], "noisy"));
    assert_eq!(verdicts[3], Verdict::Improving);
}

#[test]
fn cs109b_linear_decline_is_improving() {
    let r = judge("keras-pandas--cs109b-finalproject/history.csv");
    assert_eq!(r.verdict, Verdict::Improving);
    assert!(r.advice.starts_with("keep training"));
}

#[test]
fn fjordvision_flattened_validation_is_plateau_despite_noisy_training_end() {
    let r = judge("custom--fjordvision/training_log.csv");
    assert_eq!(r.verdict, Verdict::Plateau);
}

#[test]
fn eurosat_still_falling_is_improving() {
    let r = judge("lightning--eurosat-github/metrics.csv");
    assert_eq!(r.verdict, Verdict::Improving);
}

#[test]
fn genrisk_nan_from_the_start_is_diverging() {
    let r = judge("lightning--genrisk/metrics.csv");
    assert_eq!(r.verdict, Verdict::Diverging);
    assert!(r.markers.iter().any(|m| m.kind == "nan"));
}

#[test]
fn fastai_three_epochs_is_insufficient() {
    let r = judge("fastai-v1--fastai/history.csv");
    assert_eq!(r.verdict, Verdict::Insufficient);
}
