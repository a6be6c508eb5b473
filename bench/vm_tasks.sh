#!/usr/bin/env bash
# The test VM's settings side by side: boot time and the median time of an Ansible task (ping, stat,
# copy, command; over SSH with pipelining, as the vm scenario runs them) for each QEMU setting, alone
# and with LOAD busy test-host containers beside the VM (the container lanes of make test).
#
#   bench/vm_tasks.sh [RUNS [LOAD]]     (RUNS per task, default 5; LOAD containers, default 3)
#
# Runs on its own (not in make bench): it boots the VM image of `make vm-image` four times.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
runs=${1:-5}
load=${2:-3}
port=2298
name=bench-vm-tasks

# bench SMP KERNEL_ARGS LABEL: boot, time RUNS of each task, print the medians, power off.
bench() {
  local started booted key task t0 times
  started=$(now_ms)
  SAGEBOX_VM_SMP=$1 SAGEBOX_VM_KERNEL_ARGS=$2 "$root/tests/hosts/vm.sh" start "$name" "$port" $((port + 26000)) >/dev/null
  booted=$(( $(now_ms) - started ))
  key=$root/.cache/vm/instances/$name/id_ed25519
  printf 'vm ansible_host=127.0.0.1 ansible_port=%s ansible_user=root ansible_ssh_private_key_file=%s ansible_connection=paramiko ansible_python_interpreter=/usr/bin/python3\n' \
    "$port" "$key" >"$work/inventory"
  printf '%-34s boot %6s s' "$3" "$(seconds "$booted")"
  for task in "ping|data=pong" "stat|path=/etc" "copy|content=x dest=/root/x" "command|true"; do
    times=()
    for _ in $(seq "$runs"); do
      t0=$(now_ms)
      ANSIBLE_HOST_KEY_CHECKING=false ANSIBLE_PARAMIKO_RECORD_HOST_KEYS=false ANSIBLE_PIPELINING=true \
        ansible -i "$work/inventory" vm -m "${task%%|*}" -a "${task#*|}" >/dev/null
      times+=($(( $(now_ms) - t0 )))
    done
    printf '  %s %6s s' "${task%%|*}" "$(seconds "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")")"
  done
  echo
  "$root/tests/hosts/vm.sh" stop "$name"
}

machine
echo "median of $runs runs per task; the task's time includes ansible's own start on the controller"
bench 2 "" "2 vCPUs, mitigations on, alone"
bench 1 mitigations=off "1 vCPU, mitigations=off, alone"
for i in $(seq "$load"); do
  hosts+=("$name-load-$i")
  podman run -d --rm --name "$name-load-$i" localhost/sagebox-testhost:bookworm sh -c 'while :; do :; done' >/dev/null
done
bench 2 mitigations=off "2 vCPUs, mitigations=off, $load busy"
bench 1 mitigations=off "1 vCPU, mitigations=off, $load busy"
