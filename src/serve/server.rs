//! The development server: serves the last good build from memory, tells open pages to reload
//! over server-sent events ([`super::events`]), and shows build errors in the page.
//!
//! Only paths of the built site are served: the URL path is percent-decoded and any `.` or `..`
//! segment, backslash or NUL gets 404, and since files come from memory no symlink can lead out.
//! A folder URL without its slash is redirected; a missing page gets `404.html` with status 404,
//! unless it is the address of a page the build leaves out ([`super::withheld`]), which gets a
//! 404 that says how to publish it.
//! HTML responses get the live-reload script, with a fingerprint of the page's bytes that the
//! script sends back when it asks for events (with the page's address), so that its stream
//! knows which file it shows and whether it is still current; the stored site is the same as
//! `pimap build` would write. Requests must name this computer or an `--allowed-host` in `Host`
//! ([`super::hosts`]), else they get 403.
//!
//! One slow client cannot hold up the others. One thread accepts connections and gives each its
//! own thread, at most [`MAX_CONNECTIONS`] at a time (a connection beyond that gets 503 at
//! once). Each connection carries one request ([`super::http`]): its head must arrive within 5 s
//! and within fixed sizes, a body is refused rather than waited for, and every write must make
//! progress within 5 s, so a client that stalls holds only its own thread, for seconds. A thread
//! per connection, rather than a fixed pool, lets a quick request start at once instead of
//! queueing behind slow ones; the cap and the timeouts bound what that costs. A live-reload
//! request hands its connection to [`EventStreams`] and ends its thread.
//!
//! The HTTP is our own, over `httparse`: tiny_http 0.12 (its latest release) reads request
//! lines and headers without a limit, has no timeouts, reads a request's unread body on the
//! thread that answers it, and starts a thread per connection without a cap, none of which its
//! API lets a caller change; hyper would bring a tokio runtime to serve one person's browser,
//! and still leave the write timeouts, the host check and the event streams to us.

use super::events::{Event, EventStreams, ShownPage, Subscription, UnknownPages};
use super::hosts::{self, AllowedHosts};
use super::http::{self, DeadlineReader, Response};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub use crate::incremental::Files;

/// The most connections served at once, besides live-reload streams.
pub const MAX_CONNECTIONS: usize = 64;

/// What the server shows: the last good build (with the outputs of the build under way that it
/// publishes ahead, the edited page), and the errors of the last build if it failed.
#[derive(Default)]
pub struct ServedSite {
    /// A copy of the session's files, which costs nothing ([`Files`] is a persistent map).
    pub files: Files,
    /// What a missing address that belongs to an unpublished page says.
    pub withheld: super::withheld::WithheldPages,
    /// Diagnostics of the failed last build, as text; `None` when it succeeded.
    pub errors: Option<String>,
}

impl ServedSite {
    /// The bytes of the file at `path`.
    pub fn get(&self, path: &str) -> Option<&Arc<Vec<u8>>> {
        self.files.get(path)
    }

    fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }
}

/// State shared by the server, the rebuild loop and the event streams.
#[derive(Default)]
pub struct Shared {
    pub site: RwLock<Arc<ServedSite>>,
    streams: EventStreams,
}

impl Shared {
    /// Sends an event to every open page.
    pub fn broadcast(&self, event: &Event) {
        self.streams.broadcast(event);
    }

    /// Makes `stream` a live-reload stream for the page the request `target` names (see
    /// [`EventsQuery`]); its first event is the state of the last build, followed by a reload
    /// when the page's file changed since the page was served.
    fn subscribe(&self, stream: TcpStream, target: &str) {
        let query = EventsQuery::parse(target);
        self.streams.add(stream, || {
            let site = self.current();
            let page = query
                .page
                .as_deref()
                .and_then(|page| shown_page(&site, page));
            let mut events = vec![match &site.errors {
                Some(text) => Event::Errors(text.clone()),
                None => Event::Fixed,
            }];
            let stale = matches!((&page, &query.shown),
                (Some(page), Some(shown)) if *shown != page_version(&page.bytes));
            if stale {
                events.push(Event::Reload);
            }
            Subscription { page, events }
        });
    }

