//! `claimlint serve` over real sockets: routes, status codes, limits, headers and the JSON shape.
//!
//! One server per test binary runs on a free loopback port in a background thread, built from the
//! library exactly as the binary builds it; a few tests start the binary itself to check what it
//! prints and where it binds. The client is a few lines of raw HTTP/1.1, so the tests need no HTTP
//! crate and can send what a browser never would (lying `Content-Length`, chunked bodies).

use claimlint::rules::{RuleSet, builtin};
use claimlint::serve::{BODY_LIMIT, CONTENT_SECURITY_POLICY, Limits, REQUEST_OVERHEAD, Server};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// The shared server's address.
fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let rules = RuleSet::compile(builtin::sources())
            .unwrap_or_else(|_| panic!("the built-in rulesets compile"));
        let server = Server::bind(rules, "127.0.0.1:0").expect("bind a free loopback port");
        let addr = server.local_addr();
        std::thread::spawn(move || server.run());
        addr
    })
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("JSON body ({e}): {}", self.text()))
    }
}

/// Sends raw bytes (a whole request) and reads the whole response.
fn raw(addr: SocketAddr, request: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // The server may answer (413) and close before it has read everything: not an error here.
    let _ = s.write_all(request);
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line).expect("header line");
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (n, v) = l.split_once(':').expect("header");
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    // Every reply is `Connection: close`: the body is the rest of the stream.
    let mut body = Vec::new();
    r.read_to_end(&mut body).expect("body");
    Resp {
        status,
        headers,
        body,
    }
}

fn request(method: &str, path: &str, body: Option<&[u8]>) -> Resp {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some(b) = body {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body.unwrap_or_default());
    raw(server(), &bytes)
}

fn lint(text: &str, format: &str) -> Resp {
    let body = json!({ "text": text, "format": format }).to_string();
    request("POST", "/api/lint", Some(body.as_bytes()))
}

fn assert_json_error(r: &Resp, status: u16) {
    assert_eq!(r.status, status, "{}", r.text());
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{:?}",
        r.headers
    );
    let v = r.json();
    assert!(
        v["error"].as_str().is_some_and(|e| !e.is_empty()),
        "error JSON: {v}"
    );
}

const DRAFT: &str = "Our clinic’s café-style lounge hosts a revolutionary ketamine therapy: \
    it cures depression and is 100% safe. Results are guaranteed.\n";

