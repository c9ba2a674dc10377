//! The one picture every log dialect turns into: a drop holds runs, a run holds series.

use serde::Serialize;

/// What a series' x values count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    Epoch,
    Step,
    Iteration,
    WallTime,
}

impl Axis {
    /// The unit word used in evidence sentences and axis titles.
    pub fn word(self) -> &'static str {
        match self {
            Axis::Epoch => "epoch",
            Axis::Step => "step",
            Axis::Iteration => "iteration",
            Axis::WallTime => "second",
        }
    }
}

/// Which data a series was measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Train,
    Validation,
    Test,
    Other,
}

/// What a series measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Loss,
    Metric,
    LearningRate,
    GradNorm,
    Time,
    Other,
}

/// Whether smaller or larger values are better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Lower,
    Higher,
    Unknown,
}

/// One named curve: x and y have the same length; NaN and inf stay in `y`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    pub axis: Axis,
    pub role: Role,
    pub kind: Kind,
    pub direction: Direction,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

impl Series {
    /// A series with role, kind and direction inferred from its name.
    pub fn named(name: &str, axis: Axis, x: Vec<f64>, y: Vec<f64>) -> Series {
        let (role, kind, direction) = infer(name);
        Series {
            name: name.to_string(),
            axis,
            role,
            kind,
            direction,
            x,
            y,
        }
    }

    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// One training run: the series it logged and where it was read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub name: String,
    /// The file (or files, joined with ", ") it came from.
    pub source: String,
    /// The log dialect it was read as, e.g. `keras`.
    pub dialect: String,
    pub series: Vec<Series>,
}

impl Run {
    pub fn series(&self, name: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.name == name)
    }
}

/// Everything read from one drop of files.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Drop {
    pub runs: Vec<Run>,
    pub warnings: Vec<String>,
}

/// Role, kind and direction from a column name such as `val_loss` or `train/box_loss`.
pub fn infer(name: &str) -> (Role, Kind, Direction) {
    let n = name.trim().to_ascii_lowercase();
    let role = if n.starts_with("val") || n.contains("valid") || n.starts_with("eval") {
        Role::Validation
    } else if n.starts_with("test") {
        Role::Test
    } else {
        Role::Train
    };
    let kind = if n.contains("lr") || n.contains("learning_rate") {
        Kind::LearningRate
    } else if n.contains("grad") && n.contains("norm") {
        Kind::GradNorm
    } else if n.contains("loss") {
        Kind::Loss
    } else if n == "time" || n.ends_with("_time") || n.contains("runtime") {
        Kind::Time
    } else if [
        "acc",
        "mae",
        "mse",
        "rmse",
        "auc",
        "f1",
        "precision",
        "recall",
        "map",
        "error",
    ]
    .iter()
    .any(|m| n.contains(m))
    {
        Kind::Metric
    } else {
        Kind::Other
    };
    let direction = match kind {
        Kind::Loss => Direction::Lower,
        Kind::Metric
            if ["mae", "mse", "rmse", "error"]
                .iter()
                .any(|m| n.contains(m)) =>
        {
            Direction::Lower
        }
        Kind::Metric => Direction::Higher,
        _ => Direction::Unknown,
    };
    let role = if matches!(kind, Kind::LearningRate | Kind::Time) {
        Role::Other
    } else {
        role
    };
    (role, kind, direction)
}
