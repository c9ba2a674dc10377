//! `follow::Follow`: a log read again as training appends to it parses only the new bytes, lets an
//! unfinished line wait, and starts over when the file shrank or was replaced.
#![cfg(not(target_arch = "wasm32"))]

use plateau::follow::{grow, make_room, Change, Follow, Growth, Sent, Tail, PIECE};
use plateau::ingest::{read, Input};
use plateau::model::Dropped;
use plateau::{analyze, Options, Verdict};

/// A Keras history row: both losses fall until `turn`, then validation loss climbs.
fn epoch(e: usize, turn: Option<usize>) -> String {
    let loss = 1.0 / (1.0 + 0.3 * e as f64);
    let fall = |e: usize| 1.1 / (1.0 + 0.25 * e as f64) + 0.05;
    let val = match turn {
        Some(t) if e > t => fall(t) + 0.03 * (e - t) as f64,
        _ => fall(e),
    };
    format!("{e},{loss:.5},{val:.5}\n")
}

fn log(epochs: std::ops::Range<usize>, turn: Option<usize>) -> String {
    let mut text = String::from("epoch,loss,val_loss\n");
    text.extend(epochs.map(|e| epoch(e, turn)));
    text
}

/// The follower handed the whole file so far, from where it asks to resume (as the page does).
fn read_all(follow: &mut Follow, file: &[u8]) -> Change {
    let at = if (file.len() as u64) < follow.offset() {
        0
    } else {
        follow.resume_at()
    };
    follow.update(at, &file[at as usize..]).unwrap()
}

fn verdict(follow: &mut Follow) -> Verdict {
    let drop = follow.drop().unwrap();
    analyze(&drop, &Options::default()).runs[0].verdict
}

fn points(follow: &mut Follow) -> usize {
    plateau::follow::rows(&follow.drop().unwrap())
}

#[test]
fn appended_epochs_turn_improving_into_overfitting() {
    let mut follow = Follow::new("history.csv");
    let mut file = log(0..12, Some(11)).into_bytes();
    assert_eq!(read_all(&mut follow, &file), Change::Appended);
    assert_eq!(verdict(&mut follow), Verdict::Improving);
    file.extend((12..24).flat_map(|e| epoch(e, Some(11)).into_bytes()));
    assert_eq!(read_all(&mut follow, &file), Change::Appended);
    assert_eq!(verdict(&mut follow), Verdict::Overfitting);
    assert_eq!(points(&mut follow), 24);
    assert_eq!(follow.offset(), file.len() as u64);
}

#[test]
fn followed_drop_equals_the_whole_file_read_at_once() {
    let text = log(0..40, Some(25));
    let mut follow = Follow::new("history.csv");
    // Appends of every size, cutting lines anywhere.
    let mut end = 0;
    for step in [1, 7, 30, 3, 200, 5000].iter().cycle() {
        end = (end + step).min(text.len());
        read_all(&mut follow, &text.as_bytes()[..end]);
        if end == text.len() {
            break;
        }
    }
    let whole = read(&[Input {
        name: "history.csv",
        bytes: text.as_bytes(),
    }])
    .unwrap();
    assert_eq!(follow.drop().unwrap(), whole);
}

#[test]
fn unfinished_last_line_waits_for_its_end() {
    let mut follow = Follow::new("history.csv");
    let mut file = log(0..10, None).into_bytes();
    read_all(&mut follow, &file);
    let next = epoch(10, None);
    let (half, rest) = next.split_at(4);
    file.extend_from_slice(half.as_bytes());
    assert_eq!(read_all(&mut follow, &file), Change::Appended);
    assert_eq!(points(&mut follow), 10, "a half-written row is not a row");
    file.extend_from_slice(rest.as_bytes());
    read_all(&mut follow, &file);
    assert_eq!(points(&mut follow), 11);
    let drop = follow.drop().unwrap();
    let val = drop.runs[0].series("val_loss").unwrap();
    assert_eq!(val.x.last(), Some(&10.0));
}

