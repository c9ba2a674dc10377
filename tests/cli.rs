//! The `plateau check` command: output, JSON contract fields and exit codes.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

const KERAS: &str = "www/examples/keras-tomato-leaf.csv";

fn plateau(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_plateau"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

#[test]
fn check_json_carries_contract_fields() {
    let out = plateau(&["check", "--json", KERAS]);
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &report["runs"][0];
    for key in [
        "name",
        "source",
        "dialect",
        "monitor",
        "direction",
        "verdict",
        "qualifiers",
        "best",
        "evidence",
        "advice",
        "series",
        "segments",
    ] {
        assert!(run.get(key).is_some(), "run has `{key}`");
    }
    assert_eq!(run["monitor"], "val_loss");
    assert_eq!(run["direction"], "lower");
    assert_eq!(run["best"]["x"], 18.0);
    assert!(report["warnings"].is_array());
}

#[test]
fn check_text_names_verdict_and_evidence() {
    let out = plateau(&["check", KERAS]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("overfitting (val_loss)"), "{text}");
    assert!(text.contains("val_loss best 0.2906 at epoch 18"), "{text}");
}

#[test]
fn fail_on_matching_verdict_exits_one() {
    let out = plateau(&["check", "--fail-on", "diverging,overfitting", KERAS]);
    assert_eq!(out.status.code(), Some(1));
    let out = plateau(&["check", "--fail-on", "diverging", KERAS]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn monitor_flag_switches_judged_series() {
    let out = plateau(&["check", "--json", "--monitor", "accuracy", KERAS]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["runs"][0]["monitor"], "accuracy");
    assert_eq!(report["runs"][0]["direction"], "higher");
}

#[test]
fn unreadable_input_exits_two_with_error_line() {
    let dir = std::env::temp_dir().join(format!("plateau-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let out = plateau(&["check", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("empty.csv is empty"), "{err}");
    let out = plateau(&["check", dir.join("missing.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A log's names reach the terminal with control, bidi and other invisible characters escaped:
/// a header cell cannot clear the screen or reorder the line (the JSON output escapes as JSON does).
#[test]
fn text_output_escapes_terminal_controls_and_bidi_in_names_from_a_log() {
    let dir = std::env::temp_dir().join(format!("plateau-cli-escape-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("evil.csv");
    let mut text = String::from("epoch,loss,val_loss,\"note\u{1b}[2J\u{202e}txt\"\n");
    for i in 0..12 {
        let v = 1.0 / (i as f64 + 1.0);
        text.push_str(&format!("{i},{v},{},word\n", v + 0.1));
    }
    std::fs::write(&path, text).unwrap();
    for command in ["inspect", "check"] {
        let out = plateau(&[command, path.to_str().unwrap()]);
        assert!(out.status.success(), "{command}");
        let shown = String::from_utf8(out.stdout).unwrap();
        assert!(
            shown.contains("note\\u{1b}[2J\\u{202e}txt"),
            "{command}: {shown}"
        );
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
            "{command}: {shown}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A named pipe in a folder is not a file to read: the folder is judged without it instead of
/// the read blocking for ever (the run is given two minutes to end before the test calls it hung).
#[cfg(unix)]
#[test]
fn named_pipe_in_a_folder_is_skipped_not_read() {
    let dir = std::env::temp_dir().join(format!("plateau-cli-fifo-{}", std::process::id()));
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(KERAS),
        logs.join("history.csv"),
    )
    .unwrap();
    let made = Command::new("mkfifo")
        .arg(logs.join("pipe.csv"))
        .status()
        .unwrap();
    assert!(made.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_plateau"))
        .args(["check", logs.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut waited = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if waited > 1200 {
            child.kill().unwrap();
            panic!("plateau check blocked on the named pipe");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    };
    let out = child.wait_with_output().unwrap();
    assert!(status.success());
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.contains("overfitting"), "{shown}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `plateau check … | head`: a reader that closes before the output is written is no crash
/// (`println!` panicked with "failed printing to stdout"); the exit code stays the command's own.
#[test]
fn closed_standard_output_ends_quietly_with_the_commands_exit_code() {
    for (args, code) in [
        (vec!["check", "--json", KERAS], 0),
        (vec!["check", KERAS], 0),
        (
            vec!["check", "--fail-on", "overfitting,plateau,improving", KERAS],
            1,
        ),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_plateau"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary runs");
        // The read end closes before the command writes anything: every write fails with EPIPE.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("it ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    }
}
