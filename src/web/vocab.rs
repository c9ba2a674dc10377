//! What the page asks the core instead of keeping copies of it: the vocabularies and the view's
//! defaults, the series a run can be judged on, whether runs are drawn together, hand-made groups
//! and their members' verdicts, and the shape of a share link's data.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{groups_of, to_js, Analysis};
use crate::analysis::{monitorable, Verdict};
use crate::chart::{BandKind, Smoother, View, XAxis};
use crate::compare::regroup;
use crate::model::{Direction, Role};

/// The largest smoothing weight the page's slider and `<learning-curve smoothing>` accept.
const SMOOTHING_MAX: f64 = 0.99;

const SMOOTHERS: [Smoother; 3] = [Smoother::Ema, Smoother::EmaSpaced, Smoother::Gaussian];
const BANDS: [BandKind; 2] = [BandKind::MinMax, BandKind::Std];
const X_AXES: [XAxis; 3] = [XAxis::Native, XAxis::WallTime, XAxis::Epoch];
const ROLES: [Role; 4] = [Role::Train, Role::Validation, Role::Test, Role::Other];
const DIRECTIONS: [Direction; 3] = [Direction::Lower, Direction::Higher, Direction::Unknown];

/// What a menu shows for a smoother (a new smoother fails to compile here until it has a title).
fn smoother_title(smoother: Smoother) -> &'static str {
    match smoother {
        Smoother::Ema => "EMA (TensorBoard)",
        Smoother::EmaSpaced => "EMA, x-spacing aware",
        Smoother::Gaussian => "Gaussian (two-sided)",
    }
}

/// What a menu shows for a band kind.
fn band_title(band: BandKind) -> &'static str {
    match band {
        BandKind::MinMax => "min–max",
        BandKind::Std => "±1 SD",
    }
}

/// One entry of a menu: the value the core reads and the words shown for it.
#[derive(Serialize)]
struct Choice<T> {
    value: T,
    title: &'static str,
}

/// The words and defaults the page builds its controls and reads its URL with.
#[derive(Serialize)]
struct Vocabulary {
    /// The chart view's defaults (`chart::View`): what the URL leaves out.
    view: View,
    smoothing_max: f64,
    /// Share links longer than this many characters are too long for most chat and mail programs.
    long_link: usize,
    smoothers: Vec<Choice<Smoother>>,
    bands: Vec<Choice<BandKind>>,
    x_axes: [XAxis; 3],
    roles: [Role; 4],
    directions: [Direction; 3],
}

/// `{view, smoothing_max, long_link, smoothers: [{value, title}], bands: [{value, title}], x_axes,
/// roles, directions}`: the view's defaults and every value the page's controls may hold.
#[wasm_bindgen]
pub fn vocabulary() -> Result<JsValue, JsError> {
    to_js(&Vocabulary {
        view: View::default(),
        smoothing_max: SMOOTHING_MAX,
        long_link: crate::share::LONG_LINK,
        smoothers: SMOOTHERS
            .map(|value| Choice {
                value,
                title: smoother_title(value),
            })
            .into(),
        bands: BANDS
            .map(|value| Choice {
                value,
                title: band_title(value),
            })
            .into(),
        x_axes: X_AXES,
        roles: ROLES,
        directions: DIRECTIONS,
    })
}

/// Whether `text` is a share link's bare `d` value (a version digit, then base64url) rather than
/// an address.
#[wasm_bindgen]
pub fn is_share_data(text: &str) -> bool {
    crate::share::is_data(text)
}

/// The hand-made groups `[[run index, …], …]` after the runs `picked` are grouped by hand, or
/// `null` when fewer than two runs are picked (see `compare::regroup`).
#[wasm_bindgen]
pub fn group_runs(groups: JsValue, picked: Vec<usize>) -> Result<JsValue, JsError> {
    to_js(&regroup(&groups_of(groups)?, &picked))
}

/// A member of a group as the page lists it.
#[derive(Serialize)]
struct Member {
    run: usize,
    verdict: Verdict,
}

/// What the page shows of a group besides its report: its own evidence and its members' verdicts.
#[derive(Serialize)]
struct GroupRows<'a> {
    findings: &'a [String],
    members: Vec<Member>,
}

#[wasm_bindgen]
impl Analysis {
    /// The names of the series of run `index` that can be judged (the Monitor menu), in log order;
    /// the series judged now is always among them.
    pub fn monitorable(&self, index: usize) -> Result<Vec<String>, JsError> {
        let (run, report) = self.run(index)?;
        Ok(monitorable(run, report.monitor.as_deref())
            .into_iter()
            .map(|s| s.name.clone())
            .collect())
    }

    /// Whether the chart draws every run together under the current view.
    #[wasm_bindgen(js_name = comparing)]
    pub fn comparing_now(&self) -> bool {
        self.comparing()
    }

    /// Each group of the report as `{findings, members: [{run, verdict}]}`: the evidence about
    /// the group as a whole, and each member's own verdict.
    pub fn groups(&self) -> Result<JsValue, JsError> {
        let rows: Vec<GroupRows<'_>> = self
            .report
            .groups
            .iter()
            .map(|g| GroupRows {
                findings: g.findings(),
                members: g
                    .members
                    .iter()
                    .filter_map(|&run| {
                        let verdict = self.report.runs.get(run)?.verdict;
                        Some(Member { run, verdict })
                    })
                    .collect(),
            })
            .collect();
        to_js(&rows)
    }
}
