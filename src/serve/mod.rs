//! `claimlint serve`: a local paste-and-review page and the JSON API behind it.
//!
//! Reviewers who never open a terminal paste a draft into the page and see each finding
//! highlighted, with its reason, the balanced wording and (where the rule has one) a replacement
//! to apply. Routes:
//!
//! - `GET /` (and `/page.css`, `/page.js`, `/favicon.svg`): the page. Every asset is compiled into the binary with
//!   `include_str!`, so it works offline and no request ever touches the file system.
//! - `POST /api/lint` with `{"text": "...", "format": "text|markdown|html|docx"}`: the diagnostics of
//!   `check --format json`, built by the same code ([`crate::report::json`]), with path `<input>`.
//!   Past [`MAX_DIAGNOSTICS`] the answer is `{"diagnostics": [...first ones...], "truncated":
//!   {"shown": N, "total": M}}` instead of the bare array, so a client cannot mistake a cut list
//!   for a whole one.
//! - `GET /api/rules`: the loaded rules, as `rules --format json` prints them.
//! - `POST /api/document` with a .docx as the body: `{"text": "..."}`, its paragraphs one per line
//!   as `check` reads them (lint that text with `"format": "docx"`).
//! - `POST /api/annotate` with a .docx as the body: the annotated copy `claimlint annotate
//!   --track-changes` writes (comments on each finding, safe fixes and missing caveats as
//!   tracked changes).
//! - `POST /api/report` with `{"text", "format"}`: the HTML review report of `check --format html`.
//!
//! **Why hyper on tokio (issue 21).** The first server was httparse plus a thread per connection,
//! on the grounds that one reviewer's browser never loads it. Hostile clients do: 200 connections
//! sending a header byte a second held all 64 threads, the 10 s timeout was per read rather than
//! per request, and over the limit the server answered without reading, so clients saw resets.
//! hyper (the HTTP implementation under axum, reqwest and most of the Rust ecosystem; fuzzed,
//! strict about framing: it refuses `Content-Length: +27` and conflicting lengths) parses and
//! frames; tokio makes a waiting connection a small task rather than a thread, so slow clients
//! cost kilobytes, not slots. The limits are tokio's own primitives rather than tower-http layers:
//! each is a few lines here ([`tokio::time::timeout`] around the whole connection, a
//! [`tokio::sync::Semaphore`] per bound, [`http_body_util::Limited`] for the body), and tower
//! would add a service stack for three layers. The bounds, all in constants below:
//!
//! - **a deadline per request** ([`REQUEST_DEADLINE`], 10 s for head, body, linting and reply
//!   together; hyper's `header_read_timeout` closes a connection whose head is not complete in
//!   time), so one byte every 9 s cannot keep a connection;
//! - **connections** ([`MAX_CONNECTIONS`]): past it the server stops accepting and new clients wait
//!   in the kernel's queue; a finished connection frees its slot when its task ends;
//! - **requests being linted or waiting to be**, counted in bytes ([`IN_FLIGHT_BYTES`]: the
//!   declared body plus [`REQUEST_OVERHEAD`], and the annotated copy's size for
//!   `/api/annotate`): past it a `POST` gets 503 with
//!   `Retry-After` after its head is read; the rest of the body is drained (bounded) before the
//!   socket closes, so the client reads the answer instead of a reset. The linting itself runs on
//!   at most as many threads as there are cores;
//! - **sizes**: a 16 KiB request head (hyper's read buffer), a [`BODY_LIMIT`] body (a
//!   [`DOCUMENT_LIMIT`] Word document for `/api/document` and `/api/annotate`), at most
//!   [`MAX_DIAGNOSTICS`] diagnostics in an answer (a 1 MiB draft dense with claims made a 30 MiB
//!   answer), so the server's memory is bounded by the admitted bytes and the answers;
//! - **who may ask**: on loopback, the `Host` header must be `localhost` or an IP address with the
//!   bound port (a DNS-rebinding page reaches the server under its own name, and is refused with
//!   403; shared with `--host`, any name is accepted, as anyone on the network may ask), and a
//!   request whose `Origin` is not this server's (or whose `Sec-Fetch-Site` is `cross-site`) is
//!   refused with 403, so another web page cannot make a reviewer's browser use the API.
//!
//! **Other hardening.** Bodies over their route's limit get 413 (judged by the declared
//! `Content-Length`, before reading any of it); malformed JSON gets 400; both with a JSON
//! `{"error": ...}`. Requests hyper cannot parse get its bare 400 or 431. Every response carries a
//! Content-Security-Policy that allows only this origin's own script, style and fetches: no inline
//! script, no plugins, no framing, no form posts. The page itself builds the DOM with
//! `textContent` only, so pasted markup is shown, never run (the end-to-end test in `e2e/` checks
//! it). The server binds to loopback unless `--host` says otherwise.

