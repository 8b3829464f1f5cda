//! Near-duplicate documents across a corpus: MinHash over word shingles,
//! LSH banding, exact verification.
//!
//! Takes each cleaned document's text, in input order, and says whether it
//! is a near-duplicate of an earlier one (the same story republished with
//! small edits and different site chrome). Candidates come from MinHash
//! signatures ([`HASHES`] values over word [`SHINGLE`]-grams, computed by
//! one-permutation hashing with densification from fixed xxh3 hashes, so
//! results never change between runs) split into [`BANDS`] bands; every candidate pair is verified exactly: the Jaccard
//! similarity of the two shingle sets must reach the threshold. Only
//! documents that are not themselves duplicates are indexed, so links never
//! chain, and a document gathers at most `max_cluster` duplicates.
//!
//! Defaults: 3-word shingles, 126 hashes in 42 bands of 3 rows (the
//! S-curve's midpoint is near Jaccard 0.29), verified Jaccard ≥ 0.4. Editing
//! 10% of a story's words leaves about 0.55 of its 3-gram shingles shared;
//! two different stories that share one paragraph share well under 0.2.

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Words per shingle.
pub const SHINGLE: usize = 3;
/// Rows per band.
pub const ROWS: usize = 3;
/// Bands.
pub const BANDS: usize = 42;
/// Hash values per signature.
pub const HASHES: usize = ROWS * BANDS;

/// Settings of near-duplicate detection.
#[derive(Debug, Clone, Copy)]
pub struct NearDupOptions {
    /// Verified Jaccard similarity (0–1) at or above which two documents are
    /// near-duplicates.
    pub threshold: f32,
    /// Most duplicates one document can gather.
    pub max_cluster: usize,
}

impl Default for NearDupOptions {
    fn default() -> Self {
        NearDupOptions {
            threshold: 0.4,
            max_cluster: 1000,
        }
    }
}

/// What the index needs of a document: its shingles and signature.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    /// Sorted, deduplicated shingle hashes (32-bit).
    pub shingles: Vec<u32>,
    /// MinHash signature.
    pub signature: [u64; HASHES],
}

/// Per-hash multipliers and offsets, from fixed xxh3 seeds.
fn coefficients() -> &'static [(u64, u64); HASHES] {
    use std::sync::OnceLock;
    static C: OnceLock<[(u64, u64); HASHES]> = OnceLock::new();
    C.get_or_init(|| {
        let mut c = [(0u64, 0u64); HASHES];
        for (i, x) in c.iter_mut().enumerate() {
            let a = xxh3_64_with_seed(b"dechaff-minhash-a", i as u64) | 1;
            let b = xxh3_64_with_seed(b"dechaff-minhash-b", i as u64);
            *x = (a, b);
        }
        c
    })
}

/// The hash of every run of [`SHINGLE`] word hashes, in text order (with
/// repeats).
fn shingle_hashes(words: &[u64]) -> Vec<u64> {
    words
        .windows(SHINGLE)
        .map(|w| {
            let mut bytes = [0u8; SHINGLE * 8];
            for (k, h) in w.iter().enumerate() {
                bytes[k * 8..k * 8 + 8].copy_from_slice(&h.to_le_bytes());
            }
            xxh3_64(&bytes)
        })
        .collect()
}

/// Sorts `values` (least significant byte first, four counting passes:
/// linear, where a comparison sort of a document's thousand shingles was
/// the costliest step of its fingerprint) and drops repeats.
fn sort_dedup(values: &mut Vec<u32>) {
    let mut scratch = vec![0u32; values.len()];
    for shift in [0u32, 8, 16, 24] {
        let mut starts = [0usize; 257];
        for &v in values.iter() {
            starts[((v >> shift) & 0xff) as usize + 1] += 1;
        }
        for i in 1..257 {
            starts[i] += starts[i - 1];
        }
        for &v in values.iter() {
            let slot = &mut starts[((v >> shift) & 0xff) as usize];
            scratch[*slot] = v;
            *slot += 1;
        }
        std::mem::swap(values, &mut scratch);
    }
    values.dedup();
}

/// Computes a document's fingerprint from its cleaned text; `None` when it
/// is too short to compare (fewer words than a shingle).
pub fn fingerprint(text: &str) -> Option<Fingerprint> {
    // Hash each lowercased word once, then each run of SHINGLE word hashes.
    let mut words: Vec<u64> = Vec::with_capacity(text.len() / 5);
    super::for_each_lowercase_word(text, &mut Vec::new(), |w| words.push(xxh3_64(w)));
    if words.len() < SHINGLE {
        return None;
    }
    let full = shingle_hashes(&words);
    // One-permutation MinHash: each shingle hash (already a fixed xxh3 of
    // the words) falls in one of HASHES buckets, which keep their minimum;
    // empty buckets borrow from the next filled one (densification), so the
    // chance that two signatures agree in a bucket stays the Jaccard
    // similarity. One hash per shingle instead of HASHES; repeats change
    // no minimum.
    let coeff = coefficients();
    let mut signature = [u64::MAX; HASHES];
    for &h in &full {
        let bucket = ((h as u128 * HASHES as u128) >> 64) as usize;
        let v = h.wrapping_mul(coeff[0].0);
        if v < signature[bucket] {
            signature[bucket] = v;
        }
    }
    let filled = signature;
    for (i, slot) in signature.iter_mut().enumerate() {
        if *slot != u64::MAX {
            continue;
        }
        // The next bucket that a shingle filled, going round; `full` is not
        // empty, so there is one.
        if let Some(d) = (1..HASHES).find(|d| filled[(i + d) % HASHES] != u64::MAX) {
            *slot = filled[(i + d) % HASHES].wrapping_add(coeff[d].1);
        }
    }
    // The set compared exactly: the top halves, sorted, without repeats.
    let mut shingles: Vec<u32> = full.iter().map(|&h| (h >> 32) as u32).collect();
    sort_dedup(&mut shingles);
    Some(Fingerprint {
        shingles,
        signature,
    })
}

