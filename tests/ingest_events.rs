//! TensorBoard event files, MLflow run folders and whole log folders, written by the real writers
//! (tests/writers/make_logs.py: tensorboardX, tensorboard's EventFileWriter, mlflow) in a fresh
//! folder per test run, each read beside the CSV or JSON log the same training would have written.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

mod common {
    pub mod folders;
}
use common::folders::files_of;
use std::sync::OnceLock;

use plateau::ingest::{read, read_folder, Input, Stream};
use plateau::model::{Axis, Role, Run};
use plateau::{analyze, Dropped, Options};

/// The folder the writers filled (once per test binary).
fn logs() -> &'static Path {
    static LOGS: OnceLock<PathBuf> = OnceLock::new();
    LOGS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = std::env::temp_dir().join(format!("plateau-writers-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let status = std::process::Command::new(root.join(".tools/venv/bin/python"))
            .arg(root.join("tests/writers/make_logs.py"))
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .status()
            .expect("the writers' Python is in .tools/venv (scripts/setup.sh installs it)");
        assert!(status.success(), "tests/writers/make_logs.py failed");
        out
    })
}

fn inputs(files: &[(String, Vec<u8>)]) -> Vec<Input<'_>> {
    files
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect()
}

fn folder(name: &str) -> Dropped {
    read_folder(&inputs(&files_of(&logs().join(name)))).unwrap_or_else(|e| panic!("{e}"))
}

fn file(name: &str) -> Dropped {
    let bytes = std::fs::read(logs().join(name)).unwrap();
    read(&[Input {
        name,
        bytes: &bytes,
    }])
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The one event file in a folder of the written logs.
fn event_file(dir: &str) -> (String, Vec<u8>) {
    files_of(&logs().join(dir))
        .into_iter()
        .find(|(n, _)| n.contains("tfevents") && n.matches('/').count() == 1)
        .expect("an event file")
}

fn only(drop: &Dropped) -> &Run {
    assert_eq!(
        drop.runs.len(),
        1,
        "runs: {:?}",
        drop.runs.iter().map(|r| &r.name).collect::<Vec<_>>()
    );
    &drop.runs[0]
}

/// The same series (x, y, axis, role, partner) under `names` in both runs, and the same verdict,
/// monitor and evidence for both drops.
fn assert_equivalent(a: &Dropped, b: &Dropped, names: &[&str]) {
    let (ra, rb) = (only(a), only(b));
    for name in names {
        let (sa, sb) = (ra.series(name), rb.series(name));
        let (Some(sa), Some(sb)) = (sa, sb) else {
            panic!(
                "`{name}`: {:?} vs {:?}",
                sa.map(|s| &s.name),
                sb.map(|s| &s.name)
            );
        };
        assert_eq!(sa.x, sb.x, "{name} x");
        // Within a rounding of the last digit (serde_json's float parsing of a JSON log).
        let close = sa.y.len() == sb.y.len()
            && sa
                .y
                .iter()
                .zip(&sb.y)
                .all(|(a, b)| (a - b).abs() <= 1e-15 * a.abs().max(b.abs()));
        assert!(close, "{name} y: {:?} vs {:?}", sa.y, sb.y);
        assert_eq!(
            (sa.axis, sa.role, &sa.partner),
            (sb.axis, sb.role, &sb.partner),
            "{name}"
        );
    }
    let (ja, jb) = (
        analyze(a, &Options::default()),
        analyze(b, &Options::default()),
    );
    let (va, vb) = (&ja.runs[0], &jb.runs[0]);
    assert_eq!((va.verdict, &va.monitor), (vb.verdict, &vb.monitor));
    assert_eq!(va.evidence, vb.evidence);
}

#[test]
fn lightning_events_alone_judge_like_its_metrics_csv() {
    let events = folder("lightning_tb");
    let run = only(&events);
    assert_eq!(
        (run.name.as_str(), run.dialect.name()),
        ("version_0", "lightning")
    );
    assert_equivalent(
        &events,
        &file("lightning_metrics.csv"),
        &["train_loss", "val_loss", "epoch"],
    );
}

#[test]
fn lightning_version_folder_is_one_run_with_hparams_and_checkpoints_skipped() {
    let drop = folder("lightning_logs");
    let run = only(&drop);
    assert_eq!(run.name, "version_0");
    assert!(run.source.contains("metrics.csv") && run.source.contains("tfevents"));
    assert!(run.info.contains(&("lr".to_string(), "0.001".to_string())));
    assert!(run
        .info
        .contains(&("hidden".to_string(), "128".to_string())));
    assert!(drop.warnings.iter().any(|w| w
        .starts_with("1 file in the folder is not a training log")
        && w.contains("epoch=29-step=2999.ckpt")));
    // The histogram was skipped; no series is there twice.
    let mut names: Vec<&str> = run.series.iter().map(|s| s.name.as_str()).collect();
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count);
    assert!(!names.contains(&"weights"));
    assert_equivalent(
        &drop,
        &file("lightning_metrics.csv"),
        &["train_loss", "val_loss"],
    );
}