use crate::check;
use crate::extract::Format;
use crate::report::{FileReport, Report, json};
use crate::rules::RuleSet;
use crate::source::SourceFile;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Deserialize;
use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Largest request body accepted (1 MiB); a 50 KB draft is a long web page.
pub const BODY_LIMIT: usize = 1 << 20;

/// Largest Word document accepted by `/api/document` and `/api/annotate` (16 MiB: a draft with a
/// few photos).
pub const DOCUMENT_LIMIT: usize = 16 << 20;

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
    /// A Word document's text as `/api/document` returns it: one paragraph per line.
    Docx,
}

impl From<FormatName> for Format {
    fn from(f: FormatName) -> Self {
        match f {
            FormatName::Text => Self::Text,
            FormatName::Markdown => Self::Markdown,
            FormatName::Html => Self::Html,
            FormatName::Docx => Self::Docx,
        }
    }
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// What the handlers share: the rules, compiled once, and their JSON listing, built once.
#[derive(Debug)]
struct State {
    rules: RuleSet,
    rules_json: Bytes,
    /// The bound address: its port is the one a `Host` header must name.
    addr: SocketAddr,
    /// Kibibytes of lint requests admitted (reading their body, waiting to be linted, being
    /// linted or answered): [`IN_FLIGHT_BYTES`].
    in_flight: Arc<Semaphore>,
    /// Lint requests running on a core.
    cores: Arc<Semaphore>,
    /// Most diagnostics in one answer.
    diagnostics: usize,
    /// Longest wait for a core before a request is answered 503: half the deadline.
    queue_wait: Duration,
}

/// A response before it is written: status, content type, body, and an `Allow` header for 405.
#[derive(Debug, Clone, PartialEq)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Bytes,
    allow: Option<&'static str>,
    /// Milliseconds spent linting, sent as `Server-Timing`.
    lint_ms: Option<f64>,
    /// Sent as `Retry-After` with a 503.
    retry_after: Option<&'static str>,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Bytes>) -> Self {
        Self {
            status: 200,
            content_type,
            body: body.into(),
            allow: None,
            lint_ms: None,
            retry_after: None,
        }
    }

    fn error(status: u16, message: &str) -> Self {
        let body = serde_json::json!({ "error": message }).to_string();
        Self {
            status,
            content_type: JSON,
            body: body.into(),
            allow: None,
            lint_ms: None,
            retry_after: None,
        }
    }

    fn method_not_allowed(allow: &'static str) -> Self {
        Self {
            allow: Some(allow),
            ..Self::error(405, &format!("method not allowed; use {allow}"))
        }
    }
}

/// Largest number of diagnostics in one answer of `/api/lint`; past it the answer says it was cut.
pub const MAX_DIAGNOSTICS: usize = 1000;

/// Most connections open at once; past it the server stops accepting until one ends.
pub const MAX_CONNECTIONS: usize = 1024;

