#!/usr/bin/env python3
"""Measure in-page merging on a set of pages with gold files.

    python3 scripts/merge_eval.py [DIR]     (default: tests/merge-set)

Each page `NN-slug.txt|html` has `NN-slug.gold.json` listing its title,
summary paragraphs (restatements of the body), body paragraphs, pull quotes
and boilerplate (see tests/merge-set/README.md). dechaff runs on every page
(release build) and this prints, over the set:

  summary merged      share of summary items that are not in the output text
  pull quotes merged  share of pull quotes whose block is not kept as content
  body kept           share of body paragraphs found in the output text
  boilerplate leaked  share of boilerplate items kept as a content block

plus the same per page for the ones that miss. Targets (issue 3): summary
merged >= 90%, pull quotes 100%, body kept >= 98%, boilerplate <= 5%.
"""
import json, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def norm(s):
    return re.sub(r"\s+", " ", (s or "").replace("\u00ad", "")).strip()


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "merge-set")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "dechaff")
    totals = {k: [0, 0] for k in ("summary", "pull", "body", "boiler")}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".gold.json"):
            continue
        stem = name[: -len(".gold.json")]
        page = next((os.path.join(folder, stem + ext) for ext in (".txt", ".html")
                     if os.path.exists(os.path.join(folder, stem + ext))), None)
        if page is None:
            continue
        gold = json.load(open(os.path.join(folder, name), encoding="utf-8"))
        out = subprocess.run([binary, "-f", "json", page], capture_output=True, text=True)
        doc = json.loads(out.stdout)
        text = norm(doc["text"])
        kept_blocks = {norm(b["text"]) for b in doc["blocks"]
                       if b["verdict"] == "content" and not b.get("is_title")}
        miss = []
        for s in gold.get("summary", []):
            ok = norm(s) not in text
            totals["summary"][0] += ok
            totals["summary"][1] += 1
            if not ok:
                miss.append("summary kept: " + s[:60])
        for s in gold.get("pull_quotes", []):
            ok = norm(s) not in kept_blocks
            totals["pull"][0] += ok
            totals["pull"][1] += 1
            if not ok:
                miss.append("pull quote kept: " + s[:60])
        for s in gold.get("body", []):
            ok = norm(s) in text
            totals["body"][0] += ok
            totals["body"][1] += 1
            if not ok:
                miss.append("body lost: " + s[:60])
        for s in gold.get("boilerplate", []):
            leaked = norm(s) in kept_blocks
            totals["boiler"][0] += leaked
            totals["boiler"][1] += 1
            if leaked:
                miss.append("boilerplate kept: " + s[:60])
        if miss:
            print(f"{stem}:")
            for m in miss:
                print("   ", m)

    def pct(k):
        a, b = totals[k]
        return f"{100 * a / b:5.1f}% ({a}/{b})" if b else "  n/a"
    print(f"summary merged      {pct('summary')}")
    print(f"pull quotes merged  {pct('pull')}")
    print(f"body kept           {pct('body')}")
    print(f"boilerplate leaked  {pct('boiler')}")


if __name__ == "__main__":
    main()
