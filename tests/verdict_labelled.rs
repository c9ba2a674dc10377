#![cfg(not(target_arch = "wasm32"))]
//! The yardsticks the engine is developed on: the 60 labelled Keras logs, the tune part of the
//! step-level logs (tests/fixtures/steps-labeled/SPLIT.md) and the tune part of the per-step logs
//! of real PyTorch runs (tests/fixtures/steps-own, its `split` column). The engine must keep the
//! accuracy it reached there; the held-out and untouched parts (and keras-heldout) are only
//! reported (`make bench-verdict`), never asserted on, so that no rule is fitted to them.

mod common {
    pub mod labelled;
}

use common::labelled::{self, LABELS};

/// Overall accuracy the level-based engine reaches on the Keras logs (53 of 60); the goal is 95%.
/// The extreme-based engine before it reached 58 of 60 here but 72.7% on the untouched
/// step-level part; README's Verdicts section has both.
const REACHED: f64 = 53.0 / 60.0;
/// Every label's recall must stay at least this on the Keras logs (overfitting, the weakest,
/// is at 11 of 14: noisy validation sets whose rise stays within two noise SDs; diverging at
/// 14 of 16: one bad last epoch after a new low is a blip, the labels count it).
const RECALL: f64 = 0.75;
/// Accuracy reached on the step-level tune part (42 of 47).
const STEPS_REACHED: f64 = 42.0 / 47.0;
/// Accuracy reached on the tune part of steps-own (78 of 100; tests/fixtures/BENCH.md): 79 before
/// period means were tested against standard errors, which stopped calling two `edge` labels
/// diverging (training loss near 0.003–0.03 that "later falls below its earlier minimum"); 77
/// while each bin's error came from its own 2–4 points' MAD.
const OWN_REACHED: f64 = 78.0 / 100.0;

#[test]
fn labelled_keras_logs_accuracy_stays_at_goal() {
    let cases = labelled::cases();
    assert_eq!(cases.len(), 60);
    let verdicts: Vec<String> = cases.iter().map(labelled::engine).collect();
    let score = labelled::score(&cases, &verdicts);
    let misses: Vec<String> = cases
        .iter()
        .zip(&verdicts)
        .filter(|(c, v)| c.label != **v)
        .map(|(c, v)| format!("{} ({} {}) → {v}", c.id, c.label, c.confidence))
        .collect();
    assert!(
        score.accuracy() >= REACHED,
        "accuracy {:.3}; misses: {misses:?}",
        score.accuracy()
    );
    for (i, label) in LABELS.iter().enumerate() {
        if score.support(i) == 0 {
            continue;
        }
        assert!(
            score.recall(i) >= RECALL,
            "{label} recall {:.3}; misses: {misses:?}",
            score.recall(i)
        );
    }
}

#[test]
fn engine_beats_the_patience_baseline_on_keras_plateaus() {
    let cases = labelled::cases();
    let engine: Vec<String> = cases.iter().map(labelled::engine).collect();
    let baseline: Vec<String> = cases.iter().map(labelled::baseline).collect();
    let (e, b) = (
        labelled::score(&cases, &engine),
        labelled::score(&cases, &baseline),
    );
    let plateau = LABELS.iter().position(|l| *l == "plateau").unwrap();
    assert!(e.recall(plateau) > b.recall(plateau));
}

#[test]
fn step_level_tune_part_keeps_its_accuracy_and_beats_the_baseline() {
    let (tune, _) = labelled::steps();
    assert_eq!(tune.len(), 47, "the split of SPLIT.md");
    let engine: Vec<String> = tune.iter().map(labelled::engine).collect();
    let baseline: Vec<String> = tune.iter().map(labelled::baseline).collect();
    let (e, b) = (
        labelled::score(&tune, &engine),
        labelled::score(&tune, &baseline),
    );
    let misses: Vec<String> = tune
        .iter()
        .zip(&engine)
        .filter(|(c, v)| c.label != **v)
        .map(|(c, v)| format!("{} ({}) → {v}", c.id, c.label))
        .collect();
    assert!(
        e.accuracy() >= STEPS_REACHED,
        "accuracy {:.3}; misses: {misses:?}",
        e.accuracy()
    );
    assert!(e.accuracy() > b.accuracy());
}

