//! Live reload: the server-sent event streams that tell open pages to reload, swap their
//! stylesheets, or show and hide build errors.
//!
//! Every open page keeps one connection to `/__pimap/events`. The streams cost no thread: they
//! are kept in one list, in the order they opened, and written to without blocking by whoever
//! sends an event (the rebuild loop, and a keep-alive every 15 s that also drops the streams
//! of pages that went away). A stream that cannot take a whole event at once (its page stopped
//! reading) is closed. At most [`MAX_EVENT_STREAMS`] are kept: a new one beyond that closes the
//! oldest, after telling its page not to reconnect.
//!
//! Each stream remembers the page it was opened by ([`ShownPage`]: the output file its address
//! is served from, and the bytes it was served), which its live-reload script names in the
//! request (`/__pimap/events?page=/news/x/`). A reload then reaches only the pages whose file now
//! holds other bytes than they show ([`EventStreams::reload_pages`]), and, for a changed file that
//! is not a page, the pages that name it or name code that names it ([`Used`]); a stream whose page
//! is not known (an older script, a missing page that shows the 404 page, an unpublished page's
//! explanation) is told to reload on every change.
//!
//! Event data is sent one line per `data:` field, the lines split at CR, LF and CRLF alike, as
//! the event-stream format ends a line at each of them: a carriage return inside a diagnostic
//! must not end a field early and let the rest be read as another field.

use std::collections::{HashSet, VecDeque};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// The most live-reload streams kept open at once.
pub const MAX_EVENT_STREAMS: usize = 64;
/// How often open streams get a comment, which also finds the ones whose page went away.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
/// Sent to a stream closed to make room for a newer one: its page stops listening.
const CLOSED: &str = "event: closed\ndata: \n\n";

/// A message to open pages.
pub enum Event {
    Reload,
    Css,
    Errors(String),
    Fixed,
}

/// The page an open stream belongs to: the output file its address is served from, and the
/// bytes of that file it shows (those it was served, or was last told to reload to).
#[derive(Clone)]
pub struct ShownPage {
    pub path: String,
    pub bytes: Arc<Vec<u8>>,
}

/// What a new stream is told first, and the page it belongs to (`None` when not known).
pub struct Subscription {
    pub page: Option<ShownPage>,
    pub events: Vec<Event>,
}

/// Whether a reload reaches the streams whose page is not known.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum UnknownPages {
    Reload,
    Skip,
}

/// An open live-reload stream and its page.
struct OpenStream {
    stream: TcpStream,
    page: Option<ShownPage>,
}

/// The open live-reload streams, oldest first.
#[derive(Default)]
pub struct EventStreams {
    open: Mutex<VecDeque<OpenStream>>,
}

impl EventStreams {
    /// Answers a request for the event stream on `stream`: sends the response head and the
    /// events `first` gives, and keeps the stream, with its page, for later events.
    pub fn add(&self, stream: TcpStream, first: impl FnOnce() -> Subscription) {
        if stream.set_nonblocking(true).is_err() {
            return;
        }
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain(|open| is_open(&open.stream));
        while open.len() >= MAX_EVENT_STREAMS {
            if let Some(oldest) = open.pop_front() {
                send(&oldest.stream, CLOSED);
                let _ = oldest.stream.shutdown(Shutdown::Both);
            }
        }
        let Subscription { page, events } = first();
        let mut message = HEAD.to_owned();
        for event in &events {
            message.push_str(&sse_message(event));
        }
        if send(&stream, &message) {
            open.push_back(OpenStream { stream, page });
        }
    }

    /// Sends `event` to every open page, closing the streams that cannot take it.
    pub fn broadcast(&self, event: &Event) {
        self.send_to_all(&sse_message(event));
    }

    /// Tells the pages whose file is one of `changed` to reload, when `current` (the bytes now
    /// served for a file) differs from what they show, and notes that they show it now; with
    /// [`UnknownPages::Reload`], also every page whose file is not known.
    pub fn reload_pages(
        &self,
        changed: &[String],
        current: impl Fn(&str) -> Option<Arc<Vec<u8>>>,
        unknown: UnknownPages,
    ) {
        self.reload_where(changed, current, unknown, |_| false);
    }

