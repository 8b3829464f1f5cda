//! Learned word weights: what the words of a block say about it.
//!
//! Takes a page's blocks and returns two numbers per block, both log-odds
//! from a logistic regression that `scripts/train.py` fits on the
//! evaluation pages and writes into [`super::model`]:
//!
//! - [`text_score`]: the block's own words and word pairs ("shipping",
//!   "add to", "all rights", "we found"), lowercase;
//! - [`class_scores`]: the words of the tag, class and id of the block's
//!   element, its parent and its grandparent (`0:`, `1:`, `2:` features),
//!   and of every element above it (`a:` features, each word once), split
//!   by [`crate::segment::class_words`] (`product-description` → `product`,
//!   `description`).
//!
//! Each block's features are binary and scaled to unit length, so a score
//! is `bias + (sum of the weights of its features) / sqrt(number of its
//! distinct features)`; features the model does not know count in the
//! length and weigh nothing. The block classifier reads both scores as
//! features ([`super::vector`]).

use super::model;
use crate::segment::Page;
use std::sync::OnceLock;
use xxhash_rust::xxh3::xxh3_64;

/// A learned weight table.
struct Table {
    bias: f32,
    weights: Weights,
}

/// Weights by key, in one open-addressing array of `(key, weight)` slots:
/// a lookup reads one slot (or a few neighbours), where a general hash map
/// reads a control byte and then the slot, two cache misses for a table
/// too large for the L1 cache. Keys are hashes already, so their top bits
/// pick the slot. Most words and pairs of a text have no weight: a bitmap
/// small enough for the L1 cache (2^16 bits, 8 KiB, indexed by sixteen
/// middle bits of the key) turns most of them away before the table is
/// read.
struct Weights {
    slots: Vec<(u64, f32)>,
    /// Bit `filter_bit(key)` is set for every key in the table.
    filter: Vec<u64>,
    /// Top bits of a key that pick its first slot.
    shift: u32,
    /// The weight of [`EMPTY`] itself, should a real key hash to it.
    empty_key: Option<f32>,
}

/// Key of an empty slot.
const EMPTY: u64 = 0;

/// Bits in [`Weights::filter`] (8 KiB).
const FILTER_BITS: usize = 1 << 16;

/// A key's bit in [`Weights::filter`]: bits 16–31 of the key (the slot
/// comes from the top bits).
fn filter_bit(key: u64) -> usize {
    (key >> 16) as usize & (FILTER_BITS - 1)
}

impl Weights {
    fn new(entries: impl IntoIterator<Item = (u64, f32)>) -> Weights {
        let entries: Vec<(u64, f32)> = entries.into_iter().collect();
        // At most half full, so probes stay short.
        let capacity = (entries.len() * 2).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut weights = Weights {
            slots: vec![(EMPTY, 0.0); capacity],
            filter: vec![0; FILTER_BITS / 64],
            shift: 64 - capacity.trailing_zeros(),
            empty_key: None,
        };
        for (key, w) in entries {
            if key == EMPTY {
                weights.empty_key = Some(w);
                continue;
            }
            let bit = filter_bit(key);
            weights.filter[bit / 64] |= 1 << (bit % 64);
            let mut i = (key >> weights.shift) as usize;
            // (A repeated key keeps its last weight, as a map would.)
            while weights.slots[i].0 != EMPTY && weights.slots[i].0 != key {
                i = (i + 1) & mask;
            }
            weights.slots[i] = (key, w);
        }
        weights
    }

