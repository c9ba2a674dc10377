//! `plateau check` on several files: one verdict per run and per group, and the `groups` array.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

const FOLDS: [&str; 5] = [
    "tests/fixtures/folds/mlp_fold0.csv",
    "tests/fixtures/folds/mlp_fold1.csv",
    "tests/fixtures/folds/mlp_fold2.csv",
    "tests/fixtures/folds/mlp_fold3.csv",
    "tests/fixtures/folds/mlp_fold4.csv",
];

fn plateau(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_plateau"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

#[test]
fn check_json_has_groups_beside_runs() {
    let mut args = vec!["check", "--json"];
    args.extend(FOLDS);
    let out = plateau(&args);
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["runs"].as_array().map(Vec::len), Some(5));
    let group = &report["groups"][0];
    assert_eq!(group["name"], "mlp (folds)");
    assert_eq!(group["members"], serde_json::json!([0, 1, 2, 3, 4]));
    assert_eq!(group["monitor"], "val_loss");
    for key in ["verdict", "qualifiers", "evidence", "advice", "band"] {
        assert!(group.get(key).is_some(), "group has `{key}`");
    }
    let runs = report["runs"].as_array().unwrap();
    let evidence = group["evidence"].as_array().unwrap();
    for run in runs {
        let line = format!(
            "{}: {}",
            run["name"].as_str().unwrap(),
            run["verdict"].as_str().unwrap()
        );
        assert!(
            evidence.iter().any(|e| e == &line),
            "per-fold verdict `{line}` is listed"
        );
    }
    assert_eq!(report["ranking"].as_array().map(Vec::len), Some(5));
    assert!(report["notes"][0].as_str().unwrap().starts_with("keep "));
}

#[test]
fn check_text_prints_each_run_each_group_and_the_ranking() {
    let out = plateau(&["check"].iter().copied().chain(FOLDS).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let verdict_lines: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
    for k in 0..5 {
        assert!(
            verdict_lines
                .iter()
                .any(|l| l.starts_with(&format!("mlp_fold{k}: "))),
            "{text}"
        );
    }
    assert!(
        verdict_lines
            .iter()
            .any(|l| l.starts_with("group mlp (folds): ") && l.ends_with("(val_loss, 5 runs)")),
        "{text}"
    );
    assert!(
        verdict_lines.iter().any(|l| l.starts_with("keep mlp_fold")),
        "{text}"
    );
}

#[test]
fn single_file_has_empty_groups_and_no_ranking() {
    let out = plateau(&["check", "--json", "www/examples/keras-tomato-leaf.csv"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["groups"], serde_json::json!([]));
    assert_eq!(report["ranking"], serde_json::json!([]));
}
