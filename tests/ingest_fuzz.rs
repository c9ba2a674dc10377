//! Any bytes through `ingest::read` give runs or an error sentence, never a panic.
#![cfg(not(target_arch = "wasm32"))]

use plateau::ingest::{read, Input};
use proptest::prelude::*;

/// Every real fixture, as (name, bytes).
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root).expect("fixtures exist") {
        let dir = dir.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("fixture folder") {
            let path = file.expect("entry").path();
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            out.push((name, std::fs::read(&path).expect("readable")));
        }
    }
    out.sort();
    out
}

/// Reads and, when it fails, checks the error still renders as one sentence.
fn read_one(name: &str, bytes: &[u8]) {
    if let Err(e) = read(&[Input { name, bytes }]) {
        let sentence = e.to_string();
        assert!(
            sentence.starts_with(name) || sentence.starts_with("no file"),
            "{sentence}"
        );
        assert!(!sentence.contains('\n'), "{sentence}");
    }
}

/// Bytes that look like the start of every dialect, to steer random data past detection.
const STARTS: [&[u8]; 8] = [
    b"epoch,loss,val_loss\n",
    b"Wall time,Step,Value\n",
    b"\"Step\",\"run - loss\",\"run - loss__MIN\"\n",
    b"epoch,step,train_loss,val_loss\n",
    b"   epoch,  train/box_loss, metrics/mAP50(B)\n",
    b"{\"log_history\": [",
    b"{\"iteration\": 19, \"loss\": 1}\n",
    b"a;b;c\n1,0;2;3\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        read_one("random.csv", &bytes);
    }

    #[test]
    fn random_text_after_a_dialect_header_never_panics(
        start in 0..STARTS.len(),
        body in "[0-9a-zA-Z,;\"\\.\\-\\r\\n\\t :{}\\[\\]|]{0,300}",
        name in prop::sample::select(vec!["metrics.csv", "trainer_state.json", "run-a-tag-loss.csv", "x.csv"]),
    ) {
        let mut bytes = STARTS[start].to_vec();
        bytes.extend_from_slice(body.as_bytes());
        read_one(name, &bytes);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let all = fixtures();
        let (name, original) = which.get(&all);
        let mut bytes = original.clone();
        for (at, byte, op) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        read_one(name, &bytes);
    }

    #[test]
    fn truncated_fixtures_never_panic(which in any::<prop::sample::Index>(), cut in any::<prop::sample::Index>()) {
        let all = fixtures();
        let (name, bytes) = which.get(&all);
        read_one(name, &bytes[..cut.index(bytes.len() + 1)]);
    }
}
