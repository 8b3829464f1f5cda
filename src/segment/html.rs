//! HTML segmentation: parse with `scraper`, walk the DOM once, emit blocks.
//!
//! Block-level elements start and end blocks; inline text is joined with the
//! spacing a browser would show; `<br><br>` splits a block; script, style,
//! template, hidden and `aria-hidden` content is dropped (except `aria-hidden`
//! on the main landmark: that is the page behind an open modal dialog), but
//! React's streamed content (`<div hidden id="S:…">`), which a script shows
//! at once, is walked where its placeholder stands, and a collapsed
//! disclosure panel (an accordion, an inactive tab: content one click away)
//! is kept with a hidden hint for scoring to read. Data tables become a
//! single [`BlockKind::Table`] block; layout tables are treated like
//! `<div>`s.
//! The walk is iterative, so deep nesting cannot overflow the stack.

use super::{Block, BlockKind, Node, Page, TagRole, visible_chars};
use crate::score::hints::{Hint, class_hides, class_is_screen_reader_copy, hints_of};
use crate::score::stopwords::is_cjk;
use ego_tree::NodeRef;
use rustc_hash::{FxHashMap, FxHashSet};
use scraper::{Html, node::Node as DomNode};
use std::ops::Range;

/// What the walk does with an element, by tag name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Dropped with everything inside.
    Skip,
    /// Inline: its text joins the surrounding block.
    Inline,
    /// A link (`<a>`): inline, counted as link text when it has `href`.
    Link,
    /// A line break.
    Br,
    /// A rule: ends the current block.
    Hr,
    /// Block-level: starts and ends blocks.
    Block(TagRole),
    /// `<table>`: a data table becomes one block, a layout table a container.
    Table,
    /// `<pre>`: whitespace kept.
    Pre,
}

fn classify(tag: &str) -> Class {
    use TagRole::*;
    match tag {
        "a" => Class::Link,
        "br" => Class::Br,
        "hr" => Class::Hr,
        "table" => Class::Table,
        "pre" | "xmp" | "listing" | "plaintext" => Class::Pre,
        "script" | "style" | "template" | "svg" | "math" | "iframe" | "object" | "embed"
        | "canvas" | "select" | "option" | "optgroup" | "datalist" | "input" | "textarea"
        | "head" | "title" | "meta" | "link" | "audio" | "video" | "source" | "track" | "map"
        | "area" | "img" | "picture" | "frameset" | "frame" | "noframes" | "applet" | "param"
        | "base" | "dialog" => Class::Skip,
        "p" => Class::Block(Paragraph),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Class::Block(Heading),
        "li" | "dt" | "dd" => Class::Block(ListItem),
        "ul" | "ol" | "menu" | "dl" | "dir" => Class::Block(List),
        "blockquote" | "figure" | "figcaption" | "caption" => Class::Block(Figure),
        "body" => Class::Block(Body),
        "main" => Class::Block(Main),
        "article" => Class::Block(Article),
        "section" => Class::Block(Section),
        "nav" => Class::Block(Nav),
        "header" => Class::Block(Header),
        "footer" => Class::Block(Footer),
        "aside" => Class::Block(Aside),
        "form" => Class::Block(Form),
        "tbody" | "thead" | "tfoot" | "tr" => Class::Block(TableRow),
        "td" | "th" => Class::Block(TableCell),
        "div" | "address" | "center" | "details" | "summary" | "fieldset" | "legend" | "hgroup"
        | "html" | "button" | "label" | "search" => Class::Block(Div),
        _ if tag.contains('-') => Class::Block(Div),
        _ => Class::Inline,
    }
}

/// The block kind for text whose innermost element is `tag`.
fn kind_for(tag: &str) -> (BlockKind, u8) {
    match tag {
        "p" => (BlockKind::Paragraph, 0),
        "h1" => (BlockKind::Heading, 1),
        "h2" => (BlockKind::Heading, 2),
        "h3" => (BlockKind::Heading, 3),
        "h4" => (BlockKind::Heading, 4),
        "h5" => (BlockKind::Heading, 5),
        "h6" => (BlockKind::Heading, 6),
        "li" => (BlockKind::ListItem, 0),
        "dt" => (BlockKind::Term, 0),
        "dd" => (BlockKind::Definition, 0),
        "blockquote" => (BlockKind::Quote, 0),
        "figcaption" | "caption" => (BlockKind::Caption, 0),
        _ => (BlockKind::Text, 0),
    }
}

/// Attribute facts read once per element.
#[derive(Default)]
struct Attrs<'a> {
    /// Hidden by the `hidden` attribute, an inline style or a hiding class.
    hidden: bool,
    /// `aria-hidden="true"`: decoration for sighted readers only (never
    /// set on the main landmark, see [`read_attrs`]).
    aria_hidden: bool,
    href: bool,
    role: Option<&'a str>,
    hint_values: [Option<&'a str>; 3],
    content: Option<&'a str>,
    property: Option<&'a str>,
    href_value: Option<&'a str>,
    rel: Option<&'a str>,
    kind: Option<&'a str>,
    lang: Option<&'a str>,
}

fn read_attrs(el: &scraper::node::Element) -> Attrs<'_> {
    let mut a = Attrs::default();
    for (name, value) in el.attrs.iter() {
        let v: &str = value;
        match &*name.local {
            "class" => {
                a.hint_values[0] = Some(v);
                a.hidden |= class_hides(v);
            }
            "id" => a.hint_values[1] = Some(v),
            "itemprop" => a.hint_values[2] = Some(v),
            "role" => a.role = Some(v),
            "href" => {
                a.href = true;
                a.href_value = Some(v);
            }
            "rel" => a.rel = Some(v),
            "type" => a.kind = Some(v),
            "hidden" => a.hidden = true,
            "aria-hidden" => a.aria_hidden |= v.trim().eq_ignore_ascii_case("true"),
            "style" => a.hidden |= style_hides(v),
            "content" => a.content = Some(v),
            "property" | "name" => a.property = Some(v),
            "lang" => a.lang = Some(v),
            _ => {}
        }
    }
    // The main landmark is never decoration: `aria-hidden` on it marks the
    // page behind an open modal dialog (a cookie wall caught by the crawler).
    if a.aria_hidden
        && (el.name() == "main"
            || a.role
                .is_some_and(|r| r.trim().eq_ignore_ascii_case("main")))
    {
        a.aria_hidden = false;
    }
    a
}

/// Moves the distinct values of a sorted slice to its front; returns how
/// many there are.
fn dedup_sorted(values: &mut [u32]) -> usize {
    let mut kept = 0;
    for i in 0..values.len() {
        if kept == 0 || values[i] != values[kept - 1] {
            values[kept] = values[i];
            kept += 1;
        }
    }
    kept
}

/// A hash of an element's tag and class list: elements of one repeated
/// structure (the items of a listing, the posts of a thread) share it.
fn shape_of(tag: &str, class: Option<&str>) -> u32 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    tag.hash(&mut h);
    class.unwrap_or("").trim().hash(&mut h);
    h.finish() as u32
}

/// True for an element that reads as the collapsible part of a disclosure
/// widget, which a click shows: an accordion or collapse panel, a tab panel,
/// an expander ("read more"). By its role (`tabpanel`, `region`) or its
/// class/id words (`accordion`, `collapse`, `expander`, …, or `tab`,
/// `toggle` or `expand` with `panel`, `pane`, `content` or `body`).
fn is_disclosure_panel(a: &Attrs) -> bool {
    if a.role
        .is_some_and(|r| matches!(r.trim(), "tabpanel" | "region"))
    {
        return true;
    }
    let mut found = false;
    let mut tab = false;
    let mut part = false;
    for v in a.hint_values[..2].iter().flatten() {
        crate::segment::class_words(v, |w| match w {
            "accordion" | "collapse" | "collapsible" | "collapsed" | "tabpanel" | "tabpane"
            | "expandable" | "expander" | "disclosure" | "readmore" => found = true,
            "tab" | "tabs" | "tabbed" | "toggle" | "expand" => tab = true,
            "pane" | "panel" | "content" | "body" => part = true,
            _ => {}
        });
    }
    found || (tab && part)
}

fn style_hides(style: &str) -> bool {
    let mut squashed = String::with_capacity(style.len());
    for c in style.chars() {
        if !c.is_whitespace() {
            squashed.push(c.to_ascii_lowercase());
        }
    }
    squashed.contains("display:none") || squashed.contains("visibility:hidden")
}

fn role_override(role: &str) -> Option<TagRole> {
    match role.trim() {
        "navigation" | "menu" | "menubar" => Some(TagRole::Nav),
        "main" => Some(TagRole::Main),
        "banner" => Some(TagRole::Header),
        "contentinfo" => Some(TagRole::Footer),
        "complementary" => Some(TagRole::Aside),
        "article" => Some(TagRole::Article),
        _ => None,
    }
}

