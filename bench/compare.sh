#!/usr/bin/env bash
# Side-by-side accuracy and speed of dechaff and the Python peers, in one run.
#
#   bench/compare.sh [OUT_DIR]        (default: bench/results/<date>)
#
# Creates a venv (bench/.venv) with trafilatura, readability-lxml, jusText,
# boilerpy3 and resiliparse, runs them through ../shared/eval/run_peers.py on
# ../shared/eval/scrapinghub and ../shared/eval/wcxb-dev (one core), and
# through bench/peers_parallel.py on all cores (with peak memory per
# process); runs dechaff on the same pages (-j1 and all cores, peak memory
# from /usr/bin/time, the five slowest pages from --stats, and one process
# per page on the five largest pages for the peak per worker); scores
# everything with ../shared/eval/score.py in one call per dataset, and writes
# a table with pages/s, memory and the speed ratios to dechaff.
# Peers are timed on extraction only (pages preloaded, as run_peers.py does);
# dechaff is timed as a whole process (reading, gunzip, writing included), so
# its ratios are conservative. Times drift on shared machines: compare the
# ratios of one run. dechaff and the bare parse take the best of three
# interleaved rounds.
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
# The dechaff version in the tables: the commit (and whether the tree had changes).
DECHAFF_REV="$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo "this repo")$(git -C "$here" diff --quiet HEAD -- src Cargo.toml 2>/dev/null || echo "+changes")"
export DECHAFF_REV
peers=trafilatura,readability_lxml,justext_en,boilerpy3_article,resiliparse_main

secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
# Wall seconds (to the nanosecond; /usr/bin/time rounds to 10 ms) and peak
# resident KB of a command: "SECS KB".
timed() {
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$tmp_time" "$@" >/dev/null 2>&1 || true
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc -l) $(cat "$tmp_time")"
}
# The smaller of two numbers (the first may be empty).
least() { if [ -z "$1" ]; then echo "$2"; else echo "if ($2 < $1) $2 else $1" | bc -l; fi; }
tmp_time=$(mktemp)
trap 'rm -f "$tmp_time"' EXIT
cores=$(nproc)

