#!/usr/bin/env bash
# `make demo`: start a local test host (a privileged systemd container from the test-host
# image) and run playbooks/create_notebook_instance.yml on it, then show the result.
# The host stays up for a look around: `podman exec -it sagebox-demo bash`;
# remove it with `podman rm -f sagebox-demo`.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
name=${SAGEBOX_DEMO_HOST:-sagebox-demo}
suite=${SAGEBOX_DEMO_SUITE:-bookworm}
work=$root/.cache/demo
export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/tests/hosts/containers.conf}

if ! podman container exists "$name"; then
  echo "starting test host $name (localhost/sagebox-testhost:$suite)"
  podman run --detach --name "$name" --hostname "$name" --privileged --systemd=false \
    "localhost/sagebox-testhost:$suite" /lib/systemd/systemd >/dev/null
elif [ "$(podman inspect --format '{{.State.Running}}' "$name")" != true ]; then
  podman start "$name" >/dev/null
fi

mkdir -p "$work"
cat >"$work/inventory.yml" <<YAML
notebook_instances:
  hosts:
    $name:
      ansible_connection: containers.podman.podman
      ansible_python_interpreter: /usr/bin/python3
YAML
# The controller's extra CA certificates (a TLS-inspecting proxy's, say) are trusted on the host.
{
  echo "ca_trust_certificates:"
  for crt in /usr/local/share/ca-certificates/*.crt; do
    [ -e "$crt" ] && echo "  - {name: controller-$(basename "$crt" .crt), src: $crt}"
  done
  true
} >"$work/vars.yml"
grep -q -- '- {' "$work/vars.yml" || echo "ca_trust_certificates: []" >"$work/vars.yml"

# Wait for systemd in the host to finish booting (its bus comes up first).
for _ in $(seq 120); do
  state=$(podman exec "$name" systemctl is-system-running 2>/dev/null || true)
  case $state in running|degraded) break ;; esac
  sleep 1
done
ansible-playbook -i "$work/inventory.yml" -e "@$work/vars.yml" "$root/playbooks/create_notebook_instance.yml"

echo
echo "== on $name:"
for path in /home/ec2-user/SageMaker /tmp; do
  podman exec "$name" findmnt --noheadings --output TARGET,SOURCE,FSTYPE,SIZE,OPTIONS --mountpoint "$path"
done
podman exec "$name" df -h /home/ec2-user/SageMaker /tmp
echo
echo "Look around: podman exec -it $name bash    Remove: podman rm -f $name"
