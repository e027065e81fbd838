//! Word documents: `check draft.docx` (body, tables, headers, footers, footnotes, text boxes,
//! tracked changes, phrases split across runs, `¶` positions) and `annotate` (comments on exact
//! spans, tracked replacements and insertions, never touching the input). The documents are built
//! here, in our own words; one was saved by `LibreOffice` (tests/fixtures/docx) and one is built in
//! the shape Google Docs exports. A real client, `LibreOffice`, opens the annotated files when
//! `soffice` is installed (CI installs it and sets `CLAIMLINT_REQUIRE_LIBREOFFICE=1`).

use crate::config::{code, run, stderr, stdout};
use claimlint::extract::docx;
use quick_xml::events::Event;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml""#;

/// A .docx package: `[Content_Types].xml`, the package relationships, and `parts` (name, XML),
/// with relationships from the document to each header, footer, footnotes and comments part.
fn package(parts: &[(&str, String)]) -> Vec<u8> {
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (i, (name, _)) in parts.iter().enumerate() {
        let kind = name
            .trim_start_matches("word/")
            .trim_end_matches(".xml")
            .trim_end_matches(char::is_numeric);
        let (ct, rel) = match kind {
            "document" => ("document.main", None),
            "header" => ("header", Some("header")),
            "footer" => ("footer", Some("footer")),
            "footnotes" => ("footnotes", Some("footnotes")),
            "comments" => ("comments", Some("comments")),
            _ => continue,
        };
        types.push_str(&format!(
            r#"<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{ct}+xml"/>"#
        ));
        if let Some(rel) = rel {
            rels.push_str(&format!(
                r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{rel}" Target="{}"/>"#,
                name.trim_start_matches("word/")
            ));
        }
    }
    types.push_str("</Types>");
    rels.push_str("</Relationships>");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut add = |name: &str, body: &str| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    };
    add("[Content_Types].xml", &types);
    add(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
    );
    add("word/_rels/document.xml.rels", &rels);
    for (name, body) in parts {
        add(name, body);
    }
    zip.finish().unwrap().into_inner()
}

/// The document part around `body`; `sect` is the body's section properties (where a header is
/// referenced).
fn document(body: &str, sect: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}<w:sectPr>{sect}</w:sectPr></w:body></w:document>"#
    )
}

fn p(runs: &str) -> String {
    format!("<w:p>{runs}</w:p>")
}

fn r(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

/// Our test draft: a heading, a phrase split across a bold boundary, tracked changes, a table, a
/// text box (with the VML fallback copy Word writes), a footnote, a header and a footer.
fn draft() -> Vec<u8> {
    let body = [
        r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Calmer Days at Harbour Clinic</w:t></w:r></w:p>"#.to_string(),
        p(&format!(
            "{}<w:r><w:rPr><w:b/></w:rPr><w:t>changer</w:t></w:r>{}",
            r("TMS is a new game-"),
            r(" treatment &amp; more.")
        )),
        p(&format!(
            r#"{}<w:del w:id="1" w:author="Ann" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>miracle </w:delText></w:r></w:del><w:ins w:id="2" w:author="Ann" w:date="2026-01-01T00:00:00Z"><w:r><w:t>quiet</w:t></w:r></w:ins>{}"#,
            r("Our team offers a "),
            r(" room. It is guaranteed to help.")
        )),
        format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            p(&r("Sessions")),
            p(&r("Ketamine is completely safe."))
        ),
        p(&format!(
            r#"{}<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>{box_}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{box_}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#,
            r("Ketamine sessions run on weekdays."),
            box_ = p(&r("Ketamine is a miracle for low mood."))
        )),
        p(&format!(
            r#"{}<w:r><w:footnoteReference w:id="1"/></w:r>{}"#,
            r("Read our notes"),
            r(".")
        )),
    ]
    .concat();
    let header = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:hdr {NS}>{}</w:hdr>"#,
        p(&r("A revolutionary clinic"))
    );
    let footer = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:ftr {NS}>{}</w:ftr>"#,
        p(&r("Ketamine cures PTSD."))
    );
    let footnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:footnotes {NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1">{}</w:footnote></w:footnotes>"#,
        p(
            r#"<w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> It works instantly for everyone.</w:t></w:r>"#
        )
    );
    package(&[
        (
            "word/document.xml",
            document(
                &body,
                r#"<w:headerReference w:type="default" r:id="rId1"/><w:footerReference w:type="default" r:id="rId2"/>"#,
            ),
        ),
        ("word/header1.xml", header),
        ("word/footer1.xml", footer),
        ("word/footnotes.xml", footnotes),
    ])
}