struct Walker<'a> {
    page: Page,
    hint_cache: FxHashMap<&'a str, u64>,
    /// Index in `page.class_words` of each word seen.
    word_ids: FxHashMap<String, u32>,
    /// The word indices of each class/id value seen.
    word_cache: FxHashMap<&'a str, Vec<u32>>,
    /// The word index of each tag seen (`t_<tag>`).
    tag_words: FxHashMap<&'a str, u32>,
    buf: String,
    buf_link_chars: u32,
    pending_space: bool,
    /// Consecutive `<br>`s since the last text.
    br_run: u32,
    /// Innermost block-level element (index into page.nodes) and its tag.
    cur: u32,
    cur_tag: &'a str,
    link_depth: u32,
    quote_depth: u32,
    h1_blocks: Vec<usize>,
    title_tag: Option<String>,
    og_title: Option<String>,
    /// Keep content hidden by `hidden`, inline styles or classes (pages that
    /// reveal their main content with JavaScript).
    keep_soft_hidden: bool,
    /// React streaming content by id suffix, indexed at the first
    /// placeholder (see [`Walker::streamed_content`]).
    streamed: Option<FxHashMap<&'a str, NodeRef<'a, DomNode>>>,
    /// Streamed content already walked, at its placeholder or (with none
    /// before it) where it stands.
    relocated: FxHashSet<ego_tree::NodeId>,
}

