#!/usr/bin/env bash
# Benchmark a fleet: create → InService on 1 fresh test host, then on 4 with forks=4 (Debian 12),
# each fleet with an empty wheelhouse shared by its hosts (a directory of this machine mounted on
# each, as a controller-side cache or an NFS share would be). Prints the wall times and their
# ratio, and the bytes the hosts received over their network interfaces (all of it from outside
# this machine: package lists, .deb files, Python packages), with the wheelhouse's size.
# BENCH_KERNELS (default []) adds kernels. Usage: bench/fleet.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
machine
create_vars "$work/vars.yml"

declare -A wall bytes
for size in 1 4; do
  names=()
  for i in $(seq "$size"); do names+=("sagebox-fleet-$size-$i"); done
  for name in "${names[@]}"; do start_host "$name" bookworm "$work/fleet-$size"; done
  inventory "$work/inventory-$size.yml" "${names[@]}"
  declare -A before=()
  for name in "${names[@]}"; do before[$name]=$(rx_bytes "$name"); done
  wall[$size]=$(playbook create_notebook_instance "$work/inventory-$size.yml" "$work/fleet-$size.log" --forks 4)
  [ "$(grep -c 'InService in [0-9.]* s at' "$work/fleet-$size.log")" -eq "$size" ]
  bytes[$size]=0 each=()
  for name in "${names[@]}"; do
    received=$(( $(rx_bytes "$name") - before[$name] ))
    bytes[$size]=$((bytes[$size] + received)); each+=("$((received / 1000000))")
  done
  printf '%d host(s), forks=4: %s s, %d MB received by the hosts (each: %s MB), wheelhouse %s\n' "$size" \
    "$(seconds "${wall[$size]}")" $((bytes[$size] / 1000000)) "${each[*]}" \
    "$(du -sh "$work/fleet-$size/wheelhouse" | cut -f1)"
  podman rm -f "${names[@]}" >/dev/null
done
python3 -c "print(f'4 hosts vs 1: wall time ×{${wall[4]} / ${wall[1]}:.2f}, bytes received ×{${bytes[4]} / ${bytes[1]}:.2f}')"
