//! Segmenting: a decoded page → a [`Page`] of [`Block`]s.
//!
//! Takes the decoded text of one document (HTML or plain text) and returns the
//! blocks a reader would see as separate units — headings, paragraphs, list
//! items, tables, code, quotes, and text runs directly inside containers —
//! together with what scoring needs to judge them: the element tree they sit
//! in (tags, class/id hints), how much of their text is link text, and their
//! position. Nothing is judged here; every visible piece of text becomes part
//! of exactly one block.

pub mod html;
pub mod text;

use serde::Serialize;

/// What kind of unit a block is, as the markup (or the text layout) shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading; the level (1–6) is in [`Block::heading_level`].
    Heading,
    /// A paragraph (`<p>`, or a blank-line separated paragraph of plain text).
    Paragraph,
    /// A list item (`<li>`).
    ListItem,
    /// Quoted text (`<blockquote>`).
    Quote,
    /// Preformatted text or code (`<pre>`); whitespace is kept.
    Code,
    /// A data table, kept whole: one row per line, cells separated by ` | `.
    Table,
    /// A caption (`<figcaption>`, `<caption>`).
    Caption,
    /// A definition-list term (`<dt>`).
    Term,
    /// A definition-list description (`<dd>`).
    Definition,
    /// A text run directly inside a container (`<div>`, `<td>`, `<section>` …).
    Text,
    /// A short line of plain text (a menu entry, a button label, a one-line
    /// notice); only produced by the plain-text segmenter.
    Line,
}

impl BlockKind {
    /// The lowercase name used in JSON output and `--explain`.
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Heading => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::ListItem => "list_item",
            BlockKind::Quote => "quote",
            BlockKind::Code => "code",
            BlockKind::Table => "table",
            BlockKind::Caption => "caption",
            BlockKind::Term => "term",
            BlockKind::Definition => "definition",
            BlockKind::Text => "text",
            BlockKind::Line => "line",
        }
    }
}

/// One unit of visible text and the facts about where it sits.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Block {
    /// The visible text, whitespace collapsed (kept as is for code).
    pub text: String,
    /// What kind of unit this is.
    pub kind: BlockKind,
    /// Heading level 1–6 for headings, 0 otherwise.
    pub heading_level: u8,
    /// Index into [`Page::nodes`] of the innermost element holding the text.
    pub node: u32,
    /// Characters (not bytes) of text inside links.
    pub link_chars: u32,
    /// Characters (not bytes) of text, whitespace excluded.
    pub chars: u32,
    /// True when this block is the page title (reported in `title`, left out of the text).
    pub is_title: bool,
}

/// What an element's tag says about its role, reduced to what scoring uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagRole {
    /// `<body>`, or the root of a plain-text document.
    Body,
    /// `<main>` or `role="main"`.
    Main,
    /// `<article>`.
    Article,
    /// `<section>`.
    Section,
    /// `<nav>` or `role="navigation"`.
    Nav,
    /// `<header>` or `role="banner"`.
    Header,
    /// `<footer>` or `role="contentinfo"`.
    Footer,
    /// `<aside>` or `role="complementary"`.
    Aside,
    /// `<form>`.
    Form,
    /// `<ul>`, `<ol>`, `<menu>`, `<dl>`.
    List,
    /// `<li>`, `<dt>`, `<dd>`.
    ListItem,
    /// `<table>` (layout), `<tbody>`, `<tr>`.
    TableRow,
    /// `<td>`, `<th>` of a layout table.
    TableCell,
    /// `<p>`.
    Paragraph,
    /// `<h1>`–`<h6>`.
    Heading,
    /// `<blockquote>`, `<pre>`, `<figure>`, `<figcaption>`, data tables.
    Figure,
    /// `<div>` and every other block-level element.
    Div,
}

/// A block-level element of the page: the tree that blocks hang from.
#[derive(Debug, Clone)]
pub struct Node {
    /// The element's role by tag (and ARIA role).
    pub role: TagRole,
    /// Index of the parent element in [`Page::nodes`]; the root points to itself.
    pub parent: u32,
    /// Depth below the root (the root is 0).
    pub depth: u16,
    /// Class/id/itemprop hints found on this element (see [`crate::score::hints`]).
    pub hints: u64,
    /// Hash of the tag and class list: siblings of one repeated structure share it.
    pub shape: u32,
    /// The element's words (its tag as `t_<tag>`, then the words of its
    /// class and id, each once): a range of [`Page::node_words`].
    pub words: std::ops::Range<u32>,
}

/// A segmented document: blocks in reading order plus the element tree.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Page {
    /// The page title, if one was found.
    pub title: Option<String>,
    /// The blocks, in reading order.
    pub blocks: Vec<Block>,
    /// The block-level elements; index 0 is the root. Not serialized: a
    /// deserialized page has none (only scoring and merging read them).
    #[serde(skip)]
    pub nodes: Vec<Node>,
    /// The words of every node's tag, class and id (see [`Node::words`]), as
    /// indices into [`Page::class_words`]. Not serialized.
    #[serde(skip)]
    pub node_words: Vec<u32>,
    /// The distinct tag, class and id words of the page, lowercase
    /// ([`class_words`] splits them). Not serialized.
    #[serde(skip)]
    pub class_words: Vec<String>,
    /// The `lang` attribute of `<html>`, if any (lowercase, primary subtag).
    pub lang: Option<String>,
    /// True when the page came from HTML, false for plain text.
    pub is_html: bool,
    /// What the page says about itself in metadata.
    pub meta: PageMeta,
    /// Plain text: the blocks that open a section, set off from what comes
    /// before by two or more blank lines (as scraped text sets a summary
    /// apart from the body, and the body from the trailing links).
    pub section_starts: Vec<usize>,
}

