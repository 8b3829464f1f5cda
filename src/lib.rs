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
//! | merge | [`merge`] | scored page → near-duplicate passages merged away |
//! | write | [`mod@write`] | cleaned documents → text / markdown / JSON / JSONL |
//!
//! [`pipeline`] runs them over many documents in parallel, in input order.
//!
//! [`chars`] holds the character classes several stages share.
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

pub mod chars;
pub mod error;
pub mod fuzzing;
pub mod merge;
pub mod pipeline;
pub mod read;
pub mod score;
pub mod segment;
pub mod write;

pub use error::Error;
use read::{InputKind, RawDoc};
use score::{Judgement, Verdict};
use segment::{Block, Page};

/// One cleaned document: the segmented page and a judgement per block.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
    /// Blocks merged away as near-duplicates of others (their verdict is
    /// [`Verdict::Duplicate`]).
    pub merges: Vec<merge::Merge>,
    /// Time spent in each stage for this document.
    pub timings: Timings,
}

/// Time spent on one document, by stage.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Timings {
    /// Decoding bytes to text (set by [`clean_raw`]).
    pub decode: std::time::Duration,
    /// Parsing and segmenting into blocks.
    pub segment: std::time::Duration,
    /// Scoring the blocks.
    pub score: std::time::Duration,
    /// Merging near-duplicate passages.
    pub merge: std::time::Duration,
}

/// How to clean a document.
#[derive(Debug, Clone)]
pub struct Options {
    /// Force HTML or text; `None` sniffs the content.
    pub input_kind: Option<InputKind>,
    /// Write the reasons behind every verdict (JSON output, `--explain`).
    pub explain: bool,
    /// Merge near-duplicate passages; `None` turns the stage off.
    pub merge: Option<merge::MergeOptions>,
    /// Stop after segmentation: every block is left as content, nothing is
    /// scored or merged (for learning site boilerplate, which needs only the
    /// blocks).
    pub segment_only: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            input_kind: None,
            explain: true,
            merge: Some(merge::MergeOptions::default()),
            segment_only: false,
        }
    }
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

/// Cleans already-decoded text of a known kind with the default options.
pub fn clean_str(text: &str, kind: InputKind) -> Cleaned {
    clean_str_with(text, kind, &Options::default())
}

/// Cleans already-decoded text of a known kind (`options.input_kind` is
/// ignored here: `kind` is known).
pub fn clean_str_with(text: &str, kind: InputKind, options: &Options) -> Cleaned {
    clean_str_inner(text, kind, options, None)
}

/// [`clean_str_with`], also handing out the blocks of the first
/// segmentation when the page was segmented again with its hidden parts
/// kept (site boilerplate is learned from the first segmentation).
pub(crate) fn clean_str_inner(
    text: &str,
    kind: InputKind,
    options: &Options,
    first_blocks: Option<&mut Option<Vec<Block>>>,
) -> Cleaned {
    let explain = options.explain;
    let mut timings = Timings::default();
    let (page, mut judgements) = match kind {
        InputKind::Html => {
            let t = std::time::Instant::now();
            let dom = segment::html::parse(text);
            let page = segment::html::segment_dom(&dom, false);
            timings.segment = t.elapsed();
            if options.segment_only {
                return segmented_only(page, kind, timings);
            }
            let t = std::time::Instant::now();
            let judgements = score::score(&page, explain);
            timings.score = t.elapsed();
            if content_chars(&page, &judgements) < RETRY_BELOW_CHARS {
                // Little or nothing found: the page may hide its main content
                // until a script shows it. Try again with hidden parts kept.
                let t = std::time::Instant::now();
                let page2 = segment::html::segment_dom(&dom, true);
                let judgements2 = score::score(&page2, explain);
                timings.score += t.elapsed();
                if content_chars(&page2, &judgements2) > 2 * content_chars(&page, &judgements) + 100
                {
                    if let Some(first) = first_blocks {
                        *first = Some(page.blocks);
                    }
                    (page2, judgements2)
                } else {
                    (page, judgements)
                }
            } else {
                (page, judgements)
            }
        }
        InputKind::Text => {
            let t = std::time::Instant::now();
            let page = segment::text::segment(text);
            timings.segment = t.elapsed();
            if options.segment_only {
                return segmented_only(page, kind, timings);
            }
            let t = std::time::Instant::now();
            let judgements = score::score(&page, explain);
            timings.score = t.elapsed();
            (page, judgements)
        }
    };
    let t = std::time::Instant::now();
    let merges = match &options.merge {
        Some(opts) => {
            let keep: Vec<bool> = judgements
                .iter()
                .map(|j| j.verdict == Verdict::Content)
                .collect();
            merge::find_merges(&page, &keep, opts)
        }
        None => Vec::new(),
    };
    timings.merge = t.elapsed();
    for m in &merges {
        let j = &mut judgements[m.dropped];
        j.verdict = Verdict::Duplicate;
        if explain {
            let of: Vec<String> = m.of.iter().map(|i| format!("#{i}")).collect();
            j.reasons.insert(
                0,
                format!(
                    "{} of block {} (similarity {:.2})",
                    match m.kind {
                        merge::MergeKind::Repeat => "repeat",
                        merge::MergeKind::Contained => "contained in",
                        merge::MergeKind::Restatement => "restates",
                    },
                    of.join(", "),
                    m.similarity
                ),
            );
        }
    }
    Cleaned {
        id: String::new(),
        source: String::new(),
        title: page.title.clone(),
        kind,
        page,
        judgements,
        merges,
        timings,
    }
}

