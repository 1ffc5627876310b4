#!/usr/bin/env bash
# Regenerates onnx/src/main/java/io/github/fastvision/onnx/proto/OnnxProto.java from the pinned
# onnx/src/main/proto/onnx.proto with protoc from Maven Central, at the version of the
# protobuf-java runtime the build uses (gencode and runtime must agree).
# Usage: tools/generate_onnx_proto.sh           regenerate the checked-in file
#        tools/generate_onnx_proto.sh --check   fail if the checked-in file differs
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's:.*<protobuf.version>\(.*\)</protobuf.version>.*:\1:p' pom.xml)
[ -n "$version" ] || { echo "pom.xml has no <protobuf.version> property" >&2; exit 1; }
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) classifier=linux-x86_64 ;;
  Linux-aarch64) classifier=linux-aarch_64 ;;
  Darwin-x86_64) classifier=osx-x86_64 ;;
  Darwin-arm64) classifier=osx-aarch_64 ;;
  *) echo "no protoc build for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mvn -B -q dependency:copy -Dartifact="com.google.protobuf:protoc:$version:exe:$classifier" \
    -DoutputDirectory="$work"
protoc="$work/protoc-$version-$classifier.exe"
chmod +x "$protoc"
mkdir -p "$work/out"
"$protoc" --proto_path=onnx/src/main/proto --java_out="$work/out" onnx/src/main/proto/onnx.proto

generated="$work/out/io/github/fastvision/onnx/proto/OnnxProto.java"
target=onnx/src/main/java/io/github/fastvision/onnx/proto/OnnxProto.java
if [ "${1:-}" = "--check" ]; then
  diff -q "$generated" "$target" >/dev/null || { echo "$target is stale: run $0" >&2; exit 1; }
  echo "$target matches protoc $version"
else
  mkdir -p "$(dirname "$target")"
  cp "$generated" "$target.tmp"
  mv "$target.tmp" "$target"
  echo "wrote $target with protoc $version"
fi
