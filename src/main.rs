//! The `plateau` command: the same analysis as the page, for scripts and CI.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plateau::{Input, Options, Verdict};

#[derive(Parser)]
#[command(name = "plateau", version, about = "Has my loss stopped going down?")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Judge each run of the given log files (files given together are one drop).
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
        #[arg(required = true, value_name = "FILE")]
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
        #[arg(required = true, value_name = "FILE")]
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
        Command::Link {
            base,
            monitor,
            files,
        } => link(&base, monitor.as_deref(), &files),
    }
}

/// Each file's display name and bytes, or the exit code after saying which one could not be read.
fn read_files(files: &[PathBuf]) -> Result<Vec<(String, Vec<u8>)>, ExitCode> {
    files
        .iter()
        .map(|path| {
            std::fs::read(path)
                .map(|bytes| (path.display().to_string(), bytes))
                .map_err(|e| {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    ExitCode::from(2)
                })
        })
        .collect()
}

fn link(base: &str, monitor: Option<&str>, files: &[PathBuf]) -> ExitCode {
    let contents = match read_files(files) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let inputs: Vec<Input<'_>> = contents
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    let drop = match plateau::ingest::read(&inputs) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let settings: Vec<(&str, &str)> = monitor.map(|m| ("monitor", m)).into_iter().collect();
    let url = plateau::share::link(base, &drop, &settings);
    if url.len() > plateau::share::LONG_LINK {
        eprintln!(
            "warning: this link is {} KB, too long for most chat and mail programs: share the log file with `?src=URL`, or `make dist` and send dist/plateau.html with the file",
            url.len() / 1024
        );
    }
    println!("{url}");
    ExitCode::SUCCESS
}

fn check(json: bool, monitor: Option<String>, fail_on: &[Verdict], files: &[PathBuf]) -> ExitCode {
    let contents = match read_files(files) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let inputs: Vec<Input<'_>> = contents
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    let (_, report) = match plateau::check(&inputs, &Options { monitor }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: cannot write the report as JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        for w in &report.warnings {
            println!("warning: {w}");
        }
        for run in &report.runs {
            println!(
                "{}: {}{}",
                run.name,
                run.verdict,
                run.monitor
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            );
            for e in &run.evidence {
                println!("  - {e}");
            }
            println!("  advice: {}", run.advice);
        }
    }
    if report.runs.iter().any(|r| fail_on.contains(&r.verdict)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