#[test]
fn nothing_new_is_unchanged() {
    let mut follow = Follow::new("history.csv");
    let file = log(0..10, None).into_bytes();
    read_all(&mut follow, &file);
    assert_eq!(read_all(&mut follow, &file), Change::Unchanged);
}

#[test]
fn shrunk_file_is_read_again_from_the_start() {
    let mut follow = Follow::new("history.csv");
    read_all(&mut follow, log(0..20, None).as_bytes());
    let fresh = log(0..6, None);
    assert_eq!(read_all(&mut follow, fresh.as_bytes()), Change::Restarted);
    assert_eq!(points(&mut follow), 6);
}

#[test]
fn replaced_file_of_a_larger_size_is_read_again_from_the_start() {
    let mut follow = Follow::new("history.csv");
    read_all(&mut follow, log(0..10, None).as_bytes());
    // Another run written over it: longer, with other numbers where the first one ended.
    let other = log(0..30, Some(5));
    let at = follow.resume_at();
    assert_eq!(
        follow.update(at, &other.as_bytes()[at as usize..]).unwrap(),
        Change::Replaced
    );
    assert_eq!(follow.resume_at(), 0);
    assert_eq!(read_all(&mut follow, other.as_bytes()), Change::Appended);
    assert_eq!(points(&mut follow), 30);
    assert_eq!(verdict(&mut follow), Verdict::Overfitting);
}

#[test]
fn known_bytes_are_not_parsed_again() {
    // A server that ignores `Range` sends the whole file each time: the bytes already read are
    // skipped, so what they say now does not matter (only the kept tail is compared).
    let mut follow = Follow::new("history.csv");
    let first = log(0..10, None);
    read_all(&mut follow, first.as_bytes());
    let mut whole = first.clone().into_bytes();
    whole.extend(epoch(10, None).into_bytes());
    let tail = follow.offset() - follow.resume_at();
    for b in &mut whole[25..(follow.offset() - tail) as usize] {
        if b.is_ascii_digit() {
            *b = b'9';
        }
    }
    assert_eq!(follow.update(0, &whole).unwrap(), Change::Appended);
    let drop = follow.drop().unwrap();
    let expected = read(&[Input {
        name: "history.csv",
        bytes: log(0..11, None).as_bytes(),
    }])
    .unwrap();
    assert_eq!(drop, expected);
}

#[test]
fn appended_run_whose_epochs_start_over_is_a_new_run() {
    let mut follow = Follow::new("history.csv");
    let mut file = log(0..10, None).into_bytes();
    read_all(&mut follow, &file);
    assert_eq!(follow.drop().unwrap().runs.len(), 1);
    file.extend((0..8).flat_map(|e| epoch(e, None).into_bytes()));
    read_all(&mut follow, &file);
    let drop = follow.drop().unwrap();
    assert_eq!(drop.runs.len(), 2, "{:?}", drop.warnings);
    assert_eq!(drop.runs[1].series("loss").unwrap().len(), 8);
}

#[test]
fn json_log_is_read_whole_each_time_it_changes() {
    let state = |steps: usize| {
        let entries: Vec<String> = (1..=steps)
            .map(|s| {
                format!(
                    r#"{{"step": {}, "epoch": {s}, "loss": {}}}"#,
                    s * 10,
                    1.0 / s as f64
                )
            })
            .collect();
        format!(
            r#"{{"global_step": {}, "log_history": [{}]}}"#,
            steps * 10,
            entries.join(", ")
        )
    };
    let mut follow = Follow::new("trainer_state.json");
    read_all(&mut follow, state(8).as_bytes());
    assert_eq!(points(&mut follow), 8);
    let padded = format!("{}{}", state(9), " ".repeat(5000));
    assert_eq!(
        follow.update(0, padded.as_bytes()).unwrap(),
        Change::Appended,
        "a JSON log that grew is not a replaced file (the page says which)"
    );
    assert_eq!(points(&mut follow), 9);
    assert_eq!(follow.resume_at(), 0, "a JSON log is fetched whole");
    assert_eq!(
        follow.update(0, padded.as_bytes()).unwrap(),
        Change::Unchanged
    );
    assert_eq!(
        follow.update(0, state(3).as_bytes()).unwrap(),
        Change::Restarted
    );
    assert_eq!(points(&mut follow), 3);
}

