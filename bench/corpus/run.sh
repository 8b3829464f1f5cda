#!/usr/bin/env bash
# Corpus-scale benchmark: near-duplicate documents and site boilerplate.
#
#   bench/corpus/run.sh [--docs N] [--seed S] [--shards K] [--work DIR]
#                       [--grid-docs M] [--no-grid] [--repeat R] [--reuse]
#                       [--best "K P T"] [--rev REV] [--md FILE]
#
# Defaults: 100000 documents, seed 1, 20 shards, work dir /tmp/dechaff-corpus
# (also DOCS, SEED, SHARDS, WORK, GRID_DOCS from the environment). A smoke
# test: `bench/corpus/run.sh --docs 5000` (about a minute plus the one-off
# venv and build).
#
# 1. gen.py writes the corpus (JSONL shards {id,url,html}, ~20 KB of HTML a
#    page) and its truth into the work dir, deterministically from the seed.
# 2. dechaff -j2 runs three times, each under /usr/bin/time: per-page mode
#    (--no-dedup), near-dups only (the default), and corpus mode
#    (--site-boilerplate: two passes, near-dups on).
# 3. datasketch MinHashLSH runs on the text of dechaff's per-page output: a
#    settings search on the first GRID_DOCS documents, then the usual
#    settings (word 5-grams, num_perm 128, threshold 0.5) and the best found,
#    each over all documents under /usr/bin/time. `--best "K P T"` skips
#    the search and runs datasketch at word K-grams, num_perm P, threshold T
#    (the best an earlier search found) besides the usual settings.
# 4. score.py prints the table; with 100000 documents (or --md FILE) it is
#    also written to bench/corpus/results-<date>.md, else to WORK/results.md.
#
# The build honours CARGO_TARGET_DIR; it builds the working tree, or with
# --rev REV that git revision (exported with `git archive` into the work
# dir, so a tree being edited does not change what is measured). --reuse
# keeps an existing corpus with the same N/seed/shards.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
docs=${DOCS:-100000}
seed=${SEED:-1}
shards=${SHARDS:-20}
work=${WORK:-/tmp/dechaff-corpus}
grid_docs=${GRID_DOCS:-20000}
repeat=${REPEAT:-1}
grid=1
reuse=0
md=""
rev=""
best_given=""
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --shards) shards=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --grid-docs) grid_docs=$2; shift 2 ;;
    --no-grid) grid=0; shift ;;
    --best) grid=0; best_given=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --md) md=$2; shift 2 ;;
    --rev) rev=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ "$docs" -lt "$shards" ]; then shards=1; fi
shared=${SHARED:-$repo/../shared}
out=$work/out
mkdir -p "$work" "$out"
phases=$out/phases.tsv
: > "$phases"
now() { date +%s.%N; }
phase() { printf '%s\t%.1f\n' "$1" "$(echo "$(now) - $2" | bc -l)" >> "$phases"; }

# Python venv with datasketch (numpy comes with it; gen.py's overlap check uses it).
venv=$here/.venv
py=$venv/bin/python
t=$(now)
if [ ! -f "$venv/.installed" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -U pip
  "$venv/bin/pip" install -q 'datasketch==2.0.0'
  touch "$venv/.installed"
fi
if [ -n "$rev" ]; then
  src=$work/build-src
  rm -rf "$src" && mkdir -p "$src"
  git -C "$repo" archive "$rev" | tar -x -C "$src"
  built="dechaff $(git -C "$repo" rev-parse --short "$rev") (git archive of $rev)"
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$work/target}
else
  src=$repo
  built="dechaff working tree at $(git -C "$repo" rev-parse --short HEAD 2>/dev/null)$(git -C "$repo" diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo " + uncommitted changes ($(git -C "$repo" diff --shortstat HEAD -- src Cargo.toml Cargo.lock | sed 's/^ *//'))")"
fi
cargo build --release --quiet --manifest-path "$src/Cargo.toml"
bin=${CARGO_TARGET_DIR:-$src/target}/release/dechaff
echo "$built, built $(date -u +%Y-%m-%dT%H:%MZ)" > "$out/built.txt"
phase setup "$t"

