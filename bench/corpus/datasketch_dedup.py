#!/usr/bin/env python3
"""Near-duplicate detection with datasketch's MinHash + MinHashLSH, on the
same cleaned text dechaff's per-page run produced.

    datasketch_dedup.py extract PAGE.jsonl TEXTS.jsonl
        Keep only {id, text} of dechaff's per-page output (done once, untimed).
    datasketch_dedup.py run TEXTS.jsonl FLAGS.jsonl --shingle K --num-perm P --threshold T
        One setting over all documents; writes {id, duplicate_of} for flagged
        documents. Timed by the caller (/usr/bin/time) as a whole.
    datasketch_dedup.py grid TEXTS.jsonl WORK GRID.json [--docs M]
        Searches shingle size x num_perm x threshold on the first M documents
        and scores each by F1 on the injected pairs (MinHashes are computed
        once per (shingle, num_perm) and reused across thresholds).

Semantics (the same as dechaff's): documents are taken in input order; each
is queried against an LSH index of the earlier documents that were not
themselves flagged; when the query returns candidates, the document is
flagged as a duplicate of the earliest of them (lowest input position) and
is not inserted; otherwise it is inserted. No exact verification: what the
LSH returns is taken as is (that is how MinHashLSH is normally used).

Text: lowercased runs of Unicode word characters (\\w+); shingles are word
K-grams joined by spaces (K=1 gives the set of words), encoded UTF-8;
MinHash uses datasketch's defaults otherwise (sha1_hash32, scheme affine32,
seed 1). A text with fewer than K words becomes one shingle of all its words.
"""

import argparse
import json
import re
import sys
import time

WORD = re.compile(r"\w+")


def shingles(text, k):
    w = WORD.findall(text.lower())
    if len(w) <= k:
        return [" ".join(w).encode("utf-8")] if w else []
    return list({" ".join(w[i:i + k]).encode("utf-8") for i in range(len(w) - k + 1)})


def read_texts(path, limit=None):
    ids, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            ids.append(r["id"])
            texts.append(r.get("text") or "")
            if limit and len(ids) >= limit:
                break
    return ids, texts


def minhashes(texts, k, num_perm):
    """One MinHash per text (None for a text with no words)."""
    from datasketch import MinHash
    empty = []

    def sets():
        for t in texts:
            s = shingles(t, k)
            empty.append(not s)
            yield s

    out = list(MinHash.generator(sets(), num_perm=num_perm))
    return [None if e else m for m, e in zip(out, empty)]


def lsh_flags(ids, mhs, threshold, num_perm):
    from datasketch import MinHashLSH
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    pos = {}
    flags = {}
    for i, (doc, m) in enumerate(zip(ids, mhs)):
        if m is None:
            continue
        hits = lsh.query(m)
        if hits:
            flags[doc] = min(hits, key=pos.__getitem__)
        else:
            lsh.insert(doc, m)
            pos[doc] = i
    return flags, lsh.b, lsh.r


def cmd_extract(a):
    n = 0
    with open(a.page, encoding="utf-8") as f, open(a.texts, "w", encoding="utf-8") as o:
        for line in f:
            r = json.loads(line)
            o.write(json.dumps({"id": r["id"], "text": r.get("text") or ""}, ensure_ascii=False) + "\n")
            n += 1
    print("extracted %d texts" % n, file=sys.stderr)


def cmd_run(a):
    """Streams: one text at a time is read, MinHashed, queried and inserted,
    so memory is the LSH index (as a real deployment would run it)."""
    from datasketch import MinHash, MinHashLSH
    t0 = time.time()
    lsh = MinHashLSH(threshold=a.threshold, num_perm=a.num_perm)
    pos = {}
    flagged = 0
    n = 0
    seen = []

    def sets():
        with open(a.texts, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                seen.append(r["id"])
                yield shingles(r.get("text") or "", a.shingle)

    with open(a.flags, "w", encoding="utf-8") as o:
        for m in MinHash.generator(sets(), num_perm=a.num_perm):
            doc = seen[n]
            n += 1
            if m.is_empty():
                continue
            hits = lsh.query(m)
            if hits:
                o.write(json.dumps({"id": doc, "duplicate_of": min(hits, key=pos.__getitem__)}) + "\n")
                flagged += 1
            else:
                lsh.insert(doc, m)
                pos[doc] = n
    meta = {"shingle": a.shingle, "num_perm": a.num_perm, "threshold": a.threshold, "bands": lsh.b, "rows": lsh.r,
            "docs": n, "flagged": flagged, "seconds": round(time.time() - t0, 2)}
    json.dump(meta, open(a.flags + ".meta.json", "w"), indent=1)
    print(json.dumps(meta), file=sys.stderr)


def cmd_grid(a):
    sys.path.insert(0, __import__("os").path.dirname(__file__))
    import score
    truth = score.Truth(a.work)
    ids, texts = read_texts(a.texts, a.docs)
    keep = set(ids)
    results = []
    for k in a.shingles:
        for p in a.perms:
            t0 = time.time()
            mhs = minhashes(texts, k, p)
            tm = time.time() - t0
            for th in a.thresholds:
                t1 = time.time()
                flags, b, r = lsh_flags(ids, mhs, th, p)
                tl = time.time() - t1
                s = truth.score_flags(flags, only=keep)
                row = {"shingle": k, "num_perm": p, "threshold": th, "bands": b, "rows": r,
                       "seconds_minhash": round(tm, 1), "seconds_lsh": round(tl, 1), **s}
                results.append(row)
                print("k=%d perm=%d t=%.2f (b=%d r=%d): recall %.4f precision %.4f F1 %.4f sp %d  [%.0fs+%.0fs]" % (
                    k, p, th, b, r, s["recall"], s["precision"], s["f1"], s["shared_paragraph_flagged"], tm, tl),
                    file=sys.stderr, flush=True)
    best = max(results, key=lambda x: (x["f1"], -x["num_perm"]))
    json.dump({"docs": len(ids), "results": results, "best": best}, open(a.out, "w"), indent=1)
    print("best: %s" % json.dumps(best), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extract")
    e.add_argument("page")
    e.add_argument("texts")
    r = sub.add_parser("run")
    r.add_argument("texts")
    r.add_argument("flags")
    r.add_argument("--shingle", type=int, default=5)
    r.add_argument("--num-perm", type=int, default=128)
    r.add_argument("--threshold", type=float, default=0.5)
    g = sub.add_parser("grid")
    g.add_argument("texts")
    g.add_argument("work")
    g.add_argument("out")
    g.add_argument("--docs", type=int, default=20000)
    g.add_argument("--shingles", type=lambda s: [int(x) for x in s.split(",")], default=[1, 3, 5])
    g.add_argument("--perms", type=lambda s: [int(x) for x in s.split(",")], default=[128, 256])
    g.add_argument("--thresholds", type=lambda s: [float(x) for x in s.split(",")],
                   default=[0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    a = ap.parse_args()
    {"extract": cmd_extract, "run": cmd_run, "grid": cmd_grid}[a.cmd](a)


if __name__ == "__main__":
    main()
