//! `plateau serve [DIR]`: the page and DIR's logs over HTTP on 127.0.0.1, with the headers a page
//! following a log needs (`Range`, `ETag`, `Last-Modified`, CORS for pages served from this machine's
//! loopback addresses, and only for those: another site must not read the logs through a visitor's
//! browser, by CORS or a DNS name rebound to 127.0.0.1). The page still does all the
//! work; this only hands out files. The page's files are `index.html` and `www/` of `--page`;
//! the logs are under `/logs/`. No path leaves those folders.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

/// Log files listed at start, at most (the rest are served all the same).
const LISTED: usize = 40;
/// Requests answered at once; more are told the server is busy (503).
const THREADS: usize = 64;
/// Folder levels searched for logs to list at start.
const DEPTH: usize = 3;
const LOG_EXTENSIONS: &[&str] = &["csv", "tsv", "txt", "json", "jsonl", "log"];

pub fn serve(dir: &Path, page: &Path, port: u16, follow: f64) -> ExitCode {
    let canonical = |p: &Path, what: &str| {
        p.canonicalize()
            .map_err(|e| eprintln!("error: cannot serve {what} {}: {e}", p.display()))
    };
    let (Ok(logs), Ok(page)) = (canonical(dir, "the folder"), canonical(page, "the page in"))
    else {
        return ExitCode::from(2);
    };
    if !page.join("index.html").is_file() {
        eprintln!(
            "error: {} holds no built page (index.html and www/): run `make build` there, or pass --page with such a folder",
            page.display()
        );
        return ExitCode::from(2);
    }
    let server = match Server::http(("127.0.0.1", port)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::from(2);
        }
    };
    let origin = match server.server_addr().to_ip() {
        Some(addr) => format!("http://{addr}"),
        None => {
            eprintln!("error: the server has no IP address");
            return ExitCode::from(2);
        }
    };
    say!(
        "plateau: serving the page and the logs in {} on {origin}/ (Ctrl-C to stop)",
        logs.display()
    );
    let mut found = Vec::new();
    list_logs(&logs, &logs, DEPTH, &mut found);
    found.sort();
    for rel in found.iter().take(LISTED) {
        say!(
            "follow {rel}: {origin}/?src=logs/{}&follow={follow}",
            encode(rel)
        );
    }
    if found.len() > LISTED {
        say!(
            "… and {} more logs under {origin}/logs/",
            found.len() - LISTED
        );
    }
    let port = server.server_addr().to_ip().map_or(port, |a| a.port());
    let folders = std::sync::Arc::new((logs, page));
    let busy = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for request in server.incoming_requests() {
        if busy.load(Ordering::Acquire) >= THREADS {
            let _ = request.respond(Response::from_string("busy").with_status_code(503));
            continue;
        }
        let folders = std::sync::Arc::clone(&folders);
        let working = std::sync::Arc::clone(&busy);
        working.fetch_add(1, Ordering::AcqRel);
        // One thread per request (at most THREADS at once): a slow client never holds up the
        // others. A thread the system refuses drops the request, which the client sees closed.
        let started = std::thread::Builder::new().spawn(move || {
            let answer = answer(&request, &folders.0, &folders.1, port);
            // A client that hung up is no reason to stop serving the others.
            let _ = request.respond(answer);
            working.fetch_sub(1, Ordering::AcqRel);
        });
        if started.is_err() {
            busy.fetch_sub(1, Ordering::AcqRel);
        }
    }
    ExitCode::SUCCESS
}

/// Log files under `dir` (relative to `root`, `/`-separated), down to `depth` folder levels.
fn list_logs(root: &Path, dir: &Path, depth: usize, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && depth > 0 {
            list_logs(root, &path, depth - 1, out);
        } else if kind.is_file()
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| LOG_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            if let Ok(rel) = path.strip_prefix(root) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
}

/// What a relative path keeps unencoded in a query value: RFC 3986's unreserved characters and `/`.
const PATH_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A relative path as it goes in a query value.
fn encode(rel: &str) -> String {
    percent_encoding::utf8_percent_encode(rel, PATH_VALUE).to_string()
}

/// A response whose body is read as it is sent (a log is never held whole in memory).
type Answer = tiny_http::ResponseBox;

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

fn status(code: u16, text: &str) -> Answer {
    Response::from_string(text)
        .with_status_code(StatusCode(code))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .boxed()
}

/// A request header's value.
fn value(request: &Request, name: &'static str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str().to_string())
}

/// Whether `host` (a `Host` header, or an `Origin`'s host and port) names this machine's loopback
/// interface: a page from anywhere else, or a DNS name rebound to 127.0.0.1, reads nothing.
fn loopback(host: &str) -> bool {
    let name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "[::1]"
}

