#!/usr/bin/env bash
# Build (or reuse) a systemd test host from debootstrap.
# Usage: build-image.sh SUITE [container|vm]   (SUITE: bookworm | trixie)
#   container (default): a podman image localhost/sagebox-testhost:SUITE
#   vm: the same root file system plus a kernel and an SSH server, as a raw ext4 disk image with
#       the kernel and initrd beside it and a root SSH key, in .cache/vm/SUITE (the VM tier, QEMU)
# The image carries a hash of this recipe, so it is rebuilt only when the recipe changes; an
# image with that hash is reused as it is.
set -euo pipefail

suite=${1:?usage: build-image.sh SUITE [container|vm]}
flavour=${2:-container}
mirror=${SAGEBOX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}

# Packages the roles expect to find on a minimal Debian host, plus what Ansible needs.
packages=systemd-sysv,dbus,python3,python3-apt,sudo,ca-certificates,e2fsprogs,util-linux,mount,lvm2,iproute2,procps,kmod,curl,openssl
# A VM boots its own kernel and is reached over SSH. Under TCG every apt run in the VM costs
# minutes, so its image also carries the OS packages the roles install (a golden image, as a
# fleet's would): the container scenarios prove the roles install them.
vm_packages=linux-image-amd64,openssh-server,systemd-timesyncd
# (installed with apt after debootstrap, whose --include cannot order their configuration)
vm_role_packages="python3-venv python3-packaging python3-cryptography nftables netbase"
# The controller's extra CA certificates (a TLS-inspecting proxy's), trusted in the VM image as
# the ca_trust role would (molecule/_shared/controller_ca_certificates.j2): under TCG the
# role's update-ca-certificates alone takes minutes. Part of the recipe: a new one rebuilds.
controller_cas=(/usr/local/share/ca-certificates/*.crt)
[ -e "${controller_cas[0]}" ] || controller_cas=()
# Jupyter's environment, built here at native speed from the jupyter role's pins at the path the
# VM scenario gives notebook_instance_jupyter_env_dir: under TCG pip takes a quarter of an hour for it. The role finds
# every pin met and keeps it, as on a re-run; the container scenarios prove it installs them.
vm_jupyter_env=/opt/sagebox/JupyterSystemEnv
mapfile -t jupyter_pins < <(sed -n '/^jupyter_packages:/,/^[^ #]/s/^  - \([^ ]*==[^ ]*\)$/\1/p' \
  "$here/../../roles/jupyter/defaults/main.yml")

recipe_hash=$( { cat "$0"; echo "$suite $mirror $flavour"; [ "$flavour" != vm ] || { cat "${controller_cas[@]}" /dev/null; echo "${jupyter_pins[*]}"; }; } \
  | sha256sum | cut -c1-12)
image="localhost/sagebox-testhost:${suite}-${recipe_hash}"
cache=$(cd "$here/../.." && pwd)/.cache
vm_dir=$cache/vm/$suite

# One build of an image at a time: make test's lanes start together and each asks for the images it
# needs; a second caller waits here, then finds the first one's image cached.
mkdir -p "$cache"
exec 9>"$cache/build-image-$suite-$flavour.lock"
flock 9

# debootstrap SUITE into $rootfs, with EXTRA packages.
bootstrap() {
  local extra=$1
  rootfs=$(mktemp -d /var/tmp/sagebox-rootfs.XXXXXX)
  trap 'umount --lazy "$rootfs/proc" 2>/dev/null || true; rm -rf "$rootfs"' EXIT
  echo "building test-host $flavour image for $suite ($recipe_hash, debootstrap from $mirror)"
  start=$SECONDS
  debootstrap --variant=minbase --include="$packages$extra" "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
    tail -n 30 "$rootfs.log" >&2
    exit 1
  }
  rm -f "$rootfs.log"
  echo "sagebox-testhost" >"$rootfs/etc/hostname"
  : >"$rootfs/etc/machine-id"
}

if [ "$flavour" = vm ]; then
  if [ -s "$vm_dir/$recipe_hash/disk.img" ]; then
    echo "test-host VM image $vm_dir/$recipe_hash is cached"
    exit 0
  fi
  bootstrap ",$vm_packages"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  # shellcheck disable=SC2086 # a list of package names
  DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get install -y -qq --no-install-recommends $vm_role_packages >/dev/null
  # QEMU's user network: DHCP on the first NIC, its DNS forwarder at 10.0.2.3.
  mkdir -p "$rootfs/etc/systemd/network"
  printf '[Match]\nName=en*\n\n[Network]\nDHCP=yes\n' >"$rootfs/etc/systemd/network/10-sagebox.network"
  ln -sf /lib/systemd/system/systemd-networkd.service "$rootfs/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
  echo "nameserver 10.0.2.3" >"$rootfs/etc/resolv.conf"
  printf 'LABEL=sagebox-root / ext4 errors=remount-ro 0 1\n' >"$rootfs/etc/fstab"
  # Root logs in with the key made here (the VMs listen on 127.0.0.1 only).
  mkdir -p "$vm_dir/$recipe_hash" "$rootfs/root/.ssh"
  rm -f "$vm_dir/$recipe_hash/id_ed25519"*
  ssh-keygen -q -t ed25519 -N "" -C sagebox-testhost -f "$vm_dir/$recipe_hash/id_ed25519"
  install -m 0600 "$vm_dir/$recipe_hash/id_ed25519.pub" "$rootfs/root/.ssh/authorized_keys"
  chmod 0700 "$rootfs/root/.ssh"
  # The host keys are made at the VM's first boot, not shared by every VM from this image.
  rm -f "$rootfs"/etc/ssh/ssh_host_*
  mkdir -p "$rootfs/etc/systemd/system/ssh.service.d"
  printf '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n' >"$rootfs/etc/systemd/system/ssh.service.d/sagebox-host-keys.conf"
  for ca in "${controller_cas[@]}"; do
    install -m 0644 "$ca" "$rootfs/usr/local/share/ca-certificates/controller-$(basename "$ca")"
  done
  chroot "$rootfs" update-ca-certificates >/dev/null
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$rootfs/etc/pip.conf"
  [ "${#jupyter_pins[@]}" -gt 0 ] || { echo "no jupyter_packages pins found in roles/jupyter/defaults/main.yml" >&2; exit 1; }
  mount -t proc proc "$rootfs/proc"
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root python3 -m venv "$vm_jupyter_env"
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    "$vm_jupyter_env/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check "${jupyter_pins[@]}"
  umount "$rootfs/proc"
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  cp -L "$rootfs/vmlinuz" "$vm_dir/$recipe_hash/vmlinuz"
  cp -L "$rootfs/initrd.img" "$vm_dir/$recipe_hash/initrd.img"
  mkfs.ext4 -q -L sagebox-root -d "$rootfs" "$vm_dir/$recipe_hash/disk.img.new" 4G
  mv "$vm_dir/$recipe_hash/disk.img.new" "$vm_dir/$recipe_hash/disk.img"
  ln -sfn "$recipe_hash" "$vm_dir/current"
  # Images of older recipes for this suite are no longer used.
  find "$vm_dir" -mindepth 1 -maxdepth 1 -type d ! -name "$recipe_hash" -exec rm -rf {} +
  echo "built $vm_dir/$recipe_hash in $((SECONDS - start)) s"
  exit 0
fi

if podman image exists "$image"; then
  podman tag "$image" "localhost/sagebox-testhost:${suite}"
  echo "test-host image $image is cached"
  exit 0
fi

bootstrap ""
# Units that cannot work in a container keep systemd from reaching 'running'.
for unit in networking.service systemd-remount-fs.service systemd-firstboot.service \
            getty@tty1.service console-getty.service; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin

tar -C "$rootfs" -c . | podman import \
  --change 'CMD ["/lib/systemd/systemd"]' \
  --change 'STOPSIGNAL SIGRTMIN+3' \
  - "$image" >/dev/null
# A stable name for Molecule's shared config: the hash-tagged image is the cache key.
podman tag "$image" "localhost/sagebox-testhost:${suite}"
# Images of older recipes for this suite are no longer used.
podman images --format '{{.Repository}}:{{.Tag}}' localhost/sagebox-testhost \
  | grep -E "^localhost/sagebox-testhost:${suite}-[0-9a-f]{12}\$" | grep -vx "$image" \
  | xargs --no-run-if-empty podman rmi >/dev/null || true
echo "built $image in $((SECONDS - start)) s"
