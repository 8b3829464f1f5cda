//! Site boilerplate: blocks that recur across many pages of one host.
//!
//! A first pass over a corpus counts, per host, on how many pages each
//! block (normalised: lowercase letters and digits) appears; blocks on at
//! least [`MIN_PAGES`] pages and [`MIN_SHARE`] of the host's pages are the
//! site's chrome (a "Advertise with …" line, a disclaimer, a newsletter
//! pitch). The second pass marks such blocks junk wherever single-page
//! features kept them. Counting is per host, so an article syndicated to
//! many sites is not chrome anywhere; a block is counted once per page. The
//! model can be saved and loaded (`dechaff learn … -o MODEL`, then
//! `--site-model MODEL`) so separate shard runs share it.

use crate::Cleaned;
use crate::score::Verdict;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A block is chrome when it appears on at least this many pages of a host…
pub const MIN_PAGES: u32 = 3;
/// … and on at least this share of them.
pub const MIN_SHARE: f32 = 0.3;
/// Blocks shorter than this many words are not counted (a lone "Share" is
/// judged well enough by the page).
const MIN_WORDS: usize = 4;

/// The host of a URL (`https://www.example.com/a` → `www.example.com`).
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The hash of a block's normalised text, or `None` for short blocks.
///
/// Normalised: the lowercased alphanumeric words, separated by one space.
pub fn block_hash(text: &str) -> Option<u64> {
    thread_local! {
        static NORM: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    NORM.with_borrow_mut(|norm| {
        norm.clear();
        // Written word by word, each followed by one space; the last space
        // is dropped at the end.
        let mut words = 0;
        let mut in_word = false;
        let mut rest = text.as_bytes();
        while !rest.is_empty() {
            let ascii = rest
                .iter()
                .position(|b| !b.is_ascii())
                .unwrap_or(rest.len());
            // ASCII without branches per byte: a letter or digit is written
            // lowercased; the first other byte after a word writes a space.
            let start = norm.len();
            norm.resize(start + ascii, 0);
            let mut at = start;
            for (&b, _) in rest[..ascii].iter().zip(0..) {
                let lower = ASCII_WORD[b as usize];
                let is_word = lower != 0;
                norm[at] = if is_word { lower } else { b' ' };
                let advance = is_word || in_word;
                words += usize::from(is_word && !in_word);
                in_word = is_word;
                at += usize::from(advance);
            }
            norm.truncate(at);
            rest = &rest[ascii..];
            let Some(c) = std::str::from_utf8(&rest[..rest.len().min(4)])
                .or_else(|e| std::str::from_utf8(&rest[..e.valid_up_to()]))
                .ok()
                .and_then(|s| s.chars().next())
            else {
                break;
            };
            if crate::chars::is_alphanumeric(c) {
                words += usize::from(!in_word);
                in_word = true;
                let mut buf = [0u8; 4];
                for lower in c.to_lowercase() {
                    norm.extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
                }
            } else if in_word {
                norm.push(b' ');
                in_word = false;
            }
            rest = &rest[c.len_utf8()..];
        }
        if norm.last() == Some(&b' ') {
            norm.pop();
        }
        (words >= MIN_WORDS).then(|| xxhash_rust::xxh3::xxh3_64(norm))
    })
}

/// ASCII letters and digits, lowercased; 0 for every other byte.
const ASCII_WORD: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// What the first pass has counted on one host: its pages, and per block
/// hash the pages the block is on and its length (visible characters, the
/// longest seen).
#[derive(Debug, Default)]
struct HostCounts {
    pages: u32,
    blocks: FxHashMap<u64, (u32, u32)>,
}

/// Counts blocks per host during the first pass.
#[derive(Debug, Default)]
pub struct SiteLearner {
    hosts: FxHashMap<String, HostCounts>,
}

impl SiteLearner {
    /// Adds one page of `host` with the hashes of its blocks and their
    /// lengths in visible characters.
    pub fn add(&mut self, host: &str, blocks: &[(u64, u32)]) {
        let entry = self.hosts.entry(host.to_string()).or_default();
        entry.pages += 1;
        let mut seen: FxHashSet<u64> = FxHashSet::default();
        for &(h, chars) in blocks {
            if seen.insert(h) {
                let counted = entry.blocks.entry(h).or_insert((0, 0));
                counted.0 += 1;
                counted.1 = counted.1.max(chars);
            }
        }
    }

    /// The model: per host, the blocks that recur enough to be chrome.
    pub fn finish(self) -> SiteModel {
        let mut hosts = BTreeMap::new();
        for (
            host,
            HostCounts {
                pages,
                blocks: counts,
            },
        ) in self.hosts
        {
            let chrome: Vec<(u64, (u32, u32))> = counts
                .into_iter()
                .filter(|&(_, (n, _))| n >= MIN_PAGES && n as f32 >= MIN_SHARE * pages as f32)
                .collect();
            if !chrome.is_empty() {
                hosts.insert(
                    host,
                    HostModel {
                        pages,
                        max_chars: chrome.iter().map(|&(_, (_, c))| c).max().unwrap_or(0),
                        blocks: chrome
                            .into_iter()
                            .map(|(h, (n, _))| (format!("{h:016x}"), n))
                            .collect(),
                    },
                );
            }
        }
        SiteModel {
            version: 1,
            hosts,
            lookup: Default::default(),
        }
    }
}

/// What the model knows of one host.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HostModel {
    /// Pages of the host seen while learning.
    pub pages: u32,
    /// The longest chrome block, in visible characters: longer blocks are
    /// not looked up (models written before it was recorded: no limit).
    #[serde(default = "no_length_limit")]
    pub max_chars: u32,
    /// Chrome blocks (hash in hex) and on how many pages each appeared.
    pub blocks: BTreeMap<String, u32>,
}

