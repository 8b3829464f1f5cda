//! Merging: near-duplicate passages inside one page → one copy kept.
//!
//! Takes a scored page (blocks and their verdicts) and returns the merges to
//! apply: which content block leaves the text because it repeats another, and
//! why. Two kinds are found here:
//!
//! - **repeat**: the same passage twice after normalising case, whitespace,
//!   punctuation and the form of numbers, with the same figures (a pull
//!   quote, a teaser repeated as the first paragraph, a caption twice),
//!   confirmed by edit similarity over words (`strsim`'s generic
//!   Levenshtein);
//! - **contained**: a passage whose word trigrams all but entirely occur in a
//!   longer one, numbers included (a quoted sentence, a forum reply quoting
//!   an earlier post).
//!
//! Candidates come from an inverted index over hashed word trigrams, so the
//! work grows with the number of shared trigrams, not with the square of the
//! number of blocks. Code and tables are never merged. The copy that stays is
//! the one in the body's flow (more content around it); on a tie, the first.
//!
//! - **restatement**: a lead summary, "key points" list or standfirst whose
//!   sentences each paraphrase sentences of the body ([`restate`]); the body
//!   stays, the summary leaves. `--merge-threshold` tunes repeats and
//!   containment; the restatement test has fixed, documented thresholds.

pub mod near_dup;
pub mod restate;
pub mod site;

use crate::score::stopwords;
use crate::segment::{BlockKind, Page};
use rustc_hash::FxHasher;
use serde::Serialize;
use std::hash::{Hash, Hasher};

/// Why a block was merged away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeKind {
    /// The same passage, verbatim or nearly.
    Repeat,
    /// The passage occurs inside a longer one.
    Contained,
    /// A lead summary (or key points) whose sentences paraphrase the body.
    Restatement,
}

/// One merge: `dropped` leaves the text because it repeats `of`.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Merge {
    /// Index of the block merged away.
    pub dropped: usize,
    /// Indices of the block(s) it duplicates.
    pub of: Vec<usize>,
    /// Similarity in 0–1, three decimals: edit similarity for repeats,
    /// trigram containment for contained passages, alignment for restatements.
    pub similarity: f64,
    /// The kind of duplication.
    pub kind: MergeKind,
}

/// Settings of the merge stage.
#[derive(Debug, Clone, Copy)]
pub struct MergeOptions {
    /// Similarity (0–1) at or above which two passages are merged.
    pub threshold: f32,
}

impl Default for MergeOptions {
    fn default() -> Self {
        MergeOptions { threshold: 0.9 }
    }
}

/// Blocks shorter than this many words are never merged (short lines repeat
/// legitimately: "Reply", a date, a product option).
const MIN_WORDS: usize = 8;
/// List items (key points) of at least this many words take part in the
/// restatement test.
const MIN_ITEM_WORDS: usize = 4;
/// Trigrams shared by more blocks than this are ignored when looking for
/// candidates (they say nothing about which blocks repeat each other).
const MAX_POSTINGS: usize = 64;

/// Calls `f` with each word of `text` — a run of alphanumeric characters —
/// lowercased, as UTF-8 bytes (`word` is the reused buffer). ASCII goes run
/// by run (a lowercase ASCII word is passed as it is, without copying),
/// other characters one by one. The words site boilerplate
/// ([`site::block_hash`]) and near-duplicate documents
/// ([`near_dup::fingerprint`]) are compared by.
pub(crate) fn for_each_lowercase_word(text: &str, word: &mut Vec<u8>, mut f: impl FnMut(&[u8])) {
    word.clear();
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let bytes = &rest.as_bytes()[..ascii];
        // A run reaching the end of this ASCII stretch may go on with a
        // non-ASCII letter.
        let more = ascii < rest.len();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i > start {
                let run = &bytes[start..i];
                let open = more && i == bytes.len();
                if word.is_empty() && !open && !run.iter().any(u8::is_ascii_uppercase) {
                    f(run);
                } else {
                    word.extend(run.iter().map(u8::to_ascii_lowercase));
                    if !open {
                        f(word);
                        word.clear();
                    }
                }
            }
            if i < bytes.len() {
                if !word.is_empty() {
                    f(word);
                    word.clear();
                }
                i += 1;
            }
        }
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if crate::chars::is_alphanumeric(c) {
            let mut buf = [0u8; 4];
            for lower in c.to_lowercase() {
                word.extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
            }
        } else if !word.is_empty() {
            f(word);
            word.clear();
        }
        rest = &rest[c.len_utf8()..];
    }
    if !word.is_empty() {
        f(word);
        word.clear();
    }
}

