#!/usr/bin/env python3
"""Train dechaff's block classifier and write src/score/model.rs.

Reads block feature vectors (from `cargo run --release --example
dump_features -- DIR`) for the evaluation pages in ../shared/eval, labels each
block from the hand-made ground truth, and fits a small gradient-boosted tree
ensemble (LightGBM). Cross-validation by page (5 folds, pages never split)
reports held-out bag-of-words F1 — the figure that matters for pages the model
has not seen — next to the hand-written rules. With --by-site, each web
site's pages stay in one fold: the figure for sites the model has not seen
(269 of wcxb-dev's pages and 110 of scrapinghub's share their site with
another page). With --write, a model trained on all pages is written as Rust
source. With --oof FILE (and --stages 2), the held-out probabilities are
written out; `scripts/held_out.sh FILE.s2` feeds them through the whole
pipeline (selection, the rules' fallback, merging), for held-out figures of
what the tool outputs rather than of the classifier alone.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install lightgbm numpy scikit-learn
    cargo run --release --example dump_features -- ../shared/eval/wcxb-dev/html > /tmp/wcxb.jsonl
    cargo run --release --example dump_features -- ../shared/eval/scrapinghub/html > /tmp/sh.jsonl
    /tmp/venv/bin/python scripts/train.py /tmp/wcxb.jsonl:../shared/eval/wcxb-dev \
        /tmp/sh.jsonl:../shared/eval/scrapinghub [--write]

Labels: a block's label is the share of the word trigrams that touch it
(taking two words of context from each neighbouring block) that occur in the
ground truth; where block and context have fewer than three words, 1 or 0:
whether its words occur in the truth in that order. The model is fitted to
these shares (cross-entropy), so a block that is half boilerplate counts as
half content. Each page carries the same total weight, spread over its
blocks by word count, so the model optimises the per-page F1 the scorer
averages; scrapinghub pages (news, 181 of them next to wcxb-dev's 1,358 of
seven kinds) weigh twice.

Bagging: each model is the mean of BAG (3) boosted ensembles that differ
only in their random seed (row and feature sampling); the mean varies less
with the sample than one ensemble, and is written out as one forest with
its leaves divided by BAG, so the Rust side sums trees as before (`--bag
1` for a single ensemble).

Word models: two of the features are themselves learned, by logistic
regression on the same labels and weights (`fit_words`): one over the words
and word pairs of a block's text, one over the class/id words of its element
and ancestors (`cf` in the feature dump, named by src/score/lexical.rs). The
trees are trained on out-of-fold word scores, with folds by site, so they
learn how far to trust them on sites the word models never saw; the written
word tables are fitted on all pages.
"""
import argparse, json, os, re, sys, random
import numpy as np
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "eval"))
import score as scorer  # noqa: E402  (the shared scorer: same tokens, same F1)

TOK = scorer._TOKEN


def toks(s):
    return TOK.findall(s.lower())


def load(spec):
    feats_path, dataset = spec.split(":", 1)
    gt = json.load(open(os.path.join(dataset, "ground-truth.json"), encoding="utf-8"))
    pages = []
    for line in open(feats_path, encoding="utf-8"):
        d = json.loads(line)
        rec = gt.get(d["id"])
        if rec is None:
            continue
        truth = rec["articleBody"] or ""
        g = toks(truth)
        grams = set(zip(g, g[1:], g[2:]))
        blocks = d["blocks"]
        btoks = [toks(b["text"]) for b in blocks]
        labels = []
        for i, t in enumerate(btoks):
            if not t:
                labels.append(0.0)
                continue
            prev = btoks[i - 1][-2:] if i > 0 else []
            nxt = btoks[i + 1][:2] if i + 1 < len(btoks) else []
            seq = prev + t + nxt
            lo, hi = len(prev), len(prev) + len(t)
            tri = [tuple(seq[k:k + 3]) for k in range(len(seq) - 2)
                   if k + 2 >= lo and k < hi]
            if not tri:
                labels.append(1.0 if " ".join(t) in " ".join(g) else 0.0)
                continue
            hit = sum(1 for x in tri if x in grams) / len(tri)
            labels.append(hit)
        pages.append({
            "id": d["id"], "dataset": os.path.basename(dataset.rstrip("/")),
            "url": rec.get("url") or "",
            "truth": truth, "type": rec.get("page_type", "news"),
            "without": rec.get("without") or [],
            "texts": [b["text"] for b in blocks], "title": [b["title"] for b in blocks],
            "cf": [b.get("cf") or [] for b in blocks],
            "X": np.array([b["f"] for b in blocks], dtype=np.float32).reshape(len(blocks), len(FEATURE_NAMES)),
            "y": np.array(labels, dtype=np.float32), "ntok": np.array([len(t) for t in btoks]),
            "nodes": np.array([[b["n"], b["p"], b["g"]] for b in blocks], dtype=np.int64).reshape(len(blocks), 3),
        })
    return pages


