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

const _: () = assert!(
    model::N_FEATURES == N_FEATURES && model::N_CONTEXT == N_CONTEXT,
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
    let first: Vec<f32> = vectors
        .iter()
        .zip(rule_scores)
        .map(|(v, &r)| {
            if r <= model::PREFILTER_SCORE {
                CERTAIN_JUNK
            } else {
                model::STAGES[0].log_odds(v)
            }
        })
        .collect();
    let Some(second) = model::STAGES.get(1) else {
        return first;
    };
    let probs: Vec<f32> = first.iter().map(|&l| probability(l)).collect();
    let context = vector::context_vectors(page, vectors, &probs);
    let mut row = [0f32; N_FEATURES + N_CONTEXT];
    vectors
        .iter()
        .zip(&context)
        .zip(&first)
        .map(|((v, c), &l)| {
            if l == CERTAIN_JUNK {
                return l;
            }
            row[..N_FEATURES].copy_from_slice(v);
            row[N_FEATURES..].copy_from_slice(c);
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
