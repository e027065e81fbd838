//! `.jsx` / `.tsx` components → prose blocks (issue 22), read only when the config opts in with
//! an `include` glob: a Next.js page or component is mostly code, and its copy is in two places,
//! the text children of JSX elements and the string values of props such as `title=` or `alt=`
//! (the config's `jsx-props`).
//!
//! The file is parsed with oxc's parser (`oxc_parser`, walked with `oxc_ast_visit`), never with
//! regexes: TypeScript generics (`<T,>`), comparisons and strings that look like tags are only
//! told apart by a real parser. oxc was chosen over swc's parser because it builds faster from a
//! clean checkout (about 100 s against 130 s for the parser and its dependencies alone, one job,
//! release; see docs/performance.md) and its AST carries byte spans into the source as it is,
//! which is all the offset map needs. A file the parser cannot read fully still yields the
//! prose of what it recovered; a file it gives up on yields none, never a panic.

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    JSXAttribute, JSXAttributeName, JSXAttributeValue, JSXExpression, JSXText, TemplateLiteral,
};
use oxc_ast_visit::{Visit, walk};
use oxc_span::{SourceType, Span};

use super::{Comment, Context};
use crate::document::{Block, BlockKind, ProseBuilder};

/// Extracts the JSX text and copy props of a `.jsx` / `.tsx` source.
pub(crate) fn extract_to(src: &str, cx: &Context<'_>, sink: &mut dyn FnMut(Block)) -> Vec<Comment> {
    let allocator = Allocator::default();
    // TSX is a superset of JSX for our purposes: every JSX file parses as TSX except for
    // arrow-function generics, which TSX reads as tags either way.
    let parsed = oxc_parser::Parser::new(&allocator, src, SourceType::tsx()).parse();
    let mut v = Collector {
        src,
        cx,
        b: cx.builder(),
        sink,
    };
    v.visit_program(&parsed.program);
    v.b.end_block(BlockKind::Paragraph);
    for b in v.b.finish() {
        (v.sink)(b);
    }
    Vec::new()
}

/// Elements whose content is not copy.
const SKIPPED: [&str; 6] = ["code", "pre", "script", "style", "svg", "textarea"];

/// Elements that do not start a block: their text belongs to the sentence around them.
const INLINE: [&str; 16] = [
    "a", "abbr", "b", "bdi", "bdo", "cite", "em", "i", "kbd", "mark", "q", "s", "small", "span",
    "strong", "u",
];

struct Collector<'s, 'c, 'o, 'k> {
    src: &'s str,
    cx: &'c Context<'o>,
    b: ProseBuilder,
    sink: &'k mut dyn FnMut(Block),
}

impl Collector<'_, '_, '_, '_> {
    /// Hands on the finished blocks (the walk is in source order, so they are final).
    fn emit(&mut self) {
        for b in self.b.finished().drain(..) {
            (self.sink)(b);
        }
    }

    /// Pushes the source text of `span` (string contents: quotes excluded by the caller).
    fn push(&mut self, start: u32, end: u32) {
        let (start, end) = (start as usize, end as usize);
        if let Some(text) = self.src.get(start..end) {
            self.b.text(text, start);
        }
    }

    /// A prop value (a string, or a template without expressions) as an attribute block.
    fn prop_value(&mut self, span: Span) {
        self.b.end_block(BlockKind::Paragraph);
        // The span covers the quotes.
        if span.end > span.start + 1 {
            self.push(span.start + 1, span.end - 1);
        }
        self.b.end_block(BlockKind::Attribute);
        self.emit();
    }

    fn template(&mut self, t: &TemplateLiteral<'_>) {
        if t.expressions.is_empty() {
            self.prop_value(t.span);
        }
    }
}

impl<'a> Visit<'a> for Collector<'_, '_, '_, '_> {
    fn visit_jsx_text(&mut self, it: &JSXText<'a>) {
        // Children of one element run together into a paragraph; an element boundary between
        // them (`<p>a</p><p>b</p>`) is closed by the next text's element, below.
        self.push(it.span.start, it.span.end);
    }