    /// Serves `ahead`, outputs of the rebuild under way published before the rest, over the
    /// site served, and tells the pages that show one of them to reload.
    pub fn publish_ahead(&self, ahead: &Files) {
        let served = self.current();
        let mut files = served.files.clone();
        for (path, bytes) in ahead {
            files.insert(path.clone(), Arc::clone(bytes));
        }
        let paths: Vec<String> = ahead.keys().cloned().collect();
        self.serve(ServedSite {
            files: files.clone(),
            withheld: served.withheld.clone(),
            errors: None,
        });
        let current = |path: &str| files.get(path).cloned();
        self.streams
            .reload_pages(&paths, current, UnknownPages::Skip);
    }

    /// Tells open pages that the last rebuild changed the outputs `changed`: those that show
    /// one of them, or use one that is not a page ([`EventStreams::reload_changed`]).
    pub fn reload_changed(&self, changed: &[String]) {
        let site = self.current();
        let code = || {
            (site.files.iter())
                .filter(|(path, _)| path.ends_with(".css") || path.ends_with(".js"))
                .map(|(path, bytes)| (path.clone(), Arc::clone(bytes)))
                .collect()
        };
        self.streams
            .reload_changed(changed, |path| site.get(path).cloned(), code);
    }

    pub fn current(&self) -> Arc<ServedSite> {
        self.site.read().map(|s| Arc::clone(&s)).unwrap_or_default()
    }

    /// Serves `site` from now on.
    pub fn serve(&self, site: ServedSite) {
        if let Ok(mut served) = self.site.write() {
            *served = Arc::new(site);
        }
    }
}

pub const LIVE_RELOAD_PATH: &str = "/__pimap/live-reload.js";
const EVENTS_PATH: &str = "/__pimap/events";
const LIVE_RELOAD_JS: &str = include_str!("live-reload.js");

/// What the live-reload script says in its request for events
/// (`/__pimap/events?page=/news/x/&shown=VERSION`): the address of its page, and the
/// [`page_version`] of the bytes it was served. An older script names neither.
#[derive(Debug, Default, PartialEq, Eq)]
struct EventsQuery {
    page: Option<String>,
    shown: Option<String>,
}

impl EventsQuery {
    fn parse(target: &str) -> EventsQuery {
        let mut query = EventsQuery::default();
        let fields = target.split_once('?').map_or("", |(_, fields)| fields);
        for (name, value) in fields.split('&').filter_map(|field| field.split_once('=')) {
            let value = crate::output::percent_decode(value);
            match name {
                "page" => query.page = value,
                "shown" => query.shown = value,
                _ => {}
            }
        }
        query
    }
}

/// The file the page at the address `page` is served from, with its bytes; `None` for an
/// address served no file of the site (the 404 page, an unpublished page's explanation).
fn shown_page(site: &ServedSite, page: &str) -> Option<ShownPage> {
    let Resolved::File(path) = resolve(site, page) else {
        return None;
    };
    let bytes = Arc::clone(site.get(&path)?);
    Some(ShownPage { path, bytes })
}

/// A short fingerprint of a page's bytes, given to its live-reload script, which sends it back
/// with its request for events: a page that was served older bytes than the site now holds
/// (saved while it was loading) is told to reload at once.
fn page_version(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// What a request for `url` gets.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(String),
    Redirect(String),
    NotFound,
}

/// Maps a request URL to a file of the built site.
pub fn resolve(files: &ServedSite, url: &str) -> Resolved {
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
        return if files.contains(&index) {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if files.contains(rel) {
        return Resolved::File(rel.to_owned());
    }
    if files.contains(&format!("{rel}/index.html")) {
        let query = url.find('?').map_or("", |i| &url[i..]);
        return Resolved::Redirect(format!("{path}/{query}"));
    }
    Resolved::NotFound
}

/// The explanation page of an unpublished page at the request's address, if it is one.
fn withheld_page<'a>(site: &'a ServedSite, target: &str) -> Option<&'a [u8]> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = crate::output::percent_decode(path)?;
    site.withheld.get(&decoded)
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