for ds in scrapinghub wcxb-dev; do
  d=$shared/eval/$ds
  o=$out/$ds
  mkdir -p "$o"
  pages=$(find "$d/html" -type f | wc -l)
  "$venv/bin/python" "$shared/eval/run_peers.py" "$d" "$o" --peers "$peers" > "$o/peers.log" 2>&1 || true
  "$venv/bin/python" "$here/bench/peers_parallel.py" "$d" "$peers" --workers "$cores" \
    --json "$o/peers-parallel.json" > "$o/peers-parallel.log" 2>&1 || true
  # The bare parse, dechaff -j1 and dechaff on all cores, in turn, three
  # rounds: each keeps its best time (and its largest peak memory).
  tp=; t1=; tn=; m1=0; mn=0
  for _round in 1 2 3; do
    s=$(secs "$here/target/release/examples/parse_only" "$d/html")
    tp=$(least "$tp" "$s")
    read -r s m < <(timed "$bin" -j1 --quiet -f jsonl "$d/html" -o "$o/dechaff.jsonl" --stats "$o/dechaff-stats.json")
    t1=$(least "$t1" "$s"); m1=$(( m > m1 ? m : m1 ))
    read -r s m < <(timed "$bin" -j"$cores" --quiet -f jsonl "$d/html" -o "$o/dechaff-all.jsonl")
    tn=$(least "$tn" "$s"); mn=$(( m > mn ? m : mn ))
  done
  # Peak memory of one worker on the largest pages, one page per process.
  # The process's own footprint (binary, threads, tables), from an empty page.
  empty=$(mktemp --suffix=.html)
  read -r _ m0 < <(timed "$bin" -j1 --quiet -f jsonl "$empty" -o /dev/null)
  rm -f "$empty"
  : > "$o/largest-pages.tsv"
  largest=$(for f in "$d"/html/*; do
      printf '%s %s\n' "$( (gzip -dc "$f" 2>/dev/null || cat "$f") | wc -c)" "$(basename "$f")"
    done | sort -rn | awk "NR <= 5")
  while read -r size f; do
    read -r ts ms < <(timed "$bin" -j1 --quiet -f jsonl "$d/html/$f" -o /dev/null)
    printf '%s\t%s\t%s\t%s\n' "$f" "$size" "$ms" "$ts" >> "$o/largest-pages.tsv"
  done <<< "$largest"
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
  python3 - "$o" "$pages" "$tp" "$t1" "$tn" "$ds" "$m1" "$mn" "$cores" "$m0" <<'PY' | tee "$o/table.md"
import json, os, sys
o, pages, tp, t1, tn, ds = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:6]), sys.argv[6]
m1, mn, cores = int(sys.argv[7]) / 1024, int(sys.argv[8]) / 1024, int(sys.argv[9])
base_kb = int(sys.argv[10])
scores = json.load(open(os.path.join(o, "scores.json")))["systems"]
try:
    par = {r["peer"]: r for r in json.load(open(os.path.join(o, "peers-parallel.json")))}
except (OSError, ValueError):
    par = {}
rows = []
d_pps, d_all = pages / t1, pages / tn
for name, s in scores.items():
    if name == "dechaff":
        pps, ver, allc, mem = d_pps, os.environ.get("DECHAFF_REV", "this repo"), d_all, m1
    else:
        t = json.load(open(os.path.join(o, "_timing", name + ".json")))
        pps, ver = t.get("pages_per_s") or 0.0, t.get("version", "?")
        p = par.get(name, {})
        allc, mem = p.get("pages_per_s") or 0.0, p.get("peak_rss_mb_per_worker") or 0.0
    rows.append((s["mean_f1"], name, ver, s.get("without_rate"), pps, s.get("by_page_type", {}), allc, mem))
rows.sort(reverse=True)
print(f"### {ds} ({pages} pages)\n")
print(f"| system | version | mean F1 | boilerplate leaked | pages/s (1 core) | pages/s ({cores} cores) "
      "| peak memory per process | dechaff is × faster (1 core / all cores) |")
print("|---|---|---|---|---|---|---|---|")
for f1, name, ver, leak, pps, _, allc, mem in rows:
    leak_s = "–" if leak is None or leak != leak else f"{100*leak:.1f}%"
    ratio = "–" if name == "dechaff" or not pps else (
        f"{d_pps / pps:.1f}× / " + (f"{d_all / allc:.1f}×" if allc else "–"))
    allc_s = f"{allc:.0f}" if allc else "–"
    mem_s = f"{mem:.0f} MB" if mem else "–"
    print(f"| {name} | {ver} | {f1:.3f} | {leak_s} | {pps:.0f} | {allc_s} | {mem_s} | {ratio} |")
if rows and rows[0][5]:
    types = sorted(rows[0][5])
    print("\nMean F1 by page type:\n")
    print("| system | " + " | ".join(types) + " |")
    print("|---|" + "---|" * len(types))
    for f1, name, ver, leak, pps, by, *_ in rows:
        print(f"| {name} | " + " | ".join(f"{by.get(t, float('nan')):.3f}" for t in types) + " |")
print("\ndechaff's F1 here is in-sample: its classifier was trained on these pages. "
      "`scripts/train.py` gives held-out (5-fold by page) figures; peers are timed on "
      "extraction only, dechaff as a whole process (reading and gunzip included).")
print(f"\ndechaff: -j1 {t1:.2f} s ({pages/t1:.0f} pages/s, peak {m1:.0f} MB), -j{cores} {tn:.2f} s "
      f"({t1/tn:.2f}× -j1, peak {mn:.0f} MB); bare scraper parse {tp:.2f} s (dechaff -j1 = {t1/tp:.2f}× that). "
      "Peers' all-core figures come from bench/peers_parallel.py (one process per core, pages streamed; "
      "peak memory is the largest worker's).\n")
stats = json.load(open(os.path.join(o, "dechaff-stats.json")))
print("dechaff's five slowest pages (-j1, all stages):\n")
print("| page | seconds | bytes |")
print("|---|---|---|")
for s in stats.get("slowest", []):
    print(f"| {os.path.basename(s.get('source', s.get('id', '?')))} | {s.get('seconds', 0):.3f} | {s.get('bytes', '?')} |")
print(f"\nPeak memory of one dechaff process on each of the five largest pages; the worker's "
      f"share is the peak above the process's own footprint on an empty page ({base_kb/1024:.1f} MB):\n")
print("| page | bytes (decompressed) | peak RSS | worker's share | share / page size | seconds |")
print("|---|---|---|---|---|---|")
for line in open(os.path.join(o, "largest-pages.tsv")):
    f, size, kb, secs = line.rstrip("\n").split("\t")
    size, kb = int(size), int(kb)
    share = max(kb - base_kb, 0)
    print(f"| {f} | {size:,} | {kb/1024:.1f} MB | {share/1024:.1f} MB | {share*1024/size:.1f}× | {float(secs):.2f} |")
print()
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
