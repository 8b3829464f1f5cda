//! Fuzzing entry points: one function per fuzz target, each taking arbitrary
//! bytes and running one stage of dechaff over them the way the pipeline does.
//!
//! The cargo-fuzz targets in `fuzz/fuzz_targets/` are one-line calls into
//! these functions, and `tests/fuzz_corpus.rs` replays the seed corpora in
//! `fuzz/corpus/<target>/` through them on every `cargo test`, so an input
//! that once crashed stays fixed. Besides running the stage, each function
//! asserts cheap invariants that hold for every input: a panic, from the
//! stage itself or from a failed assertion here, is a bug.
//!
//! | function | stage |
//! |---|---|
//! | [`charset`] | bytes → text: BOM, transport charset, `<meta>` prescan, UTF-16 sniffing, detection |
//! | [`html`] | HTML → blocks (both hidden-content modes), then scoring and merging |
//! | [`text`] | plain text → blocks, then scoring and merging |
//! | [`jsonl`] | JSONL shard → lines → records, as the pipeline reads them |
//! | [`warc`] | WARC shard → records → HTTP responses (de-chunked, inflated) → decoded text |
//! | [`clean`] | a raw document → [`clean_raw`](crate::clean_raw) → every output format |
//!
//! Inputs longer than [`MAX_INPUT`] are ignored: the stages are linear or
//! close to it, and long inputs only slow the fuzzer down. The JSONL and WARC
//! functions stop at the reader (plus decoding and the shape check for
//! WARC): what they hand on is a string or a byte body, the input space
//! [`html`], [`text`] and [`clean`] already cover.
//!
//! Not part of the library's API; kept in the library so the fuzz targets and
//! the replay test share one definition.
#![doc(hidden)]

use crate::read::decode::{self, Decoded};
use crate::read::jsonl::{self, Fields, LineRead};
use crate::read::warc::{Next, WarcReader};
use crate::read::{self, InputKind, RawDoc};
use crate::score::Verdict;
use crate::segment::{self, BlockKind, Page};
use crate::{Cleaned, Options, write};
use encoding_rs::Encoding;
use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;

/// Longest input, in bytes, that the functions look at; longer ones return
/// at once.
pub const MAX_INPUT: usize = 64 * 1024;

/// Line cap handed to the JSONL reader (small, so the fuzzer reaches the
/// over-long-line path with small inputs).
const JSONL_MAX_LINE: u64 = 2048;

/// Record cap handed to the WARC reader (small, for the same reason).
const WARC_MAX_RECORD: u64 = 8 * 1024;

/// Charset decoding ([`decode::decode`]) with no declared charset, as text
/// and as HTML, and with one transport-declared charset picked from the
/// input's bytes; then HTML sniffing and the shape estimate on the result.
///
/// Invariants: no NUL survives decoding; the encoding used is the one
/// [`decode::choose_encoding`] picks; valid UTF-8 without NUL bytes comes
/// out unchanged (less a BOM) whenever the bytes leave no doubt (never lossy
/// where the bytes allow).
pub fn charset(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let _ = decode::meta_charset(data);
    // NUL bytes can make valid UTF-8 read as UTF-16; without them valid
    // UTF-8 must come back as it went in.
    let utf8 = std::str::from_utf8(data)
        .ok()
        .filter(|_| !data.contains(&0));
    let unchanged = |d: &Decoded, s: &str| {
        let expected = s.strip_prefix('\u{feff}').unwrap_or(s);
        assert!(
            d.text == expected,
            "valid UTF-8 changed in decoding (read as {})",
            d.encoding.name()
        );
    };
    for is_html in [false, true] {
        let d = decode::decode(data, None, is_html);
        check_decoded(&d);
        assert_eq!(d.encoding, decode::choose_encoding(data, None, is_html));
        // An ASCII page's <meta> may name a charset (ISO-2022-JP …) that
        // reads some ASCII bytes differently: only non-ASCII UTF-8 is
        // unambiguous there.
        if let Some(s) = utf8
            && (!is_html || !s.is_ascii())
        {
            unchanged(&d, s);
        }
    }
    let declared = declared_encoding(data);
    let d = decode::decode(data, Some(declared), true);
    check_decoded(&d);
    assert_eq!(
        d.encoding,
        decode::choose_encoding(data, Some(declared), true)
    );
    if let Some(s) = utf8
        && !s.is_ascii()
    {
        unchanged(&d, s);
    }
    let _ = read::sniff_is_html(&d.text);
    let _ = read::html_shape(&d.text);
}

