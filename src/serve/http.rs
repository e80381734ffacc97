//! The small part of HTTP/1.1 the development server speaks: reading one request head within
//! fixed bounds, and writing one response on a connection that is then closed.
//!
//! The head is parsed by `httparse`; this module bounds what is read before parsing: a request
//! line of at most [`MAX_REQUEST_LINE`] bytes (else 414), a head of at most [`MAX_HEAD`] bytes
//! and [`MAX_HEADERS`] fields (else 431), all of it within [`HEAD_DEADLINE`] (else 408). The
//! buffer never grows past [`MAX_HEAD`], whatever a client sends. Bodies are never read: the
//! server only answers GET and HEAD, so a request that announces one is refused (413) at once,
//! instead of waiting for bytes that may never come. Every response says `Connection: close`
//! and carries its length, so no connection outlives its one request.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// The longest request line (method, URL, version) read.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The longest request head (request line and header fields) read.
pub const MAX_HEAD: usize = 32 * 1024;
/// The most header fields a request may have.
pub const MAX_HEADERS: usize = 64;
/// How long a client has to send its whole request head.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(5);
/// How long one write may wait for a client that does not read.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// What the server needs to know of a request.
#[derive(Debug, PartialEq, Eq)]
pub struct RequestHead {
    pub method: String,
    /// The request target as sent (`/news/?page=2`).
    pub target: String,
    /// The value of the one `Host` field; `None` when there is none, or more than one.
    pub host: Option<String>,
    /// Whether the request announces a body (`Content-Length` above 0, or `Transfer-Encoding`).
    pub has_body: bool,
}

/// Why no request head could be read.
#[derive(Debug, PartialEq, Eq)]
pub enum HeadError {
    /// The client closed the connection, or sent nothing before the deadline.
    Gone,
    /// The client started a request but did not finish its head before the deadline.
    TimedOut,
    UriTooLong,
    HeadTooLarge,
    Malformed,
}

impl HeadError {
    /// The response that tells the client, or `None` when there is no one to tell.
    pub fn response(&self) -> Option<(u16, &'static str)> {
        match self {
            HeadError::Gone => None,
            HeadError::TimedOut => Some((408, "The request took too long to arrive.\n")),
            HeadError::UriTooLong => Some((414, "The address asked for is too long.\n")),
            HeadError::HeadTooLarge => Some((431, "The request header fields are too large.\n")),
            HeadError::Malformed => Some((400, "This is not a request pimap understands.\n")),
        }
    }
}

/// Reads and parses one request head from `reader`, reading at most [`MAX_HEAD`] bytes.
pub fn read_head(reader: &mut impl Read) -> Result<RequestHead, HeadError> {
    let mut buffer = Vec::with_capacity(2048);
    let mut chunk = [0; 4096];
    loop {
        let line_end = buffer.iter().position(|&b| b == b'\n');
        if line_end.unwrap_or(buffer.len()) > MAX_REQUEST_LINE {
            return Err(HeadError::UriTooLong);
        }
        if let Some(head) = parse_head(&buffer)? {
            return Ok(head);
        }
        if buffer.len() >= MAX_HEAD {
            return Err(HeadError::HeadTooLarge);
        }
        let room = chunk.len().min(MAX_HEAD - buffer.len());
        match reader.read(&mut chunk[..room]) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if is_timeout(&e) && !buffer.is_empty() => return Err(HeadError::TimedOut),
            Err(_) => return Err(HeadError::Gone),
        }
    }
}

fn is_timeout(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// Parses `buffer` as a request head; `Ok(None)` when it is not complete yet.
fn parse_head(buffer: &[u8]) -> Result<Option<RequestHead>, HeadError> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut fields);
    match request.parse(buffer) {
        Ok(httparse::Status::Partial) => Ok(None),
        Ok(httparse::Status::Complete(_)) => {
            let fields = &*request.headers;
            let named = |name: &'static str| {
                fields
                    .iter()
                    .filter(move |field| field.name.eq_ignore_ascii_case(name))
            };
            let mut hosts = named("host").map(|field| std::str::from_utf8(field.value).ok());
            let host = match (hosts.next(), hosts.next()) {
                (Some(host), None) => host.map(str::to_owned),
                _ => None,
            };
            let has_body = named("transfer-encoding").next().is_some()
                || named("content-length").any(|field| field.value.trim_ascii() != b"0");
            Ok(Some(RequestHead {
                method: request.method.unwrap_or_default().to_owned(),
                target: request.path.unwrap_or_default().to_owned(),
                host,
                has_body,
            }))
        }
        Err(httparse::Error::TooManyHeaders) => Err(HeadError::HeadTooLarge),
        Err(_) => Err(HeadError::Malformed),
    }
}

/// A `TcpStream` whose reads all end by one deadline.
pub struct DeadlineReader<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl<'a> DeadlineReader<'a> {
    pub fn new(stream: &'a TcpStream, within: Duration) -> Self {
        DeadlineReader {
            stream,
            deadline: Instant::now() + within,
        }
    }
}

impl Read for DeadlineReader<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buffer)
    }
}

