//! The legend box is sized by the backend that draws it: each name measured once per drawing with
//! the backend's `estimate_text_size` (the canvas's `measureText` in the page), never through
//! plotters' font code (which in the browser lays a span out in the page per name, twice).
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/files.rs"]
mod files;

use std::cell::RefCell;
use std::convert::Infallible;

use plateau::chart::{self, overlay, Style, View, OVERLAY_HEIGHT};
use plateau::model::{Axis, Dropped, Run, Series};
use plateau::{analyze, Options};
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// Backend pixels per character the test backend measures: twice what plotters' own estimate
/// gives an 11 px font, so a box sized by that estimate cannot pass for one sized here.
const CHAR: u32 = 10;

/// What a [`Measuring`] backend was asked: the texts measured, the rectangles and the texts drawn.
#[derive(Default)]
struct Log {
    measured: Vec<String>,
    rects: Vec<(BackendCoord, BackendCoord, bool)>,
    texts: Vec<(String, BackendCoord)>,
}

/// A backend that measures text as `CHAR` pixels per character, keeping a [`Log`].
struct Measuring<'a> {
    size: (u32, u32),
    log: &'a RefCell<Log>,
}

impl Log {
    /// The legend box: a filled rectangle outlined by the same corners, holding a text `name`.
    fn legend_box(&self, name: &str) -> (BackendCoord, BackendCoord) {
        let holds = |(a, b): &(BackendCoord, BackendCoord)| {
            self.texts
                .iter()
                .any(|(t, p)| t == name && (a.0..=b.0).contains(&p.0) && (a.1..=b.1).contains(&p.1))
        };
        self.rects
            .windows(2)
            .filter(|w| w[0].2 && !w[1].2 && (w[0].0, w[0].1) == (w[1].0, w[1].1))
            .map(|w| (w[0].0, w[0].1))
            .find(holds)
            .unwrap_or_else(|| panic!("a legend box holding {name}"))
    }

    /// The texts drawn inside `corners`.
    fn inside(&self, (a, b): (BackendCoord, BackendCoord)) -> Vec<String> {
        self.texts
            .iter()
            .filter(|(_, p)| (a.0..=b.0).contains(&p.0) && (a.1..=b.1).contains(&p.1))
            .map(|(t, _)| t.clone())
            .collect()
    }

    fn times_measured(&self, text: &str) -> usize {
        self.measured.iter().filter(|t| *t == text).count()
    }
}

impl DrawingBackend for Measuring<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        _: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.log
            .borrow_mut()
            .rects
            .push((upper_left, bottom_right, fill));
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        _: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: u32,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        _: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        _: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.log.borrow_mut().texts.push((text.to_string(), pos));
        Ok(())
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        _: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        self.log.borrow_mut().measured.push(text.to_string());
        Ok((CHAR * text.chars().count() as u32, 13))
    }
}

/// The box's width for `names` at scale 1: the widest name as measured, the 22 px mark column and
/// 6 px of margin either side.
fn box_width(names: &[String]) -> i32 {
    let widest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    (CHAR as usize * widest) as i32 + 22 + 2 * 6
}

#[test]
fn legend_names_are_measured_once_each_by_the_backend_that_draws_them() {
    let (drop, report) = files::folds();
    let view = View {
        compare: true,
        ..View::default()
    };
    let log = RefCell::new(Log::default());
    let area = Measuring {
        size: (900, OVERLAY_HEIGHT),
        log: &log,
    }
    .into_drawing_area();
    let frame = overlay(&area, &drop, &report, &view, &Style::default()).expect("drawn");
    let log = log.borrow();
    let first = &frame.legend[0].series;
    let corners = log.legend_box(first);
    let names = log.inside(corners);
    for entry in &frame.legend {
        assert!(
            names.contains(&entry.series),
            "{} in the legend box",
            entry.series
        );
    }
    assert!(
        names.iter().any(|n| n.ends_with("(mean)")),
        "the group's mean line is in the legend: {names:?}"
    );
    for name in &names {
        assert_eq!(log.times_measured(name), 1, "{name} measured once");
    }
    assert_eq!(corners.1 .0 - corners.0 .0, box_width(&names));
}