def predict(model, p):
    """Model probabilities, with prefiltered blocks at 0."""
    rc = FEATURE_NAMES.index("rule_score")
    pr = model.predict(p["X"])
    return np.where(p["X"][:, rc] > PREFILTER, pr, 0.0)


# Blocks at or below this probability are never kept. Mirrored in
# src/score/select.rs as MIN_PROBABILITY.
MIN_PROBABILITY = 0.2


def select(p, pr):
    """The page-level decision of src/score/select.rs: keep the prefix of the
    blocks sorted by probability that maximises the expected word F1."""
    n = len(pr)
    if n == 0:
        return np.zeros(0, bool)
    pr = np.where(np.array(p["title"], bool), 0.0, pr).astype(np.float32).astype(np.float64)
    w = np.rint(np.exp(p["X"][:, FEATURE_NAMES.index("log_words")].astype(np.float64)) - 1.0)
    w = np.maximum(w, 0.0)
    truth = (w * pr).sum()
    order = np.argsort(-pr, kind="stable")
    hits = np.cumsum(w[order] * pr[order])
    kept = np.cumsum(w[order])
    k = int(np.argmax(2 * hits / (kept + truth + 1e-9)))
    keep = np.zeros(n, bool)
    keep[order[:k + 1]] = True
    return keep & (pr > MIN_PROBABILITY)


def page_text(p, keep):
    return "\n\n".join(t for t, k, ti in zip(p["texts"], keep, p["title"]) if k and not ti)


def evaluate(pages, keeps):
    by = {}
    leaks = []
    for p, keep in zip(pages, keeps):
        text = page_text(p, keep)
        f1 = scorer.page_scores(p["truth"], text)["f1"]
        by.setdefault(p["dataset"], []).append(f1)
        by.setdefault(p["dataset"] + "/" + p["type"], []).append(f1)
        r = scorer.snippet_rate(text, p["without"])
        if r is not None:
            leaks.append(r)
    out = {k: float(np.mean(v)) for k, v in by.items()}
    out["leak"] = float(np.mean(leaks)) if leaks else 0.0
    return out


def fmt(res):
    keys = sorted(k for k in res if "/" not in k and k != "leak")
    s = " ".join(f"{k}={res[k]:.4f}" for k in keys) + f" leak={res['leak']:.4f}\n    "
    s += " ".join(f"{k.split('/')[1]}={v:.3f}" for k, v in sorted(res.items()) if "/" in k)
    return s


# Blocks the rules score at or below this are junk without asking the model
# (menus, footers, link lists: half the blocks of a page); the model is
# trained on the rest. Mirrored in src/score/model.rs as PREFILTER_SCORE.
PREFILTER = -9.0

PARAMS = dict(objective="cross_entropy", learning_rate=0.05, num_leaves=31, max_depth=-1,
              min_data_in_leaf=40, feature_fraction=0.5, bagging_fraction=0.8,
              bagging_freq=1, lambda_l2=1.0, verbose=-1, seed=7, num_threads=2,
              deterministic=True)
