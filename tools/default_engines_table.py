#!/usr/bin/env python3
"""Reads the JSON files of tools/measure_default_engines.sh and prints, per model, the PyTorch
and ONNX Runtime latency at batch 1 and their ratio as a Markdown table, then the
default-engines.properties lines (ONNX Runtime where it was faster).

    tools/default_engines_table.py target/default-engines
"""
import json
import os
import sys


def main():
    out = sys.argv[1]
    rows = []
    for name in sorted(os.listdir(out)):
        if not name.endswith(".json"):
            continue
        model = name[: -len(".json")]
        try:
            with open(os.path.join(out, name)) as f:
                doc = json.load(f)
        except (ValueError, OSError):
            rows.append((model, None, None))
            continue
        ms = {r.get("engine"): r["latency_ms"] for r in doc.get("rows", []) if r.get("batch") == 1}
        rows.append((model, ms.get("PyTorch"), ms.get("OnnxRuntime")))
    print("| model | PyTorch (ms) | ONNX Runtime (ms) | PyTorch / ORT | default |")
    print("|---|---:|---:|---:|---|")
    lines = []
    for model, torch, ort in rows:
        if torch is None or ort is None:
            print(f"| {model} | {fmt(torch)} | {fmt(ort)} | – | PyTorch (not measured on both) |")
            continue
        ratio = torch / ort
        engine = "OnnxRuntime" if ratio > 1 else "PyTorch"
        print(f"| {model} | {torch:.1f} | {ort:.1f} | {ratio:.2f} | {engine} |")
        if engine == "OnnxRuntime":
            lines.append(f"{model}=OnnxRuntime")
    print()
    print("\n".join(lines))


def fmt(v):
    return "–" if v is None else f"{v:.1f}"


if __name__ == "__main__":
    main()
