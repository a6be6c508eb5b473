#!/usr/bin/env bash
# Test-host VMs for the VM tier (molecule/vm): QEMU with TCG (nested KVM does not work on the build
# machines), booted from the image of `build-image.sh SUITE vm`.
#
#   vm.sh start NAME SSH_PORT JUPYTER_PORT [SUITE]   boot VM NAME, wait for SSH on 127.0.0.1:SSH_PORT
#   vm.sh stop NAME                                  power it off and remove its disks
#
# Each VM has its own copy-on-write root disk over the image and a second virtio disk, /dev/vdb,
# of SAGEBOX_VM_VOLUME_GB (5) GB, /dev/disk/by-id/virtio-sagebox-volume: the ML storage volume in
# block-device mode. Its SSH and Jupyter
# ports are forwarded to 127.0.0.1 only. Files of VM NAME: .cache/vm/instances/NAME (console.log).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
command=${1:?usage: vm.sh start NAME SSH_PORT JUPYTER_PORT [SUITE] | vm.sh stop NAME}
name=${2:?name the VM}
dir=$root/.cache/vm/instances/$name

stop() {
  local pid
  pid=$(cat "$dir/qemu.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$dir"
}

case $command in
  stop)
    stop
    ;;
  start)
    ssh_port=${3:?give the SSH port}
    jupyter_port=${4:?give the Jupyter port}
    suite=${5:-bookworm}
    image=$root/.cache/vm/$suite/current
    [ -s "$image/disk.img" ] || { echo "no VM image for $suite: run tests/hosts/build-image.sh $suite vm" >&2; exit 1; }
    stop
    mkdir -p "$dir"
    qemu-img create -q -f qcow2 -b "$(readlink -f "$image")/disk.img" -F raw "$dir/root.qcow2"
    qemu-img create -q -f raw "$dir/volume.img" "${SAGEBOX_VM_VOLUME_GB:-5}G"
    cp "$image/id_ed25519" "$dir/id_ed25519"
    # One vCPU: beside the container lanes a second one is preempted while the first holds a lock,
    # and tasks took about a third longer with two (side by side under load, docs/benchmarks.md).
    # Without the guest kernel's CPU-bug mitigations, which TCG emulates at a cost: a sixth faster.
    qemu-system-x86_64 -name "$name" -accel tcg -cpu "${SAGEBOX_VM_CPU:-max}" -smp "${SAGEBOX_VM_SMP:-1}" -m "${SAGEBOX_VM_MEMORY_MB:-2048}" \
      -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
      -append "root=LABEL=sagebox-root rw console=ttyS0 systemd.show_status=false ${SAGEBOX_VM_KERNEL_ARGS-mitigations=off}" \
      -drive "file=$dir/root.qcow2,if=virtio,format=qcow2" \
      -drive "file=$dir/volume.img,if=none,id=volume,format=raw" \
      -device virtio-blk-pci,drive=volume,serial=sagebox-volume \
      -netdev "user,id=net0,hostfwd=tcp:127.0.0.1:$ssh_port-:22,hostfwd=tcp:127.0.0.1:$jupyter_port-:8443" \
      -device virtio-net-pci,netdev=net0 \
      -device virtio-rng-pci \
      -display none -serial "file:$dir/console.log" -daemonize -pidfile "$dir/qemu.pid"
    pid=$(cat "$dir/qemu.pid")
    start=$SECONDS
    until ssh -q -i "$dir/id_ed25519" -p "$ssh_port" -o BatchMode=yes -o ConnectTimeout=5 \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1 true 2>/dev/null; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "VM $name stopped while booting; its console:" >&2; tail -n 40 "$dir/console.log" >&2; exit 1
      fi
      if [ $((SECONDS - start)) -gt "${SAGEBOX_VM_BOOT_TIMEOUT:-300}" ]; then
        echo "VM $name: no SSH on 127.0.0.1:$ssh_port after $((SECONDS - start)) s; its console:" >&2
        tail -n 40 "$dir/console.log" >&2; exit 1
      fi
      sleep 3
    done
    echo "VM $name is up after $((SECONDS - start)) s (ssh root@127.0.0.1 -p $ssh_port -i $dir/id_ed25519)"
    ;;
  *)
    echo "unknown command $command" >&2; exit 2
    ;;
esac
