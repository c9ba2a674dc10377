//! The browser boundary: the only module (with `web/backend.rs`, its drawing backend) that talks to
//! wasm-bindgen, web-sys, js-sys and the canvas.
//!
//! Its exports come in two halves, by cargo feature: `page`, what the page's main thread calls
//! (putting the worker's analysis together, drawing, views, share links out, the run filter), and
//! `worker`, what its workers call (reading and judging drops and share links, following a log).
//! What reads or judges on the main thread (`Files`, `Analysis.from_fragment`, `Analysis.with_*`:
//! the page where no worker runs or the worker lost the drop, `<learning-curve>`, the JS API) needs
//! both. The shipped module has both; `make bench-size` weighs each half alone.

#[cfg(feature = "page")]
pub mod backend;
#[cfg(feature = "page")]
mod vocab;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::analysis::Options;
use crate::compare::Band;
use crate::error::escaped;
#[cfg(all(feature = "page", feature = "worker"))]
use crate::ingest::Input;
use crate::model::{Direction, Dropped, Role};
use crate::parts;
use crate::report::Report;
#[cfg(feature = "page")]
use {
    crate::analysis::RunReport,
    crate::chart::{self, Frame, Overlaid, Prepared, Style, View},
    crate::filter::Filter,
    crate::follow::{Growth, GrowthShape},
    crate::model::Run,
    backend::Page,
    plotters::prelude::*,
    web_sys::HtmlCanvasElement,
};
#[cfg(feature = "worker")]
use {
    crate::follow::{Follow, Sent},
    crate::ingest::Stream,
    crate::report::analyze,
};

#[cfg(feature = "page")]
pub use vocab::{group_runs, is_share_data, vocabulary};

/// Where a panic's message waits for the page (`www/crash.js`): a panic ends in a trap that JS
/// sees only as "unreachable", and the module may not be callable after it.
const PANIC_KEY: &str = "__plateauPanic";

/// Runs once when the module starts: a panic leaves its message under [`PANIC_KEY`] on the global
/// object before the trap, so that the page can say what went wrong in its usual sentence.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
            .unwrap_or("no message");
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = JsValue::from_str(&format!("{what}{place}"));
        // Nothing more can be done if even this fails: the page then gives its generic sentence.
        let _ = js_sys::Reflect::set(&js_sys::global(), &JsValue::from_str(PANIC_KEY), &message);
    }));
}

/// Builds for the browser tests (`--features crash-test`, never the shipped page) panic on a
/// file of this name (and, when following, on a series of this name, so that a followed file can
/// crash the follow worker and then be rewritten), so that the tests can show the page recovers
/// from a real trap.
#[cfg(all(feature = "crash-test", feature = "worker"))]
fn crash_test(name: &str) {
    if name == "plateau-crash-test.csv" {
        panic!("a crash on purpose (crash-test build)");
    }
}

/// Which of `names` pass the run list's filter `text` (see [`Filter`]): a 0 or 1 per name.
#[cfg(feature = "page")]
#[wasm_bindgen]
pub fn run_filter(text: &str, names: Vec<String>) -> Result<Vec<u8>, JsError> {
    let filter = Filter::new(text).map_err(|e| JsError::new(&e))?;
    Ok(names.iter().map(|n| u8::from(filter.matches(n))).collect())
}

/// Files collected from one drop, analysed together.
#[cfg(all(feature = "page", feature = "worker"))]
#[wasm_bindgen]
#[derive(Default)]
pub struct Files {
    files: Vec<(String, Vec<u8>)>,
    folder: bool,
}

#[cfg(all(feature = "page", feature = "worker"))]
#[wasm_bindgen]
impl Files {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Files {
        Files::default()
    }

    /// Adds one file's name and bytes.
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        #[cfg(feature = "crash-test")]
        crash_test(name);
        self.files.push((name.to_string(), bytes.to_vec()));
    }

    /// Marks the drop as folders: names are paths under the folder picked, runs are put together
    /// by folder, files that are not logs are skipped.
    pub fn folder(&mut self) {
        self.folder = true;
    }

    /// Reads and judges every run; the error is one sentence naming the file and place.
    pub fn analyze(&self, monitor: Option<String>) -> Result<Analysis, JsError> {
        let inputs: Vec<Input<'_>> = self
            .files
            .iter()
            .map(|(name, bytes)| Input { name, bytes })
            .collect();
        let options = Options::monitoring(monitor);
        let checked = if self.folder {
            crate::check_folder(&inputs, &options)
        } else {
            crate::check(&inputs, &options)
        };
        let (drop, report) = checked?;
        Ok(Analysis::new(drop, report, options))
    }
}

/// A drop read chunk by chunk in the page's worker: `begin`, `push`…, `end` per file, then `finish`.
#[cfg(feature = "worker")]
#[wasm_bindgen]
#[derive(Default)]
pub struct Reader {
    stream: Stream,
}