/// Bytes of `POST` requests admitted at once (64 MiB): each counts its declared body
/// plus [`REQUEST_OVERHEAD`] for what its answer and bookkeeping hold. Past it a request gets 503
/// with `Retry-After`. Two hundred 50 KB drafts fit; sixty 1 MiB ones nearly do.
pub const IN_FLIGHT_BYTES: usize = 64 << 20;

/// What one admitted request counts on top of its body: its share of the answer (capped by
/// [`MAX_DIAGNOSTICS`]) and of the connection's buffers.
pub const REQUEST_OVERHEAD: usize = 64 << 10;

/// Connections waiting to be accepted that the kernel keeps (the listen backlog): a burst of
/// clients queues rather than having its connection attempts dropped and retried a second later.
const BACKLOG: i32 = 1024;

/// Time a connection has for its whole request and the reply: head, body, linting, writing.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(10);

/// Largest request head (request line and headers): hyper's read buffer.
const HEAD_LIMIT: usize = 16 * 1024;

/// After the reply, how long and how much of an unread body is drained before closing, so that
/// the client is not reset while it still sends (and loses the reply).
const LINGER_TIME: Duration = Duration::from_secs(2);
const LINGER_BYTES: u64 = 4 * BODY_LIMIT as u64;

/// Seconds a client refused with 503 is asked to wait.
const RETRY_AFTER: &str = "1";

/// The server's bounds; [`Limits::default`] is what `claimlint serve` uses. Tests shrink them to
/// reach each bound with a handful of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections open at once ([`MAX_CONNECTIONS`]).
    pub connections: usize,
    /// Bytes of `POST` requests admitted at once ([`IN_FLIGHT_BYTES`]).
    pub in_flight_bytes: usize,
    /// Diagnostics in one answer ([`MAX_DIAGNOSTICS`]).
    pub diagnostics: usize,
    /// Time for a whole request and its reply ([`REQUEST_DEADLINE`]).
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connections: MAX_CONNECTIONS,
            in_flight_bytes: IN_FLIGHT_BYTES,
            diagnostics: MAX_DIAGNOSTICS,
            deadline: REQUEST_DEADLINE,
        }
    }
}

/// A bound server, not yet answering.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    state: Arc<State>,
    limits: Limits,
}

impl Server {
    /// Binds to `addr` (port 0 picks a free port) with the rules every request is checked against.
    ///
    /// # Errors
    /// The address does not resolve or cannot be bound (in use, not permitted).
    pub fn bind(rules: RuleSet, addr: impl ToSocketAddrs) -> io::Result<Self> {
        let listener = listen(addr)?;
        let addr = listener.local_addr()?;
        let all: Vec<_> = rules.rules.iter().collect();
        let mut rules_json = Vec::new();
        json::rules(&mut rules_json, &all)?;
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let limits = Limits::default();
        Ok(Self {
            listener,
            addr,
            state: Arc::new(State {
                rules,
                rules_json: rules_json.into(),
                addr,
                in_flight: Arc::new(Semaphore::new(limits.in_flight_bytes >> 10)),
                cores: Arc::new(Semaphore::new(cores)),
                diagnostics: limits.diagnostics,
                queue_wait: limits.deadline / 2,
            }),
            limits,
        })
    }

    /// The same server with other bounds.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        if let Some(state) = Arc::get_mut(&mut self.state) {
            state.in_flight = Arc::new(Semaphore::new(limits.in_flight_bytes >> 10));
            state.diagnostics = limits.diagnostics;
            state.queue_wait = limits.deadline / 2;
        }
        self.limits = limits;
        self
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

    /// Answers connections until the process ends, on a tokio runtime of its own.
    ///
    /// # Errors
    /// The runtime cannot start, or the listener cannot be handed to it.
    pub fn run(self) -> io::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(self.state.cores.available_permits() + 2)
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            self.listener.set_nonblocking(true)?;
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            let slots = Arc::new(Semaphore::new(self.limits.connections));
            let deadline = self.limits.deadline;
            loop {
                // Waiting for a slot before accepting leaves new clients in the kernel's queue
                // rather than refusing them.
                let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
                    return Ok(());
                };
                let Ok((stream, _)) = listener.accept().await else {
                    // EMFILE and friends: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let state = Arc::clone(&self.state);
                tokio::spawn(async move {
                    serve_connection(state, stream, deadline).await;
                    drop(slot);
                });
            }
        })
    }
}