# feature_fraction 0.5: each tree sees half the features, so trees lean less
# on the few strongest ones and the bagged ensembles differ more. Against
# 0.8, held out (whole pipeline, mean of splits 2/11/1/5/7): product 0.688
# -> 0.690, scrapinghub 0.9650 -> 0.9655, leaked 3.1% -> 2.9%; 0.35 is worse
# than 0.5 on both (splits 11/1).
ROUNDS = 300
# Ensembles averaged per model (see `Bag`).
BAG = 3
# Page weight per dataset (see the module doc).
DATASET_WEIGHT = {"scrapinghub": 2.0}


def fit(pages):
    import lightgbm as lgb
    rc = FEATURE_NAMES.index("rule_score")
    X = np.concatenate([p["X"] for p in pages])
    y = np.concatenate([p["y"] for p in pages])
    w = np.concatenate([p["ntok"] / max(1, p["ntok"].sum()) * DATASET_WEIGHT.get(p["dataset"], 1.0)
                        for p in pages]).astype(np.float64)
    keep = X[:, rc] > PREFILTER
    X, y, w = X[keep], y[keep], w[keep]
    w = w / w.mean()
    data = lgb.Dataset(X, y, weight=w, free_raw_data=False)
    return Bag([lgb.train({**PARAMS, "seed": PARAMS["seed"] + k}, data, num_boost_round=ROUNDS)
                for k in range(BAG)])


class Bag:
    """The mean of BAG boosted ensembles that differ only in their random seed
    (row and feature sampling): the mean log-odds varies less with the
    sample than one ensemble's. Written out as one forest whose leaves are
    divided by BAG, so the Rust side sums trees as before."""

    def __init__(self, models):
        self.models = models

    def predict(self, X):
        raw = np.mean([m.predict(X, raw_score=True) for m in self.models], axis=0)
        return 1.0 / (1.0 + np.exp(-raw))

    def dump_model(self):
        k = len(self.models)

        def scale(node):
            if "leaf_value" in node:
                node["leaf_value"] /= k
            else:
                scale(node["left_child"])
                scale(node["right_child"])

        trees = []
        for m in self.models:
            for t in m.dump_model()["tree_info"]:
                scale(t["tree_structure"])
                trees.append(t)
        return {"tree_info": trees}


CONTEXT_NAMES = ["c_p", "c_prev", "c_next", "c_win3", "c_win10", "c_same_node",
                 "c_parent", "c_gparent", "c_page", "c_page_kept", "c_mass_before",
                 "c_mass_after", "c_mass_above", "c_page_max"]


def group_mean(keys, pr, w):
    """Weighted mean of pr over the other blocks sharing each block's key; -1 if none."""
    out = np.full(len(pr), -1.0, dtype=np.float32)
    tot = {}
    for k, p_, w_ in zip(keys, pr, w):
        a = tot.setdefault(k, [0.0, 0.0])
        a[0] += p_ * w_
        a[1] += w_
    for i, (k, p_, w_) in enumerate(zip(keys, pr, w)):
        s, ws = tot[k]
        s -= p_ * w_
        ws -= w_
        if ws > 0:
            out[i] = s / ws
    return out