#[cfg(feature = "worker")]
#[wasm_bindgen]
impl Reader {
    /// A reader of single files, or with `folder` of the files of dropped folders (see `Files.folder`).
    #[wasm_bindgen(constructor)]
    pub fn new(folder: Option<bool>) -> Reader {
        Reader {
            stream: if folder == Some(true) {
                Stream::folder()
            } else {
                Stream::new()
            },
        }
    }

    /// Starts the next file; `size` is its length in bytes.
    pub fn begin(&mut self, name: &str, size: f64) {
        #[cfg(feature = "crash-test")]
        crash_test(name);
        self.stream.begin(name, size as usize);
    }

    /// The next chunk of the current file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsError> {
        self.stream.push(chunk).map_err(JsError::from)
    }

    /// Whether the current file's chunks are still wanted (a folder's file whose first bytes show
    /// it is no log is skipped unread).
    pub fn reading(&self) -> bool {
        self.stream.reading()
    }

    /// Data rows of the current file parsed so far.
    pub fn rows(&self) -> usize {
        self.stream.rows()
    }

    /// Ends the current file.
    pub fn end(&mut self) -> Result<(), JsError> {
        self.stream.end().map_err(JsError::from)
    }

    /// Judges the drop and keeps it for the controls' later changes (see [`Judge`]).
    pub fn finish(self, monitor: Option<String>) -> Result<Judge, JsError> {
        let drop = self
            .stream
            .finish()
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Judge::new(drop, &Options::monitoring(monitor)))
    }
}

/// `drop` judged with `options`, packed for `Assembler` as [`Judge::parts`] packs it.
#[cfg(feature = "worker")]
fn packed(drop: Dropped, options: &Options) -> Result<JsValue, JsError> {
    Judge::new(drop, options).parts()
}

#[cfg(feature = "worker")]
fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), JsError> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|_| JsError::new("the analysis could not be packed for the page"))
}

/// A drop kept in the page's worker once read, so that the controls' changes (monitored series,
/// groups made by hand, a series' role or direction) are judged there and the main thread only
/// takes the report (`Analysis.judged`): `parts()` once for the page, then `correct` and `judge`.
#[cfg(feature = "worker")]
#[wasm_bindgen]
pub struct Judge {
    drop: Dropped,
    report: Report,
}

#[cfg(feature = "worker")]
impl Judge {
    fn new(drop: Dropped, options: &Options) -> Judge {
        let report = analyze(&drop, options);
        Judge { drop, report }
    }
}

#[cfg(feature = "worker")]
#[wasm_bindgen]
impl Judge {
    /// The drop and its report as `{shape: Uint8Array, columns: [Float64Array], report: Uint8Array,
    /// bands: [Float64Array]}` for `Assembler` (the shape and the report as [`bytes`], the report's
    /// group bands apart, see [`banded`]): the columns are copies, the drop stays here.
    pub fn parts(&mut self) -> Result<JsValue, JsError> {
        let (shape, columns) = parts::split(&self.drop);
        let (report, bands) = banded(&mut self.report)?;
        packed_object(&[
            ("shape", bytes(&shape)?),
            ("columns", typed(columns)),
            ("report", report),
            ("bands", bands),
        ])
    }

    /// Series `name` of run `run` given a role and a direction by hand (as `Analysis.with_series`);
    /// `judge` then judges with it.
    pub fn correct(
        &mut self,
        run: usize,
        name: &str,
        role: JsValue,
        direction: JsValue,
    ) -> Result<(), JsError> {
        correct(&mut self.drop, run, name, role, direction)
    }

    /// The runs judged again with `monitor` (`undefined` for the default choice) and the groups
    /// made by hand (`[[run index, …], …]`), as `{report, bands, summary}`: the first two for
    /// `Judgement` (see [`banded`]), `summary` the report as `Analysis.summary` gives it.
    pub fn judge(&mut self, monitor: Option<String>, groups: JsValue) -> Result<JsValue, JsError> {
        let options = Options {
            monitor,
            groups: groups_of(groups)?,
        };
        self.report = analyze(&self.drop, &options);
        let (report, bands) = banded(&mut self.report)?;
        let summary = without_bands(&mut self.report, |report, _| to_js(report))?;
        packed_object(&[("report", report), ("bands", bands), ("summary", summary)])
    }
}

/// `columns` as a JS array of typed arrays (copies).
#[cfg(feature = "worker")]
fn typed<'a>(columns: impl IntoIterator<Item = &'a [f64]>) -> JsValue {
    let arrays = js_sys::Array::new();
    for column in columns {
        arrays.push(&js_sys::Float64Array::from(column));
    }
    arrays.into()
}

/// A plain object of `entries` for the page.
#[cfg(feature = "worker")]
fn packed_object(entries: &[(&str, JsValue)]) -> Result<JsValue, JsError> {
    let out: JsValue = js_sys::Object::new().into();
    for (key, value) in entries {
        set(&out, key, value)?;
    }
    Ok(out)
}