#[test]
fn not_a_log_is_one_sentence() {
    let mut follow = Follow::new("photo.png");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let err = match follow.update(0, png) {
        Ok(_) => follow.drop().unwrap_err(),
        Err(e) => e,
    };
    assert!(err.to_string().contains("photo.png"), "{err}");
}

/// Bytes of `text` a follower may have parsed: up to its last line end.
fn complete_lines(text: &[u8]) -> &[u8] {
    &text[..text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)]
}

/// What the page holds of a followed log: the drop of the first answer, then every growth
/// appended to it. Returns how many answers were growths.
struct Page {
    sent: Sent,
    shown: Option<Dropped>,
    growths: usize,
}

impl Page {
    fn new() -> Page {
        Page {
            sent: Sent::default(),
            shown: None,
            growths: 0,
        }
    }

    /// Takes the answer for `drop` and checks the page then holds `drop` exactly.
    fn take(&mut self, drop: &Dropped, context: &str) {
        let growth = if self.shown.is_some() {
            self.sent.growth(drop)
        } else {
            self.sent = Sent::whole(drop);
            None
        };
        match (growth, &mut self.shown) {
            (Some(growth), Some(shown)) => {
                grow(shown, growth).unwrap();
                self.growths += 1;
            }
            _ => self.shown = Some(drop.clone()),
        }
        // Debug text, as missing cells are NaN (never equal to themselves).
        assert_eq!(
            format!("{:?}", self.shown.as_ref()),
            format!("{:?}", Some(drop)),
            "{context}"
        );
    }
}

/// Follows `text` as it grows by the given cut sizes; after every read the follower's drop (or
/// error) is the one a whole read of the complete lines so far gives, and the page's drop, grown
/// answer by answer, is that drop too. Returns how many answers were growths.
fn follow_equals_whole_reads(name: &str, text: &[u8], steps: &[usize]) -> usize {
    let mut follow = Follow::new(name);
    let mut page = Page::new();
    let mut end = 0;
    for step in steps.iter().cycle() {
        end = (end + step).min(text.len());
        read_all(&mut follow, &text[..end]);
        let whole = read(&[Input {
            name,
            bytes: complete_lines(&text[..end]),
        }]);
        let followed = follow.drop();
        match (&followed, &whole) {
            (Ok(f), Ok(w)) => {
                assert_eq!(f, w, "{name} after {end} bytes");
                page.take(f, &format!("the page's {name} after {end} bytes"));
            }
            (Err(f), Err(w)) => {
                assert_eq!(f.to_string(), w.to_string(), "{name} after {end} bytes")
            }
            _ => panic!("{name} after {end} bytes: followed {followed:?}, whole {whole:?}"),
        }
        if end == text.len() {
            break;
        }
    }
    page.growths
}

