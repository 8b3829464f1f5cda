#!/usr/bin/env python3
"""Train dechaff's block classifier and write src/score/model.rs.

Reads block feature vectors (from `cargo run --release --example
dump_features -- DIR`) for the evaluation pages in ../shared/eval, labels each
block from the hand-made ground truth, and fits a small gradient-boosted tree
ensemble (LightGBM). Cross-validation by page (5 folds, pages never split)
reports held-out bag-of-words F1 — the figure that matters for pages the model
has not seen — next to the hand-written rules. With --write, a model trained
on all pages is written as Rust source.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install lightgbm numpy
    cargo run --release --example dump_features -- ../shared/eval/wcxb-dev/html > /tmp/wcxb.jsonl
    cargo run --release --example dump_features -- ../shared/eval/scrapinghub/html > /tmp/sh.jsonl
    /tmp/venv/bin/python scripts/train.py /tmp/wcxb.jsonl:../shared/eval/wcxb-dev \
        /tmp/sh.jsonl:../shared/eval/scrapinghub [--write]

Labels: a block is content when at least half of the word trigrams that
touch it (taking two words of context from each neighbouring block) occur in
the ground truth; for blocks of one or two words, when any does. Each page
carries the same total weight, spread over its blocks by word count, so the
model optimises the per-page F1 the scorer averages.
"""
import argparse, json, os, re, sys, random
import numpy as np

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
                labels.append(0)
                continue
            prev = btoks[i - 1][-2:] if i > 0 else []
            nxt = btoks[i + 1][:2] if i + 1 < len(btoks) else []
            seq = prev + t + nxt
            lo, hi = len(prev), len(prev) + len(t)
            tri = [tuple(seq[k:k + 3]) for k in range(len(seq) - 2)
                   if k + 2 >= lo and k < hi]
            if not tri:
                labels.append(1 if " ".join(t) in " ".join(g) else 0)
                continue
            hit = sum(1 for x in tri if x in grams) / len(tri)
            labels.append(1 if (hit >= 0.5 or (len(t) <= 2 and hit > 0)) else 0)
        pages.append({
            "id": d["id"], "dataset": os.path.basename(dataset.rstrip("/")),
            "truth": truth, "type": rec.get("page_type", "news"),
            "without": rec.get("without") or [],
            "texts": [b["text"] for b in blocks], "title": [b["title"] for b in blocks],
            "X": np.array([b["f"] for b in blocks], dtype=np.float32).reshape(len(blocks), len(FEATURE_NAMES)),
            "y": np.array(labels, dtype=np.int8), "ntok": np.array([len(t) for t in btoks]),
        })
    return pages


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


PARAMS = dict(objective="binary", learning_rate=0.05, num_leaves=15, max_depth=5,
              min_data_in_leaf=40, feature_fraction=0.8, bagging_fraction=0.8,
              bagging_freq=1, lambda_l2=1.0, verbose=-1, seed=7, num_threads=2,
              deterministic=True)
ROUNDS = 150


def fit(pages):
    import lightgbm as lgb
    X = np.concatenate([p["X"] for p in pages])
    y = np.concatenate([p["y"] for p in pages])
    w = np.concatenate([p["ntok"] / max(1, p["ntok"].sum()) for p in pages]).astype(np.float64)
    w = w / w.mean()
    return lgb.train(PARAMS, lgb.Dataset(X, y, weight=w), num_boost_round=ROUNDS)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="+", help="FEATURES.jsonl:DATASET_DIR")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--write", action="store_true", help="write src/score/model.rs")
    args = ap.parse_args()
    pages = [p for spec in args.data for p in load(spec)]
    names_idx = None
    print(f"{len(pages)} pages, {sum(len(p['y']) for p in pages)} blocks", file=sys.stderr)
    rule_col = FEATURE_NAMES.index("rule_content")
    print("rules    ", fmt(evaluate(pages, [p["X"][:, rule_col] > 0.5 for p in pages])))
    order = list(range(len(pages)))
    random.Random(11).shuffle(order)
    probs = [None] * len(pages)
    for k in range(args.folds):
        test = [i for j, i in enumerate(order) if j % args.folds == k]
        train = [i for j, i in enumerate(order) if j % args.folds != k]
        model = fit([pages[i] for i in train])
        for i in test:
            probs[i] = model.predict(pages[i]["X"])
    for th in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        res = evaluate(pages, [pr > th for pr in probs])
        print(f"model@{th:.2f}", fmt(res))
    if args.write:
        model = fit(pages)
        write_rust(model, args.threshold)


FEATURE_NAMES = []


def read_feature_names():
    src = open(os.path.join(HERE, "..", "src", "score", "vector.rs"), encoding="utf-8").read()
    body = src.split("pub const FEATURE_NAMES: &[&str] = &[", 1)[1].split("];", 1)[0]
    return re.findall(r'"([a-z_0-9]+)"', body)


def write_rust(model, threshold):
    dump = model.dump_model()
    feats, thr, left, right, leaves, roots = [], [], [], [], [], []
    for tree in dump["tree_info"]:
        def walk(node):
            if "leaf_value" in node:
                leaves.append(node["leaf_value"])
                return -(len(leaves))  # leaves are stored as -(index + 1)
            idx = len(feats)
            feats.append(node["split_feature"]); thr.append(node["threshold"])
            left.append(0); right.append(0)
            assert node["decision_type"] == "<="
            l = walk(node["left_child"]); r = walk(node["right_child"])
            left[idx] = l; right[idx] = r
            return idx
        roots.append(walk(tree["tree_structure"]))
    path = os.path.join(HERE, "..", "src", "score", "model.rs")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("//! The learned block classifier: a gradient-boosted tree ensemble.\n//!\n")
        fh.write("//! @generated by `scripts/train.py --write`; do not edit by hand. It maps a\n")
        fh.write("//! block's feature vector ([`super::vector`]) to the log-odds that the block\n")
        fh.write("//! is main content. Trees are stored flat: an internal node sends a vector\n")
        fh.write("//! left when `v[FEATURE[n]] <= SPLIT[n]`; a negative child `-(k + 1)`\n")
        fh.write("//! is leaf `k`.\n\n")
        fh.write(f"/// Number of features the model expects.\npub const N_FEATURES: usize = {len(FEATURE_NAMES)};\n")
        fh.write(f"/// Probability above which a block is content.\npub const THRESHOLD: f32 = {threshold};\n")
        fh.write(f"/// Root node of each tree.\npub static ROOTS: [i32; {len(roots)}] = {roots};\n".replace("[", "[", 1))
        def arr(name, doc, ty, xs, conv):
            fh.write(f"/// {doc}\npub static {name}: [{ty}; {len(xs)}] = [\n")
            for i in range(0, len(xs), 8):
                fh.write("    " + ", ".join(conv(x) for x in xs[i:i + 8]) + ",\n")
            fh.write("];\n")
        arr("FEATURE", "Feature index tested at each internal node.", "u16", feats, str)
        arr("SPLIT", "Threshold at each internal node.", "f32", thr, lambda x: repr(float(np.float32(x))) )
        arr("LEFT", "Left child of each internal node.", "i32", left, str)
        arr("RIGHT", "Right child of each internal node.", "i32", right, str)
        arr("LEAF", "Leaf values (log-odds contributions).", "f32", leaves, lambda x: repr(float(np.float32(x))))
    print(f"wrote {path}: {len(roots)} trees, {len(feats)} splits", file=sys.stderr)


if __name__ == "__main__":
    FEATURE_NAMES = read_feature_names()
    main()
