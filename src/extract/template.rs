//! Template syntax is not prose (issue 22): the byte ranges of a page that a site generator
//! replaces or drops before a visitor sees it, found before any extractor runs.
//!
//! Site repositories keep their copy in files that are half template: Go/Hugo (`{{ .Title }}`,
//! `{{/* note */}}`, shortcodes `{{< figure >}}` and `{{% note %}}`), Liquid/Jekyll (`{{ page.x }}`,
//! `{% include %}`, `{% comment %}…{% endcomment %}`, `{% raw %}`), Nunjucks/Jinja (`{# … #}`) and
//! Handlebars (`{{!-- … --}}`). A [`Mask`] lists those ranges; the [`ProseBuilder`] of every
//! extractor drops text inside them, so the Markdown or HTML parser still sees the file as it is
//! (no offsets shift, no blanked line turns into an indented code block) while the prose it
//! yields never contains a template construct.
//!
//! A paired shortcode's inner content (`{{< highlight go >}}…{{< /highlight >}}`) is masked with
//! it unless the shortcode is a known *text* shortcode (`note`, `callout`, … or the config's
//! `text-shortcodes`), whose content is copy a visitor reads. `{% raw %}` content is prose read
//! literally: only its tags are masked. Vale-style `ignore-patterns` (the config's `block` and
//! `token` regexes) add ranges of their own.
//!
//! The scan is hand-written rather than a template engine's parser: we need only where each
//! construct starts and ends, in four dialects at once and in files no engine would accept whole
//! (a Markdown page with shortcodes), and a parser per engine would cost more build time than the
//! whole linter. Terminators are searched with `str::find` behind a cache of the next occurrence,
//! so a page full of unterminated `{{` stays linear.
//!
//! [`ProseBuilder`]: crate::document::ProseBuilder

use std::collections::HashMap;
use std::ops::Range;

use regex::Regex;

/// Paired shortcodes whose inner content is copy, not code or markup (Hugo's and common themes'
/// admonitions and quotes). The config's `text-shortcodes` replaces this list.
pub const TEXT_SHORTCODES: [&str; 16] = [
    "note",
    "tip",
    "info",
    "warning",
    "caution",
    "important",
    "danger",
    "alert",
    "notice",
    "hint",
    "callout",
    "admonition",
    "details",
    "quote",
    "blockquote",
    "aside",
];

/// What to mask besides the built-in template syntax.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// Paired shortcodes whose content is prose; `None` means [`TEXT_SHORTCODES`].
    pub text_shortcodes: Option<Vec<String>>,
    /// Vale's `BlockIgnores`: each match is masked and ends the sentence around it.
    pub ignore_block: Vec<Regex>,
    /// Vale's `TokenIgnores`: each match is masked like a word (a space in the prose).
    pub ignore_token: Vec<Regex>,
}

impl TemplateOptions {
    fn is_text_shortcode(&self, name: &str) -> bool {
        match &self.text_shortcodes {
            Some(list) => list.iter().any(|n| n.eq_ignore_ascii_case(name)),
            None => TEXT_SHORTCODES.iter().any(|n| n.eq_ignore_ascii_case(name)),
        }
    }
}

/// One masked range of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    pub range: Range<usize>,
    /// Whether the range separates sentences (a block construct) rather than words.
    pub breaks: bool,
}

/// The masked ranges of one source file: sorted, disjoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mask {
    ranges: Vec<Masked>,
}

impl Mask {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    #[must_use]
    pub fn ranges(&self) -> &[Masked] {
        &self.ranges
    }

    /// The masked ranges that overlap `range`, in order.
    #[must_use]
    pub fn overlapping(&self, range: Range<usize>) -> &[Masked] {
        let first = self.ranges.partition_point(|m| m.range.end <= range.start);
        let last = first + self.ranges[first..].partition_point(|m| m.range.start < range.end);
        &self.ranges[first..last]
    }

    /// Adds a range (an HTML page's front matter).
    pub fn add(&mut self, range: Range<usize>, breaks: bool) {
        self.extend([range], breaks);
    }

    /// Adds ranges (an MDX page's inline JSX tags).
    pub fn extend(&mut self, extra: impl IntoIterator<Item = Range<usize>>, breaks: bool) {
        let mut ranges = std::mem::take(&mut self.ranges);
        ranges.extend(extra.into_iter().map(|range| Masked { range, breaks }));
        *self = Self::normalise(ranges);
    }

    /// Sorts and merges overlapping or touching ranges (a merged range breaks if any part did).
    fn normalise(mut ranges: Vec<Masked>) -> Self {
        ranges.retain(|m| !m.range.is_empty());
        ranges.sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end)));
        let mut out: Vec<Masked> = Vec::with_capacity(ranges.len());
        for m in ranges {
            match out.last_mut() {
                Some(last) if m.range.start <= last.range.end => {
                    last.range.end = last.range.end.max(m.range.end);
                    last.breaks |= m.breaks;
                }
                _ => out.push(m),
            }
        }
        Self { ranges: out }
    }
}