/// Plain-text segmentation ([`segment::text::segment`]), then the whole
/// text path of [`clean_str_with`](crate::clean_str_with) (scoring,
/// merging) and every output format.
///
/// Invariants: the page invariants (see [`check_page`]); every word of every
/// block, and so of the output, is a word of the input.
pub fn text(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let page = segment::text::segment(&text);
    check_page(&page);
    assert!(!page.is_html);
    let words: HashSet<&str> = text.split_whitespace().collect();
    check_words_from(&page, &words);
    let doc = crate::clean_str_with(&text, InputKind::Text, &Options::default());
    check_cleaned(&doc);
    check_words_from(&doc.page, &words);
    render(&doc);
}

/// HTML segmentation ([`segment::html::segment_dom`]) with hidden content
/// dropped and kept, then the whole HTML path of
/// [`clean_str_with`](crate::clean_str_with) and every output format.
/// Documents that [`check_shape`](crate::check_shape) refuses are passed
/// over, as the pipeline does.
///
/// Invariants: the page invariants (see [`check_page`]); every character of
/// a block comes from a text node of the parsed document (table blocks
/// may add the `|` cell separator); keeping soft-hidden content never shows
/// fewer characters.
pub fn html(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let text = String::from_utf8_lossy(data);
    if crate::check_shape(&text, "fuzz").is_err() {
        return;
    }
    let dom = segment::html::parse(&text);
    let chars = DomChars::of(&dom);
    let mut shown = [0u64; 2];
    for (keep, shown) in [false, true].into_iter().zip(&mut shown) {
        let page = segment::html::segment_dom(&dom, keep);
        check_page(&page);
        assert!(page.is_html);
        chars.check(&page);
        *shown = page.blocks.iter().map(|b| u64::from(b.chars)).sum();
    }
    assert!(
        shown[1] >= shown[0],
        "keeping soft-hidden content shows fewer characters ({} < {})",
        shown[1],
        shown[0]
    );
    let options = Options {
        explain: false,
        ..Options::default()
    };
    let doc = crate::clean_str_with(&text, InputKind::Html, &options);
    check_cleaned(&doc);
    chars.check(&doc.page);
    render(&doc);
}

/// The JSONL reader: [`jsonl::read_line`] over the input read whole and
/// read through a 7-byte buffer, then [`jsonl::parse_record`] and the
/// pipeline's shape check on every non-blank line.
///
/// Invariants: both reads see the same lines; there is one line per
/// newline-terminated (or final unterminated) run of bytes; no line holds a
/// newline or ends in a carriage return; a record's content is its `html`
/// field, else its `text` field; an error names the shard and the line.
pub fn jsonl(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let whole = read_lines(&mut &data[..]);
    let pieces = read_lines(&mut std::io::BufReader::with_capacity(7, data));
    assert_eq!(whole, pieces, "lines depend on the read buffer's size");
    let expected =
        data.split(|&b| b == b'\n').count() - usize::from(data.is_empty() || data.ends_with(b"\n"));
    assert_eq!(whole.len(), expected, "wrong number of lines");
    let fields = Fields::default();
    let shard = Path::new("fuzz.jsonl");
    for (i, line) in whole.iter().enumerate() {
        let Some(line) = line else { continue };
        assert!(!line.contains('\n') && !line.ends_with('\r'));
        if line.trim().is_empty() {
            continue;
        }
        let line_no = i + 1;
        match jsonl::parse_record(shard, line_no, line, &fields) {
            Ok(record) => {
                let field = if record.is_html {
                    &fields.html
                } else {
                    &fields.text
                };
                assert!(!record.id.is_empty() || record.fields.contains_key(&fields.id));
                if record.is_html {
                    let _ = crate::check_shape(&record.content, "fuzz");
                }
                let content = record.content.clone();
                let all = record.into_fields();
                assert_eq!(
                    all.get(field).and_then(|v| v.as_str()),
                    Some(content.as_str())
                );
            }
            Err(e) => {
                let message = e.to_string();
                assert!(
                    message.starts_with(&format!("fuzz.jsonl:{line_no}: ")),
                    "{message}"
                );
            }
        }
    }
}

/// Reads every line with [`jsonl::read_line`]: `Some(line)`, or `None` for
/// a line over the cap.
fn read_lines(reader: &mut dyn BufRead) -> Vec<Option<String>> {
    let mut lines = Vec::new();
    let mut buf = String::new();
    // Every call but the last consumes at least one byte.
    for _ in 0..=MAX_INPUT + 1 {
        match jsonl::read_line(reader, &mut buf, JSONL_MAX_LINE) {
            Ok(LineRead::Line) => lines.push(Some(buf.clone())),
            Ok(LineRead::TooLong) => lines.push(None),
            Ok(LineRead::End) => return lines,
            Err(e) => panic!("reading from memory failed: {e}"),
        }
    }
    panic!("read_line did not reach the end");
}