/// How long one ordinary response may take to send in all: a client that reads a few bytes
/// now and then, each within [`WRITE_TIMEOUT`], is dropped at this deadline all the same.
pub const RESPONSE_DEADLINE: Duration = Duration::from_secs(30);

/// A `TcpStream` whose writes all end by one deadline.
pub struct DeadlineWriter<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl<'a> DeadlineWriter<'a> {
    pub fn new(stream: &'a TcpStream, within: Duration) -> Self {
        DeadlineWriter {
            stream,
            deadline: Instant::now() + within,
        }
    }
}

impl Write for DeadlineWriter<'_> {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        self.stream
            .set_write_timeout(Some(left.min(WRITE_TIMEOUT)))?;
        let mut stream = self.stream;
        stream.write(buffer)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let mut stream = self.stream;
        stream.flush()
    }
}

/// One response: a status, header fields, and a body (not sent for HEAD requests).
pub struct Response<'a> {
    pub status: u16,
    pub headers: Vec<(&'static str, &'a str)>,
    pub body: &'a [u8],
}

impl<'a> Response<'a> {
    /// A short plain-text response, such as an explanation of a refusal.
    pub fn text(status: u16, text: &'a str) -> Self {
        Response {
            status,
            headers: vec![
                ("Content-Type", "text/plain; charset=utf-8"),
                ("X-Content-Type-Options", "nosniff"),
            ],
            body: text.as_bytes(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: &'a str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Writes the response to `writer`, without the body if `head_only`.
    pub fn write(&self, writer: &mut impl Write, head_only: bool) -> std::io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        writer.write_all(head.as_bytes())?;
        if !head_only {
            writer.write_all(self.body)?;
        }
        writer.flush()
    }
}

/// Whether `value` may be written as a header value as it is.
pub fn is_header_value(value: &str) -> bool {
    !value.bytes().any(|b| b.is_ascii_control())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Closes a connection whose request was refused: first lets the client read the answer, by
/// reading and discarding (at most 1 MiB, for at most a second) what it is still sending, since
/// closing with unread bytes would reset the connection and could lose the answer.
pub fn close_after_refusal(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let mut reader = DeadlineReader::new(stream, Duration::from_secs(1));
    let _ = std::io::copy(&mut (&mut reader).take(1024 * 1024), &mut std::io::sink());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_that_reads_a_trickle_is_dropped_at_the_response_deadline() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let reader = std::thread::spawn(move || {
            let mut client = client;
            let mut byte = [0u8; 1];
            // One byte every 50 ms: never a stall of WRITE_TIMEOUT, never done either.
            for _ in 0..60 {
                std::thread::sleep(Duration::from_millis(50));
                if client.read(&mut byte).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        let mut writer = DeadlineWriter::new(&server, Duration::from_millis(500));
        let result = writer.write_all(&vec![b'x'; 64 << 20]);
        assert!(result.is_err());
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        drop(server);
        reader.join().unwrap();
    }

    fn head(text: &str) -> Result<RequestHead, HeadError> {
        read_head(&mut text.as_bytes())
    }

    #[test]
    fn a_get_request_gives_its_method_target_and_host() {
        assert_eq!(
            head("GET /news/?p=2 HTTP/1.1\r\nHOST: localhost:1111\r\nContent-Length: 0\r\n\r\n"),
            Ok(RequestHead {
                method: "GET".into(),
                target: "/news/?p=2".into(),
                host: Some("localhost:1111".into()),
                has_body: false,
            })
        );
    }

    #[test]
    fn a_body_no_host_or_two_hosts_are_noticed() {
        let body = head("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1025\r\n\r\n").unwrap();
        assert!(body.has_body);
        let chunked = head("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
        assert!(chunked.unwrap().has_body);
        assert_eq!(head("GET / HTTP/1.0\r\n\r\n").unwrap().host, None);
        let two = head("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
        assert_eq!(two.unwrap().host, None);
    }

    #[test]
    fn heads_are_bounded() {
        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
        assert_eq!(head(&long_line), Err(HeadError::UriTooLong));
        let endless_line = format!("GET /{}", "a".repeat(10 * MAX_HEAD));
        assert_eq!(head(&endless_line), Err(HeadError::UriTooLong));
        let long_field = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(head(&long_field), Err(HeadError::HeadTooLarge));
        let many_fields = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: a\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(head(&many_fields), Err(HeadError::HeadTooLarge));
        assert_eq!(head("GET / HTTP/1.1\r\nHost: a\r\n"), Err(HeadError::Gone));
        assert_eq!(head("GET\0 / HTTP/1.1\r\n\r\n"), Err(HeadError::Malformed));
    }

    #[test]
    fn a_response_has_its_length_and_closes_the_connection() {
        let mut written = Vec::new();
        let response = Response::text(403, "no").with_header("Allow", "GET, HEAD");
        response.write(&mut written, false).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\n\
             X-Content-Type-Options: nosniff\r\nAllow: GET, HEAD\r\nContent-Length: 2\r\n\
             Cache-Control: no-store\r\nConnection: close\r\n\r\nno"
        );
        let mut head_only = Vec::new();
        response.write(&mut head_only, true).unwrap();
        assert!(head_only.ends_with(b"\r\n\r\n"));
        assert!(!is_header_value("/a\r\nSet-Cookie: x"));
    }
}