# 1. Corpus.
t=$(now)
params="docs=$docs seed=$seed shards=$shards"
if [ "$reuse" = 1 ] && [ -f "$work/gen-params" ] && [ "$(cat "$work/gen-params")" = "$params" ]; then
  echo "reusing the corpus in $work ($params)" >&2
else
  rm -f "$work/gen-params"
  "$py" "$here/gen.py" "$work" --docs "$docs" --seed "$seed" --shards "$shards" --eval "$shared/eval" > "$out/gen.log"
  echo "$params" > "$work/gen-params"
fi
phase generate "$t"
mapfile -t inputs < <(ls "$work"/shards/shard-*.jsonl | sort)

# 2. dechaff (plus `dechaff learn`, the first pass of corpus mode alone). timed NAME CMD...: wall s, peak RSS KB, user s, sys s → times.tsv
: > "$out/times.tsv"
: > "$out/load.log"
timed() {
  local name=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$out/$name.time" "$@"
  printf '%s %s\n' "$name" "$(tail -1 "$out/$name.time")" >> "$out/times.tsv"
}
t=$(now)
# The three modes run in turn, R times (--repeat; the report takes the best
# wall time of each), so a burst of load on the machine hits them alike.
for r in $(seq "$repeat"); do
  echo "dechaff round $r: load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/load.log"
  timed page "$bin" -j2 --quiet --no-dedup --stats "$out/page.stats.json" -f jsonl -o "$out/page.jsonl" "${inputs[@]}"
  timed learn "$bin" learn -j2 --quiet -o "$out/site-model.json" "${inputs[@]}"
  timed dedup "$bin" -j2 --quiet --stats "$out/dedup.stats.json" -f jsonl -o "$out/dedup.jsonl" "${inputs[@]}"
  timed corpus "$bin" -j2 --quiet --site-boilerplate --stats "$out/corpus.stats.json" -f jsonl -o "$out/corpus.jsonl" "${inputs[@]}"
done
phase dechaff "$t"

# 3. datasketch on the per-page text.
t=$(now)
rm -f "$out"/ds-*.flags.jsonl "$out"/ds-*.meta.json "$out/grid.json"
"$py" "$here/datasketch_dedup.py" extract "$out/page.jsonl" "$out/texts.jsonl"
best=${best_given:-5 128 0.5}
if [ "$grid" = 1 ]; then
  "$py" "$here/datasketch_dedup.py" grid "$out/texts.jsonl" "$work" "$out/grid.json" --docs "$grid_docs" 2> "$out/grid.log"
  best=$("$py" -c 'import json,sys; b=json.load(open(sys.argv[1]))["best"]; print(b["shingle"], b["num_perm"], b["threshold"])' "$out/grid.json")
fi
phase datasketch-grid "$t"
t=$(now)
timed ds-usual "$py" "$here/datasketch_dedup.py" run "$out/texts.jsonl" "$out/ds-usual.flags.jsonl" --shingle 5 --num-perm 128 --threshold 0.5
read -r k p th <<< "$best"
if [ "$best" != "5 128 0.5" ]; then
  timed ds-best "$py" "$here/datasketch_dedup.py" run "$out/texts.jsonl" "$out/ds-best.flags.jsonl" --shingle "$k" --num-perm "$p" --threshold "$th"
fi
phase datasketch-runs "$t"

# 4. Score.
t=$(now)
if [ -z "$md" ]; then
  if [ "$docs" = 100000 ]; then md=$here/results-$(date +%Y-%m-%d).md; else md=$work/results.md; fi
fi
cmd="bench/corpus/run.sh --docs $docs --seed $seed --shards $shards"
"$py" "$here/score.py" "$work" --md "$md" --json "$out/score.json" --command "$cmd" > /dev/null
phase score "$t"
{
  echo "## Phases (wall seconds)"
  echo
  echo "| phase | s |"
  echo "|---|---|"
  awk -F'\t' '{printf "| %s | %s |\n", $1, $2}' "$phases"
  echo
  echo "Load average before each dechaff round (1/5/15 min; other work on the machine skews times): $(tr '\n' ';' < "$out/load.log")"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM; $(cat "$out/built.txt")."
} >> "$md"
cat "$md"
echo "written: $md" >&2
