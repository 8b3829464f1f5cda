#!/usr/bin/env bash
# Accuracy and speed of dechaff on a dataset folder (html/<id>.html[.gz] +
# ground-truth.json), scored with the shared scorer.
#
#   scripts/eval.sh ../shared/eval/wcxb-dev [extra dechaff flags...]
#
# Prints the scorer's summary (bag-of-words mode), per-page-type F1 when the
# ground truth has page types, and pages/s for -j1 and for all cores.
# Set OUT=dir to keep the predictions (default: a temporary folder).
set -euo pipefail
dataset=${1:?usage: scripts/eval.sh DATASET_DIR [dechaff flags...]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
scorer=${SCORER:-$here/../shared/eval/score.py}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin=$here/target/release/dechaff
pages=$(find "$dataset/html" -type f | wc -l)

timed() { # prints seconds taken by "$@"
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

cargo build --release --quiet --manifest-path "$here/Cargo.toml" --example parse_only
tp=$(timed "$here/target/release/examples/parse_only" "$dataset/html")
t1=$(timed "$bin" -j1 -f jsonl "$@" "$dataset/html" -o "$out/dechaff.jsonl")
tn=$(timed "$bin" -f jsonl "$@" "$dataset/html" -o "$out/dechaff-all.jsonl")
cmp -s "$out/dechaff.jsonl" "$out/dechaff-all.jsonl" || echo "WARNING: output differs between -j1 and all cores"

python3 - "$out/dechaff.jsonl" "$out/dechaff.json" <<'PY'
import json, sys
preds = {}
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        rec = json.loads(line)
        preds[rec["id"]] = {"articleBody": rec["text"]}
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    json.dump(preds, fh, ensure_ascii=False)
PY

by=()
grep -q '"page_type"' "$dataset/ground-truth.json" && by=(--by page_type)
python3 "$scorer" "$dataset/ground-truth.json" "$out/dechaff.json" "${by[@]}" --rows "$out/rows.tsv"
cores=$(nproc)
printf '\n# speed: %d pages; -j1 %.2fs = %.1f pages/s; -j%d %.2fs = %.1f pages/s (%.2fx)\n' \
  "$pages" "$t1" "$(echo "$pages / $t1" | bc -l)" "$cores" "$tn" "$(echo "$pages / $tn" | bc -l)" \
  "$(echo "$t1 / $tn" | bc -l)"
printf '# bare scraper parse (gunzip + parse, one thread): %.2fs; dechaff -j1 takes %.2fx that\n' \
  "$tp" "$(echo "$t1 / $tp" | bc -l)"
echo "# predictions and per-page rows in $out"
case "$(cd "$dataset" && pwd)" in
  */shared/eval/*) echo "# note: the classifier (src/score/model.rs) was trained on the ../shared/eval pages, so these" \
                        "figures are in-sample; scripts/train.py prints held-out (5-fold by page) figures." ;;
esac
