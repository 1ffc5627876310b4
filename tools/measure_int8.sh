#!/usr/bin/env bash
# int8 against fp32 on ONNX Runtime for the INT8 target models, in one run per model (idle
# machine): each model is quantized with random weights, calibrated on N images of a directory,
# then `bench models` measures the fp32 weights and the int8 directory side by side.
#
#   tools/make_predict_bench_images.py /tmp/pb224 1000 224
#   tools/measure_int8.sh /tmp/pb224 target/int8 "1,32" 1 > int8.txt
set -euo pipefail
cd "$(dirname "$0")/.."
calibration="$1"
out="${2:-target/int8}"
batches="${3:-1,32}"
threads="${4:-1}"
models="${MODELS:-fasternet_t0 fasternet_t1 rexnet_100 resnet50 resnet50_hybrid resnet50_max convnext_tiny vit_small}"
mkdir -p "$out"
for m in $models; do
  if [ ! -f "$out/int8/$m/$m.int8.onnx" ]; then
    rm -rf "$out/int8/$m" "$out/fp32/$m"
    mkdir -p "$out/int8" "$out/fp32/$m"
    ./fastvision quantize --model "$m" --calibration "$calibration" --samples 32 \
      --out "$out/int8/$m" > /dev/null
    cp "$out/int8/$m/$m.fvw" "$out/fp32/$m/$m.fvw"
  fi
  ./fastvision bench models --quick --engine OnnxRuntime --batch "$batches" --threads "$threads" \
    --models "$m" --weights "$out/fp32/$m/$m.fvw,$out/int8/$m/$m.fvw" --json 2> "$out/$m.log" \
    | python3 -c '
import json, sys
rows = json.load(sys.stdin)["rows"]
by = {}
for r in rows:
    by[(r["precision"], r["batch"])] = r["latency_ms"]
for b in sorted({k[1] for k in by}):
    f, q = by.get(("fp32", b)), by.get(("int8", b))
    if f and q:
        print("%-16s threads %s batch %3d  fp32 %9.2f ms  int8 %9.2f ms  %.2fx" % (
            sys.argv[1], sys.argv[2], b, f, q, f / q))
' "$m" "$threads"
done
