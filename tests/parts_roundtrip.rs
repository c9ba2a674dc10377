//! `parts::split` then `parts::join` gives back the same drop, and a shape that does not fit its
//! columns is refused.
#![cfg(not(target_arch = "wasm32"))]

use plateau::ingest::{read, Input};
use plateau::parts::{join, split};

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

#[test]
fn every_real_fixture_comes_back_equal() {
    for dir in std::fs::read_dir(REAL).expect("fixtures") {
        let dir = dir.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("fixture folder") {
            let path = file.expect("entry").path();
            let bytes = std::fs::read(&path).expect("readable");
            let name = path.to_string_lossy();
            let Ok(drop) = read(&[Input {
                name: &name,
                bytes: &bytes,
            }]) else {
                continue;
            };
            let (shape, columns) = split(&drop);
            let back = join(shape, owned(columns)).expect("joins");
            assert_eq!(format!("{back:?}"), format!("{drop:?}"), "{name}");
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