/// The WARC reader: [`WarcReader`] over the input as a decompressed shard,
/// read through a small buffer, then each HTML response's body decoded with
/// its HTTP charset and given the shape check, as the pipeline does.
///
/// Invariants: the reader ends (one call per record, within the input's
/// length); record numbers rise; an error names the shard and the record,
/// and a shard is broken after any error but an over-size skip.
pub fn warc(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let stream = std::io::BufReader::with_capacity(61, std::io::Cursor::new(data.to_vec()));
    let mut reader = WarcReader::new(Box::new(stream), Path::new("fuzz.warc"), WARC_MAX_RECORD);
    let mut last = 0;
    // Every call but the last consumes at least one line.
    for _ in 0..=data.len() + 1 {
        match reader.next_record() {
            Ok(Next::End) => return,
            Ok(Next::Html(response)) => {
                assert!(response.record > last, "record numbers must rise");
                last = response.record;
                let d = decode::decode(&response.body, response.charset, true);
                check_decoded(&d);
                let _ = crate::check_shape(&d.text, "fuzz");
            }
            Ok(Next::NotHtml | Next::Other) => {}
            Err(e) => {
                let message = e.to_string();
                assert!(message.starts_with("fuzz.warc:"), "{message}");
                let skipped = message.contains(": skipped: ");
                assert_eq!(reader.is_broken(), !skipped, "{message}");
            }
        }
    }
    panic!("the WARC reader did not reach the end");
}

/// The whole per-document path: [`clean_raw`](crate::clean_raw) on the
/// bytes with the default options (binary sniffing, decoding, HTML/text
/// sniffing, the shape check, segmenting, scoring, merging), then every
/// output format.
///
/// Invariants: only "not text" and "too complex" refusals; the cleaned
/// document's invariants (see [`check_cleaned`]); the output's words (text)
/// or characters (HTML) come from the input, as for [`text`] and [`html`].
pub fn clean(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let raw = RawDoc {
        id: "fuzz".into(),
        source: "fuzz".into(),
        bytes: data.to_vec(),
    };
    let doc = match crate::clean_raw(&raw, &Options::default()) {
        Ok(doc) => doc,
        Err(e) => {
            assert!(
                matches!(
                    e,
                    crate::Error::NotText { .. } | crate::Error::TooComplex { .. }
                ),
                "unexpected error: {e}"
            );
            let _ = e.to_string();
            return;
        }
    };
    assert_eq!(doc.id, "fuzz");
    check_cleaned(&doc);
    // clean_raw decodes the same way when no kind is forced.
    let decoded = decode::decode(data, None, true);
    match doc.kind {
        InputKind::Text => {
            let words: HashSet<&str> = decoded.text.split_whitespace().collect();
            check_words_from(&doc.page, &words);
        }
        InputKind::Html => DomChars::of(&segment::html::parse(&decoded.text)).check(&doc.page),
    }
    render(&doc);
}

/// One of a fixed list of charsets, picked by a hash of the input, for the
/// transport-declared path of [`decode::decode`].
fn declared_encoding(data: &[u8]) -> &'static Encoding {
    use encoding_rs::*;
    let hash = data
        .iter()
        .fold(0u32, |h, &b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    match hash % 16 {
        0 => UTF_8,
        1 => WINDOWS_1252,
        2 => SHIFT_JIS,
        3 => GBK,
        4 => GB18030,
        5 => BIG5,
        6 => EUC_JP,
        7 => EUC_KR,
        8 => ISO_2022_JP,
        9 => KOI8_R,
        10 => WINDOWS_1251,
        11 => UTF_16LE,
        12 => UTF_16BE,
        13 => REPLACEMENT,
        14 => X_USER_DEFINED,
        _ => ISO_8859_2,
    }
}

fn check_decoded(d: &Decoded) {
    assert!(!d.text.contains('\0'), "NUL left in decoded text");
}

