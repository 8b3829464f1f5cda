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

/// A [`Forest`] laid out to be walked by several vectors in lockstep,
/// without branches: a leaf is a node whose two children are itself, so a
/// lane that reaches its leaf stays there while the others walk on, and the
/// walks of [`LANES`] vectors interleave (their loads overlap instead of
/// waiting on each other and on mispredicted branches). A walk stops when
/// every lane is on a leaf, at the latest at the tree's depth. Sums are the
/// same, bit for bit, as [`Forest::log_odds`]: same leaves, in tree order.
#[derive(Debug)]
pub struct LockstepForest {
    nodes: Vec<LockstepNode>,
    /// Per tree: root node, depth (the longest root-to-leaf path) and the
    /// depth of its shallowest leaf.
    trees: Vec<(u32, u32, u32)>,
    /// Nodes from this index on are leaves.
    first_leaf: u32,
}

/// A node of a [`LockstepForest`]: a vector goes to `child[0]` when
/// `v[feature] <= split` and to `child[1]` otherwise (NaN included, as in
/// [`Forest`]); a leaf has `child == [self, self]` and its value in `split`.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct LockstepNode {
    split: f32,
    feature: u32,
    child: [u32; 2],
}

/// Vectors walked together through each tree.
pub const LANES: usize = 8;

impl LockstepForest {
    /// Lays out `forest`.
    pub fn new(forest: &Forest) -> LockstepForest {
        let internal = forest.nodes.len();
        let mut nodes: Vec<LockstepNode> = Vec::with_capacity(internal + forest.leaves.len());
        let index = |child: i32| -> u32 {
            if child >= 0 {
                child as u32
            } else {
                (internal as i32 - child - 1) as u32
            }
        };
        for &(feature, split, left, right) in forest.nodes {
            nodes.push(LockstepNode {
                split,
                feature: feature as u32,
                child: [index(left), index(right)],
            });
        }
        for (k, &value) in forest.leaves.iter().enumerate() {
            let me = (internal + k) as u32;
            nodes.push(LockstepNode {
                split: value,
                feature: 0,
                child: [me, me],
            });
        }
        // The deepest and the shallowest leaf below a root.
        let depths = |root: u32| -> (u32, u32) {
            let (mut deepest, mut shallowest) = (0, u32::MAX);
            let mut stack = vec![(root, 0u32)];
            while let Some((n, d)) = stack.pop() {
                let node = nodes[n as usize];
                if node.child[0] == n {
                    deepest = deepest.max(d);
                    shallowest = shallowest.min(d);
                } else {
                    stack.push((node.child[0], d + 1));
                    stack.push((node.child[1], d + 1));
                }
            }
            (deepest, shallowest)
        };
        let trees = forest
            .roots
            .iter()
            .map(|&root| {
                let root = index(root);
                let (deepest, shallowest) = depths(root);
                (root, deepest, shallowest)
            })
            .collect();
        LockstepForest {
            nodes,
            trees,
            first_leaf: internal as u32,
        }
    }

    /// Adds the trees' leaves for every vector in `vs` to `sums`: tree by
    /// tree (its nodes stay in cache), [`LANES`] vectors at a time.
    pub fn add_log_odds(&self, vs: &[&[f32; N_FEATURES]], sums: &mut [f32]) {
        let nodes = &self.nodes[..];
        let full = vs.len() / LANES * LANES;
        for &(root, depth, shallowest) in &self.trees {
            for (lanes, lane_sums) in vs[..full]
                .chunks_exact(LANES)
                .zip(sums[..full].chunks_exact_mut(LANES))
            {
                let mut at = [root; LANES];
                for step in 0..depth {
                    for (a, v) in at.iter_mut().zip(lanes) {
                        let node = nodes[*a as usize];
                        let x = v.get(node.feature as usize).copied().unwrap_or(0.0);
                        *a = node.child[1 - usize::from(x <= node.split)];
                    }
                    // Done when every lane is on a leaf (leaves come after
                    // the internal nodes); checked from the shallowest leaf on.
                    if step + 1 >= shallowest && at.iter().all(|&a| a >= self.first_leaf) {
                        break;
                    }
                }
                for (s, a) in lane_sums.iter_mut().zip(at) {
                    *s += nodes[a as usize].split;
                }
            }
            for (v, s) in vs[full..].iter().zip(&mut sums[full..]) {
                let mut a = root;
                while a < self.first_leaf {
                    let node = nodes[a as usize];
                    let x = v.get(node.feature as usize).copied().unwrap_or(0.0);
                    a = node.child[1 - usize::from(x <= node.split)];
                }
                *s += nodes[a as usize].split;
            }
        }
    }
}

/// The model's stages laid out for [`LockstepForest::add_log_odds`].
fn lockstep_stages() -> &'static [LockstepForest] {
    static STAGES: std::sync::OnceLock<Vec<LockstepForest>> = std::sync::OnceLock::new();
    STAGES.get_or_init(|| model::STAGES.iter().map(LockstepForest::new).collect())
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
    lockstep_stages()[0].add_log_odds(&asked_vectors, &mut sums);
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

    #[test]
    fn lockstep_walks_sum_exactly_what_the_trees_say() {
        // Vectors of every shape: zeros, NaN, infinities, and values spread
        // around the splits the model uses.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let splits: Vec<f32> = model::STAGES[0].nodes.iter().map(|n| n.1).collect();
        let vectors: Vec<[f32; N_FEATURES]> = (0..37)
            .map(|i| {
                let mut v = [0f32; N_FEATURES];
                for x in v.iter_mut() {
                    let r = next();
                    *x = match (i, r % 7) {
                        (0, _) => 0.0,
                        (1, 0) => f32::NAN,
                        (2, 0) => f32::INFINITY,
                        (_, 1) => splits[(r >> 8) as usize % splits.len()],
                        _ => {
                            splits[(r >> 8) as usize % splits.len()]
                                + ((r >> 40) % 200) as f32 / 100.0
                                - 1.0
                        }
                    };
                }
                v
            })
            .collect();
        let refs: Vec<&[f32; N_FEATURES]> = vectors.iter().collect();
        let mut sums = vec![0f32; refs.len()];
        LockstepForest::new(&model::STAGES[0]).add_log_odds(&refs, &mut sums);
        for (v, s) in vectors.iter().zip(&sums) {
            assert_eq!(s.to_bits(), model::STAGES[0].log_odds(v).to_bits());
        }
    }
}
