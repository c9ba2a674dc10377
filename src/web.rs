//! The browser boundary: the only file that talks to wasm-bindgen, web-sys, js-sys and the canvas.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::analysis::{analyze, Options, Report, RunReport};
use crate::chart::{self, Frame, Prepared, Style, View};
use crate::filter::Filter;
use crate::follow::Follow;
use crate::ingest::{Input, Stream};
use crate::model::{Direction, Drop, Role, Run};
use crate::parts;

mod vocab;
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
/// file of this name, so that the tests can show the page recovers from a real trap.
#[cfg(feature = "crash-test")]
fn crash_test(name: &str) {
    if name == "plateau-crash-test.csv" {
        panic!("a crash on purpose (crash-test build)");
    }
}

/// Which of `names` pass the run list's filter `text` (see [`Filter`]): a 0 or 1 per name.
#[wasm_bindgen]
pub fn run_filter(text: &str, names: Vec<String>) -> Result<Vec<u8>, JsError> {
    let filter = Filter::new(text).map_err(|e| JsError::new(&e))?;
    Ok(names.iter().map(|n| u8::from(filter.matches(n))).collect())
}

/// Files collected from one drop, analysed together.
#[wasm_bindgen]
#[derive(Default)]
pub struct Files {
    files: Vec<(String, Vec<u8>)>,
    folder: bool,
}

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
        let options = Options {
            monitor,
            ..Options::default()
        };
        let checked = if self.folder {
            crate::check_folder(&inputs, &options)
        } else {
            crate::check(&inputs, &options)
        };
        let (drop, report) = checked.map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Analysis::new(drop, report, options))
    }
}

/// A drop read chunk by chunk in the page's worker: `begin`, `push`…, `end` per file, then `finish`.
#[wasm_bindgen]
#[derive(Default)]
pub struct Reader {
    stream: Stream,
}

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
        self.stream
            .push(chunk)
            .map_err(|e| JsError::new(&e.to_string()))
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
        self.stream.end().map_err(|e| JsError::new(&e.to_string()))
    }

    /// Judges the drop and returns it ready to post to the main thread:
    /// `{shape, columns: [Float64Array], report}` (see `Assembler`).
    pub fn finish(self, monitor: Option<String>) -> Result<JsValue, JsError> {
        let drop = self
            .stream
            .finish()
            .map_err(|e| JsError::new(&e.to_string()))?;
        packed(drop, monitor)
    }
}

/// `drop` judged with `monitor`, as `{shape, columns: [Float64Array], report}` for `Assembler`.
fn packed(drop: Drop, monitor: Option<String>) -> Result<JsValue, JsError> {
    let report = analyze(
        &drop,
        &Options {
            monitor,
            ..Options::default()
        },
    );
    let (shape, columns) = parts::split(drop);
    let arrays = js_sys::Array::new();
    for column in &columns {
        arrays.push(&js_sys::Float64Array::from(column.as_slice()));
    }
    let out = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        js_sys::Reflect::set(&out, &JsValue::from_str(key), value)
            .map_err(|_| JsError::new("the analysis could not be packed for the page"))
    };
    set("shape", &to_js(&shape)?)?;
    set("columns", &arrays)?;
    set("report", &to_js_exact(&report)?)?;
    Ok(out.into())
}

/// A log followed in the page's worker (see `follow::Follow`): `resume_at`, then `update` with
/// the bytes from there, then `packed` for the main thread.
#[wasm_bindgen]
pub struct Follower {
    follow: Follow,
}

#[wasm_bindgen]
impl Follower {
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str) -> Follower {
        Follower {
            follow: Follow::new(name),
        }
    }

    /// Where the next read starts, given the file's current size in bytes (0 when it shrank).
    pub fn resume_at(&self, size: f64) -> f64 {
        if size < self.follow.offset() as f64 {
            0.0
        } else {
            self.follow.resume_at() as f64
        }
    }

    /// The file's bytes from `at` to its end: `unchanged`, `appended`, `restarted` or `replaced`
    /// (read again from `resume_at`).
    pub fn update(&mut self, at: f64, bytes: &[u8]) -> Result<String, JsError> {
        self.follow
            .update(at as u64, bytes)
            .map(|c| c.as_str().to_string())
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Bytes read so far.
    pub fn offset(&self) -> f64 {
        self.follow.offset() as f64
    }

    /// The runs read so far judged with `monitor`, packed like `Reader.finish`, plus `rows`.
    pub fn packed(&mut self, monitor: Option<String>) -> Result<JsValue, JsError> {
        let drop = self
            .follow
            .drop()
            .map_err(|e| JsError::new(&e.to_string()))?;
        let rows = crate::follow::rows(&drop);
        let out = packed(drop, monitor)?;
        js_sys::Reflect::set(
            &out,
            &JsValue::from_str("rows"),
            &JsValue::from(rows as f64),
        )
        .map_err(|_| JsError::new("the analysis could not be packed for the page"))?;
        Ok(out)
    }
}