/// The draft's text, one line per paragraph, as claimlint reads it.
const DRAFT_TEXT: &str = "Calmer Days at Harbour Clinic\n\
TMS is a new game-changer treatment & more.\n\
Our team offers a quiet room. It is guaranteed to help.\n\
Sessions\n\
Ketamine is completely safe.\n\
Ketamine sessions run on weekdays.\n\
Ketamine is a miracle for low mood.\n\
Read our notes.\n\
A revolutionary clinic\n\
Ketamine cures PTSD.\n\
\n \
It works instantly for everyone.\n";

fn temp_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn json(dir: &Path, args: &[&str]) -> (Vec<Value>, i32) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let o = run(dir, &all);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| {
        panic!("{e}: {}", stdout(&o));
    });
    (v.as_array().unwrap().clone(), code(&o))
}

/// (rule, line, column, matched) of each non-caveat diagnostic.
fn rows(diags: &[Value]) -> Vec<(String, u64, u64, String)> {
    diags
        .iter()
        .filter(|d| d["category"] != "missing-caveat")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
                d["matched"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_text_is_every_part_one_paragraph_per_line() {
    use claimlint::document::BlockKind;
    let doc = docx::read(&draft()).unwrap();
    assert_eq!(doc.text, DRAFT_TEXT);
    // The heading and the table cells are known as such.
    let kinds: Vec<BlockKind> = doc.paragraphs.iter().map(|p| p.kind).collect();
    assert_eq!(kinds[0], BlockKind::Heading);
    assert_eq!(kinds[3..5], [BlockKind::TableCell, BlockKind::TableCell]);
}

#[test]
fn check_reads_every_part_with_paragraph_positions() {
    let dir = temp_with(&[("draft.docx", &draft())]);
    let (diags, exit) = json(dir.path(), &["draft.docx"]);
    assert_eq!(exit, 1);
    let row = |rule: &str, line, column, matched: &str| {
        (rule.to_string(), line, column, matched.to_string())
    };
    let got = rows(&diags);
    for want in [
        // Split across a bold boundary; `&amp;` decoded.
        row("hype/game-changer", 2, 14, "game-changer"),
        // After the tracked insertion "quiet", which counts.
        row("efficacy/guarantee", 3, 37, "guaranteed"),
        // A table cell.
        row("safety/absolute-safety", 5, 13, "completely safe"),
        // A text box.
        row("hype/miracle", 7, 15, "miracle"),
        // Header, footer, footnote.
        row("hype/revolutionary", 9, 3, "revolutionary"),
        row("off-label/unapproved-use", 10, 10, "cures PTSD"),
        row("efficacy/instant", 12, 5, "works instantly"),
    ] {
        assert!(got.contains(&want), "{want:?} not in {got:#?}");
    }
    // The deleted "miracle" is not read, and the text box is read once (not again from its VML
    // fallback).
    let miracles: Vec<_> = got.iter().filter(|r| r.3 == "miracle").collect();
    assert_eq!(miracles, [&row("hype/miracle", 7, 15, "miracle")]);
    // `offset` is the byte offset in the text above (UTF-8, paragraphs joined by newlines).
    let first = diags
        .iter()
        .find(|d| d["rule"] == "hype/game-changer")
        .unwrap();
    let offset = usize::try_from(first["start"]["offset"].as_u64().unwrap()).unwrap();
    assert_eq!(&DRAFT_TEXT[offset..offset + 12], "game-changer");
    assert!(first["note"].as_str().unwrap().contains("21 CFR"));
}

#[test]
fn human_output_names_paragraphs() {
    let dir = temp_with(&[("draft.docx", &draft())]);
    let o = run(
        dir.path(),
        &["check", "--select", "hype/game-changer", "draft.docx"],
    );
    let out = stdout(&o);
    assert!(out.contains("--> draft.docx:\u{b6}2:14\n"), "{out}");
    assert!(
        out.contains("2 | TMS is a new game-changer treatment & more."),
        "{out}"
    );
}

#[test]
fn a_broken_document_is_one_line_and_the_other_files_are_checked() {
    let dir = temp_with(&[
        ("broken.docx", b"PK\x03\x04 not really a zip"),
        ("no-body.docx", &package(&[])),
        ("page.txt", b"A miracle cure.\n"),
    ]);
    let o = run(dir.path(), &["check", "--format", "concise", "."]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("error: ./broken.docx: not a Word document (not a zip archive"));
    assert_eq!(
        lines[1],
        "error: ./no-body.docx: not a Word document (no word/document.xml in the package)"
    );
    assert!(stdout(&o).contains("./page.txt:1:3: warning[hype/miracle]"));
}

#[test]
fn fix_does_not_write_a_word_document() {
    let bytes = draft();
    let dir = temp_with(&[("draft.docx", &bytes)]);
    let o = run(dir.path(), &["check", "--fix", "draft.docx"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(
        "error: draft.docx: a Word or OpenDocument file is not fixed in place; use `claimlint annotate --track-changes` on a .docx"
    ));
    assert_eq!(std::fs::read(dir.path().join("draft.docx")).unwrap(), bytes);
}

/// The named part of a package.
fn part(bytes: &[u8], name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut f = zip.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    Some(s)
}

/// For each comment id, the text its range covers in `xml`, as it reads with the tracked changes
/// accepted (`w:t` only).
fn anchors(xml: &str) -> BTreeMap<String, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut open: Vec<String> = Vec::new();
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut in_t = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let id = || {
                    e.try_get_attribute("w:id")
                        .unwrap()
                        .map(|a| a.value.to_string())
                        .unwrap()
                };
                match e.name().as_ref() {
                    "w:commentRangeStart" => {
                        let id = id();
                        out.entry(id.clone()).or_default();
                        open.push(id);
                    }
                    "w:commentRangeEnd" => {
                        let id = id();
                        open.retain(|o| *o != id);
                    }
                    "w:t" => in_t = true,
                    _ => {}
                }
            }
            Event::End(e) if e.name().as_ref() == "w:t" => in_t = false,
            Event::Text(t) if in_t => {
                for id in &open {
                    out.get_mut(id).unwrap().push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(g) if in_t => {
                let s = quick_xml::escape::resolve_predefined_entity(&g.into_inner())
                    .unwrap_or("")
                    .to_string();
                for id in &open {
                    out.get_mut(id).unwrap().push_str(&s);
                }
            }
            _ => {}
        }
    }
    out
}

/// The comments of a comments part: id → (author, text with paragraphs on lines).
fn comments(xml: &str) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for chunk in xml.split("<w:comment ").skip(1) {
        let attr = |name: &str| {
            let at = chunk.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            chunk[at..at + chunk[at..].find('"').unwrap()].to_string()
        };
        let body = &chunk[..chunk.find("</w:comment>").unwrap()];
        let text: Vec<String> = body
            .split("</w:p>")
            .map(|p| {
                let mut s = String::new();
                for t in p.split("<w:t").skip(1) {
                    let t = &t[t.find('>').unwrap() + 1..];
                    s.push_str(&t[..t.find("</w:t>").unwrap()]);
                }
                s.replace("&quot;", "\"").replace("&amp;", "&")
            })
            .filter(|s| !s.is_empty())
            .collect();
        out.insert(attr("w:id"), (attr("w:author"), text.join("\n")));
    }
    out
}

