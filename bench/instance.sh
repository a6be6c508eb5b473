#!/usr/bin/env bash
# Benchmark one instance on fresh local test hosts (Debian 12), of the container tier (podman,
# the default) or the VM tier (BENCH_TIER=vm: QEMU with TCG, reached over SSH):
#  - create → InService with the collection vs a plain shell script doing the same installs
#    (bench/baseline/install_by_hand.sh) on an identical fresh host, in the same run, both
#    downloading from the same index (the script first);
#  - a no-op re-run of the create (its time and changed= count);
#  - stop → Stopped, then start → InService, by the playbooks and by the module alone;
#  the re-run, the stop and the start BENCH_RUNS times each (default 5): their medians;
# each with its longest tasks (ansible.posix.profile_tasks): where the time goes.
# BENCH_KERNELS (default []) adds kernels to the create (the script builds none: leave it [] for
# the ratio). Usage: [BENCH_TIER=vm] bench/instance.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
tier=${BENCH_TIER:-container}
echo "tier: $tier"
machine

jupyter_packages=$(python3 -c 'import sys, yaml; print(" ".join(yaml.safe_load(open(sys.argv[1]))["jupyter_packages"]))' \
  "$root/roles/jupyter/defaults/main.yml")
create_vars "$work/vars.yml"
case $tier in
  container)
    start_host sagebox-bench-script bookworm "$work/pip-script"
    start_host sagebox-bench-create bookworm "$work/pip-create"
    tools=$(python3 -c 'import sys, yaml; print(" ".join(yaml.safe_load(open(sys.argv[1]))["notebook_instance_tools"]))' \
      "$root/roles/notebook_instance/defaults/main.yml")
    byhand_env="BYHAND_TOOLS='$tools'"
    ;;
  vm)
    # As the vm scenario converges (molecule/vm/converge.yml): the volume on the VM's second disk,
    # Jupyter's environment the image's (built from the same pins: under TCG pip takes a quarter of
    # an hour), no SageMaker tools; the script is given the same.
    start_vm sagebox-bench-script 2241 28461
    start_vm sagebox-bench-create 2242 28462
    cat >>"$work/vars.yml" <<YAML
notebook_instance_url: localhost:28462
notebook_instance_tools: []
notebook_instance_jupyter_env_dir: /opt/sagebox/JupyterSystemEnv
storage_volume_backing: device
storage_volume_device: /dev/disk/by-id/virtio-sagebox-volume
YAML
    byhand_env="BYHAND_ENV_DIR=/opt/sagebox/JupyterSystemEnv BYHAND_VOLUME_DEVICE=/dev/disk/by-id/virtio-sagebox-volume"
    ;;
  *) echo "BENCH_TIER is container or vm, not $tier" >&2; exit 2 ;;
esac
inventory "$work/inventory.yml" sagebox-bench-create

# longest LOG: the play's five longest tasks (profile_tasks' recap), indented.
# (A name that fills the line leaves two dashes before a time of 10 s or more: match one or more.)
longest() { awk '/^TASKS RECAP/ {r=1; next} r && / -+ [0-9.]+s$/ {print "    " $0}' "$1" | head -n 5; }
profiled() { ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=5 playbook "$@"; }

