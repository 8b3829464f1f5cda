//! Numeric feature vectors per block, for the learned block classifier.
//!
//! Takes a page and its [`Analysis`] and returns one fixed-length vector of
//! `f32` per block: the block's own text statistics, its place in the
//! element tree (class/id hints near it and above it, chrome roles, main
//! area), its neighbours, and page-wide figures. [`FEATURE_NAMES`] names
//! every column; `scripts/train.py` trains on these vectors and writes the
//! model that [`super::model`] evaluates.

use super::hints::Hint;
use super::{Analysis, Verdict};
use super::{lexical, model};
use crate::segment::{BlockKind, Page, TagRole};

/// Column names, in order.
pub const FEATURE_NAMES: &[&str] = &[
    "log_chars",
    "log_words",
    "link_density",
    "stop_density",
    "lang_known",
    "sentence_ends",
    "commas",
    "letter_share",
    "digit_share",
    "upper_share",
    "avg_word_len",
    "ends_sentence",
    "ends_colon",
    "starts_by",
    "has_year",
    "phrase_weak",
    "phrase_strong",
    "has_copyright",
    "lines",
    "k_heading",
    "k_paragraph",
    "k_list_item",
    "k_quote",
    "k_code",
    "k_table",
    "k_caption",
    "k_term",
    "k_definition",
    "k_text",
    "k_line",
    "heading_level",
    "is_title",
    "in_main",
    "in_readability_best",
    "depth_below_main",
    "depth",
    // hints on the node and its two nearest ancestors
    "hn_nav",
    "hn_footer",
    "hn_sidebar",
    "hn_share",
    "hn_comment",
    "hn_related",
    "hn_newsletter",
    "hn_cookie",
    "hn_ad",
    "hn_modal",
    "hn_header",
    "hn_meta",
    "hn_widget",
    "hn_button",
    "hn_content",
    "hn_description",
    "hn_message",
    "hn_article_body",
    "hn_hidden",
    // hints anywhere above
    "ha_nav",
    "ha_footer",
    "ha_sidebar",
    "ha_share",
    "ha_comment",
    "ha_related",
    "ha_newsletter",
    "ha_cookie",
    "ha_ad",
    "ha_modal",
    "ha_header",
    "ha_meta",
    "ha_widget",
    "ha_button",
    "ha_content",
    "ha_description",
    "ha_message",
    "ha_article_body",
    "ha_hidden",
    // hints between the block and the main root
    "hm_junk",
    "hm_content",
    "r_nav",
    "r_footer",
    "r_aside",
    "r_header",
    "r_form",
    "r_main",
    "r_article",
    "r_list",
    "r_table_cell",
    "position",
    "char_position",
    "parent_log_chars",
    "parent_link_density",
    "parent_log_blocks",
    "parent_log_children",
    "gparent_log_chars",
    "gparent_link_density",
    "gparent_log_blocks",
    "gparent_log_children",
    "prev_log_chars",
    "prev_link_density",
    "prev_stop_density",
    "next_log_chars",
    "next_link_density",
    "next_stop_density",
    "win_link_density",
    "win_log_chars",
    "win_stop_density",
    "page_log_chars",
    "page_log_blocks",
    "page_link_density",
    "is_html",
    "rule_score",
    "rule_content",
    "main_share",
    "main_link_density",
    "best_share",
    // repeated structure: siblings sharing tag and class list
    "rep_node",
    "rep_parent",
    "rep_gparent",
    "rep_max",
    // the title's neighbourhood
    "title_dist",
    "title_anc_level",
    // the nearest heading above
    "heading_phrase",
    "heading_dist",
    // where the page's prose is
    "comment_prose_share",
    "parent_page_share",
    "gparent_page_share",
    "prose_before",
    "in_body_run",
    "after_body_run",
    "body_run_share",
    // what the page says it is (og:type, JSON-LD @type, URL path)
    "og_article",
    "og_product",
    "og_website",
    "ld_article",
    "ld_product",
    "ld_list",
    "ld_forum",
    "ld_docs",
    "ld_org",
    "ld_faq",
    "url_article",
    "url_product",
    "url_list",
    "url_forum",
    "url_docs",
    "url_service",
    "url_depth",
    "url_numeric",
    // customer reviews, on the node and its two nearest ancestors / anywhere above
    "hn_review",
    "ha_review",
    // learned word weights (see super::lexical): the block's text, the
    // class/id words of its element and ancestors
    "text_words",
    "class_words",
    // teaser and machine-text signals: the block ends in an ellipsis (a cut
    // excerpt); the share of such blocks in its repeated structure (a list of
    // teasers), -1 outside one; the share of its characters in opaque tokens
    // (URLs, file names, hex ids)
    "ends_ellipsis",
    "rep_ellipsis_share",
    "opaque_share",
    // share of the block's words (of three or more characters) that the
    // page's own description (meta description, og:description, JSON-LD
    // description strings) uses; -1 on a page without one
    "desc_share",
];