#[test]
fn keras_train_and_validation_folders_pair_epoch_loss_like_csvlogger() {
    let drop = folder("keras_logs");
    let run = only(&drop);
    assert_eq!(
        (run.name.as_str(), run.dialect.name()),
        ("keras_logs", "keras")
    );
    let val = run.series("val_loss").unwrap();
    assert_eq!(
        (val.role, val.axis, val.partner.as_deref()),
        (Role::Validation, Axis::Epoch, Some("loss"))
    );
    assert_equivalent(&drop, &file("keras_log.csv"), &["loss", "val_loss"]);
}

#[test]
fn hugging_face_runs_folder_judges_like_trainer_state() {
    let drop = folder("hf_runs");
    let run = only(&drop);
    assert_eq!(
        (run.name.as_str(), run.dialect.name()),
        ("runs/Nov30_12-00-00_host", "hf_trainer")
    );
    assert!(run.series("train_runtime").is_none() && run.series("epoch").is_none());
    assert_equivalent(
        &drop,
        &file("hf_trainer_state.json"),
        &["loss", "eval_loss", "learning_rate"],
    );
    // The hyper-parameters `add_hparams` wrote into a sub-folder of the session are the run's.
    assert!(
        !drop.warnings.iter().any(|w| w.contains("no scalar curves")),
        "{:?}",
        drop.warnings
    );
    assert!(
        run.info.iter().any(|(k, _)| k == "learning_rate"),
        "{:?}",
        run.info
    );
}

/// Only hyper-parameters that an event file in a sub-folder holds (`add_hparams`) go to the parent
/// run: a sub-folder's `hparams.yaml` is another run's, and so is anything beside a skipped file.
#[test]
fn side_folder_details_go_to_the_parent_only_from_event_files() {
    let (_, events) = event_file("tb_logs/exp2");
    let (hf_name, hf_bytes) = files_of(&logs().join("hf_runs"))
        .into_iter()
        .find(|(n, _)| n.contains("tfevents") && n.matches('/').count() == 4)
        .expect("the add_hparams event file");
    let hparams = hf_name.rsplit('/').next().unwrap().to_string();
    let files = vec![
        ("logdir/events.out.tfevents.1".to_string(), events.clone()),
        (
            "logdir/run2/hparams.yaml".to_string(),
            b"lr: 0.9\n".to_vec(),
        ),
        ("logdir/run3/model.bin".to_string(), vec![0u8, 1, 2, 3, 255]),
        (format!("logdir/run3/{hparams}"), hf_bytes.clone()),
    ];
    let drop = read_folder(&inputs(&files)).unwrap();
    let run = only(&drop);
    assert!(run.info.iter().all(|(k, _)| k != "lr"), "{:?}", run.info);
    assert!(
        run.info.iter().all(|(k, _)| k != "learning_rate"),
        "{:?}",
        run.info
    );
    // Alone beside the run, the add_hparams file's values are the run's.
    let files = vec![
        ("logdir/events.out.tfevents.1".to_string(), events),
        (format!("logdir/run3/{hparams}"), hf_bytes),
    ];
    let drop = read_folder(&inputs(&files)).unwrap();
    assert!(only(&drop).info.iter().any(|(k, _)| k == "learning_rate"));
}

#[test]
fn mlflow_store_runs_are_named_by_run_name_with_params() {
    let drop = folder("mlruns");
    let names: Vec<&str> = drop.runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(
        names.contains(&"baseline") && names.contains(&"wide"),
        "{names:?}"
    );
    let baseline = drop.runs.iter().find(|r| r.name == "baseline").unwrap();
    assert_eq!(baseline.dialect.name(), "mlflow");
    assert!(baseline
        .info
        .contains(&("lr".to_string(), "0.01".to_string())));
    let alone = Dropped {
        runs: vec![baseline.clone()],
        warnings: Vec::new(),
    };
    assert_equivalent(&alone, &file("mlflow_baseline.csv"), &["loss", "val_loss"]);
}