/// The masked ranges of `src`: template syntax and the ignore patterns of `opts`.
#[must_use]
pub fn mask(src: &str, opts: &TemplateOptions) -> Mask {
    let mut ranges = Vec::new();
    if src.contains('{') {
        Scanner::new(src).scan(opts, &mut ranges);
    }
    for (patterns, breaks) in [(&opts.ignore_block, true), (&opts.ignore_token, false)] {
        for re in patterns {
            ranges.extend(re.find_iter(src).map(|m| Masked {
                range: m.range(),
                breaks,
            }));
        }
    }
    Mask::normalise(ranges)
}

/// A shortcode tag: `{{< name … >}}`, `{{% /name %}}`.
struct Shortcode {
    range: Range<usize>,
    name: String,
    closing: bool,
    self_closing: bool,
}

struct Scanner<'s> {
    src: &'s str,
    /// For each terminator, where it next occurs at or after the last search start (`None`: it
    /// never occurs again), so repeated searches for an absent terminator stay linear.
    next: HashMap<&'static str, (usize, Option<usize>)>,
}

impl<'s> Scanner<'s> {
    fn new(src: &'s str) -> Self {
        Self {
            src,
            next: HashMap::new(),
        }
    }

    /// The first occurrence of `needle` at or after `from`.
    fn find(&mut self, needle: &'static str, from: usize) -> Option<usize> {
        if let Some(&(searched_from, found)) = self.next.get(needle)
            && searched_from <= from
            && found.is_none_or(|f| f >= from)
        {
            return found;
        }
        let found = self
            .src
            .get(from..)
            .and_then(|rest| rest.find(needle))
            .map(|i| from + i);
        self.next.insert(needle, (from, found));
        found
    }

    fn scan(&mut self, opts: &TemplateOptions, out: &mut Vec<Masked>) {
        let bytes = self.src.as_bytes();
        let mut shortcodes: Vec<Shortcode> = Vec::new();
        let mut pos = 0;
        while let Some(open) = self.find("{", pos) {
            let at = |i: usize| bytes.get(open + i).copied();
            let end = match (at(1), at(2)) {
                (Some(b'{'), Some(b'<' | b'%')) => self.shortcode(open, &mut shortcodes),
                (Some(b'{'), _) => self.expression(open).inspect(|&end| {
                    out.push(Masked {
                        range: open..end,
                        breaks: false,
                    });
                }),
                (Some(b'%'), _) => self.tag(open, out),
                (Some(b'#'), _) => self.find("#}", open + 2).map(|close| {
                    out.push(Masked {
                        range: open..close + 2,
                        breaks: false,
                    });
                    close + 2
                }),
                _ => None,
            };
            pos = end.unwrap_or(open + 1);
        }
        pair_shortcodes(&shortcodes, opts, out);
    }

    /// `{{ … }}`, `{{/* … */}}`, `{{!-- … --}}`, `{{{ … }}}`: the end of the expression opening at
    /// `open`, or `None` when it is never closed (then it is left as text).
    fn expression(&mut self, open: usize) -> Option<usize> {
        let rest = &self.src[open + 2..];
        let inner = rest.trim_start_matches(['-', '~']).trim_start();
        let inner_at = open + 2 + (rest.len() - inner.len());
        if inner.starts_with("/*") {
            // A Go template comment ends at `*/` followed by `}}` (with optional `-` trim).
            let mut from = inner_at + 2;
            loop {
                let close = self.find("*/", from)?;
                let after = self.src[close + 2..].trim_start_matches([' ', '\t', '\n', '\r', '-']);
                if after.starts_with("}}") {
                    return Some(self.src.len() - after.len() + 2);
                }
                from = close + 2;
            }
        }
        if rest.starts_with("!--") {
            return self.find("--}}", open + 5).map(|c| c + 4);
        }
        if rest.starts_with('{') {
            return self.find("}}}", open + 3).map(|c| c + 3);
        }
        self.find("}}", open + 2).map(|c| c + 2)
    }

