//! `parts::split` then `parts::join` gives back the same drop, and a shape that does not fit its
//! columns is refused; a shape and a report come back the same from the bytes the page's worker
//! sends them as.
#![cfg(not(target_arch = "wasm32"))]

use plateau::ingest::{read, Input};
use plateau::parts::{join, split};
use plateau::{analyze, Options, Report};

/// The split columns as owned vectors, for `join`.
fn owned(columns: Vec<&[f64]>) -> Vec<Vec<f64>> {
    columns.into_iter().map(<[f64]>::to_vec).collect()
}

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real");

fn drop_of(path: &str) -> plateau::Dropped {
    let bytes = std::fs::read(format!("{REAL}/{path}")).expect("fixture exists");
    read(&[Input {
        name: path,
        bytes: &bytes,
    }])
    .expect("fixture reads")
}

#[test]
fn lightning_series_come_back_equal_from_two_columns_each() {
    let drop = drop_of("lightning--asl-project/metrics.csv");
    let series: usize = drop.runs.iter().map(|r| r.series.len()).sum();
    let (shape, columns) = split(&drop);
    assert_eq!(columns.len(), 2 * series);
    assert_eq!(join(shape, owned(columns)), Ok(drop));
}

/// Every real fixture that reads, with its name.
fn real_drops() -> Vec<(String, plateau::Dropped)> {
    let mut drops = Vec::new();
    for dir in std::fs::read_dir(REAL).expect("fixtures") {
        let dir = dir.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("fixture folder") {
            let path = file.expect("entry").path();
            let bytes = std::fs::read(&path).expect("readable");
            let name = path.to_string_lossy().into_owned();
            if let Ok(drop) = read(&[Input {
                name: &name,
                bytes: &bytes,
            }]) {
                drops.push((name, drop));
            }
        }
    }
    drops
}

/// Through the bytes the page's worker sends the shape as (`postcard`), as the page takes it.
#[test]
fn every_real_fixture_comes_back_equal() {
    for (name, drop) in real_drops() {
        let (shape, columns) = split(&drop);
        let bytes = postcard::to_allocvec(&shape).expect("packs");
        let shape = postcard::from_bytes(&bytes).expect("reads back");
        let back = join(shape, owned(columns)).expect("joins");
        assert_eq!(format!("{back:?}"), format!("{drop:?}"), "{name}");
    }
}

/// The worker packs its report with `postcard` (fields by position) and the page's module reads it
/// back: a field left out when empty, as the JSON leaves `info` and a schedule's `end` out, would
/// shift every later field. What is read back packs to the same bytes (every float bit for bit;
/// the forecast's curves are never sent, `#[serde(skip)]`).
#[test]
fn every_real_fixture_report_comes_back_equal_from_the_workers_bytes() {
    let (mut no_info, mut info, mut no_end, mut end) = (0, 0, 0, 0);
    for (name, drop) in real_drops() {
        let report = analyze(&drop, &Options::default());
        for run in &report.runs {
            *if run.info.is_empty() {
                &mut no_info
            } else {
                &mut info
            } += 1;
            if let Some(schedule) = &run.details.schedule {
                *if schedule.end.is_none() {
                    &mut no_end
                } else {
                    &mut end
                } += 1;
            }
        }
        let bytes = postcard::to_allocvec(&report).expect("packs");
        let back: Report = postcard::from_bytes(&bytes).expect("reads back");
        assert_eq!(back.runs.len(), report.runs.len(), "{name}");
        assert_eq!(
            postcard::to_allocvec(&back).expect("packs"),
            bytes,
            "{name}"
        );
    }
    // The fixtures have runs with and without what the JSON leaves out.
    assert!(
        no_info > 0 && info > 0 && no_end > 0 && end > 0,
        "{no_info} {info} {no_end} {end}"
    );
}

#[test]
fn the_json_report_leaves_out_empty_info_and_a_schedule_without_end() {
    for (name, drop) in real_drops() {
        let report = analyze(&drop, &Options::default());
        let json = serde_json::to_value(&report).expect("serialises");
        for (run, shown) in report
            .runs
            .iter()
            .zip(json["runs"].as_array().expect("runs"))
        {
            assert_eq!(shown.get("info").is_some(), !run.info.is_empty(), "{name}");
            if let Some(schedule) = &run.details.schedule {
                let shown = &shown["details"]["schedule"];
                assert_eq!(shown.get("end").is_some(), schedule.end.is_some(), "{name}");
            }
        }
    }
}

#[test]
fn a_shape_pointing_past_its_columns_is_refused() {
    let drop = drop_of("lightning--asl-project/metrics.csv");
    let (shape, columns) = split(&drop);
    let mut columns = owned(columns);
    columns.pop();
    let err = join(shape, columns).expect_err("a column is missing");
    assert!(err.contains("refers to column"), "{err}");
}

#[test]
fn a_shape_using_a_column_twice_is_refused() {
    let drop = drop_of("lightning--asl-project/metrics.csv");
    let (mut shape, columns) = split(&drop);
    shape.runs[0].series[1].x = shape.runs[0].series[0].x;
    let err = join(shape, owned(columns)).expect_err("a column is used twice");
    assert!(err.contains("a second time"), "{err}");
}
