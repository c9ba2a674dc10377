//! A drop split into its shape (names, roles, restarts) and its value columns, so that the page's
//! worker can hand a parsed drop to the main thread as plain arrays it transfers without copying,
//! and the main thread can take them in one column per task.

use serde::{Deserialize, Serialize};

use crate::ingest::Dialect;
use crate::model::{Dropped, Run, Series, SeriesInfo};

/// Everything about a drop but its values, which are referred to by column number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    pub runs: Vec<RunShape>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunShape {
    pub name: String,
    pub source: String,
    pub dialect: Dialect,
    pub series: Vec<SeriesShape>,
    #[serde(default)]
    pub info: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesShape {
    pub info: SeriesInfo,
    pub restarts: Vec<usize>,
    pub partner: Option<String>,
    /// The column holding the x values.
    pub x: usize,
    /// The column holding the y values.
    pub y: usize,
}

/// Splits a drop into its shape and its columns (borrowed): each series' x, then its y.
pub fn split(drop: &Dropped) -> (Shape, Vec<&[f64]>) {
    let mut columns: Vec<&[f64]> = Vec::new();
    let runs = drop
        .runs
        .iter()
        .map(|run| RunShape {
            name: run.name.clone(),
            source: run.source.clone(),
            dialect: run.dialect,
            info: run.info.clone(),
            series: run
                .series
                .iter()
                .map(|s| {
                    columns.push(&s.x);
                    columns.push(&s.y);
                    SeriesShape {
                        info: s.info(),
                        restarts: s.restarts.clone(),
                        partner: s.partner.clone(),
                        x: columns.len() - 2,
                        y: columns.len() - 1,
                    }
                })
                .collect(),
        })
        .collect();
    let shape = Shape {
        runs,
        warnings: drop.warnings.clone(),
    };
    (shape, columns)
}

/// Puts a drop back together, moving each column into its series; a shape that does not fit its
/// columns (a column missing or used twice, lengths that differ) is one sentence.
pub fn join(shape: Shape, mut columns: Vec<Vec<f64>>) -> Result<Dropped, String> {
    let count = columns.len();
    let mut used = vec![false; count];
    let mut take = |i: usize, of: &str| -> Result<Vec<f64>, String> {
        match used.get_mut(i) {
            Some(u) if !*u => {
                *u = true;
                Ok(std::mem::take(&mut columns[i]))
            }
            Some(_) => Err(format!("series `{of}` uses column {i} a second time")),
            None => Err(format!("series `{of}` refers to column {i} of {count}")),
        }
    };
    let mut runs = Vec::with_capacity(shape.runs.len());
    for run in shape.runs {
        let mut series = Vec::with_capacity(run.series.len());
        for s in run.series {
            // The columns' own length is the number of points.
            let SeriesInfo {
                name,
                axis,
                role,
                kind,
                direction,
                points: _,
            } = s.info;
            let x = take(s.x, &name)?;
            let y = take(s.y, &name)?;
            let ordered = s.restarts.windows(2).all(|w| w[0] < w[1]);
            if x.len() != y.len() || !ordered || s.restarts.iter().any(|&r| r == 0 || r >= x.len())
            {
                return Err(format!(
                    "series `{}` has {} x and {} y values and restarts {:?}",
                    name,
                    x.len(),
                    y.len(),
                    s.restarts
                ));
            }
            series.push(Series {
                name,
                axis,
                role,
                kind,
                direction,
                x,
                y,
                restarts: s.restarts,
                partner: s.partner,
            });
        }
        runs.push(Run {
            name: run.name,
            source: run.source,
            dialect: run.dialect,
            series,
            info: run.info,
        });
    }
    Ok(Dropped {
        runs,
        warnings: shape.warnings,
    })
}
