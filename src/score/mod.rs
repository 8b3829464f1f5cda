//! Scoring: a [`Page`] of blocks → a [`Judgement`] (content or junk, with a
//! score and reasons) for every block.
//!
//! Five steps:
//! 1. **Features** per block: length, link density, stopword density in the
//!    page's language, sentence shape, boilerplate wording, and the class/id
//!    and tag hints of the elements around it.
//! 2. **Main area**: a readability-like container score over the element
//!    tree finds the area that holds the main content (an article body, a
//!    thread of posts, a list of items), so a sidebar, comment section or
//!    footer is judged as a whole.
//! 3. **Rules**: each block's score combines its own features with the
//!    main-area estimate; short, uncertain blocks then take the verdict of
//!    their neighbours (as jusText does). Plain text is decided here.
//! 4. **Classifier** (HTML): a tree ensemble ([`classifier`]) reads a
//!    feature vector per block ([`vector`]), the rules' score among them,
//!    and gives the probability that the block is main content.
//! 5. **Page-level cut** ([`select`]): the blocks kept are those that
//!    maximise the page's expected word-level F1 under those probabilities
//!    (customer reviews and comments on a page that declares a product
//!    count at half their probability).

pub mod classifier;
#[cfg(feature = "eval-hooks")]
pub mod held_out;
pub mod hints;
pub mod lexical;
// The model's split values are data; one may happen to look like π.
#[allow(clippy::approx_constant)]
pub mod model;
pub mod phrases;
pub mod select;
pub mod stopwords;
pub mod vector;

use crate::segment::{BlockKind, Page, TagRole};
use hints::{CONTENT_HINTS, Hint, JUNK_HINTS};
use serde::Serialize;
use stopwords::{Lang, for_each_token, is_cjk, is_stopword};

/// The decision for one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Main content: kept in the output text.
    Content,
    /// Boilerplate: removed.
    Junk,
    /// A near-duplicate of other content: merged away.
    Duplicate,
}

impl Verdict {
    /// The lowercase name used in output.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Content => "content",
            Verdict::Junk => "junk",
            Verdict::Duplicate => "duplicate",
        }
    }
}

/// A block's verdict, its score (positive means content) and why.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Judgement {
    /// The verdict.
    pub verdict: Verdict,
    /// The score the verdict came from; > 0 leans content.
    pub score: f32,
    /// Human-readable reasons, strongest first.
    pub reasons: Vec<String>,
}

/// Measured facts about one block.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Visible characters.
    pub chars: u32,
    /// Word tokens (CJK characters count one each).
    pub words: u32,
    /// Share of characters inside links.
    pub link_density: f32,
    /// Share of word tokens that are stopwords (0 when the language is unknown).
    pub stop_density: f32,
    /// Sentence-final punctuation marks.
    pub sentence_ends: u32,
    /// Commas (ASCII and CJK).
    pub commas: u32,
    /// Hints on the block's element and its ancestors.
    pub hints: u64,
    /// Tag roles among the ancestors that mark chrome (nav, footer, aside, header, form).
    pub chrome_role: Option<TagRole>,
    /// A boilerplate phrase found in a short block.
    pub phrase: Option<&'static str>,
    /// True when the block lies inside the estimated main area.
    pub in_main: bool,
    /// Share of visible characters that are letters.
    pub letter_share: f32,
}

fn count_shape(text: &str) -> (u32, u32) {
    let mut ends = 0;
    let mut commas = 0;
    let mut prev_end = false;
    for c in text.chars() {
        match c {
            '.' | '!' | '?' | '…' => prev_end = true,
            '。' | '！' | '？' => {
                ends += 1;
                prev_end = false;
            }
            ',' | '，' | '、' | ';' => {
                commas += 1;
                if prev_end {
                    prev_end = false;
                }
            }
            c if c.is_whitespace() => {
                if prev_end {
                    ends += 1;
                    prev_end = false;
                }
            }
            '"' | '\'' | '”' | '’' | ')' | '»' => {}
            _ => prev_end = false,
        }
    }
    if prev_end {
        ends += 1;
    }
    (ends, commas)
}

/// Per-element totals used by the main-area estimate.
#[derive(Debug, Clone, Default)]
struct NodeStats {
    chars: u32,
    link_chars: u32,
    content_score: f32,
}

/// Chrome roles that end the content inside them.
fn is_chrome(role: TagRole) -> bool {
    matches!(
        role,
        TagRole::Nav | TagRole::Footer | TagRole::Aside | TagRole::Header | TagRole::Form
    )
}

/// Hints that name strong chrome (as opposed to weak ones such as meta).
const STRONG_JUNK: u64 = Hint::Nav.bit()
    | Hint::Footer.bit()
    | Hint::Share.bit()
    | Hint::Related.bit()
    | Hint::Newsletter.bit()
    | Hint::Cookie.bit()
    | Hint::Ad.bit()
    | Hint::Modal.bit()
    | Hint::Sidebar.bit();

/// A JSON-LD `@type` without its vocabulary prefix: `Product` for
/// `https://schema.org/Product` or `schema:Product`.
fn ld_type_name(t: &str) -> &str {
    t.rsplit(['/', ':']).next().unwrap_or(t)
}

