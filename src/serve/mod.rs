//! `claimlint serve`: a local paste-and-review page and the JSON API behind it.
//!
//! Reviewers who never open a terminal paste a draft into the page and see each finding
//! highlighted, with its reason, the balanced wording and (where the rule has one) a replacement
//! to apply. Routes:
//!
//! - `GET /` (and `/page.css`, `/page.js`, `/favicon.svg`): the page. Every asset is compiled into the binary with
//!   `include_str!`, so it works offline and no request ever touches the file system.
//! - `POST /api/lint` with `{"text": "...", "format": "text|markdown|html"}`: the diagnostics of
//!   `check --format json`, built by the same code ([`crate::report::json`]), with path `<input>`.
//! - `GET /api/rules`: the loaded rules, as `rules --format json` prints them.
//!
//! **Why httparse and `std::net`, not `tiny_http` or axum.** The server answers one person's browser
//! on loopback; a request is a few milliseconds of CPU-bound linting with nothing to wait on, so
//! a synchronous thread per connection is enough, and an async runtime (axum on tokio) would
//! multiply the dependency tree of a default build for robustness under load this tool never
//! sees. `tiny_http` was the first choice, but 0.12 (the latest) aborts the whole process on one
//! request that declares a huge `Content-Length` it does not read: dropping the request drains
//! the rest of the body into a buffer of the declared size, and that allocation fails. The
//! server we need is small enough to own: httparse (hyper's request parser: no dependencies,
//! fuzzed) parses the head, and this module decides every limit before reading anything:
//! a 16 KiB head, a 1 MiB body, 10 s to send or receive, 64 connections at once, one request
//! per connection (`Connection: close`). A chunked body gets 411 (`fetch` always sends a
//! length).
//!
//! **Limits and hardening.** Bodies over [`BODY_LIMIT`] get 413 (judged by the declared
//! `Content-Length`, before reading any of it); malformed JSON gets 400; both with a JSON
//! `{"error": ...}`. Every response carries a Content-Security-Policy
//! that allows only this origin's own script, style and fetches: no inline script, no plugins, no
//! framing, no form posts. The page itself builds the DOM with `textContent` only, so pasted
//! markup is shown, never run (the end-to-end test in `e2e/` checks it). The server binds to
//! loopback unless `--host` says otherwise.

use crate::check;
use crate::extract::Format;
use crate::report::{FileReport, Report, json};
use crate::rules::RuleSet;
use crate::source::SourceFile;
use serde::Deserialize;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Largest request body accepted (1 MiB); a 50 KB draft is a long web page.
pub const BODY_LIMIT: usize = 1 << 20;

/// The path reported in every diagnostic of `/api/lint`.
pub const INPUT_NAME: &str = "<input>";

/// Sent with every response. `default-src 'none'` denies everything not listed; the page needs
/// only its own script and style and to fetch the API from the same origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

const PAGE_HTML: &str = include_str!("page.html");
const PAGE_CSS: &str = include_str!("page.css");
const PAGE_JS: &str = include_str!("page.js");
const FAVICON: &str = include_str!("favicon.svg");

const JSON: &str = "application/json; charset=utf-8";

/// The body of `POST /api/lint`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LintRequest {
    text: String,
    #[serde(default)]
    format: FormatName,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum FormatName {
    #[default]
    Text,
    Markdown,
    Html,
}

impl From<FormatName> for Format {
    fn from(f: FormatName) -> Self {
        match f {
            FormatName::Text => Self::Text,
            FormatName::Markdown => Self::Markdown,
            FormatName::Html => Self::Html,
        }
    }
}

/// What the handlers share: the rules, compiled once, and their JSON listing, built once.
#[derive(Debug)]
struct State {
    rules: RuleSet,
    rules_json: Vec<u8>,
    /// Connections being served now.
    connections: AtomicUsize,
}

/// A response before it is written: status, content type, body, and an `Allow` header for 405.
#[derive(Debug, Clone, PartialEq)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    allow: Option<&'static str>,
    /// Milliseconds spent linting, sent as `Server-Timing`.
    lint_ms: Option<f64>,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status: 200,
            content_type,
            body: body.into(),
            allow: None,
            lint_ms: None,
        }
    }

    fn error(status: u16, message: &str) -> Self {
        let body = serde_json::json!({ "error": message }).to_string();
        Self {
            status,
            content_type: JSON,
            body: body.into_bytes(),
            allow: None,
            lint_ms: None,
        }
    }

    fn method_not_allowed(allow: &'static str) -> Self {
        Self {
            allow: Some(allow),
            ..Self::error(405, &format!("method not allowed; use {allow}"))
        }
    }
}