    /// A shortcode tag opening at `open`; recorded for pairing, its end returned.
    fn shortcode(&mut self, open: usize, out: &mut Vec<Shortcode>) -> Option<usize> {
        let delim = self.src.as_bytes()[open + 2];
        let (closer, closer_len) = if delim == b'<' {
            (">}}", 3)
        } else {
            ("%}}", 3)
        };
        let close = self.find(closer, open + 3)?;
        let end = close + closer_len;
        // `{{</* x */>}}` is Hugo's escaped shortcode: shown literally, but still not copy.
        let inner = self.src[open + 3..close].trim();
        let inner = inner
            .strip_prefix("/*")
            .and_then(|i| i.strip_suffix("*/"))
            .map_or(inner, str::trim);
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, inner),
        };
        let self_closing = inner.ends_with('/');
        let name: String = inner
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
            .collect();
        out.push(Shortcode {
            range: open..end,
            name,
            closing,
            self_closing,
        });
        Some(end)
    }

    /// A Liquid / Jinja / Nunjucks tag `{% … %}` opening at `open`. `comment`, `raw` and
    /// `highlight` blocks are handled here, since their content is not tokenized.
    fn tag(&mut self, open: usize, out: &mut Vec<Masked>) -> Option<usize> {
        let close = self.find("%}", open + 2)?;
        let end = close + 2;
        let name = self.src[open + 2..close]
            .trim_start_matches('-')
            .trim_start()
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let (end_name, content_is_prose) = match name.as_str() {
            "comment" => ("endcomment", false),
            "highlight" => ("endhighlight", false),
            "raw" => ("endraw", true),
            "verbatim" => ("endverbatim", true),
            _ => {
                out.push(Masked {
                    range: open..end,
                    breaks: false,
                });
                return Some(end);
            }
        };
        let Some(closing) = self.end_tag(end, end_name) else {
            out.push(Masked {
                range: open..end,
                breaks: true,
            });
            return Some(end);
        };
        if content_is_prose {
            out.push(Masked {
                range: open..end,
                breaks: false,
            });
            out.push(Masked {
                range: closing.clone(),
                breaks: false,
            });
        } else {
            out.push(Masked {
                range: open..closing.end,
                breaks: true,
            });
        }
        Some(closing.end)
    }

    /// The range of the first `{% end_name %}` at or after `from`.
    fn end_tag(&mut self, from: usize, end_name: &str) -> Option<Range<usize>> {
        let mut at = from;
        loop {
            let open = self.find("{%", at)?;
            let close = self.find("%}", open + 2)?;
            let name = self.src[open + 2..close]
                .trim_matches(|c: char| c == '-' || c.is_whitespace())
                .to_ascii_lowercase();
            if name == end_name {
                return Some(open..close + 2);
            }
            at = open + 2;
        }
    }
}