/// Adds the live-reload script to an HTML page, with the page's [`page_version`].
pub fn inject_live_reload(html: &[u8]) -> Vec<u8> {
    let version = page_version(html);
    let tag = format!("<script src=\"{LIVE_RELOAD_PATH}\" data-version=\"{version}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// A place among the [`MAX_CONNECTIONS`] connections served at once, given back when dropped.
struct ConnectionSlot(Arc<AtomicUsize>);

impl ConnectionSlot {
    fn take(count: &Arc<AtomicUsize>) -> Option<ConnectionSlot> {
        count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < MAX_CONNECTIONS).then_some(n + 1)
            })
            .ok()
            .map(|_| ConnectionSlot(Arc::clone(count)))
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves connections from `listener` until the process ends.
pub fn run(listener: TcpListener, shared: Arc<Shared>, hosts: AllowedHosts) {
    let hosts = Arc::new(hosts);
    let keeping = Arc::clone(&shared);
    std::thread::spawn(move || keeping.streams.keep_alive());
    let connections = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            // Out of file descriptors, most likely: give the open connections time to end.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        let Some(slot) = ConnectionSlot::take(&connections) else {
            refuse_when_busy(&stream);
            continue;
        };
        let (shared, hosts) = (Arc::clone(&shared), Arc::clone(&hosts));
        // When no thread can be started, the closure is dropped and the connection closed.
        let _ = std::thread::Builder::new()
            .name("pimap-serve".to_owned())
            .spawn(move || {
                let _slot = slot;
                handle(stream, &shared, &hosts);
            });
    }
}

/// Answers 503 without waiting: the answer fits in the socket's buffer or is not sent.
fn refuse_when_busy(stream: &TcpStream) {
    if stream.set_nonblocking(true).is_ok() {
        let busy = Response::text(503, "pimap serve is busy; try again in a moment.\n")
            .with_header("Retry-After", "1");
        let mut writer = stream;
        let _ = busy.write(&mut writer, false);
    }
}

/// Reads one request from `stream` and answers it.
fn handle(stream: TcpStream, shared: &Shared, hosts: &AllowedHosts) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(http::WRITE_TIMEOUT));
    let head = match http::read_head(&mut DeadlineReader::new(&stream, http::HEAD_DEADLINE)) {
        Ok(head) => head,
        Err(error) => {
            if let Some((status, text)) = error.response() {
                refuse(&stream, &Response::text(status, text), false);
            }
            return;
        }
    };
    let head_only = head.method == "HEAD";
    if let Some((status, text)) = refusal(&head, hosts) {
        let response = Response::text(status, &text);
        let response = if status == 405 {
            response.with_header("Allow", "GET, HEAD")
        } else {
            response
        };
        refuse(&stream, &response, head_only);
        return;
    }
    let path = head.target.split('?').next().unwrap_or_default();
    if head.method == "GET" && path == EVENTS_PATH {
        shared.subscribe(stream, &head.target);
        return;
    }
    let mut writer = http::DeadlineWriter::new(&stream, http::RESPONSE_DEADLINE);
    let _ = respond(&mut writer, &head.target, shared, head_only);
    let _ = stream.shutdown(Shutdown::Write);
}

/// Why a request is not served, if it is not: its status and an explanation.
fn refusal(head: &http::RequestHead, hosts: &AllowedHosts) -> Option<(u16, String)> {
    let Some(host) = &head.host else {
        return Some((400, "The request needs one Host header field.\n".to_owned()));
    };
    if !hosts.allows(host) {
        return Some((403, hosts::refusal(host)));
    }
    if head.method != "GET" && head.method != "HEAD" {
        return Some((
            405,
            "pimap serve only answers GET and HEAD requests.\n".to_owned(),
        ));
    }
    if head.has_body {
        return Some((413, "pimap serve takes no request bodies.\n".to_owned()));
    }
    None
}

/// Sends a refusal, then closes the connection without losing it (see [`http::close_after_refusal`]).
fn refuse(stream: &TcpStream, response: &Response, head_only: bool) {
    let mut writer = stream;
    if response.write(&mut writer, head_only).is_ok() {
        http::close_after_refusal(stream);
    }
}

