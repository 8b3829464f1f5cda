//! Restatements: a lead summary whose sentences paraphrase the body.
//!
//! Takes the page's content paragraphs in order and finds a leading run of
//! them (a machine-written summary, a "key points" list, a standfirst) that
//! says again what the rest of the page says. Each sentence of a candidate is
//! aligned with the two body sentences that share the most of its content
//! words (stopwords dropped, words cut to five letters as a light stemmer,
//! weighted by how rare they are on the page); the paragraph's score is the
//! share of its weighted words those sentences contain. A run is a summary
//! when every paragraph of it aligns well, it aligns clearly better than the
//! paragraphs after it, its sentences draw on paragraphs spread across the
//! body, and the body is at least twice as long. A run the page marks as a
//! summary (a label, a summary element, a section break in plain text; see
//! [`labelled_summary`]) may paraphrase more loosely. Candidate sentences
//! are found through an inverted index, so the cost grows with shared words.

use crate::score::stopwords::{Lang, is_stopword};
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};

/// A paragraph considered for alignment: its block index and sentences,
/// each a set of hashed content-word stems.
#[derive(Debug)]
pub struct Para {
    /// Index of the block in the page.
    pub block: usize,
    /// Word count.
    pub words: usize,
    /// Sentences as sets of stem hashes.
    pub sentences: Vec<Vec<u64>>,
}

/// Words of at least this many letters count as content words.
const MIN_WORD_LETTERS: usize = 3;
/// Stems are the first letters of a word (a light, language-neutral stemmer:
/// "election"/"elections", "denied"/"denies").
const STEM_LETTERS: usize = 5;
/// Longest summary considered, in paragraphs.
const MAX_RUN: usize = 6;
/// Every paragraph of a summary aligns at least this well.
const MIN_EACH: f32 = 0.45;
/// A summary aligns this well on average.
const MIN_MEAN: f32 = 0.55;
/// A summary aligns this much better than the paragraphs right after it.
const MIN_CONTRAST: f32 = 0.15;
/// A summary draws on at least this share of the body's paragraphs.
const MIN_SPREAD: f32 = 0.3;

fn stem_hash(word: &str) -> u64 {
    let mut h = FxHasher::default();
    for c in word.chars().take(STEM_LETTERS) {
        c.hash(&mut h);
    }
    h.finish()
}

