//! The development server: serves the last good build from memory, tells open pages to reload
//! over server-sent events, and shows build errors in the page.
//!
//! Only paths of the built site are served: the URL path is percent-decoded and any `.` or `..`
//! segment, backslash or NUL gets 404, and since files come from memory no symlink can lead out.
//! A folder URL without its slash is redirected; a missing page gets `404.html` with status 404.
//! HTML responses get the live-reload script; the stored site is the same as `pimap build` would
//! write.

use std::io::Write;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

pub use crate::incremental::Files;

/// What the server shows: the last good build, and the errors of the last build if it failed.
#[derive(Default)]
pub struct ServedSite {
    pub files: Files,
    /// Diagnostics of the failed last build, as text; `None` when it succeeded.
    pub errors: Option<String>,
}

/// State shared by the server, the rebuild loop and the event streams.
#[derive(Default)]
pub struct Shared {
    pub site: RwLock<Arc<ServedSite>>,
    clients: Mutex<Vec<Sender<String>>>,
}

/// A message to open pages.
pub enum Event {
    Reload,
    Css,
    Errors(String),
    Fixed,
}

impl Shared {
    /// Sends an event to every open page, forgetting pages that went away.
    pub fn broadcast(&self, event: &Event) {
        let message = sse_message(event);
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|client| client.send(message.clone()).is_ok());
        }
    }

    fn subscribe(&self) -> Receiver<String> {
        let (sender, receiver) = channel();
        let site = self.current();
        let first = match &site.errors {
            Some(text) => sse_message(&Event::Errors(text.clone())),
            None => sse_message(&Event::Fixed),
        };
        let _ = sender.send(first);
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(sender);
        }
        receiver
    }

    pub fn current(&self) -> Arc<ServedSite> {
        self.site.read().map(|s| Arc::clone(&s)).unwrap_or_default()
    }
}

fn sse_message(event: &Event) -> String {
    let (name, data) = match event {
        Event::Reload => ("reload", String::new()),
        Event::Css => ("css", String::new()),
        Event::Fixed => ("fixed", String::new()),
        Event::Errors(text) => ("errors", text.clone()),
    };
    let mut message = format!("event: {name}\n");
    // The event-stream format ends a line at CR, LF or CRLF: a carriage return inside a
    // diagnostic must not end a field early and let the rest be read as another field.
    for line in data.replace("\r\n", "\n").split(['\r', '\n']) {
        message.push_str("data: ");
        message.push_str(line);
        message.push('\n');
    }
    message.push('\n');
    message
}

pub const LIVE_RELOAD_PATH: &str = "/__pimap/live-reload.js";
const EVENTS_PATH: &str = "/__pimap/events";
const LIVE_RELOAD_JS: &str = include_str!("live-reload.js");

/// What a request for `url` gets.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(String),
    Redirect(String),
    NotFound,
}