/// True when the page's metadata (`og:type`, JSON-LD `@type`) calls it an
/// article, and nothing in it calls it a discussion.
fn says_article(meta: &crate::segment::PageMeta) -> bool {
    let discussion = meta.ld_types.iter().any(|t| {
        matches!(
            ld_type_name(t),
            "DiscussionForumPosting" | "QAPage" | "Question" | "SocialMediaPosting"
        )
    });
    let article = meta
        .og_type
        .as_deref()
        .is_some_and(|t| t.contains("article"))
        || meta.ld_types.iter().any(|t| {
            matches!(
                ld_type_name(t),
                "Article" | "NewsArticle" | "BlogPosting" | "Report" | "OpinionNewsArticle"
            )
        });
    article && !discussion
}

/// Share of the page's prose the main area must hold.
const WIDEN_SHARE: f32 = 0.7;

/// Finds the main area: returns the chosen root node and a flag per node
/// saying whether it lies inside the area.
fn main_area(page: &Page, feats: &[Features]) -> (u32, u32, Vec<bool>) {
    let n = page.nodes.len();
    // On a page whose metadata calls it an article, reader comments are not
    // where the content is (on a forum they are): when any text outside
    // them could be, they take no part in finding the area.
    let mut in_comments = vec![false; n];
    if says_article(&page.meta) {
        in_comments = nodes_under(page, Hint::Comment.bit());
        let text_outside = page.blocks.iter().zip(feats).any(|(b, f)| {
            !b.is_title && f.chars >= 25 && f.link_density <= 0.5 && !in_comments[b.node as usize]
        });
        if !text_outside {
            in_comments.iter_mut().for_each(|x| *x = false);
        }
    }
    let mut stats = vec![NodeStats::default(); n];
    for b in &page.blocks {
        for a in page.ancestors(b.node) {
            let s = &mut stats[a as usize];
            s.chars += b.chars;
            s.link_chars += b.link_chars;
        }
    }
    for (b, f) in page.blocks.iter().zip(feats) {
        if b.is_title || f.chars < 25 || f.link_density > 0.5 || in_comments[b.node as usize] {
            continue;
        }
        let weight = 1.0 + f.commas.min(10) as f32 + (f.chars as f32 / 100.0).min(3.0);
        let mut start = b.node;
        let role = page.nodes[start as usize].role;
        if matches!(
            role,
            TagRole::Paragraph | TagRole::Heading | TagRole::ListItem | TagRole::Figure
        ) {
            start = page.nodes[start as usize].parent;
        }
        for (level, a) in page.ancestors(start).take(5).enumerate() {
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 2.0,
            };
            stats[a as usize].content_score += weight / div;
        }
    }
    let mut best = 0u32;
    let mut best_score = f32::MIN;
    for (i, node) in page.nodes.iter().enumerate() {
        let s = &stats[i];
        if s.content_score <= 0.0 {
            continue;
        }
        let ld = if s.chars > 0 {
            s.link_chars as f32 / s.chars as f32
        } else {
            0.0
        };
        let mut score = s.content_score * (1.0 - ld);
        if node.hints & CONTENT_HINTS != 0 {
            score *= 1.25;
        }
        if node.hints & Hint::ArticleBody.bit() != 0 {
            score *= 1.25;
        }
        if node.hints & STRONG_JUNK != 0 {
            score *= 0.6;
        }
        match node.role {
            TagRole::Article | TagRole::Main => score *= 1.2,
            r if is_chrome(r) => score *= 0.5,
            _ => {}
        }
        if score > best_score {
            best_score = score;
            best = i as u32;
        }
    }
    // Widen the area until it holds most of the page's prose: the readability
    // pick is often one post, one item or one section of a longer page.
    let mut good = vec![0f32; n];
    let mut good_chrome = vec![0f32; n];
    for (b, f) in page.blocks.iter().zip(feats) {
        if b.is_title || f.link_density > 0.35 || f.chars < 40 || in_comments[b.node as usize] {
            continue;
        }
        let w = f.chars as f32;
        let mut chrome = false;
        for a in page.ancestors(b.node) {
            let node = &page.nodes[a as usize];
            if node.hints & STRONG_JUNK != 0 || is_chrome(node.role) {
                chrome = true;
            }
        }
        for a in page.ancestors(b.node) {
            if chrome {
                good_chrome[a as usize] += w;
            } else {
                good[a as usize] += w;
            }
        }
    }
    let total_clean = good[0];
    let total_all = good[0] + good_chrome[0];
    let use_all = total_clean < 0.3 * total_all;
    let cover = |i: usize| {
        if use_all {
            good[i] + good_chrome[i]
        } else {
            good[i]
        }
    };
    let total = if use_all { total_all } else { total_clean };
    let readability_best = best;
    if total > 0.0 && best_score > 0.0 {
        let want = WIDEN_SHARE * total;
        let mut cur = best;
        while cover(cur as usize) < want {
            let p = page.nodes[cur as usize].parent;
            if p == cur {
                break;
            }
            cur = p;
        }
        best = cur;
    }
    let mut inside = vec![false; n];
    if best_score <= 0.0 {
        // No paragraph-like text anywhere: everything is "inside".
        inside.iter_mut().for_each(|x| *x = true);
        return (0, 0, inside);
    }
    // Nodes are stored in document order with parents first, so one pass
    // marks every descendant of the chosen root.
    inside[best as usize] = true;
    for i in 0..n {
        let p = page.nodes[i].parent as usize;
        if i != p && inside[p] {
            inside[i] = true;
        }
    }
    (readability_best, best, inside)
}

/// True when a plain-text block is worded as chrome: a strong boilerplate
/// phrase (a disclaimer, a consent notice), or a short phrase that makes up
/// most of the block ("Related Articles", "Back to top").
fn worded_as_chrome(text: &str, f: &Features) -> bool {
    let Some(p) = f.phrase else { return false };
    phrases::is_strong(p) || p.len() * 2 >= text.trim().len()
}