/// Binds the first address `addr` resolves to that can be bound, with a [`BACKLOG`]-deep queue
/// (std's `TcpListener::bind` asks for 128, which a burst of clients overflows). socket2 is the
/// socket layer under tokio and std-compatible: it hands back a std listener.
fn listen(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
    let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address to bind");
    for a in addr.to_socket_addrs()? {
        let socket =
            socket2::Socket::new(socket2::Domain::for_address(a), socket2::Type::STREAM, None)?;
        // As std does: a restarted server can bind while old connections linger in TIME_WAIT.
        socket.set_reuse_address(true)?;
        match socket.bind(&a.into()).and_then(|()| socket.listen(BACKLOG)) {
            Ok(()) => return Ok(socket.into()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// One request on one connection, answered with `Connection: close`: the page makes a request
/// every few hundred milliseconds at most, so keep-alive would buy nothing on loopback, and one
/// request per connection makes the connection's deadline the request's.
async fn serve_connection(state: Arc<State>, stream: tokio::net::TcpStream, deadline: Duration) {
    let _ = stream.set_nodelay(true);
    // A second handle on the socket, for the lingering close below: hyper consumes its handle,
    // and on a request it refuses itself (a bad head) it gives nothing back.
    let Some((stream, linger)) = duplicate(stream) else {
        return;
    };
    // An admission permit taken by the handler lives until the reply is written, so the reply
    // still counts against `IN_FLIGHT_BYTES`.
    let held: Arc<Mutex<Option<OwnedSemaphorePermit>>> = Arc::default();
    let svc = {
        let held = Arc::clone(&held);
        hyper::service::service_fn(move |req| {
            let state = Arc::clone(&state);
            let held = Arc::clone(&held);
            async move { Ok::<_, Infallible>(handle(&state, req, &held).await) }
        })
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(deadline)
        .keep_alive(false)
        .max_buf_size(HEAD_LIMIT)
        .serve_connection(TokioIo::new(stream), svc)
        .without_shutdown();
    // Past the deadline the connection is dropped whatever it was doing: nobody left to answer.
    let _ = tokio::time::timeout(deadline, conn).await;
    // The reply is written (or abandoned): the request no longer counts while the socket lingers.
    if let Ok(mut h) = held.lock() {
        h.take();
    }
    linger_and_close(linger).await;
}

/// Two tokio handles on one socket (a duplicated descriptor).
fn duplicate(
    stream: tokio::net::TcpStream,
) -> Option<(tokio::net::TcpStream, tokio::net::TcpStream)> {
    let std = stream.into_std().ok()?;
    let other = std.try_clone().ok()?;
    Some((
        tokio::net::TcpStream::from_std(std).ok()?,
        tokio::net::TcpStream::from_std(other).ok()?,
    ))
}

/// Closing a socket with unread input resets the connection, and the client may then lose the
/// reply (a 413 or 503 sent before the body was read). Stop sending, then let the client finish
/// its body and close, within [`LINGER_TIME`] and [`LINGER_BYTES`].
async fn linger_and_close(mut stream: tokio::net::TcpStream) {
    let _ = stream.shutdown().await;
    let drain = async {
        let mut buf = vec![0u8; 16 * 1024];
        let mut left = LINGER_BYTES;
        while left > 0 {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n as u64),
            }
        }
    };
    let _ = tokio::time::timeout(LINGER_TIME, drain).await;
}

/// Routes one request and builds its response.
async fn handle(
    state: &Arc<State>,
    req: Request<Incoming>,
    held: &Mutex<Option<OwnedSemaphorePermit>>,
) -> Response<Full<Bytes>> {
    to_response(route(state, req, held).await)
}

async fn route(
    state: &Arc<State>,
    req: Request<Incoming>,
    held: &Mutex<Option<OwnedSemaphorePermit>>,
) -> Reply {
    if let Err(reply) = check_host_and_origin(req.headers(), state.addr) {
        return reply;
    }
    let get = matches!(*req.method(), Method::GET | Method::HEAD);
    let path = req.uri().path();
    match path {
        "/" | "/index.html" if get => Reply::ok("text/html; charset=utf-8", PAGE_HTML),
        "/page.css" if get => Reply::ok("text/css; charset=utf-8", PAGE_CSS),
        "/page.js" if get => Reply::ok("text/javascript; charset=utf-8", PAGE_JS),
        "/favicon.svg" if get => Reply::ok("image/svg+xml", FAVICON),
        "/api/rules" if get => Reply::ok(JSON, state.rules_json.clone()),
        "/" | "/index.html" | "/page.css" | "/page.js" | "/favicon.svg" | "/api/rules" => {
            Reply::method_not_allowed("GET, HEAD")
        }
        "/api/lint" | "/api/report" | "/api/document" | "/api/annotate" => {
            match (Post::from_path(path), req.method() == Method::POST) {
                (Some(kind), true) => post_request(state, req, held, kind).await,
                _ => Reply::method_not_allowed("POST"),
            }
        }
        _ => Reply::error(404, "not found"),
    }
}

/// Refuses requests that name another host (DNS rebinding: a page on `evil.example` whose name
/// now resolves to 127.0.0.1 reaches us with `Host: evil.example`) or come from another origin
/// (any web page can make the reviewer's browser post to loopback; the browser says who asked).
fn check_host_and_origin(headers: &HeaderMap, addr: SocketAddr) -> Result<(), Reply> {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return Err(Reply::error(400, "missing Host header"));
    };
    // Bound to loopback (the default), only loopback names reach us honestly. Shared with the
    // network (`--host`), reviewers may use the machine's name: the Origin check still applies.
    if addr.ip().is_loopback() && !host_allowed(host, addr.port()) {
        return Err(Reply::error(
            403,
            &format!(
                "Host `{}` is not this server; open http://localhost:{}/",
                host.escape_debug(),
                addr.port()
            ),
        ));
    }
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes().eq_ignore_ascii_case(b"cross-site")
    {
        return Err(Reply::error(403, "cross-site requests are refused"));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(|o| o.eq_ignore_ascii_case(host));
        if !same {
            return Err(Reply::error(
                403,
                "cross-origin requests are refused: use the page this server serves",
            ));
        }
    }
    Ok(())
}

/// Whether a `Host` header names this server: `localhost` or an IP address literal, with the
/// bound port if it names one. A name other than `localhost` is refused: DNS rebinding needs one.
fn host_allowed(host: &str, port: u16) -> bool {
    let (name, host_port) = if let Some(rest) = host.strip_prefix('[') {
        // `[::1]` or `[::1]:7878`.
        let Some((ip, after)) = rest.split_once(']') else {
            return false;
        };
        match after.strip_prefix(':') {
            Some(p) => (ip, Some(p)),
            None if after.is_empty() => (ip, None),
            None => return false,
        }
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    // Without a port the name alone decides: DNS rebinding needs a name, and clients other
    // than browsers often leave the port out.
    let port_ok = host_port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p == port));
    let name_ok = name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok();
    port_ok && name_ok
}

/// The routes that take a body: each has its own size bound and handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Post {
    /// `/api/lint`: `{"text", "format"}` → diagnostics.
    Lint,
    /// `/api/report`: `{"text", "format"}` → the HTML review.
    Report,
    /// `/api/document`: a .docx → its text.
    Document,
    /// `/api/annotate`: a .docx → the annotated .docx.
    Annotate,
}

