//! plateau: has my loss stopped going down, and what should I do now?
//!
//! The pipeline, one module each: **ingest** (bytes of any log dialect → [`Dropped`]) →
//! **model** (runs and series) → **analysis** (one run: verdict, evidence, advice) and **compare**
//! (runs together: groups, ranking), put together by **report** ([`analyze`] → [`Report`]) →
//! **chart** (plotters drawing, any backend) → **share** (a drop as a link's `d` value).
//! `stats` holds the order statistics they share. `web` is the browser boundary (wasm32 only, with
//! the `page` and/or `worker` exports: see Cargo.toml);
//! `parts` splits a drop into plain columns for the page's worker to hand to the main thread;
//! `follow` reads a log again as training appends to it.
//!
//! What other programs may rely on (verdict words, page hooks, CLI, JSON keys, link format) is
//! `docs/CONTRACT.md`.

pub mod analysis;
pub mod chart;
pub mod compare;
mod error;
pub mod filter;
pub mod follow;
pub mod ingest;
pub mod model;
pub mod parts;
pub mod report;
pub mod share;
pub mod stats;
#[cfg(all(target_arch = "wasm32", any(feature = "page", feature = "worker")))]
pub mod web;

pub use analysis::{Options, RunReport, Verdict};
pub use error::{escaped, Error};
pub use ingest::Input;
pub use model::{Dropped, Run, Series};
pub use report::{analyze, Report};

/// Reads a drop of files and analyses every run in it: the one path the page and the CLI share.
pub fn check(inputs: &[Input<'_>], options: &Options) -> Result<(Dropped, Report), Error> {
    Ok(judged(ingest::read(inputs)?, options))
}

/// [`check`] for the files of dropped folders, named by their paths ([`ingest::read_folder`]).
pub fn check_folder(inputs: &[Input<'_>], options: &Options) -> Result<(Dropped, Report), Error> {
    Ok(judged(ingest::read_folder(inputs)?, options))
}

fn judged(drop: Dropped, options: &Options) -> (Dropped, Report) {
    let report = analyze(&drop, options);
    (drop, report)
}
