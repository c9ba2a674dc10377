//! `plateau watch` on a file the test appends to, and `plateau serve` over real HTTP.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// Generous: only a hung test waits this long.
const PATIENCE: Duration = Duration::from_secs(60);

fn epoch(e: usize, turn: Option<usize>) -> String {
    let loss = 1.0 / (1.0 + 0.3 * e as f64);
    let fall = |e: usize| 1.1 / (1.0 + 0.25 * e as f64) + 0.05;
    let val = match turn {
        Some(t) if e > t => fall(t) + 0.03 * (e - t) as f64,
        _ => fall(e),
    };
    format!("{e},{loss:.5},{val:.5}\n")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn append(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_plateau"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

/// The child's stdout, a line at a time.
fn lines(child: &mut Child) -> Receiver<String> {
    let (send, receive) = channel();
    let out = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

#[test]
fn watch_prints_each_verdict_change_once_and_exits_1_on_fail_on() {
    let dir = scratch("watch-fail-on");
    let log = dir.join("history.csv");
    let mut text = String::from("epoch,loss,val_loss\n");
    text.extend((0..12).map(|e| epoch(e, Some(11))));
    append(&log, &text);
    let mut child = spawn(&[
        "watch",
        "--interval",
        "0.02",
        "--fail-on",
        "overfitting,diverging",
        log.to_str().unwrap(),
    ]);
    let out = lines(&mut child);
    let first = out.recv_timeout(PATIENCE).unwrap();
    assert!(
        first.starts_with("history: improving (val_loss) — "),
        "{first}"
    );
    // Epochs arrive one at a time, a half line first: many reads see each state.
    for e in 12..24 {
        let row = epoch(e, Some(11));
        let (head, rest) = row.split_at(3);
        append(&log, head);
        std::thread::sleep(Duration::from_millis(30));
        append(&log, rest);
        std::thread::sleep(Duration::from_millis(30));
    }
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(1),
        "exits 1 once overfitting is reached"
    );
    let mut printed = vec![first];
    printed.extend(out.try_iter());
    let last = printed.last().unwrap();
    assert!(
        last.starts_with("history: overfitting (val_loss)"),
        "{printed:#?}"
    );
    let verdicts: Vec<&str> = printed
        .iter()
        .map(|l| l.split(" — ").next().unwrap())
        .collect();
    assert!(
        verdicts.windows(2).all(|w| w[0] != w[1]),
        "a line only when the verdict changes: {printed:#?}"
    );
}

#[test]
fn watch_json_prints_one_object_per_change_and_follows_a_new_run() {
    let dir = scratch("watch-json");
    let log = dir.join("history.csv");
    let mut text = String::from("epoch,loss,val_loss\n");
    text.extend((0..12).map(|e| epoch(e, None)));
    append(&log, &text);
    let mut child = spawn(&[
        "watch",
        "--json",
        "--interval",
        "0.02",
        log.to_str().unwrap(),
    ]);
    let out = lines(&mut child);
    let first: serde_json::Value =
        serde_json::from_str(&out.recv_timeout(PATIENCE).unwrap()).unwrap();
    assert_eq!(first["verdict"], "improving");
    assert_eq!(first["name"], "history");
    assert_eq!(first["points"], 12);
    // Training restarted in the same file: a second run appears and gets its own line.
    let restarted: String = (0..8).map(|e| epoch(e, None)).collect();
    append(&log, &restarted);
    // The runs are now `history #1` and `history #2`: each is a new line.
    let mut next = Vec::new();
    while next.len() < 2 {
        let line = out.recv_timeout(PATIENCE).unwrap();
        next.push(serde_json::from_str::<serde_json::Value>(&line).unwrap());
    }
    let names: Vec<&str> = next.iter().map(|v| v["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["history #1", "history #2"]);
    assert_eq!(next[0]["points"], 12);
    assert_eq!(next[1]["points"], 8);
    assert_eq!(next[1]["verdict"], "improving");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn watch_of_a_missing_file_is_an_input_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_plateau"))
        .args(["watch", "no/such/history.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: cannot read no/such/history.csv")
    );
}

/// A running `plateau serve` of `logs` with the page in `page`, and its origin.
struct Served {
    child: Child,
    origin: String,
    printed: Vec<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(logs: &Path, page: &Path) -> Served {
    let mut child = spawn(&[
        "serve",
        logs.to_str().unwrap(),
        "--port",
        "0",
        "--page",
        page.to_str().unwrap(),
    ]);
    let out = lines(&mut child);
    let first = out.recv_timeout(PATIENCE).unwrap();
    let origin = first
        .split(" on ")
        .nth(1)
        .and_then(|s| s.split('/').take(3).collect::<Vec<_>>().join("/").into())
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let printed = out.try_iter().collect();
    Served {
        child,
        origin,
        printed,
    }
}

/// One HTTP/1.0 request: the status line's code, the headers (lower-case names) and the body.
fn http(
    origin: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let host = origin.trim_start_matches("http://");
    http_to(origin, host, method, path, headers)
}

/// [`http`] with the `Host` header given.
fn http_to(
    origin: &str,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = TcpStream::connect(origin.trim_start_matches("http://")).unwrap();
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: {host}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let mut head_lines = head.lines();
    let code = head_lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = head_lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (code, headers, answer[split + 4..].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A folder of logs, a page folder, and a secret next to them.
fn site(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let root = scratch(name);
    let (logs, page) = (root.join("runs"), root.join("page"));
    std::fs::create_dir_all(logs.join("exp 1")).unwrap();
    std::fs::create_dir_all(page.join("www")).unwrap();
    std::fs::write(
        page.join("index.html"),
        "<!doctype html><title>plateau</title>",
    )
    .unwrap();
    std::fs::write(page.join("www/app.js"), "export {};").unwrap();
    std::fs::write(root.join("secret.txt"), "do not serve").unwrap();
    let mut text = String::from("epoch,loss,val_loss\n");
    text.extend((0..10).map(|e| epoch(e, None)));
    std::fs::write(logs.join("exp 1/history.csv"), text).unwrap();
    (root, logs, page)
}

#[test]
fn serve_gives_the_rest_of_a_log_for_a_range_with_cors_headers() {
    let (_, logs, page) = site("serve-range");
    let served = serve(&logs, &page);
    assert!(
        served.origin.starts_with("http://127.0.0.1:"),
        "{}",
        served.origin
    );
    assert!(
        served
            .printed
            .iter()
            .any(|l| l.contains("?src=logs/exp%201/history.csv&follow=2")),
        "{:?}",
        served.printed
    );
    let whole = std::fs::read(logs.join("exp 1/history.csv")).unwrap();
    let (code, headers, body) = http(&served.origin, "GET", "/logs/exp%201/history.csv", &[]);
    assert_eq!(code, 200);
    assert_eq!(body, whole);
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
    assert_eq!(header(&headers, "accept-ranges"), Some("bytes"));
    let etag = header(&headers, "etag").unwrap().to_string();

    let (code, headers, body) = http(
        &served.origin,
        "GET",
        "/logs/exp%201/history.csv",
        &[("Range", "bytes=100-")],
    );
    assert_eq!(code, 206);
    assert_eq!(body, whole[100..]);
    let range = format!("bytes 100-{}/{}", whole.len() - 1, whole.len());
    assert_eq!(header(&headers, "content-range"), Some(range.as_str()));

    let (code, _, body) = http(
        &served.origin,
        "GET",
        "/logs/exp%201/history.csv",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(
        (code, body.len()),
        (304, 0),
        "an unchanged log is not sent again"
    );

    append(&logs.join("exp 1/history.csv"), &epoch(10, None));
    let (code, _, body) = http(
        &served.origin,
        "GET",
        "/logs/exp%201/history.csv",
        &[
            ("If-None-Match", &etag),
            ("Range", &format!("bytes={}-", whole.len())),
        ],
    );
    assert_eq!(code, 206);
    assert_eq!(body, epoch(10, None).as_bytes());

    let (code, headers, _) = http(
        &served.origin,
        "GET",
        "/logs/exp%201/history.csv",
        &[("Range", "bytes=999999-")],
    );
    assert_eq!(
        code, 416,
        "a range past the end says so: the log was shortened"
    );
    assert!(header(&headers, "content-range")
        .unwrap()
        .starts_with("bytes */"));

    let (code, headers, _) = http(&served.origin, "OPTIONS", "/logs/exp%201/history.csv", &[]);
    assert_eq!(code, 204);
    assert!(header(&headers, "access-control-allow-headers")
        .unwrap()
        .contains("If-None-Match"));
}

#[test]
fn serve_gives_the_page_and_nothing_outside_its_folders() {
    let (root, logs, page) = site("serve-traversal");
    std::os::unix::fs::symlink(root.join("secret.txt"), logs.join("link.csv")).unwrap();
    let served = serve(&logs, &page);
    let (code, _, body) = http(&served.origin, "GET", "/", &[]);
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains("<title>plateau</title>"));
    assert_eq!(http(&served.origin, "GET", "/www/app.js", &[]).0, 200);
    for path in [
        "/logs/../secret.txt",
        "/logs/%2e%2e/secret.txt",
        "/logs/exp%201/..%2f..%2fsecret.txt",
        "/www/../../secret.txt",
        "/logs/link.csv",
        "/logs//etc/passwd",
        "/logs/%2fetc%2fpasswd",
        "/secret.txt",
        "/page/index.html",
        "/logs/exp%201",
    ] {
        let (code, _, body) = http(&served.origin, "GET", path, &[]);
        assert_eq!(code, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&body).contains("do not serve"),
            "{path}"
        );
    }
    assert_eq!(
        http(&served.origin, "POST", "/logs/exp%201/history.csv", &[]).0,
        405
    );
}

#[test]
fn serve_lets_no_other_site_read_the_logs() {
    let (_, logs, page) = site("serve-origin");
    let served = serve(&logs, &page);
    let port = served.origin.rsplit(':').next().unwrap().to_string();
    let log = "/logs/exp%201/history.csv";
    // A page of another site, fetched by the visitor's browser: no CORS grant, so it reads nothing.
    let (code, headers, _) = http(
        &served.origin,
        "GET",
        log,
        &[("Origin", "https://evil.example")],
    );
    assert_eq!(code, 200);
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
    for origin in [
        "http://127.0.0.1.evil.example",
        "http://localhost.evil.example:80",
        "null",
    ] {
        let (_, headers, _) = http(&served.origin, "GET", log, &[("Origin", origin)]);
        assert_eq!(
            header(&headers, "access-control-allow-origin"),
            None,
            "{origin}"
        );
    }
    // The page served from this machine (`make serve`, another port) may read across origins.
    let local = "http://127.0.0.1:8000";
    let (_, headers, _) = http(&served.origin, "GET", log, &[("Origin", local)]);
    assert_eq!(header(&headers, "access-control-allow-origin"), Some(local));
    // A DNS name rebound to 127.0.0.1 makes the other site same-origin: its Host gives it away.
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        "127.0.0.1:1".to_string(),
        String::new(),
    ] {
        let (code, _, body) = http_to(&served.origin, &host, "GET", log, &[]);
        assert_eq!(code, 403, "{host}");
        assert!(!String::from_utf8_lossy(&body).contains("epoch"), "{host}");
    }
    let (code, _, _) = http_to(
        &served.origin,
        &format!("localhost:{port}"),
        "GET",
        log,
        &[],
    );
    assert_eq!(code, 200);
}

#[test]
fn serve_sends_the_whole_file_for_a_range_it_does_not_give() {
    let (_, logs, page) = site("serve-ranges");
    std::fs::write(logs.join("empty.csv"), "").unwrap();
    let served = serve(&logs, &page);
    let log = "/logs/exp%201/history.csv";
    let whole = std::fs::read(logs.join("exp 1/history.csv")).unwrap();
    for range in [
        "bytes=5-3",
        "bytes=-5",
        "bytes=0-1,3-4",
        "bytes=18446744073709551616-",
        "bytes=x-",
        "items=0-",
    ] {
        let (code, headers, body) = http(&served.origin, "GET", log, &[("Range", range)]);
        assert_eq!((code, body.len()), (200, whole.len()), "{range}");
        assert_eq!(header(&headers, "content-range"), None, "{range}");
    }
    let (code, headers, body) = http(&served.origin, "GET", log, &[("Range", "bytes=2-4")]);
    assert_eq!((code, body.as_slice()), (206, &whole[2..5]));
    let range = format!("bytes 2-4/{}", whole.len());
    assert_eq!(header(&headers, "content-range"), Some(range.as_str()));
    let (code, headers, body) = http(
        &served.origin,
        "GET",
        "/logs/empty.csv",
        &[("Range", "bytes=0-")],
    );
    assert_eq!(
        (code, body.len()),
        (200, 0),
        "an empty log has no range to give"
    );
    assert_eq!(header(&headers, "content-range"), None);
}

#[test]
fn serve_sends_a_log_larger_than_memory_as_it_reads_it() {
    let (_, logs, page) = site("serve-huge");
    // 64 GiB, sparse: no disk, and more than this machine could hold at once.
    let huge = std::fs::File::create(logs.join("huge.csv")).unwrap();
    huge.set_len(64 << 30).unwrap();
    let served = serve(&logs, &page);
    let (code, headers, body) = http(&served.origin, "HEAD", "/logs/huge.csv", &[]);
    assert_eq!((code, body.len()), (200, 0));
    assert_eq!(header(&headers, "content-length"), Some("68719476736"));
    let (code, headers, body) = http(
        &served.origin,
        "GET",
        "/logs/huge.csv",
        &[("Range", "bytes=68719476730-")],
    );
    assert_eq!((code, body), (206, vec![0; 6]));
    assert_eq!(
        header(&headers, "content-range"),
        Some("bytes 68719476730-68719476735/68719476736")
    );
    assert_eq!(
        http(&served.origin, "GET", "/logs/exp%201/history.csv", &[]).0,
        200
    );
}