#[test]
fn every_read_of_a_growing_log_equals_a_whole_read_of_its_complete_lines() {
    // Past the 4 KB head and the 16 KB piece, so lines are parsed both as bytes arrive and when
    // a drop is asked for; CRLF and multi-byte characters cut anywhere, a BOM, a repeated
    // header (a warning), and an appended run.
    let mut text = String::from("\u{feff}epoch,loss,val_loss,note\r\n");
    for e in 0..600 {
        text.push_str(&format!(
            "{e},{:.5},{:.5},é{e}\r\n",
            1.0 / (1.0 + e as f64),
            2.0 / (2.0 + e as f64)
        ));
        if e == 300 {
            text.push_str("epoch,loss,val_loss,note\r\n");
        }
    }
    for e in 0..50 {
        text.push_str(&format!(
            "{e},{:.5},{:.5},ü\r\n",
            0.5 / (1.0 + e as f64),
            0.7
        ));
    }
    let mut growths = 0;
    for steps in [&[1, 3, 7, 500, 9000][..], &[4097, 5], &[20_000, 1]] {
        growths += follow_equals_whole_reads("history.csv", text.as_bytes(), steps);
    }
    assert!(growths > 10, "{growths} answers carried only appended rows");
}

#[test]
fn real_logs_followed_in_pieces_equal_their_whole_reads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut checked = 0;
    let mut growths = 0;
    for dir in std::fs::read_dir(root).unwrap().flatten() {
        for file in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = file.file_name().to_string_lossy().into_owned();
            let mut bytes = std::fs::read(file.path()).unwrap();
            if !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
            let mut follow = Follow::new(&name);
            let mut page = Page::new();
            let mut end = 0;
            for step in [1, 4096, 13, 777, 20_000].iter().cycle() {
                end = (end + step).min(bytes.len());
                read_all(&mut follow, &bytes[..end]);
                if let Ok(drop) = follow.drop() {
                    page.take(&drop, &format!("the page's {name} after {end} bytes"));
                }
                if end == bytes.len() {
                    break;
                }
            }
            let whole = read(&[Input {
                name: &name,
                bytes: &bytes,
            }]);
            match (follow.drop(), whole) {
                // Debug text, as missing cells are NaN (never equal to themselves).
                (Ok(f), Ok(w)) => assert_eq!(format!("{f:?}"), format!("{w:?}"), "{name}"),
                (Err(f), Err(w)) => assert_eq!(f.to_string(), w.to_string(), "{name}"),
                (f, w) => panic!("{name}: followed {f:?}, whole {w:?}"),
            }
            checked += 1;
            growths += page.growths;
        }
    }
    assert!(checked >= 20, "{checked} logs");
    assert!(growths > 0, "no answer carried only appended rows");
}

#[test]
fn bytes_said_to_start_past_any_size_are_a_replaced_file() {
    // A lying server's `Content-Range: bytes 99999999999999999999-…` reaches the follower as the
    // largest offset there is.
    let mut follow = Follow::new("history.csv");
    read_all(&mut follow, log(0..10, None).as_bytes());
    assert_eq!(
        follow.update(u64::MAX, b"1,2,3\n").unwrap(),
        Change::Replaced
    );
    assert_eq!(follow.resume_at(), 0);
}

#[test]
fn a_log_written_over_what_was_not_a_log_is_read() {
    let mut follow = Follow::new("history.csv");
    let mut junk = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    junk.resize(5000, 0);
    let err = match follow.update(0, &junk) {
        Ok(_) => follow.drop().unwrap_err(),
        Err(e) => e,
    };
    assert!(err.to_string().contains("history.csv"), "{err}");
    let text = log(0..10, None);
    read_all(&mut follow, text.as_bytes());
    assert_eq!(points(&mut follow), 10);
}

#[test]
fn a_quote_inside_a_field_does_not_stop_a_followed_log() {
    // `12" screen`: a quote that does not open a quoted field (the csv crate reads it as it is).
    let mut text = String::from("epoch,loss,val_loss,note\n");
    for e in 0..6000 {
        let note = match e {
            100 => "12\" screen",
            200 => "\"quoted, with \"\"escaped\"\" quotes\"",
            _ => "ok",
        };
        text.push_str(&format!(
            "{e},{:.5},{:.5},{note}\n",
            1.0 / (1.0 + e as f64),
            0.5
        ));
    }
    let mut follow = Follow::new("history.csv");
    let bytes = text.as_bytes();
    for end in (3000..bytes.len()).step_by(20_000).chain([bytes.len()]) {
        read_all(&mut follow, &bytes[..end]);
        let whole = read(&[Input {
            name: "history.csv",
            bytes: complete_lines(&bytes[..end]),
        }])
        .unwrap();
        assert_eq!(follow.drop().unwrap(), whole, "after {end} bytes");
    }
    assert_eq!(points(&mut follow), 6000);
}

