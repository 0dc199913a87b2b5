#!/usr/bin/env bash
# The Kubernetes flow on one machine (`make shards N=3`): the built-in test web served on a
# free loopback port, its list crawled as N shards at once — each through crawl-shard.sh with
# JOB_COMPLETION_INDEX 0..N-1, as the Indexed Job's pods run it — then merge.sh.
#   local-shards.sh [N] [RESULTS]     (defaults: 3, results/shards)
set -euo pipefail
N=${1:-3}
export RESULTS=${2:-results/shards}
export PIXELCENSUS=${PIXELCENSUS:-pixelcensus}
export CRAWL_ID=demo-shards SHARDS=$N
here=$(dirname "$0")
mkdir -p "$RESULTS"
export LIST=$RESULTS/demo-sites.csv
"$PIXELCENSUS" testweb --print-list > "$LIST"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PIXELCENSUS" testweb --port "$port" >/dev/null 2>&1 &
web=$!
trap 'kill $web 2>/dev/null' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
pids=()
for i in $(seq 0 $((N - 1))); do
  JOB_COMPLETION_INDEX=$i "$here/crawl-shard.sh" --host-map "MAP * 127.0.0.1:$port" --insecure \
    --browsers 1 > "$RESULTS/shard-$((i + 1)).log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { echo "shard $((i + 1)) failed: see $RESULTS/shard-$((i + 1)).log" >&2; failed=1; }
done
[ $failed = 0 ] || exit 1
"$here/merge.sh"
echo "merged crawl: $RESULTS/$CRAWL_ID/merged (report.html and the datasets); shard logs in $RESULTS"