/// A bound server, not yet answering.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    /// Binds to `addr` (port 0 picks a free port) with the rules every request is checked against.
    ///
    /// # Errors
    /// The address does not resolve or cannot be bound (in use, not permitted).
    pub fn bind(rules: RuleSet, addr: impl ToSocketAddrs) -> io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let all: Vec<_> = rules.rules.iter().collect();
        let mut rules_json = Vec::new();
        json::rules(&mut rules_json, &all)?;
        Ok(Self {
            listener,
            addr,
            state: Arc::new(State {
                rules,
                rules_json,
                connections: AtomicUsize::new(0),
            }),
        })
    }

    /// The address actually bound.
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address, e.g. `http://127.0.0.1:7878/`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Answers connections until the process ends, each on its own thread.
    ///
    /// # Errors
    /// Never in practice: a failed `accept` (out of file descriptors, say) is retried.
    pub fn run(self) -> io::Result<()> {
        for stream in self.listener.incoming() {
            let Ok(stream) = stream else {
                // EMFILE and friends: back off instead of spinning.
                std::thread::sleep(Duration::from_millis(50));
                continue;
            };
            let state = Arc::clone(&self.state);
            if state.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                state.connections.fetch_sub(1, Ordering::SeqCst);
                let mut stream = stream;
                let _ = write_reply(
                    &mut stream,
                    false,
                    &Reply::error(503, "too many connections; try again"),
                );
                continue;
            }
            std::thread::spawn(move || {
                // A panic ends this connection only.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    serve_connection(&state, stream);
                }));
                state.connections.fetch_sub(1, Ordering::SeqCst);
            });
        }
        Ok(())
    }
}

/// Most connections served at once; more get 503. The page makes one request at a time.
const MAX_CONNECTIONS: usize = 64;

/// Largest request head (request line and headers).
const HEAD_LIMIT: usize = 16 * 1024;

/// How long a client may take to send a request or read a reply.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// One request on one connection, answered with `Connection: close`: the page makes a request
/// every few hundred milliseconds at most, so keep-alive would buy nothing on loopback.
fn serve_connection(state: &State, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let (reply, head) = match read_request(&mut stream) {
        Ok(req) => {
            let head = req.method == "HEAD";
            (route(state, &req.method, &req.path, req.body), head)
        }
        Err(Some(reply)) => (reply, false),
        // The client went away or timed out: nobody to answer.
        Err(None) => return,
    };
    if write_reply(&mut stream, head, &reply).is_ok() {
        // Closing a socket with unread input resets the connection, and the client may then lose
        // the reply (a 413 sent before the body was read). Stop sending, then let the client
        // finish its body and close, within bounds.
        let _ = stream.shutdown(Shutdown::Write);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = io::copy(&mut (&stream).take(4 * BODY_LIMIT as u64), &mut io::sink());
    }
}

/// A parsed request: what routing needs.
struct ParsedRequest {
    method: String,
    path: String,
    body: Body,
}

/// Reads the request head and, for the one route that takes a body, the body. `Err(Some(reply))`
/// is a request to refuse; `Err(None)` a connection to drop.
fn read_request(stream: &mut TcpStream) -> Result<ParsedRequest, Option<Reply>> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    let (head_len, method, path, content_length, chunked, expect_continue) = loop {
        let n = stream.read(&mut chunk).map_err(|_| None)?;
        if n == 0 {
            return Err(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let mut content_length: Option<usize> = None;
                let mut chunked = false;
                let mut expect_continue = false;
                for h in req.headers.iter() {
                    if h.name.eq_ignore_ascii_case("content-length") {
                        let n = std::str::from_utf8(h.value)
                            .ok()
                            .and_then(|v| v.trim().parse().ok())
                            .ok_or_else(|| Some(Reply::error(400, "invalid Content-Length")))?;
                        if content_length.is_some_and(|c| c != n) {
                            return Err(Some(Reply::error(400, "conflicting Content-Length")));
                        }
                        content_length = Some(n);
                    } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                        chunked = true;
                    } else if h.name.eq_ignore_ascii_case("expect") {
                        expect_continue = h.value.eq_ignore_ascii_case(b"100-continue");
                    }
                }
                let method = req.method.unwrap_or_default().to_string();
                let path = req.path.unwrap_or("/");
                let path = path.split(['?', '#']).next().unwrap_or("/").to_string();
                break (len, method, path, content_length, chunked, expect_continue);
            }
            Ok(httparse::Status::Partial) if buf.len() < HEAD_LIMIT => {}
            Ok(httparse::Status::Partial) => {
                return Err(Some(Reply::error(431, "request head is too large")));
            }
            Err(httparse::Error::TooManyHeaders) => {
                return Err(Some(Reply::error(431, "too many request headers")));
            }
            Err(e) => return Err(Some(Reply::error(400, &format!("bad request: {e}")))),
        }
    };
    if !(method == "POST" && path == "/api/lint") {
        return Ok(ParsedRequest {
            method,
            path,
            body: Body::NotRead,
        });
    }
    let body = match (content_length, chunked) {
        (_, true) => {
            // The page's `fetch` always sends a length; a chunked body is refused unread.
            return Err(Some(Reply::error(
                411,
                "send the body with a Content-Length, not chunked",
            )));
        }
        (None, false) => Body::Read(Vec::new()),
        (Some(n), false) if n > BODY_LIMIT => Body::TooLarge,
        (Some(n), false) => {
            if expect_continue {
                stream
                    .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                    .map_err(|_| None)?;
            }
            let mut body = buf.split_off(head_len);
            body.truncate(n);
            if body.len() < n {
                let missing = (n - body.len()) as u64;
                stream
                    .take(missing)
                    .read_to_end(&mut body)
                    .map_err(|_| None)?;
                if body.len() < n {
                    return Err(None);
                }
            }
            Body::Read(body)
        }
    };
    Ok(ParsedRequest { method, path, body })
}

