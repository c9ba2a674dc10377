//! `plateau watch`: follows log files while training appends to them and prints a run's verdict
//! line each time it changes; exits 1 as soon as a `--fail-on` verdict is reached. Each read
//! parses only the appended bytes ([`plateau::follow::Follow`]), then judges the runs with the
//! same engine as `plateau check`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use plateau::analysis::Qualifier;
use plateau::follow::{Change, Follow};
use plateau::model::Dropped;
use plateau::{analyze, Options, RunReport, Verdict};
use serde::Serialize;

/// What `--json` prints per change: one line, one object.
#[derive(Serialize)]
struct Line<'a> {
    name: &'a str,
    source: &'a str,
    verdict: Verdict,
    qualifiers: &'a [Qualifier],
    monitor: Option<&'a str>,
    best: Option<&'a plateau::analysis::Point>,
    evidence: &'a [String],
    advice: &'a str,
    /// Points of the run's longest series read so far.
    points: usize,
}

/// The followed files, each with its reader and its last error (printed once).
struct Watched {
    path: PathBuf,
    follow: Follow,
    error: Option<String>,
}

pub fn watch(
    files: &[PathBuf],
    interval: f64,
    fail_on: &[Verdict],
    json: bool,
    monitor: Option<String>,
) -> ExitCode {
    if !(interval.is_finite() && (0.01..=86_400.0).contains(&interval)) {
        eprintln!("error: --interval must be between 0.01 and 86400 seconds");
        return ExitCode::from(2);
    }
    let mut watched = Vec::with_capacity(files.len());
    for path in files {
        if let Err(e) = File::open(path) {
            eprintln!(
                "error: cannot read {}: {e}",
                plateau::escaped(&path.display().to_string())
            );
            return ExitCode::from(2);
        }
        watched.push(Watched {
            path: path.clone(),
            follow: Follow::new(&path.display().to_string()),
            error: None,
        });
    }
    let options = Options::monitoring(monitor);
    // Each run's last printed verdict line, by run name and source.
    let mut shown: Vec<(String, String, String)> = Vec::new();
    loop {
        let mut drops = Vec::with_capacity(watched.len());
        for w in &mut watched {
            match read(&w.path, &mut w.follow)
                .and_then(|_| w.follow.drop().map_err(|e| e.to_string()))
            {
                Ok(drop) => {
                    w.error = None;
                    drops.push(drop);
                }
                Err(e) => {
                    if w.error.as_deref() != Some(e.as_str()) {
                        eprintln!("error: {}", plateau::escaped(&e.to_string()));
                    }
                    w.error = Some(e);
                }
            }
        }
        let combined = (!drops.is_empty()).then(|| plateau::ingest::combine(drops));
        if let Some(Err(e)) = &combined {
            eprintln!("error: {}", plateau::escaped(&e.to_string()));
        }
        if let Some(Ok(drop)) = combined {
            let report = analyze(&drop, &options);
            for run in &report.runs {
                let verdict = verdict_line(run);
                match shown
                    .iter_mut()
                    .find(|(n, s, _)| *n == run.name && *s == run.source)
                {
                    Some((_, _, last)) if *last == verdict => continue,
                    Some((_, _, last)) => last.clone_from(&verdict),
                    None => shown.push((run.name.clone(), run.source.clone(), verdict.clone())),
                }
                if json {
                    crate::line(&serde_json::to_string(&json_line(run, &drop)).unwrap_or_default());
                } else {
                    let evidence = run
                        .evidence
                        .first()
                        .map(|e| format!(" — {e}"))
                        .unwrap_or_default();
                    say!("{verdict}{evidence}");
                }
            }
            if report.runs.iter().any(|r| fail_on.contains(&r.verdict)) {
                return ExitCode::from(1);
            }
        }
        std::thread::sleep(Duration::from_secs_f64(interval));
    }
}

/// Reads what `follow` has not seen of the file at `path`, a piece at a time (a file that is
/// missing or cannot be read for now is waited for).
fn read(path: &Path, follow: &mut Follow) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let mut file = File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    loop {
        let (at, end) = follow.piece(size);
        file.seek(SeekFrom::Start(at)).map_err(cannot)?;
        let mut bytes = Vec::with_capacity((end - at) as usize);
        (&mut file)
            .take(end - at)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
        match follow.update(at, &bytes).map_err(|e| e.to_string())? {
            Change::Replaced => {}
            Change::Unchanged => return Ok(()),
            Change::Appended | Change::Restarted if end >= size => return Ok(()),
            Change::Appended | Change::Restarted => {}
        }
    }
}

/// `name: verdict [qualifiers] (monitor)`: a new one is printed (with the first evidence
/// sentence) each time it changes.
fn verdict_line(run: &RunReport) -> String {
    let mut line = format!("{}: {}", run.name, run.verdict);
    if !run.qualifiers.is_empty() {
        let words: Vec<&str> = run.qualifiers.iter().map(|q| q.as_str()).collect();
        line.push_str(&format!(" [{}]", words.join(", ")));
    }
    if let Some(m) = &run.monitor {
        line.push_str(&format!(" ({m})"));
    }
    line
}

fn json_line<'a>(run: &'a RunReport, drop: &Dropped) -> Line<'a> {
    let points = drop
        .runs
        .iter()
        .find(|r| r.name == run.name && r.source == run.source)
        .and_then(|r| r.series.iter().map(|s| s.len()).max())
        .unwrap_or(0);
    Line {
        name: &run.name,
        source: &run.source,
        verdict: run.verdict,
        qualifiers: &run.qualifiers,
        monitor: run.monitor.as_deref(),
        best: run.best.as_ref(),
        evidence: &run.evidence,
        advice: &run.advice,
        points,
    }
}
