//! `claimlint lsp`: a language server over standard input and output (issue 24).
//!
//! Diagnostics as the copy is written, quick fixes ([`actions`]), and the `explain` text on hover
//! ([`hover`]), for the file kinds `check` reads (Markdown, MDX, HTML, plain text).
//!
//! **Why `lsp-server` + `lsp-types`.** They are rust-analyzer's own: `lsp-server` does the
//! framing, the handshake and the shutdown sequence over crossbeam channels and leaves the
//! message loop to us, which is what this server needs — a synchronous engine, work handed to
//! threads, stale results dropped — with no async runtime. `tower-lsp-server` would bring tokio
//! and an async handler per request for an engine that never waits on I/O. `lsp-types` is pinned
//! at 0.95 as rust-analyzer pins it: 0.97 replaced `url::Url` with a URI type that cannot turn a
//! `file:` URI into a path, which every document here needs for its config.
//!
//! **The loop.** One thread owns the documents and reads the client's messages and the workers'
//! results. Checks run on rayon's pool (the same pool `check` uses), one at a time per document;
//! each result carries the generation of the text it checked, and a result for a text that has
//! changed since is dropped, never published. A change is debounced: a document quiet for
//! [`DEBOUNCE`] is checked at once (typing one word shows its result without waiting), and while
//! changes keep coming each one pushes the check back by [`DEBOUNCE`], so a burst of typing on a
//! large file costs one check, not one per keystroke. Hover and code action requests wait for the
//! check of the text they were asked about and are answered from it; code actions, which may
//! re-check edited text, run on the pool too.
//!
//! **Configuration.** Each document uses the nearest `claimlint.toml` above it, reloaded when it
//! changes ([`workspace`]); errors in it are published as diagnostics on the file itself.

pub mod actions;
pub mod diagnostics;
pub mod hover;
pub mod position;
pub mod snapshot;
pub mod workspace;

use crate::extract::Format;
use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileSystemWatcher, GlobPattern, HoverParams, HoverProviderCapability, InitializeParams,
    MessageType, PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions,
    ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};
use position::{Encoding, Lines};
use snapshot::{Job, Snapshot};
use std::collections::{HashMap, HashSet};
use std::io;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use workspace::{Load, LoadError, Workspaces};

/// How long a document must be quiet before a change is checked, when changes come in a burst.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// Runs the server on standard input and output until the client says `exit`. Returns whether
/// the exit was clean (a `shutdown` request came first), which the protocol maps to exit code 0.
///
/// # Errors
/// The connection failed (the client went away mid-message, or the handshake was malformed).
pub fn run_stdio() -> io::Result<bool> {
    let (connection, threads) = Connection::stdio();
    let clean = serve(&connection)?;
    drop(connection);
    threads.join()?;
    Ok(clean)
}

fn protocol(e: &lsp_server::ProtocolError) -> io::Error {
    io::Error::other(e.to_string())
}

