//! Raw payload bytes packed into a valid link, then the whole pipeline the page runs on a link:
//! decode, judge, prepare and draw every run, the overlay and the CSV export.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plateau::chart::View;
use plateau::share::{decode, pack};

fuzz_target!(|data: &[u8]| {
    let Ok(drop) = decode(&pack(data)) else {
        return;
    };
    let report = plateau::analyze(&drop, &plateau::Options::default());
    let view = View {
        compare: true,
        ..View::default()
    };
    let _ = plateau::chart::overlay_svg(&drop, &report, &view, 640, 400);
    for (run, judged) in drop.runs.iter().zip(&report.runs) {
        let view = View::default();
        let prepared = plateau::chart::prepare(run, &view);
        let _ = plateau::chart::csv(run, judged, &view, &prepared);
        let _ = plateau::chart::svg(run, judged, &view, 640, 400);
    }
});
