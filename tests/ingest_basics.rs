//! Reading delimited logs: what becomes a series, and which bytes are refused with which sentence.
#![cfg(not(target_arch = "wasm32"))]

use plateau::ingest::{read, Input};
use plateau::model::{Direction, Kind, Role};

fn one(name: &str, bytes: &[u8]) -> Result<plateau::Dropped, plateau::Error> {
    read(&[Input { name, bytes }])
}

#[test]
fn keras_crlf_columns_become_series_against_epoch() {
    let drop = one(
        "log.csv",
        b"epoch,accuracy,loss,val_accuracy,val_loss\r\n0,0.3,1.8,0.5,1.3\r\n1,0.6,1.1,0.7,0.9\r\n",
    )
    .unwrap();
    let run = &drop.runs[0];
    let names: Vec<&str> = run.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["accuracy", "loss", "val_accuracy", "val_loss"]);
    let val = run.series("val_loss").unwrap();
    assert_eq!(val.x, [0.0, 1.0]);
    assert_eq!(val.y, [1.3, 0.9]);
    assert_eq!(
        (val.role, val.kind, val.direction),
        (Role::Validation, Kind::Loss, Direction::Lower)
    );
    let acc = run.series("accuracy").unwrap();
    assert_eq!((acc.role, acc.direction), (Role::Train, Direction::Higher));
}

#[test]
fn nan_and_inf_cells_are_kept_not_dropped() {
    let drop = one("log.csv", b"epoch,loss\n0,1.0\n1,nan\n2,inf\n3,-inf\n").unwrap();
    let y = &drop.runs[0].series[0].y;
    assert_eq!(y.len(), 4);
    assert!(y[1].is_nan() && y[2] == f64::INFINITY && y[3] == f64::NEG_INFINITY);
}

#[test]
fn utf8_bom_is_not_part_of_first_header() {
    let drop = one("log.csv", b"\xEF\xBB\xBFepoch,loss\n0,1\n1,0.5\n").unwrap();
    assert_eq!(drop.runs[0].series[0].name, "loss");
    assert_eq!(drop.runs[0].series[0].x, [0.0, 1.0]);
}

#[test]
fn missing_epoch_column_uses_row_index() {
    let drop = one("history.csv", b"loss,val_loss\n0.9,1.0\n0.5,0.7\n0.4,0.6\n").unwrap();
    assert_eq!(drop.runs[0].series[0].x, [0.0, 1.0, 2.0]);
}

#[test]
fn text_column_is_skipped_with_warning() {
    let drop = one("log.csv", b"epoch,loss,note\n0,1.0,start\n1,0.5,mid\n").unwrap();
    assert_eq!(drop.runs[0].series.len(), 1);
    assert_eq!(
        drop.warnings,
        ["log.csv: column `note` is not numeric and was skipped"]
    );
}

#[test]
fn empty_file_is_refused_by_name() {
    let err = one("empty.csv", b"  \n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "empty.csv is empty: expected a training log."
    );
}

#[test]
fn binary_file_is_refused_with_byte_offset() {
    let err = one("x.bin", b"epoch,loss\n\0\0").unwrap_err();
    assert!(err
        .to_string()
        .starts_with("x.bin is not a text log (binary data at byte 11)"));
}

#[test]
fn csv_without_numbers_names_its_columns() {
    let err = one("notes.csv", b"a,b\nx,y\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "notes.csv has no numeric column (columns: a, b): expected numbers such as loss per epoch."
    );
}

#[test]
fn ragged_row_error_names_line_and_counts() {
    let err = one("log.csv", b"epoch,loss\n0,1\n1,2,3\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "log.csv line 3: found 3 fields, expected 2 like the header."
    );
}

#[test]
fn header_only_file_is_too_few_rows() {
    let err = one("log.csv", b"epoch,loss\n").unwrap_err();
    assert!(err.to_string().starts_with("log.csv has 0 data rows"));
}

#[test]
fn error_naming_a_header_cell_with_a_line_break_stays_one_line() {
    // A quoted header cell may hold a line break (and other control characters); the sentence
    // naming it must stay on one line, with the break written as an escape.
    let e = one("odd.csv", b"\"a\nb\",\"c\td\"\nx,y\nz,w\n").unwrap_err();
    let sentence = e.to_string();
    assert!(
        !sentence.contains('\n') && !sentence.contains('\t'),
        "{sentence}"
    );
    assert!(sentence.contains("a\\nb"), "{sentence}");
}

#[test]
fn error_naming_a_file_or_column_with_bidi_or_invisible_characters_escapes_them() {
    // U+202E (right-to-left override) shows the file name `invoice\u{202e}vsc.exe` as
    // `invoiceexe.csv`; isolates, marks and zero-width characters hide or reorder text the same way.
    let invisible = [
        '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        '\u{200B}', '\u{200D}', '\u{FEFF}', '\u{2060}',
    ];
    for c in invisible {
        let name = format!("invoice{c}vsc.exe");
        let sentence = one(&name, b"").unwrap_err().to_string();
        let escape = c.escape_default().to_string();
        assert!(!sentence.contains(c), "{c:?} left raw: {sentence:?}");
        assert!(
            sentence.contains(&format!("invoice{escape}vsc.exe")),
            "{sentence:?}"
        );
        let header = format!("lo{c}ss,name\na,b\nc,d\n");
        let sentence = one("log.csv", header.as_bytes()).unwrap_err().to_string();
        assert!(!sentence.contains(c), "{c:?} left raw: {sentence:?}");
        assert!(sentence.contains(&format!("lo{escape}ss")), "{sentence:?}");
    }
    // What shows as itself stays: accents (precomposed or combining), other scripts, quotes.
    let name = "caf\u{e9} cafe\u{301} \u{5b9}\u{5d0} \u{65e5}\u{672c} 'q' \"q\".csv";
    let sentence = one(name, b"").unwrap_err().to_string();
    assert!(sentence.starts_with(name), "{sentence:?}");
}

#[test]
fn error_naming_a_megabyte_long_column_cuts_the_name() {
    let text = format!("{},b\nfoo,bar\nbaz,qux\n", "x".repeat(2_000_000));
    let sentence = one("long.csv", text.as_bytes()).unwrap_err().to_string();
    assert!(sentence.len() < 400, "{} bytes", sentence.len());
    assert!(
        sentence.contains(&format!("{}…, b)", "x".repeat(80))),
        "{sentence}"
    );
}

#[test]
fn error_listing_thousands_of_columns_names_the_first_ten_and_counts_the_rest() {
    let header: Vec<String> = (0..2000).map(|i| format!("c{i}")).collect();
    let text = format!("{}\n{}\n", header.join(","), vec!["x"; 2000].join(","));
    let sentence = one("wide.csv", text.as_bytes()).unwrap_err().to_string();
    assert!(sentence.contains("c0, c1,"), "{sentence}");
    assert!(sentence.contains("c9 and 1990 more"), "{sentence}");
    assert!(!sentence.contains("c10,"), "{sentence}");
}