/// For plain text, the body is the run of blocks from the first to the last
/// paragraph that reads as body text (long, prose-like, no boilerplate
/// wording), widened over neighbouring prose and small gaps.
fn text_body_span(page: &Page, feats: &[Features]) -> Option<(usize, usize)> {
    let is_anchor = |i: usize| {
        let b = &page.blocks[i];
        let f = &feats[i];
        b.kind == BlockKind::Paragraph
            && f.chars >= 150
            && f.phrase.is_none()
            && (f.stop_density >= 0.2 || f.stop_density == 0.0)
    };
    let mut first = (0..page.blocks.len()).find(|&i| is_anchor(i))?;
    let mut last = (0..page.blocks.len()).rev().find(|&i| is_anchor(i))?;
    // Shorter paragraphs of running text next to the body belong to it
    // (a one-sentence lede, a closing quote).
    let is_prose = |i: usize| is_prose(page, feats, i);
    // The body may be broken by a subheading, a "More:" or a dateline: a
    // gap of up to `MAX_GAP` blocks is bridged when prose follows it and no
    // boilerplate wording sits in it.
    let n = page.blocks.len();
    let next_prose = |from: usize, forward: bool| -> Option<usize> {
        for step in 1..=MAX_GAP + 1 {
            let j = if forward {
                from.checked_add(step).filter(|&j| j < n)?
            } else {
                from.checked_sub(step)?
            };
            if feats[j].phrase.is_some() {
                return None;
            }
            if is_prose(j) {
                return Some(j);
            }
        }
        None
    };
    while let Some(j) = next_prose(first, false) {
        first = j;
    }
    while let Some(j) = next_prose(last, true) {
        last = j;
    }
    Some((first, last))
}

/// True when a plain-text block reads as running text: a sentence or more
/// of prose-like wording, no boilerplate phrase.
fn is_prose(page: &Page, feats: &[Features], i: usize) -> bool {
    let b = &page.blocks[i];
    let f = &feats[i];
    matches!(b.kind, BlockKind::Paragraph | BlockKind::Line)
        && !b.is_title
        && f.words >= 6
        && f.phrase.is_none()
        && f.stop_density >= 0.25
        && (f.sentence_ends >= 1 || f.commas >= 1 || f.words >= 12)
}

/// True when a short plain-text line reads like a header's chrome: a
/// section name of a few words, a `|`-separated menu, a date or counter, a
/// run of capitalised labels without a single function word.
fn looks_like_chrome_line(page: &Page, feats: &[Features], i: usize) -> bool {
    let text = &page.blocks[i].text;
    let f = &feats[i];
    let worded = text
        .split_whitespace()
        .filter(|w| w.chars().any(crate::chars::is_alphabetic))
        .count();
    f.words <= 3
        || text.contains(" | ")
        || worded < 3
        || f.phrase.is_some()
        || (f.stop_density == 0.0 && f.sentence_ends == 0)
}

/// True for a short line dated by a year or a time of day, with at most
/// three words ("Tuesday, November 19, 2019", "Updated 5:12 pm").
fn is_date_line(text: &str) -> bool {
    let worded = text
        .split_whitespace()
        .filter(|w| w.chars().any(crate::chars::is_alphabetic))
        .count();
    let b = text.as_bytes();
    let year = b.windows(4).enumerate().any(|(i, w)| {
        (w.starts_with(b"19") || w.starts_with(b"20"))
            && w.iter().all(u8::is_ascii_digit)
            && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
    });
    let time = b.windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    });
    worded <= 3 && (year || time) && text.chars().count() <= 60
}

/// Most non-prose blocks the plain-text body span bridges (see
/// [`text_body_span`]).
const MAX_GAP: usize = 2;

/// Judges the blocks of a plain-text page.
///
/// Plain text carries no markup, so only wording and position speak. Text
/// is kept unless there is evidence it is chrome: inside the body span
/// (see [`text_body_span`]) only blocks worded as chrome go; before and after
/// it, chrome starts at the first block with boilerplate wording, counted
/// from the body outward, and runs to the edge of the text (menus, related
/// links and footers sit together). Text that is already clean — such as
/// dechaff's own output — passes through unchanged.
fn judge_text(page: &Page, feats: &[Features], explain: bool) -> Vec<Judgement> {
    let n = page.blocks.len();
    let (first, last) = text_body_span(page, feats).unwrap_or((0, n.saturating_sub(1)));
    let worded = |i: usize| worded_as_chrome(&page.blocks[i].text, &feats[i]);
    // Short lines above the title are the site's header (menus, section
    // names, dates); prose there is kept.
    let title = page.blocks.iter().position(|b| b.is_title);
    let header = |i: usize| {
        title.is_some_and(|t| i < t)
            && !is_prose(page, feats, i)
            && looks_like_chrome_line(page, feats, i)
    };
    // Outside the body: from the boilerplate wording nearest the body out.
    // Chrome is believed on clear evidence: one block worded as chrome, or
    // two with boilerplate phrases, between the start of chrome and the edge.
    let phrased = |i: usize| feats[i].phrase.is_some();
    let enough = |range: std::ops::Range<usize>| {
        range.clone().any(worded) || range.filter(|&i| phrased(i)).count() >= 2
    };
    let head_chrome_end = (0..first)
        .rev()
        .find(|&i| phrased(i) && enough(0..i + 1))
        .map(|i| i + 1);
    let tail_chrome_start = (last + 1..n).find(|&i| phrased(i) && enough(i..n));
    (0..n)
        .map(|i| {
            let f = &feats[i];
            let text = &page.blocks[i].text;
            let (keep, why): (bool, &dyn Fn() -> String) = if worded_as_chrome(text, f) {
                (false, &|| {
                    format!("boilerplate wording (\"{}\")", f.phrase.unwrap_or_default())
                })
            } else if header(i) {
                (false, &|| "above the title, not prose".into())
            } else if i < first && is_date_line(text) {
                (false, &|| "a date line before the body".into())
            } else if head_chrome_end.is_some_and(|end| i < end) {
                (false, &|| {
                    "before the body, with boilerplate wording".into()
                })
            } else if tail_chrome_start.is_some_and(|start| i >= start) {
                (false, &|| "after the body, with boilerplate wording".into())
            } else if (first..=last).contains(&i) {
                (true, &|| "inside the body".into())
            } else {
                (true, &|| "next to the body, no boilerplate wording".into())
            };
            Judgement {
                verdict: if keep {
                    Verdict::Content
                } else {
                    Verdict::Junk
                },
                score: if keep { 1.0 } else { -1.0 },
                reasons: if explain { vec![why()] } else { Vec::new() },
            }
        })
        .collect()
}