#[test]
fn nested_log_folders_are_runs_named_by_path_and_other_files_are_counted() {
    let drop = folder("tb_logs");
    let mut names: Vec<&str> = drop.runs.iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["exp1/seed_a", "exp1/seed_b", "exp2"]);
    assert!(drop
        .warnings
        .iter()
        .any(|w| w.starts_with("2 files in the folder are not a training log")));
    for run in &drop.runs {
        assert_eq!(run.series("loss/validation").unwrap().len(), 50);
    }
}

#[test]
fn rank0_tensors_of_float_double_and_half_decode() {
    let drop = folder("dtypes");
    let run = only(&drop);
    for name in ["loss_float", "loss_double", "loss_half"] {
        let s = run.series(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(s.x, [0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.y, [0.5, 0.75, 1.0, 1.25, 1.5], "{name}");
    }
}

/// The byte offsets where each record of an event file starts.
fn record_starts(bytes: &[u8]) -> Vec<usize> {
    let mut at = 0;
    let mut starts = Vec::new();
    while at + 12 <= bytes.len() {
        starts.push(at);
        at += 16 + u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    }
    starts
}

/// As TensorBoard does, the scalars before a damaged record are kept (with a warning naming the
/// record and its byte); a file damaged before its first scalar has nothing to show and is an
/// error naming them.
#[test]
fn damaged_record_keeps_the_points_before_it_and_is_named_by_number_and_byte() {
    let (name, mut bytes) = event_file("keras_logs/train");
    let starts = record_starts(&bytes);
    bytes[starts[2] + 13] ^= 0x40;
    let drop = read(&[Input {
        name: &name,
        bytes: &bytes,
    }])
    .unwrap();
    let loss = drop.runs[0].series("loss").unwrap();
    assert_eq!(loss.x, [0.0], "the epoch before the damage");
    assert_eq!(
        drop.warnings,
        [format!(
            "{name} record 3 (byte {}): the data checksum does not match: the event file is \
             damaged from there on; the 1 point before it is shown.",
            starts[2]
        )]
    );
    bytes[starts[2] + 13] ^= 0x40;
    bytes[starts[1]] ^= 1;
    let err = read(&[Input {
        name: &name,
        bytes: &bytes,
    }])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("record 2") && err.contains("length checksum"),
        "{err}"
    );
}

#[test]
fn partly_written_last_record_is_ignored_with_a_warning() {
    let (name, bytes) = event_file("tb_logs/exp2");
    let whole = read(&[Input {
        name: &name,
        bytes: &bytes,
    }])
    .unwrap();
    // The file ends with an image: cut into the last scalar record before it.
    let starts = record_starts(&bytes);
    let last = starts[starts.len() - 2];
    let cut = read(&[Input {
        name: &name,
        bytes: &bytes[..last + 15],
    }])
    .unwrap();
    let said = format!("record {} (byte {last}) is cut off", starts.len() - 1);
    assert!(
        cut.warnings.iter().any(|w| w.contains(&said)),
        "{:?}",
        cut.warnings
    );
    let points = |d: &Dropped| d.runs[0].series.iter().map(|s| s.len()).sum::<usize>();
    assert!(points(&cut) < points(&whole));
}

#[test]
fn hostile_length_field_waits_for_bytes_instead_of_allocating() {
    // A valid frame header claiming a 1 TB record, then a few bytes: a cut-off record, nothing more.
    let (name, bytes) = event_file("tb_logs/exp2");
    let mut hostile = bytes[..record_starts(&bytes)[1]].to_vec();
    let length = (1u64 << 40).to_le_bytes();
    let crc = crc32c_masked(&length);
    hostile.extend_from_slice(&length);
    hostile.extend_from_slice(&crc.to_le_bytes());
    hostile.extend_from_slice(&[0; 64]);
    let err = read(&[Input {
        name: &name,
        bytes: &hostile,
    }])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("is cut off after 76 of 1099511627792 bytes"),
        "{err}"
    );
}

/// TFRecord's masked CRC-32C, written out from its definition for the test above.
fn crc32c_masked(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x82f6_3b78
            } else {
                crc >> 1
            };
        }
    }
    (!crc).rotate_right(15).wrapping_add(0xa282_ead8)
}