/// `report` as [`bytes`] without the arrays that grow with the log (see [`Long`]), and those as
/// typed arrays: five per group (its band's x, mean, std, min, max), then one per early-stopping
/// replay of each run (its `at`). As JS arrays of numbers, a band of a million points took the
/// page's main thread seconds to convert and read back, and the x of every LR cut
/// ReduceLROnPlateau would make on a noisy per-step log (90,000 at a million rows) tens of
/// milliseconds. The page passes them on as its `bands`.
#[cfg(feature = "worker")]
fn banded(report: &mut Report) -> Result<(JsValue, JsValue), JsError> {
    without_bands(report, |report, long| {
        let arrays = js_sys::Array::new();
        for band in &long.bands {
            for values in [&band.x, &band.mean, &band.std, &band.min, &band.max] {
                arrays.push(&js_sys::Float64Array::from(values.as_slice()));
            }
        }
        for at in &long.at {
            arrays.push(&js_sys::Float64Array::from(at.as_slice()));
        }
        Ok((bytes(report)?, arrays.into()))
    })
}

/// What the worker hands the page's module (a drop's shape, a followed log's growth, a report) as
/// `postcard`'s bytes, which [`unpacked`] reads: fields by position, floats bit for bit (NaN and
/// infinities kept). Reading them from JS objects field by name (`serde-wasm-bindgen`) was the
/// largest code in the module.
#[cfg(feature = "worker")]
fn bytes<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let bytes = postcard::to_allocvec(value)
        .map_err(|e| JsError::new(&format!("the analysis could not be packed: {e}")))?;
    Ok(js_sys::Uint8Array::from(bytes.as_slice()).into())
}

/// A value the worker packed as [`bytes`].
#[cfg(feature = "page")]
fn unpacked<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, JsError> {
    postcard::from_bytes(bytes).map_err(|e| damaged(&e.to_string()))
}

/// A report's arrays that grow with the log: its groups' bands, and its runs' early-stopping
/// replays' x lists (`at`), in run order.
struct Long {
    bands: Vec<Band>,
    at: Vec<Vec<f64>>,
}

/// What `f` makes of `report` with its long arrays taken out (and of them); `report` is left as
/// it was.
fn without_bands<T>(report: &mut Report, f: impl FnOnce(&Report, &Long) -> T) -> T {
    let long = Long {
        bands: report
            .groups
            .iter_mut()
            .map(|g| std::mem::take(&mut g.band))
            .collect(),
        at: replays(report).map(std::mem::take).collect(),
    };
    let out = f(report, &long);
    for (group, band) in report.groups.iter_mut().zip(long.bands) {
        group.band = band;
    }
    for (at, taken) in replays(report).zip(long.at) {
        *at = taken;
    }
    out
}

/// The x lists of every run's early-stopping replays, in run order.
fn replays(report: &mut Report) -> impl Iterator<Item = &mut Vec<f64>> {
    report
        .runs
        .iter_mut()
        .flat_map(|r| r.early_stopping.iter_mut())
        .map(|e| &mut e.at)
}

/// Puts the arrays [`banded`] took out back into `report`: five per group, then one per replay.
#[cfg(feature = "page")]
fn unbanded(report: &mut Report, mut arrays: Vec<Vec<f64>>) -> Result<(), JsError> {
    let bands = 5 * report.groups.len();
    let replayed = replays(report).count();
    if arrays.len() != bands + replayed {
        return Err(damaged(&format!(
            "{} arrays for {} groups and {replayed} early-stopping replays",
            arrays.len(),
            report.groups.len()
        )));
    }
    for (at, taken) in replays(report).zip(arrays.split_off(bands)) {
        *at = taken;
    }
    for group in report.groups.iter_mut().rev() {
        let mut five = arrays.split_off(arrays.len() - 5).into_iter();
        let mut next = || five.next().unwrap_or_default();
        let band = Band {
            x: next(),
            mean: next(),
            std: next(),
            min: next(),
            max: next(),
        };
        let n = band.x.len();
        if [&band.mean, &band.std, &band.min, &band.max]
            .iter()
            .any(|v| v.len() != n)
        {
            return Err(damaged(&format!(
                "the band of group `{}` is ragged",
                group.name
            )));
        }
        group.band = band;
    }
    Ok(())
}

/// Groups of run numbers from the page (a link's `groups` key is anyone's text; none when
/// undefined or null): a number that cannot be a run (negative, fractional, past the index range)
/// is left out, not an error that would refuse the whole link.
fn groups_of(groups: JsValue) -> Result<Vec<Vec<usize>>, JsError> {
    if groups.is_undefined() || groups.is_null() {
        return Ok(Vec::new());
    }
    let groups: Vec<Vec<f64>> = serde_wasm_bindgen::from_value(groups)
        .map_err(|e| JsError::new(&format!("the groups are not lists of run numbers: {e}")))?;
    Ok(groups
        .into_iter()
        .map(|g| {
            g.into_iter()
                .filter(|v| *v >= 0.0 && v.fract() == 0.0 && *v <= usize::MAX as f64)
                .map(|v| v as usize)
                .collect()
        })
        .collect())
}