#[test]
fn page_and_assets_are_served_with_a_csp() {
    let r = request("GET", "/", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let html = r.text();
    assert!(html.contains("<textarea"), "{html}");
    assert!(html.contains(r#"src="/page.js""#));
    // No inline script: the CSP would block it anyway.
    assert!(!html.contains("<script>"));
    for (path, ty) in [
        ("/page.js", "text/javascript; charset=utf-8"),
        ("/page.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let r = request("GET", path, None);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
        assert!(!r.body.is_empty());
    }
    // The page script never hands user text to the HTML parser.
    let js = request("GET", "/page.js", None).text();
    assert!(!js.contains("innerHTML") && !js.contains("insertAdjacentHTML"));
}

#[test]
fn every_response_carries_the_security_headers() {
    let responses = [
        request("GET", "/", None),
        request("GET", "/api/rules", None),
        lint("miracle", "text"),
        request("GET", "/nope", None),
        request("POST", "/api/lint", Some(b"{")),
    ];
    for r in &responses {
        assert_eq!(
            r.header("content-security-policy"),
            Some(CONTENT_SECURITY_POLICY)
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
    }
    assert!(CONTENT_SECURITY_POLICY.contains("default-src 'none'"));
    assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
}

#[test]
fn lint_returns_the_diagnostics_of_check_json() {
    let r = lint(DRAFT, "text");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.header("server-timing")
            .is_some_and(|t| t.starts_with("lint;dur="))
    );
    let diags = r.json();
    let diags = diags.as_array().expect("a JSON array");
    assert!(!diags.is_empty());
    for d in diags {
        assert_eq!(d["path"], "<input>");
        for key in ["rule", "category", "severity", "message", "matched", "help"] {
            assert!(d[key].is_string(), "{key} in {d}");
        }
        for key in ["start", "end"] {
            for k in ["line", "column", "offset"] {
                assert!(d[key][k].is_u64(), "{key}.{k} in {d}");
            }
        }
        assert!(d["suggestion"].is_null() || d["suggestion"]["replacement"].is_string());
    }
    let rules: Vec<&str> = diags.iter().filter_map(|d| d["rule"].as_str()).collect();
    for r in [
        "hype/revolutionary",
        "efficacy/cure",
        "efficacy/guarantee",
        "safety/absolute-safety",
    ] {
        assert!(rules.contains(&r), "{r} in {rules:?}");
    }
    let revolutionary = diags
        .iter()
        .find(|d| d["rule"] == "hype/revolutionary")
        .unwrap();
    assert_eq!(revolutionary["suggestion"]["replacement"], "new");

    // Exactly what `check --format json -` prints for the same text, but for the path.
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(dir.path())
        .args(["check", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(DRAFT.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let mut cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    for d in cli.as_array_mut().unwrap() {
        d["path"] = json!("<input>");
    }
    assert_eq!(&cli, &Value::Array(diags.clone()));
}

#[test]
fn offsets_are_utf8_byte_offsets_into_the_posted_text() {
    // Multi-byte characters before every claim: é (2 bytes), ’ (3 bytes), an emoji (4 bytes).
    for (text, format) in [
        ("Café’s 😀 team: a miracle cure, guaranteed.", "text"),
        ("# Café’s 😀\n\nA *miracle* cure, guaranteed.\n", "markdown"),
        (
            "<p>Café&rsquo;s 😀 <b>miracle</b> cure, guaranteed.</p>",
            "html",
        ),
    ] {
        let r = lint(text, format);
        assert_eq!(r.status, 200);
        let diags = r.json();
        let found: Vec<&str> = diags
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["category"] != "missing-caveat")
            .map(|d| {
                let (s, e) = (
                    d["start"]["offset"].as_u64().unwrap() as usize,
                    d["end"]["offset"].as_u64().unwrap() as usize,
                );
                let slice = &text[s..e];
                assert_eq!(slice, d["matched"], "{format}: {d}");
                slice
            })
            .collect();
        assert!(found.contains(&"miracle"), "{format}: {found:?}");
    }
}

#[test]
fn format_defaults_to_text_and_clean_text_gives_an_empty_array() {
    let r = request(
        "POST",
        "/api/lint",
        Some(br#"{"text": "<p>A miracle</p>"}"#),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()[0]["matched"], "miracle");
    let r = lint("Our opening hours are 9 to 5.", "markdown");
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!([]));
}

#[test]
fn pasted_markup_is_data_not_page() {
    // The API never echoes markup into HTML; it returns JSON with the text as a string.
    let text = r#"<img src=x onerror="alert(1)"><script>alert(2)</script> a miracle"#;
    let r = lint(text, "text");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert!(
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["matched"] == "miracle")
    );
}

#[test]
fn malformed_requests_get_400_with_a_json_error() {
    for body in [
        &b"{"[..],
        b"not json",
        b"",
        br#"{"format": "text"}"#,
        br#"{"text": 42}"#,
        br#"{"text": "x", "format": "pdf"}"#,
        br#"{"text": "x", "colour": "red"}"#,
        b"{\"text\": \"\xff\"}",
    ] {
        let r = request("POST", "/api/lint", Some(body));
        assert_json_error(&r, 400);
    }
}

#[test]
fn bodies_over_one_mebibyte_get_413() {
    assert_eq!(BODY_LIMIT, 1024 * 1024);
    // Exactly at the limit is accepted (JSON allows trailing whitespace).
    let mut body = br#"{"text": "a miracle", "format": "text"}"#.to_vec();
    body.resize(BODY_LIMIT, b' ');
    let r = request("POST", "/api/lint", Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    // One byte more is not.
    body.push(b' ');
    let r = request("POST", "/api/lint", Some(&body));
    assert_json_error(&r, 413);
    assert!(r.text().contains("1 MiB"));
}

#[test]
fn an_oversized_declared_length_is_refused_before_the_body_is_read() {
    // Up to a length no allocator can serve: the server must answer, not abort.
    for len in ["5000000", "100000000000000"] {
        let req = format!(
            "POST /api/lint HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
             Content-Length: {len}\r\n\r\n{{\"text\": \""
        );
        let r = raw(server(), req.as_bytes());
        assert_json_error(&r, 413);
    }
    // A length at u64::MAX is past what hyper frames at all: it refuses the head itself (431).
    let r = raw(
        server(),
        b"POST /api/lint HTTP/1.1\r\nHost: localhost\r\nContent-Length: 18446744073709551615\r\n\r\n",
    );
    assert_eq!(r.status, 431);
    // A declared body on a route without one is not read at all.
    let r = raw(
        server(),
        b"GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000000000000\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    assert_eq!(request("GET", "/api/rules", None).status, 200, "still up");
}

#[test]
fn chunked_bodies_and_huge_heads_are_refused() {
    let req = b"POST /api/lint HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
                Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    assert_json_error(&raw(server(), req), 411);
    let mut req = b"GET / HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    for i in 0..20 {
        req.extend_from_slice(format!("X-Filler-{i}: {}\r\n", "y".repeat(1000)).as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    // Heads hyper refuses get its own bare answer (no JSON): the status is what matters, and the
    // answer arrives whole (no reset although the client sent more than was read).
    assert_eq!(raw(server(), &req).status, 431);
    let mut req = b"GET / HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    for i in 0..120 {
        req.extend_from_slice(format!("X-Filler-{i}: y\r\n").as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    assert_eq!(raw(server(), &req).status, 431);
    assert_eq!(raw(server(), b"NOT HTTP AT ALL\r\n\r\n").status, 400);
}

#[test]
fn head_requests_get_headers_only_and_expect_continue_is_honoured() {
    let r = raw(
        server(),
        b"HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert!(r.header("content-length").is_some_and(|n| n != "0"));
    assert_eq!(r.header("connection"), Some("close"));

    let body = br#"{"text": "a miracle"}"#;
    let mut s = TcpStream::connect(server()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST /api/lint HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    let mut buf = [0u8; 25];
    s.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(body).unwrap();
    let mut rest = String::new();
    s.read_to_string(&mut rest).unwrap();
    assert!(rest.starts_with("HTTP/1.1 200 OK\r\n"), "{rest}");
    assert!(rest.contains("\"matched\":\"miracle\""), "{rest}");
}

#[test]
fn unknown_paths_get_404_and_wrong_methods_405() {
    for path in [
        "/nope",
        "/api",
        "/api/lint/x",
        "/../Cargo.toml",
        "/src/serve/page.html",
    ] {
        assert_json_error(&request("GET", path, None), 404);
    }
    let r = request("GET", "/api/lint", None);
    assert_json_error(&r, 405);
    assert_eq!(r.header("allow"), Some("POST"));
    for (method, path) in [("POST", "/"), ("DELETE", "/api/rules"), ("PUT", "/page.js")] {
        let r = request(method, path, Some(b"{}"));
        assert_json_error(&r, 405);
        assert_eq!(r.header("allow"), Some("GET, HEAD"), "{method} {path}");
    }
    // A query string does not change the route.
    assert_eq!(request("GET", "/?draft=1", None).status, 200);
}

#[test]
fn rules_lists_what_rules_json_prints() {
    let r = request("GET", "/api/rules", None);
    assert_eq!(r.status, 200);
    let rules = r.json();
    let list = rules.as_array().unwrap();
    assert!(list.len() > 20);
    for rule in list {
        for key in ["id", "category", "severity", "message", "help", "note"] {
            assert!(rule[key].is_string(), "{key} in {rule}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(dir.path())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(r.text(), String::from_utf8(out.stdout).unwrap());
}

#[test]
fn the_binary_binds_loopback_by_default_and_prints_its_url() {
    use claimlint::cli::{Cli, Command as Sub};
    use clap::Parser;
    let cli = Cli::try_parse_from(["claimlint", "serve"]).unwrap();
    let Sub::Serve(args) = cli.command else {
        panic!("serve parses as Serve")
    };
    assert_eq!((args.host.as_str(), args.port), ("127.0.0.1", 7878));

    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("claimlint serve: listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let port: u16 = url.strip_suffix('/').unwrap().parse().unwrap();
    let r = raw(
        SocketAddr::from(([127, 0, 0, 1], port)),
        b"GET /api/rules HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(r.status, 200);
}

#[test]
fn a_port_in_use_is_an_error_with_exit_code_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args(["serve", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error: cannot listen on 127.0.0.1:"),
        "{err}"
    );
}

fn fixture_docx() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/docx/libreoffice-saved.docx"),
    )
    .unwrap()
}

#[test]
fn a_word_document_is_read_linted_annotated_and_reported() {
    let bytes = fixture_docx();
    // Its text, one paragraph per line, as `check` reads it.
    let r = request("POST", "/api/document", Some(&bytes));
    assert_eq!(r.status, 200, "{}", r.text());
    let text = r.json()["text"].as_str().unwrap().to_string();
    assert_eq!(
        text,
        claimlint::extract::docx::read(&bytes).unwrap().text,
        "the same text as check reads"
    );
    // Linted as `docx`: positions are paragraphs.
    let diags = lint(&text, "docx").json();
    let first = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "hype/game-changer")
        .unwrap()
        .clone();
    assert_eq!(
        (
            first["start"]["line"].as_u64(),
            first["start"]["column"].as_u64()
        ),
        (Some(1), Some(3))
    );
    // The annotated copy is a Word document with our comments and tracked changes.
    let r = request("POST", "/api/annotate", Some(&bytes));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    let doc = claimlint::extract::docx::read(&r.body).unwrap();
    assert!(
        doc.text.starts_with("A New Option for Low Mood\n"),
        "{}",
        doc.text
    );
    assert!(doc.parts[0].xml.contains("<w:commentRangeStart"));
    // The HTML report of a draft.
    let body = json!({ "text": text, "format": "docx" }).to_string();
    let r = request("POST", "/api/report", Some(body.as_bytes()));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let html = r.text();
    assert!(html.contains("<mark>Game-Changer</mark>"));
    assert!(html.contains("<span class=\"pos\">\u{b6}1:3</span>"));
}

#[test]
fn a_broken_word_document_gets_400_and_wrong_methods_405() {
    for path in ["/api/document", "/api/annotate"] {
        let r = request("POST", path, Some(b"not a zip"));
        assert_json_error(&r, 400);
        assert!(
            r.json()["error"]
                .as_str()
                .unwrap()
                .starts_with("not a Word document")
        );
        let r = request("GET", path, None);
        assert_json_error(&r, 405);
        assert_eq!(r.header("allow"), Some("POST"));
    }
    assert_json_error(&request("POST", "/api/report", Some(b"{")), 400);
}

#[test]
fn a_word_document_has_its_own_size_bound() {
    // Over the 1 MiB of a draft but within the 16 MiB of a document: read (and refused as not a
    // Word document), not cut off; over 16 MiB: 413 from the declared length, unread.
    let big = vec![b'x'; (1 << 20) + 1];
    let r = request("POST", "/api/document", Some(&big));
    assert_json_error(&r, 400);
    let r = request("POST", "/api/lint", Some(&big));
    assert_json_error(&r, 413);
    for path in ["/api/document", "/api/annotate"] {
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n",
            (16 << 20) + 1
        );
        let r = raw(server(), req.as_bytes());
        assert_json_error(&r, 413);
        assert_eq!(
            r.json()["error"],
            "document is larger than 16777216 bytes (16 MiB)"
        );
    }
}

// ---- Issue 21: a server that survives hostile clients ----------------------------------------

/// A server of its own with other bounds (the shared one keeps the defaults).
fn server_with(limits: Limits) -> SocketAddr {
    let rules = RuleSet::compile(builtin::sources())
        .unwrap_or_else(|_| panic!("the built-in rulesets compile"));
    let server = Server::bind(rules, "127.0.0.1:0")
        .expect("bind a free loopback port")
        .with_limits(limits);
    let addr = server.local_addr();
    std::thread::spawn(move || server.run());
    addr
}

fn lint_on(addr: SocketAddr, extra_headers: &str, text: &str) -> Resp {
    let body = json!({ "text": text }).to_string();
    let req = format!(
        "POST /api/lint HTTP/1.1\r\nHost: localhost\r\n{extra_headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    raw(addr, req.as_bytes())
}

#[test]
fn a_signed_content_length_is_refused() {
    for len in ["+27", "-1", "0x1b", "27 27"] {
        let req = format!(
            "POST /api/lint HTTP/1.1\r\nHost: localhost\r\nContent-Length: {len}\r\n\r\n\
             {{\"text\": \"a miracle cure\"}}"
        );
        assert_eq!(raw(server(), req.as_bytes()).status, 400, "{len}");
    }
}

#[test]
fn other_hosts_and_origins_are_refused() {
    let port = server().port();
    // DNS rebinding: a name that is not this server.
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "localhost:1",
    ] {
        let req = format!("GET /api/rules HTTP/1.1\r\nHost: {host}\r\n\r\n");
        let r = raw(server(), req.as_bytes());
        assert_json_error(&r, 403);
        assert_eq!(
            r.header("content-security-policy"),
            Some(CONTENT_SECURITY_POLICY)
        );
    }
    assert_json_error(&raw(server(), b"GET / HTTP/1.1\r\n\r\n"), 400);
    // An address literal with the bound port is this server.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "[::1]".into(),
    ] {
        let req = format!("GET /api/rules HTTP/1.1\r\nHost: {host}\r\n\r\n");
        assert_eq!(raw(server(), req.as_bytes()).status, 200, "{host}");
    }
    // Another web page making the browser post to us.
    for h in [
        "Origin: http://evil.example\r\n",
        "Origin: null\r\n",
        "Origin: https://localhost\r\n",
        "Sec-Fetch-Site: cross-site\r\n",
    ] {
        assert_json_error(&lint_on(server(), h, "a miracle cure"), 403);
    }
    // The page's own origin is fine (Host `localhost`, as `lint_on` sends).
    let r = lint_on(server(), "Origin: http://localhost\r\n", "a miracle cure");
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn a_normal_request_is_answered_while_200_slow_connections_are_open() {
    let addr = server();
    // Each sends part of a request head and then nothing: the slowloris pattern.
    let slow: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = TcpStream::connect(addr).expect("connect");
            s.write_all(b"POST /api/lint HTTP/1.1\r\nHost: local")
                .unwrap();
            s
        })
        .collect();
    let r = lint(DRAFT, "text");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(!r.json().as_array().unwrap().is_empty());
    drop(slow);
}

#[test]
fn a_trickling_client_is_cut_off_at_the_deadline() {
    let addr = server_with(Limits {
        deadline: Duration::from_secs(1),
        ..Limits::default()
    });
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    // One byte every 200 ms keeps an idle timeout happy forever; a deadline ends it. The client
    // gives up after 150 bytes (30 s): the server must have closed long before.
    let head = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
        .iter()
        .chain([b'y'; 200].iter());
    let mut closed = false;
    for &b in head.take(150) {
        if s.write_all(&[b]).is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 64];
        match s.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(_) => panic!("no answer expected to an unfinished head"),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    assert!(closed, "the server kept a trickling connection open");
}

#[test]
fn overload_is_answered_with_503_and_retry_after_not_a_reset() {
    let addr = server_with(Limits {
        // Room for one small request (a 30-byte body and its overhead), not two.
        in_flight_bytes: REQUEST_OVERHEAD + 1024,
        ..Limits::default()
    });
    // The one admitted request: its head is sent, its body not yet. If a probe gets in first,
    // this one is the refused one: start again (no timing is asserted, only the outcome).
    let body = json!({ "text": "a miracle cure" }).to_string();
    let mut admitted = None;
    for _ in 0..100 {
        let mut first = TcpStream::connect(addr).unwrap();
        write!(
            first,
            "POST /api/lint HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let r = lint_on(addr, "", &"A calm sentence. ".repeat(3_000));
        if r.status == 503 {
            admitted = Some((first, r));
            break;
        }
    }
    let (mut first, r) = admitted.expect("a 503 while one request holds the only slot");
    // The refused client sent a 51 KB body the server did not need, and still read the whole
    // answer (`raw` fails on a reset).
    assert_json_error(&r, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    // The admitted one is answered once its body arrives.
    first.write_all(body.as_bytes()).unwrap();
    let mut rest = String::new();
    first.read_to_string(&mut rest).unwrap();
    assert!(rest.starts_with("HTTP/1.1 200 OK\r\n"), "{rest}");
    // And finished requests free their slot: one at a time, every one is answered.
    for _ in 0..20 {
        assert_eq!(lint_on(addr, "", "a miracle cure").status, 200);
    }
}

#[test]
fn finished_connections_free_their_slot() {
    let addr = server_with(Limits {
        connections: 2,
        ..Limits::default()
    });
    for _ in 0..30 {
        let r = raw(addr, b"GET /api/rules HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert_eq!(r.status, 200);
    }
}

#[test]
fn answers_are_capped_and_say_so() {
    let text = "A miracle, a miracle cure, guaranteed. ".repeat(20);
    let whole = lint(&text, "text").json();
    let total = whole
        .as_array()
        .expect("under the cap: the bare array")
        .len();
    assert!(total > 5, "{total}");
    let addr = server_with(Limits {
        diagnostics: 5,
        ..Limits::default()
    });
    let r = lint_on(addr, "", &text);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["truncated"], json!({ "shown": 5, "total": total }));
    // The first five, as the whole answer has them.
    assert_eq!(
        v["diagnostics"],
        Value::Array(whole.as_array().unwrap()[..5].to_vec())
    );
}