impl Post {
    fn from_path(path: &str) -> Option<Self> {
        match path {
            "/api/lint" => Some(Self::Lint),
            "/api/report" => Some(Self::Report),
            "/api/document" => Some(Self::Document),
            "/api/annotate" => Some(Self::Annotate),
            _ => None,
        }
    }

    /// Largest body: a draft's text, or a Word document (which may hold photos).
    fn limit(self) -> usize {
        match self {
            Self::Lint | Self::Report => BODY_LIMIT,
            Self::Document | Self::Annotate => DOCUMENT_LIMIT,
        }
    }

    /// Bytes one request counts against [`IN_FLIGHT_BYTES`] for a body of `declared` bytes: the
    /// body plus [`REQUEST_OVERHEAD`]; an annotated copy is about the document's size again.
    fn admission(self, declared: usize) -> usize {
        let answer = if self == Self::Annotate { declared } else { 0 };
        declared + answer + REQUEST_OVERHEAD
    }

    fn too_large(self) -> Reply {
        match self {
            Self::Lint | Self::Report => Reply::error(
                413,
                &format!("request body is larger than {BODY_LIMIT} bytes (1 MiB)"),
            ),
            Self::Document | Self::Annotate => Reply::error(
                413,
                &format!("document is larger than {DOCUMENT_LIMIT} bytes (16 MiB)"),
            ),
        }
    }
}

