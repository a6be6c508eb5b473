#!/usr/bin/env bash
# Benchmark a fleet: create → InService on 1 fresh test host, then on 4 with forks=4, then on 4 whose
# apt goes through a package cache (the package_cache role's apt-cacher-ng on a fifth host) (Debian 12).
# Each fleet's hosts share one empty wheelhouse (a directory of this machine mounted on each, as a
# controller-side cache or an NFS share would be): the Python packages are fetched once per fleet.
# Prints the wall times, the bytes the hosts received over their network interfaces and, with the
# cache, what the cache fetched from outside and served; "from outside" is everything that did not
# come from the cache (package lists, .deb files, Python packages). BENCH_KERNELS (default []) adds
# kernels; BENCH_FLEETS (default "1 4 4-cache") picks the fleets (N, or N-cache for N hosts through the
# cache). Usage: bench/fleet.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
machine
create_vars "$work/vars.yml"

# The cache: apt-cacher-ng on its own fresh host, set up by the collection's role.
start_host sagebox-fleet-cache bookworm "$work/cache-pip"
inventory "$work/inventory-cache.yml" sagebox-fleet-cache
printf -- '- hosts: all\n  gather_facts: false\n  roles:\n    - {role: sagebox.notebook.package_cache, package_cache_port: 3142}\n' \
  >"$work/cache.yml"
ansible-playbook -i "$work/inventory-cache.yml" "$work/cache.yml" >"$work/cache.log" 2>&1 || { tail -n 30 "$work/cache.log" >&2; exit 1; }
cache_ip=$(podman exec sagebox-fleet-cache hostname -I | cut -d' ' -f1)
# cache_log I|O: the bytes the cache fetched from outside (I) or served (O), from its log.
cache_log() { podman exec sagebox-fleet-cache awk -F'|' -v kind="$1" '$2 == kind {s += $3} END {print s + 0}' \
  /var/log/apt-cacher-ng/apt-cacher.log 2>/dev/null || echo 0; }

declare -A wall outside
for fleet in ${BENCH_FLEETS:-1 4 4-cache}; do
  size=${fleet%%-*} names=() extra=()
  for i in $(seq "$size"); do names+=("sagebox-fleet-$fleet-$i"); done
  for name in "${names[@]}"; do start_host "$name" bookworm "$work/fleet-$fleet"; done
  inventory "$work/inventory-$fleet.yml" "${names[@]}"
  [ "$fleet" != "$size" ] && extra=(-e "notebook_instance_apt_proxy=http://$cache_ip:3142")
  declare -A before=()
  for name in "${names[@]}"; do before[$name]=$(rx_bytes "$name"); done
  fetched_before=$(cache_log I) served_before=$(cache_log O)
  wall[$fleet]=$(playbook create_notebook_instance "$work/inventory-$fleet.yml" "$work/fleet-$fleet.log" --forks 4 "${extra[@]}")
  [ "$(grep -c 'InService in [0-9.]* s at' "$work/fleet-$fleet.log")" -eq "$size" ]
  received=0 each=()
  for name in "${names[@]}"; do
    host=$(( $(rx_bytes "$name") - before[$name] ))
    received=$((received + host)); each+=("$((host / 1000000))")
  done
  fetched=$(( $(cache_log I) - fetched_before )) served=$(( $(cache_log O) - served_before ))
  outside[$fleet]=$((received - served + fetched))
  printf '%s host(s), forks=4%s: %s s, %d MB received by the hosts (each: %s MB), wheelhouse %s' "$size" \
    "$([ "$fleet" != "$size" ] && echo ", apt through the cache")" "$(seconds "${wall[$fleet]}")" \
    $((received / 1000000)) "${each[*]}" "$(du -sh "$work/fleet-$fleet/wheelhouse" | cut -f1)"
  [ "$fleet" != "$size" ] && printf '; the cache fetched %d MB from outside and served %d MB' \
    $((fetched / 1000000)) $((served / 1000000))
  printf '; from outside: %d MB\n' $((outside[$fleet] / 1000000))
  podman rm -f "${names[@]}" >/dev/null
done
if [ -n "${wall[1]:-}" ] && [ -n "${wall[4]:-}" ] && [ -n "${wall[4-cache]:-}" ]; then
  python3 -c "print(f'4 hosts vs 1: wall time ×{${wall[4]} / ${wall[1]}:.2f}, bytes from outside ×{${outside[4]} / ${outside[1]}:.2f};'
                   f' with the cache ×{${wall[4-cache]} / ${wall[1]}:.2f} and ×{${outside[4-cache]} / ${outside[1]}:.2f}')"
fi