#[test]
fn steps_own_tune_part_keeps_its_accuracy_and_beats_the_baseline() {
    let (tune, untouched) = labelled::steps_own();
    assert_eq!(
        (tune.len(), untouched.len()),
        (100, 53),
        "the split column of steps-own/labels.csv"
    );
    let engine: Vec<String> = tune.iter().map(labelled::engine).collect();
    let baseline: Vec<String> = tune.iter().map(labelled::baseline).collect();
    let (e, b) = (
        labelled::score(&tune, &engine),
        labelled::score(&tune, &baseline),
    );
    let misses: Vec<String> = tune
        .iter()
        .zip(&engine)
        .filter(|(c, v)| c.label != **v)
        .map(|(c, v)| format!("{} ({}) → {v}", c.id, c.label))
        .collect();
    assert!(
        e.accuracy() >= OWN_REACHED,
        "accuracy {:.3}; misses: {misses:?}",
        e.accuracy()
    );
    assert!(e.accuracy() > b.accuracy());
}

#[test]
fn keras_early_stopping_replay_reproduces_recorded_stops() {
    let (agree, checked) = labelled::keras_replay_agreement(&labelled::cases());
    assert!(
        checked >= 10,
        "only {checked} logs hold their recorded stop"
    );
    assert_eq!(agree, checked);
}

#[test]
fn wilson_interval_matches_the_textbook_values() {
    // Wilson (1927) score interval, z = 1.96, worked by hand: 8 of 10 → centre 0.7167 ± 0.2266
    // = [0.4902, 0.9433]; 0 of 10 → [0, 0.2775].
    let (lo, hi) = labelled::wilson(8, 10);
    assert!(
        (lo - 0.4902).abs() < 1e-4 && (hi - 0.9433).abs() < 1e-4,
        "{lo} {hi}"
    );
    let (lo, hi) = labelled::wilson(0, 10);
    assert!(lo == 0.0 && (hi - 0.2775).abs() < 1e-4, "{hi}");
}

#[test]
fn every_labelled_set_loads_with_known_labels() {
    let sets = labelled::sets();
    assert!(sets.len() >= 3);
    for set in &sets {
        assert!(!set.cases.is_empty(), "{} is empty", set.name);
        let score = labelled::score(&set.cases, &vec!["plateau".to_string(); set.cases.len()]);
        assert_eq!(score.total, set.cases.len());
        assert!(score.wilson().0 <= score.accuracy() && score.accuracy() <= score.wilson().1);
    }
    assert!(sets.iter().any(|s| !s.tuned), "a held-out part is reported");
}

/// The real fixtures' hand labels (one line of reasons each in tests/fixtures/real/labels.csv):
/// every labelled run exists, and the engine keeps the 22 of 27 it reaches (23 before the
/// projection stopped at the end of a decaying schedule: the YOLOv5 number-plate run, hand
/// label improving, has two epochs of its schedule left and is projected under 2% in them).
#[test]
fn real_fixtures_hand_labels_keep_their_accuracy() {
    let real = labelled::real_cases();
    let mut verdicts = Vec::new();
    for c in &real {
        assert!(!c.reason.is_empty(), "{} has a reason", c.folder);
        let runs = labelled::real_reports(&c.folder);
        let run = runs
            .get(c.run)
            .unwrap_or_else(|| panic!("{} #{}", c.folder, c.run));
        verdicts.push(run.verdict.as_str().to_string());
    }
    let score = labelled::score_labels(real.iter().map(|c| c.label.as_str()), &verdicts);
    assert!(score.correct >= 22, "{} of {}", score.correct, score.total);
}