/// A `POST` route: admission, the body within its limit, then the handler on a core.
async fn post_request(
    state: &Arc<State>,
    req: Request<Incoming>,
    held: &Mutex<Option<OwnedSemaphorePermit>>,
    kind: Post,
) -> Reply {
    let headers = req.headers();
    if headers.contains_key(header::TRANSFER_ENCODING) {
        // The page's `fetch` always sends a length; a chunked body is refused unread.
        return Reply::error(411, "send the body with a Content-Length, not chunked");
    }
    // hyper has validated the length (digits only, no conflicting values) to frame the body.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if declared > kind.limit() as u64 {
        return kind.too_large();
    }
    let bytes = kind.admission(usize::try_from(declared).unwrap_or(usize::MAX));
    let kib = u32::try_from(bytes >> 10).unwrap_or(u32::MAX);
    let Ok(permit) = Arc::clone(&state.in_flight).try_acquire_many_owned(kib) else {
        return Reply {
            retry_after: Some(RETRY_AFTER),
            ..Reply::error(503, "too many requests at once; try again in a moment")
        };
    };
    if let Ok(mut h) = held.lock() {
        *h = Some(permit);
    }
    let body = match Limited::new(req.into_body(), kind.limit()).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => return kind.too_large(),
        Err(_) => return Reply::error(400, "the request body could not be read"),
    };
    // A request that would wait for a core past half its deadline is told to come back rather
    // than cut off by the deadline with no answer at all.
    let wait =
        tokio::time::timeout(state.queue_wait, Arc::clone(&state.cores).acquire_owned()).await;
    let Ok(Ok(core)) = wait else {
        return Reply {
            retry_after: Some(RETRY_AFTER),
            ..Reply::error(503, "the server is busy; try again in a moment")
        };
    };
    // Linting is CPU-bound: on a blocking thread, one per core at most, so the runtime's own
    // threads keep accepting and answering.
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || {
        let reply = match kind {
            Post::Lint => lint(&state.rules, &body, state.diagnostics),
            Post::Report => report(&state.rules, &body, state.diagnostics),
            Post::Document => document(&body),
            Post::Annotate => annotate(&state.rules, &body),
        };
        drop(core);
        reply
    })
    .await
    .unwrap_or_else(|_| Reply::error(500, "the check failed"))
}