/// A share link's `d` value decoded and judged in the page's worker, packed as `Reader.finish`
/// packs a drop: a link's cost never lands on the page's main thread.
#[wasm_bindgen]
pub fn link_parts(d: &str, monitor: Option<String>) -> Result<JsValue, JsError> {
    let drop = crate::share::decode(d).map_err(|e| JsError::new(&e.to_string()))?;
    packed(drop, monitor)
}

/// A worker's analysis put back together on the main thread one column at a time, so that no
/// single task copies a large log: `new Assembler(shape, report)`, `add(column)`…, `finish()`.
#[wasm_bindgen]
pub struct Assembler {
    shape: parts::Shape,
    report: Report,
    columns: Vec<Vec<f64>>,
}

#[wasm_bindgen]
impl Assembler {
    /// `values` (the columns' total length) is reserved at once: growing the module's memory in
    /// one step is far cheaper than once per column.
    #[wasm_bindgen(constructor)]
    pub fn new(shape: JsValue, report: JsValue, values: usize) -> Result<Assembler, JsError> {
        drop(Vec::<f64>::with_capacity(values.saturating_add(values / 8)));
        Ok(Assembler {
            shape: serde_wasm_bindgen::from_value(shape).map_err(|e| damaged(&e.to_string()))?,
            report: serde_wasm_bindgen::from_value(report).map_err(|e| damaged(&e.to_string()))?,
            columns: Vec::new(),
        })
    }

    /// The next column, in the order `Reader.finish` gave them.
    pub fn add(&mut self, column: Vec<f64>) {
        self.columns.push(column);
    }

    /// The analysis, with no parsing or judging done here; `monitor` is the one the worker was given.
    pub fn finish(self, monitor: Option<String>) -> Result<Analysis, JsError> {
        let drop = parts::join(self.shape, self.columns).map_err(|e| damaged(&e))?;
        let options = Options {
            monitor,
            ..Options::default()
        };
        Ok(Analysis::new(drop, self.report, options))
    }
}

fn damaged(why: &str) -> JsError {
    JsError::new(&format!("the worker's analysis is damaged: {why}"))
}

/// A finished analysis: the runs read, the report about them, and the chart's view of them.
#[wasm_bindgen]
pub struct Analysis {
    drop: Drop,
    report: Report,
    /// What the report was made with (monitored series, groups made by hand).
    options: Options,
    view: View,
    /// The prepared run (x mapped, smoothed, raw curves decimated): slider moves and zooms reuse it.
    prepared: Option<(usize, Prepared)>,
    /// The last drawn run and where it landed, for hover and zoom.
    frame: Option<(usize, Frame)>,
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Groups of run numbers from the page (a link's `groups` key is anyone's text): a number that
/// cannot be a run (negative, fractional, past the index range) is left out, not an error that
/// would refuse the whole link.
fn run_lists(groups: JsValue) -> Result<Vec<Vec<usize>>, JsError> {
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

/// A value as a JS value that keeps NaN and infinities as numbers, for `from_parts` to read back.
fn to_js_exact<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new())
        .map_err(|e| JsError::new(&e.to_string()))
}

impl Analysis {
    /// `drop` judged with `options`, keeping this analysis's view.
    fn reanalyzed(&self, drop: Drop, options: Options) -> Analysis {
        let report = analyze(&drop, &options);
        let mut next = Analysis::new(drop, report, options);
        next.view = self.view.clone();
        next
    }

    /// Whether the view draws every run together (only when there is more than one).
    fn comparing(&self) -> bool {
        self.view.compare && self.drop.runs.len() > 1
    }

