//! The learned block classifier: feature vectors → probability of content.
//!
//! Evaluates the tree ensembles in [`super::model`] (written by
//! `scripts/train.py`). The first stage reads a block's feature vector from
//! [`super::vector::vectors`]; the second, when the model has one, reads the
//! same vector plus [`super::vector::context_vectors`] — what the first stage
//! thinks of the block's neighbours, siblings and page.

use super::model;
use super::vector::{self, N_CONTEXT, N_FEATURES};
use crate::segment::Page;

// Features are only ever appended, so a model may read a prefix of the
// vector (the one it was trained on) while new columns are being tried.
const _: () = assert!(
    model::N_FEATURES <= N_FEATURES && model::N_CONTEXT == N_CONTEXT,
    "model and features disagree: retrain with scripts/train.py"
);

/// A tree ensemble stored flat (see [`super::model`] for the layout).
#[derive(Debug)]
pub struct Forest {
    /// Root node of each tree (negative: the tree is a single leaf).
    pub roots: &'static [i32],
    /// Internal nodes: `(feature, split, left, right)`; `v[feature] <= split`
    /// goes left; a negative child `-(k + 1)` is leaf `k`.
    pub nodes: &'static [(u16, f32, i32, i32)],
    /// Leaf values.
    pub leaves: &'static [f32],
}

impl Forest {
    /// Adds the trees' leaves for every vector in `vs` to `sums`, tree by
    /// tree (one tree's nodes stay in cache while all blocks pass through
    /// it, and the walks of neighbouring blocks overlap in the pipeline).
    pub fn add_log_odds(&self, vs: &[&[f32; N_FEATURES]], sums: &mut [f32]) {
        for &root in self.roots {
            for (v, sum) in vs.iter().zip(sums.iter_mut()) {
                let mut node = root;
                while node >= 0 {
                    let (feature, split, left, right) = self.nodes[node as usize];
                    // Stage-one features index a fixed-size vector (the
                    // model's features are a prefix of it, checked above).
                    node = if v[feature as usize] <= split {
                        left
                    } else {
                        right
                    };
                }
                *sum += self.leaves[(-node - 1) as usize];
            }
        }
    }

    /// Sums the trees' leaves for vector `v`: the log-odds of content.
    pub fn log_odds(&self, v: &[f32]) -> f32 {
        let mut sum = 0.0f32;
        for &root in self.roots {
            let mut node = root;
            while node >= 0 {
                let (feature, split, left, right) = self.nodes[node as usize];
                let x = v.get(feature as usize).copied().unwrap_or(0.0);
                node = if x <= split { left } else { right };
            }
            sum += self.leaves[(-node - 1) as usize];
        }
        sum
    }
}

/// The log-odds given to blocks the rules alone mark as junk.
pub const CERTAIN_JUNK: f32 = -20.0;

/// The logistic function.
pub fn probability(log_odds: f32) -> f32 {
    1.0 / (1.0 + (-log_odds).exp())
}

/// Returns the final log-odds of content for every block of a page, given
/// its feature vectors.
///
/// Blocks the rules already score at or below [`model::PREFILTER_SCORE`]
/// (menus, footers, link lists) are not shown to the model: they get
/// [`CERTAIN_JUNK`].
pub fn classify(page: &Page, vectors: &[[f32; N_FEATURES]], rule_scores: &[f32]) -> Vec<f32> {
    let asked: Vec<usize> = (0..vectors.len())
        .filter(|&i| {
            rule_scores
                .get(i)
                .is_some_and(|&r| r > model::PREFILTER_SCORE)
        })
        .collect();
    let asked_vectors: Vec<&[f32; N_FEATURES]> = asked.iter().map(|&i| &vectors[i]).collect();
    let mut sums = vec![0f32; asked.len()];
    model::STAGES[0].add_log_odds(&asked_vectors, &mut sums);
    let mut first = vec![CERTAIN_JUNK; vectors.len()];
    for (&i, &s) in asked.iter().zip(&sums) {
        first[i] = s;
    }
    let Some(second) = model::STAGES.get(1) else {
        return first;
    };
    let probs: Vec<f32> = first.iter().map(|&l| probability(l)).collect();
    let context = vector::context_vectors(page, vectors, &probs);
    let mut row = [0f32; model::N_FEATURES + N_CONTEXT];
    vectors
        .iter()
        .zip(&context)
        .zip(&first)
        .map(|((v, c), &l)| {
            if l == CERTAIN_JUNK {
                return l;
            }
            row[..model::N_FEATURES].copy_from_slice(&v[..model::N_FEATURES]);
            row[model::N_FEATURES..].copy_from_slice(c);
            second.log_odds(&row)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_are_in_range_and_monotone() {
        assert!((probability(0.0) - 0.5).abs() < 1e-6);
        assert!(probability(3.0) > probability(1.0));
        let v = [0f32; N_FEATURES];
        let p = probability(model::STAGES[0].log_odds(&v));
        assert!((0.0..=1.0).contains(&p));
    }
}