/// The response to one request, every header included. Only requests addressed to 127.0.0.1 or
/// localhost on this port are answered, and only loopback pages may read across origins.
fn answer(request: &Request, logs: &Path, page: &Path, port: u16) -> Answer {
    let host = value(request, "Host").unwrap_or_default();
    let ours = host
        .rsplit_once(':')
        .is_some_and(|(_, p)| p == port.to_string())
        && loopback(&host);
    let mut response = if ours {
        respond(request, logs, page)
    } else {
        status(
            403,
            "only requests to 127.0.0.1 or localhost on this port are served",
        )
    };
    let origin = value(request, "Origin").filter(|o| {
        o.strip_prefix("http://")
            .or_else(|| o.strip_prefix("https://"))
            .is_some_and(loopback)
    });
    if let Some(origin) = origin {
        response.add_header(header("Access-Control-Allow-Origin", &origin));
    }
    for (name, value) in [
        ("Vary", "Origin"),
        ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
        (
            "Access-Control-Allow-Headers",
            "Range, If-None-Match, If-Modified-Since",
        ),
        (
            "Access-Control-Expose-Headers",
            "Content-Range, Content-Length, ETag, Last-Modified, Accept-Ranges",
        ),
        ("Cache-Control", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
        // A fresh connection per request: tiny_http's keep-alive was seen to stall Chromium's
        // module loads.
        ("Connection", "close"),
    ] {
        response.add_header(header(name, value));
    }
    response
}

fn respond(request: &Request, logs: &Path, page: &Path) -> Answer {
    match request.method() {
        Method::Get | Method::Head => {}
        Method::Options => return status(204, ""),
        _ => return status(405, "only GET, HEAD and OPTIONS are served"),
    }
    let path = request.url().split(['?', '#']).next().unwrap_or("");
    let Some(file) = resolve(path, logs, page) else {
        return status(404, "no such file here");
    };
    let Ok(mut handle) = File::open(&file) else {
        return status(404, "no such file here");
    };
    let Ok(meta) = handle.metadata() else {
        return status(404, "no such file here");
    };
    let size = meta.len();
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let nanos = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let etag = format!("\"{size:x}-{nanos:x}\"");
    let last_modified = httpdate::fmt_http_date(modified);
    let value = |name| value(request, name);
    let unchanged = match (value("If-None-Match"), value("If-Modified-Since")) {
        (Some(tags), _) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        (None, Some(since)) => {
            httpdate::parse_http_date(&since).is_ok_and(|since| whole_seconds(modified) <= since)
        }
        (None, None) => false,
    };
    let with_meta = |r: Answer| {
        r.with_header(header("ETag", &etag))
            .with_header(header("Last-Modified", &last_modified))
            .with_header(header("Accept-Ranges", "bytes"))
            .with_header(header("Content-Type", content_type(&file)))
    };
    if unchanged {
        return with_meta(Response::empty(StatusCode(304)).boxed());
    }
    let range = value("Range").and_then(|r| byte_range(&r, size));
    let (start, end, code) = match range {
        Some(Ok((start, end))) => (start, end, 206),
        Some(Err(())) => {
            return status(416, "the range starts past the end of the file")
                .with_header(header("Content-Range", &format!("bytes */{size}")));
        }
        None => (0, size, 200),
    };
    if handle.seek(SeekFrom::Start(start)).is_err() {
        return status(500, "the file could not be read");
    }
    let length = end - start;
    let Ok(promised) = usize::try_from(length) else {
        return status(500, "the file is too large to send");
    };
    let body: Box<dyn Read + Send> = Box::new(handle.take(length));
    let response = with_meta(Response::new(
        StatusCode(code),
        Vec::new(),
        body,
        Some(promised),
        None,
    ));
    if code == 206 {
        let last = end - 1;
        return response.with_header(header(
            "Content-Range",
            &format!("bytes {start}-{last}/{size}"),
        ));
    }
    response
}

/// `time` down to the whole second, as an HTTP date carries it.
fn whole_seconds(time: SystemTime) -> SystemTime {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs)
}

/// One `bytes=START-[END]` range of a file of `size` bytes as `[start, end)`: `None` for a header
/// this server does not honour or an invalid one (END before START; the whole file is sent), `Err`
/// for a start past the end.
fn byte_range(header: &str, size: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let start: u64 = first.trim().parse().ok()?;
    let end = match last.trim() {
        "" => size,
        last => last
            .parse::<u64>()
            .ok()
            .filter(|&l| l >= start)?
            .saturating_add(1)
            .min(size),
    };
    if start >= size {
        // An empty file has no range to give: it is sent whole (as nothing), else 416.
        return (size > 0).then_some(Err(()));
    }
    Some(Ok((start, end)))
}

/// The file a URL path names: `/` and `/index.html`, `/www/…` from the page, `/logs/…` from the
/// served folder; `None` for anything else, a `..`, or a link leading out of those folders.
fn resolve(path: &str, logs: &Path, page: &Path) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let (root, rest) = match decoded.as_ref() {
        "/" | "/index.html" => return Some(page.join("index.html")),
        p => {
            if let Some(rest) = p.strip_prefix("/logs/") {
                (logs.to_path_buf(), rest)
            } else if let Some(rest) = p.strip_prefix("/www/") {
                (page.join("www"), rest)
            } else {
                return None;
            }
        }
    };
    if rest.contains(['\\', '\0']) {
        return None;
    }
    let relative = Path::new(rest);
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let root = root.canonicalize().ok()?;
    let file = root.join(relative).canonicalize().ok()?;
    (file.starts_with(&root) && file.is_file()).then_some(file)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript",
        "css" => "text/css",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "tsv" => "text/tab-separated-values; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "text/plain; charset=utf-8",
    }
}
