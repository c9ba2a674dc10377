//! The `plateau` command: the same analysis as the page, for scripts and CI. Its arguments, exit
//! codes and `--json` keys are part of the outside contract (`docs/CONTRACT.md`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plateau::ingest::Dialect;
use plateau::model::SeriesInfo;
use plateau::{Dropped, Input, Options, Verdict};
use serde::Serialize;

/// Prints one line of the human-readable output with every character that would not show as
/// itself escaped (control, bidi and other format characters, from a log's run, column or file
/// names): a log cannot move the terminal's cursor, clear it, or reorder what it shows.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::line(&plateau::escaped(&format!($($arg)*)))
    };
}

/// Set once standard output's reader has gone away: nothing more is written.
static GONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes one line to standard output. A reader that has gone away (`plateau check … | head`) is
/// not an error, as for any Unix filter (`println!` panicked there): the rest of the output is
/// dropped and the command ends with its own exit code (`--fail-on` still decides it); any other
/// write error is one sentence and exit code 2.
fn line(text: &str) {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    if GONE.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = writeln!(std::io::stdout().lock(), "{text}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            GONE.store(true, Ordering::Relaxed);
            return;
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}

mod cli {
    pub mod serve;
    pub mod watch;
}

#[derive(Parser)]
#[command(name = "plateau", version, about = "Has my loss stopped going down?")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Judge each run of the given log files or folders (given together they are one drop).
    Check {
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
        /// Judge this series instead of the default (validation loss first).
        #[arg(long, value_name = "NAME")]
        monitor: Option<String>,
        /// Exit 1 when any run's verdict is one of these (comma-separated).
        #[arg(long, value_name = "VERDICT[,VERDICT…]", value_delimiter = ',', value_parser = parse_verdict)]
        fail_on: Vec<Verdict>,
        #[arg(required = true, value_name = "FILE|FOLDER")]
        files: Vec<PathBuf>,
    },
    /// Print a share link that carries the given log files (the same link as the page's Share button).
    Link {
        /// The page the link opens (its own `#…` is replaced).
        #[arg(long, value_name = "URL", default_value = "index.html")]
        base: String,
        /// Open the link with this series monitored.
        #[arg(long, value_name = "NAME")]
        monitor: Option<String>,
        #[arg(required = true, value_name = "FILE|FOLDER")]
        files: Vec<PathBuf>,
    },
    /// Follow log files while training writes them: print a run's verdict line each time it
    /// changes; exit 1 as soon as a `--fail-on` verdict is reached.
    Watch {
        /// Seconds between reads.
        #[arg(long, value_name = "S", default_value_t = 2.0)]
        interval: f64,
        /// Exit 1 when any run's verdict becomes one of these (comma-separated).
        #[arg(long, value_name = "VERDICT[,VERDICT…]", value_delimiter = ',', value_parser = parse_verdict)]
        fail_on: Vec<Verdict>,
        /// Print one JSON object per change, one per line.
        #[arg(long)]
        json: bool,
        /// Judge this series instead of the default (validation loss first).
        #[arg(long, value_name = "NAME")]
        monitor: Option<String>,
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Serve the page and DIR's logs on 127.0.0.1, so a browser can follow them (`?src=…&follow=…`).
    Serve {
        /// The folder of logs, served under /logs/.
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// The folder holding the built page (index.html and www/).
        #[arg(long, value_name = "DIR", default_value = env!("CARGO_MANIFEST_DIR"))]
        page: PathBuf,
        /// Seconds between reads in the printed links.
        #[arg(long, value_name = "S", default_value_t = 2.0)]
        follow: f64,
    },
    /// Show what was read: dialect, runs, series with role/kind/direction/points, segments, warnings.
    Inspect {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        #[arg(required = true, value_name = "FILE|FOLDER")]
        files: Vec<PathBuf>,
    },
}

fn parse_verdict(s: &str) -> Result<Verdict, String> {
    [
        Verdict::Improving,
        Verdict::Plateau,
        Verdict::Overfitting,
        Verdict::Diverging,
        Verdict::Insufficient,
    ]
    .into_iter()
    .find(|v| v.as_str() == s)
    .ok_or_else(|| {
        format!("`{s}` is not a verdict (improving, plateau, overfitting, diverging, insufficient)")
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            json,
            monitor,
            fail_on,
            files,
        } => check(json, monitor, &fail_on, &files),
        Command::Inspect { json, files } => inspect(json, &files),
        Command::Watch {
            interval,
            fail_on,
            json,
            monitor,
            files,
        } => cli::watch::watch(&files, interval, &fail_on, json, monitor),
        Command::Serve {
            dir,
            port,
            page,
            follow,
        } => cli::serve::serve(&dir, &page, port, follow),
        Command::Link {
            base,
            monitor,
            files,
        } => link(&base, monitor.as_deref(), &files),
    }
}

/// Most files and folders one command reads from folders, and how deep it looks into them.
const MAX_FILES: usize = 100_000;
const MAX_DEPTH: usize = 32;

/// Reads the files (and every file under the folders) and hands them, as one drop, to `then`
/// (`ingest::read`, `plateau::check`; with `true` when folders were given: files are then named
/// by their path under the folder's parent, and files that are not logs are skipped);
/// says on stderr which file could not be read, or why the drop was refused.
fn with_files<T>(
    files: &[PathBuf],
    then: impl FnOnce(&[Input<'_>], bool) -> Result<T, plateau::Error>,
) -> Result<T, ExitCode> {
    let failed = |path: &std::path::Path, e: std::io::Error| {
        eprintln!(
            "error: cannot read {}: {e}",
            plateau::escaped(&path.display().to_string())
        );
        ExitCode::from(2)
    };
    let mut paths: Vec<(String, PathBuf)> = Vec::new();
    let folder = files.iter().any(|p| p.is_dir());
    for path in files {
        if path.is_dir() {
            let top = path
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| ".".to_string());
            walk(path, &top, 0, &mut 0, &mut paths).map_err(|e| failed(path, e))?;
        } else {
            paths.push((path.display().to_string(), path.clone()));
        }
    }
    let mut contents = Vec::with_capacity(paths.len());
    for (name, path) in paths {
        let bytes = if folder {
            log_or_head(&name, &path)
        } else {
            std::fs::read(&path)
        };
        contents.push((name, bytes.map_err(|e| failed(&path, e))?));
    }
    let inputs: Vec<Input<'_>> = contents
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    then(&inputs, folder).map_err(|e| {
        eprintln!("error: {}", plateau::escaped(&e.to_string()));
        ExitCode::from(2)
    })
}

/// Every file under `dir` (sorted, symbolic links to folders not followed), named `prefix/…`;
/// `seen` counts the files and folders met, so that countless empty folders end the walk too.
fn walk(
    dir: &std::path::Path,
    prefix: &str,
    depth: usize,
    seen: &mut usize,
    out: &mut Vec<(String, PathBuf)>,
) -> std::io::Result<()> {
    if depth > MAX_DEPTH {
        return Err(std::io::Error::other(format!(
            "folders nest deeper than {MAX_DEPTH} levels"
        )));
    }
    let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
        *seen += 1;
        if *seen > MAX_FILES {
            return Err(std::io::Error::other(format!(
                "more than {MAX_FILES} files and folders in the folders given"
            )));
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), &name, depth + 1, seen, out)?;
        } else if kind.is_file() || (kind.is_symlink() && entry.path().is_file()) {
            // Regular files only: a named pipe or a device would block the read for ever.
            out.push((name, entry.path()));
        }
    }
    Ok(())
}

