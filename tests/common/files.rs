//! Fixture files read from the repository and checked as one drop.

use plateau::{check, Dropped, Input, Options, Report};

/// `paths` (relative to the crate) read and checked together with the default options.
pub fn checked(paths: &[String]) -> (Dropped, Report) {
    let bytes: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(format!("{}/{p}", env!("CARGO_MANIFEST_DIR"))).unwrap())
        .collect();
    let inputs: Vec<Input> = paths
        .iter()
        .zip(&bytes)
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    check(&inputs, &Options::default()).unwrap()
}

/// The five cross-validation folds of `tests/fixtures/folds/`.
pub fn folds() -> (Dropped, Report) {
    let paths: Vec<String> = (0..5)
        .map(|k| format!("tests/fixtures/folds/mlp_fold{k}.csv"))
        .collect();
    checked(&paths)
}
