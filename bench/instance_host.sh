#!/usr/bin/env bash
# Benchmark an instance host: a fresh Debian 12 test host running nested podman, as the instance_host
# scenario does (docs/test-hosts.md), made an instance host by the collection's role. Figures:
#  - the platform image's build (build_platform_image: a builder built by the notebook_instance role, then
#    committed), once;
#  - a create from scratch: create_notebook_instance on the same host from the bare base image (tagged as
#    a platform of its own), so that the notebook_instance role installs everything;
#  - creates from the platform image → InService (create_notebook_instance -e sagebox_instance_hosts=…:
#    placement, the container with its volume, the role inside), BENCH_RUNS of them (default 3): median;
#  - stop (podman stop: systemd inside shuts down) and start → InService (podman start until Jupyter
#    answers on the instance's address) of one instance, BENCH_RUNS times each: medians;
#  - the memory an idle instance costs the host: its container's memory cgroup after a minute's rest.
# Usage: bench/instance_host.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
machine
runs=${BENCH_RUNS:-3}
host=sagebox-bench-instance-host
median() { python3 -c 'import statistics, sys; print(int(statistics.median(int(a) for a in sys.argv[1:])))' "$@"; }
# inner COMMAND...: podman inside the test host, with the instance host's settings.
inner() { podman exec "$host" env CONTAINERS_CONF=/etc/sagebox/containers.conf "$@"; }

start_host "$host" bookworm "$work/pip"
# The test host's podman, and the base image in it, as the scenario's prepare does it.
on_host "$host" bash -c 'apt-get update -q && apt-get install -y -q --no-install-recommends podman fuse-overlayfs netavark aardvark-dns' \
  >"$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log" >&2; exit 1; }
podman save localhost/sagebox-testhost:bookworm | podman exec -i "$host" podman load >/dev/null

"$root/tests/hosts/controller-ca-vars.sh" >"$work/vars.yml"
cat >>"$work/vars.yml" <<YAML
platform_image_base: localhost/sagebox-testhost:bookworm
platform_image_recipe: {kernels: [python3], kernels_provider: venv}
notebook_instance_kernels: [python3]
notebook_instance_kernels_provider: venv
notebook_instance_url: "{{ inventory_hostname }}:8443"
YAML
cat >"$work/inventory.yml" <<YAML
instance_hosts:
  hosts:
    $host:
      ansible_connection: podman_pipelining
      ansible_pipelining: true
      ansible_python_interpreter: /usr/bin/python3
      sagebox_instance_server_command: [podman, exec, -i, $host]
      sagebox_instance_server_shell: false
      instance_host_cpus: 4
      instance_host_cpu_overcommit: 4
      instance_host_memory_mib: 24576
      # As in the instance_host scenario (docs/test-hosts.md).
      instance_host_ulimits: ["nofile=1024:4096", "nproc=1024:4096"]
      instance_host_cgroup_manager: cgroupfs
YAML
playbook_ms() {  # NAME LOG ARGS...: one of the collection's playbooks on the instance host; its time in ms.
  playbook "$1" "$work/inventory.yml" "$work/$2" "${@:3}"
}
prepare_ms=$(printf -- '- hosts: instance_hosts\n  gather_facts: false\n  roles: [sagebox.notebook.instance_host]\n' >"$work/host.yml"
  start=$(now_ms); ansible-playbook -i "$work/inventory.yml" -e "@$work/vars.yml" "$work/host.yml" >"$work/host.log" 2>&1 \
    || { tail -n 30 "$work/host.log" >&2; exit 1; }; echo $(( $(now_ms) - start )))
echo "the instance_host role on a fresh test host: $(seconds "$prepare_ms") s"

build_ms=$(playbook_ms build_platform_image build.log)
echo "platform image build (builder, its build by the notebook_instance role, commit): $(seconds "$build_ms") s"