/// Hashes of the normalised words of a passage: lowercase letters only,
/// digits and punctuation dropped, CJK characters one word each.
fn word_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut cur = FxHasher::default();
    let mut in_word = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            // ASCII letters: lowercased without the Unicode tables (hashed as
            // chars, like the letters below).
            i += 1;
            if b.is_ascii_alphabetic() {
                cur.write_u32(u32::from(b.to_ascii_lowercase()));
                in_word = true;
            } else if b.is_ascii_digit() || b == b'\'' {
                // digits and apostrophes vanish inside words
            } else if in_word {
                out.push(std::mem::take(&mut cur).finish());
                in_word = false;
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if crate::chars::is_alphabetic(c) {
            if crate::score::stopwords::is_cjk(c) {
                if in_word {
                    out.push(std::mem::take(&mut cur).finish());
                    in_word = false;
                }
                let mut h = FxHasher::default();
                c.hash(&mut h);
                out.push(h.finish());
            } else {
                for l in c.to_lowercase() {
                    l.hash(&mut cur);
                }
                in_word = true;
            }
        } else if c.is_numeric() || c == '’' {
            // digits and apostrophes vanish inside words
        } else if in_word {
            out.push(std::mem::take(&mut cur).finish());
            in_word = false;
        }
    }
    if in_word {
        out.push(cur.finish());
    }
    out
}