/// Asserts what holds for every segmented page:
///
/// - the root node is its own parent at depth 0, and every other node's
///   parent comes before it, one level up;
/// - every block has visible text (no empty or whitespace-only blocks), its
///   `chars` count is right, its link characters are at most its
///   characters, and it hangs from an existing node;
/// - headings and only headings have a level, 1 to 6;
/// - at most one block is the title, and then the page has a title.
pub fn check_page(page: &Page) {
    assert!(!page.nodes.is_empty(), "no root node");
    assert_eq!(page.nodes[0].parent, 0);
    assert_eq!(page.nodes[0].depth, 0);
    for (i, n) in page.nodes.iter().enumerate().skip(1) {
        let parent = n.parent as usize;
        assert!(parent < i, "node {i} has parent {parent}");
        assert_eq!(n.depth, page.nodes[parent].depth.saturating_add(1));
    }
    for (i, b) in page.blocks.iter().enumerate() {
        assert!(!b.text.trim().is_empty(), "block {i} is empty");
        assert_eq!(b.chars, segment::visible_chars(&b.text), "block {i}");
        assert!(b.chars > 0 && b.link_chars <= b.chars, "block {i}");
        assert!((b.node as usize) < page.nodes.len(), "block {i}");
        if b.kind == BlockKind::Heading {
            assert!((1..=6).contains(&b.heading_level), "block {i}");
        } else {
            assert_eq!(b.heading_level, 0, "block {i}");
        }
    }
    let titles = page.blocks.iter().filter(|b| b.is_title).count();
    assert!(titles <= 1, "{titles} title blocks");
    assert!(titles == 0 || page.title.is_some());
}

/// Asserts what holds for every cleaned document: the page invariants
/// ([`check_page`]); one judgement per block, with a finite score; merges
/// in block order, each block merged away at most once, never as a
/// duplicate of itself, with a similarity in 0–1; and exactly the merged
/// blocks have the verdict [`Verdict::Duplicate`].
pub fn check_cleaned(doc: &Cleaned) {
    let page = &doc.page;
    check_page(page);
    let n = page.blocks.len();
    assert_eq!(doc.judgements.len(), n);
    assert_eq!(doc.title, page.title);
    for (i, j) in doc.judgements.iter().enumerate() {
        assert!(j.score.is_finite(), "block {i} scores {}", j.score);
    }
    let mut dropped = vec![false; n];
    let mut prev = None;
    for m in &doc.merges {
        assert!(m.dropped < n, "merge drops block {} of {n}", m.dropped);
        assert!(prev < Some(m.dropped), "merges out of order or repeated");
        prev = Some(m.dropped);
        dropped[m.dropped] = true;
        assert!(!m.of.is_empty());
        assert!(m.of.iter().all(|&o| o < n && o != m.dropped), "{m:?}");
        assert!((0.0..=1.0).contains(&m.similarity), "{m:?}");
    }
    for (i, j) in doc.judgements.iter().enumerate() {
        assert_eq!(
            j.verdict == Verdict::Duplicate,
            dropped[i],
            "block {i}: verdict {:?}",
            j.verdict
        );
    }
}

/// Asserts that every word of every block is one of `words`.
fn check_words_from(page: &Page, words: &HashSet<&str>) {
    for (i, b) in page.blocks.iter().enumerate() {
        for w in b.text.split_whitespace() {
            assert!(
                words.contains(w),
                "block {i}: word {w:?} is not in the input"
            );
        }
    }
    if let Some(t) = &page.title {
        for w in t.split_whitespace() {
            assert!(words.contains(w), "title word {w:?} is not in the input");
        }
    }
}

/// The characters of a parsed document's text nodes.
struct DomChars {
    ascii: [bool; 128],
    other: HashSet<char>,
}

impl DomChars {
    fn of(dom: &scraper::Html) -> DomChars {
        let mut set = DomChars {
            ascii: [false; 128],
            other: HashSet::new(),
        };
        for node in dom.tree.nodes() {
            if let scraper::Node::Text(t) = node.value() {
                for c in t.chars() {
                    if c.is_ascii() {
                        set.ascii[c as usize] = true;
                    } else {
                        set.other.insert(c);
                    }
                }
            }
        }
        set
    }

    fn contains(&self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else {
            self.other.contains(&c)
        }
    }

    /// Asserts that every visible character of every block is a character
    /// of the document's text (`|` allowed in tables, where it separates
    /// cells).
    fn check(&self, page: &Page) {
        for (i, b) in page.blocks.iter().enumerate() {
            for c in b.text.chars() {
                assert!(
                    c.is_whitespace()
                        || self.contains(c)
                        || (c == '|' && b.kind == BlockKind::Table),
                    "block {i}: {c:?} is in no text node"
                );
            }
        }
    }
}

/// Renders a document in every output format.
fn render(doc: &Cleaned) {
    let text = doc.text();
    let plain = write::plain_text(doc);
    assert!(plain.ends_with(&format!("{text}\n")));
    let _ = write::markdown(doc);
    let _ = write::explain(doc);
    let record = write::json_record(doc, true);
    assert_eq!(record["text"].as_str(), Some(text.as_str()));
    let _ = record.to_string();
}
