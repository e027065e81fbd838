//! `claimlint lsp` driven over standard input and output with JSON-RPC, as an editor drives it:
//! the handshake, diagnostics with exact ranges (UTF-16 by default, UTF-8 when negotiated, on
//! text with accents and emoji), code actions applied to the text, changes, hover, the config
//! and its reload, and shutdown with the protocol's exit codes.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// Long enough for a debug build on a busy machine; only a hung server ever waits this long.
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    seen: VecDeque<Value>,
}

impl Client {
    fn start(dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start claimlint lsp");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                r.read_exact(&mut body).expect("a whole message");
                let v: Value = serde_json::from_slice(&body).expect("JSON message");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Self {
            child,
            stdin,
            rx,
            next_id: 0,
            seen: VecDeque::new(),
        }
    }

    fn send(&mut self, v: &Value) {
        let body = serde_json::to_vec(v).unwrap();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(&body).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self) -> Value {
        self.rx
            .recv_timeout(PATIENCE)
            .expect("a message from the server")
    }

    /// Sends a request and returns its `result`, keeping notifications for later.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.recv();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                assert!(m.get("error").is_none(), "{method} failed: {m}");
                return m["result"].clone();
            }
            if m.get("id").is_none() {
                self.seen.push_back(m);
            }
        }
    }

    /// The next notification with this method (earlier ones of other methods are kept).
    fn notification(&mut self, method: &str) -> Value {
        if let Some(i) = self.seen.iter().position(|m| m["method"] == method) {
            return self.seen.remove(i).unwrap()["params"].clone();
        }
        loop {
            let m = self.recv();
            if m["method"] == method {
                return m["params"].clone();
            }
            if m.get("id").is_none() {
                self.seen.push_back(m);
            }
        }
    }

    fn initialize(&mut self, capabilities: Value, root: &Path) -> Value {
        let result = self.request(
            "initialize",
            json!({"capabilities": capabilities, "rootUri": uri(root), "processId": null}),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// `shutdown`, then `exit`; returns the exit code.
    fn shutdown(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        self.child.wait().unwrap().code().unwrap()
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// An independent position → byte offset conversion (the server's is under test): `character`
/// counts UTF-16 code units, or bytes with `utf8`.
fn offset(text: &str, pos: &Value, utf8: bool) -> usize {
    let line = usize::try_from(pos["line"].as_u64().unwrap()).unwrap();
    let character = usize::try_from(pos["character"].as_u64().unwrap()).unwrap();
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += if utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    text.len()
}

/// Applies a list of text edits (non-overlapping, any order) to `text`.
fn apply(text: &str, edits: &[Value], utf8: bool) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"], utf8),
                offset(text, &e["range"]["end"], utf8),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, t);
    }
    out
}

