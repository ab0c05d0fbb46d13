#!/usr/bin/env bash
# `make test` from a fresh clone of HEAD, the way CI runs it (../shared beside the clone when there
# is one; the virtual environments built from the package index), timed.  Writes
# docs/make-test.json, which the benchmark report (bench/report.py) shows beside its targets, and
# keeps the run's output in build/make-test-fresh.log and its jobs' logs in build/make-test-fresh-logs/.
# Exits with make test's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lms-fresh.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
if [ -d ../shared ]; then cp -r ../shared "$scratch/shared"; fi
git clone -q "$root" "$scratch/lms"
commit=$(git -C "$scratch/lms" rev-parse --short=12 HEAD)
mkdir -p build
echo "make test in a fresh clone of $commit ($scratch/lms); output in build/make-test-fresh.log"
started=$(date +%s)
rc=0
(cd "$scratch/lms" && make --no-print-directory test) >build/make-test-fresh.log 2>&1 || rc=$?
took=$(($(date +%s) - started))
# each job's log (the integration logs list their slowest tests), kept after the clone is removed
rm -rf build/make-test-fresh-logs && cp -r "$scratch/lms/build/logs" build/make-test-fresh-logs 2>/dev/null || true
python3 - "$commit" "$took" "$rc" "$(nproc)" >docs/make-test.json <<'PY'
import datetime, json, sys
commit, took, rc, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
print(json.dumps({"commit": commit, "date": date, "wall_s": took, "rc": rc, "cores": cores}, indent=2))
PY
tail -n 14 build/make-test-fresh.log
printf 'make test from a fresh clone of %s: %dm%02ds, exit code %d (docs/make-test.json)\n' "$commit" $((took / 60)) $((took % 60)) "$rc"
exit "$rc"