/// `POST /api/lint`: the request body → the JSON diagnostics of `check --format json`, cut at
/// `cap` ([`MAX_DIAGNOSTICS`]).
fn lint(rules: &RuleSet, body: &[u8], cap: usize) -> Reply {
    let req: LintRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => {
            return Reply::error(
                400,
                &format!(
                    "expected {{\"text\": \"...\", \"format\": \"text|markdown|html|docx\"}}: {e}"
                ),
            );
        }
    };
    let started = Instant::now();
    let format = Format::from(req.format);
    let mut findings = check::check(rules, format, &req.text);
    let total = findings.len();
    if total > cap {
        findings.sort_by_key(|f| (f.span.start, f.rule));
        findings.truncate(cap);
    }
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
        files_failed: 0,
    };
    let mut out = Vec::new();
    if total > cap {
        out.extend_from_slice(b"{\"diagnostics\": ");
    }
    if let Err(e) = json::emit(&mut out, &report) {
        return Reply::error(500, &format!("cannot build the JSON: {e}"));
    }
    if total > cap {
        out.extend_from_slice(
            format!(", \"truncated\": {{\"shown\": {cap}, \"total\": {total}}}}}\n").as_bytes(),
        );
    }
    Reply {
        lint_ms: Some(started.elapsed().as_secs_f64() * 1000.0),
        ..Reply::ok(JSON, out)
    }
}

/// `POST /api/document`: a .docx → `{"text": …}`.
fn document(body: &[u8]) -> Reply {
    match crate::extract::docx::read(body) {
        Ok(doc) => Reply::ok(JSON, serde_json::json!({ "text": doc.text }).to_string()),
        Err(e) => Reply::error(400, &e.0),
    }
}

/// `POST /api/annotate`: a .docx → the annotated .docx, with tracked changes.
fn annotate(rules: &RuleSet, body: &[u8]) -> Reply {
    let doc = match crate::extract::docx::read(body) {
        Ok(d) => d,
        Err(e) => return Reply::error(400, &e.0),
    };
    let findings = check::check(rules, Format::Docx, &doc.text);
    let opts = crate::annotate::Options {
        track_changes: true,
        date: crate::report::review::now(),
    };
    match crate::annotate::annotate(body, &doc, rules, &findings, &opts) {
        Ok((bytes, _)) => Reply::ok(DOCX, bytes),
        Err(e) => Reply::error(400, &e.0),
    }
}

/// `POST /api/report`: `{"text", "format"}` → the HTML review of that text, showing at most `cap`
/// findings (the first ones), as `/api/lint` answers at most that many diagnostics.
fn report(rules: &RuleSet, body: &[u8], cap: usize) -> Reply {
    let req: LintRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => {
            return Reply::error(
                400,
                &format!(
                    "expected {{\"text\": \"...\", \"format\": \"text|markdown|html|docx\"}}: {e}"
                ),
            );
        }
    };
    let format = Format::from(req.format);
    let mut findings = check::check(rules, format, &req.text);
    if findings.len() > cap {
        findings.sort_by_key(|f| (f.span.start, f.rule));
        findings.truncate(cap);
    }
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
        files_failed: 0,
    };
    let mut out = Vec::new();
    match crate::report::html::emit(&mut out, &report) {
        Ok(()) => Reply::ok("text/html; charset=utf-8", out),
        Err(e) => Reply::error(500, &format!("cannot build the report: {e}")),
    }
}

/// The response, with the security headers every response carries; hyper leaves out the body of
/// a `HEAD` answer and keeps its length.
fn to_response(reply: Reply) -> Response<Full<Bytes>> {
    let mut res = Response::new(Full::new(reply.body));
    *res.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    let h = res.headers_mut();
    let mut set = |name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set(header::CONTENT_TYPE, reply.content_type);
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::CACHE_CONTROL, "no-store");
    set(header::CONNECTION, "close");
    if let Some(allow) = reply.allow {
        set(header::ALLOW, allow);
    }
    if let Some(after) = reply.retry_after {
        set(header::RETRY_AFTER, after);
    }
    if let Some(ms) = reply.lint_ms {
        set(
            header::HeaderName::from_static("server-timing"),
            &format!("lint;dur={ms:.2}"),
        );
    }
    res
}