/// Everything scoring measured about a page: per-block features, the main
/// area, and the rule-based judgements.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The language whose stoplist was used.
    pub lang: Option<Lang>,
    /// Per-block features.
    pub feats: Vec<Features>,
    /// The node the readability-like container score picked.
    pub readability_best: u32,
    /// The root of the (widened) main area.
    pub main_root: u32,
    /// Rule-based judgements, after neighbour smoothing.
    pub judged: Vec<Judgement>,
}

/// Judges every block of a page: the hand-written rules measure, the
/// learned classifier decides (see [`classifier`]) — for HTML; plain text is
/// judged by the rules alone.
///
/// With `explain` off, judgements carry no reasons (faster).
pub fn score(page: &Page, explain: bool) -> Vec<Judgement> {
    let mut an = analyze(page, explain);
    let notices: Vec<bool> = page
        .blocks
        .iter()
        .zip(&an.feats)
        .map(|(b, f)| !b.is_title && phrases::is_script_notice(&b.text, f.words))
        .collect();
    if !page.is_html {
        // The classifier learned from HTML pages; plain text has none of the
        // markup it reads, so the rules (body span, wording) decide.
        drop_script_notices(&notices, &mut an.judged, explain);
        return an.judged;
    }
    let vectors = vector::vectors(page, &an);
    let rule_scores: Vec<f32> = an.judged.iter().map(|j| j.score).collect();
    let decided = classifier::classify(page, &vectors, &rule_scores);
    #[cfg(feature = "eval-hooks")]
    let decided = held_out::log_odds_for(page).unwrap_or(decided);
    let user_content = user_content_on_product_page(page);
    let probs: Vec<f32> = page
        .blocks
        .iter()
        .zip(&decided)
        .zip(&notices)
        .zip(&user_content)
        .map(|(((b, &log_odds), &notice), &user)| {
            if b.is_title || notice {
                0.0
            } else if user {
                classifier::probability(log_odds) * USER_CONTENT_WEIGHT
            } else {
                classifier::probability(log_odds)
            }
        })
        .collect();
    let words: Vec<u32> = an.feats.iter().map(|f| f.words).collect();
    let keep = select::keep_for_expected_f1(&probs, &words);
    // Pages unlike anything the classifier was trained on (a lone paragraph,
    // a tiny fragment) can leave it keeping nothing of what the rules keep:
    // then the rules decide. On such a page the rules keep much of the text;
    // when they keep only a sliver of a whole page (a crisis-line notice, a
    // newsletter box on a shop page whose items load by script), the
    // classifier's verdict that nothing there is content stands.
    let content_chars = |keep: &dyn Fn(usize) -> bool| -> u32 {
        (0..page.blocks.len())
            .filter(|&i| keep(i) && !page.blocks[i].is_title)
            .map(|i| page.blocks[i].chars)
            .sum()
    };
    let by_rules = content_chars(&|i| an.judged[i].verdict == Verdict::Content);
    let by_model = content_chars(&|i| keep[i]);
    let page_chars = content_chars(&|_| true);
    if rules_decide(by_model, by_rules, page_chars) {
        if explain {
            for j in &mut an.judged {
                j.reasons
                    .insert(0, "classifier kept too little: the rules decide".into());
            }
        }
        drop_script_notices(&notices, &mut an.judged, explain);
        return an.judged;
    }
    // The lowest probability the page keeps, for the reasons only.
    let cutoff = if explain {
        (0..keep.len())
            .filter(|&i| keep[i])
            .map(|i| probs[i])
            .fold(1.0f32, f32::min)
    } else {
        1.0
    };
    for (i, (((b, j), &log_odds), &kept)) in page
        .blocks
        .iter()
        .zip(an.judged.iter_mut())
        .zip(&decided)
        .zip(&keep)
        .enumerate()
    {
        let rules_said = j.verdict;
        j.verdict = if b.is_title || kept {
            Verdict::Content
        } else {
            Verdict::Junk
        };
        j.score = log_odds;
        if explain {
            let mut note = if log_odds == classifier::CERTAIN_JUNK {
                "rules: certainly junk".to_string()
            } else {
                format!(
                    "classifier p={:.2}, page keeps p>={cutoff:.2}",
                    classifier::probability(log_odds)
                )
            };
            if user_content[i] {
                note.push_str(", halved: a review or comment on a product page");
            }
            if rules_said != j.verdict && !b.is_title {
                note.push_str(&format!(" (rules alone: {})", rules_said.name()));
            }
            j.reasons.insert(0, note);
        }
    }
    drop_script_notices(&notices, &mut an.judged, explain);
    an.judged
}

