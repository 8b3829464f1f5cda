//! The learned block classifier: feature vector → probability of content.
//!
//! Evaluates the tree ensemble in [`super::model`] (written by
//! `scripts/train.py`) on a vector from [`super::vector`].

use super::model;
use super::vector::N_FEATURES;

const _: () = assert!(
    model::N_FEATURES == N_FEATURES,
    "model and features disagree: retrain"
);

/// Returns the log-odds that a block with feature vector `v` is content.
pub fn log_odds(v: &[f32; N_FEATURES]) -> f32 {
    let mut sum = 0.0f32;
    for &root in model::ROOTS.iter() {
        let mut node = root;
        while node >= 0 {
            let n = node as usize;
            node = if v[model::FEATURE[n] as usize] <= model::SPLIT[n] {
                model::LEFT[n]
            } else {
                model::RIGHT[n]
            };
        }
        sum += model::LEAF[(-node - 1) as usize];
    }
    sum
}

/// The logistic function.
pub fn probability(log_odds: f32) -> f32 {
    1.0 / (1.0 + (-log_odds).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_are_in_range_and_monotone() {
        assert!((probability(0.0) - 0.5).abs() < 1e-6);
        assert!(probability(3.0) > probability(1.0));
        let v = [0f32; N_FEATURES];
        let p = probability(log_odds(&v));
        assert!((0.0..=1.0).contains(&p));
    }
}