/// Gives series `name` of run `run` of `drop` a role (`train`, `validation`, `test`, `other`) and a
/// direction (`lower`, `higher`, `unknown`) by hand.
fn correct(
    drop: &mut Dropped,
    run: usize,
    name: &str,
    role: JsValue,
    direction: JsValue,
) -> Result<(), JsError> {
    let role: Role = serde_wasm_bindgen::from_value(role)
        .map_err(|e| JsError::new(&escaped(&format!("`{name}` cannot take that role: {e}"))))?;
    let direction: Direction = serde_wasm_bindgen::from_value(direction).map_err(|e| {
        JsError::new(&escaped(&format!(
            "`{name}` cannot take that direction: {e}"
        )))
    })?;
    let corrected = drop
        .runs
        .get_mut(run)
        .is_some_and(|r| r.correct(name, role, direction));
    if corrected {
        Ok(())
    } else {
        Err(JsError::new(&escaped(&format!(
            "run {run} has no series `{name}`"
        ))))
    }
}

/// A log followed in the page's worker (see `follow::Follow`): `resume_at`, then `update` with
/// the bytes from there, then `packed` for the main thread: the whole analysis the first time,
/// then only the rows appended since the answer the page last took (see `follow::Sent`).
#[cfg(feature = "worker")]
#[wasm_bindgen]
pub struct Follower {
    follow: Follow,
    /// What the answer numbered `answers` sent.
    sent: Sent,
    answers: u32,
}

#[cfg(feature = "worker")]
#[wasm_bindgen]
impl Follower {
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str) -> Follower {
        Follower {
            follow: Follow::new(name),
            // A seed the file cannot know (see `Sent`): two draws of 53 random bits.
            sent: Sent::seeded(
                ((js_sys::Math::random() * 2f64.powi(53)) as u64) << 11
                    ^ (js_sys::Math::random() * 2f64.powi(53)) as u64,
            ),
            answers: 0,
        }
    }

    /// Where the next read starts, given the file's current size in bytes (0 when it shrank).
    pub fn resume_at(&self, size: f64) -> f64 {
        self.follow.piece(size as u64).0 as f64
    }

    /// The bytes of a file of `size` bytes to read next: `[start, end]` (see `Follow::piece`).
    pub fn piece(&self, size: f64) -> Vec<f64> {
        let (at, end) = self.follow.piece(size as u64);
        vec![at as f64, end as f64]
    }

    /// Whether the log is read whole at every change (JSON), not from where the last read stopped.
    pub fn whole(&self) -> bool {
        self.follow.whole()
    }

    /// The file's bytes from `at` to its end: `unchanged`, `appended`, `restarted` or `replaced`
    /// (read again from `resume_at`).
    pub fn update(&mut self, at: f64, bytes: &[u8]) -> Result<String, JsError> {
        self.follow
            .update(at as u64, bytes)
            .map(|c| c.as_str().to_string())
            .map_err(JsError::from)
    }

    /// Bytes read so far.
    pub fn offset(&self) -> f64 {
        self.follow.offset() as f64
    }

    /// The runs read so far judged with `monitor` and `groups` (`[[run index, …], …]`), plus
    /// `rows` and `answer` (this answer's number). When `have` is the number of the last answer
    /// and its runs only grew since, `{growth, columns, report, bands}` for `Analysis.grow` (the
    /// report's group bands apart, see [`banded`]); else packed like `Reader.finish`.
    pub fn packed(
        &mut self,
        monitor: Option<String>,
        groups: JsValue,
        have: Option<u32>,
    ) -> Result<JsValue, JsError> {
        let groups = groups_of(groups)?;
        let drop = self
            .follow
            .drop()
            .map_err(|e| JsError::new(&e.to_string()))?;
        #[cfg(feature = "crash-test")]
        drop.runs
            .iter()
            .flat_map(|r| &r.series)
            .for_each(|s| crash_test(&s.name));
        let rows = crate::follow::rows(&drop);
        let options = Options { monitor, groups };
        let growth = if have == Some(self.answers) {
            self.sent.growth(&drop)
        } else {
            self.sent.remember(&drop);
            None
        };
        let out = match growth {
            Some(growth) => {
                let mut report = analyze(&drop, &options);
                let (shape, columns) = growth.split();
                let (report, bands) = banded(&mut report)?;
                packed_object(&[
                    ("growth", bytes(&shape)?),
                    ("columns", typed(columns.iter().map(Vec::as_slice))),
                    ("report", report),
                    ("bands", bands),
                ])?
            }
            None => packed(drop, &options)?,
        };
        self.answers += 1;
        set(&out, "rows", &JsValue::from(rows as f64))?;
        set(&out, "answer", &JsValue::from(self.answers))?;
        Ok(out)
    }
}