/// The drop of `text` read whole.
fn drop_of(text: &str) -> Dropped {
    read(&[Input {
        name: "history.csv",
        bytes: text.as_bytes(),
    }])
    .unwrap()
}

#[test]
fn an_answer_after_appended_epochs_carries_only_those_epochs() {
    let before = drop_of(&log(0..30, Some(20)));
    let after = drop_of(&log(0..34, Some(20)));
    let mut sent = Sent::whole(&before);
    let growth = sent.growth(&after).expect("the runs only grew");
    assert!(growth.added.is_empty());
    for tail in &growth.grown[0] {
        assert_eq!((tail.from, tail.x.len(), tail.y.len()), (30, 4, 4));
        assert_eq!(tail.x, [30.0, 31.0, 32.0, 33.0]);
    }
    let mut shown = before.clone();
    grow(&mut shown, growth).unwrap();
    assert_eq!(shown, after);
    // Nothing new: every tail is empty.
    let again = sent.growth(&after).unwrap();
    assert!(again.grown[0].iter().all(|t| t.x.is_empty()));
}

#[test]
fn an_answer_after_sent_rows_changed_is_whole() {
    let before = drop_of(&log(0..30, None));
    // The same epochs with other values (the file was rewritten), then more.
    let after = drop_of(&log(0..34, Some(5)));
    let mut sent = Sent::whole(&before);
    assert_eq!(sent.growth(&after), None);
    // Renamed series are not a growth either, even with the same values.
    let renamed = drop_of(&log(0..34, Some(5)).replacen("val_loss", "valid_loss", 1));
    assert_eq!(sent.growth(&renamed), None);
    // The answers after a whole one continue it.
    assert!(sent
        .growth(&drop_of(&log(0..36, Some(5)).replacen(
            "val_loss",
            "valid_loss",
            1
        )))
        .is_some());
}

#[test]
fn a_growth_that_does_not_continue_the_drop_is_refused_and_changes_nothing() {
    let before = drop_of(&log(0..30, None));
    let shorter = drop_of(&log(0..20, None));
    let growth = Sent::whole(&shorter)
        .growth(&drop_of(&log(0..25, None)))
        .unwrap();
    let mut shown = before.clone();
    let err = grow(&mut shown, growth).unwrap_err();
    assert!(err.contains("does not continue where it ended"), "{err}");
    assert_eq!(shown, before);
    let mut damaged = Sent::whole(&before)
        .growth(&drop_of(&log(0..32, None)))
        .unwrap();
    damaged.grown[0][0] = Tail {
        from: 30,
        restarts: vec![40],
        x: vec![30.0],
        y: vec![0.5],
    };
    assert!(grow(&mut shown, damaged).is_err());
    let wrong_runs = Growth {
        grown: Vec::new(),
        added: Vec::new(),
        warnings: Vec::new(),
    };
    assert!(grow(&mut shown, wrong_runs).is_err());
    assert_eq!(shown, before);
}

#[test]
fn a_growth_said_to_start_past_any_length_is_refused_not_an_overflow() {
    let before = drop_of(&log(0..30, None));
    let mut shown = before.clone();
    let mut growth = Sent::whole(&before)
        .growth(&drop_of(&log(0..32, None)))
        .unwrap();
    growth.grown[0][0].from = usize::MAX;
    let err = grow(&mut shown, growth).unwrap_err();
    assert!(err.contains("does not continue where it ended"), "{err}");
    assert_eq!(shown, before);
}

