//! The browser boundary: the only file that talks to wasm-bindgen, web-sys, js-sys and the canvas.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::analysis::{Options, Report};
use crate::chart::{self, Style};
use crate::ingest::Input;
use crate::model::Drop;

/// Files collected from one drop, analysed together.
#[wasm_bindgen]
#[derive(Default)]
pub struct Files {
    files: Vec<(String, Vec<u8>)>,
}

#[wasm_bindgen]
impl Files {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Files {
        Files::default()
    }

    /// Adds one file's name and bytes.
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        self.files.push((name.to_string(), bytes.to_vec()));
    }

    /// Reads and judges every run; the error is one sentence naming the file and place.
    pub fn analyze(&self, monitor: Option<String>) -> Result<Analysis, JsError> {
        let inputs: Vec<Input<'_>> = self
            .files
            .iter()
            .map(|(name, bytes)| Input { name, bytes })
            .collect();
        let (drop, report) = crate::check(&inputs, &Options { monitor })
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Analysis { drop, report })
    }
}

/// A finished analysis: the runs read and the report about them.
#[wasm_bindgen]
pub struct Analysis {
    drop: Drop,
    report: Report,
}

#[wasm_bindgen]
impl Analysis {
    /// The report as a plain object (the same value `plateau check --json` prints).
    pub fn report(&self) -> Result<JsValue, JsError> {
        self.report
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Draws run `index` on the canvas, whose backing store the caller sized to CSS size × `scale`.
    /// Returns the plot frame (pixel ↔ data mapping).
    pub fn draw(
        &self,
        canvas: HtmlCanvasElement,
        index: usize,
        scale: f64,
        dark: bool,
    ) -> Result<JsValue, JsError> {
        let (run, report) = self
            .drop
            .runs
            .get(index)
            .zip(self.report.runs.get(index))
            .ok_or_else(|| JsError::new(&format!("there is no run number {index}")))?;
        let backend = CanvasBackend::with_canvas_object(canvas)
            .ok_or_else(|| JsError::new("the canvas has no 2D context"))?;
        let area = backend.into_drawing_area();
        let frame = chart::draw(&area, run, report, &Style { scale, dark })
            .map_err(|e| JsError::new(&e))?;
        frame
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// The chart of run `index` as an SVG document.
    pub fn svg(&self, index: usize, width: u32, height: u32) -> Result<String, JsError> {
        let (run, report) = self
            .drop
            .runs
            .get(index)
            .zip(self.report.runs.get(index))
            .ok_or_else(|| JsError::new(&format!("there is no run number {index}")))?;
        chart::svg(run, report, width, height).map_err(|e| JsError::new(&e))
    }
}

use serde::Serialize;

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
        let report = crate::analyze(&drop, &Options { monitor });
        Ok(Analysis { drop, report })
    }
}
