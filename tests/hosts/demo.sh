#!/usr/bin/env bash
# `make demo`: start a local test host (a privileged systemd container from the test-host
# image, Jupyter's port published on 127.0.0.1), create notebook instance `demo` on it with the
# four kernels (playbooks/create_notebook_instance.yml, venv provider), print a presigned URL
# (playbooks/presign_notebook_instance_url.yml) and open it once to show it works.
# The host stays up for a look around: `podman exec -it sagebox-demo bash`;
# remove it with `podman rm -f sagebox-demo`.
set -euo pipefail

started=$SECONDS
step() { printf '[%02d:%02d] %s\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)) "$*"; }

root=$(cd "$(dirname "$0")/../.." && pwd)
name=${SAGEBOX_DEMO_HOST:-sagebox-demo}
suite=${SAGEBOX_DEMO_SUITE:-bookworm}
work=$root/.cache/demo
export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/tests/hosts/containers.conf}

port=${SAGEBOX_DEMO_PORT:-8443}
instance=${SAGEBOX_DEMO_INSTANCE:-demo}
# A demo host that podman records as running but that runs no command (its processes gone while
# podman's state stayed, as after the machine was restored from a snapshot) is replaced.
if [ "$(podman inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" = true ] \
  && ! podman exec "$name" true >/dev/null 2>&1; then
  step "replacing the demo host $name (podman says it runs, but it runs no command)"
  podman rm -f "$name" >/dev/null
fi
# A demo host from an older demo, without the published port, is replaced.
if podman container exists "$name" && [ -z "$(podman port "$name" 8443/tcp 2>/dev/null)" ]; then
  step "replacing the old demo host $name (it does not publish Jupyter's port)"
  podman rm -f "$name" >/dev/null
fi
if ! podman container exists "$name"; then
  step "starting test host $name (localhost/sagebox-testhost:$suite), Jupyter on 127.0.0.1:$port"
  # The tests' wheelhouse: kernels' packages downloaded once serve the demo too.
  podman run --detach --name "$name" --hostname "$name" --privileged --systemd=false \
    --publish "127.0.0.1:$port:8443" \
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
      # containers.podman.podman with pipelining (tests/hosts/connection_plugins): one command per
      # task, as over SSH.
      ansible_connection: podman_pipelining
      ansible_pipelining: true
      ansible_python_interpreter: /usr/bin/python3
YAML
# Everything the demo's playbooks need, so that the commands printed at the end work from any shell.
cat >"$work/ansible.cfg" <<CFG
# The demo's settings (tests/hosts/demo.sh): ANSIBLE_CONFIG=$work/ansible.cfg
[defaults]
inventory = $work/inventory.yml
collections_path = ${ANSIBLE_COLLECTIONS_PATH:-$root/.cache/collections}
connection_plugins = $root/tests/hosts/connection_plugins
CFG
export ANSIBLE_CONFIG=$work/ansible.cfg
# The controller's extra CA certificates (a TLS-inspecting proxy's, say) are trusted on the host.
"$root/tests/hosts/controller-ca-vars.sh" >"$work/vars.yml"
# No conda channel is reachable from here: the kernels' environments come from PyPI.
printf 'notebook_instance_kernels_provider: venv\nkernels_pip_wheelhouse: /var/cache/sagebox-pip/wheelhouse\n' >>"$work/vars.yml"

# Wait for systemd in the host to finish booting (its bus comes up first).
for _ in $(seq 120); do
  state=$(podman exec "$name" systemctl is-system-running 2>/dev/null || true)
  case $state in running|degraded) break ;; esac
  sleep 1
done
case $state in
  running|degraded) ;;
  *) step "test host $name did not finish booting in 2 minutes (systemd: ${state:-no answer});" \
       "look: podman exec -it $name journalctl -b, or remove it: podman rm -f $name"
     exit 1 ;;
esac
step "creating notebook instance $instance: volume, /tmp, Jupyter, four kernels, samples (minutes; log: $work/create.log)"
# Progress: each role as Ansible reaches it; the whole output goes to the log.
set +e
ansible-playbook -e "@$work/vars.yml" \
  -e notebook_instance_name="$instance" -e notebook_instance_url="127.0.0.1:$port" \
  "$root/playbooks/create_notebook_instance.yml" 2>&1 | tee "$work/create.log" | {
  last=""
  while IFS= read -r line; do
    case $line in
      "TASK [sagebox.notebook."*)
        role=${line#TASK \[sagebox.notebook.}; role=${role%% :*}
        [ "$role" = "$last" ] || step "  $role"; last=$role ;;
      # The playbook's summary ("NAME: new → InService in 75.3 s at https://…"), or the failure.
      *"InService in "*" s at https://"* | *"is Failed"*) step "  ${line#*\"msg\": }" ;;
    esac
  done
}
created=${PIPESTATUS[0]}
set -e
if [ "$created" -ne 0 ]; then
  tail -n 30 "$work/create.log"
  step "creating $instance failed (whole log: $work/create.log)"
  exit "$created"
fi

presign() {
  ansible-playbook "$root/playbooks/presign_notebook_instance_url.yml" \
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
status=$(curl --silent --cacert "$work/instance.crt" --cookie "$jar" "https://127.0.0.1:$port/api/status")
echo "== a presigned URL opened with curl: $login; /api/status in that session: $status"

echo
step "done"
echo "== your presigned URL for $instance (valid 5 minutes, once; the certificate is self-signed: $work/instance.crt):"
presign
echo
playbook="ANSIBLE_CONFIG=$work/ansible.cfg $(command -v ansible-playbook)"
echo "A new URL: $playbook $root/playbooks/presign_notebook_instance_url.yml"
echo "Stop, start or delete the instance (as SageMaker would), same form:"
echo "  $playbook $root/playbooks/{stop,start,delete}_notebook_instance.yml -e notebook_instance_name=$instance"
echo "Look around: podman exec -it $name bash    Remove the test host: podman rm -f $name"