    /// [`Self::reload_pages`], also reloading the pages whose bytes `uses` accepts.
    fn reload_where(
        &self,
        changed: &[String],
        current: impl Fn(&str) -> Option<Arc<Vec<u8>>>,
        unknown: UnknownPages,
        uses: impl Fn(&[u8]) -> bool,
    ) {
        let changed: HashSet<&str> = changed.iter().map(String::as_str).collect();
        let message = sse_message(&Event::Reload);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain_mut(|open| {
            if !is_open(&open.stream) {
                return false;
            }
            let reload = match &mut open.page {
                None => unknown == UnknownPages::Reload,
                Some(page) if changed.contains(page.path.as_str()) => {
                    show_current(page, current(&page.path)) || uses(&page.bytes)
                }
                Some(page) => uses(&page.bytes),
            };
            !reload || send(&open.stream, &message)
        });
    }

    /// Tells open pages that a rebuild changed the outputs `changed` (`current` gives the bytes
    /// now served for a file; `code`, called only when a file that is not a page changed, the
    /// stylesheets and scripts served, with their bytes): the pages that show one of them with
    /// other bytes, the pages that use one ([`Used`]), and the pages that are not known.
    pub fn reload_changed(
        &self,
        changed: &[String],
        current: impl Fn(&str) -> Option<Arc<Vec<u8>>>,
        code: impl FnOnce() -> Vec<(String, Arc<Vec<u8>>)>,
    ) {
        let used = Used::new(changed, code);
        self.reload_where(changed, current, UnknownPages::Reload, |page| used.by(page));
    }

    /// Sends a keep-alive comment every 15 s, forever.
    pub fn keep_alive(&self) {
        loop {
            std::thread::sleep(KEEP_ALIVE);
            self.send_to_all(": keep-alive\n\n");
        }
    }

    fn send_to_all(&self, message: &str) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain(|open| is_open(&open.stream) && send(&open.stream, message));
    }
}

/// Whether a change to the output at `path` reaches no open page but one showing that file: an
/// HTML page (a page in a frame has its own stream), a feed or the sitemap (`.xml`),
/// `robots.txt`, or an oEmbed response, which feed readers, crawlers and other sites read, not
/// pages.
fn reaches_only_its_own_page(path: &str) -> bool {
    path.ends_with(".html")
        || path.ends_with(".xml")
        || path == "robots.txt"
        || path.ends_with("oembed.json")
}

/// More changed files than this that pages may use, and every open page reloads: looking for
/// each of them in each page would cost more than the reloads.
const MOST_USED: usize = 200;

/// The changed files that pages may use (a stylesheet, script, picture, or data a script
/// fetches: the search index, the API), as what a page that uses one names: the file's address
/// from the site's root (`fr/search-index.json`, as `get_url` writes it, also percent-encoded and
/// HTML-escaped as links are written), or that of a stylesheet or script naming the file, or
/// naming such code (by the file's name alone, as code often builds the rest). A page that names
/// none of them does not reload: the edited SME's page, reloaded as soon as it was published, is
/// not reloaded again because the search index and the API changed. `None`: every page.
struct Used {
    names: Option<Vec<String>>,
}

impl Used {
    fn new(changed: &[String], code: impl FnOnce() -> Vec<(String, Arc<Vec<u8>>)>) -> Used {
        let files: Vec<&str> = (changed.iter())
            .filter(|path| !reaches_only_its_own_page(path))
            .map(String::as_str)
            .collect();
        if files.is_empty() {
            // Nothing to look for: the code is not even listed.
            return Used {
                names: Some(Vec::new()),
            };
        }
        if files.len() > MOST_USED {
            return Used { names: None };
        }
        let mut names: Vec<String> = files.iter().flat_map(|path| as_written(path)).collect();
        // Code naming a used file, then code naming that code, until none is found.
        let mut code = code();
        let mut named: Vec<String> = files
            .iter()
            .map(|path| file_name(path).to_owned())
            .collect();
        let mut from = 0;
        while from < named.len() {
            let new: Vec<&str> = named[from..].iter().map(String::as_str).collect();
            let (naming, rest): (Vec<_>, Vec<_>) = code.into_iter().partition(|(_, bytes)| {
                (new.iter()).any(|name| memchr::memmem::find(bytes, name.as_bytes()).is_some())
            });
            code = rest;
            from = named.len();
            for (path, _) in naming {
                names.extend(as_written(&path));
                named.push(file_name(&path).to_owned());
            }
        }
        Used { names: Some(names) }
    }