/// Answers a GET (or, without the body, a HEAD) of `target`.
fn respond(
    writer: &mut impl std::io::Write,
    target: &str,
    shared: &Shared,
    head_only: bool,
) -> std::io::Result<()> {
    if target == LIVE_RELOAD_PATH {
        let script = Response {
            status: 200,
            headers: vec![("Content-Type", "text/javascript; charset=utf-8")],
            body: LIVE_RELOAD_JS.as_bytes(),
        };
        return script.write(writer, head_only);
    }
    let site = shared.current();
    let (status, path) = match resolve(&site, target) {
        Resolved::File(path) => (200, Some(path)),
        // The location comes from the request: one that cannot be a header value gets a 404.
        Resolved::Redirect(location) if http::is_header_value(&location) => {
            let redirect = Response {
                status: 301,
                headers: vec![("Location", &location)],
                body: b"",
            };
            return redirect.write(writer, head_only);
        }
        Resolved::Redirect(_) | Resolved::NotFound => {
            if let Some(page) = withheld_page(&site, target) {
                let body = inject_live_reload(page);
                let headers = vec![("Content-Type", "text/html; charset=utf-8")];
                return Response {
                    status: 404,
                    headers,
                    body: &body,
                }
                .write(writer, head_only);
            }
            (
                404,
                site.contains("404.html").then(|| "404.html".to_owned()),
            )
        }
    };
    let Some((path, bytes)) = path.and_then(|p| site.get(&p).map(|bytes| (p, bytes))) else {
        return Response::text(404, "Not found").write(writer, head_only);
    };
    let injected;
    let body = if path.ends_with(".html") {
        injected = inject_live_reload(bytes);
        &injected
    } else {
        bytes.as_slice()
    };
    let headers = vec![("Content-Type", content_type(&path))];
    Response {
        status,
        headers,
        body,
    }
    .write(writer, head_only)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> ServedSite {
        let files = ["index.html", "news/index.html", "css/site.css", "a b.txt"]
            .into_iter()
            .map(|p| (p.to_owned(), Arc::new(Vec::new())))
            .collect();
        ServedSite {
            files,
            ..ServedSite::default()
        }
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
    fn a_live_reload_stream_knows_the_file_its_page_is_served_from() {
        let f = files();
        let file_of = |target: &str| {
            let query = EventsQuery::parse(target);
            query
                .page
                .as_deref()
                .and_then(|page| shown_page(&f, page))
                .map(|page| page.path)
        };
        let news = Some("news/index.html".to_owned());
        assert_eq!(file_of("/__pimap/events?page=%2Fnews%2F"), news);
        assert_eq!(file_of("/__pimap/events?page=/news/index.html"), news);
        assert_eq!(
            file_of("/__pimap/events?page=%2F"),
            Some("index.html".into())
        );
        assert_eq!(
            file_of("/__pimap/events?page=%2Fa%2520b.txt&shown=1"),
            Some("a b.txt".into())
        );
        // A redirect, a missing page, a path out of the site, no page named: not known.
        for target in [
            "/__pimap/events?page=%2Fnews",
            "/__pimap/events?page=%2Fnot-yet%2F",
            "/__pimap/events?page=%2F..%2Findex.html",
            "/__pimap/events?page=%zz",
            "/__pimap/events",
        ] {
            assert_eq!(file_of(target), None, "{target}");
        }
        assert_eq!(
            EventsQuery::parse("/__pimap/events?shown=00ff&page=%2Fx%2F&other=1"),
            EventsQuery {
                page: Some("/x/".into()),
                shown: Some("00ff".into())
            }
        );
    }

    #[test]
    fn outputs_published_ahead_are_served_together_over_the_last_build() {
        let shared = Shared::default();
        shared.serve(files());
        let ahead = |path: &str| -> Files {
            [(path.to_owned(), Arc::new(b"new".to_vec()))]
                .into_iter()
                .collect()
        };
        // One language's page, then another's: the first stays served.
        shared.publish_ahead(&ahead("news/index.html"));
        shared.publish_ahead(&ahead("fr/news/index.html"));
        let site = shared.current();
        for path in ["news/index.html", "fr/news/index.html"] {
            assert_eq!(site.get(path).map(|b| b.as_slice()), Some(&b"new"[..]));
        }
        assert!(site.get("css/site.css").is_some());
    }

    #[test]
    fn the_script_goes_before_the_end_of_body_or_at_the_end() {
        let version = page_version(b"<p>x</body>");
        assert_eq!(
            inject_live_reload(b"<p>x</body>"),
            format!(
                "<p>x<script src=\"{LIVE_RELOAD_PATH}\" data-version=\"{version}\"></script></body>"
            )
            .into_bytes()
        );
        assert!(
            String::from_utf8(inject_live_reload(b"<p>x"))
                .unwrap()
                .ends_with("</script>")
        );
    }
}