/// A share link's `d` value decoded and judged in the page's worker, kept there like a drop
/// ([`Judge`]): a link's cost never lands on the page's main thread.
#[cfg(feature = "worker")]
#[wasm_bindgen]
pub fn link_judge(d: &str, monitor: Option<String>) -> Result<Judge, JsError> {
    let drop = crate::share::decode(d).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(Judge::new(drop, &Options::monitoring(monitor)))
}

/// A worker's analysis put back together on the main thread one column at a time, so that no
/// single task copies a large log: `new Assembler(shape, report, values)`, `add(column)`…,
/// `add_band(values)`… (the report's group bands, see [`Judge::parts`]), `finish()`.
#[cfg(feature = "page")]
#[wasm_bindgen]
pub struct Assembler {
    shape: parts::Shape,
    report: Report,
    columns: Vec<Vec<f64>>,
    bands: Vec<Vec<f64>>,
}

#[cfg(feature = "page")]
#[wasm_bindgen]
impl Assembler {
    /// `values` (the columns' total length) is reserved at once: growing the module's memory in
    /// one step is far cheaper than once per column.
    #[wasm_bindgen(constructor)]
    pub fn new(shape: &[u8], report: &[u8], values: usize) -> Result<Assembler, JsError> {
        drop(Vec::<f64>::with_capacity(values.saturating_add(values / 8)));
        Ok(Assembler {
            shape: unpacked(shape)?,
            report: unpacked(report)?,
            columns: Vec::new(),
            bands: Vec::new(),
        })
    }

    /// The next column, in the order `Reader.finish` gave them.
    pub fn add(&mut self, column: Vec<f64>) {
        self.columns.push(column);
    }

    /// The next array of the report's group bands, in the order the worker gave them.
    pub fn add_band(&mut self, values: Vec<f64>) {
        self.bands.push(values);
    }

    /// The analysis, with no parsing or judging done here; `monitor` is the one the worker was given.
    pub fn finish(mut self, monitor: Option<String>) -> Result<Analysis, JsError> {
        unbanded(&mut self.report, self.bands)?;
        let drop = parts::join(self.shape, self.columns).map_err(|e| damaged(&e))?;
        let options = Options::monitoring(monitor);
        Ok(Analysis::new(drop, self.report, options))
    }
}

/// A worker's judgement after a control changed ([`Judge::judge`]'s `{report, bands}`) taken in
/// on the main thread a part per task, so that no task converts a large group's band whole:
/// `new Judgement(report)`, `add_band(values)`…, then `Analysis.judged`.
#[cfg(feature = "page")]
#[wasm_bindgen]
pub struct Judgement {
    report: Report,
    bands: Vec<Vec<f64>>,
}

#[cfg(feature = "page")]
#[wasm_bindgen]
impl Judgement {
    #[wasm_bindgen(constructor)]
    pub fn new(report: &[u8]) -> Result<Judgement, JsError> {
        Ok(Judgement {
            report: unpacked(report)?,
            bands: Vec::new(),
        })
    }

    /// The next array of the report's group bands, in the order the worker gave them.
    pub fn add_band(&mut self, values: Vec<f64>) {
        self.bands.push(values);
    }
}

#[cfg(feature = "page")]
fn damaged(why: &str) -> JsError {
    JsError::new(&format!("the worker's analysis is damaged: {why}"))
}

/// A finished analysis: the runs read, the report about them, and the chart's view of them.
#[cfg(feature = "page")]
#[wasm_bindgen]
pub struct Analysis {
    drop: Dropped,
    report: Report,
    /// What the report was made with (monitored series, groups made by hand).
    options: Options,
    view: View,
    /// The prepared run (x mapped, smoothed, raw curves decimated): slider moves and zooms reuse it.
    prepared: Option<(usize, Prepared)>,
    /// The curves of every run drawn together, made ready the same way.
    overlaid: Overlaid,
    /// The last drawn run and where it landed, for hover and zoom.
    frame: Option<(usize, Frame)>,
}

/// What one call of `Analysis::prepare` did: whether it had work to do, and whether some is left.
#[cfg(feature = "page")]
struct Progress {
    worked: bool,
    left: bool,
}

/// Points `Analysis::prepare_some` goes through per call (a few milliseconds' work: the page
/// calls it again within a task while its time slice lasts).
#[cfg(feature = "page")]
const PREPARED_PER_CALL: usize = 250_000;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(JsError::from)
}

