# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A notebook instance's system container on an instance host: the podman command that makes it, and
what podman says of it (stdlib only). docs/instance-hosts.md says why each option is there."""

from __future__ import annotations

import json
import re

from ansible_collections.sagebox.notebook.plugins.module_utils import instance_network
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError

# Each instance's user namespace: 65536 IDs from the host's range for podman (/etc/subuid `containers`).
USERNS_SIZE = 65536
LABEL = "io.sagebox.instance"
# systemd as PID 1 with the instance's cgroup2 tree mounted first. On a cgroup v2 host that is the tree
# podman gave read-only; on a hybrid (v1) host it is the controller-less v2 hierarchy, which the instance
# host's OCI hook has delegated to the instance's root. Either way systemd runs in unified mode inside,
# and the limits stay in the host's cgroups, which the instance cannot write.
INIT = "mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec /lib/systemd/systemd"


# Bind mount options an instance may have: none that maps or changes the owner of the server's files
# (idmap, U) or shares mounts back (shared, rshared).
VOLUME_OPTIONS = {"ro", "rw", "z", "Z", "nodev", "nosuid", "noexec", "rprivate", "private"}


def check_placement(network: str, volumes: list) -> None:
    """RequestError naming the value and the rule for a network that is not a named network (host, none,
    container:NAME and ns:PATH would share or skip one) or a volume that is not HOST:CONTAINER[:OPTIONS] with
    absolute paths and the options above."""
    problems = []
    if not re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*", network or "") or network in ("host", "none", "private", "bridge"):
        problems.append("network %r must be the name of a podman network (not host, none, private or bridge)" % network)
    for volume in volumes:
        parts = volume.split(":")
        if len(parts) not in (2, 3) or not all(p.startswith("/") for p in parts[:2]) or ".." in volume.split("/"):
            problems.append("volume %r must be /HOST/PATH:/CONTAINER/PATH[:OPTIONS] with absolute paths" % volume)
        elif len(parts) == 3 and not set(parts[2].split(",")) <= VOLUME_OPTIONS:
            problems.append("volume %r: options may only be %s" % (volume, ", ".join(sorted(VOLUME_OPTIONS))))
    if problems:
        raise RequestError("; ".join(problems))


# Where the instance's ML storage volume is mounted, as on SageMaker.
VOLUME_MOUNT = "/home/ec2-user/SageMaker"


def create_args(name: str, image: str, allocation: dict, network: str, address: str = "",
                volumes: list | None = None, pids_limit: int = 4096, volume: str = "",
                network_settings: dict | None = None) -> list:
    """The arguments of `podman create` for instance `name` holding `allocation` (cpus, memory_mib, devices), with
    its network settings (instance_network.policy: the default group and direct internet access when None)."""
    if allocation["memory_mib"] < 64:
        raise RequestError("instance type %r: %d MiB of memory is below the 64 MiB a system container needs"
                           % (allocation["instance_type"], allocation["memory_mib"]))
    memory = "%dm" % allocation["memory_mib"]
    argv = ["create", "--name", name, "--hostname", name,
            "--annotation", "%s=%s" % (LABEL, name), "--label", "%s=%s" % (LABEL, name),
            "--label", "%s.allocation=%s" % (LABEL, json.dumps(allocation, sort_keys=True, separators=(",", ":"))),
            "--label", "%s=%s" % (instance_network.LABEL, instance_network.label(
                network_settings or instance_network.parse_label(None))),
            # Root inside is an unprivileged ID outside; its capabilities are the namespace's own.
            "--userns", "auto:size=%d" % USERNS_SIZE, "--cgroupns", "private", "--cap-add", "SYS_ADMIN",
            # Its address and frames are the server's to give: root inside may neither change them nor forge
            # another's (the server's firewall tells instances apart by address), whatever podman's defaults
            # are; ping works without raw sockets (the IDs of its user namespace, where the runtime sets it).
            "--cap-drop", "NET_ADMIN,NET_RAW", "--sysctl", "net.ipv4.ping_group_range=0 65535",
            # What podman's systemd mode gives, without its v1 bind mount that a user namespace cannot use.
            "--systemd", "false", "--tmpfs", "/run:exec,mode=755", "--tmpfs", "/run/lock",
            "--stop-signal", "RTMIN+3", "--env", "container=podman",
            # The instance type's compute, enforced by the host's cgroups: a CPU quota, memory with no swap.
            "--cpus", "%g" % allocation["cpus"], "--memory", memory, "--memory-swap", memory,
            "--pids-limit", str(pids_limit), "--network", network,
            # IPv4 only: the server's firewall filters the instances' IPv4; no IPv6 address, link-local
            # included, to go around it (the firewall also drops IPv6 on the instances' bridge).
            "--sysctl", "net.ipv6.conf.all.disable_ipv6=1", "--sysctl", "net.ipv6.conf.default.disable_ipv6=1"]
    if address:
        argv += ["--ip", address]
    if volume:
        argv += ["--volume", "%s:%s:rw,nodev,nosuid" % (volume, VOLUME_MOUNT)]
    for extra in volumes or []:
        argv += ["--volume", extra]
    for device in allocation.get("devices", []):
        argv += ["--device", device]
    return argv + [image, "/bin/sh", "-c", INIT]


def root_mapping(container: dict) -> tuple:
    """(uid, gid) on the server of the container's root, from `podman inspect`; (0, 0) without a user
    namespace."""
    mappings = container.get("HostConfig", {}).get("IDMappings") or {}
    found = []
    for key in ("UidMap", "GidMap"):
        host_id = 0
        for entry in mappings.get(key) or []:
            fields = entry.split(":") if isinstance(entry, str) else \
                [entry.get("container_id"), entry.get("host_id"), entry.get("size")]
            if str(fields[0]) == "0":
                host_id = int(fields[1])
        found.append(host_id)
    return tuple(found)


def parse_inspect(text: str) -> dict:
    """{name: {id, root, state, running, allocation, address, network, image}} from `podman inspect` of the host's
    instances' containers (network: instance_network's settings)."""
    found = {}
    for container in json.loads(text or "[]"):
        labels = container.get("Config", {}).get("Labels") or {}
        name = labels.get(LABEL)
        if not name:
            continue
        networks = container.get("NetworkSettings", {}).get("Networks") or {}
        addresses = [n.get("IPAddress") for n in networks.values() if n.get("IPAddress")]
        try:
            allocation = json.loads(labels.get(LABEL + ".allocation") or "{}")
        except ValueError:
            allocation = {}
        found[name] = {"id": container.get("Id", ""), "root": root_mapping(container),
                       "state": container.get("State", {}).get("Status", ""),
                       "running": bool(container.get("State", {}).get("Running")),
                       "allocation": allocation, "address": addresses[0] if addresses else "",
                       "network": instance_network.parse_label(labels.get(instance_network.LABEL)),
                       "image": container.get("ImageName", "")}
    return found