# The script's host trusts the same CA certificates as the create's (ca_trust does that there).
for crt in /usr/local/share/ca-certificates/*.crt; do
  [ -e "$crt" ] && copy_to_host "$crt" sagebox-bench-script /usr/local/share/ca-certificates/
done
copy_to_host "$root/bench/baseline/install_by_hand.sh" sagebox-bench-script /root/install_by_hand.sh
start=$(now_ms)
on_host sagebox-bench-script bash -c "update-ca-certificates >/dev/null 2>&1 || true;
  PIP_CERT=/etc/ssl/certs/ca-certificates.crt $byhand_env bash /root/install_by_hand.sh $jupyter_packages" >"$work/script.log" 2>&1 \
  || { cat "$work/script.log" >&2; exit 1; }
script_ms=$(( $(now_ms) - start ))
create_ms=$(profiled create_notebook_instance "$work/inventory.yml" "$work/create.log")
grep -q 'InService in [0-9.]* s at' "$work/create.log"
ratio=$(python3 -c "print(f'{$create_ms / $script_ms:.2f}')")
printf 'create → InService: %s s with the collection, %s s with a plain shell script: ratio %s (goal ≤ 1.25: %s)\n' \
  "$(seconds "$create_ms")" "$(seconds "$script_ms")" "$ratio" "$(goal "$ratio" 1.25)"
echo "  its longest tasks:"; longest "$work/create.log"

# median MS...: the median of the figures, in ms.
median() { python3 -c 'import statistics, sys; print(int(statistics.median(int(a) for a in sys.argv[1:])))' "$@"; }
# The runs each figure below is the median of (BENCH_RUNS, default 5); the profile is the last run's.
runs=${BENCH_RUNS:-5}

# The no-op re-run with the per-task profile: where a re-run's time goes.
noops=()
for _ in $(seq "$runs"); do noops+=("$(profiled create_notebook_instance "$work/inventory.yml" "$work/noop.log")"); done
noop_ms=$(median "${noops[@]}")
printf 'no-op re-run of the create: median %s s of %s runs, changed=%s, %s tasks run (goal ≤ 10 s, changed=0: %s)\n' \
  "$(seconds "$noop_ms")" "$runs" "$(changed "$work/noop.log")" "$(grep -c '^TASK \[' "$work/noop.log")" \
  "$(goal "$(seconds "$noop_ms")" 10)"
grep -o '"msg": "Nothing[^"]*' "$work/noop.log" | sed 's/^"msg": "/  it said: /' || echo "  it built (no build receipt matched)"
echo "  its longest tasks:"; longest "$work/noop.log"

stops=() starts=()
for _ in $(seq "$runs"); do
  stops+=("$(profiled stop_notebook_instance "$work/inventory.yml" "$work/stop.log")")
  grep -q 'Stopped in [0-9.]* s' "$work/stop.log"
  starts+=("$(profiled start_notebook_instance "$work/inventory.yml" "$work/start.log")")
  grep -q 'InService in [0-9.]* s' "$work/start.log"
done
stop_ms=$(median "${stops[@]}") start_ms=$(median "${starts[@]}")
printf 'stop → Stopped: median %s s (goal ≤ 3 s: %s); start → InService: median %s s (goal ≤ 5 s: %s); %s runs each\n' \
  "$(seconds "$stop_ms")" "$(goal "$(seconds "$stop_ms")" 3)" "$(seconds "$start_ms")" "$(goal "$(seconds "$start_ms")" 5)" "$runs"
echo "  every run (ms): stop ${stops[*]}; start ${starts[*]}"
echo "  the stop's longest tasks:"; longest "$work/stop.log"
echo "  the start's longest tasks:"; longest "$work/start.log"
# The same through the module alone, as a user's own playbook or an ad-hoc command calls it.
module() {
  local start
  start=$(now_ms)
  ansible -i "$work/inventory.yml" notebook_instances -m sagebox.notebook.notebook_instance \
    -a "name=bench-nb state=$1" >"$work/module-$1.log" 2>&1 || { cat "$work/module-$1.log" >&2; return 1; }
  echo $(( $(now_ms) - start ))
}
module_stops=() module_starts=()
for _ in $(seq "$runs"); do module_stops+=("$(module stopped)"); module_starts+=("$(module started)"); done
module_stop_ms=$(median "${module_stops[@]}") module_start_ms=$(median "${module_starts[@]}")
printf 'the module alone (ansible -m sagebox.notebook.notebook_instance): stop median %s s (goal ≤ 3 s: %s), start median %s s (goal ≤ 5 s: %s)\n' \
  "$(seconds "$module_stop_ms")" "$(goal "$(seconds "$module_stop_ms")" 3)" \
  "$(seconds "$module_start_ms")" "$(goal "$(seconds "$module_start_ms")" 5)"
echo "  the start unit's steps (journalctl -u sagebox-notebook-instance-start):"
on_host sagebox-bench-create journalctl --no-pager -o cat -u sagebox-notebook-instance-start.service \
  | grep -E ': [0-9.]+ s$' | tail -n 6 | sed 's/^/    /'