    fn get(&self, key: u64) -> Option<f32> {
        if key == EMPTY {
            return self.empty_key;
        }
        let bit = filter_bit(key);
        if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = (key >> self.shift) as usize;
        loop {
            let (k, w) = self.slots[i];
            if k == key {
                return Some(w);
            }
            if k == EMPTY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

fn word_key(word: &[u8]) -> u64 {
    xxh3_64(word)
}

/// Key of a word pair from its words' keys (unlike any word's key).
fn pair_key(a: u64, b: u64) -> u64 {
    (a.rotate_left(23) ^ b).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Key of a class word at a level (0–2, or 3 for "anywhere above"). (Not
/// xxh3's seed: for inputs of one to three bytes it only shifts the mixed
/// value, so `col` at one level and `con` at another could share a key.)
fn class_key(level: u8, word: &[u8]) -> u64 {
    xxh3_64(word) ^ (u64::from(level) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Table {
    /// The text model from its features (`word` or `word word`).
    fn text(bias: f32, entries: &[(&str, f32)]) -> Table {
        let weights = Weights::new(entries.iter().map(|&(feature, w)| {
            let key = match feature.split_once(' ') {
                Some((a, b)) => pair_key(word_key(a.as_bytes()), word_key(b.as_bytes())),
                None => word_key(feature.as_bytes()),
            };
            (key, w)
        }));
        Table { bias, weights }
    }

    /// The class model from its features (`level:word`).
    fn class(bias: f32, entries: &[(&str, f32)]) -> Table {
        let weights = Weights::new(entries.iter().filter_map(|&(feature, w)| {
            let (prefix, word) = feature.split_once(':')?;
            Some((class_key(class_level(prefix)?, word.as_bytes()), w))
        }));
        Table { bias, weights }
    }
}

fn text_table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| Table::text(model::TEXT_BIAS, &model::TEXT_WORDS))
}

/// The level of a class feature's prefix (`0:` … `2:`, `a:` → 3).
fn class_level(prefix: &str) -> Option<u8> {
    match prefix {
        "0" => Some(0),
        "1" => Some(1),
        "2" => Some(2),
        "a" => Some(3),
        _ => None,
    }
}

fn class_table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| Table::class(model::CLASS_BIAS, &model::CLASS_WORDS))
}

/// Reused buffers of [`text_score`].
#[derive(Default)]
pub struct TextScratch {
    words: Vec<u64>,
    features: Vec<u64>,
    word: Vec<u8>,
}

/// The text model's log-odds that a block with this text is main content.
pub fn text_score(text: &str, scratch: &mut TextScratch) -> f32 {
    text_score_with(text_table(), text, scratch)
}

fn text_score_with(table: &Table, text: &str, scratch: &mut TextScratch) -> f32 {
    let TextScratch {
        words,
        features,
        word,
    } = scratch;
    words.clear();
    features.clear();
    crate::merge::for_each_lowercase_word(text, word, |w| words.push(word_key(w)));
    features.extend_from_slice(words);
    features.extend(words.windows(2).map(|p| pair_key(p[0], p[1])));
    features.sort_unstable();
    features.dedup();
    let sum: f32 = features.iter().filter_map(|&k| table.weights.get(k)).sum();
    table.scaled(sum, features.len())
}

impl Table {
    /// `bias + sum / sqrt(n)`: the score of `n` binary features scaled to
    /// unit length whose weights add up to `sum`.
    fn scaled(&self, sum: f32, n: usize) -> f32 {
        if n == 0 {
            self.bias
        } else {
            self.bias + sum / (n as f32).sqrt()
        }
    }
}

/// The ancestors of a node that give class features: the node, its parent
/// and its grandparent (fewer near the root, which has no words).
fn levels(page: &Page, node: u32) -> impl Iterator<Item = (u8, u32)> + '_ {
    page.ancestors(node)
        .take(3)
        .enumerate()
        .map(|(level, n)| (level as u8, n))
}

/// The class model's log-odds per block (in block order).
pub fn class_scores(page: &Page) -> Vec<f32> {
    class_scores_with(class_table(), page)
}

fn class_scores_with(table: &Table, page: &Page) -> Vec<f32> {
    if page.nodes.is_empty() {
        // A deserialized page: no element tree.
        return vec![table.bias; page.blocks.len()];
    }
    // The weight of each page word at each level.
    let word_weights: Vec<[f32; 4]> = page
        .class_words
        .iter()
        .map(|w| {
            let mut ws = [0.0; 4];
            for (level, x) in ws.iter_mut().enumerate() {
                *x = table
                    .weights
                    .get(class_key(level as u8, w.as_bytes()))
                    .unwrap_or(0.0);
            }
            ws
        })
        .collect();
    let words_of = |node: u32| page.words_of(node);
    // "Anywhere above" features of each node's chain: weight sum and count
    // of the distinct words of the node and its ancestors. Nodes come in
    // document order (a parent before its children), so the chain of the
    // current node is a stack; `on_chain` counts each word's nodes on it.
    let mut chain: Vec<(f32, u32)> = Vec::with_capacity(page.nodes.len());
    let mut on_chain = vec![0u32; page.class_words.len()];
    let mut stack: Vec<u32> = Vec::new();
    for (i, node) in page.nodes.iter().enumerate() {
        if node.parent as usize == i {
            // The root (no words).
            chain.push((0.0, 0));
            continue;
        }
        while stack.last().is_some_and(|&top| top != node.parent) {
            if let Some(top) = stack.pop() {
                for &w in words_of(top) {
                    on_chain[w as usize] -= 1;
                }
            }
        }
        // (A parent always precedes its child; a page breaking that would
        // only lose its chain sums.)
        let (mut sum, mut count) = chain.get(node.parent as usize).copied().unwrap_or_default();
        for &w in words_of(i as u32) {
            if on_chain[w as usize] == 0 {
                sum += word_weights[w as usize][3];
                count += 1;
            }
            on_chain[w as usize] += 1;
        }
        stack.push(i as u32);
        chain.push((sum, count));
    }
    page.blocks
        .iter()
        .map(|b| {
            let (mut sum, mut count) = chain[b.node as usize];
            for (level, n) in levels(page, b.node) {
                for &w in words_of(n) {
                    sum += word_weights[w as usize][level as usize];
                }
                count += words_of(n).len() as u32;
            }
            table.scaled(sum, count as usize)
        })
        .collect()
}

/// The class features of a block, by name (`0:t_li`, `1:product`,
/// `a:description` …): what [`class_scores`] sums, for training.
pub fn class_feature_names(page: &Page, block: usize) -> Vec<String> {
    let Some(b) = page.blocks.get(block).filter(|_| !page.nodes.is_empty()) else {
        return Vec::new();
    };
    let word = |id: u32| page.class_words[id as usize].as_str();
    let words_of = |node: u32| page.words_of(node).iter().map(move |&id| word(id));
    let mut names: Vec<String> = Vec::new();
    for (level, n) in levels(page, b.node) {
        names.extend(words_of(n).map(|w| format!("{level}:{w}")));
    }
    let mut above: Vec<&str> = page.ancestors(b.node).flat_map(words_of).collect();
    above.sort_unstable();
    above.dedup();
    names.extend(above.into_iter().map(|w| format!("a:{w}")));
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::html;

    #[test]
    fn text_score_weighs_distinct_words_and_pairs() {
        let table = Table::text(-1.0, &[("add", 1.0), ("add to", 2.0), ("cart", -0.5)]);
        let mut scratch = TextScratch::default();
        // add, to, cart, "add to", "to cart": five features.
        let got = text_score_with(&table, "Add to Cart!", &mut scratch);
        assert!((got - (-1.0 + 2.5 / 5f32.sqrt())).abs() < 1e-6, "{got}");
        // A repeated word counts once: add, "add add".
        let got = text_score_with(&table, "add add", &mut scratch);
        assert!((got - (-1.0 + 1.0 / 2f32.sqrt())).abs() < 1e-6, "{got}");
        assert_eq!(text_score_with(&table, " -- ", &mut scratch), -1.0);
    }

    const NESTED: &str = "<section class=\"Outer\"><div class=\"b c\" id=\"outerBox\">\
                          <p class=\"c\">Some words here</p></div></section>";

    #[test]
    fn class_features_name_three_levels_and_every_word_above() {
        let page = html::segment(NESTED);
        let mut names = class_feature_names(&page, 0);
        names.sort();
        let want = [
            "0:c",
            "0:t_p",
            "1:b",
            "1:box",
            "1:c",
            "1:outer",
            "1:t_div",
            "2:outer",
            "2:t_section",
            "a:b",
            "a:box",
            "a:c",
            "a:outer",
            "a:t_div",
            "a:t_p",
            "a:t_section",
        ];
        assert_eq!(names, want);
    }

    #[test]
    fn class_scores_add_up_the_named_features() {
        let table = Table::class(
            0.5,
            &[
                ("0:c", 1.0),
                ("1:c", -2.0),
                ("2:outer", 0.25),
                ("a:outer", 3.0),
                ("a:t_p", -1.0),
            ],
        );
        let page = html::segment(NESTED);
        let names = class_feature_names(&page, 0);
        let sum: f32 = names
            .iter()
            .filter_map(|n| {
                let (level, word) = n.split_once(':')?;
                table
                    .weights
                    .get(class_key(class_level(level)?, word.as_bytes()))
            })
            .sum();
        let got = class_scores_with(&table, &page)[0];
        assert!((sum - 1.25).abs() < 1e-6);
        assert!(
            (got - (0.5 + sum / (names.len() as f32).sqrt())).abs() < 1e-6,
            "{got}"
        );
    }

    #[test]
    fn weights_find_every_key_and_only_those() {
        let entries: Vec<(u64, f32)> = (0..1000u64)
            .map(|i| (word_key(&i.to_le_bytes()), i as f32))
            .chain([(EMPTY, -1.0), (u64::MAX, 7.0)])
            .collect();
        let weights = Weights::new(entries.iter().copied());
        for &(key, w) in &entries {
            assert_eq!(weights.get(key), Some(w));
        }
        for i in 1000..3000u64 {
            assert_eq!(weights.get(word_key(&i.to_le_bytes())), None);
        }
        assert_eq!(Weights::new([(5, 1.0), (5, 2.0)]).get(5), Some(2.0));
        assert_eq!(Weights::new([]).get(EMPTY), None);
    }

    #[test]
    fn class_keys_differ_across_levels_and_short_words() {
        let words = ["col", "con", "a", "b", "t_p", "nav", "navs"];
        let mut keys: Vec<u64> = (0..4)
            .flat_map(|level| words.iter().map(move |w| class_key(level, w.as_bytes())))
            .collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }

    #[test]
    fn pages_without_an_element_tree_score_the_bias() {
        let table = Table::class(0.5, &[("0:t_p", 1.0)]);
        let mut page = html::segment(NESTED);
        page.nodes.clear();
        assert_eq!(
            class_scores_with(&table, &page),
            vec![0.5; page.blocks.len()]
        );
        assert!(class_feature_names(&page, 0).is_empty());
    }
}
