#!/usr/bin/env bash
# spark-predict throughput over one directory of images: local[2], then spark-submit against a
# standalone cluster of a Master and two one-core Workers (separate JVMs on 127.0.0.1, started from
# the Maven jars), then `predict`, in one run. Needs `mvn -B -DskipTests package` first.
#
#   tools/make_predict_bench_images.py /tmp/sb64 10000 64
#   tools/measure_spark_cluster.sh /tmp/sb64 run/test_fasternet.fvw test_fasternet > cluster.txt
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$1"
weights="$2"
model="${3:-test_fasternet}"
work="$(mktemp -d /tmp/fv-spark-cluster.XXXXXX)"
root="$PWD"
VERSION="0.1.0-SNAPSHOT"
APP="$root/examples/target/fastvision-examples-$VERSION.jar"
LIB="$root/examples/target/lib"

# SPARK_HOME/jars: Spark's own jars (the spark module's provided scope), as a distribution has them.
export SPARK_HOME="$work/spark-home"
export SPARK_SCALA_VERSION=2.13
export SPARK_LOCAL_IP=127.0.0.1
mkdir -p "$SPARK_HOME/jars"
mvn -B -o -q -pl spark dependency:build-classpath -Dmdep.includeScope=provided \
  -Dmdep.outputFile="$work/spark.cp" > /dev/null
tr ':' '\n' < "$work/spark.cp" | while read -r j; do
  [ -n "$j" ] && ln -sf "$j" "$SPARK_HOME/jars/$(basename "$j")"
done

OPENS=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
    java.util.concurrent java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action \
    sun.util.calendar; do
  OPENS="$OPENS --add-opens=java.base/$p=ALL-UNNAMED"
done

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086
java -Xmx256m $OPENS -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port 0 > "$work/master.log" 2>&1 &
pids+=($!)
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  (echo > "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break
  sleep 1
done
for w in 1 2; do
  # shellcheck disable=SC2086
  java -Xmx256m $OPENS -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 3g --webui-port 0 --work-dir "$work/worker-$w" \
    "spark://127.0.0.1:$port" > "$work/worker-$w.log" 2>&1 &
  pids+=($!)
done
sleep 5

summary() {
  python3 -c '
import json, sys
d = json.load(sys.stdin)
loads = ", ".join("%s %.2f s" % (l["executor"], l["seconds"]) for l in d.get("model_loads", []))
print("%-26s %6d rows %7.1f s %8.1f images/s  loads: %s  rss %s -> %s MiB" % (
    sys.argv[1], d["rows"], d["seconds"], d["images_per_second"], loads,
    d.get("rss_first_mib"), d.get("rss_last_mib")))' "$1"
}

echo "== $(date -u +%FT%TZ) $model over $(find "$dir" -type f | wc -l) files, load $(cut -d' ' -f1-3 /proc/loadavg)"
./fastvision spark-predict --master 'local[2]' --input "$dir" --output "$work/local.parquet" \
  --model "$model" --weights "$weights" --batch 32 --top 3 --json 2> /dev/null | summary "spark-predict local[2]"

# The documented spark-submit: the app jar plus every jar the cluster's Spark lacks.
JARS=$(for j in "$LIB"/*.jar; do
  [ -e "$SPARK_HOME/jars/$(basename "$j")" ] || printf '%s,' "$j"; done)
# shellcheck disable=SC2086
java -Xmx2g $OPENS -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit \
  --master "spark://127.0.0.1:$port" --deploy-mode client \
  --class io.github.fastvision.examples.FastVisionCli \
  --jars "${JARS%,}" \
  --driver-java-options -Dai.djl.offline=true \
  --conf spark.executor.extraJavaOptions=-Dai.djl.offline=true \
  --conf spark.driver.host=127.0.0.1 --conf spark.ui.enabled=false \
  --conf spark.executor.cores=1 --conf spark.cores.max=2 --conf spark.executor.memory=1g \
  "$APP" \
  spark-predict --input "$dir" --output "$work/cluster.parquet" \
  --model "$model" --weights "$weights" --batch 32 --top 3 --json 2> "$work/submit.log" \
  | summary "spark-submit 2 workers"

./fastvision predict --model "$model" --weights "$weights" --batch 32 --top 3 --json "$dir" \
  2> /dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("%-26s %6d rows %7s   %8.1f images/s  load %.2f s" % (
    "predict", len(d["predictions"]), "", d["images_per_second"], d["load_seconds"]))'
echo "== load after $(cut -d' ' -f1-3 /proc/loadavg); logs in $work"