#[test]
fn annotate_comments_on_each_finding_and_never_touches_the_input() {
    let bytes = draft();
    let dir = temp_with(&[("draft.docx", &bytes)]);
    let o = run(
        dir.path(),
        &["annotate", "draft.docx", "-o", "draft.reviewed.docx"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(std::fs::read(dir.path().join("draft.docx")).unwrap(), bytes);
    let out = std::fs::read(dir.path().join("draft.reviewed.docx")).unwrap();
    let (diags, _) = json(dir.path(), &["draft.docx"]);
    assert_eq!(
        stderr(&o),
        format!(
            "wrote draft.reviewed.docx: {} comments, 0 tracked replacements, 0 tracked insertions\n",
            diags.len()
        )
    );
    // Without --track-changes the text is the same.
    assert_eq!(docx::read(&out).unwrap().text, DRAFT_TEXT);

    let body = part(&out, "word/document.xml").unwrap();
    let notes = comments(&part(&out, "word/comments.xml").unwrap());
    let anchored = anchors(&body);
    // Each finding in the body has a comment over exactly its words.
    let spans: Vec<&str> = anchored.values().map(String::as_str).collect();
    for matched in ["game-changer", "guaranteed", "completely safe", "miracle"] {
        assert!(spans.contains(&matched), "{matched} in {spans:?}");
    }
    let (id, _) = anchored
        .iter()
        .find(|(_, t)| *t == "completely safe")
        .unwrap();
    let (author, text) = &notes[id];
    assert_eq!(author, "claimlint");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "presents the treatment as completely safe");
    assert!(lines[1].starts_with("Balanced wording: Ketamine has risks"));
    assert_eq!(lines[2], "Rule: safety/absolute-safety (error)");
    assert!(lines[3].starts_with("Basis: fair balance requires"));
    // The header's finding is commented on the first paragraph, quoting it.
    assert!(
        notes.values().any(|(_, t)| t.starts_with(
            "In a header, \u{201C}revolutionary\u{201D}: `revolutionary` language oversells"
        )),
        "{notes:#?}"
    );
    assert_eq!(notes.len(), diags.len());
    // The package says where the comments are.
    assert!(
        part(&out, "[Content_Types].xml")
            .unwrap()
            .contains("/word/comments.xml")
    );
    assert!(
        part(&out, "word/_rels/document.xml.rels")
            .unwrap()
            .contains("relationships/comments\" Target=\"comments.xml\"")
    );
}

#[test]
fn annotate_refuses_to_overwrite() {
    let bytes = draft();
    let dir = temp_with(&[("draft.docx", &bytes), ("out.docx", b"keep me")]);
    let o = run(dir.path(), &["annotate", "draft.docx", "-o", "out.docx"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: out.docx: exists; use --force to replace it\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("out.docx")).unwrap(),
        b"keep me"
    );
    let o = run(
        dir.path(),
        &["annotate", "draft.docx", "-o", "draft.docx", "--force"],
    );
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: draft.docx: is the input; the input is never modified\n"
    );
    let o = run(
        dir.path(),
        &["annotate", "draft.docx", "-o", "out.docx", "--force"],
    );
    assert_eq!(code(&o), 1);
    assert!(docx::read(&std::fs::read(dir.path().join("out.docx")).unwrap()).is_ok());
    assert_eq!(std::fs::read(dir.path().join("draft.docx")).unwrap(), bytes);
}

