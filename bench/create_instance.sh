#!/usr/bin/env bash
# Benchmark CreateNotebookInstance on fresh local test hosts: time from a booted, empty
# host to InService (playbooks/create_notebook_instance.yml), and of a second run (no
# changes). Runs after `make setup`. Usage: bench/create_instance.sh [SUITE ...]
# BENCH_KERNELS (default [python3]) picks the kernels, built with the venv provider.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$root/.venv/bin:$PATH
export CONTAINERS_CONF=$root/tests/hosts/containers.conf
export ANSIBLE_COLLECTIONS_PATH=$root/.cache/collections
work=$(mktemp -d /var/tmp/sagebox-bench.XXXXXX)
trap 'podman rm -f "${hosts[@]}" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

suites=("${@:-bookworm}")
hosts=()
for suite in "${suites[@]}"; do
  name=sagebox-bench-$suite
  hosts+=("$name")
  podman rm -f "$name" >/dev/null 2>&1 || true
  podman run --detach --name "$name" --hostname "$name" --privileged --systemd=false \
    --volume "$root/.cache/pip-testhosts/$suite:/root/.cache/pip" \
    --volume "$root/.cache/pip-testhosts/$suite-user:/var/cache/sagebox-pip" \
    "localhost/sagebox-testhost:$suite" /lib/systemd/systemd >/dev/null
  {
    echo "notebook_instances:"
    echo "  hosts:"
    echo "    $name: {ansible_connection: containers.podman.podman, ansible_python_interpreter: /usr/bin/python3}"
  } >>"$work/inventory-$suite.yml"
done
{
  echo "ca_trust_certificates:"
  for crt in /usr/local/share/ca-certificates/*.crt; do
    [ -e "$crt" ] && echo "  - {name: controller-$(basename "$crt" .crt), src: $crt}"
  done
  true
} >"$work/vars.yml"
grep -q -- '- {' "$work/vars.yml" || echo "ca_trust_certificates: []" >"$work/vars.yml"
cat >>"$work/vars.yml" <<YAML
kernels_provider: venv
kernels_pip_wheelhouse: /var/cache/sagebox-pip/wheelhouse
notebook_instance_kernels: ${BENCH_KERNELS:-[python3]}
YAML

for suite in "${suites[@]}"; do
  name=sagebox-bench-$suite
  until podman exec "$name" systemctl is-system-running 2>/dev/null | grep -qE 'running|degraded'; do sleep 1; done
  for run in first second; do
    start=$(date +%s%N)
    ansible-playbook -i "$work/inventory-$suite.yml" -e "@$work/vars.yml" -e notebook_instance_name=bench-nb \
      -e notebook_instance_url=localhost:8443 "$root/playbooks/create_notebook_instance.yml" >"$work/$suite-$run.log"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    printf '%-9s %-6s run: %d.%01d s  (%s)\n' "$suite" "$run" $((ms / 1000)) $((ms % 1000 / 100)) \
      "$(grep -o 'is InService' "$work/$suite-$run.log" | head -n 1)"
  done
done
