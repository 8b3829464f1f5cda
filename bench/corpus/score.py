#!/usr/bin/env python3
"""Score the corpus benchmark and print/write the results table.

    score.py WORK [--md FILE] [--command "..."]

Reads from WORK (made by gen.py and run.sh):
  truth.json, bodies/*.jsonl, gen-stats.json   the generated truth
  out/corpus.jsonl    dechaff corpus mode (near-dups + --site-boilerplate)
  out/dedup.jsonl     dechaff near-dups only (optional)
  out/page.jsonl      dechaff per-page mode (--no-dedup)
  out/ds-*.flags.jsonl (+ .meta.json)          datasketch runs
  out/grid.json       datasketch settings search
  out/times.tsv       name, wall s, peak RSS KB, user s, sys s

Definitions:
- A flagged pair is (doc, duplicate_of). It is true when both are in the same
  injected duplicate group (an original and its copies, transitively).
- Recall: share of injected copies flagged with a true partner.
- Precision: true flagged pairs / flagged pairs.
- Shared-paragraph pairs flagged: flagged pairs whose two groups are a
  shared-paragraph pair.
- Body recall: bag-of-words recall (lowercased \\w+ tokens, multiset) of the
  true body in dechaff's text, mean over pages.
- Footer removed: a page counts when none of its site-footer lines appears
  in dechaff's output (title + text) as a token sequence.
"""

import argparse
import collections
import datetime
import glob
import json
import os
import re
import sys

WORD = re.compile(r"\w+")


def toks(s):
    return WORD.findall(s.lower())


class Truth:
    def __init__(self, work):
        t = json.load(open(os.path.join(work, "truth.json"), encoding="utf-8"))
        self.t = t
        self.group = {}
        for root, members in t["groups"].items():
            for m in members:
                self.group[m] = root
        self.copies = [c for c, _ in t["duplicate_pairs"]]
        self.sp = set()
        for a, b in t["shared_paragraph_pairs"]:
            ga, gb = self.g(a), self.g(b)
            self.sp.add((ga, gb))
            self.sp.add((gb, ga))
        self.hosts = t["hosts"]

    def g(self, d):
        return self.group.get(d, d)

    def score_flags(self, flags, only=None):
        copies = [c for c in self.copies if only is None or c in only]
        found = sum(1 for c in copies if c in flags and self.g(flags[c]) == self.g(c))
        true = sum(1 for d, o in flags.items() if self.g(d) == self.g(o))
        sp = sum(1 for d, o in flags.items() if (self.g(d), self.g(o)) in self.sp)
        n = len(flags)
        recall = found / len(copies) if copies else 1.0
        precision = true / n if n else 1.0
        f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
        return {"copies": len(copies), "found": found, "flagged": n, "true": true, "recall": recall,
                "precision": precision, "f1": f1, "shared_paragraph_flagged": sp}


