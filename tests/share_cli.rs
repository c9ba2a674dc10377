#![cfg(not(target_arch = "wasm32"))]
//! `plateau link`: the same link as the page's Share button, from the command line.

use std::process::Command;

use plateau::share::decode;
use plateau::{ingest, Input};

const EXAMPLE: &str = "www/examples/keras-tomato-leaf.csv";

fn plateau(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_plateau"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the plateau binary runs")
}

#[test]
fn link_prints_base_settings_and_data_that_decodes_to_the_file() {
    let out = plateau(&[
        "link",
        "--base",
        "https://example.org/plateau/",
        "--monitor",
        "val accuracy",
        EXAMPLE,
    ]);
    assert!(out.status.success());
    let url = String::from_utf8(out.stdout).unwrap();
    let fragment = url
        .trim()
        .strip_prefix("https://example.org/plateau/#monitor=val%20accuracy&d=")
        .unwrap_or_else(|| panic!("unexpected link {url}"));
    let bytes =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE)).unwrap();
    let expected = ingest::read(&[Input {
        name: EXAMPLE,
        bytes: &bytes,
    }])
    .unwrap();
    assert_eq!(decode(fragment).unwrap(), expected);
}

#[test]
fn link_defaults_to_index_html() {
    let out = plateau(&["link", EXAMPLE]);
    let url = String::from_utf8(out.stdout).unwrap();
    assert!(url.starts_with("index.html#d=2"), "{url}");
}

#[test]
fn link_of_a_missing_file_is_an_error_sentence_and_exit_2() {
    let out = plateau(&["link", "no/such/file.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error: cannot read no/such/file.csv"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn link_of_an_unreadable_log_is_the_ingest_error() {
    let dir = std::env::temp_dir().join(format!("plateau-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let notes = dir.join("notes.csv");
    std::fs::write(&notes, "name,comment\nalpha,beta\n").unwrap();
    let out = plateau(&["link", notes.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("has no numeric column"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn link_over_a_megabyte_warns_and_names_the_alternatives() {
    let dir = std::env::temp_dir().join(format!("plateau-long-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("long.csv");
    let mut text = String::from("step,loss\n");
    let mut state = 1u64;
    for step in 0..120_000 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let loss = 1.0 + (state >> 11) as f64 / (1u64 << 53) as f64;
        text.push_str(&format!("{step},{loss}\n"));
    }
    std::fs::write(&log, text).unwrap();
    let out = plateau(&["link", log.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(out.stdout.len() > plateau::share::LONG_LINK);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("warning: this link is"), "{err}");
    assert!(
        err.contains("?src=URL") && err.contains("plateau.html"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