#[test]
fn event_file_read_in_chunks_equals_reading_it_whole() {
    // The train file holds a 5 KB graph record: small chunks split it many times.
    let files = files_of(&logs().join("keras_logs"));
    let whole = read_folder(&inputs(&files)).unwrap();
    for chunk in [1, 7, 4096, 1 << 20] {
        let mut stream = Stream::folder();
        for (name, bytes) in &files {
            stream.begin(name, bytes.len());
            for piece in bytes.chunks(chunk) {
                stream.push(piece).unwrap();
            }
            stream.end().unwrap();
        }
        assert_eq!(stream.finish().unwrap(), whole, "chunks of {chunk}");
    }
}

#[test]
fn folder_without_any_log_is_one_sentence() {
    let files = vec![("pics/a.png".to_string(), b"\x89PNG\r\n\x1a\n".to_vec())];
    let err = read_folder(&inputs(&files)).unwrap_err().to_string();
    assert_eq!(err, "no training curve found: 1 file skipped (first: pics/a.png is a PNG image, not a training log: expected a CSV or JSON log).");
}

#[test]
fn single_damaged_file_outside_a_folder_stays_an_error() {
    let err = read(&[Input {
        name: "a.png",
        bytes: b"\x89PNG\r\n\x1a\n",
    }])
    .unwrap_err();
    assert!(err.to_string().starts_with("a.png is a PNG image"));
}

/// `plateau check --json` on paths, as JSON.
fn cli(paths: &[&Path]) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plateau"))
        .args(["check", "--json"])
        .args(paths)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn cli_checks_a_folder_like_the_equivalent_csv() {
    for (dir, csv) in [
        ("lightning_logs", "lightning_metrics.csv"),
        ("keras_logs", "keras_log.csv"),
        ("hf_runs", "hf_trainer_state.json"),
    ] {
        let folder = cli(&[&logs().join(dir)]);
        let alone = cli(&[&logs().join(csv)]);
        let (f, a) = (&folder["runs"][0], &alone["runs"][0]);
        assert_eq!(folder["runs"].as_array().unwrap().len(), 1, "{dir}");
        for key in ["verdict", "monitor", "evidence", "advice"] {
            assert_eq!(f[key], a[key], "{dir}: {key}");
        }
    }
}

/// Re-frames records with correct checksums, so that mutated data reaches the protobuf decoder.
fn framed(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for data in records {
        let length = (data.len() as u64).to_le_bytes();
        out.extend_from_slice(&length);
        out.extend_from_slice(&crc32c_masked(&length).to_le_bytes());
        out.extend_from_slice(data);
        out.extend_from_slice(&crc32c_masked(data).to_le_bytes());
    }
    out
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any bytes inside well-framed records give scalars, warnings or one sentence naming the
        /// file, never a panic.
        #[test]
        fn mutated_event_records_never_panic(
            edits in proptest::collection::vec((any::<usize>(), any::<usize>(), any::<u8>()), 1..8),
        ) {
            let (name, bytes) = event_file("keras_logs/validation");
            let mut records: Vec<Vec<u8>> = record_starts(&bytes)
                .iter()
                .map(|&at| {
                    let n = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
                    bytes[at + 12..at + 12 + n].to_vec()
                })
                .collect();
            let count = records.len();
            for (r, i, b) in edits {
                let data = &mut records[r % count];
                if !data.is_empty() {
                    let i = i % data.len();
                    data[i] = b;
                }
            }
            let mutated = framed(&records);
            if let Err(e) = read(&[Input { name: &name, bytes: &mutated }]) {
                let sentence = e.to_string();
                prop_assert!(sentence.contains(&name), "{}", sentence);
                prop_assert!(!sentence.contains('\n'));
            }
        }
    }
}

#[test]
fn event_files_under_folders_named_params_or_tags_are_still_runs() {
    // A sweep laid out as `params/<value>/` is no MLflow params folder: its event files are logs.
    let (_, bytes) = event_file("tb_logs/exp2");
    for dir in ["sweep/params/lr_0.1", "sweep/tags/baseline"] {
        let name = format!("{dir}/events.out.tfevents.1.host");
        let drop = read_folder(&[Input {
            name: &name,
            bytes: &bytes,
        }])
        .unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(drop.runs.len(), 1, "{dir}");
        assert_eq!(drop.runs[0].name, dir.strip_prefix("sweep/").unwrap());
    }
}