def context(p, pr):
    """Second-stage features: what the first stage thinks of the neighbours.
    Mirrors `context_vectors` in src/score/vector.rs."""
    n = len(pr)
    w = np.exp(p["X"][:, FEATURE_NAMES.index("log_words")]) - 1.0
    w = np.maximum(w, 1.0)
    cols = np.zeros((n, len(CONTEXT_NAMES)), dtype=np.float32)
    cols[:, 0] = pr
    cols[:, 1] = np.concatenate([[-1.0], pr[:-1]]) if n else []
    cols[:, 2] = np.concatenate([pr[1:], [-1.0]]) if n else []
    cs = np.concatenate([[0.0], np.cumsum(pr)])
    for col, r in ((3, 3), (4, 10)):
        for i in range(n):
            lo, hi = max(0, i - r), min(n, i + r + 1)
            cnt = hi - lo - 1
            cols[i, col] = (cs[hi] - cs[lo] - pr[i]) / cnt if cnt > 0 else -1.0
    for col, j in ((5, 0), (6, 1), (7, 2)):
        cols[:, col] = group_mean(p["nodes"][:, j], pr, w)
    cols[:, 8] = (pr * w).sum() / w.sum() if n else 0.0
    cols[:, 9] = (w * (pr > 0.5)).sum() / w.sum() if n else 0.0
    if n:
        mass = w * pr
        tot = max(mass.sum(), 1e-9)
        cm = np.cumsum(mass)
        before = (cm - mass) / tot
        after = (tot - cm) / tot
        order = np.argsort(-pr, kind="stable")
        above = np.empty(n)
        cs2 = np.cumsum(mass[order]) - mass[order]
        above[order] = cs2 / tot
        cols[:, 10] = before
        cols[:, 11] = after
        cols[:, 12] = above
        cols[:, 13] = pr.max()
    return cols


def stage_probs(train, test, test_pr=None):
    """Stage-1 model on train pages: out-of-fold probs for train, probs for test
    (`test_pr`, when given, is the test pages' probabilities from a stage-1
    model already fitted on `train`; no model is fitted for them then)."""
    model = None if test_pr is not None else fit(train)
    if test_pr is None:
        test_pr = [predict(model, p) for p in test]
    inner = 4
    train_pr = [None] * len(train)
    for k in range(inner):
        tr = [p for j, p in enumerate(train) if j % inner != k]
        m = fit(tr)
        for j, p in enumerate(train):
            if j % inner == k:
                train_pr[j] = predict(m, p)
    return model, train_pr, test_pr


# The word models (src/score/lexical.rs): L1-regularised logistic
# regressions over the words of a block's text and over the class/id words
# of its element and ancestors, whose log-odds the classifier reads as two
# features. A feature joins a model's vocabulary when pages of at least
# WORD_MIN_SITES sites have it (one site's template words say nothing about
# other sites); weights below WORD_MIN_WEIGHT are dropped (from the written
# tables and from the out-of-fold scores alike).
WORD_COLUMNS = {"text_words": "tf", "class_words": "cf"}
WORD_C = 0.3
WORD_MIN_SITES = 2
WORD_MIN_WEIGHT = 0.05
_WORD = re.compile(r"[^\W_]+")


def text_features(text):
    """The features of `text_score` in src/score/lexical.rs: lowercase words
    (runs of letters and digits) and pairs of neighbouring words."""
    t = _WORD.findall(text.lower())
    return sorted(set(t) | {a + " " + b for a, b in zip(t, t[1:])})


def word_rows(pages, field):
    """(features, label, weight, (page, block)) of every block the model sees."""
    rc = FEATURE_NAMES.index("rule_score")
    rows = []
    for pi, p in enumerate(pages):
        w = p["ntok"] / max(1, p["ntok"].sum()) * DATASET_WEIGHT.get(p["dataset"], 1.0)
        for i in np.nonzero(p["X"][:, rc] > PREFILTER)[0]:
            feats = text_features(p["texts"][i]) if field == "tf" else p["cf"][i]
            rows.append((feats, p["y"][i], w[i], (pi, i)))
    return rows


