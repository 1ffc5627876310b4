#!/usr/bin/env bash
# `predict` throughput on a directory of PNG files against `bench models` for the same model,
# batch and thread count, on the default engine and on PyTorch, in one run (idle machine).
#
#   tools/make_predict_bench_images.py /tmp/pb224 1000 224
#   tools/measure_predict_throughput.sh /tmp/pb224 resnet50 fasternet_t0 > predict.txt
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$1"
shift
for m in "$@"; do
  echo "== $m (load $(cut -d' ' -f1 /proc/loadavg))"
  for engine in default PyTorch; do
    args=()
    [ "$engine" = default ] || args=(--engine "$engine")
    ./fastvision predict --model "$m" "$dir" --batch 32 --threads 1 --top 1 --json "${args[@]}" \
      2> /dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("predict %-12s %-11s %6.2f images/s over %d images, load %.2f s" % (
    d["model"], d["engine"], d["images_per_second"], len(d["predictions"]), d["load_seconds"]))'
  done
  ./fastvision bench models --quick --engine both --batch 32 --threads 1 --models "$m" --json \
    2> /dev/null | python3 -c '
import json, sys
for r in json.load(sys.stdin)["rows"]:
    print("bench   %-12s %-11s %6.2f images/s" % (r["name"], r["engine"], r["throughput"]))'
done
