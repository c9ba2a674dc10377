//! The wasm boundary in headless Chromium, including drawing on a real canvas.
#![cfg(target_arch = "wasm32")]

#[path = "common/web_cases.rs"]
mod web_cases;

use plateau::web::Files;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(width: u32, height: u32) -> web_sys::HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    canvas
}

/// Opaque pixels that are not near-white (a blank canvas is transparent).
fn painted_pixels(canvas: &web_sys::HtmlCanvasElement) -> usize {
    pixels(canvas)
        .chunks(4)
        .filter(|p| p[3] > 0 && (p[0] < 200 || p[1] < 200 || p[2] < 200))
        .count()
}

#[wasm_bindgen_test]
fn draw_paints_curves_on_canvas_and_returns_plot_frame() {
    let mut files = Files::new();
    files.add(
        "training_log.csv",
        include_bytes!("../www/examples/keras-tomato-leaf.csv"),
    );
    let mut analysis = files.analyze(None).unwrap();
    let c = canvas(800, 400);
    assert_eq!(painted_pixels(&c), 0, "a new canvas is blank");
    let frame = analysis.draw(c.clone(), 0, 1.0, false).unwrap();
    assert!(
        painted_pixels(&c) > 2000,
        "curves, axes and banner are drawn"
    );
    let right = js_sys::Reflect::get(&frame, &"right".into())
        .unwrap()
        .as_f64()
        .unwrap();
    let left = js_sys::Reflect::get(&frame, &"left".into())
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        left > 0.0 && right <= 800.0 && right > left + 400.0,
        "plot spans most of the width: {left}..{right}"
    );
}

#[wasm_bindgen_test]
fn draw_at_pixel_ratio_two_scales_the_plot_frame() {
    let mut files = Files::new();
    files.add(
        "training_log.csv",
        include_bytes!("../www/examples/keras-tomato-leaf.csv"),
    );
    let mut analysis = files.analyze(None).unwrap();
    let top = |f: &wasm_bindgen::JsValue| {
        let panels = js_sys::Array::from(&js_sys::Reflect::get(f, &"panels".into()).unwrap());
        get(&panels.get(0), "top")
    };
    let one = analysis.draw(canvas(800, 400), 0, 1.0, false).unwrap();
    let two = analysis.draw(canvas(1600, 800), 0, 2.0, false).unwrap();
    let ratio = top(&two) / top(&one);
    assert!(
        (ratio - 2.0).abs() < 0.1,
        "banner height doubles with the pixel ratio: {ratio}"
    );
}

#[wasm_bindgen_test]
/// Text layout goes through the DOM on wasm32, so SVG export is a browser-only case.
fn chart_exports_svg_with_verdict_banner() {
    let mut files = Files::new();
    files.add(
        "training_log.csv",
        include_bytes!("../www/examples/keras-tomato-leaf.csv"),
    );
    let analysis = files.analyze(None).unwrap();
    let svg = analysis.svg(0, 800, 400).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("overfitting"));
}

#[wasm_bindgen_test]
/// The page draws its SVG export through the backend type it draws the canvas with
/// (`src/web/backend.rs`): the document is the one `chart::svg` writes.
fn the_pages_svg_export_is_the_chart_modules_svg() {
    let keras: &[u8] = include_bytes!("../www/examples/keras-tomato-leaf.csv");
    let mut files = Files::new();
    files.add("training_log.csv", keras);
    let page = files.analyze(None).expect("analysed");
    let input = plateau::Input {
        name: "training_log.csv",
        bytes: keras,
    };
    let (drop, report) = plateau::check(&[input], &plateau::Options::default()).expect("checked");
    let view = plateau::chart::View::default();
    let direct = plateau::chart::svg(&drop.runs[0], &report.runs[0], &view, 800, 400).expect("svg");
    assert_eq!(page.svg(0, 800, 400).expect("svg"), direct);
}

fn get(f: &wasm_bindgen::JsValue, k: &str) -> f64 {
    js_sys::Reflect::get(f, &k.into())
        .unwrap()
        .as_f64()
        .unwrap()
}

fn keras() -> plateau::web::Analysis {
    let mut files = Files::new();
    files.add(
        "training_log.csv",
        include_bytes!("../www/examples/keras-tomato-leaf.csv"),
    );
    files.analyze(None).unwrap()
}

#[wasm_bindgen_test]
fn hover_after_draw_reads_out_the_point_under_the_pixel() {
    let mut analysis = keras();
    let frame = analysis.draw(canvas(800, 500), 0, 1.0, false).unwrap();
    let (left, right) = (get(&frame, "left"), get(&frame, "right"));
    let panels = js_sys::Array::from(&js_sys::Reflect::get(&frame, &"panels".into()).unwrap());
    let py = (get(&panels.get(0), "top") + get(&panels.get(0), "bottom")) / 2.0;
    let hit = analysis.hover(right - 1.0, py).unwrap();
    assert_eq!(get(&hit, "x"), 28.0, "the right edge is the last epoch");
    let rows = js_sys::Array::from(&js_sys::Reflect::get(&hit, &"rows".into()).unwrap());
    assert_eq!(rows.length(), 4, "val_loss, loss, val_accuracy, accuracy");
    assert!(analysis.hover(left - 5.0, py).unwrap().is_null());
}