def fit_words(pages, field):
    """Fits one word model on `pages`; returns (bias, {feature: weight})."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    rows = word_rows(pages, field)
    sites = {}
    for feats, _, _, (pi, _) in rows:
        s_ = site(pages[pi])
        for f in feats:
            sites.setdefault(f, set()).add(s_)
    vocab = {f: k for k, f in enumerate(sorted(f for f, ss in sites.items()
                                                if len(ss) >= WORD_MIN_SITES))}
    indptr, indices, data = [0], [], []
    for feats, _, _, _ in rows:
        cols = [vocab[f] for f in feats if f in vocab]
        indices += cols
        data += [1.0 / np.sqrt(len(feats))] * len(cols) if cols else []
        indptr.append(len(indices))
    X = sp.csr_matrix((data, indices, indptr), shape=(len(rows), max(1, len(vocab))))
    y = np.array([r[1] for r in rows])
    w = np.array([r[2] for r in rows])
    # Soft labels: each block once as content (weight × label), once as junk.
    ww = np.concatenate([w * y, w * (1 - y)])
    # L1: a sparse model (a few thousand features) that fits in the source.
    import sklearn
    l1 = ({"l1_ratio": 1.0} if tuple(map(int, sklearn.__version__.split(".")[:2])) >= (1, 8)
          else {"penalty": "l1"})
    m = LogisticRegression(C=WORD_C, solver="liblinear", max_iter=200, random_state=0, **l1)
    m.fit(sp.vstack([X, X]), np.concatenate([np.ones(len(y)), np.zeros(len(y))]),
          sample_weight=ww / ww.mean())
    coef = m.coef_[0]
    names = sorted(vocab, key=vocab.get)
    weights = {f: float(c) for f, c in zip(names, coef) if abs(c) >= WORD_MIN_WEIGHT}
    return float(m.intercept_[0]), weights


def apply_words(model, pages, field, col):
    """Writes a word model's score into column `col` of `pages`' vectors."""
    bias, weights = model
    for feats, _, _, (pi, i) in word_rows(pages, field):
        n = len(feats)
        pages[pi]["X"][i, col] = bias + (sum(weights.get(f, 0.0) for f in feats) / np.sqrt(n)
                                         if n else 0.0)


def word_columns(pages, seed, folds=5):
    """Fills the word-model columns with out-of-fold scores, folds by site:
    the classifier learns how far to trust the word models on sites they
    have not seen."""
    for name, field in WORD_COLUMNS.items():
        col = FEATURE_NAMES.index(name)
        for train, test in split_folds(pages, folds, seed, by_site=True):
            apply_words(fit_words([pages[i] for i in train], field), [pages[i] for i in test],
                        field, col)


def site(p):
    """The page's web site (host without `www.`); the page's own id when the
    ground truth has no URL."""
    host = urlparse(p["url"]).netloc.lower()
    return host.removeprefix("www.") or p["dataset"] + "/" + p["id"]


def split_folds(pages, folds, seed, by_site):
    """(train, test) page indices for each fold. Pages are shuffled with
    `seed`; with `by_site`, all pages of one web site fall in the same fold,
    so a test page never shares its site (and its site's templates) with a
    training page — the situation of pages from sites the model never saw."""
    if folds == 0:
        return []
    order = list(range(len(pages)))
    random.Random(seed).shuffle(order)
    fold = [0] * len(pages)
    if by_site:
        sites = sorted({site(p) for p in pages})
        random.Random(seed).shuffle(sites)
        fold_of = {s: k % folds for k, s in enumerate(sites)}
        fold = [fold_of[site(p)] for p in pages]
    else:
        for j, i in enumerate(order):
            fold[i] = j % folds
    return [([i for i in order if fold[i] != k], [i for i in order if fold[i] == k])
            for k in range(folds)]


def with_context(p, pr):
    return {**p, "X": np.concatenate([p["X"], context(p, pr)], axis=1)}


def main():
    global ROUNDS, DATASET_WEIGHT, BAG
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="+", help="FEATURES.jsonl:DATASET_DIR")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="write src/score/model.rs")
    ap.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    ap.add_argument("--oof", metavar="FILE", help="write held-out probabilities per page (JSON);"
                    " with --stages 2, the second stage's to FILE.s2")
    ap.add_argument("--params", default="{}", help="JSON overrides of the LightGBM parameters")
    ap.add_argument("--rounds", type=int, default=ROUNDS, help="boosting rounds")
    ap.add_argument("--bag", type=int, default=BAG, help="ensembles averaged per model")
    ap.add_argument("--fold-seed", type=int, default=11, help="seed of the page split into folds")
    ap.add_argument("--stages", type=int, default=1, choices=(1, 2),
                    help="2: a second model reads the first one's verdicts on the neighbours")
    ap.add_argument("--dataset-weight", default=json.dumps(DATASET_WEIGHT),
                    help="JSON: page weight per dataset")
    ap.add_argument("--by-site", action="store_true",
                    help="keep each web site's pages in one fold (held-out sites, not just pages)")
    args = ap.parse_args()
    ROUNDS = args.rounds
    BAG = args.bag
    DATASET_WEIGHT = json.loads(args.dataset_weight)
    PARAMS.update(json.loads(args.params))
    pages = [p for spec in args.data for p in load(spec)]
    names_idx = None
    print(f"{len(pages)} pages, {sum(len(p['y']) for p in pages)} blocks", file=sys.stderr)
    rule_col = FEATURE_NAMES.index("rule_content")
    print("rules    ", fmt(evaluate(pages, [p["X"][:, rule_col] > 0.5 for p in pages])))
    if args.no_cv:
        args.folds = 0
    word_columns(pages, args.fold_seed)
    splits = split_folds(pages, args.folds, args.fold_seed, args.by_site)
    probs = [None] * len(pages)
    for train, test in splits:
        model = fit([pages[i] for i in train])
        for i in test:
            probs[i] = predict(model, pages[i])
    if args.oof and args.folds:
        with open(args.oof, "w", encoding="utf-8") as fh:
            json.dump({p["dataset"] + "/" + p["id"]: [round(float(x), 3) for x in pr]
                       for p, pr in zip(pages, probs)}, fh)
    for th in (0.4, 0.45, 0.5, 0.6) if args.folds else ():
        res = evaluate(pages, [pr > th for pr in probs])
        print(f"stage1@{th:.2f}", fmt(res))
    if args.folds:
        print("stage1 sel", fmt(evaluate(pages, [select(p, pr) for p, pr in zip(pages, probs)])))
    if args.stages == 2 and args.folds:
        probs2 = [None] * len(pages)
        for train, test in splits:
            _, train_pr, test_pr = stage_probs([pages[i] for i in train], [pages[i] for i in test],
                                               [probs[i] for i in test])
            m2 = fit([with_context(pages[i], pr) for i, pr in zip(train, train_pr)])
            for i, pr in zip(test, test_pr):
                probs2[i] = predict(m2, with_context(pages[i], pr))
        for th in (0.4, 0.45, 0.5, 0.55, 0.6):
            res = evaluate(pages, [pr > th for pr in probs2])
            print(f"stage2@{th:.2f}", fmt(res))
        print("stage2 sel", fmt(evaluate(pages, [select(p, pr) for p, pr in zip(pages, probs2)])))
        if args.oof:
            with open(args.oof + ".s2", "w", encoding="utf-8") as fh:
                json.dump({p["dataset"] + "/" + p["id"]: [round(float(x), 3) for x in pr]
                           for p, pr in zip(pages, probs2)}, fh)
    if args.write:
        if args.stages == 2:
            m1, train_pr, _ = stage_probs(pages, [])
            m2 = fit([with_context(p, pr) for p, pr in zip(pages, train_pr)])
            write_rust([m1, m2], pages)
        else:
            write_rust([fit(pages)], pages)


FEATURE_NAMES = []


def read_feature_names():
    src = open(os.path.join(HERE, "..", "src", "score", "vector.rs"), encoding="utf-8").read()
    body = src.split("pub const FEATURE_NAMES: &[&str] = &[", 1)[1].split("];", 1)[0]
    return re.findall(r'"([a-z_0-9]+)"', body)


def f32(x):
    """Shortest decimal that reads back as the same f32, as a Rust literal."""
    s = np.format_float_positional(np.float32(x), unique=True, trim="0")
    return s if "." in s else s + ".0"


def rust_words(fh, name, what, model):
    bias, weights = model
    fh.write(f"/// Intercept of the {what} word model.\npub const {name}_BIAS: f32 = {f32(bias)};\n")
    fh.write(f"/// Weights of the {what} word model.\n"
             f"pub static {name}_WORDS: [(&str, f32); {len(weights)}] = [\n")
    for f, w in sorted(weights.items()):
        fh.write(f"    ({json.dumps(f, ensure_ascii=False)}, {f32(w)}),\n")
    fh.write("];\n")


def write_rust(models, pages):
    path = os.path.join(HERE, "..", "src", "score", "model.rs")
    fh = open(path, "w", encoding="utf-8")
    fh.write("//! The learned block classifier: gradient-boosted tree ensembles.\n//!\n")
    fh.write("//! @generated by `scripts/train.py --write`; do not edit by hand.\n")
    fh.write("//! [`STAGES`]`[0]` maps a block's feature vector ([`super::vector`]) to the\n")
    fh.write("//! log-odds that it is main content; `STAGES[1]`, when present, reads the same\n")
    fh.write("//! vector plus the context columns (the first stage's verdicts on the block's\n")
    fh.write("//! neighbours). Node `n` is `(feature, split, left, right)`: a vector goes\n")
    fh.write("//! left when `v[feature] <= split`; a negative child `-(k + 1)` is leaf `k`.\n\n")
    fh.write("use super::classifier::Forest;\n\n")
    fh.write(f"/// Number of block features the model expects.\npub const N_FEATURES: usize = {len(FEATURE_NAMES)};\n")
    fh.write(f"/// Number of context columns the second stage expects.\npub const N_CONTEXT: usize = {len(CONTEXT_NAMES)};\n")
    fh.write(f"/// Blocks whose rule score is at or below this are junk without asking the model.\n"
             f"pub const PREFILTER_SCORE: f32 = {f32(PREFILTER)};\n\n")
    rust_words(fh, "TEXT", "text", fit_words(pages, "tf"))
    rust_words(fh, "CLASS", "class", fit_words(pages, "cf"))
    fh.write("\n")
    total = 0
    for si, model in enumerate(models):
        dump = model.dump_model()
        feats, thr, left, right, leaves, roots = [], [], [], [], [], []
        for tree in dump["tree_info"]:
            def walk(node):
                if "leaf_value" in node:
                    leaves.append(node["leaf_value"])
                    return -(len(leaves))
                idx = len(feats)
                feats.append(node["split_feature"]); thr.append(node["threshold"])
                left.append(0); right.append(0)
                assert node["decision_type"] == "<="
                l = walk(node["left_child"]); r = walk(node["right_child"])
                left[idx] = l; right[idx] = r
                return idx
            roots.append(walk(tree["tree_structure"]))
        total += len(feats)
        fh.write(f"static ROOTS{si}: [i32; {len(roots)}] = {roots};\n")
        fh.write(f"static NODES{si}: [(u16, f32, i32, i32); {len(feats)}] = [\n")
        for f_, t_, l_, r_ in zip(feats, thr, left, right):
            fh.write(f"    ({f_}, {f32(t_)}, {l_}, {r_}),\n")
        fh.write("];\n")
        fh.write(f"static LEAVES{si}: [f32; {len(leaves)}] = [\n")
        for i in range(0, len(leaves), 8):
            fh.write("    " + ", ".join(f32(x) for x in leaves[i:i + 8]) + ",\n")
        fh.write("];\n")
    fh.write(f"\n/// The stages, in order.\npub static STAGES: [Forest; {len(models)}] = [\n")
    for si in range(len(models)):
        fh.write(f"    Forest {{ roots: &ROOTS{si}, nodes: &NODES{si}, leaves: &LEAVES{si} }},\n")
    fh.write("];\n")
    fh.close()
    os.system(f"rustfmt --edition 2024 {path}")
    print(f"wrote {path}: {len(models)} stages, {total} splits", file=sys.stderr)


if __name__ == "__main__":
    FEATURE_NAMES = read_feature_names()
    main()