#[cfg(feature = "page")]
impl Analysis {
    /// `drop` judged with `options`, keeping this analysis's view.
    #[cfg(all(feature = "page", feature = "worker"))]
    fn reanalyzed(&self, drop: Dropped, options: Options) -> Analysis {
        let report = analyze(&drop, &options);
        let mut next = Analysis::new(drop, report, options);
        next.view = self.view.clone();
        next
    }

    /// Whether the view draws every run together (only when there is more than one).
    fn comparing(&self) -> bool {
        self.view.compare && self.drop.runs.len() > 1
    }

    fn new(drop: Dropped, report: Report, options: Options) -> Analysis {
        Analysis {
            drop,
            report,
            options,
            view: View::default(),
            prepared: None,
            overlaid: Overlaid::default(),
            frame: None,
        }
    }

    fn run(&self, index: usize) -> Result<(&Run, &RunReport), JsError> {
        self.drop
            .runs
            .get(index)
            .zip(self.report.runs.get(index))
            .ok_or_else(|| JsError::new(&format!("there is no run number {index}")))
    }

    /// Prepares run `index` for the current view, reusing what still fits (see `chart::Prepared`),
    /// going through at most about `points` points (all of them for `usize::MAX`); whether some
    /// work is left.
    fn prepare(&mut self, index: usize, points: usize) -> Result<Progress, JsError> {
        let run = self
            .drop
            .runs
            .get(index)
            .ok_or_else(|| JsError::new(&format!("there is no run number {index}")))?;
        let prepared = match &mut self.prepared {
            Some((i, prepared)) if *i == index => {
                prepared.update(run, &self.view);
                prepared
            }
            _ => {
                &mut self
                    .prepared
                    .insert((index, Prepared::begin(run, &self.view)))
                    .1
            }
        };
        let worked = !prepared.ready();
        let left = prepared.step(run, points);
        Ok(Progress { worked, left })
    }

    fn prepared(&self) -> Result<&Prepared, JsError> {
        self.prepared
            .as_ref()
            .map(|p| &p.1)
            .ok_or_else(|| JsError::new("the chart has not been prepared"))
    }
}

#[cfg(feature = "page")]
#[wasm_bindgen]
impl Analysis {
    /// How many runs the analysis holds.
    pub fn run_count(&self) -> usize {
        self.drop.runs.len()
    }