/// Reads `file` as the page and `plateau watch` do, a piece at a time as the follower says;
/// returns the pieces read.
fn read_in_pieces(follow: &mut Follow, file: &[u8]) -> Vec<(u64, u64)> {
    let mut read = Vec::new();
    loop {
        let (at, end) = follow.piece(file.len() as u64);
        read.push((at, end));
        match follow.update(at, &file[at as usize..end as usize]).unwrap() {
            Change::Replaced => {}
            Change::Unchanged => return read,
            _ if end as usize >= file.len() => return read,
            _ => {}
        }
    }
}

#[test]
fn a_large_file_that_shrank_is_read_again_in_bounded_pieces() {
    let big = |epochs: usize, turn| {
        let mut text = String::from("epoch,loss,val_loss\n");
        text.extend((0..epochs).map(|e| epoch(e, turn)));
        text.into_bytes()
    };
    let first = big(1_500_000, None);
    assert!(first.len() as u64 > 2 * PIECE);
    let mut follow = Follow::new("history.csv");
    let pieces = read_in_pieces(&mut follow, &first);
    assert!(pieces.len() >= 3, "{pieces:?}");
    assert_eq!(follow.offset(), first.len() as u64);
    // Rewritten shorter (another run), yet over one piece: read again from 0, a piece at a time.
    let second = big(900_000, Some(400_000));
    assert!(second.len() < first.len() && second.len() as u64 > PIECE);
    let pieces = read_in_pieces(&mut follow, &second);
    assert_eq!(pieces[0], (0, PIECE), "{pieces:?}");
    assert!(pieces.iter().all(|(a, b)| b - a <= PIECE), "{pieces:?}");
    let whole = read(&[Input {
        name: "history.csv",
        bytes: &second,
    }])
    .unwrap();
    assert_eq!(follow.drop().unwrap(), whole);
}

#[test]
fn arrays_nearing_full_get_room_one_per_call() {
    let mut full: Vec<f64> = (0..1000).map(f64::from).collect();
    full.shrink_to_fit();
    let mut roomy: Vec<f64> = Vec::with_capacity(2000);
    roomy.extend((0..1000).map(f64::from));
    let mut also_full: Vec<f64> = (0..800).map(f64::from).collect();
    also_full.shrink_to_fit();
    assert!(make_room(
        [&mut roomy, &mut full, &mut also_full].into_iter()
    ));
    assert!(full.capacity() >= 2000);
    assert_eq!(also_full.capacity(), 800, "one array per call");
    assert!(make_room(
        [&mut roomy, &mut full, &mut also_full].into_iter()
    ));
    assert!(also_full.capacity() >= 1600);
    assert!(!make_room(
        [&mut roomy, &mut full, &mut also_full].into_iter()
    ));
    assert_eq!(full.len(), 1000);
}

#[test]
fn rewritten_rows_forged_to_hash_like_the_sent_ones_are_caught_by_a_seeded_follower() {
    // With foldhash's seed 0, a y whose bits are this constant sets the running hash to 0 and so
    // erases every point before it: a file rewritten as 7, 8, magic, 0.5 would pass as
    // 1, 0.9, magic with one row appended, and the page would keep drawing 1 and 0.9.
    let magic = f64::from_bits(0xc0ac_29b7_c97c_50dd);
    let csv = |ys: &[f64]| {
        let rows: Vec<String> = ys
            .iter()
            .enumerate()
            .map(|(i, y)| format!("{i},{y}"))
            .collect();
        format!("epoch,loss\n{}\n", rows.join("\n"))
    };
    let before = drop_of(&csv(&[1.0, 0.9, magic]));
    let forged = drop_of(&csv(&[7.0, 8.0, magic, 0.5]));
    let mut sent = Sent::seeded(0x5eed_1234_abcd_9876);
    sent.remember(&before);
    assert_eq!(sent.growth(&forged), None, "a rewrite is sent whole");
}