/// What a block's probability is multiplied by when it is a customer review
/// or comment on a page that declares a product (see
/// [`user_content_on_product_page`]).
const USER_CONTENT_WEIGHT: f32 = 0.5;

/// JSON-LD `@type`s (without their vocabulary prefix) that declare a
/// product or an offer of one.
const PRODUCT_LD_TYPES: &[&str] = &[
    "Product",
    "Offer",
    "AggregateOffer",
    "ProductGroup",
    "IndividualProduct",
];

/// True when the page's metadata (`og:type`, JSON-LD `@type`) declares a
/// product or an offer of one.
fn says_product(meta: &crate::segment::PageMeta) -> bool {
    meta.og_type
        .as_deref()
        .is_some_and(|t| t.contains("product"))
        || meta
            .ld_types
            .iter()
            .any(|t| PRODUCT_LD_TYPES.contains(&ld_type_name(t)))
}

/// Per block: whether it sits inside customer reviews or comments (an
/// element or ancestor with a review or comment class/id) on a page that
/// declares a product. What buyers say about a product is not the product's
/// description, which is the main content of a shop page; the classifier
/// reads these hints too, but shop pages are a small share of what it
/// learned from, so [`score`] weighs such blocks down by
/// [`USER_CONTENT_WEIGHT`] before the page's selection.
fn user_content_on_product_page(page: &Page) -> Vec<bool> {
    if !says_product(&page.meta) {
        return vec![false; page.blocks.len()];
    }
    let under = nodes_under(page, Hint::Review.bit() | Hint::Comment.bit());
    page.blocks.iter().map(|b| under[b.node as usize]).collect()
}

/// Per node: whether it or an ancestor carries any of the `hints` bits.
/// Nodes are stored parents first, so one pass marks the subtrees.
fn nodes_under(page: &Page, hints: u64) -> Vec<bool> {
    let mut under = vec![false; page.nodes.len()];
    for (i, node) in page.nodes.iter().enumerate() {
        let p = node.parent as usize;
        under[i] = node.hints & hints != 0 || (p != i && under[p]);
    }
    under
}

/// When the classifier keeps nothing, the rules decide only if they keep at
/// least 1 / `RULES_FALLBACK_SHARE` of the page's text (see [`score`]).
const RULES_FALLBACK_SHARE: u64 = 4;

/// Whether the rules' verdicts replace the classifier's on a page where the
/// classifier keeps `by_model` characters, the rules `by_rules`, of the
/// page's `page_chars` (titles left out): when the classifier keeps nothing
/// and the rules keep at least 1 / [`RULES_FALLBACK_SHARE`] of the text.
fn rules_decide(by_model: u32, by_rules: u32, page_chars: u32) -> bool {
    by_model == 0
        && by_rules > 0
        && u64::from(by_rules) * RULES_FALLBACK_SHARE >= u64::from(page_chars)
}

/// Marks as junk the blocks flagged in `notices`: notices that the page
/// needs scripts ([`phrases::is_script_notice`]), never main content.
fn drop_script_notices(notices: &[bool], judged: &mut [Judgement], explain: bool) {
    for (j, _) in judged.iter_mut().zip(notices).filter(|(_, n)| **n) {
        j.verdict = Verdict::Junk;
        if explain {
            j.reasons
                .insert(0, "a notice that the page needs scripts".to_string());
        }
    }
}