/// What a page says about itself: `og:type`, its canonical URL, and the
/// schema.org types of its JSON-LD blocks. Scoring reads them as hints of the
/// page's kind (article, product, listing, forum, docs …).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PageMeta {
    /// `og:type`, lowercase.
    pub og_type: Option<String>,
    /// `<link rel=canonical>` or `og:url`.
    pub url: Option<String>,
    /// `@type` values found in `<script type="application/ld+json">`.
    pub ld_types: Vec<String>,
    /// What the page says it is about: its `description`, `og:description`
    /// and `twitter:description` meta tags and the JSON-LD `"description"`
    /// strings, one per line, at most [`MAX_DESCRIPTION_BYTES`] in all.
    pub description: String,
}

/// Cap on the length of [`PageMeta::description`], in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 8192;

/// Calls `f` with each word of a class or id value, lowercased: the value is
/// split at every character that is not an ASCII letter or digit and where a
/// lowercase letter meets an uppercase one (`productDescription` →
/// `product`, `description`). Words longer than 20 characters and words of
/// four or more characters with a digit in them (generated names such as
/// `css-1x2y3z`) are skipped.
pub fn class_words(value: &str, mut f: impl FnMut(&str)) {
    let bytes = value.as_bytes();
    let mut lower = [0u8; 20];
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len()
            && bytes[i].is_ascii_alphanumeric()
            && !(bytes[i].is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase())
        {
            i += 1;
        }
        let word = &bytes[start..i];
        if word.len() > 20 || (word.len() > 3 && word.iter().any(u8::is_ascii_digit)) {
            continue;
        }
        for (l, b) in lower.iter_mut().zip(word) {
            *l = b.to_ascii_lowercase();
        }
        // ASCII letters and digits only.
        if let Ok(w) = std::str::from_utf8(&lower[..word.len()]) {
            f(w);
        }
    }
}

impl Page {
    /// The indices (into [`Page::class_words`]) of a node's tag, class and
    /// id words; none for a node the page does not have.
    pub fn words_of(&self, node: u32) -> &[u32] {
        self.nodes
            .get(node as usize)
            .and_then(|n| {
                self.node_words
                    .get(n.words.start as usize..n.words.end as usize)
            })
            .unwrap_or(&[])
    }

    /// Iterates over a node and its ancestors up to the root, innermost first.
    pub fn ancestors(&self, node: u32) -> Ancestors<'_> {
        Ancestors {
            page: self,
            next: Some(node),
        }
    }
}

/// Iterator over a node and its ancestors; see [`Page::ancestors`].
#[derive(Debug)]
pub struct Ancestors<'a> {
    page: &'a Page,
    next: Option<u32>,
}

impl Iterator for Ancestors<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let cur = self.next?;
        let parent = self.page.nodes.get(cur as usize).map(|n| n.parent);
        self.next = match parent {
            Some(p) if p != cur => Some(p),
            _ => None,
        };
        Some(cur)
    }
}

/// Counts the characters of `s` that are not whitespace (`char::is_whitespace`).
pub fn visible_chars(s: &str) -> u32 {
    // ASCII runs byte by byte; other characters one by one.
    let mut n = 0;
    let mut rest = s;
    loop {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        n += rest.as_bytes()[..ascii]
            .iter()
            .filter(|&&b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
            .count() as u32;
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else {
            return n;
        };
        n += u32::from(!c.is_whitespace());
        rest = &rest[c.len_utf8()..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_words_split_names_at_punctuation_and_case() {
        let mut got = Vec::new();
        class_words(
            "productDescription main-content__body css-1x2y3z ad300 h2 XMLHttp aVeryLongWordThatGoesOnAndOnForever abcdefghijklmnopqrstuvwxyz",
            |w| got.push(w.to_string()),
        );
        let want = [
            "product",
            "description",
            "main",
            "content",
            "body",
            "css",
            "h2",
            "xmlhttp",
            "a",
            "very",
            "long",
            "word",
            "that",
            "goes",
            "on",
            "and",
            "on",
            "forever",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn visible_chars_counts_what_is_not_whitespace() {
        for s in [
            "",
            "  ",
            "a b\tc\n",
            "\u{0b}\u{0c}\r x",
            "caf\u{e9}\u{a0}na\u{ef}ve\u{3000}\u{6f22}\u{5b57} \u{2028}\u{85}\u{1f600}",
            "\u{202f}\u{205f}end",
        ] {
            let expected = s.chars().filter(|c| !c.is_whitespace()).count() as u32;
            assert_eq!(visible_chars(s), expected, "{s:?}");
        }
    }
}