    /// Whether the page `bytes` names one of the used files.
    fn by(&self, bytes: &[u8]) -> bool {
        let Some(names) = &self.names else {
            return true;
        };
        (names.iter()).any(|name| memchr::memmem::find(bytes, name.as_bytes()).is_some())
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The ways a page may write the address `path`: as it is, HTML-escaped as templates print it,
/// and as Markdown links write it (percent-encoded, then escaped).
fn as_written(path: &str) -> Vec<String> {
    let mut href = String::new();
    crate::markdown::write_href(&mut href, path);
    let mut forms = vec![path.to_owned(), crate::markdown::escape(path), href];
    forms.sort();
    forms.dedup();
    forms
}

/// Whether `page` must reload to show `current` (`None`: its file is gone); if so, it shows
/// `current` from now on.
fn show_current(page: &mut ShownPage, current: Option<Arc<Vec<u8>>>) -> bool {
    match current {
        Some(bytes) if Arc::ptr_eq(&bytes, &page.bytes) || bytes == page.bytes => false,
        Some(bytes) => {
            page.bytes = bytes;
            true
        }
        None => true,
    }
}

/// Writes all of `message` without waiting; `false` if the stream could not take it.
fn send(mut stream: &TcpStream, message: &str) -> bool {
    stream.write_all(message.as_bytes()).is_ok()
}

/// Whether the page at the other end still listens: a closed connection reads as end of file.
fn is_open(mut stream: &TcpStream) -> bool {
    let mut discarded = [0; 256];
    match stream.read(&mut discarded) {
        Ok(0) => false,
        Ok(_) => true,
        Err(e) => matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted),
    }
}

/// An event in the event-stream format: its name, then each line of its data as a `data:`
/// field, then an empty line.
pub fn sse_message(event: &Event) -> String {
    let (name, data) = match event {
        Event::Reload => ("reload", ""),
        Event::Css => ("css", ""),
        Event::Fixed => ("fixed", ""),
        Event::Errors(text) => ("errors", text.as_str()),
    };
    let mut message = format!("event: {name}\n");
    for line in data.replace("\r\n", "\n").split(['\r', '\n']) {
        message.push_str("data: ");
        message.push_str(line);
        message.push('\n');
    }
    message.push('\n');
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::net::TcpListener;

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

    fn unknown_page(event: Event) -> Subscription {
        Subscription {
            page: None,
            events: vec![event],
        }
    }

    /// A connected pair: the server's end and the client's.
    fn connection(listener: &TcpListener) -> (TcpStream, TcpStream) {
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (server, client)
    }

    #[test]
    fn the_oldest_stream_is_closed_when_there_are_too_many() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let streams = EventStreams::default();
        let mut clients = Vec::new();
        for _ in 0..=MAX_EVENT_STREAMS {
            let (server, client) = connection(&listener);
            streams.add(server, || unknown_page(Event::Fixed));
            clients.push(client);
        }
        let mut oldest = String::new();
        clients[0]
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        clients[0].read_to_string(&mut oldest).unwrap();
        assert!(oldest.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(oldest.ends_with("event: fixed\ndata: \n\nevent: closed\ndata: \n\n"));
        assert_eq!(streams.open.lock().unwrap().len(), MAX_EVENT_STREAMS);
    }

    #[test]
    fn streams_whose_page_went_away_are_dropped() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let streams = EventStreams::default();
        let (server, client) = connection(&listener);
        streams.add(server, || unknown_page(Event::Errors("broken".into())));
        drop(client);
        std::thread::sleep(Duration::from_millis(50));
        streams.broadcast(&Event::Reload);
        assert!(streams.open.lock().unwrap().is_empty());
    }