/// A folder file's bytes, or only its head when the head already shows it is no log (a
/// checkpoint, an image): those are skipped without reading them whole.
fn log_or_head(name: &str, path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut head = Vec::new();
    (&mut file)
        .take(plateau::ingest::HEAD as u64)
        .read_to_end(&mut head)?;
    if !plateau::ingest::may_be_log(name, &head) {
        return Ok(head);
    }
    file.read_to_end(&mut head)?;
    Ok(head)
}

/// What `inspect --json` prints for one series (the values themselves are left out).
#[derive(Serialize)]
struct SeriesSummary<'a> {
    #[serde(flatten)]
    info: SeriesInfo,
    partner: Option<&'a str>,
    /// `[first x, last x]` of each stretch without a restart.
    segments: Vec<[f64; 2]>,
}

#[derive(Serialize)]
struct RunSummary<'a> {
    name: &'a str,
    source: &'a str,
    dialect: Dialect,
    series: Vec<SeriesSummary<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    info: &'a [(String, String)],
}

#[derive(Serialize)]
struct DropSummary<'a> {
    runs: Vec<RunSummary<'a>>,
    warnings: &'a [String],
}

fn summary(drop: &Dropped) -> DropSummary<'_> {
    let runs = drop
        .runs
        .iter()
        .map(|run| RunSummary {
            name: &run.name,
            source: &run.source,
            dialect: run.dialect,
            info: &run.info,
            series: run
                .series
                .iter()
                .map(|s| SeriesSummary {
                    info: s.info(),
                    partner: s.partner.as_deref(),
                    segments: s
                        .segments()
                        .into_iter()
                        .filter(|r| !r.is_empty())
                        .map(|r| [s.x[r.start], s.x[r.end - 1]])
                        .collect(),
                })
                .collect(),
        })
        .collect();
    DropSummary {
        runs,
        warnings: &drop.warnings,
    }
}

