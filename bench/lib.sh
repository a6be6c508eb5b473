# Shared by the benchmarks (sourced): fresh local test hosts and the variables for their creates.
# shellcheck shell=bash
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH=$root/.venv/bin:$PATH
export CONTAINERS_CONF=$root/tests/hosts/containers.conf
export ANSIBLE_COLLECTIONS_PATH=$root/.cache/collections
export ANSIBLE_FORCE_COLOR=false
# The hosts are reached with pipelining, as a fleet is over SSH (one command per task).
export ANSIBLE_CONNECTION_PLUGINS=$root/tests/hosts/connection_plugins
# The VM tier's hosts are reached over SSH (paramiko), each boot with new host keys.
export ANSIBLE_HOST_KEY_CHECKING=false ANSIBLE_PARAMIKO_RECORD_HOST_KEYS=false
work=$(mktemp -d /var/tmp/sagebox-bench.XXXXXX)
hosts=() vms=()
declare -A connection=() ssh_port=()
cleanup() {
  # One at a time: a benchmark removes some hosts itself, and podman 4.3 removed none of a list
  # that named one it no longer had (bench/fleet.sh left its cache host running).
  for host in "${hosts[@]}"; do podman rm -f "$host" >/dev/null 2>&1 || true; done
  for vm in "${vms[@]}"; do "$root/tests/hosts/vm.sh" stop "$vm" || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The machine the figures come from.
machine() {
  echo "machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1))," \
    "$(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME"), $(date -u +%FT%TZ)"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
seconds() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }

# start_host NAME SUITE PIP_DIR: a fresh test host whose /var/cache/sagebox-pip (the wheelhouse's
# home) is PIP_DIR on this machine; waits until systemd has booted.
start_host() {
  local name=$1 suite=$2 pip_dir=$3
  mkdir -p "$pip_dir"
  podman rm -f "$name" >/dev/null 2>&1 || true
  podman run --detach --name "$name" --hostname "$name" --privileged --systemd=false \
    --volume "$pip_dir:/var/cache/sagebox-pip" \
    "localhost/sagebox-testhost:$suite" /lib/systemd/systemd >/dev/null
  hosts+=("$name")
  connection[$name]="ansible_connection: podman_pipelining"
  until podman exec "$name" systemctl is-system-running 2>/dev/null | grep -qE 'running|degraded'; do sleep 1; done
}

# start_vm NAME SSH_PORT JUPYTER_PORT: a fresh test-host VM of the VM tier (tests/hosts/vm.sh:
# QEMU with TCG, Debian 12, the ML storage volume its second disk), reached over SSH.
start_vm() {
  local name=$1
  ssh_port[$name]=$2
  vms+=("$name")
  "$root/tests/hosts/vm.sh" start "$name" "$2" "$3" bookworm >/dev/null
  connection[$name]="ansible_connection: paramiko, ansible_host: 127.0.0.1, ansible_port: $2, ansible_user: root,
      ansible_ssh_private_key_file: $root/.cache/vm/instances/$name/id_ed25519"
}

# on_host NAME COMMAND...: run COMMAND on the host as root (podman exec, or SSH for a VM).
on_host() {
  local name=$1; shift
  if [ -n "${ssh_port[$name]:-}" ]; then
    ssh -q -i "$root/.cache/vm/instances/$name/id_ed25519" -p "${ssh_port[$name]}" -o BatchMode=yes \
      -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1 "$(printf '%q ' "$@")"
  else
    podman exec "$name" "$@"
  fi
}

# copy_to_host FILE NAME DEST: copy a file of this machine onto the host.
copy_to_host() {
  if [ -n "${ssh_port[$2]:-}" ]; then
    scp -q -i "$root/.cache/vm/instances/$2/id_ed25519" -P "${ssh_port[$2]}" -o BatchMode=yes \
      -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "$1" "root@127.0.0.1:$3"
  else
    podman cp "$1" "$2:$3"
  fi
}

# inventory FILE NAME...: the hosts as the notebook_instances group.
inventory() {
  local file=$1; shift
  { echo "notebook_instances:"; echo "  hosts:"
    for name in "$@"; do
      echo "    $name: {${connection[$name]}, ansible_pipelining: true, ansible_python_interpreter: /usr/bin/python3}"
    done; } >"$file"
}

# create_vars FILE: the create's variables: the controller's extra CA certificates (the
# TLS-inspecting proxy's), kernels BENCH_KERNELS ([] by default: Jupyter only) with the venv
# provider, and one wheelhouse for Jupyter and the kernels.
create_vars() {
  local file=$1
  "$root/tests/hosts/controller-ca-vars.sh" >"$file"
  cat >>"$file" <<YAML
notebook_instance_name: bench-nb
notebook_instance_url: localhost:8443
notebook_instance_kernels: ${BENCH_KERNELS:-[]}
notebook_instance_sample_notebooks: false
notebook_instance_kernels_provider: venv
kernels_pip_wheelhouse: /var/cache/sagebox-pip/wheelhouse
jupyter_pip_wheelhouse: /var/cache/sagebox-pip/wheelhouse
YAML
}

# playbook NAME INVENTORY LOG [ARGS...]: run one of the collection's playbooks; prints its time in ms.
playbook() {
  local name=$1 inventory=$2 log=$3; shift 3
  local start
  start=$(now_ms)
  ansible-playbook -i "$inventory" -e "@$work/vars.yml" "$@" "$root/playbooks/$name.yml" >"$log" 2>&1 || {
    tail -n 30 "$log" >&2; echo "$name failed (log above)" >&2; return 1; }
  echo $(( $(now_ms) - start ))
}

# goal FIGURE BOUND: "met" when FIGURE <= BOUND, else "missed".
goal() { python3 -c "import sys; print('met' if float(sys.argv[1]) <= float(sys.argv[2]) else 'missed')" "$1" "$2"; }

# changed LOG: the PLAY RECAP's changed= count, summed over hosts.
changed() { awk '/^PLAY RECAP/ {r=1} r && /changed=/ {sub(/.*changed=/, ""); s += $1} END {print s + 0}' "$1"; }

# rx_bytes NAME: bytes the host has received over its network interface (from outside this machine:
# the controller reaches it through podman, not the network).
rx_bytes() { on_host "$1" cat /sys/class/net/eth0/statistics/rx_bytes; }
