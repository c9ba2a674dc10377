#![cfg(not(target_arch = "wasm32"))]
//! The link decoder trusts nothing: damaged, truncated, oversized and crafted links are refused with
//! one sentence, never a panic or a huge allocation.

use plateau::share::{decode, encode, pack as crafted, LinkError, MAX_UNPACKED};
use plateau::{ingest, Input};

const KERAS: &str = include_str!("../www/examples/keras-tomato-leaf.csv");

fn example_link() -> String {
    let drop = ingest::read(&[Input {
        name: "keras-tomato-leaf.csv",
        bytes: KERAS.as_bytes(),
    }])
    .unwrap();
    encode(&drop)
}

fn sentence(e: &LinkError) -> String {
    let s = e.to_string();
    assert!(s.starts_with("the share link"), "{s}");
    assert!(s.ends_with('.'), "{s}");
    assert_eq!(s.matches(". ").count(), 0, "one sentence: {s}");
    s
}

#[test]
fn every_truncation_of_a_link_is_refused_with_a_sentence() {
    let link = example_link();
    for cut in 0..link.len() {
        match decode(&link[..cut]) {
            Err(e) => {
                sentence(&e);
            }
            Ok(_) => panic!("a link cut at {cut} of {} was accepted", link.len()),
        }
    }
}

#[test]
fn flipped_characters_never_panic() {
    let link = example_link();
    let alphabet = b"AZaz09-_";
    for i in 1..link.len() {
        for &c in alphabet {
            let mut bytes = link.clone().into_bytes();
            bytes[i] = c;
            if let Err(e) = decode(std::str::from_utf8(&bytes).unwrap()) {
                sentence(&e);
            }
        }
    }
}

#[test]
fn empty_link_says_it_carries_no_data() {
    assert_eq!(decode(""), Err(LinkError::Empty));
}

#[test]
fn unknown_version_is_named() {
    let err = decode("9abc").unwrap_err();
    assert!(sentence(&err).contains("version `9`"));
}

#[test]
fn a_version_character_that_reorders_text_is_named_as_an_escape() {
    let err = decode("\u{202E}abc").unwrap_err();
    let s = sentence(&err);
    assert!(
        s.contains("version `\\u{202e}`") && !s.contains('\u{202E}'),
        "{s:?}"
    );
}

#[test]
fn characters_outside_base64url_are_located() {
    let err = decode("1AAAA<script>").unwrap_err();
    assert_eq!(err, LinkError::Base64 { position: 4 });
    sentence(&err);
}

#[test]
fn deflate_bomb_is_refused_before_it_unpacks() {
    let zeros = vec![0u8; MAX_UNPACKED + 1024];
    let link = crafted(&zeros);
    assert!(link.len() < 200_000, "the bomb is small: {}", link.len());
    assert_eq!(decode(&link), Err(LinkError::TooLarge));
}

#[test]
fn huge_counts_are_refused_without_allocating() {
    // warnings: 0, runs: 2^62.
    let mut payload = vec![0u8];
    payload.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    let err = decode(&crafted(&payload)).unwrap_err();
    assert!(sentence(&err).contains("the number of runs"), "{err}");
}

#[test]
fn linear_column_claiming_billions_of_points_is_refused() {
    // One run "r" with one series "s": epoch axis, n = 2^40 points in a 16-byte linear column.
    let mut payload = vec![0u8, 1, 1, b'r', 0, 0, 1, 1, b's', 0, 0, 0, 0];
    payload.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    payload.push(1);
    payload.extend_from_slice(&0f64.to_bits().to_le_bytes());
    payload.extend_from_slice(&1f64.to_bits().to_le_bytes());
    payload.push(0);
    assert_eq!(decode(&crafted(&payload)), Err(LinkError::TooLarge));
}

