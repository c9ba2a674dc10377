//! Any text as a share link's `d` value: a drop or one sentence, never a panic or a blow-up; a
//! drop that decodes encodes back to a link that decodes to the same drop.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plateau::share::{decode, encode};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(drop) = decode(text) {
        let again = decode(&encode(&drop)).expect("a re-encoded link decodes");
        assert_eq!(again.runs.len(), drop.runs.len());
        assert_eq!(again.warnings, drop.warnings);
    }
});