    /// A stream opened by the page served from `path` with `bytes` (`None`: not known), and the
    /// client's end, its first event read.
    fn open_page(
        listener: &TcpListener,
        streams: &EventStreams,
        page: Option<(&str, &Arc<Vec<u8>>)>,
    ) -> TcpStream {
        let (server, mut client) = connection(listener);
        let page = page.map(|(path, bytes)| ShownPage {
            path: path.to_owned(),
            bytes: Arc::clone(bytes),
        });
        streams.add(server, || Subscription {
            page,
            events: vec![Event::Fixed],
        });
        assert!(received(&mut client).ends_with("event: fixed\ndata: \n\n"));
        client
    }

    /// What the client's end has been sent so far (waiting briefly for it).
    fn received(client: &mut TcpStream) -> String {
        client
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut text = Vec::new();
        let mut buffer = [0; 4096];
        while let Ok(n @ 1..) = client.read(&mut buffer) {
            text.extend_from_slice(&buffer[..n]);
        }
        String::from_utf8(text).unwrap()
    }

    fn files(entries: &[(&str, &Arc<Vec<u8>>)]) -> HashMap<String, Arc<Vec<u8>>> {
        entries
            .iter()
            .map(|(path, bytes)| (path.to_string(), Arc::clone(bytes)))
            .collect()
    }

    const RELOAD: &str = "event: reload\ndata: \n\n";

