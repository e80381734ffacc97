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
//! Event data is sent one line per `data:` field, the lines split at CR, LF and CRLF alike, as
//! the event-stream format ends a line at each of them: a carriage return inside a diagnostic
//! must not end a field early and let the rest be read as another field.

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Mutex, PoisonError};
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

/// The open live-reload streams, oldest first.
#[derive(Default)]
pub struct EventStreams {
    open: Mutex<VecDeque<TcpStream>>,
}

impl EventStreams {
    /// Answers a request for the event stream on `stream`: sends the response head and the
    /// event `first` gives, and keeps the stream for later events.
    pub fn add(&self, stream: TcpStream, first: impl FnOnce() -> Event) {
        if stream.set_nonblocking(true).is_err() {
            return;
        }
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain(is_open);
        while open.len() >= MAX_EVENT_STREAMS {
            if let Some(oldest) = open.pop_front() {
                send(&oldest, CLOSED);
                let _ = oldest.shutdown(Shutdown::Both);
            }
        }
        let message = format!("{HEAD}{}", sse_message(&first()));
        if send(&stream, &message) {
            open.push_back(stream);
        }
    }

    /// Sends `event` to every open page, closing the streams that cannot take it.
    pub fn broadcast(&self, event: &Event) {
        self.send_to_all(&sse_message(event));
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
        open.retain(|stream| is_open(stream) && send(stream, message));
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
            streams.add(server, || Event::Fixed);
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
        streams.add(server, || Event::Errors("broken".into()));
        drop(client);
        std::thread::sleep(Duration::from_millis(50));
        streams.broadcast(&Event::Reload);
        assert!(streams.open.lock().unwrap().is_empty());
    }
}