fn range(l0: u64, c0: u64, l1: u64, c1: u64) -> Value {
    json!({"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}})
}

/// The edits of a versioned workspace edit for `doc`, checking the version it was made for.
fn doc_edits(action: &Value, doc: &str, version: i64) -> Vec<Value> {
    let changes = action["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["textDocument"]["uri"], doc);
    assert_eq!(changes[0]["textDocument"]["version"], version);
    changes[0]["edits"].as_array().unwrap().clone()
}

fn titled<'a>(actions: &'a Value, title: &str) -> &'a Value {
    actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no action `{title}` in {actions:#}"))
}

const PAGE: &str = "# Our clinic\n\nCafé owners 🙂 say this groundbreaking therapy helps.\n\nThe new plan is a game-changer for stress.\n";

#[test]
fn a_session_from_initialize_to_exit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.md");
    let doc = uri(&path);
    let mut c = Client::start(dir.path());
    let init = c.initialize(
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        dir.path(),
    );
    // No encodings offered: the protocol's UTF-16.
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    assert_eq!(init["serverInfo"]["name"], "claimlint");

    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "markdown", "version": 1, "text": PAGE}}),
    );
    let published = c.notification("textDocument/publishDiagnostics");
    assert_eq!(published["uri"], doc);
    assert_eq!(published["version"], 1);
    let diags = published["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2, "{diags:#?}");
    // "Café owners 🙂 say this " is 24 UTF-16 units (é is one, the emoji two) though 23
    // characters and 28 bytes.
    assert_eq!(diags[0]["range"], range(2, 24, 2, 38));
    assert_eq!(diags[0]["code"], "hype/groundbreaking");
    assert_eq!(diags[0]["severity"], 2);
    assert_eq!(diags[0]["source"], "claimlint");
    assert!(
        diags[0]["message"].as_str().unwrap().starts_with(
            "`groundbreaking` and similar superlatives overstate the treatment\nhelp: "
        ),
        "{}",
        diags[0]["message"]
    );
    let href = diags[0]["codeDescription"]["href"].as_str().unwrap();
    assert!(
        href.contains("/blob/main/rulesets/medical.toml#L"),
        "{href}"
    );
    assert_eq!(diags[1]["range"], range(4, 18, 4, 30));
    assert_eq!(diags[1]["code"], "hype/game-changer");

    // Quick fixes on the first finding.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": range(2, 30, 2, 30),
               "context": {"diagnostics": [diags[0]]}}),
    );
    let replace = titled(&actions, "Replace `groundbreaking` with `new`");
    assert_eq!(replace["kind"], "quickfix");
    assert_eq!(replace["isPreferred"], true);
    assert_eq!(replace["diagnostics"][0]["code"], "hype/groundbreaking");
    let edits = doc_edits(replace, &doc, 1);
    assert_eq!(
        edits,
        vec![json!({"range": range(2, 24, 2, 38), "newText": "new"})]
    );
    // The line above is blank, so the suppression comment is a line of its own.
    let suppress = titled(&actions, "Suppress `hype/groundbreaking` on this line");
    assert_eq!(suppress["isPreferred"], false);
    assert_eq!(
        doc_edits(suppress, &doc, 1),
        vec![json!({"range": range(2, 0, 2, 0), "newText":
            "<!-- claimlint-disable-next-line hype/groundbreaking -- TODO: say why this wording is acceptable -->\n"})]
    );
    titled(&actions, "Fix all safe claimlint problems");

    // The editor applies the replacement and sends it as an incremental change.
    let text = apply(PAGE, &edits, false);
    assert_eq!(
        text.lines().nth(2),
        Some("Café owners 🙂 say this new therapy helps.")
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 2},
               "contentChanges": [{"range": range(2, 24, 2, 38), "text": "new"}]}),
    );
    let published = c.notification("textDocument/publishDiagnostics");
    assert_eq!(published["version"], 2);
    let diags = published["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["range"], range(4, 18, 4, 30));

    // Hover: the `explain` text, over the finding's range.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 4, "character": 20}}),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.starts_with("# hype/game-changer\n"), "{value}");
    assert!(value.contains("\n## Use instead\n"), "{value}");
    assert_eq!(hover["range"], range(4, 18, 4, 30));
    let nothing = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 0, "character": 3}}),
    );
    assert_eq!(nothing, Value::Null);

    // Fix all, asked for as a source action.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": range(0, 0, 0, 0),
               "context": {"diagnostics": [], "only": ["source.fixAll.claimlint"]}}),
    );
    assert_eq!(actions.as_array().unwrap().len(), 1, "{actions:#}");
    assert_eq!(actions[0]["kind"], "source.fixAll.claimlint");
    let fixed = apply(&text, &doc_edits(&actions[0], &doc, 2), false);
    assert_eq!(
        fixed.lines().nth(4),
        Some("The new plan is a new option for stress.")
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 3}, "contentChanges": [{"text": fixed}]}),
    );
    let published = c.notification("textDocument/publishDiagnostics");
    assert_eq!(published["version"], 3);
    assert_eq!(published["diagnostics"], json!([]));

    // Closing clears the document's diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": doc}}),
    );
    let published = c.notification("textDocument/publishDiagnostics");
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn utf8_positions_when_offered_and_a_suppression_applied() {
    let dir = tempfile::tempdir().unwrap();
    let doc = uri(&dir.path().join("notes.txt"));
    let text = "Naïve 🙂🙂 readers love this groundbreaking treatment.\n";
    let mut c = Client::start(dir.path());
    let init = c.initialize(
        json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}}),
        dir.path(),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "plaintext", "version": 7, "text": text}}),
    );
    let diags = c.notification("textDocument/publishDiagnostics")["diagnostics"].clone();
    // Bytes: "Naïve " is 7, the two emoji 8.
    assert_eq!(diags[0]["range"], range(0, 34, 0, 48));

    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": range(0, 40, 0, 40),
               "context": {"diagnostics": diags}}),
    );
    // Without `documentChanges` support the edit comes as plain `changes`.
    let suppress = titled(&actions, "Suppress `hype/groundbreaking` on this line");
    let edits = suppress["edit"]["changes"][&doc]
        .as_array()
        .unwrap()
        .clone();
    let suppressed = apply(text, &edits, true);
    assert_eq!(
        suppressed,
        format!(
            "claimlint-disable-next-line hype/groundbreaking -- TODO: say why this wording is acceptable\n{text}"
        )
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 8}, "contentChanges": [{"text": suppressed}]}),
    );
    let published = c.notification("textDocument/publishDiagnostics");
    assert_eq!(published["version"], 8);
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_suppression_comment_never_breaks_the_markup() {
    let dir = tempfile::tempdir().unwrap();
    let doc = uri(&dir.path().join("fences.md"));
    let text = "Intro line here.\nThis groundbreaking therapy helps.\n\n```\ncode\n```\nA groundbreaking idea.\n";
    let mut c = Client::start(dir.path());
    c.initialize(json!({}), dir.path());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diags = c.notification("textDocument/publishDiagnostics")["diagnostics"].clone();
    assert_eq!(diags[0]["range"], range(1, 5, 1, 19));
    assert_eq!(diags[1]["range"], range(6, 2, 6, 16));
    let comment = "<!-- claimlint-disable-next-line hype/groundbreaking -- TODO: say why this wording is acceptable -->";
    let suppress = |c: &mut Client, at: &Value| {
        let actions = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": doc}, "range": at, "context": {"diagnostics": []}}),
        );
        titled(&actions, "Suppress `hype/groundbreaking` on this line")["edit"]["changes"][&doc]
            .clone()
    };
    // Inside a paragraph: appended to the line above, so the paragraph stays one paragraph.
    assert_eq!(
        suppress(&mut c, &diags[0]["range"]),
        json!([{"range": range(0, 16, 0, 16), "newText": format!(" {comment}")}])
    );
    // Under a closing code fence: appending there would reopen the fence, so a line of its own.
    assert_eq!(
        suppress(&mut c, &diags[1]["range"]),
        json!([{"range": range(6, 0, 6, 0), "newText": format!("{comment}\n")}])
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn the_workspace_config_is_honoured_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("claimlint.toml");
    std::fs::write(&config, "ignore = [\"hype/game-changer\"]\n").unwrap();
    std::fs::create_dir(dir.path().join("site")).unwrap();
    let doc = uri(&dir.path().join("site/page.md"));
    let mut c = Client::start(dir.path());
    c.initialize(json!({}), dir.path());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "markdown", "version": 1, "text": PAGE}}),
    );
    let codes = |p: &Value| -> Vec<String> {
        p["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let published = c.notification("textDocument/publishDiagnostics");
    assert_eq!(codes(&published), ["hype/groundbreaking"]);

    // The config changes on disk: the server re-checks open documents when told.
    std::fs::write(&config, "ignore = [\"hype/groundbreaking\", \"caveat\"]\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 2}]}),
    );
    let published = c.notification("textDocument/publishDiagnostics");
    assert_eq!(codes(&published), ["hype/game-changer"]);

    // A broken config: its error is published on the config file, at the bad selector.
    let broken = "ignore = [\"hype/no-such-rule\"]\n";
    std::fs::write(&config, broken).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 2}]}),
    );
    let published = c.notification("textDocument/publishDiagnostics");
    assert_eq!(published["uri"], uri(&config));
    let d = &published["diagnostics"][0];
    assert_eq!(d["range"], range(0, 10, 0, 29));
    assert_eq!(
        d["message"],
        "`hype/no-such-rule` matches no rule or category"
    );
    let shown = c.notification("window/showMessage");
    assert_eq!(shown["type"], 1);
    assert!(
        shown["message"]
            .as_str()
            .unwrap()
            .contains("claimlint.toml has 1 error"),
        "{shown}"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn results_arrive_in_order_and_match_their_version() {
    let dir = tempfile::tempdir().unwrap();
    let doc = uri(&dir.path().join("draft.md"));
    let mut c = Client::start(dir.path());
    c.initialize(json!({}), dir.path());
    let with = "A groundbreaking option.\n";
    let without = "A new option.\n";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "markdown", "version": 1, "text": without}}),
    );
    // A burst of changes, faster than checks: whatever is checked in between, nothing stale may
    // be published, and the last version must be.
    for v in 2..=30 {
        let text = if v % 2 == 0 { with } else { without };
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": doc, "version": v}, "contentChanges": [{"text": text}]}),
        );
    }
    // A hover waits for the current text's check, which is published first.
    c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 0, "character": 0}}),
    );
    let mut versions = Vec::new();
    while let Some(i) = c
        .seen
        .iter()
        .position(|m| m["method"] == "textDocument/publishDiagnostics")
    {
        let p = c.seen.remove(i).unwrap()["params"].clone();
        let v = p["version"].as_i64().unwrap();
        let expected = usize::from(v % 2 == 0 && v > 1);
        assert_eq!(p["diagnostics"].as_array().unwrap().len(), expected, "{p}");
        versions.push(v);
    }
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert_eq!(versions.last(), Some(&30), "{versions:?}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path());
    c.initialize(json!({}), dir.path());
    c.notify("exit", Value::Null);
    drop(c.stdin.take());
    assert_eq!(c.child.wait().unwrap().code(), Some(1));
}