#[wasm_bindgen_test]
fn zoom_turns_pixel_columns_into_an_x_range_and_set_view_applies_it() {
    let mut analysis = keras();
    let frame = analysis.draw(canvas(800, 500), 0, 1.0, false).unwrap();
    let (left, right) = (get(&frame, "left"), get(&frame, "right"));
    let range = analysis.zoom(right, (left + right) / 2.0).unwrap();
    assert_eq!(range.len(), 2);
    assert!(
        (range[0] - 14.0).abs() < 0.1 && (range[1] - 28.0).abs() < 1e-9,
        "{range:?}"
    );
    let view = js_sys::JSON::parse(&format!("{{\"zoom\": [{}, {}]}}", range[0], range[1])).unwrap();
    analysis.set_view(view).unwrap();
    let zoomed = analysis.draw(canvas(800, 500), 0, 1.0, false).unwrap();
    assert_eq!(get(&zoomed, "x_min"), range[0]);
}

#[wasm_bindgen_test]
fn a_malformed_view_is_refused_with_a_sentence() {
    let mut analysis = keras();
    let view = js_sys::JSON::parse(r#"{"smoothing": "lots"}"#).unwrap();
    let err = wasm_bindgen::JsValue::from(analysis.set_view(view).unwrap_err());
    let message = js_sys::Reflect::get(&err, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(
        message.starts_with("the chart view is not valid"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn csv_export_crosses_the_boundary() {
    let mut analysis = keras();
    let csv = analysis.csv(0).unwrap();
    assert!(csv.starts_with("series,epoch,raw,smoothed\nval_loss,0,"));
}

/// Every pixel of `canvas`, RGBA.
fn pixels(canvas: &web_sys::HtmlCanvasElement) -> Vec<u8> {
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    ctx.get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .unwrap()
        .data()
        .to_vec()
}

/// Counts the `lineTo` calls made on `canvas`'s context from now on, and those of them called
/// from wasm (wasm-bindgen's import of `lineTo` on the stack): read by [`line_tos`].
fn count_line_tos(canvas: &web_sys::HtmlCanvasElement) {
    let ctx = canvas.get_context("2d").unwrap().unwrap();
    js_sys::Function::new_with_args(
        "ctx",
        "ctx.lineTos = 0; ctx.fromWasm = 0; const lineTo = ctx.lineTo;
         ctx.lineTo = function (x, y) {
           ctx.lineTos += 1;
           if (new Error().stack.includes('__wbg_lineTo')) ctx.fromWasm += 1;
           return lineTo.call(ctx, x, y);
         };",
    )
    .call1(&wasm_bindgen::JsValue::NULL, &ctx)
    .unwrap();
}

/// The `lineTo` calls counted on `canvas` since [`count_line_tos`]: all, and those from wasm.
fn line_tos(canvas: &web_sys::HtmlCanvasElement) -> (f64, f64) {
    let ctx = canvas.get_context("2d").unwrap().unwrap();
    (get(&ctx, "lineTos"), get(&ctx, "fromWasm"))
}

#[wasm_bindgen_test]
/// The page's backend strokes a line and fills an outline of thousands of points with one call
/// from wasm each (its points traced in JS, no `lineTo` call from wasm per point) and paints
/// exactly the pixels plotters-canvas's drawing, a call from wasm per point, paints: thin and wide,
/// translucent, steep and flat, partly off the canvas.
fn a_long_line_traced_in_one_call_paints_what_a_call_per_point_paints() {
    use plotters::prelude::{Color, RGBColor};
    use plotters_backend::DrawingBackend;

    // Two points per pixel column, like a decimated noisy curve, leaving the canvas at both ends.
    let line: Vec<(i32, i32)> = (0..4000)
        .map(|i: i32| (i / 2 - 200, 150 + (i * 7919 % 241) - 120 + i / 40))
        .collect();
    let mut outline: Vec<(i32, i32)> = line.iter().map(|&(x, y)| (x, y - 30)).collect();
    outline.extend(line.iter().rev().map(|&(x, y)| (x, y + 30)));
    let blue = RGBColor(0, 114, 178);

    let ours = canvas(1600, 400);
    let theirs = canvas(1600, 400);
    count_line_tos(&ours);
    count_line_tos(&theirs);
    let mut page = plateau::web::backend::Page::canvas(ours.clone()).unwrap();
    let mut reference = plotters_canvas::CanvasBackend::with_canvas_object(theirs.clone()).unwrap();
    for width in [1, 3] {
        page.fill_polygon(outline.iter().copied(), &blue.mix(0.18).filled())
            .unwrap();
        reference
            .fill_polygon(outline.iter().copied(), &blue.mix(0.18).filled())
            .unwrap();
        page.draw_path(line.iter().copied(), &blue.mix(0.8).stroke_width(width))
            .unwrap();
        reference
            .draw_path(line.iter().copied(), &blue.mix(0.8).stroke_width(width))
            .unwrap();
    }
    // A `lineTo` per point after the first, of each line and outline drawn twice.
    let segments = 2.0 * (line.len() + outline.len() - 2) as f64;
    assert_eq!(
        line_tos(&theirs),
        (segments, segments),
        "a call from wasm per point"
    );
    assert_eq!(line_tos(&ours), (segments, 0.0), "every point traced in JS");
    assert!(
        painted_pixels(&ours) > 100_000,
        "the line and the band are drawn"
    );
    assert!(pixels(&ours) == pixels(&theirs), "the same pixels");
}