/// Number of columns.
pub const N_FEATURES: usize = FEATURE_NAMES.len();

/// Context column names (the second stage's extra inputs), in order.
pub const CONTEXT_NAMES: &[&str] = &[
    "c_p",
    "c_prev",
    "c_next",
    "c_win3",
    "c_win10",
    "c_same_node",
    "c_parent",
    "c_gparent",
    "c_page",
    "c_page_kept",
    "c_mass_before",
    "c_mass_after",
    "c_mass_above",
    "c_page_max",
];

/// Number of context columns.
pub const N_CONTEXT: usize = CONTEXT_NAMES.len();

/// True when a block's text ends in an ellipsis: "…", "...", "[…]", "(...)".
fn ends_in_ellipsis(text: &str) -> bool {
    let t = text.trim_end_matches([' ', ']', ')', '»']);
    t.ends_with('…') || t.ends_with("...") || t.ends_with(". . .")
}

/// Share of the non-space characters of `text` in opaque tokens: URLs and
/// paths, file names, hex ids, and long runs mixing letters and digits.
fn opaque_share(text: &str) -> f32 {
    let (mut total, mut opaque) = (0usize, 0usize);
    for tok in text.split_whitespace() {
        let len = tok.chars().count();
        total += len;
        let has_digit = tok.bytes().any(|c| c.is_ascii_digit());
        let has_alpha = tok.bytes().any(|c| c.is_ascii_alphabetic());
        let hexish =
            len >= 8 && has_digit && tok.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-');
        let url = tok.contains("://") || tok.starts_with("www.") || tok.matches('/').count() >= 2;
        let mixed = len >= 10
            && has_digit
            && has_alpha
            && tok
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'));
        if hexish || url || mixed {
            opaque += len;
        }
    }
    opaque as f32 / total.max(1) as f32
}

/// Calls `f` with each lowercased word of three or more characters in
/// `text` (words: runs of letters and digits), reusing `buf`.
fn long_words(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    for word in text
        .split(|c: char| !crate::chars::is_alphanumeric(c))
        .filter(|w| w.chars().nth(2).is_some())
    {
        buf.clear();
        buf.extend(word.chars().flat_map(char::to_lowercase));
        f(buf);
    }
}

/// The words of a page's description (see [`long_words`]).
fn description_words(description: &str) -> rustc_hash::FxHashSet<String> {
    let mut set = rustc_hash::FxHashSet::default();
    let mut buf = String::new();
    long_words(description, &mut buf, |w| {
        if !set.contains(w) {
            set.insert(w.to_string());
        }
    });
    set
}

/// Share of the words of `text` (see [`long_words`]) in `described`; 0 for
/// a text without such words.
fn description_share(
    text: &str,
    described: &rustc_hash::FxHashSet<String>,
    buf: &mut String,
) -> f32 {
    let (mut total, mut hits) = (0u32, 0u32);
    long_words(text, buf, |w| {
        total += 1;
        hits += described.contains(w) as u32;
    });
    hits as f32 / total.max(1) as f32
}

fn ln1(x: f32) -> f32 {
    (1.0 + x).ln()
}

fn has_year(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(4).enumerate().any(|(i, w)| {
        (w.starts_with(b"19") || w.starts_with(b"20"))
            && w[2].is_ascii_digit()
            && w[3].is_ascii_digit()
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
    })
}

