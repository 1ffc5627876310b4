#!/usr/bin/env bash
# Measures every zoo classifier on both engines (fastvision's block tree on PyTorch, fastvision's
# ONNX export on ONNX Runtime) at batch 1 and one intra-op thread with `bench models --quick`, one
# JSON file per model, then prints the default-engines table: the faster engine per model.
# Run it on an idle machine (check /proc/loadavg); models already measured in OUT are skipped.
#
#   tools/measure_default_engines.sh [OUT]        # default OUT: target/default-engines
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/default-engines}"
mkdir -p "$out"
models=$(./fastvision zoo --json | python3 -c '
import json, sys
for m in json.load(sys.stdin)["models"]:
    if m["family"] != "HRNet":
        print(m["name"])')
for m in $models; do
  if [ -s "$out/$m.json" ]; then
    continue
  fi
  echo "$(date -u +%H:%M:%S) $m (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  if ! timeout 300 ./fastvision bench models --quick --engine both --batch 1 --threads 1 --models "$m" \
      --json > "$out/$m.json.tmp" 2> "$out/$m.log"; then
    echo "  $m failed, see $out/$m.log" >&2
  fi
  mv "$out/$m.json.tmp" "$out/$m.json"
done
python3 tools/default_engines_table.py "$out"
