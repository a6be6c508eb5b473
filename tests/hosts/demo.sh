#!/usr/bin/env bash
# `make demo`: start a local test host (a privileged systemd container from the test-host
# image), create a notebook instance on it (playbooks/create_notebook_instance.yml), print a
# presigned URL (playbooks/presign_notebook_instance_url.yml) and open it once to show it works.
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
  # The tests' wheelhouse: kernels' packages downloaded once serve the demo too.
  podman run --detach --name "$name" --hostname "$name" --privileged --systemd=false \
    --volume "$root/.cache/pip-testhosts/$suite-user:/var/cache/sagebox-pip" \
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
# No conda channel is reachable from here: the kernels' environments come from PyPI.
printf 'kernels_provider: venv\nkernels_pip_wheelhouse: /var/cache/sagebox-pip/wheelhouse\n' >>"$work/vars.yml"

# Wait for systemd in the host to finish booting (its bus comes up first).
for _ in $(seq 120); do
  state=$(podman exec "$name" systemctl is-system-running 2>/dev/null || true)
  case $state in running|degraded) break ;; esac
  sleep 1
done
address=$(podman inspect --format '{{.NetworkSettings.IPAddress}}' "$name")
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$root/.cache/collections}
ansible-playbook -i "$work/inventory.yml" -e "@$work/vars.yml" \
  -e notebook_instance_name="${SAGEBOX_DEMO_INSTANCE:-demo-nb}" -e notebook_instance_url="$address:8443" \
  "$root/playbooks/create_notebook_instance.yml"

presign() {
  ansible-playbook -i "$work/inventory.yml" "$root/playbooks/presign_notebook_instance_url.yml" \
    | grep -o 'https://[^ "]*authToken=[^ "]*' | head -n 1
}
podman cp "$name:/etc/sagebox/jupyter/tls/jupyter.crt" "$work/instance.crt"

echo
echo "== on $name:"
for path in /home/ec2-user/SageMaker /tmp; do
  podman exec "$name" findmnt --noheadings --output TARGET,SOURCE,FSTYPE,SIZE,OPTIONS --mountpoint "$path"
done
podman exec "$name" systemctl --no-pager --lines 0 status jupyter-server | head -n 3

# Open one URL as a browser would, verifying the instance's certificate.
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
login=$(curl --silent --cacert "$work/instance.crt" --cookie-jar "$jar" --output /dev/null \
  --write-out '%{http_code} -> %{redirect_url}' "$(presign)")
status=$(curl --silent --cacert "$work/instance.crt" --cookie "$jar" "https://$address:8443/api/status")
echo "== a presigned URL opened with curl: $login; /api/status in that session: $status"

echo
echo "== your presigned URL (valid 5 minutes, once; the certificate is self-signed: $work/instance.crt):"
presign
echo
echo "Look around: podman exec -it $name bash    Remove: podman rm -f $name"