/// Page-kind hints from metadata, as feature values (see the `og_*`, `ld_*`
/// and `url_*` columns).
fn page_kind(meta: &crate::segment::PageMeta) -> [f32; 18] {
    let og = meta.og_type.as_deref().unwrap_or("");
    let mut ld = [false; 7];
    for t in &meta.ld_types {
        let k = match super::ld_type_name(t) {
            "Article"
            | "NewsArticle"
            | "BlogPosting"
            | "Report"
            | "ScholarlyArticle"
            | "LiveBlogPosting"
            | "OpinionNewsArticle"
            | "AnalysisNewsArticle"
            | "Blog" => 0,
            name if super::PRODUCT_LD_TYPES.contains(&name) => 1,
            "ItemList" | "CollectionPage" | "SearchResultsPage" | "OfferCatalog" => 2,
            "DiscussionForumPosting"
            | "QAPage"
            | "Question"
            | "Answer"
            | "Comment"
            | "SocialMediaPosting" => 3,
            "TechArticle" | "APIReference" | "HowTo" | "Course" => 4,
            "Organization"
            | "LocalBusiness"
            | "Service"
            | "ProfessionalService"
            | "Corporation"
            | "MedicalBusiness"
            | "EducationalOrganization" => 5,
            "FAQPage" => 6,
            _ => continue,
        };
        ld[k] = true;
    }
    let path = meta
        .url
        .as_deref()
        .map(|u| {
            let u = u.split(['?', '#']).next().unwrap_or("");
            let u = u.split_once("://").map_or(u, |(_, rest)| rest);
            u.split_once('/').map_or("", |(_, p)| p)
        })
        .unwrap_or("");
    let segments: Vec<String> = path
        .split('/')
        .filter(|x| !x.is_empty())
        .map(|x| x.to_ascii_lowercase())
        .collect();
    let has = |words: &[&str]| segments.iter().any(|s| words.contains(&s.as_str()));
    let year = segments.iter().any(|s| {
        s.len() == 4
            && (s.starts_with("19") || s.starts_with("20"))
            && s.bytes().all(|b| b.is_ascii_digit())
    });
    let numeric = segments
        .iter()
        .any(|s| s.len() >= 3 && s.bytes().all(|b| b.is_ascii_digit()));
    let b = |x: bool| x as u8 as f32;
    [
        b(og.contains("article")),
        b(og.contains("product")),
        b(og == "website"),
        b(ld[0]),
        b(ld[1]),
        b(ld[2]),
        b(ld[3]),
        b(ld[4]),
        b(ld[5]),
        b(ld[6]),
        b(year
            || has(&[
                "blog", "news", "article", "articles", "post", "posts", "story", "stories",
            ])),
        b(has(&[
            "product", "products", "p", "dp", "item", "items", "pr",
        ])),
        b(has(&[
            "collections",
            "collection",
            "category",
            "categories",
            "c",
            "shop",
            "tag",
            "tags",
            "search",
            "archive",
            "list",
        ])),
        b(has(&[
            "forum",
            "forums",
            "thread",
            "threads",
            "t",
            "topic",
            "topics",
            "community",
            "questions",
            "discussion",
            "discussions",
            "r",
        ])),
        b(has(&[
            "docs",
            "doc",
            "documentation",
            "api",
            "reference",
            "guide",
            "guides",
            "manual",
            "wiki",
            "learn",
            "tutorial",
            "tutorials",
        ])),
        b(has(&[
            "services",
            "service",
            "pricing",
            "about",
            "solutions",
            "features",
            "contact",
        ])),
        segments.len().min(10) as f32,
        b(numeric),
    ]
}

struct NodeAgg {
    chars: f32,
    link_chars: f32,
    blocks: f32,
    children: f32,
}

