#!/usr/bin/env bash
# Run each argument (a shell command) as a lane, all lanes at once, and print each lane's output
# whole when it ends. `make test` runs the Molecule scenarios in two lanes: the build machines
# have 2 cores, and much of a scenario is spent waiting on package downloads and services.
# Exits non-zero when any lane fails.
set -uo pipefail

logs=${SAGEBOX_LANE_LOGS:-.cache/lanes}
mkdir -p "$logs"
pids=()
n=0
for command in "$@"; do
  n=$((n + 1))
  echo "=== lane $n: $command (output: $logs/lane-$n.log)"
  ( start=$SECONDS; bash -c "$command"; rc=$?
    echo "=== lane $n ended with $rc after $((SECONDS - start)) s"; exit $rc ) >"$logs/lane-$n.log" 2>&1 &
  pids+=("$!")
done

failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then failed=1; fi
done
for i in "${!pids[@]}"; do
  echo "=================== lane $((i + 1)) ==================="
  cat "$logs/lane-$((i + 1)).log"
done
grep -h "^=== " "$logs"/lane-*.log
exit $failed