/// A draft that promotes ketamine without its caveats, with two safe fixes.
fn caveat_draft() -> Vec<u8> {
    let body = [
        p(&r(
            "Ketamine infusions at Harbour Clinic are a game-changer.",
        )),
        p(&format!(
            "{}<w:r><w:rPr><w:i/></w:rPr><w:t>ground</w:t></w:r>{}",
            r("Our new, "),
            r("breaking ketamine protocol suits busy adults.")
        )),
    ]
    .concat();
    package(&[("word/document.xml", document(&body, ""))])
}

#[test]
fn track_changes_replaces_safe_fixes_and_inserts_missing_caveats() {
    let bytes = caveat_draft();
    let dir = temp_with(&[("draft.docx", &bytes)]);
    let o = run(
        dir.path(),
        &[
            "annotate",
            "--track-changes",
            "draft.docx",
            "-o",
            "out.docx",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = std::fs::read(dir.path().join("out.docx")).unwrap();
    let body = part(&out, "word/document.xml").unwrap();
    // Read with the changes accepted: the fixes read well and the caveats follow the text.
    let accepted = docx::read(&out).unwrap().text;
    let mut lines = accepted.lines();
    assert_eq!(
        lines.next(),
        Some("Ketamine infusions at Harbour Clinic are a new option.")
    );
    assert_eq!(
        lines.next(),
        Some("Our new ketamine protocol suits busy adults.")
    );
    let caveats: Vec<&str> = lines.collect();
    assert_eq!(caveats.len(), 5, "{caveats:?}");
    assert!(caveats.contains(
        &"Ask a licensed clinician whether ketamine suits you and what other options you have."
    ));
    // The deleted words keep their runs' formatting; every change is by claimlint.
    assert!(body.contains(
        r#"<w:r><w:rPr><w:i/></w:rPr><w:delText xml:space="preserve">ground</w:delText></w:r>"#
    ));
    assert!(body.contains(r#"<w:delText xml:space="preserve">game-changer</w:delText>"#));
    assert!(body.matches("<w:ins ").count() >= 6);
    assert!(!body.contains("w:author=\"Ann\""));
    assert!(stderr(&o).ends_with(": 7 comments, 2 tracked replacements, 5 tracked insertions\n"));
    assert_eq!(std::fs::read(dir.path().join("draft.docx")).unwrap(), bytes);
}

/// A document in the shape Google Docs exports: zero revision ids on every paragraph and run,
/// `w14:paraId`s, `w:rtl` run properties, bookmarks at headings, a hyperlink, and a reviewer's
/// comment already in the file.
fn google_docs_draft() -> Vec<u8> {
    let para = |id: u32, style: Option<&str>, runs: &str| {
        let style = style.map_or(String::new(), |s| format!(r#"<w:pStyle w:val="{s}"/>"#));
        format!(
            r#"<w:p w:rsidR="00000000" w:rsidDel="00000000" w:rsidP="00000000" w:rsidRDefault="00000000" w:rsidRPr="00000000" w14:paraId="{id:08X}"><w:pPr>{style}<w:rPr/></w:pPr>{runs}</w:p>"#
        )
    };
    let run = |text: &str| {
        format!(
            r#"<w:r w:rsidDel="00000000" w:rsidR="00000000" w:rsidRPr="00000000"><w:rPr><w:rtl w:val="0"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
        )
    };
    let body = [
        para(
            1,
            Some("Title"),
            &format!(
                r#"<w:bookmarkStart w:colFirst="0" w:colLast="0" w:name="gjdgxs" w:id="0"/><w:bookmarkEnd w:id="0"/>{}"#,
                run("A Breakthrough in Calm")
            ),
        ),
        para(
            2,
            None,
            &format!(
                r#"<w:commentRangeStart w:id="0"/>{}<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>{}<w:hyperlink w:anchor="gjdgxs"><w:r><w:rPr><w:color w:val="1155cc"/><w:u w:val="single"/></w:rPr><w:t xml:space="preserve">our </w:t></w:r><w:r><w:rPr><w:color w:val="1155cc"/><w:u w:val="single"/></w:rPr><w:t>revolutionary</w:t></w:r></w:hyperlink>{}"#,
                run("Welcome."),
                run(" Read about "),
                run(" sessions, which work instantly.")
            ),
        ),
    ]
    .concat();
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS} xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"><w:body>{body}<w:sectPr><w:pgSz w:h="15840" w:w="12240" w:orient="portrait"/><w:pgMar w:bottom="1440" w:top="1440" w:left="1440" w:right="1440" w:header="720" w:footer="720"/><w:pgNumType w:start="1"/></w:sectPr></w:body></w:document>"#
    );
    let comments = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {NS}><w:comment w:id="0" w:author="A Reviewer" w:date="2026-02-01T10:00:00Z" w:initials=""><w:p><w:pPr><w:pStyle w:val="CommentText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r><w:r><w:t xml:space="preserve">Warmer greeting?</w:t></w:r></w:p></w:comment></w:comments>"#
    );
    package(&[("word/document.xml", doc), ("word/comments.xml", comments)])
}

#[test]
fn a_google_docs_export_is_read_and_annotated() {
    let dir = temp_with(&[("gdoc.docx", &google_docs_draft())]);
    let (diags, _) = json(dir.path(), &["gdoc.docx"]);
    assert_eq!(
        rows(&diags),
        vec![
            (
                "hype/breakthrough".to_string(),
                1,
                3,
                "Breakthrough".to_string()
            ),
            (
                "hype/revolutionary".to_string(),
                2,
                25,
                "revolutionary".to_string()
            ),
            (
                "efficacy/instant".to_string(),
                2,
                55,
                "work instantly".to_string()
            ),
        ]
    );
    let o = run(
        dir.path(),
        &["annotate", "--track-changes", "gdoc.docx", "-o", "out.docx"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = std::fs::read(dir.path().join("out.docx")).unwrap();
    let notes = comments(&part(&out, "word/comments.xml").unwrap());
    // The reviewer's comment is kept; ours come after it with ids of their own.
    assert_eq!(
        notes["0"],
        ("A Reviewer".to_string(), "Warmer greeting?".to_string())
    );
    assert_eq!(notes.len(), 4);
    let anchored = anchors(&part(&out, "word/document.xml").unwrap());
    assert_eq!(anchored["0"], "Welcome.");
    let spans: Vec<&str> = anchored.values().map(String::as_str).collect();
    // Inside the hyperlink too.
    assert!(spans.contains(&"revolutionary"), "{spans:?}");
    assert!(spans.contains(&"work instantly"), "{spans:?}");
}

#[test]
fn a_libreoffice_saved_document_is_read_and_annotated() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docx/libreoffice-saved.docx");
    let bytes = std::fs::read(&fixture).unwrap();
    let dir = temp_with(&[("lo.docx", &bytes)]);
    let (diags, _) = json(dir.path(), &["lo.docx"]);
    let got = rows(&diags);
    assert_eq!(
        got,
        vec![
            (
                "hype/game-changer".to_string(),
                1,
                3,
                "Game-Changer".to_string()
            ),
            // "ground" is bold and "breaking" is not.
            (
                "hype/groundbreaking".to_string(),
                2,
                106,
                "groundbreaking".to_string()
            ),
            (
                "efficacy/guarantee".to_string(),
                2,
                130,
                "works for everyone".to_string()
            ),
            (
                "safety/absolute-safety".to_string(),
                4,
                13,
                "completely safe".to_string()
            ),
        ]
    );
    let o = run(
        dir.path(),
        &["annotate", "--track-changes", "lo.docx", "-o", "out.docx"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = std::fs::read(dir.path().join("out.docx")).unwrap();
    let text = docx::read(&out).unwrap().text;
    assert!(text.starts_with("A New Option for Low Mood\n"), "{text}");
    assert!(
        text.contains(" Our new protocol works for everyone.\n"),
        "{text}"
    );
}

/// `soffice`, if installed; when it is not, the `LibreOffice` tests skip with a message, unless
/// `CLAIMLINT_REQUIRE_LIBREOFFICE` is set (CI sets it after installing `LibreOffice`).
fn soffice() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("soffice"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CLAIMLINT_REQUIRE_LIBREOFFICE").is_none(),
            "CLAIMLINT_REQUIRE_LIBREOFFICE is set but soffice is not on PATH"
        );
        eprintln!(
            "skipped: soffice (LibreOffice) is not installed; `apt-get install libreoffice-writer-nogui` runs this test"
        );
    }
    found
}

/// Converts `file` with `LibreOffice` to `filter` (`txt:Text`, `docx:MS Word 2007 XML`) in `out`.
fn convert(soffice: &Path, profile: &Path, file: &Path, filter: &str, out: &Path) -> PathBuf {
    let o = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
        ])
        .arg(out)
        .arg(file)
        .output()
        .expect("run soffice");
    let ext = filter.split(':').next().unwrap();
    let result = out.join(file.with_extension(ext).file_name().unwrap());
    assert!(
        o.status.success() && result.is_file(),
        "LibreOffice could not open {}: {}{}",
        file.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    result
}

/// The paragraphs of a document part as they read with claimlint's changes rejected: its
/// insertions dropped, its deletions kept, and a paragraph whose mark it inserted joined to the
/// next (Word's reading; `LibreOffice` saves an appended paragraph that way).
fn rejected(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut paras = Vec::new();
    let mut cur: Option<String> = None;
    let mut ours_ins = 0;
    let mut in_text = false;
    let mut inserted_para = false;
    let mut in_ppr = false;
    let mut stack: Vec<bool> = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => {
                // A last paragraph whose mark was inserted: rejected, it is text of nothing.
                paras.extend(cur.take().filter(|p| !p.is_empty()));
                break;
            }
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                let ours = e
                    .try_get_attribute("w:author")
                    .unwrap()
                    .is_some_and(|a| a.value.as_ref() == "claimlint");
                let is_ours_ins = name == "w:ins" && ours;
                if is_ours_ins && in_ppr {
                    // An inserted paragraph mark, as LibreOffice writes it.
                    inserted_para = true;
                }
                stack.push(is_ours_ins);
                if is_ours_ins {
                    ours_ins += 1;
                }
                match name.as_str() {
                    "w:p" => {
                        // After an inserted paragraph mark, this paragraph continues that one.
                        if !inserted_para || cur.is_none() {
                            cur = Some(String::new());
                        }
                        inserted_para = false;
                    }
                    "w:t" | "w:delText" => in_text = true,
                    "w:pPr" => in_ppr = true,
                    _ => {}
                }
            }
            Event::Empty(e) => {
                let ours = e
                    .try_get_attribute("w:author")
                    .unwrap()
                    .is_some_and(|a| a.value.as_ref() == "claimlint");
                if e.name().as_ref() == "w:ins" && ours {
                    inserted_para = true;
                }
            }
            Event::End(e) => {
                if stack.pop() == Some(true) {
                    ours_ins -= 1;
                }
                match e.name().as_ref() {
                    "w:p" if !inserted_para => paras.extend(cur.take()),
                    "w:t" | "w:delText" => in_text = false,
                    "w:pPr" => in_ppr = false,
                    _ => {}
                }
            }
            Event::Text(t) if in_text && ours_ins == 0 => {
                if let Some(p) = cur.as_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(g) if in_text && ours_ins == 0 => {
                if let Some(p) = cur.as_mut() {
                    p.push_str(
                        quick_xml::escape::resolve_predefined_entity(&g.into_inner()).unwrap_or(""),
                    );
                }
            }
            _ => {}
        }
    }
    paras
}

#[test]
fn libreoffice_opens_annotated_documents_with_their_comments_and_changes() {
    let Some(soffice) = soffice() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let out_dir = dir.path().join("converted");
    let lo_fixture = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docx/libreoffice-saved.docx"),
    )
    .unwrap();
    for (name, bytes) in [
        ("caveats.docx", caveat_draft()),
        ("gdoc.docx", google_docs_draft()),
        ("lo.docx", lo_fixture),
    ] {
        std::fs::write(dir.path().join(name), &bytes).unwrap();
        let annotated = dir.path().join(format!("reviewed-{name}"));
        let o = run(
            dir.path(),
            &[
                "annotate",
                "--track-changes",
                name,
                "-o",
                annotated.to_str().unwrap(),
            ],
        );
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let ours = std::fs::read(&annotated).unwrap();
        let doc = docx::read(&ours).unwrap();
        // It opens: LibreOffice reads it and writes it out as text and as Word again.
        let txt = convert(&soffice, &profile, &annotated, "txt:Text", &out_dir);
        let txt = std::fs::read_to_string(txt).unwrap();
        let first_line = doc.text.lines().next().unwrap();
        assert!(txt.contains(first_line.split(' ').next().unwrap()), "{txt}");
        let again = convert(
            &soffice,
            &profile,
            &annotated,
            "docx:MS Word 2007 XML",
            &out_dir,
        );
        let again = std::fs::read(again).unwrap();
        // As LibreOffice saved it: the same text with our changes accepted…
        assert_eq!(docx::read(&again).unwrap().text, doc.text, "{name}");
        // …and the original text with them rejected.
        let body = part(&again, "word/document.xml").unwrap();
        let original = docx::read(&bytes).unwrap();
        let original_paras: Vec<&str> = original.text.lines().collect();
        assert_eq!(rejected(&body), original_paras, "{name}");
        // Every comment is there, by claimlint, still anchored on its words.
        let ours_notes = comments(&part(&ours, "word/comments.xml").unwrap());
        let their_notes = comments(&part(&again, "word/comments.xml").unwrap());
        let by = |notes: &BTreeMap<String, (String, String)>| {
            let mut v: Vec<(String, String)> = notes.values().cloned().collect();
            v.sort();
            v
        };
        assert_eq!(by(&their_notes), by(&ours_notes), "{name}");
        let mut a: Vec<String> = anchors(&part(&ours, "word/document.xml").unwrap())
            .into_values()
            .collect();
        let mut b: Vec<String> = anchors(&body).into_values().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{name}");
        // The tracked changes are still claimlint's.
        let changes = |xml: &str| xml.matches("w:author=\"claimlint\"").count() > 0;
        assert_eq!(
            changes(&body),
            changes(&part(&ours, "word/document.xml").unwrap()),
            "{name}"
        );
    }
}