/// Runs the server on `connection`: the handshake, then the message loop.
///
/// # Errors
/// The handshake failed or the connection broke.
pub fn serve(connection: &Connection) -> io::Result<bool> {
    let (id, params) = connection.initialize_start().map_err(|e| protocol(&e))?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = Encoding::negotiate(
        init.capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let workspace = init.capabilities.workspace.as_ref();
    let document_changes = workspace
        .and_then(|w| w.workspace_edit.as_ref())
        .and_then(|e| e.document_changes)
        .unwrap_or(false);
    let can_watch = workspace
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    #[allow(deprecated)] // `root_uri`: still what many clients send instead of folders.
    let root = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(init.root_uri.clone())
        .and_then(|u| u.to_file_path().ok());

    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": ServerInfo {
            name: "claimlint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| protocol(&e))?;

    let (events_tx, events_rx) = crossbeam_channel::unbounded();
    let mut server = Server {
        sender: connection.sender.clone(),
        encoding,
        style: actions::EditStyle { document_changes },
        root,
        docs: HashMap::new(),
        workspaces: Arc::new(Workspaces::default()),
        events: events_tx,
        waiting: Vec::new(),
        config_diagnostics: HashSet::new(),
        shown: HashSet::new(),
    };
    if can_watch {
        server.watch_configs();
    }
    server.run(connection, &events_rx)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(actions::FIX_ALL.to_string()),
            ]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// What a worker reports to the loop.
enum Event {
    Checked(Box<Snapshot>, Option<Arc<Load>>),
    /// The engine panicked on this document's text (a bug): reported, never fatal.
    Failed {
        uri: Url,
        generation: u64,
    },
}

/// An open document.
struct Doc {
    version: i32,
    text: Arc<str>,
    format: Option<Format>,
    path: Option<PathBuf>,
    generation: u64,
    /// When to check next; `None`: no check wanted.
    due: Option<Instant>,
    in_flight: bool,
    last_start: Option<Instant>,
    /// The latest check, possibly of an older generation.
    checked: Option<Arc<Snapshot>>,
}

impl Doc {
    fn current(&self) -> Option<&Arc<Snapshot>> {
        self.checked
            .as_ref()
            .filter(|s| s.generation == self.generation)
    }
}

/// A request waiting for its document's current text to be checked.
struct Waiting {
    uri: Url,
    request: Request,
}

struct Server {
    sender: Sender<Message>,
    encoding: Encoding,
    style: actions::EditStyle,
    root: Option<PathBuf>,
    docs: HashMap<Url, Doc>,
    workspaces: Arc<Workspaces>,
    events: Sender<Event>,
    waiting: Vec<Waiting>,
    /// Config files we have published errors on (cleared when they load again).
    config_diagnostics: HashSet<Url>,
    /// Messages already shown, so a broken config is announced once, not on every keystroke.
    shown: HashSet<String>,
}

/// The file kind of a document: from its path's extension as `check` decides, else from the
/// editor's language id (an unsaved buffer).
fn format_of(uri: &Url, language: &str) -> Option<Format> {
    let by_path = uri.to_file_path().ok().and_then(|p| Format::from_path(&p));
    by_path.or(match language {
        "markdown" | "mdx" => Some(Format::Markdown),
        "html" => Some(Format::Html),
        "plaintext" | "text" => Some(Format::Text),
        _ => None,
    })
}

impl Server {
    fn send(&self, m: impl Into<Message>) {
        // The writer thread has gone only when the client has: the loop ends on its own then.
        let _ = self.sender.send(m.into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn run(&mut self, connection: &Connection, events: &Receiver<Event>) -> io::Result<bool> {
        loop {
            self.start_due();
            let timeout = self
                .docs
                .values()
                .filter(|d| !d.in_flight)
                .filter_map(|d| d.due)
                .min()
                .map(|t| t.saturating_duration_since(Instant::now()));
            let never = crossbeam_channel::never();
            let timer = timeout.map_or(never, crossbeam_channel::after);
            crossbeam_channel::select! {
                recv(connection.receiver) -> msg => match msg {
                    Ok(Message::Request(req)) => {
                        if connection.handle_shutdown(&req).map_err(|e| protocol(&e))? {
                            return Ok(true);
                        }
                        self.request(req);
                    }
                    Ok(Message::Notification(n)) => {
                        if n.method == lsp_types::notification::Exit::METHOD {
                            // `exit` without `shutdown` first: exit code 1, as the protocol says.
                            return Ok(false);
                        }
                        self.notification(n);
                    }
                    // Answers to our own requests (the watcher registration): nothing to do.
                    Ok(Message::Response(_)) => {}
                    Err(_) => return Ok(false),
                },
                recv(events) -> ev => {
                    if let Ok(ev) = ev {
                        self.event(ev);
                    }
                }
                recv(timer) -> _ => {}
            }
        }
    }

    /// Asks the client to tell us when a config or ruleset file changes on disk.
    fn watch_configs(&self) {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: ["**/claimlint.toml", "**/*.toml"]
                .into_iter()
                .map(|g| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect(),
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "claimlint-config".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.send(Request::new(
            RequestId::from("claimlint/watch".to_string()),
            RegisterCapability::METHOD.to_string(),
            params,
        ));
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let doc = p.text_document;
                let format = format_of(&doc.uri, &doc.language_id);
                let path = doc.uri.to_file_path().ok();
                let generation = self.docs.get(&doc.uri).map_or(1, |d| d.generation + 1);
                self.docs.insert(
                    doc.uri,
                    Doc {
                        version: doc.version,
                        text: Arc::from(doc.text),
                        format,
                        path,
                        generation,
                        due: Some(Instant::now()),
                        in_flight: false,
                        last_start: None,
                        checked: None,
                    },
                );
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let encoding = self.encoding;
                let Some(doc) = self.docs.get_mut(&p.text_document.uri) else {
                    return;
                };
                let mut text = doc.text.to_string();
                for change in p.content_changes {
                    match change.range {
                        Some(r) => {
                            let range = Lines::new(&text, encoding).byte_range(r);
                            text.replace_range(range, &change.text);
                        }
                        None => text = change.text,
                    }
                }
                doc.text = Arc::from(text);
                doc.version = p.text_document.version;
                doc.generation += 1;
                let now = Instant::now();
                let quiet = doc.due.is_none()
                    && doc
                        .last_start
                        .is_none_or(|t| now.duration_since(t) >= DEBOUNCE);
                doc.due = Some(if quiet { now } else { now + DEBOUNCE });
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                if self.docs.remove(&uri).is_some() {
                    self.publish(uri.clone(), Vec::new(), None);
                }
                let (gone, keep) = std::mem::take(&mut self.waiting)
                    .into_iter()
                    .partition(|w| w.uri == uri);
                self.waiting = keep;
                for w in gone {
                    self.send(Response::new_ok(w.request.id, serde_json::Value::Null));
                }
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) else {
                    return;
                };
                if let Ok(path) = p.text_document.uri.to_file_path()
                    && self.workspaces.is_dependency(&path)
                {
                    self.recheck_all();
                }
            }
            DidChangeWatchedFiles::METHOD => self.recheck_all(),
            "$/cancelRequest" => {
                let id = n
                    .params
                    .get("id")
                    .cloned()
                    .and_then(|id| serde_json::from_value::<RequestId>(id).ok());
                if let Some(id) = id
                    && let Some(i) = self.waiting.iter().position(|w| w.request.id == id)
                {
                    let w = self.waiting.remove(i);
                    self.send(Response::new_err(
                        w.request.id,
                        ErrorCode::RequestCanceled as i32,
                        "canceled".to_string(),
                    ));
                }
            }
            _ => {}
        }
    }

    /// Checks every open document again (a config or ruleset changed).
    fn recheck_all(&mut self) {
        let now = Instant::now();
        for d in self.docs.values_mut() {
            d.generation += 1;
            d.due = Some(now);
        }
    }

    fn request(&mut self, req: Request) {
        let uri = match req.method.as_str() {
            HoverRequest::METHOD => serde_json::from_value::<HoverParams>(req.params.clone())
                .ok()
                .map(|p| p.text_document_position_params.text_document.uri),
            CodeActionRequest::METHOD => {
                serde_json::from_value::<CodeActionParams>(req.params.clone())
                    .ok()
                    .map(|p| p.text_document.uri)
            }
            _ => {
                self.send(Response::new_err(
                    req.id,
                    ErrorCode::MethodNotFound as i32,
                    format!("claimlint does not handle `{}`", req.method),
                ));
                return;
            }
        };
        let Some(uri) = uri else {
            self.send(Response::new_err(
                req.id,
                ErrorCode::InvalidParams as i32,
                format!("invalid parameters for `{}`", req.method),
            ));
            return;
        };
        match self.docs.get(&uri) {
            None => self.send(Response::new_ok(req.id, serde_json::Value::Null)),
            Some(doc) => match doc.current() {
                Some(snap) => {
                    let snap = snap.clone();
                    self.answer(req, &snap);
                }
                None => self.waiting.push(Waiting { uri, request: req }),
            },
        }
    }

    /// Answers a hover (here: it is a lookup) or a code action (on the pool: it may re-check).
    fn answer(&self, req: Request, snap: &Arc<Snapshot>) {
        match req.method.as_str() {
            HoverRequest::METHOD => {
                let hover = serde_json::from_value::<HoverParams>(req.params)
                    .ok()
                    .and_then(|p| hover::hover(snap, p.text_document_position_params.position));
                self.send(Response::new_ok(req.id, hover));
            }
            _ => {
                let sender = self.sender.clone();
                let snap = snap.clone();
                let style = self.style;
                rayon::spawn(move || {
                    let id = req.id.clone();
                    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        serde_json::from_value::<CodeActionParams>(req.params)
                            .ok()
                            .map(|p| actions::code_actions(&snap, &p, style))
                    }));
                    let response = match result {
                        Ok(actions) => Response::new_ok(id, actions),
                        Err(_) => Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "claimlint: internal error computing code actions".to_string(),
                        ),
                    };
                    let _ = sender.send(response.into());
                });
            }
        }
    }

    /// Starts the checks that are due, one per document at a time.
    fn start_due(&mut self) {
        let now = Instant::now();
        for (uri, doc) in &mut self.docs {
            if doc.in_flight || doc.due.is_none_or(|t| t > now) {
                continue;
            }
            doc.due = None;
            doc.in_flight = true;
            doc.last_start = Some(now);
            let job = Job {
                uri: uri.clone(),
                version: doc.version,
                generation: doc.generation,
                text: doc.text.clone(),
                format: doc.format,
                path: doc.path.clone(),
                root: self.root.clone(),
                encoding: self.encoding,
            };
            let events = self.events.clone();
            let workspaces = self.workspaces.clone();
            rayon::spawn(move || {
                let (uri, generation) = (job.uri.clone(), job.generation);
                let ev = match std::panic::catch_unwind(AssertUnwindSafe(|| {
                    snapshot::run(job, &workspaces)
                })) {
                    Ok((snap, load)) => Event::Checked(Box::new(snap), load),
                    Err(_) => Event::Failed { uri, generation },
                };
                let _ = events.send(ev);
            });
        }
    }

    fn event(&mut self, ev: Event) {
        match ev {
            Event::Failed { uri, generation } => {
                if let Some(doc) = self.docs.get_mut(&uri) {
                    doc.in_flight = false;
                }
                self.show(
                    MessageType::ERROR,
                    format!("claimlint: internal error checking {uri} (generation {generation})"),
                );
                // Waiting requests get no answer from a failed check: answer them empty.
                let (gone, keep) = std::mem::take(&mut self.waiting)
                    .into_iter()
                    .partition(|w| w.uri == uri);
                self.waiting = keep;
                for w in gone {
                    self.send(Response::new_ok(w.request.id, serde_json::Value::Null));
                }
            }
            Event::Checked(snap, load) => {
                if let Some(load) = &load {
                    self.config_status(load);
                }
                let Some(doc) = self.docs.get_mut(&snap.uri) else {
                    return;
                };
                doc.in_flight = false;
                if snap.generation != doc.generation {
                    // Stale: the text changed while it was checked. The newer text is due.
                    return;
                }
                let snap: Arc<Snapshot> = Arc::from(snap);
                doc.checked = Some(snap.clone());
                if doc.format.is_some() {
                    let diags = diagnostics::all(&snap);
                    self.publish(snap.uri.clone(), diags, Some(snap.version));
                }
                let (ready, keep) = std::mem::take(&mut self.waiting)
                    .into_iter()
                    .partition(|w| w.uri == snap.uri);
                self.waiting = keep;
                for w in ready {
                    self.answer(w.request, &snap);
                }
            }
        }
    }

    /// Publishes a broken config's errors on the config file, or clears them once it loads.
    fn config_status(&mut self, load: &Load) {
        match &load.result {
            Ok(ws) => {
                if let Some(url) = ws.config.as_ref().and_then(|p| Url::from_file_path(p).ok())
                    && self.config_diagnostics.remove(&url)
                {
                    self.publish(url, Vec::new(), None);
                    // Announce the next breakage again, even if it is the same.
                    self.shown.clear();
                }
            }
            Err(e) => {
                self.show(MessageType::ERROR, e.summary());
                if let (LoadError::Config { failure, .. }, Ok(url)) =
                    (e, Url::from_file_path(e.path()))
                {
                    let diags = diagnostics::config_errors(failure, self.encoding);
                    self.config_diagnostics.insert(url.clone());
                    self.publish(url, diags, None);
                }
            }
        }
    }

    fn show(&mut self, typ: MessageType, message: String) {
        if self.shown.insert(message.clone()) {
            self.notify::<ShowMessage>(ShowMessageParams { typ, message });
        }
    }

    fn publish(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }
}