    /// The report as a plain object (the same value `plateau check --json` prints).
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&self.report)
    }

    /// The report as `report()` gives it but with the groups' bands and the early-stopping
    /// replays' x lists empty: what the page shows (the chart draws the bands from here),
    /// converted in a moment however long the log.
    pub fn summary(&mut self) -> Result<JsValue, JsError> {
        without_bands(&mut self.report, |report, _| to_js(report))
    }

    /// The same runs judged on another series (`undefined` for the default choice).
    #[cfg(all(feature = "page", feature = "worker"))]
    pub fn with_monitor(&self, monitor: Option<String>) -> Analysis {
        self.reanalyzed(
            self.drop.clone(),
            Options {
                monitor,
                ..self.options.clone()
            },
        )
    }

    /// The same runs with groups made by hand: `[[run index, …], …]` (each run leaves its fold group).
    #[cfg(all(feature = "page", feature = "worker"))]
    pub fn with_groups(&self, groups: JsValue) -> Result<Analysis, JsError> {
        Ok(self.reanalyzed(
            self.drop.clone(),
            Options {
                groups: groups_of(groups)?,
                ..self.options.clone()
            },
        ))
    }

    /// The same runs with series `name` of run `run` given a role (`train`, `validation`, `test`,
    /// `other`) and a direction (`lower`, `higher`, `unknown`) by hand, then judged again.
    #[cfg(all(feature = "page", feature = "worker"))]
    pub fn with_series(
        &self,
        run: usize,
        name: &str,
        role: JsValue,
        direction: JsValue,
    ) -> Result<Analysis, JsError> {
        let mut drop = self.drop.clone();
        correct(&mut drop, run, name, role, direction)?;
        Ok(self.reanalyzed(drop, self.options.clone()))
    }

    /// Series `name` of run `run` given a role and a direction by hand, in place and without
    /// judging: the page's worker judges ([`Judge::correct`]) and `judged` takes its report.
    pub fn correct(
        &mut self,
        run: usize,
        name: &str,
        role: JsValue,
        direction: JsValue,
    ) -> Result<(), JsError> {
        // The prepared curves stay: they follow the series' values and the view, not their roles.
        correct(&mut self.drop, run, name, role, direction)
    }

    /// Takes the report the page's worker judged these runs with (see [`Judgement`], judged
    /// with the same `monitor` and `groups`), so that no judging happens on the main thread; the
    /// page keeps the worker's `summary` of it (see [`Judge::judge`]) as `summary()` would give it.
    pub fn judged(
        &mut self,
        judged: Judgement,
        monitor: Option<String>,
        groups: JsValue,
    ) -> Result<(), JsError> {
        let Judgement { mut report, bands } = judged;
        unbanded(&mut report, bands)?;
        if report.runs.len() != self.drop.runs.len() {
            return Err(damaged("its report does not have a verdict for every run"));
        }
        self.options = Options {
            monitor,
            groups: groups_of(groups)?,
        };
        // The prepared curves stay: they follow the runs and the view, not the report; the
        // groups' bands are the report's.
        self.report = report;
        self.overlaid.forget_report();
        Ok(())
    }

    /// Sets the view: `{smoothing, smoother, log_y, ignore_outliers, x_axis, hidden, zoom, compare, band,
    /// hidden_runs, run_names}`, any subset.
    pub fn set_view(&mut self, view: JsValue) -> Result<(), JsError> {
        self.view = serde_wasm_bindgen::from_value(view)
            .map_err(|e| JsError::new(&format!("the chart view is not valid: {e}")))?;
        Ok(())
    }

    /// Maps x and smooths run `index` for the current view ahead of `draw`, so that a large log's
    /// first drawing is spread over two tasks.
    #[wasm_bindgen(js_name = prepare)]
    pub fn prepare_ahead(&mut self, index: usize) -> Result<(), JsError> {
        self.prepare(index, usize::MAX).map(|_| ())
    }

    /// Part of `prepare` (going through some 250,000 points, a few milliseconds; a whole series
    /// when smoothing it), and once that is done, in a call of its own, decimating the curves for
    /// a canvas `columns` backing pixels wide; whether more is left. When every run is drawn
    /// together, part of making their curves ready instead. The page calls it while its task's
    /// time slice lasts, and in the next task until it says no, then draws: a new view of a
    /// large log never holds the page for long.
    pub fn prepare_some(&mut self, index: usize, columns: u32) -> Result<bool, JsError> {
        if self.comparing() {
            return Ok(self
                .overlaid
                .step(&self.drop, &self.report, &self.view, PREPARED_PER_CALL));
        }
        let Progress { worked, left } = self.prepare(index, PREPARED_PER_CALL)?;
        if left || worked {
            return Ok(true);
        }
        let (run, report) = self.run(index)?;
        Ok(chart::warm(
            run,
            report,
            &self.view,
            self.prepared()?,
            columns as usize,
        ))
    }

    /// The x-axes run `index` offers: `[{axis, title}]`.
    pub fn axes(&self, index: usize) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Choice {
            axis: chart::XAxis,
            title: String,
        }
        let (run, _) = self.run(index)?;
        let list: Vec<Choice> = chart::choices(run)
            .into_iter()
            .map(|(axis, title)| Choice { axis, title })
            .collect();
        to_js(&list)
    }

    /// The CSS height the chart of run `index` wants (more panels, more height).
    pub fn height(&self, index: usize) -> Result<u32, JsError> {
        if self.comparing() {
            return Ok(chart::OVERLAY_HEIGHT);
        }
        let (run, report) = self.run(index)?;
        Ok(chart::preferred_height(run, report))
    }

    /// Draws run `index` on the canvas, whose backing store the caller sized to CSS size × `scale`.
    /// Returns the frame: plot area, x-range, panels and legend entries.
    pub fn draw(
        &mut self,
        canvas: HtmlCanvasElement,
        index: usize,
        scale: f64,
        dark: bool,
    ) -> Result<JsValue, JsError> {
        let area = Page::canvas(canvas)
            .ok_or_else(|| JsError::new("the canvas has no 2D context"))?
            .into_drawing_area();
        if self.comparing() {
            let style = Style { scale, dark };
            while self
                .overlaid
                .step(&self.drop, &self.report, &self.view, usize::MAX)
            {}
            let frame = chart::overlay_prepared(
                &area,
                &self.drop,
                &self.report,
                &self.view,
                &self.overlaid,
                &style,
            )?;
            let out = to_js(&frame);
            self.frame = Some((index, frame));
            return out;
        }
        self.prepare(index, usize::MAX)?;
        let (run, report) = self.run(index)?;
        let frame = chart::draw(
            &area,
            run,
            report,
            &self.view,
            self.prepared()?,
            &Style { scale, dark },
        )?;
        let out = to_js(&frame);
        self.frame = Some((index, frame));
        out
    }

    /// What is under backend pixel `(px, py)` of the last drawing: `{x, px, x_title, panel, rows}`, or null.
    pub fn hover(&self, px: f64, py: f64) -> Result<JsValue, JsError> {
        let Some((index, frame)) = self.frame.as_ref().filter(|_| !self.comparing()) else {
            return Ok(JsValue::NULL);
        };
        let (run, report) = self.run(*index)?;
        let prepared = self.prepared()?;
        // A view still being prepared (see `prepare_some`) reads out once it is drawn.
        if !prepared.ready() {
            return Ok(JsValue::NULL);
        }
        let readout = chart::hover(frame, run, report, &self.view, prepared, (px, py));
        to_js(&readout)
    }

    /// The x-range between two backend pixel columns of the last drawing, lowest first.
    pub fn zoom(&self, px0: f64, px1: f64) -> Result<Vec<f64>, JsError> {
        let (_, frame) = self
            .frame
            .as_ref()
            .ok_or_else(|| JsError::new("nothing is drawn to zoom into"))?;
        let (a, b) = (frame.x_at(px0), frame.x_at(px1));
        Ok(vec![a.min(b), a.max(b)])
    }

    /// The chart of run `index` under the current view as an SVG document (drawn on the canvas's
    /// backend type, see [`Page`]).
    pub fn svg(&self, index: usize, width: u32, height: u32) -> Result<String, JsError> {
        let style = Style::default();
        let document = if self.comparing() {
            chart::svg_document(width, height, |svg| {
                let area = Page::Svg(svg).into_drawing_area();
                chart::overlay(&area, &self.drop, &self.report, &self.view, &style).map(|_| ())
            })
        } else {
            let (run, report) = self.run(index)?;
            let prepared = chart::prepare(run, &self.view);
            chart::svg_document(width, height, |svg| {
                let area = Page::Svg(svg).into_drawing_area();
                chart::draw(&area, run, report, &self.view, &prepared, &style).map(|_| ())
            })
        };
        document.map_err(JsError::from)
    }

    /// The drawn series of run `index` as CSV: `series,<x>,raw,smoothed`.
    pub fn csv(&mut self, index: usize) -> Result<String, JsError> {
        self.prepare(index, usize::MAX)?;
        let (run, report) = self.run(index)?;
        chart::csv(run, report, &self.view, self.prepared()?).map_err(JsError::from)
    }
}