/// Measures a page and judges its blocks by the hand-written rules.
///
/// With `explain` off, judgements carry no reasons.
pub fn analyze(page: &Page, explain: bool) -> Analysis {
    let lang = page.lang.as_deref().and_then(Lang::from_code).or_else(|| {
        stopwords::guess_language(
            page.blocks
                .iter()
                .filter(|b| b.chars > 60)
                .map(|b| b.text.as_str()),
        )
    });
    let mut buf = String::new();
    let mut feats: Vec<Features> = page
        .blocks
        .iter()
        .map(|b| {
            let mut words = 0u32;
            let mut stops = 0u32;
            let mut cjk = 0u32;
            for_each_token(&b.text, &mut buf, |w| {
                words += 1;
                if w.chars().next().is_some_and(is_cjk) {
                    cjk += 1;
                }
                if lang.is_some_and(|l| is_stopword(w, l)) {
                    stops += 1;
                }
            });
            let (sentence_ends, commas) = count_shape(&b.text);
            let letters = b
                .text
                .chars()
                .filter(|&c| crate::chars::is_alphabetic(c))
                .count() as f32;
            let mut hints = 0u64;
            let mut chrome_role = None;
            for a in page.ancestors(b.node) {
                let node = &page.nodes[a as usize];
                hints |= node.hints;
                if chrome_role.is_none() && is_chrome(node.role) {
                    chrome_role = Some(node.role);
                }
            }
            let phrase = phrases::boilerplate_phrase(&b.text, words);
            // CJK text packs about two characters into a word's worth of meaning.
            let eff_chars = b.chars + cjk;
            Features {
                chars: eff_chars,
                words,
                link_density: if b.chars > 0 {
                    b.link_chars as f32 / b.chars as f32
                } else {
                    0.0
                },
                stop_density: if words > 0 && lang.is_some() {
                    stops as f32 / words as f32
                } else {
                    0.0
                },
                sentence_ends,
                commas,
                hints,
                chrome_role,
                phrase,
                in_main: false,
                letter_share: if b.chars > 0 {
                    letters / b.chars as f32
                } else {
                    0.0
                },
            }
        })
        .collect();
    let (readability_best, main_root, inside) = main_area(page, &feats);
    let text_span = if page.is_html {
        None
    } else {
        Some(text_body_span(page, &feats).unwrap_or((0, page.blocks.len().saturating_sub(1))))
    };
    for (i, (b, f)) in page.blocks.iter().zip(feats.iter_mut()).enumerate() {
        f.in_main = match text_span {
            Some((first, last)) => (first..=last).contains(&i),
            None => inside[b.node as usize],
        };
        if f.in_main {
            // Hints and chrome roles above the main root describe the whole
            // page (a `<div class="page-content">` wrapper), not the block:
            // keep only those below it.
            let mut h = 0u64;
            let mut chrome = None;
            for a in page.ancestors(b.node) {
                if a == main_root {
                    break;
                }
                let node = &page.nodes[a as usize];
                h |= node.hints;
                if chrome.is_none() && is_chrome(node.role) {
                    chrome = Some(node.role);
                }
            }
            f.hints = h;
            f.chrome_role = chrome;
        }
    }
    let lang_known = lang.is_some();
    let mut judged: Vec<Judgement> = if page.is_html {
        let mut judged: Vec<Judgement> = page
            .blocks
            .iter()
            .zip(&feats)
            .map(|(b, f)| judge(b.kind, b.heading_level, f, lang_known, explain))
            .collect();
        smooth(page, &feats, &mut judged, explain);
        judged
    } else {
        judge_text(page, &feats, explain)
    };
    for (b, j) in page.blocks.iter().zip(judged.iter_mut()) {
        if b.is_title {
            j.verdict = Verdict::Content;
            if explain {
                j.reasons.insert(0, "page title".to_string());
            }
        }
    }
    Analysis {
        lang,
        feats,
        readability_best,
        main_root,
        judged,
    }
}

/// Scores one block from its own features.
///
/// Reasons are written only when `explain` is set (formatting them for every
/// block of every page would cost more than the scoring).
fn judge(kind: BlockKind, level: u8, f: &Features, lang_known: bool, explain: bool) -> Judgement {
    let mut score = 0.0f32;
    let mut reasons: Vec<(f32, String)> = Vec::new();
    let mut add = |v: f32, why: &dyn Fn() -> String| {
        score += v;
        if explain {
            reasons.push((v, why()));
        }
    };
    // Length.
    if f.chars >= 250 {
        add(2.0, &|| format!("long ({} chars)", f.chars));
    } else if f.chars >= 100 {
        add(1.0, &|| format!("medium length ({} chars)", f.chars));
    } else if f.chars < 30 && kind != BlockKind::Heading {
        add(-1.0, &|| format!("short ({} chars)", f.chars));
    }
    if f.chars < 40 && f.letter_share < 0.3 {
        add(-1.0, &|| {
            format!(
                "mostly digits and symbols ({:.0}% letters)",
                f.letter_share * 100.0
            )
        });
    }
    // Links.
    if f.link_density > 0.6 {
        add(-2.5, &|| {
            format!("mostly link text ({:.0}%)", f.link_density * 100.0)
        });
    } else if f.link_density > 0.3 {
        add(-1.0, &|| {
            format!("link-heavy ({:.0}%)", f.link_density * 100.0)
        });
    }
    // Language.
    if lang_known && f.words >= 6 && f.link_density < 0.5 {
        if f.stop_density >= 0.30 {
            add(1.0, &|| {
                format!("prose-like stopwords ({:.0}%)", f.stop_density * 100.0)
            });
        } else if f.stop_density < 0.10 {
            add(-0.5, &|| {
                format!("few stopwords ({:.0}%)", f.stop_density * 100.0)
            });
        }
    }
    // Sentence shape.
    if f.sentence_ends >= 2 || (f.sentence_ends >= 1 && f.commas >= 1) {
        add(0.5, &|| "sentences".to_string());
    }
    // Wording.
    if let Some(p) = f.phrase {
        add(-2.5, &|| format!("boilerplate wording (\"{p}\")"));
    }
    // Where it sits.
    if f.in_main {
        add(2.0, &|| "inside the main area".to_string());
    } else {
        add(-2.5, &|| "outside the main area".to_string());
    }
    if let Some(role) = f.chrome_role {
        add(-2.0, &|| format!("inside <{}>", role_name(role)));
    }
    let strong = f.hints & STRONG_JUNK;
    let weak = f.hints & JUNK_HINTS & !STRONG_JUNK;
    if strong != 0 {
        let names: Vec<_> = hints::hint_names(strong).collect();
        add(-3.0, &|| format!("chrome class/id ({})", names.join(", ")));
    } else if weak != 0 {
        let names: Vec<_> = hints::hint_names(weak).collect();
        add(-1.0, &|| format!("class/id ({})", names.join(", ")));
    }
    if f.hints & CONTENT_HINTS != 0 && f.hints & JUNK_HINTS == 0 {
        add(0.5, &|| "content class/id".to_string());
    }
    if kind == BlockKind::Heading && level > 0 {
        // Headings are judged mostly by their neighbours (see `smooth`).
        add(0.0, &|| format!("heading h{level}"));
    }
    reasons.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
    Judgement {
        verdict: if score > 0.0 {
            Verdict::Content
        } else {
            Verdict::Junk
        },
        score,
        reasons: reasons
            .into_iter()
            .filter(|(v, _)| *v != 0.0 || kind == BlockKind::Heading)
            .map(|(v, why)| format!("{v:+.1} {why}"))
            .collect(),
    }
}

