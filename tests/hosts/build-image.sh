#!/usr/bin/env bash
# Build (or reuse) a systemd test-host image for podman from debootstrap.
# Usage: build-image.sh SUITE   (bookworm | trixie)
# The image tag carries a hash of this recipe, so an image is rebuilt only when
# the recipe changes; an existing image with that tag is reused as it is.
set -euo pipefail

suite=${1:?usage: build-image.sh SUITE}
mirror=${SAGEBOX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}

# Packages the roles expect to find on a minimal Debian host, plus what Ansible needs.
packages=systemd-sysv,dbus,python3,python3-apt,sudo,ca-certificates,e2fsprogs,util-linux,mount,lvm2,iproute2,procps,kmod,curl,openssl

recipe_hash=$( { cat "$0"; echo "$suite $mirror"; } | sha256sum | cut -c1-12)
image="localhost/sagebox-testhost:${suite}-${recipe_hash}"

if podman image exists "$image"; then
  podman tag "$image" "localhost/sagebox-testhost:${suite}"
  echo "test-host image $image is cached"
  exit 0
fi

rootfs=$(mktemp -d /var/tmp/sagebox-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT

echo "building test-host image $image (debootstrap $suite from $mirror)"
start=$SECONDS
debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  tail -n 30 "$rootfs.log" >&2
  exit 1
}
rm -f "$rootfs.log"

# Units that cannot work in a container keep systemd from reaching 'running'.
for unit in networking.service systemd-remount-fs.service systemd-firstboot.service \
            getty@tty1.service console-getty.service; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
echo "sagebox-testhost" >"$rootfs/etc/hostname"
: >"$rootfs/etc/machine-id"
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