/// Maps a request URL to a file of the built site.
pub fn resolve(files: &Files, url: &str) -> Resolved {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = crate::output::percent_decode(path) else {
        return Resolved::NotFound;
    };
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return Resolved::NotFound;
    }
    let rel = &decoded[1..];
    if rel.split('/').any(|s| s == ".." || s == ".") || rel.contains("//") {
        return Resolved::NotFound;
    }
    if rel.is_empty() || rel.ends_with('/') {
        let index = format!("{rel}index.html");
        return if files.contains_key(&index) {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if files.contains_key(rel) {
        return Resolved::File(rel.to_owned());
    }
    if files.contains_key(&format!("{rel}/index.html")) {
        let query = url.find('?').map_or("", |i| &url[i..]);
        return Resolved::Redirect(format!("{path}/{query}"));
    }
    Resolved::NotFound
}

pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script to an HTML page.
pub fn inject_live_reload(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_RELOAD_PATH}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// A header with a fixed value (never one taken from a request).
fn header(name: &'static str, value: &'static str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a fixed, valid header")
}

/// Serves requests until the server stops.
pub fn run(server: tiny_http::Server, shared: Arc<Shared>) {
    for request in server.incoming_requests() {
        let shared = Arc::clone(&shared);
        if request.url() == EVENTS_PATH {
            std::thread::spawn(move || stream_events(request, &shared));
        } else {
            respond(request, &shared);
        }
    }
}

fn respond(request: tiny_http::Request, shared: &Shared) {
    let no_cache = header("Cache-Control", "no-store");
    if request.url() == LIVE_RELOAD_PATH {
        let response = tiny_http::Response::from_data(LIVE_RELOAD_JS.as_bytes())
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
            .with_header(no_cache);
        let _ = request.respond(response);
        return;
    }
    let site = shared.current();
    let (status, path) = match resolve(&site.files, request.url()) {
        Resolved::File(path) => (200, Some(path)),
        Resolved::Redirect(location) => {
            // The location comes from the request: a value that cannot be a header gets a 404.
            let response =
                match tiny_http::Header::from_bytes(&b"Location"[..], location.as_bytes()) {
                    Ok(location) => tiny_http::Response::empty(301).with_header(location),
                    Err(()) => tiny_http::Response::empty(404),
                };
            let _ = request.respond(response);
            return;
        }
        Resolved::NotFound => (
            404,
            site.files
                .contains_key("404.html")
                .then(|| "404.html".to_owned()),
        ),
    };
    let response = match path.and_then(|p| site.files.get(&p).map(|bytes| (p, bytes))) {
        Some((path, bytes)) => {
            let body = if path.ends_with(".html") {
                inject_live_reload(bytes)
            } else {
                bytes.to_vec()
            };
            tiny_http::Response::from_data(body)
                .with_header(header("Content-Type", content_type(&path)))
        }
        None => tiny_http::Response::from_data(b"Not found".to_vec())
            .with_header(header("Content-Type", "text/plain; charset=utf-8")),
    };
    let _ = request.respond(response.with_status_code(status).with_header(no_cache));
}

fn stream_events(request: tiny_http::Request, shared: &Shared) {
    let receiver = shared.subscribe();
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if writer
        .write_all(head.as_bytes())
        .and_then(|()| writer.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = match receiver.recv_timeout(Duration::from_secs(15)) {
            Ok(message) => message,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_owned(),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if writer
            .write_all(message.as_bytes())
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        ["index.html", "news/index.html", "css/site.css", "a b.txt"]
            .into_iter()
            .map(|p| (p.to_owned(), Arc::new(Vec::new())))
            .collect()
    }

    #[test]
    fn only_files_of_the_site_are_served() {
        let f = files();
        assert_eq!(resolve(&f, "/"), Resolved::File("index.html".into()));
        assert_eq!(
            resolve(&f, "/news/"),
            Resolved::File("news/index.html".into())
        );
        assert_eq!(
            resolve(&f, "/news?x=1"),
            Resolved::Redirect("/news/?x=1".into())
        );
        assert_eq!(
            resolve(&f, "/css/site.css?h=12"),
            Resolved::File("css/site.css".into())
        );
        assert_eq!(resolve(&f, "/a%20b.txt"), Resolved::File("a b.txt".into()));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/",
            "/%2E%2E/etc/passwd",
            "/news/../index.html",
            "/css/%2e%2e%2fsite.css",
            "//etc/passwd",
            "/%00",
            "/%zz",
            "etc",
            "/news\\..\\index.html",
        ] {
            assert_eq!(resolve(&f, bad), Resolved::NotFound, "{bad}");
        }
    }

    #[test]
    fn the_script_goes_before_the_end_of_body_or_at_the_end() {
        assert_eq!(
            inject_live_reload(b"<p>x</body>"),
            format!("<p>x<script src=\"{LIVE_RELOAD_PATH}\"></script></body>").into_bytes()
        );
        assert!(
            String::from_utf8(inject_live_reload(b"<p>x"))
                .unwrap()
                .ends_with("</script>")
        );
    }

    #[test]
    fn events_are_server_sent_events() {
        assert_eq!(
            sse_message(&Event::Errors("a\nb".into())),
            "event: errors\ndata: a\ndata: b\n\n"
        );
        assert_eq!(sse_message(&Event::Reload), "event: reload\ndata: \n\n");
    }

    #[test]
    fn every_line_of_event_data_is_its_own_data_field_whatever_ends_it() {
        assert_eq!(
            sse_message(&Event::Errors("a\rb\r\nc\nd\r\revent: reload\r".into())),
            "event: errors\ndata: a\ndata: b\ndata: c\ndata: d\ndata: \ndata: event: reload\ndata: \n\n"
        );
    }
}