#[test]
fn a_runs_panel_legend_is_as_wide_as_the_backend_measures_its_longest_name() {
    let x: Vec<f64> = (0..30).map(f64::from).collect();
    let loss: Vec<f64> = x.iter().map(|i| 2.0 / (1.0 + i)).collect();
    let val: Vec<f64> = x.iter().map(|i| 2.2 / (1.0 + i) + 0.01 * i).collect();
    let run = Run::new(
        "hand",
        "hand.csv",
        plateau::ingest::Dialect::Keras,
        vec![
            Series::named("loss", Axis::Epoch, x.clone(), loss),
            Series::named("validation_loss", Axis::Epoch, x, val),
        ],
    );
    let drop = Dropped {
        runs: vec![run.clone()],
        warnings: Vec::new(),
    };
    let report = analyze(&drop, &Options::default()).runs.remove(0);
    let view = View::default();
    let prepared = chart::prepare(&run, &view);
    let log = RefCell::new(Log::default());
    let area = Measuring {
        size: (900, 500),
        log: &log,
    }
    .into_drawing_area();
    chart::draw(&area, &run, &report, &view, &prepared, &Style::default()).expect("drawn");
    let log = log.borrow();
    let corners = log.legend_box("validation_loss");
    let mut names = log.inside(corners);
    names.sort();
    assert_eq!(names, ["loss", "validation_loss"]);
    assert_eq!(corners.1 .0 - corners.0 .0, box_width(&names));
    assert_eq!(log.times_measured("validation_loss"), 1);
}

#[test]
fn a_legend_longer_than_its_plot_lists_what_fits_and_counts_the_rest() {
    let x: Vec<f64> = (0..20).map(f64::from).collect();
    let runs: Vec<Run> = (0..60)
        .map(|r| {
            let loss = x
                .iter()
                .map(|i| 1.0 / (1.0 + i) + 0.01 * f64::from(r))
                .collect();
            Run::new(
                &format!("run{r}"),
                &format!("run{r}.csv"),
                plateau::ingest::Dialect::Keras,
                vec![Series::named("loss", Axis::Epoch, x.clone(), loss)],
            )
        })
        .collect();
    let drop = Dropped {
        runs,
        warnings: Vec::new(),
    };
    let report = analyze(&drop, &Options::default());
    let view = View {
        compare: true,
        ..View::default()
    };
    let log = RefCell::new(Log::default());
    let area = Measuring {
        size: (900, OVERLAY_HEIGHT),
        log: &log,
    }
    .into_drawing_area();
    overlay(&area, &drop, &report, &view, &Style::default()).expect("drawn");
    let log = log.borrow();
    // 60 lines of 11 px text are taller than the plot: the first names, in order, each on a line
    // of its own inside the plot, then one line counting the rest; those are neither drawn nor
    // measured.
    let top_of = |text: &str| {
        let at = log
            .texts
            .iter()
            .filter(|(t, _)| t == text)
            .map(|(_, p)| p.1);
        at.max()
    };
    let shown: Vec<i32> = (0..60).map_while(|r| top_of(&format!("run{r}"))).collect();
    let k = shown.len();
    assert!(k > 3 && k < 60, "{shown:?}");
    assert!(shown.windows(2).all(|w| w[1] > w[0]), "{shown:?}");
    let more = top_of(&format!("+ {} more", 60 - k)).expect("the rest counted");
    assert!(
        more > shown[k - 1] && more < OVERLAY_HEIGHT as i32,
        "{more}"
    );
    for r in k..60 {
        let name = format!("run{r}");
        assert!(top_of(&name).is_none(), "{name} drawn");
        assert_eq!(log.times_measured(&name), 0, "{name} measured");
    }
}