/// The drop of the files, as folder files when folders were given.
fn read(inputs: &[Input<'_>], folder: bool) -> Result<Dropped, plateau::Error> {
    if folder {
        plateau::ingest::read_folder(inputs)
    } else {
        plateau::ingest::read(inputs)
    }
}

fn link(base: &str, monitor: Option<&str>, files: &[PathBuf]) -> ExitCode {
    let drop = match with_files(files, read) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let settings: Vec<(&str, &str)> = monitor.map(|m| ("monitor", m)).into_iter().collect();
    let url = plateau::share::link(base, &drop, &settings);
    if url.len() > plateau::share::LONG_LINK {
        eprintln!(
            "warning: this link is {} KB, too long for most chat and mail programs: share the log file with `?src=URL`, or `make dist` and send dist/plateau.html with the file",
            url.len() / 1024
        );
    }
    line(&url);
    ExitCode::SUCCESS
}

fn inspect(json: bool, files: &[PathBuf]) -> ExitCode {
    let drop = match with_files(files, read) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let summary = summary(&drop);
    if json {
        return match serde_json::to_string_pretty(&summary) {
            Ok(s) => {
                line(&s);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write the summary as JSON: {e}");
                ExitCode::from(2)
            }
        };
    }
    for run in &summary.runs {
        say!("run {} ({}, from {})", run.name, run.dialect, run.source);
        for s in &run.series {
            let segments: Vec<String> =
                s.segments.iter().map(|[a, b]| format!("{a}–{b}")).collect();
            let l = &s.info;
            say!(
                "  {:<28} {:<10} {:<13} {:<7} {:>6} points by {:<9} segments {}{}",
                l.name,
                word(&l.role),
                word(&l.kind),
                word(&l.direction),
                l.points,
                l.axis.word(),
                segments.join(", "),
                s.partner
                    .map(|p| format!("  pairs with {p}"))
                    .unwrap_or_default()
            );
        }
        for (name, value) in run.info {
            say!("  {name}: {value}");
        }
    }
    for w in summary.warnings {
        say!("warning: {w}");
    }
    ExitCode::SUCCESS
}

/// The serde spelling of a model enum (`validation`, `learning_rate`, …).
fn word<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn check(json: bool, monitor: Option<String>, fail_on: &[Verdict], files: &[PathBuf]) -> ExitCode {
    let options = Options::monitoring(monitor);
    let report = match with_files(files, |inputs, folder| {
        if folder {
            plateau::check_folder(inputs, &options)
        } else {
            plateau::check(inputs, &options)
        }
    }) {
        Ok((_, report)) => report,
        Err(code) => return code,
    };
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => line(&s),
            Err(e) => {
                eprintln!("error: cannot write the report as JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        for w in &report.warnings {
            say!("warning: {w}");
        }
        for run in &report.runs {
            say!(
                "{}: {}{}",
                run.name,
                run.verdict,
                run.monitor
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            );
            for e in &run.evidence {
                say!("  - {e}");
            }
            say!("  advice: {}", run.advice);
        }
        for group in &report.groups {
            say!(
                "group {}: {} ({}, {} runs)",
                group.name,
                group.verdict,
                group.monitor,
                group.members.len()
            );
            for e in &group.evidence {
                say!("  - {e}");
            }
            say!("  advice: {}", group.advice);
        }
        for note in &report.notes {
            say!("{note}");
        }
    }
    if report.runs.iter().any(|r| fail_on.contains(&r.verdict)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