# A create from scratch: the same playbook from the bare base image, which the role must build up.
inner podman tag localhost/sagebox-testhost:bookworm localhost/sagebox/platform-bench-scratch:current
scratch_ms=$(playbook_ms create_notebook_instance scratch.log -e sagebox_instance_hosts=instance_hosts \
  -e notebook_instance_name=scratch -e notebook_instance_platform_identifier=bench-scratch)
echo "create from scratch → InService: $(seconds "$scratch_ms") s ($(grep -o 'new → InService in [0-9.]* s' "$work/scratch.log"))"

creates=()
for i in $(seq "$runs"); do
  creates+=("$(playbook_ms create_notebook_instance "create-$i.log" -e sagebox_instance_hosts=instance_hosts \
    -e notebook_instance_name="bench-$i")")
  echo "  create $i from the platform image: $(seconds "${creates[-1]}") s ($(grep -o 'new → InService in [0-9.]* s' "$work/create-$i.log"))"
done
create_ms=$(median "${creates[@]}")
echo "create from the platform image → InService, median of $runs: $(seconds "$create_ms") s (goal ≤ 10 s: $(goal "$(seconds "$create_ms")" 10));" \
  "a build from scratch $(python3 -c "print(f'{$scratch_ms / $create_ms:.1f}')") times as long"

# Stop and start of bench-1, BENCH_RUNS times each: with the README's playbooks (the ledger, the container,
# the instance inside: what a user runs), and of its container alone (podman stop: systemd inside shuts down;
# podman start until Jupyter answers at the instance's address, read again after each start).
lifecycle=(-e sagebox_instance_hosts=instance_hosts -e notebook_instance_name=bench-1)
stops=() starts=() container_stops=() container_starts=()
for i in $(seq "$runs"); do
  stops+=("$(playbook_ms stop_notebook_instance "stop-$i.log" "${lifecycle[@]}")")
  starts+=("$(playbook_ms start_notebook_instance "start-$i.log" "${lifecycle[@]}")")
  start=$(now_ms); inner podman stop --time 30 bench-1 >/dev/null; container_stops+=($(( $(now_ms) - start )))
  start=$(now_ms); inner podman start bench-1 >/dev/null
  address=$(inner podman inspect --format '{{.NetworkSettings.Networks.sagebox.IPAddress}}' bench-1)
  deadline=$(( $(now_ms) + 120000 ))
  until on_host "$host" curl --silent --insecure --max-time 1 --output /dev/null "https://$address:8443/api/status"; do
    (( $(now_ms) < deadline )) || { echo "bench-1's Jupyter did not answer at $address within 120 s" >&2; exit 1; }
    sleep 0.1
  done
  container_starts+=($(( $(now_ms) - start )))
done
stops_ms=$(median "${stops[@]}") starts_ms=$(median "${starts[@]}")
container_stops_ms=$(median "${container_stops[@]}") container_starts_ms=$(median "${container_starts[@]}")
echo "stop_notebook_instance (playbook), median of $runs: $(seconds "$stops_ms") s;" \
  "its container alone (systemd inside shuts down): $(seconds "$container_stops_ms") s (goal ≤ 2 s: $(goal "$(seconds "$container_stops_ms")" 2))"
echo "start_notebook_instance → InService (playbook), median of $runs: $(seconds "$starts_ms") s;" \
  "its container alone → Jupyter answering: $(seconds "$container_starts_ms") s (goal ≤ 3 s: $(goal "$(seconds "$container_starts_ms")" 3))"

# An idle instance's memory: its container's memory cgroup (cgroup v1 in the test host) after a minute.
sleep 60
id=$(inner podman inspect --format '{{.Id}}' bench-1)
stat=$(on_host "$host" sh -c "cat \$(find /sys/fs/cgroup/memory -type d -name 'libpod-$id*' | head -n 1)/memory.stat")
rss=$(awk '$1 == "total_rss" {print int($2 / 1048576)}' <<<"$stat")
cache=$(awk '$1 == "total_cache" {print int($2 / 1048576)}' <<<"$stat")
echo "an idle instance (Jupyter, no kernel running): $rss MiB resident, $cache MiB page cache (goal ≤ 200 MiB: $(goal "$rss" 200))"
