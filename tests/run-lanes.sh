#!/usr/bin/env bash
# Run each argument (a shell command) as a lane, all lanes at once. `make test` runs the checks and
# the Molecule scenarios in four lanes: the build machines have 2 cores, and much of a scenario is
# spent waiting on package downloads and services.
# While they run, each lane's progress (its "=== " lines and Molecule's steps) is printed as it
# comes; each lane's whole output is printed when all have ended, and kept in $SAGEBOX_LANE_LOGS.
# A lane still running after SAGEBOX_LANE_TIMEOUT seconds (default 4800) is stopped and fails, so
# that its output is printed before an outer time limit cuts the whole run.
# Exits non-zero when any lane fails.
set -uo pipefail

logs=${SAGEBOX_LANE_LOGS:-.cache/lanes}
limit=${SAGEBOX_LANE_TIMEOUT:-4800}
progress='^=== |^INFO +\[[a-z_]+ > [a-z]+\] Executing$|^kill_at: '
mkdir -p "$logs"
pids=()
n=0
for command in "$@"; do
  n=$((n + 1))
  echo "=== lane $n: $command (output: $logs/lane-$n.log)"
  (
    start=$SECONDS
    # timeout(1) signals the lane's whole process group.
    timeout --kill-after=60 "$limit" bash -c "$command" 2>&1 | tee "$logs/lane-$n.log" \
      | grep --line-buffered -E "$progress" \
      | while IFS= read -r line; do printf '%s [lane %d] %s\n' "$(date -u +%T)" "$n" "$line"; done
    rc=${PIPESTATUS[0]}
    case $rc in
      124|137) echo "=== lane $n stopped after $((SECONDS - start)) s: still running at SAGEBOX_LANE_TIMEOUT=$limit s" ;;
      *) echo "=== lane $n ended with $rc after $((SECONDS - start)) s" ;;
    esac | tee -a "$logs/lane-$n.log"
    exit "$rc"
  ) &
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