fn trigrams(words: &[u64]) -> Vec<u64> {
    let mut v: Vec<u64> = words
        .windows(3)
        .map(|w| {
            let mut h = FxHasher::default();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Whether every number of `short` (run of ASCII digits) also occurs in
/// `long`: a passage is contained in a longer one only if its figures are
/// ("Optoma ZU820T … 8800 Lumens" is not part of "Optoma ZU607T … 6500
/// Lumens – Open Box").
fn figures_within(short: &str, long: &str) -> bool {
    fn numbers(t: &str) -> impl Iterator<Item = &str> {
        t.split(|c: char| !c.is_ascii_digit())
            .filter(|x| !x.is_empty())
    }
    let long: Vec<&str> = numbers(long).collect();
    numbers(short).all(|n| long.contains(&n))
}

/// Whether two passages state the same figures: their ASCII digits, in
/// order (so "1,200" and "1200" agree). Repeats are found with digits
/// dropped, but entries of a list that differ only in their figures ("111
/// reviews, 4.5 stars" / "43 reviews, 4.8 stars") are different passages.
fn same_figures(a: &str, b: &str) -> bool {
    a.bytes()
        .filter(u8::is_ascii_digit)
        .eq(b.bytes().filter(u8::is_ascii_digit))
}

/// Edit similarity of two word sequences: 1 − Levenshtein distance (in
/// words) / the longer length.
// `&Vec` because strsim's generic Levenshtein wants `&T: IntoIterator`.
#[allow(clippy::ptr_arg)]
fn word_similarity(a: &Vec<u64>, b: &Vec<u64>) -> f32 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let d = strsim::generic_levenshtein(a, b);
    1.0 - d as f32 / longest as f32
}

/// Finds the blocks to merge away among those `keep` marks as content.
pub fn find_merges(page: &Page, keep: &[bool], opts: &MergeOptions) -> Vec<Merge> {
    let n = page.blocks.len();
    let mut grams: Vec<Vec<u64>> = vec![Vec::new(); n];
    let mut norm: Vec<Vec<u64>> = vec![Vec::new(); n];
    // (trigram, block) for every trigram of every candidate block; sorted,
    // the blocks sharing a trigram sit together (cheaper than a map of lists).
    let mut postings: Vec<(u64, u32)> = Vec::new();
    for (i, b) in page.blocks.iter().enumerate() {
        if !keep[i] || b.is_title || matches!(b.kind, BlockKind::Code | BlockKind::Table) {
            continue;
        }
        let w = word_hashes(&b.text);
        if w.len() < MIN_WORDS {
            continue;
        }
        grams[i] = trigrams(&w);
        norm[i] = w;
        postings.extend(grams[i].iter().map(|&g| (g, i as u32)));
    }
    postings.sort_unstable();
    // Candidate pairs: blocks sharing at least half of the smaller one's
    // trigrams. Each block's trigrams are deduplicated, so a run of one
    // trigram lists each block once, in increasing order.
    let mut pair_hits: Vec<(u32, u32)> = Vec::new();
    for run in postings.chunk_by(|x, y| x.0 == y.0) {
        if run.len() < 2 || run.len() > MAX_POSTINGS {
            continue;
        }
        for (k, &(_, a)) in run.iter().enumerate() {
            for &(_, b) in &run[k + 1..] {
                pair_hits.push((a, b));
            }
        }
    }
    pair_hits.sort_unstable();
    let shared = pair_hits
        .chunk_by(|x, y| x == y)
        .map(|run| (run[0], run.len() as u32));
    let content_around = |i: usize| -> usize {
        let lo = i.saturating_sub(2);
        let hi = (i + 3).min(n);
        (lo..hi).filter(|&k| k != i && keep[k]).count()
    };
    let mut pairs: Vec<(f32, usize, usize, MergeKind)> = Vec::new();
    for ((a, b), count) in shared {
        let (a, b) = (a as usize, b as usize);
        let (short, long) = if grams[a].len() <= grams[b].len() {
            (a, b)
        } else {
            (b, a)
        };
        let containment = count as f32 / grams[short].len().max(1) as f32;
        if containment < opts.threshold.min(0.99) * 0.9 {
            continue;
        }
        let similar_size = grams[short].len() * 100 >= grams[long].len() * 85;
        if similar_size {
            let sim = word_similarity(&norm[a], &norm[b]);
            if sim >= opts.threshold && same_figures(&page.blocks[a].text, &page.blocks[b].text) {
                // Keep the copy in the body's flow; on a tie, the first.
                let (drop, stay) = if content_around(a) > content_around(b) {
                    (b, a)
                } else if content_around(b) > content_around(a) {
                    (a, b)
                } else {
                    (a.max(b), a.min(b))
                };
                pairs.push((sim, drop, stay, MergeKind::Repeat));
                continue;
            }
        }
        if containment >= opts.threshold
            && !similar_size
            && figures_within(&page.blocks[short].text, &page.blocks[long].text)
        {
            pairs.push((containment, short, long, MergeKind::Contained));
        }
    }
    // Strongest first; never drop a block that another merge keeps, nor
    // keep a block that was dropped.
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut dropped = vec![false; n];
    let mut kept_as_ref = vec![false; n];
    let mut merges = Vec::new();
    for (sim, drop, stay, kind) in pairs {
        if dropped[drop] || dropped[stay] || kept_as_ref[drop] {
            continue;
        }
        dropped[drop] = true;
        kept_as_ref[stay] = true;
        merges.push(Merge {
            dropped: drop,
            of: vec![stay],
            similarity: (sim as f64 * 1000.0).round() / 1000.0,
            kind,
        });
    }
    merges.extend(restatements(page, keep, &dropped));
    merges.sort_by_key(|m| m.dropped);
    merges
}

/// Finds a lead summary among the content blocks left after the repeats
/// (see [`restate`]).
fn restatements(page: &Page, keep: &[bool], dropped: &[bool]) -> Vec<Merge> {
    let content = |i: usize| keep[i] && !dropped[i] && !page.blocks[i].is_title;
    let Some(lang) = stopwords::guess_language(
        (0..page.blocks.len())
            .filter(|&i| content(i))
            .map(|i| page.blocks[i].text.as_str()),
    ) else {
        return Vec::new();
    };
    if lang.per_character() {
        return Vec::new();
    }
    let mut para_blocks: Vec<usize> = Vec::new();
    let paras: Vec<restate::Para> = (0..page.blocks.len())
        .filter(|&i| {
            content(i)
                && matches!(
                    page.blocks[i].kind,
                    BlockKind::Paragraph
                        | BlockKind::Text
                        | BlockKind::ListItem
                        | BlockKind::Quote
                        | BlockKind::Line
                        | BlockKind::Definition
                )
        })
        .filter_map(|i| {
            let b = &page.blocks[i];
            let words = b.text.split_whitespace().count();
            let min = if b.kind == BlockKind::ListItem {
                MIN_ITEM_WORDS
            } else {
                MIN_WORDS
            };
            (words >= min).then(|| {
                para_blocks.push(i);
                restate::Para {
                    block: i,
                    words,
                    sentences: restate::sentences(&b.text, lang),
                }
            })
        })
        .collect();
    // A labelled summary: the paragraphs after a "Key points" / "Summary"
    // label, up to the next heading.
    // The label may itself be judged junk (a styled caption); what matters
    // is that content follows right after it. When a paragraph-sized block
    // between the label and the first kept paragraph was judged junk, and
    // is not one of that paragraph's own run (an item of the same list),
    // the label named the junk block (a "Highlights" box whose item the
    // classifier dropped) and the kept paragraph is the body going on.
    let container = |b: usize| page.nodes[page.blocks[b].node as usize].parent;
    let names_next = |label: usize, b: usize| {
        (label + 1..b).all(|j| {
            keep[j]
                || page.blocks[j].is_title
                || page.blocks[j].text.split_whitespace().count() < MIN_ITEM_WORDS
                || (container(j) == container(b) && page.blocks[j].kind == page.blocks[b].kind)
        })
    };
    let label = (0..page.blocks.len()).find(|&i| {
        // `para_blocks` is in page order: the first paragraph after block i.
        let next = para_blocks.partition_point(|&b| b <= i);
        page.blocks[i].chars < 60
            && para_blocks.get(next).is_some_and(|&b| b <= i + 3)
            && restate::is_summary_label(&page.blocks[i].text)
            && names_next(i, para_blocks[next])
    });
    if let Some(l) = label {
        let next_heading = (l + 1..page.blocks.len())
            .find(|&i| page.blocks[i].kind == BlockKind::Heading && keep[i])
            .unwrap_or(page.blocks.len());
        // The paragraphs after the label that share the first one's
        // container (the summary box, the key-points list) and kind (in
        // plain text, where everything shares one container, a list of
        // points ends where paragraphs start).
        let after: Vec<usize> = para_blocks
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b > l && b < next_heading && b <= l + 12)
            .map(|(p, _)| p)
            .collect();
        let region: Vec<usize> = match after.first() {
            Some(&first) => after
                .iter()
                .copied()
                .take_while(|&p| {
                    let (b, f) = (paras[p].block, paras[first].block);
                    container(b) == container(f) && page.blocks[b].kind == page.blocks[f].kind
                })
                .take(8)
                .collect(),
            None => Vec::new(),
        };
        // The longest leading part of the region that restates the rest.
        let found = (1..=region.len())
            .rev()
            .map(|k| restate::labelled_summary(&paras, &region[..k], Some(l)))
            .find(|f| !f.is_empty())
            .unwrap_or_default();
        if !found.is_empty() {
            let mut merges: Vec<Merge> =
                found.into_iter().map(|f| restatement(&paras, f)).collect();
            // The label goes with its summary.
            if keep[l] {
                let of = merges.first().map(|m| m.of.clone()).unwrap_or_default();
                merges.push(Merge {
                    dropped: l,
                    of,
                    similarity: 1.0,
                    kind: MergeKind::Restatement,
                });
            }
            return merges;
        }
    }
    // A lead the page's structure sets apart from the body: it restates
    // more loosely, like a labelled summary.
    // The longer of that and an unmarked lead summary wins.
    let marked = marked_lead(page, &paras)
        .and_then(|region| {
            (1..=region.len())
                .rev()
                .map(|k| restate::labelled_summary(&paras, &region[..k], None))
                .find(|f| !f.is_empty())
        })
        .unwrap_or_default();
    let unmarked = restate::lead_summary(&paras);
    let found = if marked.len() > unmarked.len() {
        marked
    } else {
        unmarked
    };
    found.into_iter().map(|f| restatement(&paras, f)).collect()
}

/// Longest lead [`marked_lead`] returns, in paragraphs.
const MAX_MARKED_LEAD: usize = 6;

/// The leading paragraphs (indices into `paras`) that the page's structure
/// sets apart as a summary: in HTML, the first paragraphs inside an element
/// named as one (`summary`, `standfirst`, `dek`, `excerpt`, `key-points` …;
/// see [`Hint::Summary`](crate::score::hints::Hint::Summary)); in plain
/// text, the paragraphs before the first section break (two or more blank
/// lines, as scraped text sets a summary apart from the body). `None` when
/// there is no such lead, or nothing after it.
fn marked_lead(page: &Page, paras: &[restate::Para]) -> Option<Vec<usize>> {
    let first = paras.first()?;
    let region: Vec<usize> = if page.is_html {
        use crate::score::hints::Hint;
        // Paragraphs inside an element named as a summary (the nearest
        // three levels: a summary box of paragraphs, or `<p class=lead>`
        // paragraphs one after another), starting with one of the first.
        let in_summary_box = |p: usize| {
            page.ancestors(page.blocks[paras[p].block].node)
                .take(3)
                .any(|a| page.nodes[a as usize].hints & Hint::Summary.bit() != 0)
        };
        let start = (0..paras.len().min(3)).find(|&p| in_summary_box(p))?;
        (start..paras.len())
            .take_while(|&p| in_summary_box(p))
            .collect()
    } else {
        let section_break = *page.section_starts.iter().find(|&&s| s > first.block)?;
        (0..paras.len())
            .take_while(|&p| paras[p].block < section_break)
            .collect()
    };
    (!region.is_empty() && region.len() <= MAX_MARKED_LEAD && region.len() < paras.len())
        .then_some(region)
}

/// The merge for one paragraph [`restate`] found: (paragraph, score, the
/// paragraphs it draws on), as block indices.
fn restatement(paras: &[restate::Para], (p, score, sources): (usize, f32, Vec<usize>)) -> Merge {
    Merge {
        dropped: paras[p].block,
        of: sources.iter().map(|&s| paras[s].block).collect(),
        similarity: (score as f64 * 1000.0).round() / 1000.0,
        kind: MergeKind::Restatement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_words_are_those_of_a_char_by_char_split() {
        fn reference(text: &str) -> Vec<String> {
            text.split(|c: char| !crate::chars::is_alphanumeric(c))
                .filter(|w| !w.is_empty())
                .map(|w| w.chars().flat_map(char::to_lowercase).collect())
                .collect()
        }
        let texts = [
            "",
            "Hello, World! 42 times",
            "café au lait; ÉCOLE normale",
            "naïve—façade «quoted» Straße",
            "abcÉ défGH ijk",
            "日本語のテキスト and English",
            "trailing ascii wordé",
            "é",
            "x",
            "  spaced   out  ",
            "İstanbul ΣΊΣΥΦΟΣ",
        ];
        for text in texts {
            let mut got = Vec::new();
            for_each_lowercase_word(text, &mut Vec::new(), |w| {
                got.push(String::from_utf8(w.to_vec()).unwrap())
            });
            assert_eq!(got, reference(text), "{text:?}");
        }
    }
    #[test]
    fn word_hashes_are_those_of_a_char_by_char_walk() {
        // The rules applied to every character alike, ASCII included.
        fn reference(text: &str) -> Vec<u64> {
            let mut out = Vec::new();
            let mut cur = FxHasher::default();
            let mut in_word = false;
            for c in text.chars() {
                if crate::chars::is_alphabetic(c) {
                    if crate::score::stopwords::is_cjk(c) {
                        if in_word {
                            out.push(std::mem::take(&mut cur).finish());
                            in_word = false;
                        }
                        let mut h = FxHasher::default();
                        c.hash(&mut h);
                        out.push(h.finish());
                    } else {
                        c.to_lowercase().for_each(|l| l.hash(&mut cur));
                        in_word = true;
                    }
                } else if c.is_numeric() || c == '\'' || c == '’' {
                } else if in_word {
                    out.push(std::mem::take(&mut cur).finish());
                    in_word = false;
                }
            }
            if in_word {
                out.push(cur.finish());
            }
            out
        }
        const ALPHABET: &[char] = &[
            'a', 'B', 'z', '7', ' ', '.', '\'', '’', 'é', 'Ä', 'İ', '漢', '한', '٣', 'K', '\n',
        ];
        for text in crate::chars::random_texts(ALPHABET, 0x9e37_79b9_7f4a_7c15, 5000) {
            assert_eq!(word_hashes(&text), reference(&text), "{text:?}");
        }
        assert_eq!(word_hashes("It's 42 Apples"), reference("its apples"));
    }

    use crate::segment::html;

    fn merges_of(src: &str) -> (Page, Vec<Merge>) {
        let page = html::segment(src);
        let keep = vec![true; page.blocks.len()];
        let m = find_merges(&page, &keep, &MergeOptions::default());
        (page, m)
    }

    const P1: &str = "The council voted on Tuesday to expand the bus network with three new routes to the hospital.";
    const P2: &str = "Residents had asked for better connections for years, and the plan was approved without debate.";
    const P3: &str = "Work on the new stops starts in spring and the first buses should run before the end of summer.";

    /// A body of six paragraphs and a lead that restates it loosely: in
    /// other words, sharing some names and figures.
    const BODY: [&str; 6] = [
        "The city council approved a plan on Tuesday to add three bus routes linking the northern suburbs with the general hospital.",
        "Residents of the northern suburbs have complained for years that reaching the hospital takes two changes and more than an hour.",
        "The new routes will cost about four million euros a year, paid from the regional transport fund and higher parking fees downtown.",
        "Opposition members argued that the parking fees would hurt shops in the centre, but the measure passed by nineteen votes to six.",
        "Construction of twelve new stops begins in March, and the transport company expects the first buses to run before the summer.",
        "Drivers will be hired from April, and the company says timetables will be published online a month before service begins.",
    ];
    const LOOSE_LEAD: &str = "Councillors backed three extra bus lines to the hospital for suburban residents who now need two changes to get there. Funding comes from the transport fund and pricier parking, which critics say will harm shops. Buses should be running by summer once twelve stops are built.";

    fn text_merges(src: &str) -> (Page, Vec<Merge>) {
        let page = crate::segment::text::segment(src);
        let keep = vec![true; page.blocks.len()];
        let m = find_merges(&page, &keep, &MergeOptions::default());
        (page, m)
    }

    #[test]
    fn a_loose_lead_set_apart_by_a_section_break_is_a_restatement() {
        let body = BODY.join("\n\n");
        let title = "Council Adds Bus Routes to Hospital";
        // Two blank lines set the lead apart, as scraped text does.
        let (page, m) = text_merges(&format!("{title}\n\n{LOOSE_LEAD}\n\n\n{body}\n"));
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].kind, MergeKind::Restatement);
        assert_eq!(page.blocks[m[0].dropped].text, LOOSE_LEAD);
        // One blank line: an ordinary first paragraph, too loose a restatement
        // to drop without the page marking it.
        let (_, m) = text_merges(&format!("{title}\n\n{LOOSE_LEAD}\n\n{body}\n"));
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn a_first_paragraph_set_apart_that_restates_nothing_stays() {
        let body = BODY.join("\n\n");
        let other = "The museum reopened its east wing on Sunday after a two-year renovation, with a new gallery of Roman coins and a rooftop cafe.";
        let (_, m) = text_merges(&format!("Title Of The Story Here\n\n{other}\n\n\n{body}\n"));
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn a_loose_standfirst_named_as_such_is_a_restatement() {
        let body: String = BODY.iter().map(|p| format!("<p>{p}</p>")).collect();
        let named = format!(
            "<article><h1>Council Adds Bus Routes</h1><p class=\"article-standfirst\">{LOOSE_LEAD}</p>{body}</article>"
        );
        let (page, m) = merges_of(&named);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(page.blocks[m[0].dropped].text, LOOSE_LEAD);
        let unnamed = named.replace(" class=\"article-standfirst\"", "");
        assert!(merges_of(&unnamed).1.is_empty());
    }

    #[test]
    fn a_summary_label_does_not_reach_past_an_item_judged_junk() {
        let body: String = BODY.iter().map(|p| format!("<p>{p}</p>")).collect();
        let boxed = format!(
            "<article><h1>Council Adds Bus Routes</h1>\
             <section><div class=label>Highlights</div><div class=items><div>{LOOSE_LEAD}</div></div></section>\
             <section><div class=body><p>{}</p>{body}</div></section></article>",
            "Councillors backed three extra bus lines to the hospital on Tuesday."
        );
        let page = html::segment(&boxed);
        let item = page.blocks.iter().position(|b| b.text == LOOSE_LEAD);
        let merges = |keep: &[bool]| find_merges(&page, keep, &MergeOptions::default());
        // The box's own item, kept: it is the summary the label names.
        let keep = vec![true; page.blocks.len()];
        let m = merges(&keep);
        assert!(m.iter().any(|m| Some(m.dropped) == item), "{m:?}");
        // The item judged junk: the body's first paragraph, in the next box,
        // is not taken for the summary.
        let mut keep = keep;
        keep[item.expect("the item is a block")] = false;
        assert!(merges(&keep).is_empty(), "{:?}", merges(&keep));
        // A key-points list whose first item was judged junk: the label
        // still names the rest of its list.
        let points: String = LOOSE_LEAD
            .split_inclusive(". ")
            .map(|s| format!("<li>{}</li>", s.trim()))
            .collect();
        let listed = format!(
            "<article><h1>Council Adds Bus Routes</h1><div><h3>Key points</h3><ul>{points}</ul></div>\
             <div>{body}</div></article>"
        );
        let page = html::segment(&listed);
        let items: Vec<usize> = (0..page.blocks.len())
            .filter(|&i| page.blocks[i].kind == BlockKind::ListItem)
            .collect();
        assert_eq!(items.len(), 3);
        let mut keep = vec![true; page.blocks.len()];
        keep[items[0]] = false;
        let m = find_merges(&page, &keep, &MergeOptions::default());
        for &i in &items[1..] {
            assert!(m.iter().any(|m| m.dropped == i), "{i} {m:?}");
        }
    }

    /// The candidate search is sub-quadratic: 5,000 paragraphs, a tenth of
    /// them repeats, merge in well under a second (about 10 ms in a release
    /// build; `cargo bench --bench merge` measures it). A pairwise search
    /// would take minutes.
    #[test]
    fn five_thousand_blocks_merge_quickly() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut word = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = x % 4000;
            [n % 26, n / 26 % 26, n / 676 % 26]
                .iter()
                .map(|&c| (b'a' + c as u8) as char)
                .collect::<String>()
        };
        let mut paras: Vec<String> = Vec::new();
        for i in 0..5_000 {
            let p = if i % 10 == 9 {
                paras[i / 2].clone()
            } else {
                (0..30).map(|_| word()).collect::<Vec<_>>().join(" ") + "."
            };
            paras.push(p);
        }
        let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
        let page = html::segment(&format!("<article>{body}</article>"));
        let keep = vec![true; page.blocks.len()];
        let started = std::time::Instant::now();
        let m = find_merges(&page, &keep, &MergeOptions::default());
        let took = started.elapsed();
        assert_eq!(m.len(), 500);
        assert!(took < std::time::Duration::from_millis(500), "{took:?}");
    }

    #[test]
    fn a_verbatim_repeat_is_merged_into_the_body_copy() {
        let src = format!(
            "<aside><p>{P2}</p></aside><article><p>{P1}</p><p>{}</p><p>{P3}</p></article>",
            P2.to_uppercase().replace(',', "")
        );
        let (_, m) = merges_of(&src);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].kind, MergeKind::Repeat);
        assert_eq!(m[0].dropped, 0, "the copy outside the flow goes");
        assert_eq!(m[0].of, vec![2]);
    }

    #[test]
    fn a_pull_quote_inside_a_paragraph_is_contained() {
        let quote = "Residents had asked for better connections for years";
        let src = format!("<p>{P1}</p><blockquote>“{quote}”</blockquote><p>{P2} {P3}</p>");
        let (_, m) = merges_of(&src);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].kind, MergeKind::Contained);
        assert_eq!(m[0].dropped, 1);
        assert_eq!(m[0].of, vec![2]);
    }

    #[test]
    fn distinct_paragraphs_on_one_topic_are_kept() {
        let src = format!(
            "<p>{P1}</p><p>The council voted on Tuesday to close two libraries in the northern suburbs.</p><p>{P3}</p>"
        );
        let (_, m) = merges_of(&src);
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn short_lines_and_code_are_never_merged() {
        let code = "fn main() { println!(\"hello world from the example program here\"); }";
        let src = format!("<p>Reply</p><p>Reply</p><pre>{code}</pre><pre>{code}</pre>");
        let (_, m) = merges_of(&src);
        assert!(m.is_empty(), "{m:?}");
    }

    /// A sentence with figures, for the repeat tests below.
    const CARS_2023: &str =
        "In 2023 the company sold 1,200 cars, up from 900 the year before, its report says.";

    #[test]
    fn punctuation_and_number_format_do_not_hide_a_repeat() {
        let a = CARS_2023;
        let b =
            "In 2023 the company sold 1200 cars - up from 900 the year before - its report says";
        let (_, m) = merges_of(&format!("<p>{a}</p><p>{P1}</p><p>{b}</p>"));
        assert_eq!(m.len(), 1, "{m:?}");
    }

    #[test]
    fn passages_with_different_figures_are_not_repeats() {
        // Entries of a list, or yearly figures: the same words, other facts.
        let a = CARS_2023;
        let b =
            "In 2024 the company sold 1,300 cars, up from 1,200 the year before, its report says.";
        let (_, m) = merges_of(&format!("<p>{a}</p><p>{P1}</p><p>{b}</p>"));
        assert!(m.is_empty(), "{m:?}");
        assert!(same_figures("1,200 cars in 2023", "1200 cars in 2023"));
        assert!(!same_figures(
            "111 reviews, 4.5 stars",
            "43 reviews, 4.8 stars"
        ));
    }

    #[test]
    fn a_passage_is_contained_only_with_its_figures() {
        let long = "Optoma ZU607T WUXGA Professional Installation Laser Projector with 6500 \
                    Lumens, Open Box, sold with a full warranty and free delivery";
        let other =
            "Optoma ZU820T WUXGA Professional Installation Laser Projector with 8800 Lumens";
        let same = "Optoma ZU607T WUXGA Professional Installation Laser Projector with 6500 Lumens";
        let (_, m) = merges_of(&format!("<p>{long}</p><p>{P1}</p><p>{other}</p>"));
        assert!(m.is_empty(), "{m:?}");
        let (_, m) = merges_of(&format!("<p>{long}</p><p>{P1}</p><p>{same}</p>"));
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].kind, MergeKind::Contained);
    }
}
