//! Generic delimited text: sniffing, line endings, cell spellings, and the sentence each refusal gets.
#![cfg(not(target_arch = "wasm32"))]

use plateau::ingest::{read, Input};
use plateau::model::Axis;

fn one(name: &str, bytes: &[u8]) -> Result<plateau::Dropped, plateau::Error> {
    read(&[Input { name, bytes }])
}

fn loss_of(name: &str, bytes: &[u8]) -> Vec<f64> {
    let drop = one(name, bytes).unwrap_or_else(|e| panic!("{e}"));
    drop.runs[0]
        .series("loss")
        .unwrap_or_else(|| panic!("no loss in {:?}", drop.runs[0].series))
        .y
        .clone()
}

#[test]
fn semicolon_delimiter_is_sniffed() {
    assert_eq!(loss_of("a.csv", b"step;loss\n1;0.5\n2;0.4\n"), [0.5, 0.4]);
}

#[test]
fn tab_delimiter_is_sniffed() {
    assert_eq!(
        loss_of("a.tsv", b"step\tloss\n1\t0.5\n2\t0.4\n"),
        [0.5, 0.4]
    );
}

#[test]
fn pipe_delimiter_is_sniffed() {
    assert_eq!(loss_of("a.txt", b"step|loss\n1|0.5\n2|0.4\n"), [0.5, 0.4]);
}

#[test]
fn decimal_comma_with_semicolon_delimiter() {
    assert_eq!(
        loss_of("a.csv", b"epoch;loss;acc\n0;0,5;0,7\n1;0,25;0,8\n"),
        [0.5, 0.25]
    );
}

#[test]
fn cr_only_line_endings() {
    assert_eq!(
        loss_of("a.csv", b"epoch,loss\r0,3\r1,2\r2,1\r"),
        [3.0, 2.0, 1.0]
    );
}

#[test]
fn no_trailing_newline_keeps_last_row() {
    assert_eq!(loss_of("a.csv", b"epoch,loss\n0,3\n1,2"), [3.0, 2.0]);
}

#[test]
fn bom_with_crlf_and_quoted_numbers() {
    assert_eq!(
        loss_of(
            "a.csv",
            b"\xEF\xBB\xBF\"epoch\",\"loss\"\r\n\"0\",\"3\"\r\n\"1\",\"2\"\r\n"
        ),
        [3.0, 2.0]
    );
}

#[test]
fn headerless_numbers_get_column_names_and_row_index() {
    let drop = one("a.csv", b"0.9,0.8\n0.7,0.6\n0.5,0.4\n").unwrap();
    let run = &drop.runs[0];
    let names: Vec<&str> = run.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["column 1", "column 2"]);
    assert_eq!(run.series[0].y, [0.9, 0.7, 0.5], "the first line is data");
    assert_eq!(run.series[0].x, [0.0, 1.0, 2.0]);
}

#[test]
fn nan_spellings_are_nan_and_na_or_empty_is_no_point() {
    let drop = one(
        "a.csv",
        b"step,loss\n1,nan\n2,NaN\n3,-nan\n4,inf\n5,-inf\n6,NA\n7,\n8,0.5\n",
    )
    .unwrap();
    let loss = drop.runs[0].series("loss").unwrap();
    assert_eq!(loss.x, [1.0, 2.0, 3.0, 4.0, 5.0, 8.0]);
    assert!(loss.y[..3].iter().all(|v| v.is_nan()));
    assert_eq!(loss.y[3..], [f64::INFINITY, f64::NEG_INFINITY, 0.5]);
}

#[test]
fn step_and_iteration_columns_set_the_axis() {
    let drop = one("a.csv", b"loss,iteration\n3,10\n2,20\n").unwrap();
    let loss = drop.runs[0].series("loss").unwrap();
    assert_eq!(
        (loss.axis, loss.x.as_slice()),
        (Axis::Iteration, &[10.0, 20.0][..])
    );
    assert!(drop.runs[0].series("iteration").is_none());
}

#[test]
fn mm_ss_time_column_is_seconds() {
    let drop = one(
        "history.csv",
        b"epoch,train_loss,valid_loss,accuracy,time\n0,1.0,0.9,0.5,00:12\n1,0.8,0.7,0.6,01:05\n",
    )
    .unwrap();
    let run = &drop.runs[0];
    assert_eq!(run.dialect.name(), "fastai");
    assert_eq!(run.series("time").unwrap().y, [12.0, 65.0]);
}

