#!/usr/bin/env bash
# Benchmark the kernels role with the venv provider: install time and disk size of each kernel's
# environment on a fresh test host with an empty pip download cache, then on a second fresh host
# with the cache the first one filled. Runs after `make setup`. Usage: bench/kernels.sh [SUITE]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$root/.venv/bin:$PATH
export CONTAINERS_CONF=$root/tests/hosts/containers.conf
export ANSIBLE_COLLECTIONS_PATH=$root/.cache/collections
export ANSIBLE_CONNECTION_PLUGINS=$root/tests/hosts/connection_plugins
export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=all
suite=${1:-bookworm}
name=sagebox-bench-kernels
work=$(mktemp -d /var/tmp/sagebox-bench.XXXXXX)
mkdir -p "$work/cache"
trap 'podman rm -f "$name" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

{
  echo "ca_trust_certificates:"
  for crt in /usr/local/share/ca-certificates/*.crt; do
    [ -e "$crt" ] && echo "  - {name: controller-$(basename "$crt" .crt), src: $crt}"
  done
  true
} >"$work/vars.yml"
grep -q -- '- {' "$work/vars.yml" || echo "ca_trust_certificates: []" >"$work/vars.yml"
cat >>"$work/vars.yml" <<'YAML'
notebook_instance_kernels_provider: venv
kernels_pip_wheelhouse: /var/cache/sagebox-pip/wheelhouse
YAML
echo "notebook_instances: {hosts: {$name: {ansible_connection: podman_pipelining, ansible_pipelining: true, ansible_python_interpreter: /usr/bin/python3}}}" \
  >"$work/inventory.yml"

echo "kernels on $suite, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); pip cache $work/cache"
for run in empty-cache warm-cache; do
  podman rm -f "$name" >/dev/null 2>&1 || true
  # Root's pip cache (Jupyter's environment) is the shared one; the notebook user's is this run's.
  podman run --detach --name "$name" --hostname "$name" --privileged --systemd=false \
    --volume "$root/.cache/pip-testhosts/$suite:/root/.cache/pip" \
    --volume "$work/cache:/var/cache/sagebox-pip" \
    "localhost/sagebox-testhost:$suite" /lib/systemd/systemd >/dev/null
  until podman exec "$name" systemctl is-system-running 2>/dev/null | grep -qE 'running|degraded'; do sleep 1; done
  start=$SECONDS
  ansible-playbook -i "$work/inventory.yml" -e "@$work/vars.yml" -e notebook_instance_name=bench-kernels \
    -e notebook_instance_url=localhost:8443 "$root/playbooks/create_notebook_instance.yml" >"$work/$run.log"
  echo "== $run: create to InService $((SECONDS - start)) s; pip cache $(du -sh "$work/cache" | cut -f1)"
  # profile_tasks lists every task with its time: add up what each kernel's environment took
  # (make, download into the wheelhouse, install, import check), and the OS packages.
  seconds() { grep -E -- "$1" "$work/$run.log" | grep -oE '[0-9.]+s$' | tr -d s | awk '{t += $1} END {printf "%.1f s", t}'; }
  printf '   %-12s %9s\n' "OS packages" "$(seconds 'kernels : Install the OS packages')"
  for env in python3 tensorflow2 mxnet pyspark; do
    size=$(podman exec "$name" sh -c "du -sh /home/ec2-user/anaconda3/envs/${env}* | cut -f1")
    printf '   %-12s %9s   download %9s   size %6s\n' "$env" "$(seconds "kernels : .* conda_${env}[_a-z0-9]* -+ ")" \
      "$(seconds "Download into the wheelhouse .* conda_${env}[_a-z0-9]* -+ ")" "$size"
  done
done