def read_out(path):
    """id -> (title, text, duplicate_of) of a dechaff JSONL output."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out[r["id"]] = (r.get("title") or "", r.get("text") or "", r.get("duplicate_of"))
    return out


def read_flags(path):
    flags = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            flags[r["id"]] = r["duplicate_of"]
    return flags


def bucket(pages):
    if pages < 3:
        return "1-2"
    if pages < 10:
        return "3-9"
    if pages < 100:
        return "10-99"
    return "100+"


def quality(work, out, truth):
    """Body recall and footer removal of one dechaff output."""
    recalls = []
    precisions = []
    footer_ok = 0
    pages = 0
    lines_total = lines_leaked = 0
    by_bucket = collections.defaultdict(lambda: [0, 0])
    by_markup = collections.defaultdict(lambda: [0, 0])
    leaked_lines = collections.Counter()
    missing = 0
    worst = []
    for path in sorted(glob.glob(os.path.join(work, "bodies", "bodies-*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                b = json.loads(line)
                pages += 1
                o = out.get(b["id"])
                if o is None:
                    missing += 1
                    recalls.append(0.0)
                    continue
                title, text, _ = o
                tb = collections.Counter(toks(b["body"]))
                to = collections.Counter(toks(text))
                hit = sum(min(n, to[w]) for w, n in tb.items())
                r = hit / max(1, sum(tb.values()))
                recalls.append(r)
                if to:
                    precisions.append(hit / sum(to.values()))
                if r < 0.9:
                    worst.append((r, b["id"], b["host"]))
                hay = " " + " ".join(toks(title + "\n" + text)) + " "
                leaked = [l for l in b["footer"] if (" " + " ".join(toks(l)) + " ") in hay]
                lines_total += len(b["footer"])
                lines_leaked += len(leaked)
                for l in leaked:
                    leaked_lines[(b["host"], l)] += 1
                ok = not leaked
                footer_ok += ok
                h = truth.hosts[b["host"]]
                bk = by_bucket[bucket(h["pages"])]
                bk[0] += ok
                bk[1] += 1
                mk = by_markup["markup %d / %s" % (h["footer_markup"], h["naming"])]
                mk[0] += ok
                mk[1] += 1
    worst.sort()
    return {
        "pages": pages, "missing": missing,
        "body_recall_mean": sum(recalls) / max(1, len(recalls)),
        "body_precision_mean": sum(precisions) / max(1, len(precisions)),
        "pages_body_recall_under_0.9": sum(1 for r in recalls if r < 0.9),
        "pages_body_recall_under_0.97": sum(1 for r in recalls if r < 0.97),
        "footer_all_removed_share": footer_ok / max(1, pages),
        "footer_lines_leaked_share": lines_leaked / max(1, lines_total),
        "footer_by_host_size": {k: v[0] / v[1] for k, v in sorted(by_bucket.items())},
        "footer_by_host_size_pages": {k: v[1] for k, v in sorted(by_bucket.items())},
        "footer_by_markup": {k: v[0] / v[1] for k, v in sorted(by_markup.items())},
        "top_leaked_lines": [[h, l, n, truth.hosts[h]["pages"]] for (h, l), n in leaked_lines.most_common(12)],
        "worst_body_recall": [[round(r, 3), d, h] for r, d, h in worst[:10]],
    }


def shingles3(text):
    w = toks(text)
    return {" ".join(w[i:i + 3]) for i in range(len(w) - 2)}


def analyse_misses(missed, out, truth, work):
    """Why copies were missed: against which earlier member of their group
    the copy's text is most similar (word 3-gram Jaccard, as dechaff
    measures it), whether that member is indexed (not itself flagged), and
    how many words of chrome leaked into either text."""
    need = set(missed)
    members = {}
    for c in missed:
        g = truth.g(c)
        members[c] = [m for m in truth.t["groups"][g] if m < c]
        need.update(members[c])
    bodies = {}
    for path in sorted(glob.glob(os.path.join(work, "bodies", "bodies-*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            b = json.loads(line)
            if b["id"] in need:
                bodies[b["id"]] = b["body"]

    def leak(d):
        return sum((collections.Counter(toks(out[d][1])) - collections.Counter(toks(bodies[d]))).values())

    chain = low = 0
    rows = []
    for c in missed:
        sc = shingles3(out[c][1])
        best = []
        for m in members[c]:
            sm = shingles3(out[m][1])
            j = len(sc & sm) / max(1, len(sc | sm))
            best.append((j, m, out[m][2] is None))
        j_idx = max([x[0] for x in best if x[2]] or [0])
        j_any, m_any, m_indexed = max(best)
        if j_any >= 0.4 and not m_indexed:
            kind = "copy of a copy: similar enough only to a member that is itself a duplicate (not indexed)"
            chain += 1
        else:
            kind = "below 0.4 against every earlier member"
            low += 1
        rows.append({"copy": c, "body_words": len(bodies[c].split()), "best_jaccard_indexed": round(j_idx, 3),
                     "best_jaccard_any": round(j_any, 3), "leaked_words_copy": leak(c),
                     "leaked_words_best_member": leak(m_any), "kind": kind})
    low_rows = [r for r in rows if r["kind"].startswith("below")]
    return {
        "missed": len(missed), "copy_of_copy": chain, "below_threshold": low,
        "below_threshold_median_body_words": sorted(r["body_words"] for r in low_rows)[len(low_rows) // 2] if low_rows else 0,
        "below_threshold_with_100plus_leaked_words": sum(
            1 for r in low_rows if max(r["leaked_words_copy"], r["leaked_words_best_member"]) >= 100),
        "rows": rows,
    }


def read_times(work):
    times = {}
    p = os.path.join(work, "out", "times.tsv")
    if os.path.exists(p):
        for line in open(p):
            f = line.split()
            if len(f) >= 5:
                t = {"wall": float(f[1]), "rss_mb": int(f[2]) / 1024, "cpu": float(f[3]) + float(f[4]),
                     "runs": 1, "walls": [float(f[1])]}
                if f[0] in times:
                    o = times[f[0]]
                    t = {"wall": min(o["wall"], t["wall"]), "rss_mb": max(o["rss_mb"], t["rss_mb"]),
                         "cpu": min(o["cpu"], t["cpu"]), "runs": o["runs"] + 1, "walls": o["walls"] + t["walls"]}
                times[f[0]] = t
    return times


def pct(x):
    return "%.2f%%" % (100 * x)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work")
    ap.add_argument("--md", help="also write the report here")
    ap.add_argument("--command", default="", help="the command that made it, for the report")
    ap.add_argument("--json", help="write all numbers as JSON here")
    a = ap.parse_args()
    work = a.work
    truth = Truth(work)
    gs = json.load(open(os.path.join(work, "gen-stats.json")))
    times = read_times(work)
    N = gs["docs"]
    mb = gs["bytes"] / 1e6
    res = {"gen": gs, "times": times}

    dd = {}
    corpus = read_out(os.path.join(work, "out", "corpus.jsonl"))
    flags = {d: o[2] for d, o in corpus.items() if o[2]}
    dd["dechaff corpus mode"] = truth.score_flags(flags)
    q_corpus = quality(work, corpus, truth)
    # Why are false flags false? (host relation of the pair)
    host_of = {}
    for path in sorted(glob.glob(os.path.join(work, "bodies", "bodies-*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            b = json.loads(line)
            host_of[b["id"]] = b["host"]
    fps = [(d, o) for d, o in flags.items() if truth.g(d) != truth.g(o)]
    res["dechaff_false_pairs"] = {
        "count": len(fps), "same_host": sum(1 for d, o in fps if host_of.get(d) == host_of.get(o)),
        "examples": fps[:10]}
    missed = [c for c in truth.copies if not (c in flags and truth.g(flags[c]) == truth.g(c))]
    res["dechaff_missed_copies_examples"] = missed[:10]
    res["dechaff_missed_analysis"] = analyse_misses(missed, corpus, truth, work)
    del corpus
    page = read_out(os.path.join(work, "out", "page.jsonl"))
    q_page = quality(work, page, truth)
    del page
    dpath = os.path.join(work, "out", "dedup.jsonl")
    if os.path.exists(dpath):
        o = read_out(dpath)
        dd["dechaff near-dups only"] = truth.score_flags({d: x[2] for d, x in o.items() if x[2]})
        del o
    ds_meta = {}
    for p in sorted(glob.glob(os.path.join(work, "out", "ds-*.flags.jsonl"))):
        name = os.path.basename(p)[:-len(".flags.jsonl")]
        meta = json.load(open(p + ".meta.json"))
        ds_meta[name] = meta
        dd[name] = truth.score_flags(read_flags(p))
    res["dedup"] = dd
    res["quality"] = {"corpus": q_corpus, "page": q_page}
    grid = None
    gp = os.path.join(work, "out", "grid.json")
    if os.path.exists(gp):
        grid = json.load(open(gp))

    L = []
    L.append("# Corpus benchmark: near-duplicates and site boilerplate (%s)" % datetime.date.today().isoformat())
    L.append("")
    if a.command:
        L.append("Command: `%s`" % a.command)
        L.append("")
    L.append("Corpus: %d documents, %.1f MB of HTML (mean %.1f KB/page), seed %d, %d hosts "
             "(largest %d pages, median %d; %d pages on hosts with < 10 pages, %d on hosts with < 3), "
             "%d injected copies in %d groups (largest %d; edit rate %.1f%%-%.1f%%, mean %.1f%%), "
             "%d shared-paragraph pairs; mean body %d words. Bodies composed from %d sentences of "
             "../shared/eval (scrapinghub + wcxb-dev ground truth). Generated in %.0f s." % (
                 N, mb, gs["mean_page_bytes"] / 1024, gs["seed"], gs["hosts"], gs["largest_host_pages"],
                 gs["median_host_pages"], gs["pages_on_hosts_under_10_pages"], gs["pages_on_hosts_under_3_pages"],
                 gs["copies"], gs["groups"], gs["largest_group"], 100 * gs["copy_edit_rate_range"][0],
                 100 * gs["copy_edit_rate_range"][1], 100 * gs["copy_edit_rate_mean"],
                 gs["shared_paragraph_pairs"], gs["body_words_mean"], gs["body_pool"], gs["seconds_total"]))
    oc = gs.get("overlap_check")
    if oc and "max_word_overlap" in oc:
        L.append("")
        L.append("Accidental overlap between distinct stories (sentence provenance): %d pairs share a sentence "
                 "(by count of shared sentences: %s); largest shared-word share %.3f; %d pairs over 0.2." % (
                     oc["pairs_sharing_a_sentence"], oc["pairs_by_shared_sentences"], oc["max_word_overlap"],
                     oc["pairs_word_overlap_over_0.2"]))
    L.append("")
    L.append("## Near-duplicate documents")
    L.append("")
    L.append("Both dedupers see dechaff's cleaned text: dechaff its own (in corpus mode), datasketch the text of "
             "dechaff's per-page run (`--no-dedup`). datasketch: each document queried, in input order, against "
             "an LSH of the earlier unflagged documents, flagged as a duplicate of the earliest hit, no "
             "verification; one process (one core). dechaff: `-j2`.")
    L.append("")
    L.append("| run | settings | recall | precision | F1 | flagged | shared-par. pairs flagged | wall s | CPU s | peak MB |")
    L.append("|---|---|---|---|---|---|---|---|---|---|")
    tnames = {"dechaff corpus mode": "corpus", "dechaff near-dups only": "dedup"}
    for name, s in dd.items():
        if name.startswith("ds-"):
            m = ds_meta[name]
            settings = "word %d-grams, num_perm %d, threshold %.2f (b=%d, r=%d)" % (
                m["shingle"], m["num_perm"], m["threshold"], m["bands"], m["rows"])
            t = times.get(name, {})
        else:
            settings = "word 3-grams, 126 hashes (42x3), verified Jaccard >= 0.4" + (
                ", + --site-boilerplate (2 passes)" if name == "dechaff corpus mode" else "")
            t = times.get(tnames[name], {})
        L.append("| %s | %s | %.4f | %.4f | %.4f | %d | %d | %s | %s | %s |" % (
            name, settings, s["recall"], s["precision"], s["f1"], s["flagged"], s["shared_paragraph_flagged"],
            "%.1f" % t["wall"] if t else "-", "%.1f" % t["cpu"] if t else "-", "%.0f" % t["rss_mb"] if t else "-"))
    L.append("")
    L.append("datasketch times include reading the texts, shingling, MinHash and LSH; dechaff times are whole "
             "runs (read, parse, clean, dedup, write) on the HTML.")
    L.append("")
    L.append("## dechaff throughput")
    L.append("")
    L.append("| mode | command flags | wall s | pages/s | MB/s | CPU s | peak MB | throughput vs per-page (wall) | same by CPU time |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    page_t = times.get("page")
    modes = [("per-page", "page", "-j2 --no-dedup"), ("learn pass alone", "learn", "learn -j2 -o MODEL"),
             ("near-dups only", "dedup", "-j2"),
             ("corpus mode", "corpus", "-j2 --site-boilerplate")]
    for label, key, fl in modes:
        t = times.get(key)
        if not t:
            continue
        L.append("| %s | `%s` | %.1f | %.0f | %.1f | %.1f | %.0f | %.2f | %.2f |" % (
            label, fl, t["wall"], N / t["wall"], mb / t["wall"], t["cpu"], t["rss_mb"],
            page_t["wall"] / t["wall"] if page_t else float("nan"), page_t["cpu"] / t["cpu"] if page_t else float("nan")))
    L.append("")
    L.append("Wall and CPU: best of %s runs each (the runs of one mode may have met different load, so compare "
             "the CPU-time column when walls disagree with it), peak memory: the largest (/usr/bin/time %%e %%M %%U %%S); walls of each run: %s. "
             "Throughput vs per-page = per-page wall / mode wall (target >= 0.8 for corpus mode); the CPU-time "
             "ratio is less sensitive to other load on the machine." % (
                 sorted({t["runs"] for t in times.values()}), {k: t["walls"] for k, t in times.items()}))
    L.append("")
    L.append("## Cleaning quality")
    L.append("")
    L.append("| mode | body recall (mean) | pages < 0.97 | pages < 0.9 | body precision (mean) | pages with all footer lines removed | footer lines leaked |")
    L.append("|---|---|---|---|---|---|---|")
    for label, q in (("corpus mode", q_corpus), ("per-page", q_page)):
        L.append("| %s | %.4f | %d | %d | %.4f | %s | %s |" % (
            label, q["body_recall_mean"], q["pages_body_recall_under_0.97"], q["pages_body_recall_under_0.9"],
            q["body_precision_mean"],
            pct(q["footer_all_removed_share"]), pct(q["footer_lines_leaked_share"])))
    L.append("")
    L.append("Body precision: share of dechaff's text words (bag of words) that belong to the true body; "
             "not a target, it shows how much chrome leaks. Footer lines: each page's tracked site-footer lines "
             "(copyright, advertise, newsletter, publisher lines...; link rows and the per-page paywall meter "
             "are not tracked).")
    L.append("")
    L.append("Footer fully removed, by host size (pages in corpus): " + "; ".join(
        "%s pages: corpus %s, per-page %s (%d pages)" % (
            k, pct(q_corpus["footer_by_host_size"][k]), pct(q_page["footer_by_host_size"].get(k, 0)),
            q_corpus["footer_by_host_size_pages"][k]) for k in q_corpus["footer_by_host_size"]))
    L.append("")
    L.append("By footer markup / class naming (corpus mode; per-page): " + "; ".join(
        "%s: %s; %s" % (k, pct(v), pct(q_page["footer_by_markup"].get(k, 0))) for k, v in q_corpus["footer_by_markup"].items()))
    L.append("")
    # Targets.
    c = dd["dechaff corpus mode"]
    ct, pt = times.get("corpus"), times.get("page")
    ratio = pt["wall"] / ct["wall"] if ct and pt else float("nan")
    checks = [
        ("near-dup recall >= 0.95", c["recall"] >= 0.95, "%.4f" % c["recall"]),
        ("near-dup precision >= 0.98", c["precision"] >= 0.98, "%.4f" % c["precision"]),
        ("shared-paragraph pairs flagged = 0", c["shared_paragraph_flagged"] == 0, str(c["shared_paragraph_flagged"])),
        ("corpus-mode throughput >= 0.8 x per-page", ratio >= 0.8, "%.2f (wall), %.2f (CPU time)" % (
            ratio, pt["cpu"] / ct["cpu"] if ct and pt else float("nan"))),
        ("peak memory < 2 GB (corpus mode)", bool(ct) and ct["rss_mb"] < 2048, "%.0f MB" % ct["rss_mb"] if ct else "-"),
        ("pages with all footer lines removed >= 95%", q_corpus["footer_all_removed_share"] >= 0.95,
         pct(q_corpus["footer_all_removed_share"])),
        ("body recall >= 0.97", q_corpus["body_recall_mean"] >= 0.97, "%.4f" % q_corpus["body_recall_mean"]),
    ]
    L.append("## dechaff targets")
    L.append("")
    L.append("| target | measured | met |")
    L.append("|---|---|---|")
    for name, ok, v in checks:
        L.append("| %s | %s | %s |" % (name, v, "yes" if ok else "**NO**"))
    L.append("")
    if grid:
        L.append("## datasketch settings searched (first %d documents, scored on the copies among them)" % grid["docs"])
        L.append("")
        L.append("| shingle | num_perm | threshold | b x r | recall | precision | F1 | shared-par. flagged | MinHash s | LSH s |")
        L.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in grid["results"]:
            L.append("| %d | %d | %.2f | %dx%d | %.4f | %.4f | %.4f | %d | %.0f | %.0f |" % (
                r["shingle"], r["num_perm"], r["threshold"], r["bands"], r["rows"], r["recall"], r["precision"],
                r["f1"], r["shared_paragraph_flagged"], r["seconds_minhash"], r["seconds_lsh"]))
        L.append("")
    L.append("## Details for investigation")
    L.append("")
    L.append("- dechaff false pairs: %d (%d with both documents on the same host); examples %s" % (
        res["dechaff_false_pairs"]["count"], res["dechaff_false_pairs"]["same_host"], res["dechaff_false_pairs"]["examples"][:5]))
    ma = res["dechaff_missed_analysis"]
    L.append("- dechaff missed %d copies: %d are copies of a copy whose text reaches Jaccard >= 0.4 only with their "
             "direct source, itself a flagged duplicate and so not indexed (only originals are); %d are below 0.4 "
             "against every earlier member of their group (median body %d words; in %d of them one side carries "
             ">= 100 words of leaked chrome: comments, related links and teasers). Examples (copy, body words, "
             "best Jaccard vs an indexed member, vs any member, leaked words copy / member): %s" % (
                 ma["missed"], ma["copy_of_copy"], ma["below_threshold"], ma["below_threshold_median_body_words"],
                 ma["below_threshold_with_100plus_leaked_words"],
                 "; ".join("%s %d %.2f %.2f %d/%d" % (r["copy"], r["body_words"], r["best_jaccard_indexed"],
                                                     r["best_jaccard_any"], r["leaked_words_copy"],
                                                     r["leaked_words_best_member"]) for r in ma["rows"][:8])))
    L.append("- most leaked footer lines, corpus mode (host, line, pages leaked, host pages): %s" % json.dumps(
        q_corpus["top_leaked_lines"][:8], ensure_ascii=False))
    L.append("- lowest body recall, corpus mode (recall, doc, host): %s" % q_corpus["worst_body_recall"][:8])
    L.append("- lowest body recall, per-page mode: %s" % q_page["worst_body_recall"][:8])
    text = "\n".join(L) + "\n"
    print(text)
    if a.md:
        open(a.md, "w", encoding="utf-8").write(text)
    if a.json:
        json.dump(res, open(a.json, "w"), indent=1, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main()