fn role_name(role: TagRole) -> &'static str {
    match role {
        TagRole::Nav => "nav",
        TagRole::Footer => "footer",
        TagRole::Aside => "aside",
        TagRole::Header => "header",
        TagRole::Form => "form",
        _ => "element",
    }
}

/// Lets short or uncertain blocks (headings, short lines) follow their
/// neighbours: a heading between content is content; a short line between
/// junk is junk.
/// Blocks scoring below this keep their junk verdict whatever their neighbours say.
const FLIP_TO_CONTENT: f32 = -0.5;

fn smooth(page: &Page, feats: &[Features], judged: &mut [Judgement], explain: bool) {
    let n = judged.len();
    let certain: Vec<Option<bool>> = judged
        .iter()
        .zip(feats)
        .map(|(j, f)| {
            if (j.score.abs() >= 2.0 && f.chars >= 30) || j.score <= -2.5 {
                Some(j.verdict == Verdict::Content)
            } else {
                None
            }
        })
        .collect();
    // The nearest certain verdict before and after each block, in O(n).
    let mut prev_certain = vec![None; n];
    for i in 1..n {
        prev_certain[i] = certain[i - 1].or(prev_certain[i - 1]);
    }
    let mut next_certain = vec![None; n];
    for i in (0..n.saturating_sub(1)).rev() {
        next_certain[i] = certain[i + 1].or(next_certain[i + 1]);
    }
    for i in 0..n {
        if certain[i].is_some() {
            continue;
        }
        let prev = prev_certain[i];
        let next = next_certain[i];
        let heading = page.blocks[i].kind == BlockKind::Heading;
        let score = judged[i].score;
        let new = match (prev, next) {
            (Some(true), Some(true)) if score > FLIP_TO_CONTENT => Some(true),
            (Some(false), Some(false)) => Some(false),
            (_, Some(true)) if heading => Some(score > FLIP_TO_CONTENT),
            (Some(false), None) | (None, Some(false)) => Some(false),
            _ => None,
        };
        if let Some(keep) = new {
            let v = if keep {
                Verdict::Content
            } else {
                Verdict::Junk
            };
            if v != judged[i].verdict {
                judged[i].verdict = v;
                if !explain {
                    continue;
                }
                judged[i].reasons.insert(
                    0,
                    format!(
                        "follows its neighbours ({})",
                        if keep { "content" } else { "junk" }
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::html;

    fn kept(html_src: &str) -> Vec<String> {
        let page = html::segment(html_src);
        let j = score(&page, true);
        page.blocks
            .iter()
            .zip(&j)
            .filter(|(b, j)| j.verdict == Verdict::Content && !b.is_title)
            .map(|(b, _)| b.text.clone())
            .collect()
    }

    const PARA: &str = "The council voted on Tuesday to expand the city's bus network, adding three routes that will connect the northern suburbs to the hospital and the university, a plan that residents had requested for years.";

    /// The texts of the blocks [`user_content_on_product_page`] flags.
    fn flagged_user_content(html_src: &str) -> Vec<String> {
        let page = html::segment(html_src);
        page.blocks
            .iter()
            .zip(user_content_on_product_page(&page))
            .filter(|(_, flagged)| *flagged)
            .map(|(b, _)| b.text.clone())
            .collect()
    }

    const SHOP_BODY: &str = "<main><h1>Trail shoe</h1><p>A light shoe for long runs on rough ground.</p>\
        <div class=\"product-description\"><p>The upper is a single layer of recycled mesh that drains quickly after a river crossing, and the tongue is gusseted so grit and small stones stay out on long descents.</p>\
        <p>A rock plate under the forefoot spreads the load of sharp edges, while the outsole's five-millimetre lugs grip wet roots, loose gravel and packed snow alike.</p></div>\
        <section class=\"product-reviews\"><div class=\"item\"><p>I wore these for a marathon and loved them.</p></div></section>\
        <div id=\"comments\"><p>Do they run small?</p></div></main>";

    #[test]
    fn reviews_and_comments_are_flagged_on_pages_that_declare_a_product() {
        for head in [
            "<meta property=\"og:type\" content=\"product\">",
            "<script type=\"application/ld+json\">{\"@type\": \"Product\", \"name\": \"Trail shoe\"}</script>",
        ] {
            let src = format!("<html><head>{head}</head><body>{SHOP_BODY}</body></html>");
            assert_eq!(
                flagged_user_content(&src),
                [
                    "I wore these for a marathon and loved them.",
                    "Do they run small?"
                ],
                "{head}"
            );
            // `score` weighs them down, and says so.
            let page = html::segment(&src);
            let judged = score(&page, true);
            let halved: Vec<&str> = page
                .blocks
                .iter()
                .zip(&judged)
                .filter(|(_, j)| j.reasons.iter().any(|r| r.contains("halved")))
                .map(|(b, _)| b.text.as_str())
                .collect();
            assert_eq!(
                halved,
                [
                    "I wore these for a marathon and loved them.",
                    "Do they run small?"
                ]
            );
        }
    }

    #[test]
    fn reviews_are_not_flagged_on_other_pages() {
        for head in ["", "<meta property=\"og:type\" content=\"article\">"] {
            let src = format!("<html><head>{head}</head><body>{SHOP_BODY}</body></html>");
            assert!(flagged_user_content(&src).is_empty(), "{head}");
        }
    }

    #[test]
    fn the_rules_decide_fragments_the_classifier_rejects_not_slivers() {
        assert!(rules_decide(0, 500, 520));
        assert!(rules_decide(0, 250, 1000));
        assert!(!rules_decide(0, 249, 1000), "a sliver of a whole page");
        assert!(!rules_decide(0, 0, 1000));
        assert!(
            !rules_decide(10, 900, 1000),
            "the classifier kept something"
        );
        assert!(rules_decide(0, u32::MAX, u32::MAX));
        // Through the whole scorer: a lone short paragraph, unlike any page
        // the classifier learned from, is kept.
        let page = html::segment("<p>The council voted on Tuesday to expand the bus network.</p>");
        let judged = score(&page, true);
        assert_eq!(judged[0].verdict, Verdict::Content);
        assert!(
            judged[0].reasons[0].contains("the rules decide"),
            "{:?}",
            judged[0]
        );
    }

    #[test]
    fn a_page_that_needs_scripts_keeps_nothing() {
        let shell = "<html><head><title>Clearance</title></head><body>\
            <noscript>You need to enable JavaScript to run this app.</noscript>\
            <main><div id=root></div></main></body></html>";
        assert!(kept(shell).is_empty(), "{:?}", kept(shell));
        let article = format!(
            "<body><article><h1>Buses</h1><p>{PARA}</p>\
             <p>This slideshow requires JavaScript.</p><p>{PARA} Again.</p></article></body>"
        );
        let k = kept(&article);
        assert!(k.iter().any(|t| t == PARA), "{k:?}");
        assert!(!k.iter().any(|t| t.contains("slideshow")), "{k:?}");
    }

    #[test]
    fn article_body_kept_and_chrome_dropped() {
        let html = format!(
            "<body><nav><ul><li><a href=/>Home</a></li><li><a href=/news>News</a></li></ul></nav>\
             <div class=content><h1>Title</h1><p>{PARA}</p><p>{PARA} Again.</p><p>{PARA} Third.</p></div>\
             <div class=sidebar><h3>Popular</h3><ul><li><a href=/a>Some other story</a></li></ul></div>\
             <footer><p>© 2024 Example News. All rights reserved.</p></footer></body>"
        );
        let k = kept(&html);
        assert_eq!(k.len(), 3, "{k:?}");
        assert!(k.iter().all(|t| t.starts_with("The council")));
    }

    #[test]
    fn comments_leave_the_main_area_only_on_article_pages() {
        let comment = "I read this twice and I still think the council should have asked the people who ride these buses every day, since they know the routes better than anyone.";
        let body = |head: &str| {
            format!(
                "<html><head>{head}</head><body><div class=post><h1>Buses</h1><p>{PARA}</p></div>\
                 <ol class=comment-list>{}</ol></body></html>",
                format!("<li class=comment><p>{comment}</p></li>").repeat(6)
            )
        };
        let in_main_comments = |src: &str| {
            let page = html::segment(src);
            let an = analyze(&page, false);
            let flags: Vec<bool> = page
                .blocks
                .iter()
                .zip(&an.feats)
                .filter(|(b, _)| b.text.starts_with("I read"))
                .map(|(_, f)| f.in_main)
                .collect();
            assert_eq!(flags.len(), 6);
            flags.iter().all(|&x| x)
        };
        let article = body("<meta property=\"og:type\" content=\"article\">");
        assert!(
            !in_main_comments(&article),
            "article page: comments are not the main area"
        );
        // A forum thread, or a page that says nothing: the comments may be the content.
        let forum = body(
            "<meta property=\"og:type\" content=\"article\">\
             <script type=\"application/ld+json\">{\"@type\": \"DiscussionForumPosting\"}</script>",
        );
        assert!(in_main_comments(&forum));
        assert!(in_main_comments(&body("")));
    }

    #[test]
    fn sentence_shape_counts() {
        assert_eq!(count_shape("One. Two! Three?"), (3, 0));
        assert_eq!(count_shape("a, b, c"), (0, 2));
        assert_eq!(count_shape("这是。那是。"), (2, 0));
    }

    fn kept_text(src: &str) -> Vec<String> {
        let page = crate::segment::text::segment(src);
        let j = score(&page, false);
        page.blocks
            .iter()
            .zip(&j)
            .filter(|(b, j)| j.verdict == Verdict::Content && !b.is_title)
            .map(|(b, _)| b.text.clone())
            .collect()
    }

    const BODY: &str = "The council voted on Tuesday to expand the city's bus network, adding three routes that will connect the northern suburbs to the hospital and the university, a plan that residents had requested for years.\n\n\
        More:\n\n\
        Work on the new stops starts in spring, and the first buses should run before the end of the summer, the transport office said in a statement on its website.";

    #[test]
    fn clean_plain_text_passes_through() {
        let src = format!("City Expands Bus Network\n\n{BODY}\n\nWith reporting by the news desk");
        let kept = kept_text(&src);
        assert_eq!(kept.len(), 4, "{kept:?}");
        assert_eq!(kept[1], "More:", "a short line inside the body stays");
    }

    #[test]
    fn plain_text_chrome_around_the_body_goes() {
        let src = format!(
            "Skip to content\nNews | Sport | Weather | Contact\nTuesday, November 19, 2019\n\n\
             City Expands Bus Network\n\n{BODY}\n\n\
             Related Articles\nWhy trams are back\nThe best parks in town\n© 2024 Example News"
        );
        let kept = kept_text(&src);
        assert_eq!(kept.len(), 3, "{kept:?}");
        assert!(kept[0].starts_with("The council voted"));
    }
}
