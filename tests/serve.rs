//! `pimap serve` as a network service: a real `pimap serve` process on a free port, driven by
//! scripted raw TCP clients. A client that stalls must not hold up the others, requests are
//! bounded, only local names (and `--allowed-host` names) are served, live-reload streams are
//! capped with the oldest closed first, and a save reloads only the open pages it changed (and
//! those whose page is not known).

mod common;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The number of live-reload streams `pimap serve` keeps open (README, "Live editing").
const EVENT_STREAM_CAP: usize = 64;

/// A running `pimap serve`, stopped when dropped.
struct Served {
    child: Child,
    address: SocketAddr,
}

impl Served {
    /// Starts `pimap serve --root ROOT --port 0 EXTRA...` and waits until it serves.
    fn start(root: &Path, extra: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pimap"))
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(["--port", "0"])
            .args(extra)
            // The day the `publication-window` fixture's dates are measured against.
            .env("PIMAP_TODAY", "2026-11-30")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pimap serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("pimap serve printed the address it serves")
                .expect("read the output of pimap serve");
            if let Some(rest) = line.split(" at http://").nth(1) {
                let address = rest.split('/').next().unwrap_or_default();
                break address.parse().expect("an address and a port");
            }
        };
        // Keep reading, so that the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Served { child, address }
    }

    /// `127.0.0.1:PORT`, the Host a browser sends for the printed address.
    fn host(&self) -> String {
        self.address.to_string()
    }

    fn port(&self) -> u16 {
        self.address.port()
    }

    /// A numeric field of `/proc/PID/status` (`VmRSS` in KiB, `Threads`).
    fn status_field(&self, name: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc/PID/status");
        status
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
            .and_then(|value| value.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/PID/status"))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn get_request(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

/// Sends `request` and reads the response until the server closes the connection; fails if
/// that takes longer than `timeout`.
fn exchange(address: SocketAddr, request: &str, timeout: Duration) -> std::io::Result<Vec<u8>> {
    let deadline = Instant::now() + timeout;
    let mut stream = TcpStream::connect_timeout(&address, timeout)?;
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    let mut buffer = [0; 16 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buffer)? {
            0 => return Ok(response),
            n => response.extend_from_slice(&buffer[..n]),
        }
    }
}

/// The status code of a response, if it has a status line.
fn status(response: &[u8]) -> Option<u16> {
    let text = String::from_utf8_lossy(response);
    let line = text.lines().next()?;
    line.strip_prefix("HTTP/1.")?.get(2..5)?.parse().ok()
}

/// Requests `path` with the Host header `host`; returns the status and the whole response.
fn get(served: &Served, path: &str, host: &str) -> (u16, String) {
    let response = exchange(
        served.address,
        &get_request(path, host),
        Duration::from_secs(5),
    )
    .unwrap_or_else(|e| panic!("GET {path} (Host: {host}): {e}"));
    let status = status(&response).unwrap_or_else(|| panic!("GET {path}: no status line"));
    (status, String::from_utf8_lossy(&response).into_owned())
}

/// Asserts that a new client is served the home page within one second.
fn assert_served_within_a_second(served: &Served) {
    let started = Instant::now();
    let response = exchange(
        served.address,
        &get_request("/", &served.host()),
        Duration::from_secs(1),
    )
    .unwrap_or_else(|e| panic!("a second client was not served within 1 s: {e}"));
    assert_eq!(status(&response), Some(200));
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn a_client_that_never_sends_its_announced_body_does_not_hold_up_others() {
    let served = Served::start(&common::fixture("live-site"), &[]);
    let mut silent = TcpStream::connect(served.address).unwrap();
    write!(
        silent,
        "GET / HTTP/1.1\r\nHost: {}\r\nContent-Length: 1025\r\n\r\n",
        served.host()
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert_served_within_a_second(&served);
    // The server only serves GET and HEAD: the body is refused, not waited for.
    silent
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut response = Vec::new();
    let _ = silent.read_to_end(&mut response);
    assert_eq!(status(&response), Some(413));
}

#[test]
fn a_client_that_never_reads_a_large_file_does_not_hold_up_others() {
    let root = common::copy_fixture("live-site");
    let large: Vec<u8> = (0..32 * 1024 * 1024)
        .map(|i: u32| (i % 251) as u8)
        .collect();
    std::fs::write(root.path().join("static/large.bin"), large).unwrap();
    let served = Served::start(root.path(), &[]);
    let mut not_reading = TcpStream::connect(served.address).unwrap();
    not_reading
        .write_all(get_request("/large.bin", &served.host()).as_bytes())
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_served_within_a_second(&served);
    drop(not_reading);
}

/// What a flood of request bytes got: the status of the response, and the server's resident
/// memory (KiB) measured while the flooding connection was still open.
struct Flooded {
    status: Option<u16>,
    resident_kib: u64,
}

/// Sends `prefix`, then `filler` repeated up to 32 MiB, until the server answers or closes.
fn flood(served: &Served, prefix: &str, filler: &[u8]) -> Flooded {
    let mut stream = TcpStream::connect(served.address).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let prefix = prefix.as_bytes().to_vec();
    let chunk: Vec<u8> = filler.iter().copied().cycle().take(64 * 1024).collect();
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(&prefix);
        for _ in 0..512 {
            if writer.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut response = Vec::new();
    let mut buffer = [0; 1024];
    while !response.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(&buffer[..n]),
        }
    }
    let resident_kib = served.status_field("VmRSS");
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = sender.join();
    Flooded {
        status: status(&response),
        resident_kib,
    }
}

#[cfg(target_os = "linux")]
#[test]
fn oversized_request_lines_and_headers_are_refused_without_growing_the_server() {
    let served = Served::start(&common::fixture("live-site"), &[]);
    assert_eq!(get(&served, "/", &served.host()).0, 200);
    let before = served.status_field("VmRSS");
    let limit = before + 8 * 1024;
    let host = served.host();

    let line = flood(&served, "GET /", b"a");
    assert_eq!(line.status, Some(414));
    assert!(line.resident_kib < limit, "{} KiB", line.resident_kib);

    let one_header = flood(
        &served,
        &format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-Filler: "),
        b"a",
    );
    assert_eq!(one_header.status, Some(431));
    assert!(
        one_header.resident_kib < limit,
        "{} KiB",
        one_header.resident_kib
    );

    let many_headers = flood(
        &served,
        &format!("GET / HTTP/1.1\r\nHost: {host}\r\n"),
        b"X-Filler: a\r\n",
    );
    assert_eq!(many_headers.status, Some(431));
    assert!(
        many_headers.resident_kib < limit,
        "{} KiB",
        many_headers.resident_kib
    );

    assert_served_within_a_second(&served);
}

#[test]
fn only_local_names_and_allowed_hosts_are_served() {
    let site = common::fixture("live-site");
    let served = Served::start(&site, &[]);
    let port = served.port();
    for name in [
        "localhost",
        "preview.localhost",
        "127.0.0.1",
        "[::1]",
        "LocalHost",
    ] {
        let host = format!("{name}:{port}");
        assert_eq!(get(&served, "/", &host).0, 200, "{host}");
    }
    let (code, response) = get(&served, "/", &format!("rebound.example:{port}"));
    assert_eq!(code, 403);
    assert!(
        response.contains("--allowed-host rebound.example"),
        "{response}"
    );
    assert_eq!(
        get(
            &served,
            "/__pimap/events",
            &format!("rebound.example:{port}")
        )
        .0,
        403
    );

    let allowing = Served::start(&site, &["--allowed-host", "preview.example.test"]);
    let port = allowing.port();
    assert_eq!(
        get(&allowing, "/", &format!("preview.example.test:{port}")).0,
        200
    );
    assert_eq!(get(&allowing, "/", "Preview.Example.Test").0, 200);
    assert_eq!(
        get(&allowing, "/", &format!("other.example.test:{port}")).0,
        403
    );
}

/// Opens a live-reload stream as a script that names no page does, and reads its head and
/// first event.
fn open_event_stream(served: &Served) -> TcpStream {
    open_event_stream_at(served, "/__pimap/events")
}

/// Opens a live-reload stream with the request `target` and reads its head and first event.
fn open_event_stream_at(served: &Served, target: &str) -> TcpStream {
    let mut stream = TcpStream::connect(served.address).unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {}\r\n\r\n", served.host());
    stream.write_all(request.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut received = Vec::new();
    let mut byte = [0; 1];
    // The head ends with an empty line, the first event with another.
    while received.windows(2).filter(|w| w == b"\n\n").count()
        + received.windows(4).filter(|w| w == b"\r\n\r\n").count()
        < 2
    {
        match stream.read(&mut byte) {
            Ok(1) => received.push(byte[0]),
            other => panic!("the event stream ended early: {other:?}"),
        }
    }
    assert_eq!(status(&received), Some(200));
    stream
}

/// Reads from `stream` until it closes, `needle` arrives, or `timeout` passes; returns what
/// was read and whether the stream was closed.
fn read_events(stream: &mut TcpStream, needle: &str, timeout: Duration) -> (String, bool) {
    let deadline = Instant::now() + timeout;
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        if String::from_utf8_lossy(&received).contains(needle) {
            return (String::from_utf8_lossy(&received).into_owned(), false);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (String::from_utf8_lossy(&received).into_owned(), false);
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buffer) {
            Ok(0) => return (String::from_utf8_lossy(&received).into_owned(), true),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return (String::from_utf8_lossy(&received).into_owned(), true),
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn live_reload_streams_are_capped_and_the_oldest_are_closed() {
    const STREAMS: usize = 300;
    let root = common::copy_fixture("live-site");
    let served = Served::start(root.path(), &[]);
    let mut streams: Vec<TcpStream> = (0..STREAMS).map(|_| open_event_stream(&served)).collect();
    let threads = served.status_field("Threads");
    assert!(
        threads < 100,
        "{threads} threads for {STREAMS} live-reload streams"
    );

    let long = root.path().join("content/long.md");
    let text = common::read(&long);
    std::fs::write(&long, format!("{text}\nA paragraph added at the end.\n")).unwrap();

    for (index, stream) in streams.iter_mut().enumerate() {
        let (events, closed) = read_events(stream, "event: reload", Duration::from_secs(10));
        if index < STREAMS - EVENT_STREAM_CAP {
            assert!(closed, "stream {index} of {STREAMS} is still open");
            assert!(
                !events.contains("event: reload"),
                "stream {index}: {events}"
            );
        } else {
            assert!(
                events.contains("event: reload"),
                "stream {index} of {STREAMS} was not told to reload: {events:?}"
            );
        }
    }
}

/// Opens a live-reload stream as the script of the page at `address` does, with the version
/// of the page it was served.
fn open_page_event_stream(served: &Served, address: &str) -> TcpStream {
    let (status, page) = get(served, address, &served.host());
    assert_eq!(status, 200, "GET {address}");
    let version = page
        .split("data-version=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no version in the live-reload script of {address}"));
    let encoded = address.replace('/', "%2F");
    open_event_stream_at(
        served,
        &format!("/__pimap/events?page={encoded}&shown={version}"),
    )
}

#[test]
fn an_edit_reloads_the_open_pages_that_show_it_and_not_the_others() {
    let root = common::copy_fixture("live-site");
    let other = "---\ntitle: Another page\n---\nA page that shows no other.\n";
    std::fs::write(root.path().join("content/other.md"), other).unwrap();
    let served = Served::start(root.path(), &[]);
    let mut on_long = open_page_event_stream(&served, "/long/");
    let mut on_other = open_page_event_stream(&served, "/other/");
    // A script that names no page (or a page the site does not have) reloads on every change.
    let mut unknown = open_event_stream(&served);
    let mut missing = open_event_stream_at(&served, "/__pimap/events?page=%2Fnot-yet%2F");

    let long = root.path().join("content/long.md");
    let text = common::read(&long);
    std::fs::write(&long, format!("{text}\nA paragraph added at the end.\n")).unwrap();

    let ten_seconds = Duration::from_secs(10);
    for (name, stream) in [("/long/", &mut on_long), ("no page", &mut unknown)] {
        let (events, _) = read_events(stream, "event: reload", ten_seconds);
        assert!(events.contains("event: reload"), "{name}: {events:?}");
    }
    let (events, _) = read_events(&mut missing, "event: reload", ten_seconds);
    assert!(events.contains("event: reload"), "/not-yet/: {events:?}");
    // The streams of pages that did not change were passed over in the same round.
    let (events, _) = read_events(&mut on_other, "event: reload", Duration::from_millis(500));
    assert!(!events.contains("event: reload"), "/other/: {events:?}");
    // Told once: not again at the end of the rebuild for the bytes it reloaded for ahead.
    let (events, _) = read_events(&mut on_long, "event: reload", Duration::from_millis(500));
    assert!(
        !events.contains("event: reload"),
        "/long/ again: {events:?}"
    );
}

#[test]
fn a_page_served_before_its_last_change_is_told_to_reload_when_it_listens() {
    let root = common::copy_fixture("live-site");
    let served = Served::start(root.path(), &[]);
    let mut current = open_page_event_stream(&served, "/long/");
    let mut stale = open_event_stream_at(
        &served,
        "/__pimap/events?page=%2Flong%2F&shown=0123456789abcdef",
    );
    let (events, _) = read_events(&mut stale, "event: reload", Duration::from_secs(5));
    assert!(events.contains("event: reload"), "{events:?}");
    let (events, _) = read_events(&mut current, "event: reload", Duration::from_millis(300));
    assert!(!events.contains("event: reload"), "{events:?}");
}

#[test]
fn the_preview_shows_unpublished_pages_with_a_ribbon_and_explains_their_address_without_them() {
    let site = common::fixture("publication-window");
    let preview = Served::start(&site, &[]);
    let (status, body) = get(&preview, "/news/draft-plan/", &preview.host());
    assert_eq!(status, 200);
    assert!(body.contains("Draft: not published"), "{body}");
    let (status, body) = get(&preview, "/smes/frostbeam/", &preview.host());
    assert_eq!(status, 200);
    assert!(
        body.contains("Scheduled: published on 2026-12-20"),
        "{body}"
    );
    drop(preview);

    let published = Served::start(&site, &["--no-drafts"]);
    let (status, body) = get(&published, "/news/draft-plan/", &published.host());
    assert_eq!(status, 404);
    assert!(
        body.contains("content/news/draft-plan.md is a draft (<code>draft: true</code>). To publish it, remove the line <code>draft: true</code>"),
        "{body}"
    );
    let (status, body) = get(&published, "/news/coming-soon", &published.host());
    assert_eq!(status, 404);
    assert!(
        body.contains("its <code>publish_date</code> is 2026-12-03"),
        "{body}"
    );
    let (status, body) = get(&published, "/smes/frostbeam/", &published.host());
    assert_eq!(status, 404);
    assert!(
        body.contains("data/smes/frostbeam.yaml is scheduled"),
        "{body}"
    );
    let (status, body) = get(&published, "/news/never-written/", &published.host());
    assert_eq!(status, 404);
    assert!(!body.contains("not published"), "{body}");
}