/// Computes one feature vector per block.
pub fn vectors(page: &Page, an: &Analysis) -> Vec<[f32; N_FEATURES]> {
    let n_nodes = page.nodes.len();
    let mut agg: Vec<NodeAgg> = (0..n_nodes)
        .map(|_| NodeAgg {
            chars: 0.0,
            link_chars: 0.0,
            blocks: 0.0,
            children: 0.0,
        })
        .collect();
    for (i, node) in page.nodes.iter().enumerate() {
        if node.parent as usize != i {
            agg[node.parent as usize].children += 1.0;
        }
    }
    for b in &page.blocks {
        for a in page.ancestors(b.node) {
            let g = &mut agg[a as usize];
            g.chars += b.chars as f32;
            g.link_chars += b.link_chars as f32;
            g.blocks += 1.0;
        }
    }
    // Which nodes lie under the readability pick and under the main root.
    let mut under_best = vec![false; n_nodes];
    let mut under_main = vec![false; n_nodes];
    if let Some(x) = under_best.get_mut(an.readability_best as usize) {
        *x = true;
    }
    if let Some(x) = under_main.get_mut(an.main_root as usize) {
        *x = true;
    }
    for i in 0..n_nodes {
        let p = page.nodes[i].parent as usize;
        if p != i {
            under_best[i] |= under_best[p];
            under_main[i] |= under_main[p];
        }
    }
    // How many siblings share each node's tag and class list.
    let mut shape_counts: rustc_hash::FxHashMap<(u32, u32), u32> = Default::default();
    for (i, node) in page.nodes.iter().enumerate() {
        if node.parent as usize != i {
            *shape_counts.entry((node.parent, node.shape)).or_insert(0) += 1;
        }
    }
    let rep = |x: usize| -> f32 {
        let node = &page.nodes[x];
        if node.parent as usize == x {
            return 1.0;
        }
        shape_counts
            .get(&(node.parent, node.shape))
            .copied()
            .unwrap_or(1) as f32
    };
    let title_idx = page.blocks.iter().position(|b| b.is_title);
    let title_ancestors: Vec<u32> = title_idx
        .map(|t| page.ancestors(page.blocks[t].node).take(6).collect())
        .unwrap_or_default();
    let page_chars = agg.first().map_or(0.0, |g| g.chars).max(1.0);
    let kind = page_kind(&page.meta);
    let described = description_words(&page.meta.description);
    let mut word_buf = String::new();
    // Prose: blocks that read as running text.
    let is_prose: Vec<bool> = an
        .feats
        .iter()
        .map(|f| {
            f.chars >= 80 && f.link_density < 0.3 && (f.stop_density >= 0.2 || an.lang.is_none())
        })
        .collect();
    let prose_total: f32 = an
        .feats
        .iter()
        .zip(&is_prose)
        .filter(|(_, p)| **p)
        .map(|(f, _)| f.chars as f32)
        .sum::<f32>()
        .max(1.0);
    let comment_prose: f32 = page
        .blocks
        .iter()
        .zip(&an.feats)
        .zip(&is_prose)
        .filter(|((b, _), p)| {
            **p && page
                .ancestors(b.node)
                .any(|a| page.nodes[a as usize].hints & Hint::Comment.bit() != 0)
        })
        .map(|((_, f), _)| f.chars as f32)
        .sum();
    // The body run: the stretch of blocks holding the most prose, allowing
    // up to two non-prose blocks (headings, captions) between prose blocks.
    let (run_start, run_end, run_chars) = {
        let (mut best, mut cur_start, mut cur_chars, mut gap) =
            ((0usize, 0usize, 0f32), None, 0f32, 0);
        for (i, (&p, f)) in is_prose.iter().zip(&an.feats).enumerate() {
            if p {
                if cur_start.is_none() {
                    cur_start = Some(i);
                    cur_chars = 0.0;
                }
                cur_chars += f.chars as f32;
                gap = 0;
                if let Some(st) = cur_start
                    && cur_chars > best.2
                {
                    best = (st, i, cur_chars);
                }
            } else if cur_start.is_some() {
                gap += 1;
                if gap > 2 {
                    cur_start = None;
                }
            }
        }
        best
    };
    let page_links = agg.first().map_or(0.0, |g| g.link_chars);
    let n = page.blocks.len();
    let mut cum_chars = 0.0f32;
    let mut prose_before = 0.0f32;
    let main = &agg[an.main_root as usize];
    let best = &agg[an.readability_best as usize];
    let main_depth = page.nodes[an.main_root as usize].depth as f32;
    let class_words = lexical::class_scores(page);
    let mut scratch = lexical::TextScratch::default();
    // Teaser lists: each block's nearest repeated ancestor (three or more
    // siblings of one shape, within four levels), and per such structure the
    // share of its blocks that end in an ellipsis.
    let ellipsis: Vec<bool> = page
        .blocks
        .iter()
        .zip(&an.feats)
        .map(|(b, f)| f.words >= 4 && ends_in_ellipsis(&b.text))
        .collect();
    let rep_group: Vec<Option<(u32, u32)>> = page
        .blocks
        .iter()
        .map(|b| {
            page.ancestors(b.node)
                .take(4)
                .find(|&a| rep(a as usize) >= 3.0)
                .map(|a| {
                    let nd = &page.nodes[a as usize];
                    (nd.parent, nd.shape)
                })
        })
        .collect();
    let mut group_ellipsis: rustc_hash::FxHashMap<(u32, u32), (u32, u32)> = Default::default();
    for ((g, &e), f) in rep_group.iter().zip(&ellipsis).zip(&an.feats) {
        if let Some(g) = g
            && f.words >= 4
        {
            let t = group_ellipsis.entry(*g).or_insert((0, 0));
            t.0 += e as u32;
            t.1 += 1;
        }
    }
    let mut out = Vec::with_capacity(n);
    for (i, b) in page.blocks.iter().enumerate() {
        let f = &an.feats[i];
        let j = &an.judged[i];
        let mut v = [0f32; N_FEATURES];
        let mut k = 0;
        let mut put = |x: f32| {
            v[k] = x;
            k += 1;
        };
        let text = b.text.as_str();
        let (mut digits, mut letters, mut upper) = (0u32, 0u32, 0u32);
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits += 1;
            } else if crate::chars::is_alphabetic(c) {
                letters += 1;
                if c.is_uppercase() {
                    upper += 1;
                }
            }
        }
        let chars = f.chars as f32;
        put(ln1(chars));
        put(ln1(f.words as f32));
        put(f.link_density);
        put(f.stop_density);
        put(an.lang.is_some() as u8 as f32);
        put(f.sentence_ends.min(20) as f32);
        put(f.commas.min(20) as f32);
        put(f.letter_share);
        put(digits as f32 / b.chars.max(1) as f32);
        put(upper as f32 / letters.max(1) as f32);
        put(letters as f32 / f.words.max(1) as f32);
        let trimmed = text.trim_end_matches(['"', '\'', '”', '’', ')', ' ']);
        put(trimmed.ends_with(['.', '!', '?', '。', '！', '？']) as u8 as f32);
        put(trimmed.ends_with(':') as u8 as f32);
        put(text.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("by ")) as u8 as f32);
        put(has_year(text) as u8 as f32);
        let short = f.words <= super::phrases::SHORT_BLOCK_WORDS;
        put((f.phrase.is_some() && short) as u8 as f32);
        put((f.phrase.is_some() && !short) as u8 as f32);
        put(text.contains('©') as u8 as f32);
        put(text.matches('\n').count().min(50) as f32);
        for kind in [
            BlockKind::Heading,
            BlockKind::Paragraph,
            BlockKind::ListItem,
            BlockKind::Quote,
            BlockKind::Code,
            BlockKind::Table,
            BlockKind::Caption,
            BlockKind::Term,
            BlockKind::Definition,
            BlockKind::Text,
            BlockKind::Line,
        ] {
            put((b.kind == kind) as u8 as f32);
        }
        put(b.heading_level as f32);
        put(b.is_title as u8 as f32);
        let node = b.node as usize;
        put(f.in_main as u8 as f32);
        put(under_best[node] as u8 as f32);
        let depth = page.nodes[node].depth as f32;
        put(if under_main[node] {
            (depth - main_depth).min(30.0)
        } else {
            -1.0
        });
        put(depth.min(60.0));
        let mut near = 0u64;
        let mut all = 0u64;
        let mut below_main = 0u64;
        let mut roles = [false; 9];
        let mut crossed_main = false;
        for (level, a) in page.ancestors(b.node).enumerate() {
            let nd = &page.nodes[a as usize];
            if level < 3 {
                near |= nd.hints;
            }
            all |= nd.hints;
            if a == an.main_root {
                crossed_main = true;
            }
            if !crossed_main {
                below_main |= nd.hints;
            }
            let r = match nd.role {
                TagRole::Nav => Some(0),
                TagRole::Footer => Some(1),
                TagRole::Aside => Some(2),
                TagRole::Header => Some(3),
                TagRole::Form => Some(4),
                TagRole::Main => Some(5),
                TagRole::Article => Some(6),
                TagRole::List => Some(7),
                TagRole::TableCell => Some(8),
                _ => None,
            };
            if let Some(r) = r {
                roles[r] = true;
            }
        }
        for h in Hint::ALL {
            put((near & h.bit() != 0) as u8 as f32);
        }
        for h in Hint::ALL {
            put((all & h.bit() != 0) as u8 as f32);
        }
        put((below_main & super::hints::JUNK_HINTS != 0) as u8 as f32);
        put((below_main & super::hints::CONTENT_HINTS != 0) as u8 as f32);
        for r in roles {
            put(r as u8 as f32);
        }
        put(i as f32 / n.max(1) as f32);
        put(cum_chars / page_chars);
        cum_chars += b.chars as f32;
        let parent = page.nodes[node].parent as usize;
        let gparent = page.nodes[parent].parent as usize;
        for x in [parent, gparent] {
            let g = &agg[x];
            put(ln1(g.chars));
            put(g.link_chars / g.chars.max(1.0));
            put(ln1(g.blocks));
            put(ln1(g.children));
        }
        for nb in [i.checked_sub(1), (i + 1 < n).then_some(i + 1)] {
            match nb {
                Some(k2) => {
                    let g = &an.feats[k2];
                    put(ln1(g.chars as f32));
                    put(g.link_density);
                    put(g.stop_density);
                }
                None => {
                    put(0.0);
                    put(0.0);
                    put(0.0);
                }
            }
        }
        let lo = i.saturating_sub(3);
        let hi = (i + 4).min(n);
        let w = (hi - lo) as f32;
        let win = &an.feats[lo..hi];
        put(win.iter().map(|g| g.link_density).sum::<f32>() / w);
        put(win.iter().map(|g| ln1(g.chars as f32)).sum::<f32>() / w);
        put(win.iter().map(|g| g.stop_density).sum::<f32>() / w);
        put(ln1(page_chars));
        put(ln1(n as f32));
        put(page_links / page_chars);
        put(page.is_html as u8 as f32);
        put(j.score);
        put((j.verdict == Verdict::Content) as u8 as f32);
        put(main.chars / page_chars);
        put(main.link_chars / main.chars.max(1.0));
        put(best.chars / page_chars);
        put(ln1(rep(node)));
        put(ln1(rep(parent)));
        put(ln1(rep(gparent)));
        let rep_max = page
            .ancestors(b.node)
            .take(8)
            .map(|a| rep(a as usize))
            .fold(1.0f32, f32::max);
        put(ln1(rep_max));
        match title_idx {
            Some(t) => {
                let d = i as f32 - t as f32;
                put(d.signum() * ln1(d.abs()));
                let level = page
                    .ancestors(b.node)
                    .find_map(|a| title_ancestors.iter().position(|&x| x == a))
                    .unwrap_or(8);
                put(level as f32);
            }
            None => {
                put(0.0);
                put(8.0);
            }
        }
        let heading = (i.saturating_sub(15)..i)
            .rev()
            .find(|&h| page.blocks[h].kind == BlockKind::Heading);
        match heading {
            Some(h) => {
                put(an.feats[h].phrase.is_some() as u8 as f32);
                put(ln1((i - h) as f32));
            }
            None => {
                put(0.0);
                put(-1.0);
            }
        }
        put(comment_prose / prose_total);
        put(agg[parent].chars / page_chars);
        put(agg[gparent].chars / page_chars);
        put(prose_before / prose_total);
        if is_prose[i] {
            prose_before += f.chars as f32;
        }
        let in_run = run_chars > 0.0 && (run_start..=run_end).contains(&i);
        put(in_run as u8 as f32);
        put(if run_chars > 0.0 && i > run_end {
            ln1((i - run_end) as f32)
        } else {
            0.0
        });
        put(run_chars / prose_total);
        for x in kind {
            put(x);
        }
        put((near & Hint::Review.bit() != 0) as u8 as f32);
        put((all & Hint::Review.bit() != 0) as u8 as f32);
        // The classifier never reads a prefiltered block's vector.
        put(if j.score > model::PREFILTER_SCORE {
            lexical::text_score(text, &mut scratch)
        } else {
            0.0
        });
        put(class_words[i]);
        put(ellipsis[i] as u8 as f32);
        put(match rep_group[i].and_then(|g| group_ellipsis.get(&g)) {
            Some(&(e, t)) => e as f32 / t.max(1) as f32,
            None => -1.0,
        });
        put(if j.score > model::PREFILTER_SCORE {
            opaque_share(text)
        } else {
            0.0
        });
        put(if described.is_empty() {
            -1.0
        } else if j.score > model::PREFILTER_SCORE {
            description_share(text, &described, &mut word_buf)
        } else {
            0.0
        });
        debug_assert_eq!(k, N_FEATURES);
        out.push(v);
    }
    out
}