    fn visit_jsx_element(&mut self, it: &oxc_ast::ast::JSXElement<'a>) {
        let name = it.opening_element.name.get_identifier_name();
        let name = name.as_ref().map_or("", |n| n.as_str());
        if SKIPPED.contains(&name) {
            // Code samples and scripts are not copy.
            self.b.space(it.span.start as usize);
            return;
        }
        // Inline elements (`<b>`, `<a>`) run on in their sentence; any other element, and every
        // component, is a block of its own, so sentences never run across blocks.
        let inline = INLINE.contains(&name);
        if inline {
            walk::walk_jsx_element(self, it);
            return;
        }
        self.b.end_block(BlockKind::Paragraph);
        self.emit();
        walk::walk_jsx_element(self, it);
        self.b.end_block(BlockKind::Paragraph);
        self.emit();
    }

    fn visit_jsx_expression_container(&mut self, it: &oxc_ast::ast::JSXExpressionContainer<'a>) {
        // `{name}` inside text stands for a word; its own JSX is visited as usual.
        self.b.space(it.span.start as usize);
        walk::walk_jsx_expression_container(self, it);
    }

    fn visit_jsx_attribute(&mut self, it: &JSXAttribute<'a>) {
        let name = match &it.name {
            JSXAttributeName::Identifier(id) => id.name.as_str(),
            JSXAttributeName::NamespacedName(_) => "",
        };
        if self.cx.opts.is_jsx_prop(name) {
            match &it.value {
                Some(JSXAttributeValue::StringLiteral(s)) => self.prop_value(s.span),
                Some(JSXAttributeValue::ExpressionContainer(c)) => match &c.expression {
                    JSXExpression::StringLiteral(s) => self.prop_value(s.span),
                    JSXExpression::TemplateLiteral(t) => self.template(t),
                    _ => {}
                },
                _ => {}
            }
        }
        // Elements passed as props (`icon={<Icon />}`) hold JSX of their own.
        if let Some(JSXAttributeValue::Element(_) | JSXAttributeValue::Fragment(_)) = &it.value {
            walk::walk_jsx_attribute(self, it);
        } else if let Some(JSXAttributeValue::ExpressionContainer(c)) = &it.value
            && !matches!(
                c.expression,
                JSXExpression::StringLiteral(_) | JSXExpression::TemplateLiteral(_)
            )
        {
            walk::walk_jsx_attribute(self, it);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, extract_with};
    use crate::document::BlockKind;

    fn blocks(src: &str) -> Vec<(BlockKind, String, String)> {
        extract_with(Format::Jsx, src, &Options::default())
            .blocks
            .into_iter()
            .map(|b| {
                let r = b.source_range(0..b.text.len());
                (b.kind, b.text, src[r].to_string())
            })
            .collect()
    }

    #[test]
    fn text_children_and_copy_props() {
        let src = r#"import { Hero } from "./hero";
// A comment that says miracle cure is not prose.
const x: Array<number> = [1, 2].filter((n) => n < 2 && n > 0);
export default function Page() {
  const cls = "a miracle cure in a string that is not a prop";
  return (
    <main className="wrap">
      <Hero title="Fast relief from pain" image={<img alt="A smiling patient" src="/a.png" />} />
      <p>
        Ketamine may help some adults. {name} is here.
      </p>
      <p>Second &amp; <b>last</b>.<code>a miracle()</code></p>
      <Card label={"Ask your doctor"} note={`not a copy prop`} />
    </main>
  );
}
"#;
        let got = blocks(src);
        let texts: Vec<(BlockKind, &str)> = got.iter().map(|(k, t, _)| (*k, t.as_str())).collect();
        assert_eq!(
            texts,
            vec![
                (BlockKind::Attribute, "Fast relief from pain"),
                (BlockKind::Attribute, "A smiling patient"),
                (
                    BlockKind::Paragraph,
                    "Ketamine may help some adults. is here."
                ),
                (BlockKind::Paragraph, "Second &amp; last."),
                (BlockKind::Attribute, "Ask your doctor"),
            ]
        );
        // Spans point at the source.
        assert_eq!(got[0].2, "Fast relief from pain");
        assert_eq!(got[2].2, "Ketamine may help some adults. {name} is here.");
    }

    #[test]
    fn broken_files_do_not_panic() {
        for src in [
            "<p>unclosed",
            "const = <",
            "<A b={</A>",
            "\u{FEFF}<>x</>",
            "",
        ] {
            let _ = blocks(src);
        }
    }
}