/// Jaccard similarity of two sorted sets.
pub fn jaccard(a: &[u32], b: &[u32]) -> f32 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        0.0
    } else {
        both as f32 / union as f32
    }
}

/// An indexed document. Its id and shingles live in the index's pools
/// (one allocation per megabyte instead of two per document: a corpus-sized
/// index of small allocations fragments the heap and slows every worker's
/// allocations down).
struct Entry {
    /// Range of the id in [`NearDupIndex::ids`].
    id: (u32, u32),
    /// Chunk of [`NearDupIndex::shingles`] and range in it.
    shingles: (u32, u32, u32),
    signature: [u64; HASHES],
    duplicates: usize,
}

/// Shingle pool chunks hold this many values (4 MB) or one document's.
const CHUNK: usize = 1 << 20;

/// A candidate whose signatures agree in fewer slots than this share of the
/// verification threshold is not verified: the MinHash estimate of Jaccard
/// has a standard deviation of at most 0.045 with 126 hashes, so a pair at
/// the threshold falls this far below it with odds of a few in a million.
const ESTIMATE_SLACK: f32 = 0.5;

/// The share of signature slots two documents agree in: an unbiased
/// estimate of the Jaccard similarity of their shingles.
fn estimated_jaccard(a: &[u64; HASHES], b: &[u64; HASHES]) -> f32 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f32 / HASHES as f32
}

/// No document: the end of a chain in [`NearDupIndex`].
const NONE: u32 = u32::MAX;

/// The corpus-wide index of documents seen so far (originals only).
///
/// Per band, a map from band key to the latest document with that key;
/// each document links, per band, to the one before it with the same key
/// (a chain per key without a list allocated per key).
pub struct NearDupIndex {
    options: NearDupOptions,
    bands: Vec<FxHashMap<u64, u32>>,
    /// `earlier[doc * BANDS + band]`: the previous document with the same
    /// key in that band, or [`NONE`].
    earlier: Vec<u32>,
    docs: Vec<Entry>,
    /// The documents' ids, one after another.
    ids: String,
    /// The documents' shingles, one after another, in chunks.
    shingles: Vec<Vec<u32>>,
}

impl NearDupIndex {
    /// An empty index.
    pub fn new(options: NearDupOptions) -> Self {
        NearDupIndex {
            options,
            bands: (0..BANDS).map(|_| FxHashMap::default()).collect(),
            earlier: Vec::new(),
            docs: Vec::new(),
            ids: String::new(),
            shingles: Vec::new(),
        }
    }

    fn shingles_of(&self, entry: &Entry) -> &[u32] {
        let (chunk, start, end) = entry.shingles;
        &self.shingles[chunk as usize][start as usize..end as usize]
    }

    fn id_of(&self, entry: &Entry) -> &str {
        &self.ids[entry.id.0 as usize..entry.id.1 as usize]
    }

