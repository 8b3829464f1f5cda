#!/usr/bin/env bash
# Side-by-side accuracy and speed of dechaff and the Python peers, in one run.
#
#   bench/compare.sh [OUT_DIR]        (default: bench/results/<date>)
#
# Creates a venv (bench/.venv) with trafilatura, readability-lxml, jusText,
# boilerpy3 and resiliparse, runs them through ../shared/eval/run_peers.py on
# ../shared/eval/scrapinghub and ../shared/eval/wcxb-dev, runs dechaff on the
# same pages, scores everything with ../shared/eval/score.py in one call per
# dataset, and writes a table with pages/s and the speed ratio to dechaff.
# Peers are timed on extraction only (pages preloaded, as run_peers.py does);
# dechaff is timed as a whole process (reading, gunzip, writing included), so
# its ratios are conservative. Times drift on shared machines: compare the
# ratios of one run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
out=${1:-$here/bench/results/$(date +%Y-%m-%d)}
mkdir -p "$out"
venv=$here/bench/.venv
if [ ! -f "$venv/.installed" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -U pip
  "$venv/bin/pip" install -q trafilatura readability-lxml lxml_html_clean justext boilerpy3 resiliparse html-text
  touch "$venv/.installed"
fi
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
cargo build --release --quiet --manifest-path "$here/Cargo.toml" --example parse_only
bin=$here/target/release/dechaff
peers=trafilatura,readability_lxml,justext_en,boilerpy3_article,resiliparse_main

secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }

for ds in scrapinghub wcxb-dev; do
  d=$shared/eval/$ds
  o=$out/$ds
  mkdir -p "$o"
  pages=$(find "$d/html" -type f | wc -l)
  "$venv/bin/python" "$shared/eval/run_peers.py" "$d" "$o" --peers "$peers" > "$o/peers.log" 2>&1 || true
  tp=$(secs "$here/target/release/examples/parse_only" "$d/html")
  t1=$(secs "$bin" -j1 --quiet -f jsonl "$d/html" -o "$o/dechaff.jsonl")
  tn=$(secs "$bin" --quiet -f jsonl "$d/html" -o "$o/dechaff-all.jsonl")
  python3 - "$o/dechaff.jsonl" "$o/dechaff.json" <<'PY'
import json, sys
preds = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    preds[r["id"]] = {"articleBody": r["text"]}
json.dump(preds, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
  by=()
  [ "$ds" = wcxb-dev ] && by=(--by page_type)
  files=("$o/dechaff.json")
  for p in ${peers//,/ }; do [ -f "$o/$p.json" ] && files+=("$o/$p.json"); done
  python3 "$shared/eval/score.py" "$d/ground-truth.json" "${files[@]}" "${by[@]}" --json "$o/scores.json" > "$o/scores.txt"
  python3 - "$o" "$pages" "$tp" "$t1" "$tn" "$ds" <<'PY' | tee "$o/table.md"
import json, os, sys
o, pages, tp, t1, tn, ds = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:6]), sys.argv[6]
scores = json.load(open(os.path.join(o, "scores.json")))["systems"]
rows = []
d_pps = pages / t1
for name, s in scores.items():
    if name == "dechaff":
        pps, ver = d_pps, "this repo"
    else:
        t = json.load(open(os.path.join(o, "_timing", name + ".json")))
        pps, ver = t.get("pages_per_s") or 0.0, t.get("version", "?")
    rows.append((s["mean_f1"], name, ver, s.get("without_rate"), pps, s.get("by_page_type", {})))
rows.sort(reverse=True)
print(f"### {ds} ({pages} pages)\n")
print("| system | version | mean F1 | boilerplate leaked | pages/s (1 core) | dechaff is × faster |")
print("|---|---|---|---|---|---|")
for f1, name, ver, leak, pps, _ in rows:
    leak_s = "–" if leak is None or leak != leak else f"{100*leak:.1f}%"
    ratio = "–" if name == "dechaff" or not pps else f"{d_pps / pps:.1f}×"
    print(f"| {name} | {ver} | {f1:.3f} | {leak_s} | {pps:.0f} | {ratio} |")
if rows and rows[0][5]:
    types = sorted(rows[0][5])
    print("\nMean F1 by page type:\n")
    print("| system | " + " | ".join(types) + " |")
    print("|---|" + "---|" * len(types))
    for f1, name, ver, leak, pps, by in rows:
        print(f"| {name} | " + " | ".join(f"{by.get(t, float('nan')):.3f}" for t in types) + " |")
print("\ndechaff's F1 here is in-sample: its classifier was trained on these pages. "
      "`scripts/train.py` gives held-out (5-fold by page) figures; peers are timed on "
      "extraction only, dechaff as a whole process (reading and gunzip included).")
print(f"\ndechaff: -j1 {t1:.2f} s ({pages/t1:.0f} pages/s), all cores {tn:.2f} s ({t1/tn:.2f}× -j1); "
      f"bare scraper parse {tp:.2f} s (dechaff -j1 = {t1/tp:.2f}× that).\n")
PY
done
{
  echo "# dechaff vs peers — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'). Command: \`bench/compare.sh\`."
  echo
  cat "$out/scrapinghub/table.md" "$out/wcxb-dev/table.md"
} > "$out/README.md"
echo "results in $out/README.md"
