//! The learned block classifier: feature vectors → probability of content.
//!
//! Evaluates the tree ensembles in [`super::model`] (written by
//! `scripts/train.py`). The first stage reads a block's feature vector from
//! [`super::vector::vectors`]; the second, when the model has one, reads the
//! same vector plus [`super::vector::context_vectors`] — what the first stage
//! thinks of the block's neighbours, siblings and page.
//!
//! On CPUs with AVX-512 sixteen blocks go through a tree at once, every
//! node tested by one compare (see `wide`); elsewhere eight blocks walk
//! each tree in lockstep. Both add the same leaves in the same order, so
//! scores are identical bit for bit.

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

/// The forest walked with AVX-512, sixteen vectors at a time, by bit
/// vectors instead of paths (QuickScorer, Lucchese et al., SIGIR 2015).
///
/// Number a tree's leaves left to right. A vector that goes right at a node
/// cannot end in any leaf of the node's left subtree; testing every node
/// and striking out the left subtrees of those that send the vector right
/// leaves the vector's exit leaf as the leftmost leaf not struck out. Each
/// test is a plain load (feature `f` of sixteen vectors laid side by side
/// is sixteen consecutive floats), a compare and a masked AND, and no test
/// waits for another, where a walk down the tree waits at every level for
/// the gather of the previous one. Same leaves, added in tree order: the
/// same sums, bit for bit.
#[cfg(target_arch = "x86_64")]
mod wide {
    use super::LockstepForest;
    use std::arch::x86_64::*;
    use std::ops::Range;

    /// Vectors per register.
    pub const WIDTH: usize = 16;
    /// Registers of vectors walked together.
    pub const GROUP: usize = 4;
    /// Leaves a tree may have (one bit each).
    const MAX_LEAVES: usize = 32;

    /// One test: `offset` is the feature's position in a block of vectors
    /// laid side by side (`feature * WIDTH`); a vector with
    /// `!(v[feature] <= split)` goes right, which keeps only the leaves in
    /// `keep` (every leaf but those of the node's left subtree).
    #[derive(Debug, Clone, Copy)]
    struct Test {
        offset: u32,
        split: f32,
        keep: u32,
    }

    /// One tree: its tests and its leaf values, left to right.
    #[derive(Debug, Clone)]
    #[repr(C, align(64))]
    struct Tree {
        leaves: [f32; MAX_LEAVES],
        tests: Range<usize>,
    }

    /// The trees of a [`LockstepForest`] in the layout above, and the
    /// number of features they read.
    #[derive(Debug)]
    pub struct Trees {
        trees: Vec<Tree>,
        tests: Vec<Test>,
        width: usize,
    }

    impl Trees {
        /// Lays out `forest`, or `None` when a tree has more than 32
        /// leaves (or a feature is out of range) for this walk.
        pub fn new(forest: &LockstepForest) -> Option<Trees> {
            let nodes = &forest.nodes;
            let first_leaf = forest.first_leaf;
            let mut trees = Vec::with_capacity(forest.trees.len());
            let mut tests: Vec<Test> = Vec::new();
            for &(root, _, _) in &forest.trees {
                let mut tree = Tree {
                    leaves: [0.0; MAX_LEAVES],
                    tests: tests.len()..tests.len(),
                };
                // Depth first, left before right: leaves come in left-to-
                // right order, and the leaves below a node are a run of
                // them. A node is entered (false) and then closed (true),
                // once its subtrees are numbered.
                let mut leaves = 0usize;
                // Per open node: its test's index, the first leaf below it
                // and the first leaf of its right subtree (once known).
                let mut open: Vec<(usize, usize, Option<usize>)> = Vec::new();
                let mut stack = vec![(root, false)];
                while let Some((n, closing)) = stack.pop() {
                    if n >= first_leaf {
                        if leaves == MAX_LEAVES {
                            return None;
                        }
                        tree.leaves[leaves] = nodes[n as usize].split;
                        leaves += 1;
                        // The leaf ends a left subtree when its parent is
                        // still waiting for its right one.
                        if let Some(top) = open.last_mut().filter(|top| top.2.is_none()) {
                            top.2 = Some(leaves);
                        }
                        continue;
                    }
                    if closing {
                        let Some((test, first, Some(right))) = open.pop() else {
                            return None;
                        };
                        // Leaves `first..right` form the left subtree.
                        let left_mask = mask(first, right);
                        tests[test].keep = !left_mask;
                        if let Some(top) = open.last_mut().filter(|top| top.2.is_none()) {
                            top.2 = Some(leaves);
                        }
                        continue;
                    }
                    let node = nodes[n as usize];
                    if node.feature as usize >= forest.width {
                        return None;
                    }
                    open.push((tests.len(), leaves, None));
                    tests.push(Test {
                        offset: node.feature * WIDTH as u32,
                        split: node.split,
                        keep: u32::MAX,
                    });
                    stack.push((n, true));
                    stack.push((node.child[1], false));
                    stack.push((node.child[0], false));
                }
                tree.tests.end = tests.len();
                trees.push(tree);
            }
            Some(Trees {
                trees,
                tests,
                width: forest.width,
            })
        }
    }