/// Masks shortcode tags, and the content of paired shortcodes that are not text shortcodes. A
/// lone tag (`{{< ref "x" >}}` inside a sentence) stands for a word; the tags of a pair end the
/// sentence, as the block they wrap does.
fn pair_shortcodes(tags: &[Shortcode], opts: &TemplateOptions, out: &mut Vec<Masked>) {
    let mut paired = vec![false; tags.len()];
    let mut open: Vec<usize> = Vec::new();
    for (idx, t) in tags.iter().enumerate() {
        if t.self_closing {
            continue;
        }
        if !t.closing {
            open.push(idx);
            continue;
        }
        // The nearest unclosed opener of the same name; openers above it were standalone.
        if let Some(i) = open.iter().rposition(|&o| tags[o].name == t.name) {
            let opener = open[i];
            open.truncate(i);
            paired[opener] = true;
            paired[idx] = true;
            if !opts.is_text_shortcode(&tags[opener].name) {
                out.push(Masked {
                    range: tags[opener].range.start..t.range.end,
                    breaks: true,
                });
            }
        }
    }
    out.extend(tags.iter().zip(paired).map(|(t, breaks)| Masked {
        range: t.range.clone(),
        breaks,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The masked pieces of `src`, each with whether it breaks the sentence.
    fn parts_with<'a>(src: &'a str, opts: &TemplateOptions) -> Vec<(&'a str, bool)> {
        mask(src, opts)
            .ranges()
            .iter()
            .map(|m| (&src[m.range.clone()], m.breaks))
            .collect()
    }

    fn parts(src: &str) -> Vec<(&str, bool)> {
        parts_with(src, &TemplateOptions::default())
    }

    #[test]
    fn go_expressions_and_comments() {
        assert_eq!(parts("Hi {{ .Title }} now"), [("{{ .Title }}", false)]);
        assert_eq!(
            parts("a {{/* \"a miracle }} cure\" */}} b"),
            [("{{/* \"a miracle }} cure\" */}}", false)]
        );
        assert_eq!(parts("a {{- /* x */ -}} b"), [("{{- /* x */ -}}", false)]);
        assert_eq!(
            parts("x {{!-- a }} b --}} y"),
            [("{{!-- a }} b --}}", false)]
        );
        assert_eq!(parts("x {{{ raw }}} y"), [("{{{ raw }}}", false)]);
        assert_eq!(
            parts("x {{ open and {{ y }}"),
            [("{{ open and {{ y }}", false)]
        );
        // Never closed: left as text.
        assert!(parts("x {{ never closed").is_empty());
    }

    #[test]
    fn shortcodes_mask_their_content_unless_they_hold_text() {
        assert_eq!(
            parts("A {{< highlight go >}}cure(){{< /highlight >}} B"),
            [("{{< highlight go >}}cure(){{< /highlight >}}", true)]
        );
        assert_eq!(
            parts("{{% note %}}Ask us.{{% /note %}}"),
            [("{{% note %}}", true), ("{{% /note %}}", true)]
        );
        // A lone tag stands for a word.
        assert_eq!(
            parts("x {{< figure src=\"a\" />}} y"),
            [("{{< figure src=\"a\" />}}", false)]
        );
        assert_eq!(
            parts("{{< ref \"a\" >}} cure"),
            [("{{< ref \"a\" >}}", false)]
        );
        let opts = TemplateOptions {
            text_shortcodes: Some(vec!["highlight".into()]),
            ..TemplateOptions::default()
        };
        assert_eq!(
            parts_with(
                "{{< note >}}x{{< /note >}} {{< highlight >}}y{{< /highlight >}}",
                &opts
            ),
            [
                ("{{< note >}}x{{< /note >}}", true),
                ("{{< highlight >}}", true),
                ("{{< /highlight >}}", true)
            ]
        );
    }

    #[test]
    fn liquid_and_jinja() {
        assert_eq!(
            parts("a {% include x.html %} b"),
            [("{% include x.html %}", false)]
        );
        assert_eq!(
            parts("a {% comment %} miracle {% endcomment %} b"),
            [("{% comment %} miracle {% endcomment %}", true)]
        );
        assert_eq!(
            parts("a {%- raw -%}{{ shown }}{% endraw %} b"),
            [("{%- raw -%}", false), ("{% endraw %}", false)]
        );
        assert_eq!(parts("a {# miracle #} b"), [("{# miracle #}", false)]);
        assert_eq!(
            parts("{% highlight ruby %}cure{% endhighlight %}."),
            [("{% highlight ruby %}cure{% endhighlight %}", true)]
        );
    }

    #[test]
    fn ignore_patterns() {
        let opts = TemplateOptions {
            ignore_block: vec![Regex::new(r"(?s)<Chart.*?</Chart>").unwrap()],
            ignore_token: vec![Regex::new(r"\$\{[^}]*\}").unwrap()],
            ..TemplateOptions::default()
        };
        assert_eq!(
            parts_with("a <Chart>cure</Chart> b ${x} c", &opts),
            [("<Chart>cure</Chart>", true), ("${x}", false)]
        );
    }

    #[test]
    fn overlapping_lookup() {
        let src = "a {{ x }} b {{ y }} c";
        let m = mask(src, &TemplateOptions::default());
        assert_eq!(m.ranges().len(), 2);
        assert_eq!(m.overlapping(0..3).len(), 1);
        assert_eq!(m.overlapping(8..13).len(), 2);
        assert_eq!(m.overlapping(12..13).len(), 1);
        assert_eq!(m.overlapping(0..100).len(), 2);
        assert!(m.overlapping(9..12).is_empty());
    }

    #[test]
    fn garbage_does_not_panic_and_prose_survives() {
        for src in [
            "{{/*é*/}}",
            "{%é",
            "{{<é>}}",
            "{{ é",
            "{{%/é%}}",
            "{#é",
            "{{!--é",
            "{{{é}}",
            "{{/* */ é",
            "{% raw %}é",
            "{% comment %}",
            "{{< /x >}}{{< x >}}",
            "{",
            "{{",
            "é{",
        ] {
            let m = mask(src, &TemplateOptions::default());
            for r in m.ranges() {
                assert!(src.is_char_boundary(r.range.start) && src.is_char_boundary(r.range.end));
            }
            let ex = crate::extract::extract(crate::extract::Format::Markdown, src);
            let _ = ex.blocks;
        }
        // Masked text never reaches the prose, and the words around it keep their places.
        let src = "Caf\u{e9} {{ .X }} open {{/* a miracle */}} daily.";
        let b = &crate::extract::extract(crate::extract::Format::Text, src).blocks[0];
        assert_eq!(b.text, "Caf\u{e9} open daily.");
        let at = b.text.find("daily").unwrap();
        assert_eq!(&src[b.source_range(at..at + 5)], "daily");
    }

    #[test]
    fn many_unclosed_openers_stay_linear() {
        let src = "{{ {% {# {{< ".repeat(50_000);
        let m = mask(&src, &TemplateOptions::default());
        assert!(m.is_empty());
    }
}