#[test]
fn unknown_enum_byte_is_damage_at_its_offset() {
    // One run "r", one series "s" whose axis byte is 9 (byte 9 of the payload).
    let payload = [0u8, 1, 1, b'r', 0, 0, 1, 1, b's', 9, 0, 0, 0, 0, 1, 0, 0];
    let err = decode(&crafted(&payload)).unwrap_err();
    assert_eq!(
        err,
        LinkError::Damaged {
            offset: 9,
            expected: "an axis 0 to 3".into()
        }
    );
    sentence(&err);
}

#[test]
fn invalid_utf8_name_is_damage() {
    let payload = [0u8, 1, 2, 0xff, 0xfe, 0, 0, 0];
    let err = decode(&crafted(&payload)).unwrap_err();
    assert!(sentence(&err).contains("UTF-8"), "{err}");
}

#[test]
fn trailing_bytes_are_damage() {
    let err = decode(&crafted(&[0, 0, 42])).unwrap_err();
    assert_eq!(
        err,
        LinkError::Damaged {
            offset: 2,
            expected: "the end of the data".into()
        }
    );
}

#[test]
fn exception_position_outside_the_column_is_damage() {
    // One series of 2 points: x linear, y raw with one exception at position 5.
    let mut payload = vec![0u8, 1, 1, b'r', 0, 0, 1, 1, b's', 0, 0, 0, 0, 2, 1];
    payload.extend_from_slice(&[0; 16]);
    payload.extend_from_slice(&[0, 2, 0]);
    payload.extend_from_slice(&[0; 16]);
    payload.extend_from_slice(&[1, 5]);
    payload.extend_from_slice(&[0; 8]);
    let err = decode(&crafted(&payload)).unwrap_err();
    assert!(
        sentence(&err).contains("position inside a column of 2"),
        "{err}"
    );
}

#[test]
fn mismatched_x_and_y_lengths_are_damage() {
    let mut payload = vec![0u8, 1, 1, b'r', 0, 0, 1, 1, b's', 0, 0, 0, 0, 2, 1];
    payload.extend_from_slice(&[0; 16]);
    payload.extend_from_slice(&[0, 3, 1]);
    payload.extend_from_slice(&[0; 16]);
    payload.push(0);
    let err = decode(&crafted(&payload)).unwrap_err();
    assert!(sentence(&err).contains("as many x as y values"), "{err}");
}

#[test]
fn overlong_varint_is_damage() {
    let payload = [0x80u8; 12];
    let err = decode(&crafted(&payload)).unwrap_err();
    sentence(&err);
}

/// LEB128 of `n`.
fn varint(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out
}

#[test]
fn millions_of_empty_warnings_in_a_short_link_are_refused() {
    let n = 4_000_000;
    let mut payload = varint(n);
    payload.resize(payload.len() + n as usize, 0);
    payload.push(0);
    let link = crafted(&payload);
    assert!(link.len() < 10_000, "a short link: {}", link.len());
    assert_eq!(decode(&link), Err(LinkError::TooLarge));
}

#[test]
fn hundreds_of_thousands_of_empty_runs_are_refused() {
    let n = 300_000;
    let mut payload = vec![0];
    payload.extend(varint(n));
    payload.resize(payload.len() + 4 * n as usize, 0);
    let err = decode(&crafted(&payload)).unwrap_err();
    assert_eq!(err, LinkError::TooLarge);
    assert!(sentence(&err).contains("each warning, run and series counting 16"));
}

#[test]
fn a_few_hundred_empty_warnings_still_decode() {
    let mut payload = varint(300);
    payload.resize(payload.len() + 300, 0);
    payload.push(0);
    assert_eq!(decode(&crafted(&payload)).unwrap().warnings.len(), 300);
}

#[test]
fn a_bare_d_value_is_told_from_an_address_by_its_version_digit() {
    use plateau::share::is_data;
    assert!(is_data(&example_link()));
    assert!(
        is_data("9AbC-_x"),
        "a newer version is still a link's data, refused later by its version"
    );
    for address in [
        "metrics.csv",
        "logs/run1/metrics.csv",
        "2024-runs.csv",
        "https://x/#d=2a",
        "",
        "A2",
    ] {
        assert!(!is_data(address), "{address}");
    }
}