/// The end of the loading fallback after a React streaming placeholder:
/// the `<!--/$-->` comment that closes the boundary (`<!--$?-->` opens it,
/// just before the placeholder). The placeholder itself when there is none
/// (a `P:` placeholder, or a page saved without comments).
fn fallback_end(placeholder: NodeRef<'_, DomNode>) -> NodeRef<'_, DomNode> {
    let mut depth = 0u32;
    for sibling in placeholder.next_siblings() {
        if let DomNode::Comment(c) = sibling.value() {
            match c.comment.trim() {
                "$" | "$?" | "$!" => depth += 1,
                "/$" if depth == 0 => return sibling,
                "/$" => depth -= 1,
                _ => {}
            }
        }
    }
    placeholder
}

/// The React streaming content of a document (see
/// [`Walker::streamed_content`]), by the id suffix after `S:`.
fn index_streamed(root: NodeRef<'_, DomNode>) -> FxHashMap<&str, NodeRef<'_, DomNode>> {
    let mut index = FxHashMap::default();
    for node in root.descendants() {
        if let Some(el) = node.value().as_element()
            && el.name() == "div"
            && let Some(suffix) = el.id().and_then(|id| id.strip_prefix("S:"))
            && is_streamed_content("div", &read_attrs(el))
            // The contents of a `<template>` are inert, never streamed in.
            && !node
                .ancestors()
                .any(|a| a.value().as_element().is_some_and(|e| e.name() == "template"))
        {
            index.entry(suffix).or_insert(node);
        }
    }
    index
}

/// True for React streaming content: `<div hidden id="S:…">`, sent after the
/// shell and moved by a script into its placeholder (`<template id="B:…">`
/// or `<template id="P:…">`).
fn is_streamed_content(tag: &str, attrs: &Attrs<'_>) -> bool {
    tag == "div" && attrs.hidden && attrs.hint_values[1].is_some_and(|id| id.starts_with("S:"))
}

impl<'a> Walker<'a> {
    /// React streaming (`renderToPipeableStream`, the Next.js app router)
    /// sends each suspended part of the page late, as `<div hidden id="S:n">`
    /// at the end of the body, with a script that moves it into its
    /// placeholder `<template id="B:n">` (or `P:n`) and drops the loading
    /// fallback. For such a placeholder this returns the content to walk in
    /// its place, unless that content was walked already.
    fn streamed_content(
        &mut self,
        root: NodeRef<'a, DomNode>,
        el: &scraper::node::Element,
    ) -> Option<NodeRef<'a, DomNode>> {
        if el.name() != "template" {
            return None;
        }
        let id = el.id()?;
        let suffix = id.strip_prefix("B:").or_else(|| id.strip_prefix("P:"))?;
        let index = self.streamed.get_or_insert_with(|| index_streamed(root));
        let content = *index.get(suffix)?;
        // Each content is walked once (a placeholder inside its own content
        // cannot loop).
        self.relocated.insert(content.id()).then_some(content)
    }

    fn new(keep_soft_hidden: bool) -> Self {
        let mut page = Page {
            is_html: true,
            ..Page::default()
        };
        page.nodes.push(Node {
            role: TagRole::Body,
            parent: 0,
            depth: 0,
            hints: 0,
            shape: 0,
            words: 0..0,
        });
        Walker {
            page,
            hint_cache: FxHashMap::default(),
            word_ids: FxHashMap::default(),
            word_cache: FxHashMap::default(),
            tag_words: FxHashMap::default(),
            buf: String::new(),
            buf_link_chars: 0,
            pending_space: false,
            br_run: 0,
            cur: 0,
            cur_tag: "body",
            link_depth: 0,
            quote_depth: 0,
            h1_blocks: Vec::new(),
            title_tag: None,
            og_title: None,
            keep_soft_hidden,
            streamed: None,
            relocated: FxHashSet::default(),
        }
    }

    fn hints(&mut self, attrs: &Attrs<'a>) -> u64 {
        let mut set = 0;
        for v in attrs.hint_values.iter().flatten() {
            if v.is_empty() {
                continue;
            }
            set |= *self.hint_cache.entry(v).or_insert_with(|| hints_of(v));
        }
        set
    }

    /// The page-wide index of `word`, added to the page's list if new.
    fn intern(page: &mut Page, word_ids: &mut FxHashMap<String, u32>, word: &str) -> u32 {
        if let Some(&id) = word_ids.get(word) {
            return id;
        }
        let id = page.class_words.len() as u32;
        page.class_words.push(word.to_string());
        word_ids.insert(word.to_string(), id);
        id
    }

    /// Appends the page-wide index of each word of a class or id value to
    /// `page.node_words` (the words are cached by value).
    fn push_words_of(&mut self, value: &'a str) {
        let Walker {
            page,
            word_ids,
            word_cache,
            ..
        } = self;
        let ids = word_cache.entry(value).or_insert_with(|| {
            let mut ids = Vec::new();
            super::class_words(value, |w| ids.push(Self::intern(page, word_ids, w)));
            ids
        });
        page.node_words.extend_from_slice(ids);
    }

    /// The page-wide index of a tag's word, `t_<tag>`.
    fn tag_word(&mut self, tag: &'a str) -> u32 {
        if let Some(&id) = self.tag_words.get(tag) {
            return id;
        }
        let id = Self::intern(&mut self.page, &mut self.word_ids, &format!("t_{tag}"));
        self.tag_words.insert(tag, id);
        id
    }

    /// Appends the distinct words of an element's tag, class and id to
    /// `page.node_words`; returns their range.
    fn element_words(&mut self, tag: &'a str, attrs: &Attrs<'a>) -> Range<u32> {
        let start = self.page.node_words.len();
        let tag_word = self.tag_word(tag);
        self.page.node_words.push(tag_word);
        for v in attrs.hint_values[..2].iter().flatten() {
            self.push_words_of(v);
        }
        let own = &mut self.page.node_words[start..];
        own.sort_unstable();
        let distinct = dedup_sorted(own);
        self.page.node_words.truncate(start + distinct);
        start as u32..self.page.node_words.len() as u32
    }

    fn push_text(&mut self, text: &str) {
        let in_link = self.link_depth > 0;
        for c in text.chars() {
            if c.is_whitespace() {
                self.pending_space = true;
                continue;
            }
            if is_invisible(c) {
                continue;
            }
            if self.pending_space && !self.buf.is_empty() && !self.buf.ends_with(['\n', ' ']) {
                self.buf.push(' ');
            }
            self.pending_space = false;
            self.buf.push(c);
            if in_link {
                self.buf_link_chars += 1;
            }
            self.br_run = 0;
        }
    }

    /// True when `node` is a screen-reader copy (see
    /// [`class_is_screen_reader_copy`]) of the text just written:
    /// `<span>EUR 16.12<span class="clipped">EUR 16.12</span></span>`. The
    /// copy is left out, so the text is not doubled; a screen-reader label
    /// that stands alone is kept.
    fn repeats_visible_text(&self, node: NodeRef<'_, DomNode>, attrs: &Attrs<'_>) -> bool {
        if !attrs.hint_values[0].is_some_and(class_is_screen_reader_copy) {
            return false;
        }
        let (copy, _) = inline_text(node);
        let written = self.buf.trim_end();
        copy.chars().nth(1).is_some()
            && written.strip_suffix(copy.as_str()).is_some_and(|before| {
                before
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
            })
    }

    fn line_break(&mut self) {
        self.br_run += 1;
        if self.br_run >= 2 {
            self.flush();
            return;
        }
        if !self.buf.is_empty() {
            while self.buf.ends_with(' ') {
                self.buf.pop();
            }
            self.buf.push('\n');
        }
        self.pending_space = false;
    }

    fn flush(&mut self) {
        self.pending_space = false;
        let text = self.buf.trim();
        if text.is_empty() {
            self.buf.clear();
            self.buf_link_chars = 0;
            return;
        }
        let (mut kind, level) = kind_for(self.cur_tag);
        if self.quote_depth > 0 && matches!(kind, BlockKind::Paragraph | BlockKind::Text) {
            kind = BlockKind::Quote;
        }
        let text = text.to_string();
        let chars = visible_chars(&text);
        if level == 1 {
            self.h1_blocks.push(self.page.blocks.len());
        }
        self.page.blocks.push(Block {
            text,
            kind,
            heading_level: level,
            node: self.cur,
            link_chars: self.buf_link_chars.min(chars),
            chars,
            is_title: false,
        });
        self.buf.clear();
        self.buf_link_chars = 0;
    }

    fn open_block(&mut self, role: TagRole, hints: u64, shape: u32, words: Range<u32>) -> u32 {
        self.flush();
        let parent = self.cur;
        let depth = self.page.nodes[parent as usize].depth.saturating_add(1);
        let idx = self.page.nodes.len() as u32;
        self.page.nodes.push(Node {
            role,
            parent,
            depth,
            hints,
            shape,
            words,
        });
        self.cur = idx;
        idx
    }

    fn read_head(&mut self, head: NodeRef<'a, DomNode>) {
        for node in head.descendants() {
            let Some(el) = node.value().as_element() else {
                continue;
            };
            match el.name() {
                "title" if self.title_tag.is_none() => {
                    let mut t = String::new();
                    for text in node.descendants().filter_map(|n| n.value().as_text()) {
                        t.push_str(text);
                    }
                    let t = collapse_ws(&t);
                    if !t.is_empty() {
                        self.title_tag = Some(t);
                    }
                }
                "link" => {
                    let a = read_attrs(el);
                    if a.rel
                        .is_some_and(|r| r.trim().eq_ignore_ascii_case("canonical"))
                        && let Some(h) = a.href_value
                    {
                        self.page.meta.url = Some(h.trim().to_string());
                    }
                }
                "script" => self.read_ld_json(node),
                "meta" => {
                    let a = read_attrs(el);
                    if let (Some(p), Some(c)) = (a.property, a.content) {
                        let p = p.trim();
                        if p.eq_ignore_ascii_case("og:type") {
                            self.page.meta.og_type = Some(c.trim().to_ascii_lowercase());
                        }
                        if p.eq_ignore_ascii_case("description")
                            || p.eq_ignore_ascii_case("og:description")
                            || p.eq_ignore_ascii_case("twitter:description")
                        {
                            add_description(&mut self.page.meta.description, c);
                        }
                        if p.eq_ignore_ascii_case("og:url") && self.page.meta.url.is_none() {
                            self.page.meta.url = Some(c.trim().to_string());
                        }
                        if (p.eq_ignore_ascii_case("og:title")
                            || (p.eq_ignore_ascii_case("twitter:title") && self.og_title.is_none()))
                            && !c.trim().is_empty()
                        {
                            self.og_title = Some(collapse_ws(c));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Collects the `@type` values of a JSON-LD script.
    fn read_ld_json(&mut self, script: NodeRef<'a, DomNode>) {
        let Some(el) = script.value().as_element() else {
            return;
        };
        if !read_attrs(el)
            .kind
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        {
            return;
        }
        for text in script.children().filter_map(|n| n.value().as_text()) {
            collect_ld_types(text, &mut self.page.meta.ld_types);
            collect_ld_descriptions(text, &mut self.page.meta.description);
        }
    }

    /// Walks the tree below `root` without recursion.
    fn walk(&mut self, root: NodeRef<'a, DomNode>) {
        // Each entry: an open element, and what to restore when it closes.
        struct Open<'b> {
            /// Where the walk goes on from when the element closes: the
            /// element itself, or the placeholder it was walked in place of.
            resume: NodeRef<'b, DomNode>,
            saved_cur: u32,
            saved_tag: &'b str,
            class: Class,
        }
        let mut stack: Vec<Open<'a>> = Vec::new();
        let mut next = root.first_child();
        loop {
            let Some(node) = next else {
                // Close elements until one has a next sibling.
                let Some(open) = stack.pop() else { break };
                self.close(&open.class, open.saved_cur, open.saved_tag);
                next = open.resume.next_sibling();
                continue;
            };
            match node.value() {
                DomNode::Text(t) => {
                    self.push_text(&t.text);
                    next = node.next_sibling();
                }
                DomNode::Element(el) => {
                    // React streaming: content sent late sits hidden at the
                    // end of the body and is walked where its placeholder is.
                    let (node, el, resume) = match self
                        .streamed_content(root, el)
                        .and_then(|c| Some((c, c.value().as_element()?)))
                    {
                        Some((content, content_el)) => (content, content_el, fallback_end(node)),
                        None => (node, el, node),
                    };
                    let tag: &'a str = el.name();
                    let class = classify(tag);
                    if tag == "head" {
                        self.read_head(node);
                        next = resume.next_sibling();
                        continue;
                    }
                    if tag == "html" {
                        let a = read_attrs(el);
                        if let Some(lang) = a.lang {
                            let primary = lang.split(['-', '_']).next().unwrap_or("");
                            if !primary.is_empty() {
                                self.page.lang = Some(primary.trim().to_ascii_lowercase());
                            }
                        }
                    }
                    let mut attrs = read_attrs(el);
                    if is_streamed_content(tag, &attrs) {
                        // Content with no placeholder before it is walked
                        // where it stands, once (a placeholder inside it then
                        // finds it taken); content walked at its placeholder
                        // is skipped here.
                        let at_placeholder = resume.id() != node.id();
                        if !at_placeholder && !self.relocated.insert(node.id()) {
                            next = resume.next_sibling();
                            continue;
                        }
                        // Shown by a script as soon as it arrives.
                        attrs.hidden = false;
                    }
                    if tag == "script" {
                        self.read_ld_json(node);
                    }
                    // A collapsed accordion or an inactive tab holds content
                    // one click away (a product's description, a service's
                    // details): kept, with the hidden hint on it.
                    let hidden = attrs.aria_hidden
                        || (attrs.hidden && !self.keep_soft_hidden && !is_disclosure_panel(&attrs));
                    if class == Class::Skip
                        || (hidden && !matches!(tag, "html" | "body"))
                        || self.repeats_visible_text(node, &attrs)
                    {
                        next = resume.next_sibling();
                        continue;
                    }
                    let mut hints = self.hints(&attrs);
                    if attrs.role.is_some_and(|r| r.trim() == "button") {
                        hints |= Hint::Button.bit();
                    }
                    if attrs.hidden {
                        // Hidden but kept: a collapsed panel, or anything
                        // hidden on a page walked with soft-hidden parts kept
                        // (closed menus and dialogs too); scoring reads it.
                        hints |= Hint::Hidden.bit();
                    }
                    let shape = shape_of(tag, attrs.hint_values[0]);
                    let saved_cur = self.cur;
                    let saved_tag = self.cur_tag;
                    match class {
                        Class::Br => {
                            self.line_break();
                            next = resume.next_sibling();
                            continue;
                        }
                        Class::Hr => {
                            self.flush();
                            next = resume.next_sibling();
                            continue;
                        }
                        Class::Table if is_data_table(node) => {
                            let words = self.element_words(tag, &attrs);
                            self.open_block(TagRole::Figure, hints, shape, words);
                            self.table_block(node);
                            self.cur = saved_cur;
                            next = resume.next_sibling();
                            continue;
                        }
                        Class::Pre => {
                            let words = self.element_words(tag, &attrs);
                            self.open_block(TagRole::Figure, hints, shape, words);
                            self.pre_block(node);
                            self.cur = saved_cur;
                            next = resume.next_sibling();
                            continue;
                        }
                        Class::Table => {
                            let words = self.element_words(tag, &attrs);
                            self.open_block(TagRole::TableRow, hints, shape, words);
                            self.cur_tag = tag;
                        }
                        Class::Block(role) => {
                            if tag == "html" || (tag == "body" && self.cur == 0) {
                                // The root node stands for the whole document.
                                self.page.nodes[0].hints |= hints;
                            } else {
                                let role = attrs.role.and_then(role_override).unwrap_or(role);
                                let words = self.element_words(tag, &attrs);
                                self.open_block(role, hints, shape, words);
                                self.cur_tag = tag;
                            }
                            if tag == "blockquote" {
                                self.quote_depth += 1;
                            }
                        }
                        Class::Link => {
                            if attrs.href {
                                self.link_depth += 1;
                            }
                        }
                        Class::Inline | Class::Skip => {}
                    }
                    if matches!(class, Class::Inline | Class::Link)
                        && !self.pending_space
                        && separates_words(node, self.buf.chars().next_back())
                    {
                        self.pending_space = true;
                    }
                    let class = if class == Class::Link && !attrs.href {
                        Class::Inline
                    } else {
                        class
                    };
                    stack.push(Open {
                        resume,
                        saved_cur,
                        saved_tag,
                        class,
                    });
                    next = node.first_child();
                    if next.is_none() {
                        // Empty element: close it right away.
                        if let Some(open) = stack.pop() {
                            self.close(&open.class, open.saved_cur, open.saved_tag);
                            next = open.resume.next_sibling();
                        }
                    }
                }
                _ => next = node.next_sibling(),
            }
        }
        self.flush();
    }

    fn close(&mut self, class: &Class, saved_cur: u32, saved_tag: &'a str) {
        match class {
            Class::Link => self.link_depth = self.link_depth.saturating_sub(1),
            Class::Block(_) | Class::Table => {
                self.flush();
                if self.cur_tag == "blockquote" {
                    self.quote_depth = self.quote_depth.saturating_sub(1);
                }
                self.cur = saved_cur;
                self.cur_tag = saved_tag;
            }
            _ => {}
        }
    }

    fn table_block(&mut self, table: NodeRef<'a, DomNode>) {
        for child in table.children() {
            if child
                .value()
                .as_element()
                .is_some_and(|e| e.name() == "caption")
            {
                let (t, l) = inline_text(child);
                self.emit_whole(t, BlockKind::Caption, l);
            }
        }
        let mut text = String::new();
        let mut link_chars = 0u32;
        for row in table.descendants() {
            let Some(el) = row.value().as_element() else {
                continue;
            };
            if el.name() != "tr" {
                continue;
            }
            let mut cells: Vec<String> = Vec::new();
            for cell in row.children() {
                let Some(cel) = cell.value().as_element() else {
                    continue;
                };
                if !matches!(cel.name(), "td" | "th") {
                    continue;
                }
                let (t, l) = inline_text(cell);
                link_chars += l;
                cells.push(t);
            }
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&cells.join(" | "));
        }
        self.emit_whole(text, BlockKind::Table, link_chars);
    }

    fn pre_block(&mut self, pre: NodeRef<'a, DomNode>) {
        let mut text = String::new();
        let mut stack = vec![pre];
        // Depth-first, children in order.
        let mut order: Vec<NodeRef<'a, DomNode>> = Vec::new();
        while let Some(n) = stack.pop() {
            order.push(n);
            let children: Vec<_> = n.children().collect();
            for c in children.into_iter().rev() {
                if let Some(el) = c.value().as_element()
                    && (classify(el.name()) == Class::Skip || {
                        let a = read_attrs(el);
                        a.hidden || a.aria_hidden
                    })
                {
                    continue;
                }
                stack.push(c);
            }
        }
        for n in order {
            match n.value() {
                DomNode::Text(t) => text.push_str(&t.text),
                DomNode::Element(el) if el.name() == "br" => text.push('\n'),
                _ => {}
            }
        }
        let text = text.trim_matches('\n').trim_end().to_string();
        self.emit_whole(text, BlockKind::Code, 0);
    }

    fn emit_whole(&mut self, text: String, kind: BlockKind, link_chars: u32) {
        if text.trim().is_empty() {
            return;
        }
        let chars = visible_chars(&text);
        self.page.blocks.push(Block {
            text,
            kind,
            heading_level: 0,
            node: self.cur,
            link_chars: link_chars.min(chars),
            chars,
            is_title: false,
        });
    }

    fn finish(mut self) -> Page {
        self.page.title = pick_title(
            &mut self.page,
            &self.h1_blocks,
            self.og_title.as_deref(),
            self.title_tag.as_deref(),
        );
        self.page
    }
}

/// Elements whose text is code: splitting their runs would split tokens.
fn is_code_like(tag: &str) -> bool {
    matches!(tag, "code" | "kbd" | "samp" | "var" | "tt")
}

/// Zero-width characters that the walk drops from text.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}'
    )
}

/// The visible character at one edge of the text under `node` (its first,
/// or with `from_end` its last), and whether at least one more visible
/// character follows it inward. Hidden and skipped elements are passed
/// over; the search gives up (returns `None`) after a few dozen nodes, so
/// it stays cheap however large the element is.
fn edge_char(node: NodeRef<'_, DomNode>, from_end: bool) -> Option<(char, bool)> {
    const MAX_NODES: usize = 48;
    let mut found: Option<char> = None;
    let mut stack = vec![node];
    let mut visited = 0;
    while let Some(n) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES {
            return None;
        }
        match n.value() {
            DomNode::Text(t) => {
                // The first two visible characters from this edge.
                let visible = |c: &char| !c.is_whitespace() && !is_invisible(*c);
                let mut edge = [None; 2];
                if from_end {
                    edge_chars(t.chars().rev().filter(visible), &mut edge);
                } else {
                    edge_chars(t.chars().filter(visible), &mut edge);
                }
                for c in edge.into_iter().flatten() {
                    match found {
                        None => found = Some(c),
                        Some(edge) => return Some((edge, true)),
                    }
                }
            }
            DomNode::Element(el) => {
                if classify(el.name()) == Class::Skip {
                    continue;
                }
                let a = read_attrs(el);
                if a.hidden || a.aria_hidden {
                    continue;
                }
                if from_end {
                    stack.extend(n.children());
                } else {
                    let first = stack.len();
                    stack.extend(n.children());
                    stack[first..].reverse();
                }
            }
            _ => {}
        }
    }
    found.map(|c| (c, false))
}

/// Fills `edge` with the first (up to) two characters of `chars`.
fn edge_chars(chars: impl Iterator<Item = char>, edge: &mut [Option<char>; 2]) {
    for (slot, c) in edge.iter_mut().zip(chars) {
        *slot = Some(c);
    }
}

/// True when inline element `next` follows an inline sibling with no
/// text between them and their texts would run together into one word:
/// `<span class="name">Weight</span><span class="value">46 lb</span>`, a
/// label and its value, a brand and a product name, laid out apart by the
/// page's style sheet. `text_end` is the last character written so far,
/// which must be the sibling's own last character.
///
/// Only a join into an upper-case letter or a digit counts: one that goes
/// on in lower case is likely a word split for styling
/// (`<b>Arte</b><b>mis</b>`), and scripts without case (CJK, Arabic) are
/// left as they are. Nor does a side with a single visible character (a
/// drop cap), or code.
fn separates_words(next: NodeRef<'_, DomNode>, text_end: Option<char>) -> bool {
    let Some(end) = text_end.filter(|&c| c.is_alphanumeric() && !is_cjk(c)) else {
        return false;
    };
    let Some(next_el) = next.value().as_element() else {
        return false;
    };
    if is_code_like(next_el.name()) {
        return false;
    }
    let Some(prev) = next
        .prev_siblings()
        .find(|s| !matches!(s.value(), DomNode::Comment(_)))
    else {
        return false;
    };
    let Some(prev_el) = prev.value().as_element() else {
        return false;
    };
    if !matches!(classify(prev_el.name()), Class::Inline | Class::Link)
        || is_code_like(prev_el.name())
    {
        return false;
    }
    matches!(edge_char(prev, true), Some((c, true)) if c == end)
        && matches!(edge_char(next, false),
            Some((c, true)) if c.is_uppercase() || c.is_ascii_digit())
}

/// Collects the visible inline text under `node` (hidden parts skipped),
/// whitespace collapsed; returns it with its link-character count.
fn inline_text(node: NodeRef<'_, DomNode>) -> (String, u32) {
    let mut out = String::new();
    let mut links = 0u32;
    let mut pending = false;
    let mut stack: Vec<(NodeRef<'_, DomNode>, bool)> = vec![(node, false)];
    while let Some((n, in_link)) = stack.pop() {
        match n.value() {
            DomNode::Text(t) => {
                for c in t.chars() {
                    if c.is_whitespace() {
                        pending = true;
                        continue;
                    }
                    if pending && !out.is_empty() {
                        out.push(' ');
                    }
                    pending = false;
                    out.push(c);
                    if in_link {
                        links += 1;
                    }
                }
            }
            DomNode::Element(el) => {
                let class = classify(el.name());
                if class == Class::Skip {
                    continue;
                }
                let a = read_attrs(el);
                if a.hidden || a.aria_hidden {
                    continue;
                }
                if matches!(class, Class::Block(_) | Class::Br)
                    || (!pending && separates_words(n, out.chars().next_back()))
                {
                    pending = true;
                }
                let link = in_link || (class == Class::Link && a.href);
                let children: Vec<_> = n.children().collect();
                for c in children.into_iter().rev() {
                    stack.push((c, link));
                }
            }
            _ => {}
        }
    }
    (out, links)
}

/// A table is a data table when it holds no nested table and no
/// block-structured content (headings, lists, forms, code, several
/// paragraphs in a cell), and has at least two rows or two columns.
fn is_data_table(table: NodeRef<'_, DomNode>) -> bool {
    let mut rows = 0usize;
    let mut cells = 0usize;
    let mut blocks = 0usize;
    let mut text_len = 0usize;
    for n in table.descendants().skip(1) {
        match n.value() {
            DomNode::Element(el) => match el.name() {
                "table" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "form"
                | "pre" | "blockquote" | "nav" | "article" | "section" | "iframe" => {
                    return false;
                }
                "tr" => rows += 1,
                "td" | "th" => cells += 1,
                "p" | "div" => blocks += 1,
                _ => {}
            },
            DomNode::Text(t) => text_len += t.len(),
            _ => {}
        }
    }
    if let Some(role) = table.value().as_element().and_then(|e| e.attr("role"))
        && role.trim() == "presentation"
    {
        return false;
    }
    let avg_cell = text_len.checked_div(cells).unwrap_or(0);
    rows >= 1 && cells >= 2 && blocks <= cells && avg_cell < 400
}

/// Appends the `"@type"` values found in a JSON-LD text (strings or arrays
/// of strings) to `out`, at most 64 in all.
fn collect_ld_types(json: &str, out: &mut Vec<String>) {
    let mut rest = json;
    while out.len() < 64 {
        let Some(at) = rest.find("\"@type\"") else {
            return;
        };
        rest = &rest[at + 7..];
        let value = rest
            .trim_start()
            .strip_prefix(':')
            .unwrap_or("")
            .trim_start();
        let (inner, is_array) = match value.strip_prefix('[') {
            Some(v) => (v, true),
            None => (value, false),
        };
        let end = if is_array {
            inner.find(']').unwrap_or(inner.len())
        } else {
            inner
                .char_indices()
                .skip(1)
                .find(|&(_, c)| c == '"')
                .map_or(inner.len(), |(i, _)| i + 1)
        };
        for part in inner[..end].split(',') {
            let t = part.trim().trim_matches('"').trim();
            if !t.is_empty() && t.len() < 64 && out.len() < 64 {
                out.push(t.to_string());
            }
        }
    }
}

/// Appends one description to `out` (a line of its own), unless it is empty,
/// already there, or would take `out` past [`super::MAX_DESCRIPTION_BYTES`].
fn add_description(out: &mut String, text: &str) {
    let text = text.trim();
    if text.is_empty()
        || out.len() + text.len() + 1 > super::MAX_DESCRIPTION_BYTES
        || out.lines().any(|l| l == text)
    {
        return;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(text);
}

/// Appends the `"description"` string values of a JSON-LD text to `out`
/// (see [`add_description`]); escapes are decoded, values that do not read
/// as a JSON string are skipped.
fn collect_ld_descriptions(json: &str, out: &mut String) {
    let mut rest = json;
    while let Some(at) = rest.find("\"description\"") {
        rest = &rest[at + 13..];
        let Some(value) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        if !value.starts_with('"') {
            continue;
        }
        // The closing quote: the first one not escaped by a backslash.
        let bytes = value.as_bytes();
        let mut i = 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        let Some(literal) = value.get(..(i + 1).min(value.len())) else {
            continue;
        };
        if let Ok(text) = serde_json::from_str::<String>(literal) {
            add_description(out, &collapse_ws(&text));
        }
        rest = value.get(literal.len()..).unwrap_or("");
    }
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn normalized(s: &str) -> String {
    s.chars()
        .filter(|&c| crate::chars::is_alphanumeric(c))
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Strips a site name from a `<title>` ("Story headline | Site"): keeps the
/// longest part between the usual separators.
fn strip_site_name(title: &str) -> String {
    let parts: Vec<&str> = title
        .split(['|', '–', '—', '·', '•', '»', '«', '/'])
        .flat_map(|p| p.split(" - "))
        .flat_map(|p| p.split(" :: "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts
        .iter()
        .max_by_key(|p| p.chars().count())
        .map(|p| p.to_string())
        .unwrap_or_else(|| title.trim().to_string())
}

/// Picks the title from the first `<h1>`, `og:title` and `<title>`, and marks
/// the heading block that carries it.
fn pick_title(
    page: &mut Page,
    h1_blocks: &[usize],
    og_title: Option<&str>,
    title_tag: Option<&str>,
) -> Option<String> {
    let meta_titles: Vec<String> = [og_title, title_tag]
        .into_iter()
        .flatten()
        .map(normalized)
        .filter(|t| !t.is_empty())
        .collect();
    let matches_meta = |text: &str| {
        let n = normalized(text);
        !n.is_empty()
            && meta_titles.iter().any(|m| {
                (m.contains(&n) && n.len() * 3 >= m.len())
                    || (n.len() > 12 && n.contains(m.as_str()))
            })
    };
    // 1. An <h1> that agrees with the metadata title.
    for &i in h1_blocks {
        if matches_meta(&page.blocks[i].text) {
            page.blocks[i].is_title = true;
            return Some(collapse_ws(&page.blocks[i].text));
        }
    }
    // 2. Any heading equal to og:title / cleaned <title>.
    let meta = og_title
        .map(str::to_string)
        .or_else(|| title_tag.map(strip_site_name));
    if let Some(meta) = meta {
        let target = normalized(&meta);
        if !target.is_empty()
            && let Some(b) = page
                .blocks
                .iter_mut()
                .find(|b| b.kind == BlockKind::Heading && normalized(&b.text) == target)
        {
            b.is_title = true;
        }
        return Some(meta);
    }
    // 3. A single <h1>.
    if let Some(&i) = h1_blocks.first() {
        page.blocks[i].is_title = true;
        return Some(collapse_ws(&page.blocks[i].text));
    }
    None
}

/// Segments an HTML document into blocks.
pub fn segment(html: &str) -> Page {
    segment_dom(&parse(html), false)
}

/// Parses a document the way a browser with scripting off does, so the
/// contents of `<noscript>` are markup (crawlers see pages with JavaScript off).
///
/// Script and style bodies, comments and attributes segmentation does not
/// read are taken out first (see [`without_unread_markup`]): on the web they
/// are well over half of a page's bytes, which the parser would otherwise
/// read character by character.
pub fn parse(html: &str) -> Html {
    parse_as_is(&without_unread_markup(html))
}

/// Parses a document exactly as given (scripting off), script bodies and all.
pub fn parse_as_is(html: &str) -> Html {
    use html5ever::tendril::TendrilSink;
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(Html::new_document()), opts)
        .one(html)
}

/// Returns `html` without what segmentation never reads, so that the parser
/// does not read it either: the bodies of `<script>` and `<style>`
/// elements, the text of comments (React's streaming boundary markers
/// aside), and quoted attributes nothing reads (`src`, `srcset`,
/// `data-*`, SVG path data, …; see `attribute_is_read`;
/// an ordinary link keeps an empty `href`). The elements, and so the
/// document's structure, stay: JSON-LD scripts keep their text
/// (segmentation reads their `@type`), so do scripts containing `<!--`
/// (their escaped parts are the tokenizer's most intricate states; the
/// scan follows them to find the script's end, but leaves the text), and a
/// `<script>` inside `<svg>` or `<math>` is markup there. Tags, comments
/// and the raw text of other elements are read the way the HTML tokenizer
/// reads them, so a `<script>` inside a comment, an attribute or a
/// `<textarea>` is not taken for one.
pub fn without_unread_markup(html: &str) -> std::borrow::Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `html` already in `out`
    let mut foreign = 0u32; // depth of open <svg>/<math> elements
    // Attributes (or their values) no one reads, in the current tag.
    let mut unread: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + off;
        let rest = &b[lt..];
        if rest.starts_with(b"<!--") {
            // A comment: its text goes (segmentation reads no other
            // comments), its end stays.
            let body = lt + 4;
            let (body_end, after) = if b.get(body) == Some(&b'>') {
                (body, body + 1)
            } else if b[body..].starts_with(b"->") {
                (body, body + 2)
            } else {
                match comment_end(&b[body..]) {
                    Some((k, len)) => (body + k, body + k + len),
                    // Unterminated: the comment runs to the end.
                    None => (b.len(), b.len()),
                }
            };
            // React's streaming boundary markers stay (see `fallback_end`).
            if body_end > body && !matches!(&b[body..body_end], b"$" | b"$?" | b"$!" | b"/$") {
                cut(&mut out, html, &mut copied, body..body_end);
            }
            i = after;
            continue;
        }
        if foreign > 0 && rest.len() > 2 && rest[1] == b'/' {
            let name_end = rest[2..]
                .iter()
                .position(|&c| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
                .map_or(rest.len(), |k| k + 2);
            let name = &rest[2..name_end];
            if name.eq_ignore_ascii_case(b"svg") || name.eq_ignore_ascii_case(b"math") {
                foreign -= 1;
            }
        }
        if rest.starts_with(b"</") && rest.get(2).is_some_and(u8::is_ascii_alphabetic) {
            // An end tag: its name, then attributes (ignored, but their
            // quotes count) up to `>`.
            let name_end = rest[2..]
                .iter()
                .position(|&c| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
                .map_or(b.len(), |k| lt + 2 + k);
            match start_tag_end(b, name_end) {
                Some((end, _)) => i = end,
                None => return finish(html, out, copied),
            }
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") || rest.starts_with(b"</") {
            // A doctype, bogus comment or end tag runs to the next `>`.
            match memchr::memchr(b'>', &b[lt + 2..]) {
                Some(k) => i = lt + 2 + k + 1,
                None => return finish(html, out, copied),
            }
            continue;
        }
        if !rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let name_end = rest[1..]
            .iter()
            .position(|&c| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
            .map_or(b.len(), |k| lt + 1 + k);
        let name = &b[lt + 1..name_end];
        let tag_attrs = scan_start_tag(b, name_end, |attr, value| {
            let attr_name = &b[attr.clone()];
            if attribute_is_read(name, attr_name) {
                return;
            }
            // The whole attribute goes, unless the tokenizer would read what
            // surrounds it differently without it: after a `/` (`<a/x="">`
            // would become `<a/>`), or before an `=` (which would give the
            // previous attribute a value). Links count by having an `href`,
            // so an `href` keeps its name too. The value alone can always go.
            let next = b[value.end + 1..].iter().find(|c| !c.is_ascii_whitespace());
            if attr_name.eq_ignore_ascii_case(b"href")
                || b.get(attr.start.wrapping_sub(1)) == Some(&b'/')
                || next == Some(&b'=')
            {
                if !value.is_empty() {
                    unread.push((value.start, value.end));
                }
            } else {
                // The name, `=`, and the value with its closing quote.
                unread.push((attr.start, value.end + 1));
            }
        });
        let Some((tag_end, self_closing)) = tag_attrs else {
            return finish(html, out, copied);
        };
        for (start, end) in unread.drain(..) {
            cut(&mut out, html, &mut copied, start..end);
        }
        if (name.eq_ignore_ascii_case(b"svg") || name.eq_ignore_ascii_case(b"math"))
            && !self_closing
        {
            foreign += 1;
            i = tag_end;
            continue;
        }
        if foreign > 0 {
            // Inside SVG or MathML `<script>` and `<style>` are markup;
            // nothing is blanked until the parser is back in HTML: the
            // outermost end tag, or an HTML element that breaks out.
            if is_breakout(name) {
                foreign = 0;
            }
            i = tag_end;
            continue;
        }
        let raw_end: &[u8] = if name.eq_ignore_ascii_case(b"script") {
            b"</script"
        } else if name.eq_ignore_ascii_case(b"style") {
            b"</style"
        } else if name.eq_ignore_ascii_case(b"textarea") {
            b"</textarea"
        } else if name.eq_ignore_ascii_case(b"title") {
            b"</title"
        } else if name.eq_ignore_ascii_case(b"xmp") {
            b"</xmp"
        } else if name.eq_ignore_ascii_case(b"iframe") {
            b"</iframe"
        } else if name.eq_ignore_ascii_case(b"noembed") {
            b"</noembed"
        } else if name.eq_ignore_ascii_case(b"noframes") {
            b"</noframes"
        } else if name.eq_ignore_ascii_case(b"plaintext") {
            return finish(html, out, copied);
        } else {
            i = tag_end;
            continue;
        };
        let end = if raw_end == b"</script" {
            script_end(b, tag_end)
        } else {
            find_end_tag(b, tag_end, raw_end)
        };
        let Some(close) = end else {
            return finish(html, out, copied);
        };
        let blank = raw_end == b"</style"
            || (raw_end == b"</script"
                && memchr::memmem::find(&b[tag_end..close], b"<!--").is_none()
                && !contains_ignore_case(&b[lt..tag_end], b"ld+json"));
        if blank && close > tag_end {
            cut(&mut out, html, &mut copied, tag_end..close);
        }
        i = close;
    }
    finish(html, out, copied)
}

/// Whether segmentation, or the parser's tree building, reads attribute
/// `attr` on element `tag`. [`without_unread_markup`] drops the others when
/// their value is quoted (an `href` keeps its name: links count by having
/// one). Keep in step with `read_attrs` and every other attribute read in
/// this module.
fn attribute_is_read(tag: &[u8], attr: &[u8]) -> bool {
    const READ: &[&[u8]] = &[
        // Segmentation.
        b"class",
        b"id",
        b"itemprop",
        b"role",
        b"rel",
        b"type",
        b"hidden",
        b"aria-hidden",
        b"style",
        b"content",
        b"property",
        b"name",
        b"lang",
        b"xml:lang",
        // Tree building: `<font>` with one of these ends SVG or MathML
        // content, `annotation-xml encoding="text/html"` holds HTML, and a
        // `<template shadowrootmode>` is a shadow root.
        b"color",
        b"face",
        b"size",
        b"encoding",
    ];
    if attr.eq_ignore_ascii_case(b"href") {
        // Only `<link rel=canonical>` reads where it points.
        return tag.eq_ignore_ascii_case(b"link");
    }
    READ.iter().any(|r| attr.eq_ignore_ascii_case(r))
        || attr
            .get(..10)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"shadowroot"))
}

/// HTML elements whose start tag ends SVG or MathML content. (`<font>`
/// ends it only with a `color`, `face` or `size` attribute; it is left out,
/// so after one the scan blanks nothing until the outermost end tag.)
fn is_breakout(name: &[u8]) -> bool {
    const BREAKOUT: &[&[u8]] = &[
        b"b",
        b"big",
        b"blockquote",
        b"body",
        b"br",
        b"center",
        b"code",
        b"dd",
        b"div",
        b"dl",
        b"dt",
        b"em",
        b"embed",
        b"h1",
        b"h2",
        b"h3",
        b"h4",
        b"h5",
        b"h6",
        b"head",
        b"hr",
        b"i",
        b"img",
        b"li",
        b"listing",
        b"menu",
        b"meta",
        b"nobr",
        b"ol",
        b"p",
        b"pre",
        b"ruby",
        b"s",
        b"small",
        b"span",
        b"strong",
        b"strike",
        b"sub",
        b"sup",
        b"table",
        b"tt",
        b"u",
        b"ul",
        b"var",
    ];
    BREAKOUT.iter().any(|t| name.eq_ignore_ascii_case(t))
}

/// Leaves `html[range]` out of `out` (the text kept so far, up to
/// `copied`), starting `out` on the first cut.
fn cut(out: &mut Option<String>, html: &str, copied: &mut usize, range: std::ops::Range<usize>) {
    let o = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
    o.push_str(&html[*copied..range.start]);
    *copied = range.end;
}

fn finish(html: &str, out: Option<String>, copied: usize) -> std::borrow::Cow<'_, str> {
    match out {
        None => std::borrow::Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[copied..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

/// Where the text of a comment (after its `<!--`) ends, as the HTML
/// tokenizer reads it: the offset of the first `-->` or `--!>`, and that
/// terminator's length.
fn comment_end(text: &[u8]) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(k) = memchr::memmem::find(&text[from..], b"--") {
        let at = from + k;
        match text.get(at + 2) {
            Some(b'>') => return Some((at, 3)),
            Some(b'!') if text.get(at + 3) == Some(&b'>') => return Some((at, 4)),
            _ => from = at + 1,
        }
    }
    None
}

/// Where a start tag whose attributes begin at `from` ends: the index just
/// past its `>`, and whether it was self-closing (`/>`). Follows the HTML
/// tokenizer's attribute states, so quotes count only around values.
fn start_tag_end(b: &[u8], from: usize) -> Option<(usize, bool)> {
    scan_start_tag(b, from, |_, _| {})
}

/// [`start_tag_end`], also calling `quoted(name, value)` for every attribute
/// with a quoted value: `b[name.start..name.end]` is its name as written,
/// `b[value.start..value.end]` its value between the quotes.
fn scan_start_tag(
    b: &[u8],
    from: usize,
    mut quoted: impl FnMut(std::ops::Range<usize>, std::ops::Range<usize>),
) -> Option<(usize, bool)> {
    #[derive(Clone, Copy)]
    enum S {
        BeforeName,
        Name,
        AfterName,
        BeforeValue,
        Quoted(u8),
        Unquoted,
        AfterQuoted,
        SelfClosing,
    }
    let ws = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    let mut state = S::BeforeName;
    // The current attribute's name, and where its quoted value starts.
    let (mut name_start, mut name_end, mut value_start) = (from, from, from);
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        state = match state {
            S::BeforeName | S::AfterQuoted if c == b'>' => return Some((i + 1, false)),
            S::Name if c == b'/' => {
                name_end = i;
                S::SelfClosing
            }
            S::BeforeName | S::AfterQuoted | S::AfterName if c == b'/' => S::SelfClosing,
            S::BeforeName => {
                if ws(c) {
                    S::BeforeName
                } else {
                    name_start = i;
                    S::Name
                }
            }
            S::Name => match c {
                b'>' => return Some((i + 1, false)),
                b'=' => {
                    name_end = i;
                    S::BeforeValue
                }
                c if ws(c) => {
                    name_end = i;
                    S::AfterName
                }
                _ => S::Name,
            },
            S::AfterName => match c {
                b'>' => return Some((i + 1, false)),
                b'=' => S::BeforeValue,
                c if ws(c) => S::AfterName,
                _ => {
                    name_start = i;
                    S::Name
                }
            },
            S::BeforeValue => match c {
                b'>' => return Some((i + 1, false)),
                b'"' | b'\'' => {
                    value_start = i + 1;
                    S::Quoted(c)
                }
                c if ws(c) => S::BeforeValue,
                _ => S::Unquoted,
            },
            S::Quoted(q) => {
                if c == q {
                    quoted(name_start..name_end, value_start..i);
                    S::AfterQuoted
                } else {
                    i += memchr::memchr(q, &b[i..]).unwrap_or(b.len() - i);
                    continue;
                }
            }
            S::Unquoted => match c {
                b'>' => return Some((i + 1, false)),
                c if ws(c) => S::BeforeName,
                _ => S::Unquoted,
            },
            S::AfterQuoted => {
                if ws(c) {
                    S::BeforeName
                } else {
                    // Reconsumed as the start of the next attribute's name.
                    name_start = i;
                    S::Name
                }
            }
            S::SelfClosing => {
                if c == b'>' {
                    return Some((i + 1, true));
                }
                // Reconsumed before an attribute name.
                if ws(c) {
                    S::BeforeName
                } else if c == b'/' {
                    S::SelfClosing
                } else {
                    name_start = i;
                    S::Name
                }
            }
        };
        i += 1;
    }
    None
}

/// The index of the `</script` that ends a script whose text starts at
/// `from`, as the HTML tokenizer reads it: in a script, `<!--` opens an
/// escaped part (ended by `-->`) in which `<script>` … `</script>` does not
/// end the script. `None` when the script runs to the end of the document.
fn script_end(b: &[u8], from: usize) -> Option<usize> {
    let ends_name = |c: Option<&u8>| {
        matches!(
            c,
            Some(b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
        )
    };
    let script_at = |i: usize| {
        b.get(i..i + 6)
            .is_some_and(|n| n.eq_ignore_ascii_case(b"script"))
            && ends_name(b.get(i + 6))
    };
    let mut i = from;
    loop {
        let lt = i + memchr::memchr(b'<', &b[i..])?;
        if b.get(lt + 1) == Some(&b'/') && script_at(lt + 2) {
            return Some(lt);
        }
        if !b[lt..].starts_with(b"<!--") {
            i = lt + 1;
            continue;
        }
        // Escaped (and, after `<script`, double-escaped) until `-->`.
        let (mut j, mut dashes, mut double) = (lt + 4, 2usize, false);
        loop {
            match *b.get(j)? {
                b'-' => {
                    dashes += 1;
                    j += 1;
                    continue;
                }
                b'>' if dashes >= 2 => break,
                b'<' if b.get(j + 1) == Some(&b'/') && script_at(j + 2) => {
                    if !double {
                        return Some(j);
                    }
                    double = false;
                    j += 9;
                }
                b'<' if !double && script_at(j + 1) => {
                    double = true;
                    j += 8;
                }
                _ => j += 1,
            }
            dashes = 0;
        }
        i = j + 1;
    }
}

/// The index of the end tag `end` (`</script`, matched without regard to
/// case and followed by whitespace, `/` or `>`) at or after `from`.
fn find_end_tag(b: &[u8], from: usize, end: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(off) = memchr::memmem::find(&b[i..], b"</") {
        let at = i + off;
        let cand = &b[at..];
        if cand.len() >= end.len()
            && cand[..end.len()].eq_ignore_ascii_case(end)
            && cand
                .get(end.len())
                .is_some_and(|c| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
        {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Segments an already parsed document.
///
/// `keep_soft_hidden` keeps content hidden by the `hidden` attribute, an
/// inline `display:none` or a hiding class: some pages hide their main
/// content until a script reveals it. `aria-hidden` content is always dropped.
pub fn segment_dom(dom: &Html, keep_soft_hidden: bool) -> Page {
    let mut walker = Walker::new(keep_soft_hidden);
    walker.walk(dom.tree.root());
    walker.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(page: &Page) -> Vec<&str> {
        page.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    fn node_words(page: &Page, node: u32) -> Vec<&str> {
        page.words_of(node)
            .iter()
            .map(|&i| page.class_words[i as usize].as_str())
            .collect()
    }

    #[test]
    fn elements_record_their_tag_class_and_id_words() {
        // A class named like an earlier tag stays a class word.
        let p = segment(
            "<nav class=\"mainMenu\"><div class=\"nav nav\" id=\"top-nav\">Home</div></nav>",
        );
        let node = p.blocks[0].node;
        let mut own = node_words(&p, node);
        own.sort_unstable();
        assert_eq!(own, ["nav", "t_div", "top"]);
        let mut parent = node_words(&p, p.nodes[node as usize].parent);
        parent.sort_unstable();
        assert_eq!(parent, ["main", "menu", "t_nav"]);
    }

    #[test]
    fn paragraphs_and_inline_spacing() {
        let p = segment("<p>Hello <b>big</b>world<i> and</i> more</p><p>Second\n  para</p>");
        assert_eq!(texts(&p), ["Hello bigworld and more", "Second para"]);
        assert_eq!(p.blocks[0].kind, BlockKind::Paragraph);
    }

    #[test]
    fn adjacent_inline_elements_that_would_fuse_words_are_spaced() {
        // A label and its value, a brand and a name: separate words.
        let p = segment(
            "<div><span class=\"name\">Publication Year</span><!--x-->\
             <span class=\"value\"><span>2013</span></span></div>\
             <p><a href=\"/b\">Bershka</a><span>Faux leather jacket</span></p>",
        );
        assert_eq!(
            texts(&p),
            ["Publication Year 2013", "Bershka Faux leather jacket"]
        );
        // One word split for styling, a drop cap, code, CJK: left as they are.
        let p = segment(
            "<p><b>Arte</b><b>mis</b> flew.</p><p><span>T</span><span>He</span> cap</p>\
             <p><code>get</code><code>Value</code></p><p><span>日本</span><span>語</span></p>",
        );
        assert_eq!(
            texts(&p),
            ["Artemis flew.", "THe cap", "getValue", "日本語"]
        );
        // The same in a data table's cells.
        let p = segment(
            "<table><tr><th>Spec</th><th>Value</th></tr>\
             <tr><td><span>Weight</span><span>46 lb</span></td><td>x</td></tr></table>",
        );
        assert!(
            p.blocks[0].text.contains("Weight 46 lb"),
            "{:?}",
            p.blocks[0].text
        );
    }

    #[test]
    fn screen_reader_copies_of_visible_text_are_dropped() {
        let p = segment(
            "<div><span>EUR 16.12<span class=\"clipped\">EUR 16.12</span></span></div>\
             <div><span aria-hidden=\"true\">Chain 104</span>\
             <span class=\"clipped\">Chain 104</span></div>\
             <div>Price <span class=\"a-offscreen\">Regular price</span></div>",
        );
        assert_eq!(texts(&p), ["EUR 16.12", "Chain 104", "Price Regular price"]);
    }

    #[test]
    fn scripts_styles_and_hidden_are_dropped() {
        let p = segment(
            "<div>Keep<script>var x=1;</script><style>p{}</style>\
             <span hidden>h1</span><span aria-hidden=\"true\">h2</span>\
             <div style=\"display: none\">h3</div><template>h4</template></div>",
        );
        assert_eq!(texts(&p), ["Keep"]);
    }

    #[test]
    fn collapsed_disclosure_panels_are_kept_with_a_hidden_hint() {
        let p = segment(
            "<div class=\"chakra-collapse\" style=\"display:none\"><p>Accordion text</p></div>\
             <div role=\"tabpanel\" hidden><p>Inactive tab</p></div>\
             <div class=\"productTabContent\" style=\"display: none\"><p>Tab content</p></div>\
             <div class=\"a-expander-content\" style=\"display:none\"><p>Read more</p></div>\
             <nav class=\"mobile-menu\" style=\"display:none\"><p>Menu</p></nav>\
             <div class=\"modal\" hidden><p>Dialog</p><div class=\"accordion\" hidden><p>In it</p></div></div>\
             <div class=\"tab-content\" aria-hidden=\"true\"><p>Decoration</p></div>\
             <p>Shown</p>",
        );
        assert_eq!(
            texts(&p),
            [
                "Accordion text",
                "Inactive tab",
                "Tab content",
                "Read more",
                "Shown"
            ]
        );
        let hidden = |i: usize| {
            p.ancestors(p.blocks[i].node)
                .any(|n| p.nodes[n as usize].hints & Hint::Hidden.bit() != 0)
        };
        assert!((0..4).all(hidden));
        assert!(!hidden(4));
    }

    #[test]
    fn aria_hidden_main_landmark_is_a_modal_background_and_kept() {
        // A cookie dialog open over the page hides the main landmark from
        // assistive technology; its text is still the page's content.
        let p = segment(
            "<div role=\"dialog\" aria-modal=\"true\"><p>We use cookies</p></div>\
             <main aria-hidden=\"true\"><p>The item</p>\
             <span aria-hidden=\"true\">icon</span></main>\
             <div role=\"main\" aria-hidden=\"TRUE\"><p>More of it</p></div>\
             <div aria-hidden=\"true\"><p>Decoration</p></div>",
        );
        assert_eq!(texts(&p), ["We use cookies", "The item", "More of it"]);
    }

    #[test]
    fn react_streamed_content_is_walked_at_its_placeholder() {
        // `<div hidden id="S:n">` is shown by a script in place of
        // `<template id="B:n">`, whose loading fallback it replaces.
        let page = "<main><p>Intro</p><!--$?--><template id=\"B:0\"></template>\
             <div>Loading paragraph...</div><!--/$--><p>Middle</p>\
             <template id=\"P:1\"></template><p>End</p></main>\
             <div hidden id=\"S:1\"><p>Segment</p></div>\
             <div hidden id=\"S:0\"><p>Streamed</p><template id=\"B:0\"></template></div>\
             <div hidden id=\"S:2\"><p>Unplaced</p></div>\
             <div hidden><p>Hidden</p></div>";
        let p = segment(page);
        assert_eq!(
            texts(&p),
            ["Intro", "Streamed", "Middle", "Segment", "End", "Unplaced"]
        );
        // Content holding its own placeholder, with none before it, is
        // walked once.
        let p = segment("<div hidden id=\"S:3\"><p>Self</p><template id=\"B:3\"></template></div>");
        assert_eq!(texts(&p), ["Self"]);
        // A template's inert contents are not streamed content.
        let p = segment(
            "<template><div hidden id=\"S:5\"><p>Inert</p></div></template>\
             <p>Shell</p><template id=\"B:5\"></template>",
        );
        assert_eq!(texts(&p), ["Shell"]);
        // Without the boundary comments the fallback stays.
        let p = segment(&page.replace("<!--$?-->", "").replace("<!--/$-->", ""));
        assert_eq!(
            texts(&p),
            [
                "Intro",
                "Streamed",
                "Loading paragraph...",
                "Middle",
                "Segment",
                "End",
                "Unplaced"
            ]
        );
    }

    #[test]
    fn double_br_splits_and_single_br_breaks_line() {
        let p = segment("<div>one<br>two<br><br>three</div>");
        assert_eq!(texts(&p), ["one\ntwo", "three"]);
    }

    #[test]
    fn text_runs_in_divs_are_blocks() {
        let p = segment("<div>lead text<p>para</p>tail text</div>");
        assert_eq!(texts(&p), ["lead text", "para", "tail text"]);
        assert_eq!(p.blocks[0].kind, BlockKind::Text);
    }

    #[test]
    fn link_chars_are_counted() {
        let p = segment("<p>read <a href=\"/x\">this link</a> now</p>");
        assert_eq!(p.blocks[0].link_chars, 8);
        assert_eq!(p.blocks[0].chars, 15);
    }

    #[test]
    fn data_tables_stay_whole() {
        let p = segment(
            "<table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td>31</td></tr></table>",
        );
        assert_eq!(p.blocks.len(), 1);
        assert_eq!(p.blocks[0].kind, BlockKind::Table);
        assert_eq!(p.blocks[0].text, "Name | Age\nAnn | 31");
    }

    #[test]
    fn layout_tables_are_containers() {
        let p = segment(
            "<table><tr><td><h2>Head</h2><p>Para one</p></td><td><ul><li>x</li></ul></td></tr></table>",
        );
        assert_eq!(texts(&p), ["Head", "Para one", "x"]);
    }

    #[test]
    fn pre_keeps_whitespace() {
        let p = segment("<pre>fn main() {\n    x();\n}</pre>");
        assert_eq!(p.blocks[0].text, "fn main() {\n    x();\n}");
        assert_eq!(p.blocks[0].kind, BlockKind::Code);
    }

    #[test]
    fn quotes_and_list_items() {
        let p = segment("<blockquote><p>q1</p>q2</blockquote><ul><li>a</li><li>b</li></ul>");
        let kinds: Vec<_> = p.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Quote,
                BlockKind::Quote,
                BlockKind::ListItem,
                BlockKind::ListItem
            ]
        );
    }

    #[test]
    fn title_prefers_matching_h1() {
        let p = segment(
            "<html><head><title>Big News Today | Example Site</title></head>\
             <body><h1>Big News Today</h1><p>Body.</p></body></html>",
        );
        assert_eq!(p.title.as_deref(), Some("Big News Today"));
        assert!(p.blocks[0].is_title);
        assert!(!p.blocks[1].is_title);
    }

    #[test]
    fn title_falls_back_to_title_tag() {
        let p = segment(
            "<html><head><title>Story headline - Site</title></head><body><p>x</p></body></html>",
        );
        assert_eq!(p.title.as_deref(), Some("Story headline"));
    }

    #[test]
    fn class_hints_are_recorded() {
        let p = segment("<div class=\"sidebar\"><p>side</p></div>");
        let b = &p.blocks[0];
        let has_sidebar = p
            .ancestors(b.node)
            .any(|n| p.nodes[n as usize].hints & Hint::Sidebar.bit() != 0);
        assert!(has_sidebar);
    }

    #[test]
    fn page_metadata_is_read() {
        let p = segment(
            "<html><head><meta property=\"og:type\" content=\"Article\">\
             <link rel=\"canonical\" href=\"https://example.com/news/2024/story\">\
             <script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", \"author\": {\"@type\":[\"Person\", \"Thing\"]}}</script>\
             </head><body><p>x</p><script type=\"application/ld+json\">{\"@type\":\"BreadcrumbList\"}</script></body></html>",
        );
        assert_eq!(p.meta.og_type.as_deref(), Some("article"));
        assert_eq!(
            p.meta.url.as_deref(),
            Some("https://example.com/news/2024/story")
        );
        assert_eq!(
            p.meta.ld_types,
            ["NewsArticle", "Person", "Thing", "BreadcrumbList"]
        );
    }

    #[test]
    fn broken_json_ld_is_harmless() {
        let mut out = Vec::new();
        collect_ld_types("{\"@type\"", &mut out);
        collect_ld_types("{\"@type\": [\"A\"", &mut out);
        collect_ld_types("\"@type\":\"é", &mut out);
        assert_eq!(out, ["A", "é"]);
    }

    #[test]
    fn descriptions_are_collected_once_each() {
        let p = segment(
            "<html><head><meta name=\"description\" content=\" Soft socks, made to last. \">\
             <meta property=\"og:description\" content=\"Soft socks, made to last.\">\
             <script type=\"application/ld+json\">{\"@type\":\"Product\",\
             \"description\": \"Cotton \\\"quarter\\\" socks\\u00e9\", \"offers\": {\"description\": 5}}</script>\
             </head><body><p>x</p></body></html>",
        );
        assert_eq!(
            p.meta.description,
            "Soft socks, made to last.\nCotton \"quarter\" socks\u{e9}"
        );
    }

    #[test]
    fn broken_json_ld_descriptions_are_harmless() {
        let mut out = String::new();
        collect_ld_descriptions("{\"description\"", &mut out);
        collect_ld_descriptions("{\"description\": \"open", &mut out);
        collect_ld_descriptions("\"description\":\"bad \\q escape\"", &mut out);
        collect_ld_descriptions("\"description\":\"ends in \\", &mut out);
        assert_eq!(out, "");
        let long = format!(
            "{{\"description\": \"{}\"}}",
            "w ".repeat(crate::segment::MAX_DESCRIPTION_BYTES)
        );
        collect_ld_descriptions(&long, &mut out);
        assert_eq!(out, "", "over the cap: left out");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(5000) + "deep" + &"</div>".repeat(5000);
        let p = segment(&html);
        assert_eq!(texts(&p), ["deep"]);
    }

    #[test]
    fn unread_attributes_are_dropped_before_parsing() {
        let blanked = |html: &str| without_unread_markup(html).into_owned();
        // Unread attributes go; read ones stay; a link keeps an empty `href`
        // and a `<link>` its whole `href`.
        assert_eq!(
            blanked(r#"<img src="a.png" alt='pic'><a class="nav" href="/page" data-x="1">x</a>"#),
            r#"<img  ><a class="nav" href="" >x</a>"#
        );
        assert_eq!(
            blanked(r#"<link rel="canonical" href="https://e.com/a">"#),
            r#"<link rel="canonical" href="https://e.com/a">"#
        );
        // Where dropping the name would change how the tag reads, only the
        // value goes: after `/`, and before an `=`.
        assert_eq!(blanked(r#"<a/title="x">"#), r#"<a/title="">"#);
        assert_eq!(
            blanked(r#"<p hidden title="x" =y>"#),
            r#"<p hidden title="" =y>"#
        );
        // Unquoted values stay.
        assert_eq!(blanked("<p title=x>"), "<p title=x>");
        // Comments lose their text up to where the tokenizer ends them.
        assert_eq!(blanked(r#"<!-- <p title="x"> --><p>"#), "<!----><p>");
        assert_eq!(blanked("<!-- a --!><p>b</p> -->"), "<!----!><p>b</p> -->");
        assert_eq!(blanked("<!-- a ---><p>"), "<!----><p>");
        assert_eq!(blanked("<!--><p>x</p>"), "<!--><p>x</p>");
        assert_eq!(blanked("<p>x</p><!-- open"), "<p>x</p><!--");
        // React's streaming boundary markers keep their text.
        assert_eq!(
            blanked("<!--$?--><template></template><!--/$--><!--$!--><!--$-->"),
            "<!--$?--><template></template><!--/$--><!--$!--><!--$-->"
        );
        // A script ends where the tokenizer ends it, escaped parts and all.
        let escaped = r#"<script><!--<script></script>--></script><p title="x">"#;
        assert_eq!(
            script_end(escaped.as_bytes(), 8),
            Some(escaped.find("</script>-->").unwrap() + 12)
        );
        assert_eq!(
            blanked(escaped),
            r#"<script><!--<script></script>--></script><p >"#
        );
    }
}
