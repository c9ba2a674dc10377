//! Any bytes under any file name: runs or one error sentence, never a panic, a hang or a blow-up;
//! the chunked reader agrees with the whole-file reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plateau::ingest::{read, Input, Stream};

/// File names that steer `detect` to each dialect.
const NAMES: [&str; 8] = [
    "log.csv",
    "metrics.csv",
    "results.csv",
    "history.csv",
    "run-a-tag-loss.csv",
    "trainer_state.json",
    "metrics.json",
    "log.tsv",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let whole = read(&[Input { name, bytes }]);
    let mut stream = Stream::new();
    stream.begin(name, bytes.len());
    // Chunk sizes from the first byte too, so that line and chunk ends fall anywhere.
    let chunk = 1 + usize::from(pick >> 3) * 37;
    let pushed = bytes.chunks(chunk).try_for_each(|c| stream.push(c));
    let streamed = pushed.and_then(|()| stream.finish());
    if let Ok(drop) = &whole {
        let report = plateau::analyze(drop, &plateau::Options::default());
        assert_eq!(report.runs.len(), drop.runs.len());
    }
    // Compared as printed: NaN equals NaN there, and -0.0 still differs from 0.0.
    let shown = |r: &Result<plateau::Dropped, plateau::Error>| match r {
        Ok(drop) => format!("{drop:?}"),
        Err(e) => format!("error: {e}"),
    };
    assert_eq!(
        shown(&whole),
        shown(&streamed),
        "the chunked reader and the whole-file reader disagree"
    );
});