#[test]
fn weights_file_in_a_folder_is_skipped_after_its_head() {
    // A safetensors file: an 8-byte length (NUL bytes), then JSON, then gigabytes of weights. The
    // worker stops reading it once its first bytes are in, instead of buffering it whole.
    let (name, bytes) = event_file("tb_logs/exp2");
    let mut weights = 120u64.to_le_bytes().to_vec();
    weights.extend_from_slice(br#"{"__metadata__":{"format":"pt"}}"#);
    weights.resize(1 << 16, 7);
    let mut stream = Stream::folder();
    stream.begin("out/model.safetensors", 1 << 30);
    stream.push(&weights).unwrap();
    assert!(!stream.reading(), "still reading a weights file");
    stream.end().unwrap();
    stream.begin(&name, bytes.len());
    stream.push(&bytes).unwrap();
    stream.end().unwrap();
    let drop = stream.finish().unwrap();
    assert!(
        drop.warnings
            .iter()
            .any(|w| w.contains("not a training log and was skipped: out/model.safetensors")),
        "{:?}",
        drop.warnings
    );
}

#[test]
fn damaged_event_file_in_a_folder_is_a_warning_naming_its_record() {
    let (name, mut bytes) = event_file("tb_logs/exp2");
    let (other, good) = event_file("keras_logs/train");
    let start = record_starts(&bytes)[2];
    bytes[start + 13] ^= 0x40;
    let drop = read_folder(&[
        Input {
            name: &name,
            bytes: &bytes,
        },
        Input {
            name: &other,
            bytes: &good,
        },
    ])
    .unwrap();
    let said = format!("{name} record 3 (byte {start}): the data checksum does not match");
    assert!(
        drop.warnings.iter().any(|w| w.starts_with(&said)),
        "{:?}",
        drop.warnings
    );
    assert!(!drop
        .warnings
        .iter()
        .any(|w| w.contains("not a training log")));
}

#[test]
fn event_file_in_every_chunk_size_up_to_64_equals_reading_it_whole() {
    // Every way a record's 12-byte header, data and 4-byte footer can fall across chunk ends.
    let (name, bytes) = event_file("tb_logs/exp2");
    let cut = &bytes[..bytes.len() - 5];
    for bytes in [&bytes[..], cut] {
        let whole = read(&[Input { name: &name, bytes }]).map_err(|e| e.to_string());
        for chunk in 1..=64 {
            let mut stream = Stream::new();
            stream.begin(&name, bytes.len());
            for piece in bytes.chunks(chunk) {
                stream.push(piece).unwrap();
            }
            stream.end().unwrap();
            let got = stream.finish().map_err(|e| e.to_string());
            assert_eq!(got, whole, "chunks of {chunk}");
        }
    }
}

#[test]
fn deleted_mlflow_runs_are_left_out_as_mlflow_ui_leaves_them_out() {
    let mut files = files_of(&logs().join("mlruns"));
    // `mlflow.delete_run` rewrites the run's meta.yaml; deleting an experiment moves it to .trash/.
    for (name, bytes) in &mut files {
        let text = String::from_utf8_lossy(bytes).into_owned();
        if name.ends_with("/meta.yaml") && text.contains("run_name: wide") {
            *bytes = text
                .replace("lifecycle_stage: active", "lifecycle_stage: deleted")
                .into_bytes();
        }
    }
    let drop = read_folder(&inputs(&files)).unwrap();
    let names: Vec<&str> = drop.runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["baseline"]);
    assert!(
        drop.warnings
            .iter()
            .any(|w| w.starts_with("1 deleted MLflow run skipped")),
        "{:?}",
        drop.warnings
    );
    let trashed: Vec<(String, Vec<u8>)> = files_of(&logs().join("mlruns"))
        .into_iter()
        .map(|(name, bytes)| (name.replacen("mlruns/", "mlruns/.trash/", 1), bytes))
        .collect();
    let err = read_folder(&inputs(&trashed)).unwrap_err().to_string();
    assert!(err.contains("2 deleted MLflow runs skipped"), "{err}");
}

#[test]
fn damaged_event_file_is_not_read_past_its_damaged_record() {
    let (name, mut bytes) = event_file("keras_logs/train");
    let start = record_starts(&bytes)[2];
    bytes[start + 13] ^= 0x40;
    let whole = read(&[Input {
        name: &name,
        bytes: &bytes,
    }])
    .unwrap();
    let mut stream = Stream::new();
    stream.begin(&name, bytes.len());
    let mut pushed = 0;
    for piece in bytes.chunks(64) {
        if !stream.reading() {
            break;
        }
        stream.push(piece).unwrap();
        pushed += piece.len();
    }
    assert!(pushed < bytes.len(), "read all {pushed} bytes");
    // A followed file says so at every look, not only at its end.
    let look = stream.snapshot().unwrap();
    assert_eq!(look.warnings, whole.warnings);
    stream.end().unwrap();
    assert_eq!(stream.finish().unwrap(), whole);
}