    /// Checks a document against the index, in input order: returns the id
    /// of the earlier document it duplicates and their Jaccard similarity,
    /// or `None` — then the document is indexed as an original.
    pub fn check(&mut self, id: &str, fp: Fingerprint) -> Option<(String, f32)> {
        let keys: Vec<u64> = (0..BANDS)
            .map(|b| {
                let rows = &fp.signature[b * ROWS..(b + 1) * ROWS];
                let mut bytes = [0u8; ROWS * 8];
                for (k, r) in rows.iter().enumerate() {
                    bytes[k * 8..k * 8 + 8].copy_from_slice(&r.to_le_bytes());
                }
                xxh3_64(&bytes)
            })
            .collect();
        let mut candidates: Vec<u32> = Vec::new();
        for (b, k) in keys.iter().enumerate() {
            let mut doc = self.bands[b].get(k).copied().unwrap_or(NONE);
            while doc != NONE {
                candidates.push(doc);
                doc = self.earlier[doc as usize * BANDS + b];
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(u32, f32)> = None;
        for c in candidates {
            let entry = &self.docs[c as usize];
            if entry.duplicates >= self.options.max_cluster
                || estimated_jaccard(&fp.signature, &entry.signature)
                    < self.options.threshold * ESTIMATE_SLACK
            {
                continue;
            }
            let sim = jaccard(&fp.shingles, self.shingles_of(entry));
            if sim >= self.options.threshold && best.is_none_or(|(_, s)| sim > s) {
                best = Some((c, sim));
            }
        }
        if let Some((c, sim)) = best {
            self.docs[c as usize].duplicates += 1;
            return Some((self.id_of(&self.docs[c as usize]).to_string(), sim));
        }
        let idx = self.docs.len() as u32;
        let id_start = self.ids.len() as u32;
        self.ids.push_str(id);
        if self
            .shingles
            .last()
            .is_none_or(|c| c.len() + fp.shingles.len() > c.capacity())
        {
            self.shingles
                .push(Vec::with_capacity(CHUNK.max(fp.shingles.len())));
        }
        let chunk_index = self.shingles.len() - 1;
        let chunk = &mut self.shingles[chunk_index];
        let start = chunk.len() as u32;
        chunk.extend_from_slice(&fp.shingles);
        self.docs.push(Entry {
            id: (id_start, self.ids.len() as u32),
            shingles: (chunk_index as u32, start, chunk.len() as u32),
            signature: fp.signature,
            duplicates: 0,
        });
        for (b, k) in keys.into_iter().enumerate() {
            let before = self.bands[b].insert(k, idx).unwrap_or(NONE);
            self.earlier.push(before);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(seed: u64, words: usize) -> Vec<String> {
        let mut x = seed;
        (0..words)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                format!("w{}", x % 5000)
            })
            .collect()
    }

    fn edit(words: &[String], every: usize) -> String {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i % every == 3 {
                    "changed".to_string()
                } else {
                    w.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn edited_copies_are_found_and_distinct_stories_are_not() {
        let mut index = NearDupIndex::new(NearDupOptions::default());
        let a = story(1, 600);
        let b = story(2, 600);
        let fa = fingerprint(&a.join(" ")).unwrap();
        assert!(index.check("a", fa).is_none());
        // 10% of the words changed.
        let copy = fingerprint(&edit(&a, 10)).unwrap();
        let hit = index.check("a2", copy);
        assert_eq!(hit.as_ref().map(|h| h.0.as_str()), Some("a"), "{hit:?}");
        // A different story sharing one paragraph (60 words) with a.
        let mut mixed = b.clone();
        mixed.splice(100..160, a[200..260].iter().cloned());
        let fm = fingerprint(&mixed.join(" ")).unwrap();
        assert!(index.check("b", fm).is_none());
    }

    #[test]
    fn words_are_hashed_as_their_lowercase_text() {
        // The word hashes written out plainly.
        fn reference(text: &str) -> Vec<u64> {
            text.split(|c: char| !crate::chars::is_alphanumeric(c))
                .filter(|w| !w.is_empty())
                .map(|w| {
                    let lower: String = w.chars().flat_map(char::to_lowercase).collect();
                    xxh3_64(lower.as_bytes())
                })
                .collect()
        }
        let text = "Ünïcode WORDS, mixed: ÉCOLE straße İstanbul 漢字かな — x2 ÖL! end";
        let full = shingle_hashes(&reference(text));
        let mut shingles: Vec<u32> = full.iter().map(|&h| (h >> 32) as u32).collect();
        shingles.sort_unstable();
        shingles.dedup();
        let mut radix = shingles.clone();
        radix.reverse();
        radix.extend_from_slice(&shingles);
        sort_dedup(&mut radix);
        assert_eq!(radix, shingles);
        assert_eq!(fingerprint(text).unwrap().shingles, shingles);
    }

    #[test]
    fn radix_sort_sorts_and_drops_repeats() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut values: Vec<u32> = (0..5000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Some values repeat, some differ only in the top byte.
                match x % 4 {
                    0 => (x % 50) as u32,
                    1 => ((x % 256) as u32) << 24,
                    _ => (x >> 32) as u32,
                }
            })
            .chain([0, u32::MAX, u32::MAX, 0])
            .collect();
        let mut expected = values.clone();
        expected.sort_unstable();
        expected.dedup();
        sort_dedup(&mut values);
        assert_eq!(values, expected);
        let mut empty = Vec::new();
        sort_dedup(&mut empty);
        assert!(empty.is_empty());
    }

    #[test]
    fn results_do_not_depend_on_anything_but_the_text() {
        let t = story(9, 300).join(" ");
        assert_eq!(
            fingerprint(&t).unwrap().signature,
            fingerprint(&t).unwrap().signature
        );
        assert!(fingerprint("too short").is_none());
    }

    #[test]
    fn clusters_are_capped() {
        let mut index = NearDupIndex::new(NearDupOptions {
            threshold: 0.4,
            max_cluster: 2,
        });
        let a = story(3, 400);
        let f = fingerprint(&a.join(" ")).unwrap();
        assert!(index.check("a", f.clone()).is_none());
        assert!(index.check("b", f.clone()).is_some());
        assert!(index.check("c", f.clone()).is_some());
        assert!(
            index.check("d", f).is_none(),
            "the full cluster takes no more"
        );
    }
}