/// A request body, read only for the route that takes one.
#[derive(Debug)]
enum Body {
    NotRead,
    Read(Vec<u8>),
    TooLarge,
}

fn route(state: &State, method: &str, path: &str, body: Body) -> Reply {
    let get = matches!(method, "GET" | "HEAD");
    match path {
        "/" | "/index.html" if get => Reply::ok("text/html; charset=utf-8", PAGE_HTML),
        "/page.css" if get => Reply::ok("text/css; charset=utf-8", PAGE_CSS),
        "/page.js" if get => Reply::ok("text/javascript; charset=utf-8", PAGE_JS),
        "/favicon.svg" if get => Reply::ok("image/svg+xml", FAVICON),
        "/api/rules" if get => Reply::ok(JSON, state.rules_json.clone()),
        "/" | "/index.html" | "/page.css" | "/page.js" | "/favicon.svg" | "/api/rules" => {
            Reply::method_not_allowed("GET, HEAD")
        }
        "/api/lint" => match body {
            Body::Read(body) => lint(&state.rules, &body),
            Body::TooLarge => Reply::error(
                413,
                &format!("request body is larger than {BODY_LIMIT} bytes (1 MiB)"),
            ),
            Body::NotRead => Reply::method_not_allowed("POST"),
        },
        _ => Reply::error(404, "not found"),
    }
}

/// `POST /api/lint`: the request body → the JSON diagnostics of `check --format json`.
fn lint(rules: &RuleSet, body: &[u8]) -> Reply {
    let req: LintRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => {
            return Reply::error(
                400,
                &format!("expected {{\"text\": \"...\", \"format\": \"text|markdown|html\"}}: {e}"),
            );
        }
    };
    let started = Instant::now();
    let format = Format::from(req.format);
    let findings = check::check(rules, format, &req.text);
    let files = if findings.is_empty() {
        Vec::new()
    } else {
        let source = SourceFile {
            name: INPUT_NAME.to_string(),
            text: req.text,
            bom: 0,
            format,
        };
        vec![FileReport::new(source, findings)]
    };
    let report = Report {
        rules,
        files,
        files_checked: 1,
    };
    let mut out = Vec::new();
    if let Err(e) = json::emit(&mut out, &report) {
        return Reply::error(500, &format!("cannot build the JSON: {e}"));
    }
    Reply {
        lint_ms: Some(started.elapsed().as_secs_f64() * 1000.0),
        ..Reply::ok(JSON, out)
    }
}

fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// Writes the reply, with the security headers every response carries; no body for `HEAD`.
fn write_reply(w: &mut impl Write, head: bool, reply: &Reply) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n\
         Content-Type: {}\r\n\
         Content-Length: {}\r\n\
         Content-Security-Policy: {CONTENT_SECURITY_POLICY}\r\n\
         X-Content-Type-Options: nosniff\r\n\
         X-Frame-Options: DENY\r\n\
         Referrer-Policy: no-referrer\r\n\
         Cache-Control: no-store\r\n\
         Connection: close\r\n",
        reply.status,
        status_text(reply.status),
        reply.content_type,
        reply.body.len(),
    );
    if let Some(allow) = reply.allow {
        let _ = write!(out, "Allow: {allow}\r\n");
    }
    if let Some(ms) = reply.lint_ms {
        let _ = write!(out, "Server-Timing: lint;dur={ms:.2}\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head {
        bytes.extend_from_slice(&reply.body);
    }
    w.write_all(&bytes)?;
    w.flush()
}
