//! `plateau inspect [--json] FILE…`: what was read, for people and for scripts.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real");

fn plateau(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plateau"))
        .args(args)
        .output()
        .expect("plateau runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn inspect_json_lists_runs_series_segments_and_warnings() {
    let file = format!("{REAL}/custom--tinyrefinementmodel/training_history.csv");
    let (code, stdout, _) = plateau(&["inspect", "--json", &file]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    let run = &v["runs"][0];
    assert_eq!(run["dialect"], "csv");
    let ce = run["series"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "ce"))
        .expect("ce listed");
    assert_eq!(ce["role"], "train");
    assert_eq!(ce["kind"], "loss");
    assert_eq!(ce["direction"], "lower");
    assert_eq!(ce["axis"], "step");
    assert_eq!(
        ce["points"], 110,
        "119 rows, 9 replaced by the sessions that resumed before them"
    );
    assert_eq!(ce["segments"].as_array().map(Vec::len), Some(3));
    assert_eq!(ce["segments"][2], serde_json::json!([290.0, 585.0]));
    assert_eq!(v["warnings"].as_array().map(Vec::len), Some(3));
}

#[test]
fn inspect_text_names_dialect_series_and_partner() {
    let dir = format!("{REAL}/tensorboard--imdb");
    let (code, stdout, _) = plateau(&[
        "inspect",
        &format!("{dir}/run-.-tag-loss.csv"),
        &format!("{dir}/run-.-tag-val_loss.csv"),
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("run tensorboard (tensorboard, from "),
        "{stdout}"
    );
    let val = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("val_loss"))
        .expect("val_loss line");
    for word in [
        "validation",
        "loss",
        "lower",
        "30 points by step",
        "pairs with loss",
    ] {
        assert!(val.contains(word), "{val}");
    }
}

#[test]
fn inspect_refused_file_exits_2_with_the_sentence() {
    let dir = std::env::temp_dir().join(format!("plateau-inspect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("one.csv");
    std::fs::write(&path, "epoch,loss\n").expect("write");
    let (code, stdout, stderr) = plateau(&["inspect", &path.display().to_string()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with("error: ") && stderr.contains("has 0 data rows"),
        "{stderr}"
    );
}