    /// What a stream that reloads, or does not, is sent.
    fn expected(reloads: bool) -> &'static str {
        if reloads { RELOAD } else { "" }
    }

    #[test]
    fn a_changed_page_reloads_only_the_streams_of_that_page_and_those_of_unknown_pages() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let streams = EventStreams::default();
        let (a, b) = (Arc::new(b"a".to_vec()), Arc::new(b"b".to_vec()));
        let mut on_a = open_page(&listener, &streams, Some(("a/index.html", &a)));
        let mut on_b = open_page(&listener, &streams, Some(("b/index.html", &b)));
        let mut unknown = open_page(&listener, &streams, None);
        let new_a = Arc::new(b"new a".to_vec());
        let served = files(&[("a/index.html", &new_a), ("b/index.html", &b)]);
        let changed = ["a/index.html".to_owned()];
        let current = |path: &str| served.get(path).cloned();

        // Published ahead of the rest: only the page's own stream.
        streams.reload_pages(&changed, current, UnknownPages::Skip);
        assert_eq!(received(&mut on_a), RELOAD);
        assert_eq!(received(&mut on_b), "");
        assert_eq!(received(&mut unknown), "");

        // The end of the rebuild: not again for the bytes /a/ reloaded for ahead.
        streams.reload_pages(&changed, current, UnknownPages::Reload);
        assert_eq!(received(&mut on_a), "");
        assert_eq!(received(&mut on_b), "");
        assert_eq!(received(&mut unknown), RELOAD);
    }

    #[test]
    fn a_page_whose_bytes_are_those_it_shows_or_that_is_gone() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let streams = EventStreams::default();
        let a = Arc::new(b"a".to_vec());
        let mut on_a = open_page(&listener, &streams, Some(("a/index.html", &a)));
        let changed = ["a/index.html".to_owned()];
        // Listed as changed, but made again with the same bytes: no reload.
        let same = files(&[("a/index.html", &Arc::new(b"a".to_vec()))]);
        streams.reload_pages(&changed, |p| same.get(p).cloned(), UnknownPages::Reload);
        assert_eq!(received(&mut on_a), "");
        // Removed: reload (to the 404 page).
        streams.reload_pages(&changed, |_| None, UnknownPages::Reload);
        assert_eq!(received(&mut on_a), RELOAD);
    }

    #[test]
    fn names_are_found_as_pages_write_them_and_through_code_that_names_code() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let streams = EventStreams::default();
        let photo = Arc::new(b"<img src=\"/fr/equipe/%C3%A9quipe%202024.jpg\">".to_vec());
        let styled = Arc::new(
            b"<link href=\"/css/site.css\"><link rel=alternate href=\"/embed/x/oembed.json\">"
                .to_vec(),
        );
        let mut on_photo = open_page(&listener, &streams, Some(("fr/equipe/index.html", &photo)));
        let mut on_styled = open_page(&listener, &streams, Some(("x/index.html", &styled)));
        let served = files(&[("fr/equipe/index.html", &photo), ("x/index.html", &styled)]);
        let current = |path: &str| served.get(path).cloned();
        let site_css = Arc::new(b"@import \"fonts.css\";".to_vec());
        let fonts_css = Arc::new(b"@font-face { src: url(body.woff2) }".to_vec());
        let code = || {
            vec![
                ("css/site.css".to_owned(), Arc::clone(&site_css)),
                ("css/fonts.css".to_owned(), Arc::clone(&fonts_css)),
            ]
        };
        for (used, photo_reloads, styled_reloads) in [
            ("fr/equipe/équipe 2024.jpg", true, false),
            ("css/body.woff2", false, true),
            // Read by other sites, not by the page that links to it.
            ("embed/x/oembed.json", false, false),
        ] {
            streams.reload_changed(&[used.to_owned()], current, code);
            assert_eq!(received(&mut on_photo), expected(photo_reloads), "{used}");
            assert_eq!(received(&mut on_styled), expected(styled_reloads), "{used}");
        }
        // So many changed files that looking for each in each page would cost more: all reload.
        let many: Vec<String> = (0..=MOST_USED).map(|i| format!("api/{i}.json")).collect();
        streams.reload_changed(&many, current, code);
        assert_eq!(received(&mut on_photo), RELOAD);
        assert_eq!(received(&mut on_styled), RELOAD);
    }

    #[test]
    fn a_change_to_a_file_but_a_page_reloads_the_pages_that_name_it_or_code_that_does() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let streams = EventStreams::default();
        let a = Arc::new(b"<img src=/logo.png><link href=/css/site.css>".to_vec());
        let search = Arc::new(b"<script src=/js/search.js></script>".to_vec());
        let plain = Arc::new(b"<p>b".to_vec());
        let mut on_a = open_page(&listener, &streams, Some(("a/index.html", &a)));
        let mut on_search = open_page(&listener, &streams, Some(("search/index.html", &search)));
        let mut on_b = open_page(&listener, &streams, Some(("b/index.html", &plain)));
        let mut unknown = open_page(&listener, &streams, None);
        let new_a = Arc::new(b"<img src=/logo.png><link href=/css/site.css>new".to_vec());
        let served = files(&[("a/index.html", &new_a), ("b/index.html", &plain)]);
        let current = |path: &str| served.get(path).cloned();
        let script = Arc::new(b"fetch(root + 'search-index.json')".to_vec());
        let code = || vec![("js/search.js".to_owned(), Arc::clone(&script))];

        let page_and_feed = ["a/index.html".to_owned(), "news/atom.xml".to_owned()];
        streams.reload_changed(&page_and_feed, current, code);
        assert_eq!(received(&mut on_a), RELOAD);
        assert_eq!(received(&mut on_search), "");
        assert_eq!(received(&mut on_b), "");
        assert_eq!(received(&mut unknown), RELOAD);

        // The page named the file, or a script it names names the file, or neither.
        for (used, a_reloads, search_reloads) in [
            ("logo.png", true, false),
            ("css/site.css", true, false),
            ("search-index.json", false, true),
            ("js/search.js", false, true),
            ("api/v1/smes.json", false, false),
        ] {
            streams.reload_changed(&["b/index.html".to_owned(), used.to_owned()], current, code);
            assert_eq!(received(&mut on_a), expected(a_reloads), "{used}");
            assert_eq!(received(&mut on_search), expected(search_reloads), "{used}");
            assert_eq!(received(&mut on_b), "", "{used}");
            assert_eq!(received(&mut unknown), RELOAD, "{used}");
        }
    }
}
