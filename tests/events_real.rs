//! Real TensorBoard event files from public repositories (`shared/fixtures/events/`, beside the
//! project; PROVENANCE.md there). They are read in place, never copied; the tests do nothing
//! where that folder is absent. `cases.csv` gives each case's tags, point counts and verdicts.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

mod common {
    pub mod folders;
}
use common::folders::files_of;

use plateau::ingest::{read, Input};
use plateau::{check_folder, Options, Verdict};

/// The shared fixtures: `PLATEAU_EVENT_FIXTURES`, else `../shared/fixtures/events` beside the clone.
fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("PLATEAU_EVENT_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/events"));
    dir.join("cases.csv").is_file().then_some(dir)
}

struct Case {
    name: String,
    /// (folder of the file or "", tag, points) from the `points` column.
    points: Vec<(String, String, usize)>,
    accept: Vec<String>,
}

fn cases(dir: &Path) -> Vec<Case> {
    let mut reader = csv::Reader::from_path(dir.join("cases.csv")).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let points = r[4]
                .split(';')
                .map(|p| {
                    let (tag, n) = p.rsplit_once('=').unwrap();
                    let (side, tag) = tag.split_once(':').unwrap_or(("", tag));
                    // `2 (+1 duplicate … in .4)`: 2 in the file that holds the tag's run.
                    let count: usize = n
                        .split(|c: char| !c.is_ascii_digit())
                        .find_map(|d| d.parse::<usize>().ok())
                        .unwrap_or(0);
                    (side.to_string(), tag.to_string(), count)
                })
                .collect();
            Case {
                name: r[0].to_string(),
                points,
                accept: r[5].split(';').map(str::to_string).collect(),
            }
        })
        .collect()
}

fn case_files(dir: &Path, case: &str) -> Vec<(String, Vec<u8>)> {
    files_of(&dir.join(case))
}

#[test]
fn real_event_files_hold_the_tags_and_points_tensorboard_reads() {
    let Some(dir) = fixtures() else { return };
    for case in cases(&dir) {
        let files = case_files(&dir, &case.name);
        for (side, tag, count) in &case.points {
            // Each event file read alone, without its folders, keeps its raw tag names; the file
            // with most points of the tag has the count.
            let read_points: usize = files
                .iter()
                .filter(|(n, _)| n.contains("tfevents"))
                .filter(|(n, _)| side.is_empty() || n.contains(&format!("/{side}/")))
                .filter_map(|(path, bytes)| {
                    let name = path.rsplit('/').next().unwrap_or(path);
                    read(&[Input { name, bytes }]).ok()
                })
                .filter_map(|d| {
                    // A Trainer's tags are read under its trainer_state.json names (`eval/loss` → `eval_loss`).
                    let trainer = tag
                        .strip_prefix("train/")
                        .map_or_else(|| tag.replacen('/', "_", 1), str::to_string);
                    let run = &d.runs[0];
                    run.series(tag)
                        .or_else(|| run.series(&trainer))
                        .map(|s| s.len())
                })
                .max()
                .unwrap_or(0);
            // An exact repeat of a point (Lightning's `epoch` at validation steps) is read once.
            if tag != "epoch" {
                assert_eq!(read_points, *count, "{} {side}:{tag}", case.name);
            } else {
                assert!(
                    read_points > 0 && read_points <= *count,
                    "{} epoch",
                    case.name
                );
            }
        }
    }
}

#[test]
fn real_event_folders_get_the_verdicts_a_careful_reader_gives() {
    let Some(dir) = fixtures() else { return };
    // e02 (read as overfitting: its validation loss sits 6% over a lucky best reached 174 epochs
    // before the end, 2.7 noise SDs) is reported, not pinned. e03 has no validation series: its
    // test loss, the only held-out signal, is monitored.
    let pinned = ["e01", "e03", "e04", "e05"];
    for case in cases(&dir)
        .into_iter()
        .filter(|c| pinned.contains(&c.name.as_str()))
    {
        let files = case_files(&dir, &case.name);
        let inputs: Vec<Input<'_>> = files
            .iter()
            .map(|(name, bytes)| Input { name, bytes })
            .collect();
        let (drop, report) = check_folder(&inputs, &Options::default()).unwrap();
        assert_eq!(drop.runs.len(), 1, "{}", case.name);
        let verdict: Verdict = report.runs[0].verdict;
        assert!(
            case.accept.iter().any(|a| a == verdict.as_str()),
            "{}: {}",
            case.name,
            verdict.as_str()
        );
    }
}