    /// Bits `from..to` set.
    fn mask(from: usize, to: usize) -> u32 {
        let upto = |k: usize| if k >= 32 { u32::MAX } else { (1u32 << k) - 1 };
        upto(to) & !upto(from)
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
        assert!(W >= trees.width, "vectors narrower than the forest");
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

    /// Runs every tree's tests for `G` chunks of [`WIDTH`] vectors laid
    /// side by side, adding each exit leaf to `totals[..G]`.
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
        assert!(side_by_side.len() >= G * W * WIDTH && W >= trees.width);
        let exponent_bias = _mm512_set1_epi32(127);
        for tree in &trees.trees {
            // Bit k set: leaf k is still possible, for each lane.
            let mut alive = [_mm512_set1_epi32(-1); G];
            for test in &trees.tests[tree.tests.clone()] {
                let split = _mm512_set1_ps(test.split);
                let keep = _mm512_set1_epi32(test.keep as i32);
                for (c, alive) in alive.iter_mut().enumerate() {
                    // SAFETY: `test.offset` is `feature * WIDTH` with the
                    // feature below the forest's width, at most W (checked
                    // above), so the sixteen floats lie in chunk c's block.
                    let x = unsafe {
                        _mm512_loadu_ps(
                            side_by_side
                                .as_ptr()
                                .add(c * W * WIDTH + test.offset as usize),
                        )
                    };
                    // Right when not `x <= split` (NaN goes right).
                    let right = _mm512_cmp_ps_mask::<_CMP_NLE_UQ>(x, split);
                    *alive = _mm512_mask_and_epi32(*alive, right, *alive, keep);
                }
            }
            // SAFETY: `Tree` is 64-byte aligned and holds 32 leaves.
            let leaves = unsafe {
                [
                    _mm512_load_ps(tree.leaves.as_ptr()),
                    _mm512_load_ps(tree.leaves.as_ptr().add(16)),
                ]
            };
            for c in 0..G {
                // The exit leaf is the lowest bit set (one always is): that
                // bit alone is a power of two, 2^k, whose float has the
                // exponent field k + 127.
                let lowest =
                    _mm512_and_si512(alive[c], _mm512_sub_epi32(_mm512_setzero_si512(), alive[c]));
                let as_float = _mm512_castps_si512(_mm512_cvtepu32_ps(lowest));
                let leaf = _mm512_sub_epi32(_mm512_srli_epi32::<23>(as_float), exponent_bias);
                totals[c] = _mm512_add_ps(
                    totals[c],
                    _mm512_permutex2var_ps(leaves[0], leaf, leaves[1]),
                );
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::mask;

        #[test]
        fn masks_cover_the_leaf_runs() {
            assert_eq!(mask(0, 0), 0);
            assert_eq!(mask(0, 1), 1);
            assert_eq!(mask(2, 5), 0b11100);
            assert_eq!(mask(0, 32), u32::MAX);
            assert_eq!(mask(31, 32), 1 << 31);
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
        // (On an AVX-512 CPU the model's trees must fit the wide walk, or
        // this test would compare the portable walk with itself.)
        #[cfg(target_arch = "x86_64")]
        assert_eq!(forest.wide.is_some(), wide::available());
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