/// A followed log's next answer taken in place (see `Follower.packed`).
#[cfg(feature = "page")]
#[wasm_bindgen]
impl Analysis {
    /// Appends the rows of `growth` (with `columns`, the new runs' arrays) and takes `report`, the
    /// worker's judgement of the whole log, with its group bands as typed arrays (`bands`, see
    /// [`banded`]): no judging here, and the prepared chart is extended rather than made again. An
    /// answer that does not continue these runs is one sentence and changes nothing.
    pub fn grow(
        &mut self,
        growth: &[u8],
        columns: Vec<js_sys::Float64Array>,
        report: &[u8],
        bands: Vec<js_sys::Float64Array>,
    ) -> Result<(), JsError> {
        let shape: GrowthShape = unpacked(growth)?;
        let mut report: Report = unpacked(report)?;
        unbanded(
            &mut report,
            bands.iter().map(js_sys::Float64Array::to_vec).collect(),
        )?;
        let columns = columns.iter().map(js_sys::Float64Array::to_vec).collect();
        let growth = Growth::join(shape, columns).map_err(|e| damaged(&e))?;
        let before: Vec<Vec<usize>> = self
            .drop
            .runs
            .iter()
            .map(|r| r.series.iter().map(|s| s.len()).collect())
            .collect();
        crate::follow::grow(&mut self.drop, growth).map_err(|e| damaged(&e))?;
        self.report = report;
        // Only the runs that grew are redone (see `chart::Overlaid`).
        self.overlaid.forget_report();
        if let Some((index, prepared)) = &mut self.prepared {
            match (self.drop.runs.get(*index), before.get(*index)) {
                (Some(run), Some(old)) => prepared.grow(run, &self.view, old),
                _ => self.prepared = None,
            }
        }
        Ok(())
    }

    /// Gives one of the arrays that grow with a followed log (values, smoothed values) room for as
    /// many points again when it is nearly full (see `follow::make_room`); whether it did.
    pub fn make_room(&mut self) -> bool {
        let values = self
            .drop
            .runs
            .iter_mut()
            .flat_map(|r| r.series.iter_mut())
            .flat_map(|s| [&mut s.x, &mut s.y]);
        let smoothed = self
            .prepared
            .iter_mut()
            .flat_map(|(_, p)| p.smoothed.iter_mut());
        crate::follow::make_room(values.chain(smoothed))
    }
}

/// Share links: the analysis's data as a link's `d` value, and back.
#[cfg(feature = "page")]
#[wasm_bindgen]
impl Analysis {
    /// The `d` value of a share link carrying this analysis's runs, bit for bit.
    pub fn share_fragment(&self) -> String {
        crate::share::encode(&self.drop)
    }

    /// The analysis of the runs a share link's `d` value carries; a damaged link is one sentence.
    #[cfg(all(feature = "page", feature = "worker"))]
    pub fn from_fragment(d: &str, monitor: Option<String>) -> Result<Analysis, JsError> {
        let drop = crate::share::decode(d)?;
        let options = Options::monitoring(monitor);
        let report = crate::analyze(&drop, &options);
        Ok(Analysis::new(drop, report, options))
    }
}