/// Splits text into sentences of content-word stems.
pub fn sentences(text: &str, lang: Lang) -> Vec<Vec<u64>> {
    let mut out = Vec::new();
    let mut cur: Vec<u64> = Vec::new();
    let mut words_in_sentence = 0usize;
    let mut word = String::new();
    let flush_word = |word: &mut String, cur: &mut Vec<u64>, n: &mut usize| {
        if word.is_empty() {
            return;
        }
        *n += 1;
        if word.chars().count() >= MIN_WORD_LETTERS && !is_stopword(word, lang) {
            cur.push(stem_hash(word));
        }
        word.clear();
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphabetic() {
            word.push(c.to_ascii_lowercase());
            continue;
        }
        if !c.is_ascii() && crate::chars::is_alphabetic(c) {
            word.extend(c.to_lowercase());
            continue;
        }
        flush_word(&mut word, &mut cur, &mut words_in_sentence);
        let ends = matches!(c, '.' | '!' | '?')
            && chars
                .peek()
                .is_none_or(|n| n.is_whitespace() || matches!(n, '"' | '”' | '’' | '\''));
        if ends && words_in_sentence >= 4 {
            cur.sort_unstable();
            cur.dedup();
            out.push(std::mem::take(&mut cur));
            words_in_sentence = 0;
        }
    }
    flush_word(&mut word, &mut cur, &mut words_in_sentence);
    if !cur.is_empty() || out.is_empty() {
        cur.sort_unstable();
        cur.dedup();
        if words_in_sentence >= 4 || out.is_empty() {
            out.push(cur);
        } else if let Some(last) = out.last_mut() {
            last.extend(cur);
            last.sort_unstable();
            last.dedup();
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// How one paragraph aligns with the body: its score and the body
/// paragraphs (indices into the paragraph list) its sentences drew on.
struct Alignment {
    score: f32,
    sources: FxHashSet<usize>,
}

/// Aligns the paragraphs `candidates` with the sentences of the paragraphs
/// `body` (indices into `paras`).
/// A paragraph needs this many distinct content-word stems before it can
/// count as restating others.
const MIN_CANDIDATE_STEMS: usize = 5;

fn align(paras: &[Para], body: &[usize], candidates: &[usize]) -> Vec<Alignment> {
    // The body's sentences, an inverted index over their stems, and the
    // stems' document frequencies (per sentence).
    let mut pool: Vec<(usize, &Vec<u64>)> = Vec::new();
    for &j in body {
        for s in &paras[j].sentences {
            pool.push((j, s));
        }
    }
    // Only the candidates' stems are ever looked up: index those alone.
    let wanted: FxHashSet<u64> = candidates
        .iter()
        .flat_map(|&i| paras[i].sentences.iter().flatten().copied())
        .collect();
    let mut index: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    for (sid, (_, s)) in pool.iter().enumerate() {
        for &w in s.iter().filter(|w| wanted.contains(w)) {
            index.entry(w).or_default().push(sid as u32);
        }
    }
    let n = pool.len() as f32;
    let idf = |w: u64| -> f32 {
        let df = index.get(&w).map_or(0, Vec::len) as f32;
        ((n + 1.0) / (df + 0.5)).ln()
    };
    let mut out = Vec::with_capacity(candidates.len());
    let mut gain: FxHashMap<u32, f32> = FxHashMap::default();
    for &i in candidates {
        let para = &paras[i];
        let mut scores = Vec::new();
        let mut sources = FxHashSet::default();
        // Too few content words to say what a paragraph restates.
        let stems: FxHashSet<u64> = para.sentences.iter().flatten().copied().collect();
        if stems.len() < MIN_CANDIDATE_STEMS {
            out.push(Alignment {
                score: 0.0,
                sources: FxHashSet::default(),
            });
            continue;
        }
        for sentence in &para.sentences {
            let total: f32 = sentence.iter().map(|&w| idf(w)).sum();
            if total <= 0.0 {
                continue;
            }
            gain.clear();
            for &w in sentence {
                let weight = idf(w);
                for &sid in index.get(&w).map_or(&[][..], Vec::as_slice) {
                    if pool[sid as usize].0 != i {
                        *gain.entry(sid).or_insert(0.0) += weight;
                    }
                }
            }
            // The two best-aligned body sentences (ties: the earlier one).
            let mut ranked: [(f32, u32); 2] = [(f32::MIN, u32::MAX); 2];
            for (&sid, &g) in gain.iter() {
                let better = |x: (f32, u32)| g > x.0 || (g == x.0 && sid < x.1);
                if better(ranked[0]) {
                    ranked[1] = ranked[0];
                    ranked[0] = (g, sid);
                } else if better(ranked[1]) {
                    ranked[1] = (g, sid);
                }
            }
            let ranked: Vec<(f32, u32)> = ranked.into_iter().filter(|r| r.1 != u32::MAX).collect();
            let top: Vec<u32> = ranked.iter().map(|&(_, s)| s).collect();
            let covered: f32 = sentence
                .iter()
                .filter(|w| {
                    top.iter()
                        .any(|&s| pool[s as usize].1.binary_search(w).is_ok())
                })
                .map(|&w| idf(w))
                .sum();
            scores.push(covered / total);
            // Report the best-aligned sentence's paragraph, and the second's
            // when it aligns nearly as well.
            for (rank, &(g, sid)) in ranked.iter().take(2).enumerate() {
                if rank == 0 || g >= 0.6 * ranked[0].0 {
                    sources.insert(pool[sid as usize].0);
                }
            }
        }
        let score = if scores.is_empty() {
            0.0
        } else {
            scores.iter().sum::<f32>() / scores.len() as f32
        };
        out.push(Alignment { score, sources });
    }
    out
}

/// Labelled summaries restate more loosely: every item aligns at least this
/// well, and this well on average.
const LABELLED_MIN_EACH: f32 = 0.15;
const LABELLED_MIN_MEAN: f32 = 0.25;

/// A run of paragraphs the page marks as a summary — under a label ("Key
/// points", "Summary", "TL;DR" …; `label` is its block) or set apart by the
/// page's structure: `region` holds their indices. When they restate the
/// rest (looser thresholds than an unmarked lead: the page says what they
/// are), returns each one's index, score and sources.
pub fn labelled_summary(
    paras: &[Para],
    region: &[usize],
    label: Option<usize>,
) -> Vec<(usize, f32, Vec<usize>)> {
    if region.is_empty() {
        return Vec::new();
    }
    // The label is neither summary nor body.
    let body: Vec<usize> = (0..paras.len())
        .filter(|&i| !region.contains(&i) && Some(paras[i].block) != label)
        .collect();
    let region_words: usize = region.iter().map(|&i| paras[i].words).sum();
    let body_words: usize = body.iter().map(|&i| paras[i].words).sum();
    if body_words < 2 * region_words {
        return Vec::new();
    }
    let al = align(paras, &body, region);
    let mean = al.iter().map(|a| a.score).sum::<f32>() / al.len() as f32;
    let min = al.iter().map(|a| a.score).fold(f32::MAX, f32::min);
    if min < LABELLED_MIN_EACH || mean < LABELLED_MIN_MEAN {
        return Vec::new();
    }
    region
        .iter()
        .zip(al)
        .map(|(&i, a)| {
            let mut s: Vec<usize> = a.sources.into_iter().collect();
            s.sort_unstable();
            (i, a.score, s)
        })
        .collect()
}

/// Words that, alone or ending/starting a short label, name a summary.
const SUMMARY_LABELS: &[&str] = &[
    "key points",
    "key takeaways",
    "takeaways",
    "key facts",
    "summary",
    "ai summary",
    "article summary",
    "quick summary",
    "story summary",
    "tl;dr",
    "tldr",
    "in brief",
    "at a glance",
    "the short version",
    "highlights",
    "key highlights",
    "what you need to know",
    "the big picture",
];

/// True when a short block's text names a summary ("Key points:", "TL;DR").
pub fn is_summary_label(text: &str) -> bool {
    if text.len() > 60 {
        return false;
    }
    let trimmed = text.trim().trim_end_matches([':', '.', '-', '–']).trim();
    if !trimmed.is_ascii() {
        return names_summary(&trimmed.to_lowercase());
    }
    // The same test as `names_summary`, without lowercasing into a new string.
    let t = trimmed.as_bytes();
    let word_bounded = |l: &str| {
        let l = l.as_bytes();
        let n = l.len();
        (t.len() == n && t.eq_ignore_ascii_case(l))
            || (t.len() > n
                && t[t.len() - n..].eq_ignore_ascii_case(l)
                && matches!(t[t.len() - n - 1], b' ' | b'-'))
            || (t.len() > n && t[..n].eq_ignore_ascii_case(l) && t[n] == b' ')
    };
    trimmed.split_whitespace().count() <= 6 && SUMMARY_LABELS.iter().any(|l| word_bounded(l))
}

/// Whether trimmed, lowercase `t` is a label of [`SUMMARY_LABELS`], or
/// starts or ends with one as a word, in at most six words.
fn names_summary(t: &str) -> bool {
    let word_bounded = |l: &str| {
        t == l
            || t.strip_suffix(l)
                .is_some_and(|head| head.ends_with([' ', '-']))
            || t.strip_prefix(l).is_some_and(|tail| tail.starts_with(' '))
    };
    t.split_whitespace().count() <= 6 && SUMMARY_LABELS.iter().any(|l| word_bounded(l))
}

/// A leading run of paragraphs that restates the rest: for each paragraph
/// of the run, its index, its alignment score and the paragraphs it draws on.
pub fn lead_summary(paras: &[Para]) -> Vec<(usize, f32, Vec<usize>)> {
    let n = paras.len();
    let mut best: Vec<(usize, f32, Vec<usize>)> = Vec::new();
    if n < 2 {
        return best;
    }
    // Every run starts with the first paragraph: when it does not restate
    // the rest of the page, no run does (most pages stop here).
    let rest: Vec<usize> = (1..n).collect();
    if align(paras, &rest, &[0])[0].score < MIN_EACH {
        return best;
    }
    for k in 1..=MAX_RUN.min(n / 2) {
        let run_words: usize = paras[..k].iter().map(|p| p.words).sum();
        let body_words: usize = paras[k..].iter().map(|p| p.words).sum();
        if body_words < 2 * run_words {
            break;
        }
        let body: Vec<usize> = (k..n).collect();
        let candidates: Vec<usize> = (0..(k + 3).min(n)).collect();
        let al = align(paras, &body, &candidates);
        let run = &al[..k];
        let next = &al[k..];
        let mean = run.iter().map(|a| a.score).sum::<f32>() / k as f32;
        let min = run.iter().map(|a| a.score).fold(f32::MAX, f32::min);
        let next_mean = if next.is_empty() {
            0.0
        } else {
            next.iter().map(|a| a.score).sum::<f32>() / next.len() as f32
        };
        let sources: FxHashSet<usize> =
            run.iter().flat_map(|a| a.sources.iter().copied()).collect();
        let spread_needed = (MIN_SPREAD * (n - k) as f32).max(3.0);
        if min >= MIN_EACH
            && mean >= MIN_MEAN
            && mean - next_mean >= MIN_CONTRAST
            && sources.len() as f32 >= spread_needed
        {
            best = run
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let mut s: Vec<usize> = a.sources.iter().copied().collect();
                    s.sort_unstable();
                    (i, a.score, s)
                })
                .collect();
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Lang {
        Lang::from_code("en").unwrap()
    }

    #[test]
    fn sentences_split_on_final_punctuation() {
        let s = sentences(
            "The mayor resigned on Monday. Voters were surprised by the news!",
            en(),
        );
        assert_eq!(s.len(), 2);
        let one = sentences("Short. Text here", en());
        assert_eq!(one.len(), 1, "fragments join their neighbours");
    }

    #[test]
    fn summary_labels() {
        for l in [
            "Key points",
            "KEY TAKEAWAYS:",
            "AI-generated summary",
            "TL;DR",
            "The short version",
        ] {
            assert!(is_summary_label(l), "{l}");
        }
        for l in [
            "Summary of the 2024 budget debate in parliament today",
            "Summaryless",
            "Related",
        ] {
            assert!(!is_summary_label(l), "{l}");
        }
        // ASCII labels take a shortcut; it answers as the general test does.
        for label in SUMMARY_LABELS {
            for text in [
                label.to_string(),
                label.to_uppercase(),
                format!("Our {label}:"),
                format!("AI-{label}"),
                format!("{label} for busy readers."),
                format!("{label}s"),
                format!("x{label}"),
                format!("{label}, then"),
                format!("one two three four five six {label}"),
                format!("  {label} –  "),
            ] {
                let trimmed = text.trim().trim_end_matches([':', '.', '-', '–']).trim();
                assert_eq!(
                    is_summary_label(&text),
                    names_summary(&trimmed.to_lowercase()),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn stems_join_word_forms() {
        let a = sentences("Officials denied the election claims today.", en());
        let b = sentences("The official denies the elections claim again.", en());
        let shared = a[0].iter().filter(|w| b[0].contains(w)).count();
        assert!(shared >= 3, "{shared}");
    }
}