/// Weighted mean of `probs` over the other blocks that share each block's
/// key; -1 where a block is alone.
fn group_mean(keys: &[u32], probs: &[f32], weights: &[f64]) -> Vec<f32> {
    let mut totals: rustc_hash::FxHashMap<u32, (f64, f64)> = Default::default();
    for ((&k, &p), &w) in keys.iter().zip(probs).zip(weights) {
        let t = totals.entry(k).or_insert((0.0, 0.0));
        t.0 += p as f64 * w;
        t.1 += w;
    }
    keys.iter()
        .zip(probs)
        .zip(weights)
        .map(|((k, &p), &w)| {
            let (s, ws) = totals.get(k).copied().unwrap_or((0.0, 0.0));
            let (s, ws) = (s - p as f64 * w, ws - w);
            if ws > 1e-9 { (s / ws) as f32 } else { -1.0 }
        })
        .collect()
}

/// Second-stage inputs: what the first stage (`probs`) says about each
/// block's neighbours, its element's siblings and the page, and where the
/// block sits in the page's expected content (words times probability).
/// Mirrors
/// `context()` in `scripts/train.py`.
pub fn context_vectors(
    page: &Page,
    vectors: &[[f32; N_FEATURES]],
    probs: &[f32],
) -> Vec<[f32; N_CONTEXT]> {
    let n = probs.len();
    let weights: Vec<f64> = vectors
        .iter()
        .map(|v| ((v[1] as f64).exp() - 1.0).max(1.0))
        .collect();
    let nodes: Vec<u32> = page.blocks.iter().map(|b| b.node).collect();
    let parents: Vec<u32> = nodes
        .iter()
        .map(|&x| page.nodes[x as usize].parent)
        .collect();
    let gparents: Vec<u32> = parents
        .iter()
        .map(|&x| page.nodes[x as usize].parent)
        .collect();
    let same_node = group_mean(&nodes, probs, &weights);
    let same_parent = group_mean(&parents, probs, &weights);
    let same_gparent = group_mean(&gparents, probs, &weights);
    let wsum: f64 = weights.iter().sum();
    // The page's expected content words, block by block.
    let mass: Vec<f64> = probs
        .iter()
        .zip(&weights)
        .map(|(&p, &w)| p as f64 * w)
        .collect();
    let mass_sum: f64 = mass.iter().sum();
    let page_mean = if n > 0 { (mass_sum / wsum) as f32 } else { 0.0 };
    let page_kept = if n > 0 {
        (probs
            .iter()
            .zip(&weights)
            .filter(|(p, _)| **p > 0.5)
            .map(|(_, &w)| w)
            .sum::<f64>()
            / wsum) as f32
    } else {
        0.0
    };
    let mut prefix = vec![0f64; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i] + probs[i] as f64;
    }
    let window = |i: usize, r: usize| {
        let lo = i.saturating_sub(r);
        let hi = (i + r + 1).min(n);
        let count = hi - lo - 1;
        if count == 0 {
            -1.0
        } else {
            ((prefix[hi] - prefix[lo] - probs[i] as f64) / count as f64) as f32
        }
    };
    // How much of the expected content lies before and after each block,
    // and how much in blocks the first stage likes better (ties go to the
    // earlier block).
    let total_mass = mass_sum.max(1e-9);
    let mut mass_before = vec![0f32; n];
    let mut mass_after = vec![0f32; n];
    let mut running = 0f64;
    for i in 0..n {
        mass_before[i] = (running / total_mass) as f32;
        running += mass[i];
        mass_after[i] = ((total_mass - running) / total_mass) as f32;
    }
    let mut by_probability: Vec<usize> = (0..n).collect();
    by_probability.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
    let mut mass_above = vec![0f32; n];
    running = 0.0;
    for &i in &by_probability {
        mass_above[i] = (running / total_mass) as f32;
        running += mass[i];
    }
    let page_max = probs.iter().copied().fold(0f32, f32::max);
    (0..n)
        .map(|i| {
            [
                probs[i],
                if i > 0 { probs[i - 1] } else { -1.0 },
                if i + 1 < n { probs[i + 1] } else { -1.0 },
                window(i, 3),
                window(i, 10),
                same_node[i],
                same_parent[i],
                same_gparent[i],
                page_mean,
                page_kept,
                mass_before[i],
                mass_after[i],
                mass_above[i],
                page_max,
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::html;

    #[test]
    fn one_vector_per_block_with_every_column() {
        let page = html::segment(
            "<nav><a href=/>Home</a></nav><article><h1>T</h1><p>One paragraph, with words.</p>\
             <p>Another paragraph of text.</p></article>",
        );
        let an = super::super::analyze(&page, false);
        let v = vectors(&page, &an);
        assert_eq!(v.len(), page.blocks.len());
        assert!(v.iter().flatten().all(|x| x.is_finite()));
        assert_eq!(FEATURE_NAMES.len(), N_FEATURES);
    }

    #[test]
    fn cut_excerpts_end_in_an_ellipsis() {
        assert!(ends_in_ellipsis("Officials said the plan would..."));
        assert!(ends_in_ellipsis("a plan for the year …"));
        assert!(ends_in_ellipsis("and then [...]"));
        assert!(ends_in_ellipsis("and then […]"));
        assert!(!ends_in_ellipsis("A finished sentence."));
        assert!(!ends_in_ellipsis("Wait… then it ended."));
    }

    #[test]
    fn description_share_counts_long_words_in_the_description() {
        let described = description_words("Soft COTTON socks, made to last.\nÉté edition");
        let mut buf = String::new();
        // "cotton", "socks" in; "our", "are", "warm" out; "a", "is" too short.
        assert_eq!(
            description_share("Our cotton socks are a warm is", &described, &mut buf),
            2.0 / 5.0
        );
        assert_eq!(description_share("été", &described, &mut buf), 1.0);
        assert_eq!(description_share("a b", &described, &mut buf), 0.0);
        assert!(description_words("").is_empty());
    }

    #[test]
    fn opaque_share_counts_urls_and_ids_not_words() {
        assert_eq!(
            opaque_share("A plain sentence of words, 2024 included."),
            0.0
        );
        assert_eq!(opaque_share("https://cdn.example.com/a/b.jpg"), 1.0);
        assert_eq!(opaque_share("f2f260c3-bf1f-466a-b856-6f031758a086"), 1.0);
        let mostly = opaque_share("thumb: 5001_STAPLE_TEE_BONE_THUMB_1.jpg");
        assert!(mostly > 0.8 && mostly < 1.0, "{mostly}");
    }

    #[test]
    fn teaser_lists_share_their_ellipses() {
        let item = |t: &str| format!("<li class=t><a href=/x>Headline</a><p>{t}</p></li>");
        let html = format!(
            "<article><h1>T</h1><p>The article's own paragraph, which ends properly.</p></article>\
             <ul>{}{}{}{}</ul>",
            item("The first excerpt runs on and stops..."),
            item("The second excerpt runs on and stops…"),
            item("The third excerpt runs on and stops..."),
            item("The fourth excerpt ends with a full stop."),
        );
        let page = html::segment(&html);
        let an = super::super::analyze(&page, false);
        let v = vectors(&page, &an);
        let col = |name: &str| FEATURE_NAMES.iter().position(|n| *n == name).unwrap();
        let (ends, share) = (col("ends_ellipsis"), col("rep_ellipsis_share"));
        let of = |needle: &str| {
            let i = page
                .blocks
                .iter()
                .position(|b| b.text.contains(needle))
                .unwrap();
            (v[i][ends], v[i][share])
        };
        assert_eq!(of("first excerpt"), (1.0, 0.75));
        assert_eq!(of("fourth excerpt"), (0.0, 0.75));
        assert_eq!(of("own paragraph"), (0.0, -1.0));
    }

    /// Context of four one-word blocks, three in one `<div>` and one in
    /// another, which the first stage rates 0.9, 0.1, 0.5 and 0.3.
    fn four_block_context() -> Vec<[f32; N_CONTEXT]> {
        let page = html::segment("<div><p>a</p><p>b</p><p>c</p></div><div><p>d</p></div>");
        let an = super::super::analyze(&page, false);
        let v = vectors(&page, &an);
        context_vectors(&page, &v, &[0.9, 0.1, 0.5, 0.3])
    }

    #[test]
    fn context_reads_neighbours_and_siblings_but_not_the_block_itself() {
        let c = four_block_context();
        assert_eq!(c[0][0], 0.9);
        assert_eq!(c[0][1], -1.0, "no previous block");
        assert_eq!(c[1][1], 0.9);
        assert_eq!(c[3][2], -1.0, "no next block");
        // Window of ±3 around block 0: blocks 1..=3.
        assert!((c[0][3] - 0.3).abs() < 1e-6);
        // Blocks 0–2 share a parent <div>; block 3 has its own.
        let same_parent_of_0 = (0.1 + 0.5) / 2.0;
        assert!((c[0][6] - same_parent_of_0).abs() < 0.05, "{}", c[0][6]);
    }

    #[test]
    fn context_places_each_block_in_the_pages_expected_content() {
        // One word per block, so the expected content is the sum of the
        // probabilities: 1.8.
        let c = four_block_context();
        let col = |name: &str| {
            CONTEXT_NAMES
                .iter()
                .position(|&n| n == name)
                .expect("a context column")
        };
        let close = |x: f32, want: f32| (x - want).abs() < 1e-6;
        let (before, after, above) = (
            col("c_mass_before"),
            col("c_mass_after"),
            col("c_mass_above"),
        );
        assert!(close(c[0][before], 0.0) && close(c[0][after], 0.5));
        assert!(close(c[2][before], 1.0 / 1.8) && close(c[3][after], 0.0));
        // By probability: blocks 0, 2, 3, 1.
        assert!(close(c[0][above], 0.0));
        assert!(close(c[2][above], 0.9 / 1.8));
        assert!(close(c[1][above], 1.7 / 1.8));
        assert!(c.iter().all(|row| close(row[col("c_page_max")], 0.9)));
    }

    #[test]
    fn years_are_found_only_as_whole_numbers() {
        assert!(has_year("Published 12 March 2024"));
        assert!(!has_year("Order 120245"));
        assert!(!has_year("No digits"));
    }
}

#[cfg(test)]
mod kind_tests {
    use super::*;
    use crate::segment::PageMeta;

    #[test]
    fn page_kind_reads_url_og_and_json_ld() {
        let meta = PageMeta {
            og_type: Some("product".into()),
            url: Some("https://shop.example.com/products/blue-socks?x=1".into()),
            ld_types: vec!["Product".into(), "BreadcrumbList".into()],
            ..Default::default()
        };
        let k = page_kind(&meta);
        assert_eq!(k[1], 1.0, "og product");
        assert_eq!(k[4], 1.0, "ld product");
        assert_eq!(k[11], 1.0, "url product");
        assert_eq!(k[10], 0.0, "not an article url");
        assert_eq!(k[16], 2.0, "two path segments");
        let none = page_kind(&PageMeta::default());
        assert!(none.iter().all(|&x| x == 0.0));
    }
}