/// A segmented page with every block left as content (see
/// [`Options::segment_only`]).
fn segmented_only(page: Page, kind: InputKind, timings: Timings) -> Cleaned {
    let judgements = page
        .blocks
        .iter()
        .map(|_| Judgement {
            verdict: Verdict::Content,
            score: 0.0,
            reasons: Vec::new(),
        })
        .collect();
    Cleaned {
        id: String::new(),
        source: String::new(),
        title: page.title.clone(),
        kind,
        page,
        judgements,
        merges: Vec::new(),
        timings,
    }
}

/// Deepest element nesting accepted (estimated from the tags before parsing).
pub const MAX_NESTING: usize = 10_000;
/// Most elements accepted in one document.
pub const MAX_ELEMENTS: usize = 2_000_000;

/// Refuses HTML whose parse would take minutes: nesting deeper than
/// [`MAX_NESTING`] or more than [`MAX_ELEMENTS`] elements.
pub fn check_shape(html: &str, source: &str) -> Result<(), Error> {
    let (depth, elements) = read::html_shape(html);
    if depth > MAX_NESTING {
        return Err(Error::TooComplex {
            path: source.into(),
            what: format!("elements nest about {depth} deep (limit {MAX_NESTING})"),
        });
    }
    if elements > MAX_ELEMENTS {
        return Err(Error::TooComplex {
            path: source.into(),
            what: format!("{elements} elements (limit {MAX_ELEMENTS})"),
        });
    }
    Ok(())
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

/// Decodes and cleans one raw document.
pub fn clean_raw(raw: &RawDoc, options: &Options) -> Result<Cleaned, Error> {
    clean_raw_inner(raw, options, None)
}

/// [`clean_raw`] with the first segmentation's blocks, as [`clean_str_inner`].
pub(crate) fn clean_raw_inner(
    raw: &RawDoc,
    options: &Options,
    first_blocks: Option<&mut Option<Vec<Block>>>,
) -> Result<Cleaned, Error> {
    let kind = options.input_kind;
    if let Some(what) = binary_kind(&raw.bytes) {
        return Err(Error::NotText {
            path: raw.source.clone().into(),
            what,
        });
    }
    let looks_html = kind.map(|k| k == InputKind::Html);
    let t = std::time::Instant::now();
    let decoded = read::decode::decode(&raw.bytes, None, looks_html.unwrap_or(true));
    let decode_time = t.elapsed();
    let kind = kind.unwrap_or_else(|| {
        if read::sniff_is_html(&decoded.text) {
            InputKind::Html
        } else {
            InputKind::Text
        }
    });
    if kind == InputKind::Html {
        check_shape(&decoded.text, &raw.source)?;
    }
    let mut cleaned = clean_str_inner(&decoded.text, kind, options, first_blocks);
    cleaned.timings.decode = decode_time;
    cleaned.id = raw.id.clone();
    cleaned.source = raw.source.clone();
    Ok(cleaned)
}
