//! dechaff turns scraped web pages into clean text.
//!
//! The pipeline has one module per stage, each a plain function over plain
//! data:
//!
//! | stage | module | takes → returns |
//! |---|---|---|
//! | read | [`read`] | paths, stdin → [`read::RawDoc`] bytes → decoded text |
//! | segment | [`segment`] | text → [`segment::Page`] of blocks |
//! | score | [`score`] | page → a [`score::Judgement`] per block |
//! | write | [`write`] | cleaned documents → text / markdown / JSON / JSONL |
//!
//! [`pipeline`] runs them over many documents in parallel, in input order.
//!
//! ```
//! let html = "<html><head><title>Hello | Site</title></head><body>\
//!     <nav><a href='/'>Home</a> <a href='/about'>About</a></nav>\
//!     <article><h1>Hello</h1><p>This is the story itself, a paragraph long \
//!     enough to read as prose, with a comma, and a full stop at the end.</p></article>\
//!     <footer>© 2024 Site. All rights reserved.</footer></body></html>";
//! let doc = dechaff::clean_str(html, dechaff::read::InputKind::Html);
//! assert_eq!(doc.title.as_deref(), Some("Hello"));
//! assert!(doc.text().starts_with("This is the story itself"));
//! assert!(!doc.text().contains("All rights reserved"));
//! ```
#![deny(missing_docs)]

pub mod error;
pub mod pipeline;
pub mod read;
pub mod score;
pub mod segment;
pub mod write;

pub use error::Error;
use read::{InputKind, RawDoc};
use score::{Judgement, Verdict};
use segment::Page;

/// One cleaned document: the segmented page and a judgement per block.
#[derive(Debug, Clone)]
pub struct Cleaned {
    /// The document id.
    pub id: String,
    /// Where it came from, as given.
    pub source: String,
    /// The title, if one was found.
    pub title: Option<String>,
    /// Whether it was read as HTML or text.
    pub kind: InputKind,
    /// The segmented page.
    pub page: Page,
    /// One judgement per block of `page`.
    pub judgements: Vec<Judgement>,
}

impl Cleaned {
    /// The cleaned main text: content blocks (the title left out),
    /// separated by one blank line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (b, j) in self.page.blocks.iter().zip(&self.judgements) {
            if j.verdict != Verdict::Content || b.is_title {
                continue;
            }
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&b.text);
        }
        out
    }
}

/// Cleans already-decoded text of a known kind, with reasons for every
/// verdict (see [`clean_str_with`] to skip them).
pub fn clean_str(text: &str, kind: InputKind) -> Cleaned {
    clean_str_with(text, kind, true)
}

/// Cleans already-decoded text of a known kind; `explain` asks for the
/// reasons behind every verdict (JSON output and `--explain` show them).
pub fn clean_str_with(text: &str, kind: InputKind, explain: bool) -> Cleaned {
    let (page, judgements) = match kind {
        InputKind::Html => {
            let dom = segment::html::parse(text);
            let page = segment::html::segment_dom(&dom, false);
            let judgements = score::score(&page, explain);
            if content_chars(&page, &judgements) < RETRY_BELOW_CHARS {
                // Little or nothing found: the page may hide its main content
                // until a script shows it. Try again with hidden parts kept.
                let page2 = segment::html::segment_dom(&dom, true);
                let judgements2 = score::score(&page2, explain);
                if content_chars(&page2, &judgements2) > 2 * content_chars(&page, &judgements) + 100
                {
                    (page2, judgements2)
                } else {
                    (page, judgements)
                }
            } else {
                (page, judgements)
            }
        }
        InputKind::Text => {
            let page = segment::text::segment(text);
            let judgements = score::score(&page, explain);
            (page, judgements)
        }
    };
    Cleaned {
        id: String::new(),
        source: String::new(),
        title: page.title.clone(),
        kind,
        page,
        judgements,
    }
}

/// Below this many characters of content, an HTML page is segmented again
/// with hidden parts kept.
const RETRY_BELOW_CHARS: usize = 200;

fn content_chars(page: &Page, judgements: &[Judgement]) -> usize {
    page.blocks
        .iter()
        .zip(judgements)
        .filter(|(b, j)| j.verdict == Verdict::Content && !b.is_title)
        .map(|(b, _)| b.chars as usize)
        .sum()
}

/// Recognises common binary formats by their magic bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"%PDF", "a PDF document"),
        (b"GIF8", "a GIF image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"RIFF", "a RIFF (WebP/WAV) file"),
        (b"\x7fELF", "an ELF executable"),
        (b"\x28\xb5\x2f\xfd", "zstd data"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| bytes.starts_with(m))
        .map(|(_, what)| *what)
}

/// Decodes and cleans one raw document. `kind` forces HTML or text;
/// `None` sniffs it from the content. `explain` asks for reasons.
pub fn clean_raw(raw: &RawDoc, kind: Option<InputKind>, explain: bool) -> Result<Cleaned, Error> {
    if let Some(what) = binary_kind(&raw.bytes) {
        return Err(Error::NotText {
            path: raw.source.clone().into(),
            what,
        });
    }
    let looks_html = kind.map(|k| k == InputKind::Html);
    let decoded = read::decode::decode(&raw.bytes, None, looks_html.unwrap_or(true));
    let kind = kind.unwrap_or_else(|| {
        if read::sniff_is_html(&decoded.text) {
            InputKind::Html
        } else {
            InputKind::Text
        }
    });
    let mut cleaned = clean_str_with(&decoded.text, kind, explain);
    cleaned.id = raw.id.clone();
    cleaned.source = raw.source.clone();
    Ok(cleaned)
}