#[test]
fn number_in_text_column_is_an_error_naming_line_column_and_name() {
    let err = one(
        "metrics.csv",
        b"epoch,loss,val_loss\n0,0.5,0.4\n1,0.4,\"0,31\"\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "metrics.csv line 3, column 3 (`val_loss`): expected a number, found `0,31`."
    );
}

#[test]
fn pandas_index_column_with_empty_header_is_the_epoch() {
    let drop = one("history.csv", b",loss,val_loss\n0,0.9,1.0\n1,0.5,0.7\n").unwrap();
    let run = &drop.runs[0];
    assert_eq!(run.dialect.name(), "pandas");
    assert_eq!(run.series.len(), 2);
    assert_eq!(run.series("val_loss").unwrap().x, [0.0, 1.0]);
}

#[test]
fn one_data_row_is_one_point() {
    let drop = one("log.csv", b"epoch,loss\n0,1.0\n").unwrap();
    assert_eq!(drop.runs[0].series("loss").unwrap().y, [1.0]);
}

#[test]
fn no_data_row_is_refused() {
    let err = one("log.csv", b"epoch,loss\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "log.csv has 0 data rows: expected at least one row of numbers."
    );
}

#[test]
fn png_image_is_refused_as_an_image() {
    let err = one("curve.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err();
    assert_eq!(
        err.to_string(),
        "curve.png is a PNG image, not a training log: expected a CSV or JSON log."
    );
}

#[test]
fn zip_archive_is_refused_as_an_archive() {
    let err = one("logs.zip", b"PK\x03\x04\x14\0\0\0").unwrap_err();
    assert!(err.to_string().starts_with("logs.zip is a ZIP archive"));
}

#[test]
fn tensorboard_event_file_cut_off_in_its_first_record_says_so() {
    let err = one("events.out.tfevents.1559699797.host", b"\x18\0\0\0\0\0\0\0").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("record 1 (byte 0) is cut off after 8 of"),
        "{text}"
    );
    assert!(text.contains("no scalar curves"), "{text}");
}

#[test]
fn invalid_utf8_cell_is_read_as_windows_1252() {
    let err = one("a.csv", b"epoch,loss\n0,1\n1,\xff\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "a.csv line 3, column 2 (`loss`): expected a number, found `\u{ff}`."
    );
}

#[test]
fn json_syntax_error_names_line_and_column() {
    let err = one(
        "trainer_state.json",
        b"{\n  \"log_history\": [\n    {\"step\": 1,,}\n  ]\n}\n",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("trainer_state.json line 3, column 16: "),
        "{err}"
    );
}

#[test]
fn json_without_log_history_names_the_path() {
    let err = one("state.json", b"{\n  \"epoch\": 3\n}\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "state.json at `log_history`: expected an array of log entries, as in a Hugging Face trainer_state.json."
    );
}

#[test]
fn json_non_finite_floats_as_python_writes_them() {
    let drop = one(
        "metrics.json",
        b"{\"iteration\": 19, \"total_loss\": NaN, \"name\": \"NaN in text\"}\n{\"iteration\": 39, \"total_loss\": Infinity}\n",
    )
    .unwrap();
    let total = drop.runs[0].series("total_loss").unwrap();
    assert!(total.y[0].is_nan() && total.y[1] == f64::INFINITY);
}

#[test]
fn detectron2_line_without_iteration_names_the_line() {
    let err = one(
        "metrics.json",
        b"{\"iteration\": 19, \"loss\": 1}\n{\"loss\": 2}\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "metrics.json line 2 (`iteration`): expected a number."
    );
}

#[test]
fn stray_quote_cell_is_quoted_on_one_line_in_the_error() {
    let err = one("log.csv", b"epoch,loss\n0,0.5\n1,\"0.4\n2,0.3\n3,0.2\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "log.csv line 3, column 2 (`loss`): expected a number, found `0.4…`."
    );
}