/// Every prefix of the draft's document part, and the part with each of a spread of bytes
/// replaced by markup characters: reading never panics, and a document that reads can be
/// annotated (comments and tracked changes) without panicking.
#[test]
fn broken_xml_is_an_error_never_a_panic() {
    let rules = claimlint::rules::RuleSet::compile(claimlint::rules::builtin::sources()).unwrap();
    let good = part(&draft(), "word/document.xml").unwrap();
    let mut variants: Vec<String> = (0..good.len())
        .step_by(23)
        .filter(|&i| good.is_char_boundary(i))
        .map(|i| good[..i].to_string())
        .collect();
    for (k, i) in (0..good.len()).step_by(17).enumerate() {
        if !good.is_char_boundary(i) || !good.is_char_boundary(i + 1) {
            continue;
        }
        let c = ["<", ">", "/", "\"", "&", "<w:p>", "</w:r>", "<w:t>"][k % 8];
        variants.push(format!("{}{c}{}", &good[..i], &good[i + 1..]));
    }
    let (mut read, mut failed) = (0, 0);
    for xml in variants {
        let bytes = package(&[("word/document.xml", xml)]);
        match docx::read(&bytes) {
            Ok(doc) => {
                read += 1;
                let findings =
                    claimlint::check::check(&rules, claimlint::extract::Format::Docx, &doc.text);
                let opts = claimlint::annotate::Options {
                    track_changes: true,
                    date: "2026-01-01T00:00:00Z".into(),
                };
                let (out, _) =
                    claimlint::annotate::annotate(&bytes, &doc, &rules, &findings, &opts)
                        .expect("a document that reads annotates");
                assert!(docx::read(&out).is_ok());
            }
            Err(e) => {
                failed += 1;
                assert!(!e.0.contains('\n'), "{e}");
            }
        }
    }
    assert!(read > 20 && failed > 20, "{read} read, {failed} failed");
}

