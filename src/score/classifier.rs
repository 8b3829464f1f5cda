//! The learned block classifier: feature vectors → probability of content.
//!
//! Evaluates the tree ensembles in [`super::model`] (written by
//! `scripts/train.py`). The first stage reads a block's feature vector from
//! [`super::vector::vectors`]; the second, when the model has one, reads the
//! same vector plus [`super::vector::context_vectors`] — what the first stage
//! thinks of the block's neighbours, siblings and page.
//!
//! Walking the trees is a tenth of a page's cleaning time. On CPUs with
//! AVX-512 the walk looks up sixteen blocks' nodes per instruction (see
//! `wide`); elsewhere it walks eight blocks in lockstep. Both add the same
//! leaves in the same order, so scores are identical bit for bit.

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
    /// Features the trees read: every split's feature is below this.
    width: usize,
    /// The trees again, for the AVX-512 walk, when the CPU has AVX-512.
    #[cfg(target_arch = "x86_64")]
    wide: Option<wide::Trees>,
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
        let width = forest
            .nodes
            .iter()
            .map(|n| n.0 as usize + 1)
            .max()
            .unwrap_or(0);
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
        #[allow(unused_mut)]
        let mut forest = LockstepForest {
            nodes,
            trees,
            first_leaf: internal as u32,
            width,
            #[cfg(target_arch = "x86_64")]
            wide: None,
        };
        #[cfg(target_arch = "x86_64")]
        if wide::available() {
            forest.wide = wide::Trees::new(&forest);
        }
        forest
    }

    /// The same forest, always walked without SIMD.
    pub fn scalar(mut self) -> LockstepForest {
        #[cfg(target_arch = "x86_64")]
        {
            self.wide = None;
        }
        self
    }

    /// Adds the trees' leaves for every vector in `vs` to `sums`: with
    /// AVX-512 when the CPU has it, else tree by tree (its nodes stay in
    /// cache), [`LANES`] vectors at a time. A feature past the end of a
    /// vector reads as 0.
    pub fn add_log_odds<const W: usize>(&self, vs: &[&[f32; W]], sums: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if let Some(trees) = &self.wide
            && W >= self.width
        {
            let group = wide::GROUP * wide::WIDTH;
            for (lanes, lane_sums) in vs.chunks(group).zip(sums.chunks_mut(group)) {
                // SAFETY: `wide` is only set when the CPU has AVX-512F.
                unsafe { wide::add_log_odds(trees, lanes, lane_sums) };
            }
            return;
        }
        self.add_log_odds_scalar(vs, sums);
    }

    fn add_log_odds_scalar<const W: usize>(&self, vs: &[&[f32; W]], sums: &mut [f32]) {
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

/// The forest walked with AVX-512, sixteen vectors at a time.
///
/// A tree of at most 32 internal nodes and 32 leaves fits in registers:
/// its splits, features, children and leaf values are two 512-bit registers
/// each, and one permute instruction looks up sixteen nodes at once. Only
/// the feature values need a gather, from the sixteen vectors laid side by
/// side. Same walks, same sums (leaves added in tree order), bit for bit.
#[cfg(target_arch = "x86_64")]
mod wide {
    use super::LockstepForest;
    use std::arch::x86_64::*;

    /// Vectors per register.
    pub const WIDTH: usize = 16;
    /// Registers of vectors walked together.
    pub const GROUP: usize = 4;
    /// Local node numbers below this are internal nodes; `LEAF + k` is leaf `k`.
    const LEAF: i32 = 32;

    /// One tree, numbered locally: internal nodes `0..32`, leaves `32..64`.
    #[derive(Debug, Clone)]
    #[repr(C, align(64))]
    struct Tree {
        splits: [f32; 32],
        features: [i32; 32],
        left: [i32; 32],
        right: [i32; 32],
        leaves: [f32; 32],
        root: i32,
    }

    /// The trees of a [`LockstepForest`] in the layout above, and the
    /// number of features they read.
    #[derive(Debug)]
    pub struct Trees(Vec<Tree>, usize);

    impl Trees {
        /// Lays out `forest`, or `None` when a tree is too large (or a
        /// feature out of range) for this walk.
        pub fn new(forest: &LockstepForest) -> Option<Trees> {
            let nodes = &forest.nodes;
            let first_leaf = forest.first_leaf;
            let mut trees = Vec::with_capacity(forest.trees.len());
            for &(root, _, _) in &forest.trees {
                let mut tree = Tree {
                    splits: [0.0; 32],
                    features: [0; 32],
                    left: [0; 32],
                    right: [0; 32],
                    leaves: [0.0; 32],
                    root: 0,
                };
                // Number the tree's nodes: internal ones and leaves apart.
                let (mut internal, mut leaves) = (0i32, 0i32);
                let mut local = |n: u32| -> Option<i32> {
                    if n >= first_leaf {
                        let k = leaves;
                        leaves += 1;
                        (k < 32).then(|| {
                            tree.leaves[k as usize] = nodes[n as usize].split;
                            LEAF + k
                        })
                    } else {
                        let k = internal;
                        internal += 1;
                        (k < 32).then_some(k)
                    }
                };
                tree.root = local(root)?;
                let mut stack = vec![(root, tree.root)];
                while let Some((n, k)) = stack.pop() {
                    if k >= LEAF {
                        continue;
                    }
                    let node = nodes[n as usize];
                    if node.feature as usize >= forest.width {
                        return None;
                    }
                    let l = local(node.child[0])?;
                    let r = local(node.child[1])?;
                    let k = k as usize;
                    tree.splits[k] = node.split;
                    tree.features[k] = node.feature as i32;
                    tree.left[k] = l;
                    tree.right[k] = r;
                    stack.push((node.child[0], l));
                    stack.push((node.child[1], r));
                }
                trees.push(tree);
            }
            Some(Trees(trees, forest.width))
        }
    }

    /// Whether this CPU can run [`add_log_odds`].
    pub fn available() -> bool {
        is_x86_feature_detected!("avx512f")
    }

    /// Adds the trees' leaves for each of `vs` (at most [`GROUP`] ×
    /// [`WIDTH`]) to `sums`.
    ///
    /// # Safety
    /// The CPU must support AVX-512F ([`available`]).
    #[target_feature(enable = "avx512f")]
    pub unsafe fn add_log_odds<const W: usize>(trees: &Trees, vs: &[&[f32; W]], sums: &mut [f32]) {
        // Every feature read must lie inside the vectors laid side by side.
        assert!(W >= trees.1, "vectors narrower than the forest");
        let used = vs.len().min(sums.len()).min(GROUP * WIDTH);
        if used == 0 {
            return;
        }
        let chunks = used.div_ceil(WIDTH);
        // Each chunk's vectors side by side: feature f of lane l at
        // [f * 16 + l]; lanes past `used` repeat the first vector.
        let mut side_by_side = vec![0f32; chunks * W * WIDTH];
        for (c, block) in side_by_side.chunks_exact_mut(W * WIDTH).enumerate() {
            for l in 0..WIDTH {
                let v = vs[if c * WIDTH + l < used {
                    c * WIDTH + l
                } else {
                    0
                }];
                for (f, &x) in v.iter().enumerate() {
                    block[f * WIDTH + l] = x;
                }
            }
        }
        let mut out = [0f32; GROUP * WIDTH];
        out[..used].copy_from_slice(&sums[..used]);
        let mut totals = [_mm512_setzero_ps(); GROUP];
        for (c, total) in totals.iter_mut().enumerate().take(chunks) {
            // SAFETY: `out` holds GROUP * WIDTH floats.
            *total = unsafe { _mm512_loadu_ps(out.as_ptr().add(c * WIDTH)) };
        }
        // SAFETY: the CPU has AVX-512F (this function's contract), and
        // `side_by_side` holds `chunks` blocks.
        unsafe {
            match chunks {
                1 => walk::<1, W>(trees, &side_by_side, &mut totals),
                2 => walk::<2, W>(trees, &side_by_side, &mut totals),
                3 => walk::<3, W>(trees, &side_by_side, &mut totals),
                _ => walk::<4, W>(trees, &side_by_side, &mut totals),
            }
        }
        for (c, total) in totals.iter().enumerate().take(chunks) {
            // SAFETY: as for the load.
            unsafe { _mm512_storeu_ps(out.as_mut_ptr().add(c * WIDTH), *total) };
        }
        sums[..used].copy_from_slice(&out[..used]);
    }

    /// Walks every tree for `G` chunks of [`WIDTH`] vectors laid side by
    /// side, adding the leaves to `totals[..G]`.
    ///
    /// # Safety
    /// The CPU must support AVX-512F, and `side_by_side` must hold `G`
    /// blocks of `W * WIDTH` floats, and every feature the trees read must
    /// be below `W` (as [`Trees::new`] checks against the forest's width).
    #[target_feature(enable = "avx512f")]
    unsafe fn walk<const G: usize, const W: usize>(
        trees: &Trees,
        side_by_side: &[f32],
        totals: &mut [__m512; GROUP],
    ) {
        assert!(side_by_side.len() >= G * W * WIDTH);
        let lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        let leaf = _mm512_set1_epi32(LEAF);
        for tree in &trees.0 {
            // SAFETY: `Tree` is 64-byte aligned and each table is 32 lanes.
            let (splits, features, left, right, leaves) = unsafe {
                (
                    [
                        _mm512_load_ps(tree.splits.as_ptr()),
                        _mm512_load_ps(tree.splits.as_ptr().add(16)),
                    ],
                    [
                        _mm512_load_si512(tree.features.as_ptr().cast()),
                        _mm512_load_si512(tree.features.as_ptr().add(16).cast()),
                    ],
                    [
                        _mm512_load_si512(tree.left.as_ptr().cast()),
                        _mm512_load_si512(tree.left.as_ptr().add(16).cast()),
                    ],
                    [
                        _mm512_load_si512(tree.right.as_ptr().cast()),
                        _mm512_load_si512(tree.right.as_ptr().add(16).cast()),
                    ],
                    [
                        _mm512_load_ps(tree.leaves.as_ptr()),
                        _mm512_load_ps(tree.leaves.as_ptr().add(16)),
                    ],
                )
            };
            let root = _mm512_set1_epi32(tree.root);
            let mut at = [root; G];
            let mut walking: [__mmask16; G] = [0; G];
            for w in walking.iter_mut() {
                *w = _mm512_cmplt_epi32_mask(root, leaf);
            }
            // The chunks walk the tree side by side: their steps do not
            // depend on each other, so their latencies overlap.
            while walking.iter().any(|&w| w != 0) {
                for c in 0..G {
                    let feature = _mm512_permutex2var_epi32(features[0], at[c], features[1]);
                    let split = _mm512_permutex2var_ps(splits[0], at[c], splits[1]);
                    let cell = _mm512_add_epi32(_mm512_slli_epi32::<4>(feature), lanes);
                    // SAFETY: walking lanes are on internal nodes, whose
                    // features `Trees::new` checked are below the forest's
                    // width, which `add_log_odds` checked is at most W, so
                    // every cell read lies in chunk c's block.
                    let x = unsafe {
                        _mm512_mask_i32gather_ps::<4>(
                            _mm512_setzero_ps(),
                            walking[c],
                            cell,
                            side_by_side.as_ptr().add(c * W * WIDTH),
                        )
                    };
                    // Right when not `x <= split` (NaN goes right).
                    let go_right = _mm512_cmp_ps_mask::<_CMP_NLE_UQ>(x, split);
                    let next = _mm512_mask_blend_epi32(
                        go_right,
                        _mm512_permutex2var_epi32(left[0], at[c], left[1]),
                        _mm512_permutex2var_epi32(right[0], at[c], right[1]),
                    );
                    at[c] = _mm512_mask_blend_epi32(walking[c], at[c], next);
                    walking[c] &= _mm512_cmplt_epi32_mask(at[c], leaf);
                }
            }
            // Every lane is on a leaf: `at - 32` has the same low five bits.
            for c in 0..G {
                totals[c] = _mm512_add_ps(
                    totals[c],
                    _mm512_permutex2var_ps(leaves[0], at[c], leaves[1]),
                );
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
    let first = log_odds_of_asked(0, &asked_vectors, &asked, vectors.len());
    if model::STAGES.len() < 2 {
        return first;
    }
    let probs: Vec<f32> = first.iter().map(|&l| probability(l)).collect();
    let context = vector::context_vectors(page, vectors, &probs);
    let rows: Vec<[f32; model::N_FEATURES + N_CONTEXT]> = asked
        .iter()
        .map(|&i| {
            let mut row = [0f32; model::N_FEATURES + N_CONTEXT];
            row[..model::N_FEATURES].copy_from_slice(&vectors[i][..model::N_FEATURES]);
            row[model::N_FEATURES..].copy_from_slice(&context[i]);
            row
        })
        .collect();
    let row_refs: Vec<&[f32; model::N_FEATURES + N_CONTEXT]> = rows.iter().collect();
    log_odds_of_asked(1, &row_refs, &asked, vectors.len())
}

/// Runs stage `stage` on the rows of the blocks in `asked` (one row per
/// asked block, in order) and returns the log-odds of all `n` blocks, with
/// [`CERTAIN_JUNK`] for those not asked.
fn log_odds_of_asked<const W: usize>(
    stage: usize,
    rows: &[&[f32; W]],
    asked: &[usize],
    n: usize,
) -> Vec<f32> {
    let mut sums = vec![0f32; asked.len()];
    lockstep_stages()[stage].add_log_odds(rows, &mut sums);
    let mut out = vec![CERTAIN_JUNK; n];
    for (&i, &s) in asked.iter().zip(&sums) {
        out[i] = s;
    }
    out
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

    /// Runs every walk of `stage` on vectors `W` wide and compares each sum
    /// with the plain walk, bit for bit.
    fn walks_agree<const W: usize>(stage: &Forest) {
        // Vectors of every shape: zeros, NaN, infinities, and values spread
        // around the splits the model uses.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let splits: Vec<f32> = stage.nodes.iter().map(|n| n.1).collect();
        let vectors: Vec<[f32; W]> = (0..150)
            .map(|i| {
                let mut v = [0f32; W];
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
        // Whatever this CPU runs (AVX-512 or not), and the portable walk,
        // on every page size the walks split differently.
        let forest = LockstepForest::new(stage);
        let portable = LockstepForest::new(stage).scalar();
        for n in [0, 1, 5, 8, 16, 17, 37, 64, 65, 150] {
            let refs: Vec<&[f32; W]> = vectors.iter().take(n).collect();
            let mut sums = vec![0f32; refs.len()];
            forest.add_log_odds(&refs, &mut sums);
            let mut portable_sums = vec![0f32; refs.len()];
            portable.add_log_odds(&refs, &mut portable_sums);
            for ((v, s), p) in refs.iter().zip(&sums).zip(&portable_sums) {
                let expected = stage.log_odds(&v[..]).to_bits();
                assert_eq!(s.to_bits(), expected, "{n} vectors");
                assert_eq!(p.to_bits(), expected, "{n} vectors");
            }
        }
    }

    #[test]
    fn lockstep_walks_sum_exactly_what_the_trees_say() {
        walks_agree::<N_FEATURES>(&model::STAGES[0]);
        for stage in &model::STAGES {
            walks_agree::<{ N_FEATURES + N_CONTEXT }>(stage);
        }
    }
}