fn no_length_limit() -> u32 {
    u32::MAX
}

/// Learned site boilerplate, per host; saved as JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SiteModel {
    /// Format version (1).
    pub version: u32,
    /// Hosts with at least one chrome block.
    pub hosts: BTreeMap<String, HostModel>,
    /// The chrome hashes as numbers, per host, built on first use.
    #[serde(skip)]
    lookup: std::sync::OnceLock<FxHashMap<String, FxHashMap<u64, u32>>>,
}

impl SiteModel {
    /// Marks the content blocks of `doc` that are chrome of `host` as junk,
    /// with the reason. Returns how many it marked.
    pub fn apply(&self, doc: &mut Cleaned, host: &str) -> usize {
        self.apply_hashed(doc, host, None)
    }

    /// [`SiteModel::apply`] with the blocks' hashes already known:
    /// `hashes[i]` is [`block_hash`] of block `i` (for the content blocks).
    pub fn apply_hashed(
        &self,
        doc: &mut Cleaned,
        host: &str,
        hashes: Option<&[Option<u64>]>,
    ) -> usize {
        let Some(model) = self.hosts.get(host) else {
            return 0;
        };
        let lookup = self.lookup.get_or_init(|| {
            self.hosts
                .iter()
                .map(|(host, m)| {
                    let hashes = m
                        .blocks
                        .iter()
                        .filter_map(|(h, &n)| Some((u64::from_str_radix(h, 16).ok()?, n)))
                        .collect();
                    (host.clone(), hashes)
                })
                .collect()
        });
        let Some(chrome) = lookup.get(host) else {
            return 0;
        };
        let mut marked = 0;
        for (i, (b, j)) in doc
            .page
            .blocks
            .iter()
            .zip(doc.judgements.iter_mut())
            .enumerate()
        {
            // Blocks much longer than any chrome block are not hashed (the
            // slack covers punctuation and case the hash ignores).
            let too_long = b.chars > model.max_chars.saturating_add(model.max_chars / 4 + 16);
            if j.verdict != Verdict::Content || b.is_title || too_long {
                continue;
            }
            let known = hashes.and_then(|h| h.get(i).copied());
            let Some(h) = known.unwrap_or_else(|| block_hash(&b.text)) else {
                continue;
            };
            if let Some(&n) = chrome.get(&h) {
                j.verdict = Verdict::Junk;
                j.reasons.insert(
                    0,
                    format!(
                        "site boilerplate (on {n} of {} pages of {host})",
                        model.pages
                    ),
                );
                marked += 1;
            }
        }
        marked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_parsed() {
        assert_eq!(
            host_of("https://WWW.Example.com:8080/a?b").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(host_of("http://user@h.org").as_deref(), Some("h.org"));
        assert_eq!(host_of("").as_deref(), None);
    }

    #[test]
    fn block_hashes_are_those_of_the_normalised_text() {
        // The normalisation written out plainly (what models on disk hold).
        fn reference(text: &str) -> Option<u64> {
            let mut norm = String::new();
            let mut words = 0;
            let mut in_word = false;
            for c in text.chars() {
                if crate::chars::is_alphanumeric(c) {
                    norm.extend(c.to_lowercase());
                    if !in_word {
                        words += 1;
                        in_word = true;
                    }
                } else if in_word {
                    norm.push(' ');
                    in_word = false;
                }
            }
            (words >= MIN_WORDS).then(|| xxhash_rust::xxh3::xxh3_64(norm.trim_end().as_bytes()))
        }
        for text in [
            "Advertise with The Western Journal and reach millions.",
            "  ÉCOLE Straße İstanbul — Ωmega 2024!  ",
            "漢字 かな 한국어 русский ТЕКСТ",
            "one two three",
            "a\u{a0}b\u{3000}c d…",
            "",
        ] {
            assert_eq!(block_hash(text), reference(text), "{text}");
        }
        assert_eq!(
            block_hash("Advertise with us,  today!"),
            block_hash("advertise WITH us today")
        );
    }

    #[test]
    fn recurring_blocks_become_chrome_per_host() {
        let chrome = (
            block_hash("Advertise with us and reach millions of readers.").unwrap(),
            42,
        );
        let mut learner = SiteLearner::default();
        for i in 0..5u64 {
            let story = block_hash(&format!("A different story number {i} about a topic")).unwrap();
            learner.add("news.example", &[chrome, (story, 36), chrome]);
        }
        // The same chrome line once on another host is not its chrome.
        learner.add("other.example", &[chrome]);
        let model = learner.finish();
        let host = &model.hosts["news.example"];
        assert_eq!(host.pages, 5);
        assert_eq!(host.blocks.len(), 1);
        assert_eq!(host.max_chars, 42);
        // A model saved before lengths were recorded looks every block up.
        let old: SiteModel = serde_json::from_str(
            r#"{"version": 1, "hosts": {"h": {"pages": 3, "blocks": {"00000000000000ff": 3}}}}"#,
        )
        .unwrap();
        assert_eq!(old.hosts["h"].max_chars, u32::MAX);
        assert!(!model.hosts.contains_key("other.example"));
        assert!(block_hash("Too short").is_none());
    }
}
