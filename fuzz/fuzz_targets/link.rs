//! Any text as a share link's `d` value: a drop or one sentence, never a panic or a blow-up; a
//! drop that decodes encodes back to a link that decodes to the same drop.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plateau::share::{decode, encode};

/// Drops up to this many values are encoded again: encoding is linear but slow per value (it
/// tries several column codings), and a larger drop would only measure that.
const ROUNDTRIP_VALUES: usize = 100_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(drop) = decode(text) else {
        return;
    };
    let values: usize = drop.runs.iter().flat_map(|r| &r.series).map(|s| 2 * s.len()).sum();
    if values <= ROUNDTRIP_VALUES {
        let again = decode(&encode(&drop)).expect("a re-encoded link decodes");
        assert_eq!(again.runs.len(), drop.runs.len());
        assert_eq!(again.warnings, drop.warnings);
    }
});
