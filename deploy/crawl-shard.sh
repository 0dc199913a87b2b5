#!/usr/bin/env bash
# One shard of a crawl: the command every crawler pod of deploy/k8s/crawl-job.yaml runs, and
# the one `make shards` and tests/e2e/shards.rs run locally.
#
#   JOB_COMPLETION_INDEX  this shard, 0-based (Kubernetes sets it in an Indexed Job)
#   SHARDS                how many shards (the Job's `completions`)
#   CRAWL_ID              the crawl's identity, the same for every shard (e.g. 2026-12)
#   LIST                  the top-site list, the same file for every shard
#   OUT                   this shard's folder (default: $RESULTS/$CRAWL_ID/shard-K)
#   RESULTS               where shard folders go when OUT is not set (default: results)
#   PIXELCENSUS           the binary (default: pixelcensus on PATH)
# Arguments are passed on to `pixelcensus crawl` (e.g. --webdriver URL, --consent all).
# A pod restarted on the same folder resumes its shard; a finished shard rerun is a no-op.
set -euo pipefail
: "${JOB_COMPLETION_INDEX:?set JOB_COMPLETION_INDEX (0-based shard index)}"
: "${SHARDS:?set SHARDS (number of shards)}"
: "${CRAWL_ID:?set CRAWL_ID (the same for every shard)}"
: "${LIST:?set LIST (the top-site list)}"
K=$((JOB_COMPLETION_INDEX + 1))
OUT=${OUT:-${RESULTS:-results}/$CRAWL_ID/shard-$K}
exec "${PIXELCENSUS:-pixelcensus}" crawl --list "$LIST" --out "$OUT" \
  --shard "$K/$SHARDS" --crawl-id "$CRAWL_ID" "$@"
