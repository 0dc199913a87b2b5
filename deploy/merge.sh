#!/usr/bin/env bash
# The merge step: every shard folder of a crawl into one, with every dataset. The command of
# deploy/k8s/merge-job.yaml, and of `make shards` and tests/e2e/shards.rs locally.
#
#   CRAWL_ID     the crawl's identity
#   RESULTS      where the shard folders are: $RESULTS/$CRAWL_ID/shard-* (default: results)
#   MERGED       the merged folder (default: $RESULTS/$CRAWL_ID/merged)
#   PIXELCENSUS  the binary (default: pixelcensus on PATH)
# Arguments are passed on to `pixelcensus merge` (e.g. --partial, --rules FILE).
set -euo pipefail
: "${CRAWL_ID:?set CRAWL_ID}"
ROOT=${RESULTS:-results}/$CRAWL_ID
shopt -s nullglob
SHARD_DIRS=("$ROOT"/shard-*)
[ ${#SHARD_DIRS[@]} -gt 0 ] || { echo "merge.sh: no shard folders under $ROOT" >&2; exit 1; }
exec "${PIXELCENSUS:-pixelcensus}" merge --out "${MERGED:-$ROOT/merged}" "$@" "${SHARD_DIRS[@]}"
