//! One drawing backend for both of the page's outputs, the canvas and the SVG export, so that the
//! chart code (generic over the backend) is compiled into the module once rather than once per
//! backend: that copy was the largest single cost in the module (`make bench-size`).
//!
//! On the canvas, text is measured by the canvas's own `measureText`: plotters-canvas leaves
//! measuring to plotters' browser font code, which lays a span out in the page for every text
//! measured (a layout of the whole page, the larger the more runs it lists).
//!
//! On the canvas, a line or a filled outline crosses to the browser as one array of points, traced
//! by a small JS function, not as one `lineTo` call from wasm per point as plotters-canvas makes
//! them: with 200 runs drawn together those calls (some 420,000 per drawing on a 1,058-pixel
//! canvas) were the largest part of it. The path, colour and width are those plotters-canvas gives
//! the context, so the pixels are the same. (A `Path2D` made from SVG path data written here
//! crossed once per line too, but Chromium's parsing of the path data cost more than the calls it
//! saved.)

use std::fmt;

use plotters::prelude::{DrawingBackend, SVGBackend};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The page's canvas (with its 2D context, which measures text), or an SVG document being written.
pub enum Page<'a> {
    Canvas(CanvasBackend, CanvasRenderingContext2d),
    Svg(SVGBackend<'a>),
}

impl Page<'_> {
    /// Draws on `canvas`; `None` when it has no 2D context.
    pub fn canvas(canvas: HtmlCanvasElement) -> Option<Page<'static>> {
        let context = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        Some(Page::Canvas(
            CanvasBackend::with_canvas_object(canvas)?,
            context,
        ))
    }
}

/// `text`'s size in `style` as `context` draws it: its advance width, and the height of the font's
/// box (ascent + descent), each rounded to whole pixels as a laid-out span would be.
fn measure<S: BackendTextStyle>(
    context: &CanvasRenderingContext2d,
    text: &str,
    style: &S,
) -> Drawn<(u32, u32)> {
    // The same font string plotters-canvas draws with.
    context.set_font(&format!(
        "{} {}px {}",
        style.style().as_str(),
        style.size(),
        style.family().as_str(),
    ));
    let metrics = context.measure_text(text).map_err(|e| {
        DrawingErrorKind::DrawingError(Failed(format!("the canvas could not measure text: {e:?}")))
    })?;
    let height = metrics.font_bounding_box_ascent() + metrics.font_bounding_box_descent();
    Ok((
        metrics.width().round().max(0.0) as u32,
        height.round().max(0.0) as u32,
    ))
}

#[wasm_bindgen(inline_js = "
export function trace(context, xy, close) {
  context.beginPath();
  context.moveTo(xy[0], xy[1]);
  for (let i = 2; i < xy.length; i += 2) context.lineTo(xy[i], xy[i + 1]);
  if (close) context.closePath();
}
")]
extern "C" {
    /// Begins a new path on `context` through the points `xy` (x and y interleaved, at least
    /// one point), closed when `close`: what plotters-canvas does with one `moveTo` and a
    /// `lineTo` per point, called from JS, so that the points cross from wasm as one array.
    fn trace(context: &CanvasRenderingContext2d, xy: &[i32], close: bool);
}

/// Traces the path through `points` on `context` (see [`trace`]); false when there are none.
fn traced(
    context: &CanvasRenderingContext2d,
    points: impl IntoIterator<Item = BackendCoord>,
    close: bool,
) -> bool {
    let points = points.into_iter();
    let mut xy = Vec::with_capacity(2 * points.size_hint().0);
    for (x, y) in points {
        xy.push(x);
        xy.push(y);
    }
    if xy.is_empty() {
        return false;
    }
    trace(context, &xy, close);
    true
}

/// The colour as plotters-canvas writes it for the context.
fn css_color(color: BackendColor) -> String {
    let (r, g, b) = color.rgb;
    format!("rgba({},{},{},{})", r, g, b, color.alpha)
}

/// Strokes the line through `points` as plotters-canvas's `draw_path` does: the same path,
/// colour and width.
fn stroke<S: BackendStyle>(
    context: &CanvasRenderingContext2d,
    points: impl IntoIterator<Item = BackendCoord>,
    style: &S,
) -> Drawn<()> {
    if style.color().alpha != 0.0 && traced(context, points, false) {
        context.set_stroke_style_str(&css_color(style.color()));
        context.set_line_width(f64::from(style.stroke_width()));
        context.stroke();
    }
    Ok(())
}

/// Fills the polygon through `points` as plotters-canvas's `fill_polygon` does.
fn fill<S: BackendStyle>(
    context: &CanvasRenderingContext2d,
    points: impl IntoIterator<Item = BackendCoord>,
    style: &S,
) -> Drawn<()> {
    if style.color().alpha != 0.0 && traced(context, points, true) {
        context.set_fill_style_str(&css_color(style.color()));
        context.fill();
    }
    Ok(())
}

/// A backend's error, as the sentence it gives.
#[derive(Debug)]
pub struct Failed(String);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failed {}

type Drawn<T> = Result<T, DrawingErrorKind<Failed>>;

/// A result of either backend, its error carried as [`Failed`].
fn lift<T, E: std::error::Error + Send + Sync>(r: Result<T, DrawingErrorKind<E>>) -> Drawn<T> {
    r.map_err(|e| match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(Failed(e.to_string())),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    })
}

/// Calls the same method on whichever backend this is.
macro_rules! either {
    ($self:expr, $b:ident => $call:expr) => {
        match $self {
            Page::Canvas($b, _) => lift($call),
            Page::Svg($b) => lift($call),
        }
    };
}

impl DrawingBackend for Page<'_> {
    type ErrorType = Failed;

    fn get_size(&self) -> (u32, u32) {
        match self {
            Page::Canvas(b, _) => b.get_size(),
            Page::Svg(b) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Drawn<()> {
        either!(self, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Drawn<()> {
        either!(self, b => b.present())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn<()> {
        either!(self, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Drawn<()> {
        either!(self, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn<()> {
        either!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn<()> {
        match self {
            Page::Canvas(_, context) => stroke(context, path, style),
            Page::Svg(b) => lift(b.draw_path(path, style)),
        }
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Drawn<()> {
        either!(self, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn<()> {
        match self {
            Page::Canvas(_, context) => fill(context, vert, style),
            Page::Svg(b) => lift(b.fill_polygon(vert, style)),
        }
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Drawn<()> {
        either!(self, b => b.draw_text(text, style, pos))
    }

    fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, style: &S) -> Drawn<(u32, u32)> {
        match self {
            Page::Canvas(_, context) => measure(context, text, style),
            Page::Svg(b) => lift(b.estimate_text_size(text, style)),
        }
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn<()> {
        either!(self, b => b.blit_bitmap(pos, size, src))
    }
}