#[test]
fn error_line_counts_every_line_ending_style_the_same() {
    for (style, text) in [
        ("LF", "epoch,loss\n0,1\n1,x\n"),
        ("CRLF", "epoch,loss\r\n0,1\r\n1,x\r\n"),
        ("CR CR LF", "epoch,loss\r\r\n0,1\r\r\n1,x\r\r\n"),
        ("CR", "epoch,loss\r0,1\r1,x\r"),
    ] {
        let err = one("log.csv", text.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "log.csv line 3, column 2 (`loss`): expected a number, found `x`.",
            "{style}"
        );
    }
}

#[test]
fn blank_lines_count_toward_the_error_line() {
    let err = one("log.csv", b"epoch,loss\n\n0,1\n1,x\n").unwrap_err();
    assert!(err.to_string().starts_with("log.csv line 4,"), "{err}");
}

#[test]
fn columns_with_gaps_around_complete_ones_keep_their_own_steps() {
    // `acc` and `lr` log every row, `val` and `note_count` only some: the complete columns share
    // the step column (the last of them takes it), the others keep the steps of their rows.
    let text =
        b"step,acc,val,lr,note_count\n1,0.1,,0.3,\n2,0.2,0.9,0.3,4\n3,0.3,,0.2,\n4,0.4,0.8,0.2,5\n";
    let drop = one("a.csv", text).unwrap_or_else(|e| panic!("{e}"));
    let run = &drop.runs[0];
    let xy = |name: &str| {
        let s = run.series(name).unwrap_or_else(|| panic!("no {name}"));
        (s.x.clone(), s.y.clone())
    };
    assert_eq!(
        xy("acc"),
        (vec![1.0, 2.0, 3.0, 4.0], vec![0.1, 0.2, 0.3, 0.4])
    );
    assert_eq!(xy("val"), (vec![2.0, 4.0], vec![0.9, 0.8]));
    assert_eq!(
        xy("lr"),
        (vec![1.0, 2.0, 3.0, 4.0], vec![0.3, 0.3, 0.2, 0.2])
    );
    assert_eq!(xy("note_count"), (vec![2.0, 4.0], vec![4.0, 5.0]));
    let names: Vec<&str> = run.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["acc", "val", "lr", "note_count"]);
}

/// The `loss` cells of a two-column log read back bit for bit, beside what the standard parser
/// gives for each cell (every cell given must be one it reads).
fn assert_read_as_the_standard_parser(cells: &[String]) {
    let mut text = String::from("step,loss\n");
    for (i, cell) in cells.iter().enumerate() {
        text.push_str(&format!("{i},{cell}\n"));
    }
    let got = loss_of("cells.csv", text.as_bytes());
    assert_eq!(got.len(), cells.len());
    for (cell, value) in cells.iter().zip(&got) {
        let standard: f64 = cell.parse().expect("a cell the standard parser reads");
        assert_eq!(
            value.to_bits(),
            standard.to_bits(),
            "`{cell}` read as {value:e}, the standard parser gives {standard:e}"
        );
    }
}

#[test]
fn short_decimals_read_exactly_as_the_standard_parser_reads_them() {
    // The edges of the fast path for short decimals: signs and zeros, the largest integer it
    // takes (2^53) and the next, the last exact powers of ten (±22) and the first beyond, a point
    // without digits on one side, exponents with signs and leading zeros, long runs of zeros.
    let cells = [
        "0",
        "-0",
        "+0",
        "0.0",
        "-0.0",
        "00000000000000000000000000001",
        "1.",
        ".5",
        "-.5",
        "+.5e-3",
        "1.e5",
        "1e22",
        "1e23",
        "1e-22",
        "1e-23",
        "9007199254740992",
        "9007199254740993",
        "-9007199254740993e-10",
        "0.1",
        "0.3",
        "2.675",
        "1.7976931348623157e308",
        "4.9e-324",
        "123456789012345678901234567890",
        "0.000000000000000000000000000001",
        "1E+05",
        "1e0005",
        "12345.6789e-3",
        "3.14159",
        "1e308",
        "9.999999999999999e22",
        "0.30000000000000004",
    ];
    assert_read_as_the_standard_parser(&cells.map(String::from));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// Random decimals in every spelling a log writes (fixed digits, shortest round trip,
    /// exponent forms, with a sign or not) read as the standard parser reads them.
    #[test]
    fn logged_decimals_read_exactly_as_the_standard_parser_reads_them(
        picks in proptest::collection::vec(
            (proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
             0usize..6, 0usize..20, -30i32..30),
            1..60,
        ),
    ) {
        let cells: Vec<String> = picks
            .iter()
            .map(|&(v, how, digits, shift)| {
                let v = if how == 5 { v * 10f64.powi(shift) } else { v };
                match how {
                    0 => format!("{v}"),
                    1 => format!("{v:.digits$}"),
                    2 => format!("{v:e}"),
                    3 => format!("{v:.digits$E}"),
                    4 => format!("{:+}", v),
                    _ => format!("{:.*}", digits % 8, v.fract() + (v.trunc() % 1e6)),
                }
            })
            .filter(|c| c.parse::<f64>().is_ok_and(f64::is_finite))
            .collect();
        proptest::prop_assume!(!cells.is_empty());
        assert_read_as_the_standard_parser(&cells);
    }
}