    fn new(drop: Drop, report: Report, options: Options) -> Analysis {
        Analysis {
            drop,
            report,
            options,
            view: View::default(),
            prepared: None,
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

    /// Prepares run `index` for the current view, reusing what still fits (see `chart::Prepared`).
    fn prepare(&mut self, index: usize) -> Result<(), JsError> {
        let run = self
            .drop
            .runs
            .get(index)
            .ok_or_else(|| JsError::new(&format!("there is no run number {index}")))?;
        match &mut self.prepared {
            Some((i, prepared)) if *i == index => prepared.refresh(run, &self.view),
            _ => self.prepared = Some((index, chart::prepare(run, &self.view))),
        }
        Ok(())
    }

    fn prepared(&self) -> Result<&Prepared, JsError> {
        self.prepared
            .as_ref()
            .map(|p| &p.1)
            .ok_or_else(|| JsError::new("the chart has not been prepared"))
    }
}

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

    /// The same runs judged on another series (`undefined` for the default choice).
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
    pub fn with_groups(&self, groups: JsValue) -> Result<Analysis, JsError> {
        let groups = run_lists(groups)?;
        Ok(self.reanalyzed(
            self.drop.clone(),
            Options {
                groups,
                ..self.options.clone()
            },
        ))
    }

    /// The same runs with series `name` of run `run` given a role (`train`, `validation`, `test`,
    /// `other`) and a direction (`lower`, `higher`, `unknown`) by hand, then judged again.
    pub fn with_series(
        &self,
        run: usize,
        name: &str,
        role: JsValue,
        direction: JsValue,
    ) -> Result<Analysis, JsError> {
        let role: Role = serde_wasm_bindgen::from_value(role)
            .map_err(|e| JsError::new(&format!("`{name}` cannot take that role: {e}")))?;
        let direction: Direction = serde_wasm_bindgen::from_value(direction)
            .map_err(|e| JsError::new(&format!("`{name}` cannot take that direction: {e}")))?;
        let mut drop = self.drop.clone();
        let corrected = drop
            .runs
            .get_mut(run)
            .is_some_and(|r| r.correct(name, role, direction));
        if !corrected {
            return Err(JsError::new(&format!("run {run} has no series `{name}`")));
        }
        Ok(self.reanalyzed(drop, self.options.clone()))
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
        self.prepare(index)
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
        let backend = CanvasBackend::with_canvas_object(canvas)
            .ok_or_else(|| JsError::new("the canvas has no 2D context"))?;
        let area = backend.into_drawing_area();
        if self.comparing() {
            let style = Style { scale, dark };
            let frame = chart::overlay(&area, &self.drop, &self.report, &self.view, &style)
                .map_err(|e| JsError::new(&e))?;
            let out = to_js(&frame);
            self.frame = Some((index, frame));
            return out;
        }
        self.prepare(index)?;
        let (run, report) = self.run(index)?;
        let frame = chart::draw(
            &area,
            run,
            report,
            &self.view,
            self.prepared()?,
            &Style { scale, dark },
        )
        .map_err(|e| JsError::new(&e))?;
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
        let readout = chart::hover(frame, run, report, &self.view, self.prepared()?, (px, py));
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

    /// The chart of run `index` under the current view as an SVG document.
    pub fn svg(&self, index: usize, width: u32, height: u32) -> Result<String, JsError> {
        if self.comparing() {
            return chart::overlay_svg(&self.drop, &self.report, &self.view, width, height)
                .map_err(|e| JsError::new(&e));
        }
        let (run, report) = self.run(index)?;
        chart::svg(run, report, &self.view, width, height).map_err(|e| JsError::new(&e))
    }

    /// The drawn series of run `index` as CSV: `series,<x>,raw,smoothed`.
    pub fn csv(&mut self, index: usize) -> Result<String, JsError> {
        self.prepare(index)?;
        let (run, report) = self.run(index)?;
        chart::csv(run, report, &self.view, self.prepared()?).map_err(|e| JsError::new(&e))
    }
}

/// Share links: the analysis's data as a link's `d` value, and back.
#[wasm_bindgen]
impl Analysis {
    /// The `d` value of a share link carrying this analysis's runs, bit for bit.
    pub fn share_fragment(&self) -> String {
        crate::share::encode(&self.drop)
    }

    /// The analysis of the runs a share link's `d` value carries; a damaged link is one sentence.
    pub fn from_fragment(d: &str, monitor: Option<String>) -> Result<Analysis, JsError> {
        let drop = crate::share::decode(d).map_err(|e| JsError::new(&e.to_string()))?;
        let options = Options {
            monitor,
            ..Options::default()
        };
        let report = crate::analyze(&drop, &options);
        Ok(Analysis::new(drop, report, options))
    }
}
