//! Page-level decision: which blocks of a page to keep, given the
//! classifier's probability that each block is main content.
//!
//! Takes one probability and one word count per block and returns a keep flag
//! per block. A fixed cut (keep every block above 0.5) is right only for a
//! page whose blocks the classifier is sure about. On an uncertain page (a
//! product listing whose item cards all sit at 0.3–0.45) it keeps almost
//! nothing, though keeping the likeliest blocks would recover most of the
//! text at little cost in precision.
//!
//! So the cut is chosen per page to maximise the *expected* word-level F1,
//! the figure the output is judged by. Taking the probabilities as calibrated
//! and the blocks as independent, keeping the set `S` gives
//!
//! ```text
//! E[F1] ≈ 2 · Σ_{i∈S} wᵢpᵢ / (Σ_{i∈S} wᵢ + Σ_all wᵢpᵢ)
//! ```
//!
//! (`wᵢ` the block's words), which for any size of `S` is largest when `S`
//! holds the most probable blocks; so the best set is the best prefix of the
//! blocks sorted by probability. The optimum keeps every block above about
//! half the page's expected F1: a high cut on a page the classifier is sure
//! of, a lower one where it is unsure. A block is never kept at or below
//! [`MIN_PROBABILITY`].

/// Blocks at or below this probability are never kept, whatever the page.
///
/// Mirrored in `scripts/train.py` as `MIN_PROBABILITY`.
pub const MIN_PROBABILITY: f32 = 0.2;

/// Returns, per block, whether to keep it: the prefix of the blocks sorted
/// by probability (ties in document order) that maximises the expected F1,
/// less any block at or below [`MIN_PROBABILITY`].
///
/// `probs` and `words` run in parallel (one entry per block); a block that
/// must not count (the page title, which is output separately) should be
/// given probability 0.
pub fn keep_for_expected_f1(probs: &[f32], words: &[u32]) -> Vec<bool> {
    debug_assert_eq!(probs.len(), words.len());
    let mut keep = vec![false; probs.len()];
    let expected_truth: f64 = probs
        .iter()
        .zip(words)
        .map(|(&p, &w)| f64::from(p) * f64::from(w))
        .sum();
    let mut order: Vec<usize> = (0..probs.len()).collect();
    // Stable: equal probabilities stay in document order.
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
    let mut expected_hits = 0f64;
    let mut kept_words = 0f64;
    let mut best = (f64::NEG_INFINITY, 0usize);
    for (rank, &i) in order.iter().enumerate() {
        expected_hits += f64::from(probs[i]) * f64::from(words[i]);
        kept_words += f64::from(words[i]);
        let f1 = 2.0 * expected_hits / (kept_words + expected_truth + 1e-9);
        if f1 > best.0 {
            best = (f1, rank + 1);
        }
    }
    for &i in &order[..best.1] {
        keep[i] = probs[i] > MIN_PROBABILITY;
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confident_page_keeps_its_likely_blocks_only() {
        let probs = [0.95, 0.9, 0.05, 0.4, 0.97];
        let words = [80, 60, 10, 30, 100];
        assert_eq!(
            keep_for_expected_f1(&probs, &words),
            [true, true, false, false, true]
        );
    }

    #[test]
    fn uncertain_page_keeps_its_likeliest_blocks() {
        // Item cards the classifier is unsure about, next to clear junk: a
        // fixed cut at 0.5 would keep nothing.
        let probs = [0.4, 0.38, 0.42, 0.05, 0.1, 0.36];
        let words = [20, 25, 22, 40, 30, 18];
        assert_eq!(
            keep_for_expected_f1(&probs, &words),
            [true, true, true, false, false, true]
        );
    }

    #[test]
    fn nothing_above_the_floor_keeps_nothing() {
        let probs = [0.1, 0.2, 0.0];
        let words = [50, 50, 50];
        assert_eq!(keep_for_expected_f1(&probs, &words), [false; 3]);
        assert!(keep_for_expected_f1(&[], &[]).is_empty());
    }

    #[test]
    fn kept_blocks_are_a_probability_prefix() {
        // Whatever is kept, every more probable block is kept too.
        let probs = [0.3, 0.7, 0.5, 0.25, 0.9, 0.45, 0.6, 0.35];
        for weights in [
            [1u32; 8],
            [5, 1, 9, 2, 7, 3, 8, 4],
            [100, 1, 1, 1, 1, 1, 1, 100],
        ] {
            let keep = keep_for_expected_f1(&probs, &weights);
            for i in 0..8 {
                for j in 0..8 {
                    if keep[i] && probs[j] > probs[i] {
                        assert!(keep[j], "{probs:?} {weights:?} {keep:?}");
                    }
                }
            }
        }
    }
}