/// What the ingest makes of `cell` as the second `loss` of a log: its value, or the refusal of a
/// cell that is not a number in a numeric column.
fn second_loss(cell: &str) -> Result<f64, String> {
    let text = format!("step,loss\n0,1\n1,{cell}\n");
    match one("cells.csv", text.as_bytes()) {
        Ok(drop) => Ok(drop.runs[0].series("loss").expect("a loss series").y[1]),
        Err(e @ plateau::Error::Cell { .. }) => Err(e.to_string()),
        Err(e) => panic!("`{cell}`: {e}"),
    }
}

/// `cell` read bit for bit as the standard parser reads it, or refused where it refuses it.
fn assert_read_or_refused_as_the_standard_parser(cell: &str) {
    match (second_loss(cell), cell.parse::<f64>()) {
        (Ok(got), Ok(standard)) => assert_eq!(
            got.to_bits(),
            standard.to_bits(),
            "`{cell}` read as {got:e}, the standard parser gives {standard:e}"
        ),
        (Err(_), Err(_)) => {}
        (got, standard) => {
            panic!("`{cell}`: the ingest gives {got:?}, the standard parser {standard:?}")
        }
    }
}

#[test]
fn short_spellings_are_read_or_refused_as_the_standard_parser_does() {
    // Every cell of up to five characters over `0 9 . e E + -`: the fast path for short decimals
    // must take no spelling the standard parser refuses (`.`, `-`, `1e`, `1e+`, `.e5`, `1.2.3`…)
    // and read the ones it takes as it does.
    let alphabet = ['0', '9', '.', 'e', 'E', '+', '-'];
    let mut cells = vec![String::new()];
    for _ in 0..5 {
        cells = cells
            .iter()
            .flat_map(|c| alphabet.iter().map(move |&a| format!("{c}{a}")))
            .collect();
        for cell in &cells {
            assert_read_or_refused_as_the_standard_parser(cell);
        }
    }
}

#[test]
fn spellings_the_standard_parser_refuses_are_refused_as_numbers() {
    for cell in [
        ".",
        "-",
        "+",
        "e5",
        "-e5",
        ".e5",
        "-.e1",
        "1e",
        "1E",
        "1e+",
        "1e-",
        "1e+-5",
        "1e5e5",
        "1e5.",
        "1.2.3",
        "1..2",
        "--1",
        "+-1",
        "-+1",
        "1_000",
        "1e1_0",
        "0x10",
        "1d5",
        "1.5f",
        "9007199254740992x",
    ] {
        assert_eq!(
            cell.parse::<f64>().ok(),
            None,
            "`{cell}` is a test of refusals"
        );
        assert!(second_loss(cell).is_err(), "`{cell}` read as a number");
    }
}

#[test]
fn zeros_after_the_point_past_any_exponent_read_as_the_standard_parser_reads_them() {
    // Digits after the point are counted only as far as an exponent of four digits can bring
    // the power back within ±22: just within, just past, and far past that bound. (Uncapped, the
    // count wrapped around on 4 GiB of zeros, reading `0.000…0001` as 1; too large to build here.)
    let zeros = |n: usize| "0".repeat(n);
    assert_read_as_the_standard_parser(&[
        format!("0.{}1e9999", zeros(10_020)),
        format!("-0.{}1e9999", zeros(10_021)),
        format!("0.{}1", zeros(100_000)),
        format!("0.{}", zeros(100_000)),
    ]);
}