/// An `OpenDocument` text built here: a heading, spans, `text:s` spaces, a tracked deletion (kept
/// in `text:tracked-changes`) and insertion, a table, a footnote, and a header in `styles.xml`.
fn odt() -> Vec<u8> {
    const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/""#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body><office:text>
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info><dc:creator>Ann</dc:creator></office:change-info><text:p>miracle </text:p></text:deletion></text:changed-region><text:changed-region text:id="c2"><text:insertion><office:change-info><dc:creator>Ann</dc:creator></office:change-info></text:insertion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="1">Calmer Days</text:h>
<text:p>TMS is a <text:span text:style-name="T1">game-</text:span>changer<text:s text:c="2"/>treatment.</text:p>
<text:p>Our team offers a <text:change text:change-id="c1"/><text:change-start text:change-id="c2"/>quiet<text:change-end text:change-id="c2"/> room.</text:p>
<table:table><table:table-row><table:table-cell><text:p>Ketamine is completely safe.</text:p></table:table-cell></table:table-row></table:table>
<text:p>Read the note<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>It works instantly.</text:p></text:note-body></text:note>.</text:p>
</office:text></office:body></office:document-content>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NS}><office:styles><style:style style:name="Standard"/></office:styles><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>A revolutionary clinic</text:p></style:header></style:master-page></office:master-styles></office:document-styles>"#
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in [
        (
            "mimetype",
            "application/vnd.oasis.opendocument.text".to_string(),
        ),
        ("content.xml", content),
        ("styles.xml", styles),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn an_opendocument_text_is_checked_like_a_word_document() {
    assert_eq!(
        claimlint::extract::odt::read(&odt()).unwrap(),
        "Calmer Days\n\
         TMS is a game-changer  treatment.\n\
         Our team offers a quiet room.\n\
         Ketamine is completely safe.\n\
         Read the note.\n\
         It works instantly.\n\
         A revolutionary clinic\n"
    );
    let fixture = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docx/libreoffice-saved.odt"),
    )
    .unwrap();
    let dir = temp_with(&[("draft.odt", &odt()), ("lo.odt", &fixture)]);
    let (diags, _) = json(dir.path(), &["draft.odt"]);
    let got = rows(&diags);
    for want in [
        ("hype/game-changer", 2, 10, "game-changer"),
        ("safety/absolute-safety", 4, 13, "completely safe"),
        ("hype/revolutionary", 7, 3, "revolutionary"),
    ] {
        let want = (want.0.to_string(), want.1, want.2, want.3.to_string());
        assert!(got.contains(&want), "{want:?} not in {got:#?}");
    }
    assert!(!got.iter().any(|r| r.3 == "miracle"), "{got:#?}");
    // LibreOffice's own .odt of the fixture reads as its .docx does.
    let (from_odt, _) = json(dir.path(), &["lo.odt"]);
    let lo_docx = temp_with(&[(
        "lo.docx",
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/docx/libreoffice-saved.docx"),
        )
        .unwrap(),
    )]);
    let (from_docx, _) = json(lo_docx.path(), &["lo.docx"]);
    assert_eq!(rows(&from_odt), rows(&from_docx));
    let o = run(dir.path(), &["check", "--format", "concise", "draft.odt"]);
    assert!(stdout(&o).contains("draft.odt:2:10: warning[hype/game-changer]"));
    let o = run(dir.path(), &["annotate", "draft.odt", "-o", "out.docx"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: draft.odt: annotate writes Word documents; save the draft as .docx\n"
    );
}

#[test]
fn a_directory_walk_skips_words_owner_files() {
    let dir = temp_with(&[("draft.docx", &draft()), ("~$draft.docx", b"\x0bAnn\0\0\0")]);
    let o = run(dir.path(), &["check", "--format", "concise", "."]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert!(stdout(&o).lines().all(|l| l.starts_with("./draft.docx:")));
}
