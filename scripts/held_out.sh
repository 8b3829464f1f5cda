#!/usr/bin/env bash
# Held-out accuracy of the whole pipeline (selection, fallback, merging), not
# just the classifier: runs examples/held_out.rs with the out-of-fold
# probabilities of `scripts/train.py --stages 2 --oof FILE` (they land in
# FILE.s2) over both shared datasets and prints the scorer's summary.
#
#   scripts/held_out.sh FILE.s2 [--no-merge]
set -euo pipefail
oof=${1:?usage: scripts/held_out.sh OOF.json.s2 [--no-merge]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
eval_dir=${EVAL:-$here/../shared/eval}
out=${OUT:-$(mktemp -d)}
cargo build --release --quiet --manifest-path "$here/Cargo.toml" --features eval-hooks \
  --example held_out
for d in scrapinghub wcxb-dev; do
  "$here/target/release/examples/held_out" "$@" "$oof" "$eval_dir/$d" > "$out/$d.json"
  by=()
  grep -q '"page_type"' "$eval_dir/$d/ground-truth.json" && by=(--by page_type)
  python3 "$eval_dir/score.py" "$eval_dir/$d/ground-truth.json" "$out/$d.json" "${by[@]}"
done
