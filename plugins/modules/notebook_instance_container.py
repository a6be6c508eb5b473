#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A notebook instance's system container on an instance host, holding its instance type's compute."""

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_instance_container
short_description: Run a notebook instance as a system container on an instance host, with its type's compute
version_added: 1.0.0
description:
  - Runs on an instance host prepared by the C(sagebox.notebook.instance_host) role. Makes, starts, stops or
    removes the system container of one notebook instance, and takes or gives back its instance type's CPUs,
    memory and GPUs in the host's capacity ledger, under the ledger's lock, so that two creates at the same
    moment never get the same GPU.
  - The container runs systemd as PID 1 in a user namespace of its own (root inside is an unprivileged ID on
    the server), with a private cgroup namespace, and the instance type's limits enforced by the host's
    cgroups (a CPU quota, memory with no swap, and only the device nodes of its GPUs or MIG slices, by CDI).
  - A create or a start that does not fit changes nothing and fails with SageMaker's error,
    C(ResourceLimitExceeded) for a create and C(Insufficient capacity) for a start; a stop and a removal give
    the compute back. docs/instance-hosts.md has the model.
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.instance_host
attributes:
  check_mode:
    support: full
    details: Checks the request against the ledger and says what would change; runs no podman command that
      changes anything.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  name:
    description: The notebook instance, which names its container.
    type: str
    required: true
    aliases: [notebook_instance_name]
  state:
    description:
      - V(started) makes the container when there is none, taking the type's compute, and starts it.
      - V(stopped) stops it and gives its compute back; the container, with its root file system, stays.
      - V(absent) removes the container (after a stop) and gives its compute back.
    type: str
    choices: [started, stopped, absent]
    default: started
  instance_type:
    description: The SageMaker instance type (or one of O(instance_types)), required to make a container.
    type: str
  instance_types:
    description: The host's own instance types, for example a MIG slice (docs/instance-types.md).
    type: dict
    default: {}
  image:
    description: The platform image the container is made from, required to make a container.
    type: str
  network:
    description: The podman network the instance has its address on (the host's SubnetId).
    type: str
    default: sagebox
  address:
    description: The instance's address on O(network); podman picks a free one when empty.
    type: str
    default: ""
  volume:
    description:
      - The instance's ML storage volume on the server (a folder or, as the C(sagebox.notebook.instance_host) role
        makes it, the mount point of a file system of its VolumeSizeInGB), mounted at C(/home/ec2-user/SageMaker).
      - When the container is made, the folder is given to the instance's root (its ID on the server), so that
        the notebook_instance role inside can give it to the notebook user.
    type: path
  volumes:
    description: Further bind mounts, C(HOST:CONTAINER[:OPTIONS]).
    type: list
    elements: str
    default: []
  stop_timeout:
    description: Seconds systemd inside has to shut down on a stop before it is killed.
    type: int
    default: 30
  direct_internet_access:
    description:
      - SageMaker's DirectInternetAccess. V(Disabled) lets the instance reach, besides other instances, only
        O(allowed_destinations) (and the network's DNS on the server); the server's firewall enforces it.
      - Kept with the container when it is made (as on SageMaker, a later call does not change it).
    type: str
    choices: [Enabled, Disabled]
    default: Enabled
  security_group_ids:
    description:
      - SageMaker's SecurityGroupIds, each defined in O(security_groups); their inbound rules are what may reach
        the instance, from other instances and other networks, on the server's firewall. Without any, the
        default group opens Jupyter's port (O(jupyter_port)) to all. The server itself always reaches the instance.
      - Kept with the container when it is made.
    type: list
    elements: str
    default: []
  security_groups:
    description:
      - The security groups by ID, each a list of inbound rules C({protocol, port, cidr}) (protocol V(tcp),
        V(udp) or V(icmp); port a number or range, none for icmp; an IPv4 cidr, as instances have no IPv6), as
        the notebook_instance role's C(notebook_instance_security_groups).
    type: dict
    default: {}
  allowed_destinations:
    description:
      - Networks, addresses or host names (resolved now, on the server) the instance reaches with
        O(direct_internet_access=Disabled).
    type: list
    elements: str
    default: []
  jupyter_port:
    description: Jupyter's port in the instance, which the default group opens.
    type: int
    default: 8443
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Run alice's instance as an ml.g5.xlarge
  sagebox.notebook.notebook_instance_container:
    name: alice-gpu
    instance_type: ml.g5.xlarge
    image: localhost/sagebox/notebook-al2-v2:latest
"""

RETURN = r"""
container:
  description: The instance's container as the host holds it after the call.
  returned: success
  type: dict
  contains:
    state:
      description: podman's state of the container (C(running), C(exited), C(absent)).
      type: str
    allocation:
      description: What it holds (C(instance_type), C(cpus), C(memory_mib), C(devices)).
      type: dict
    address:
      description: Its address on the host's network, while it runs.
      type: str
capacity:
  description: The host's capacity, used and free, after the call.
  returned: success
  type: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import (
    capacity, instance_container, instance_network, instance_types, request)
from ansible_collections.sagebox.notebook.plugins.module_utils.podman import Podman, PodmanError
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError


def give_volume(path: str, root: tuple) -> None:
    """The volume's top folder to the instance's root, once (what the instance writes there stays its own)."""
    status = os.stat(path)
    if (status.st_uid, status.st_gid) == (0, 0) and root != (0, 0):
        os.chown(path, *root)


def apply_network(module: AnsibleModule, podman: Podman) -> None:
    """The server's firewall says again what each running instance may reach and what may reach it. Under the
    ledger's lock: of two calls at the same moment, the later look at what runs is also the later write."""
    with capacity.lock(module.params["ledger_path"]):
        rc, out, err = module.run_command([module.get_bin_path("nft", required=True), "-f", "-"],
                                          data=instance_network.nft_script(podman.instances()),
                                          binary_data=True)
    if rc != 0:
        raise PodmanError("the instances' firewall rules were not written (is the instance_host role's "
                          "sagebox-instances-firewall.service active?): %s" % (err or out).strip())


def start(module: AnsibleModule, podman: Podman, found: dict) -> bool:
    params, name = module.params, module.params["name"]
    if found and not found["allocation"]:
        raise PodmanError("container %s has no readable allocation label (io.sagebox.instance.allocation): it was not "
                          "made by this module; remove it or give the instance another name" % name)
    if found.get("running"):
        # Running, so it holds its compute; a ledger lost or rebuilt learns it again.
        return capacity.hold(params["ledger_path"], name, found["allocation"], module.check_mode)
    if found:
        capacity.hold(params["ledger_path"], name, found["allocation"], module.check_mode)
        if not module.check_mode:
            try:
                # No rules left at the address it may get (an instance that stopped itself keeps its own).
                apply_network(module, podman)
                podman.run("start", found["id"])
            except PodmanError:
                capacity.release(params["ledger_path"], name)
                raise
        return True
    if params["volume"] and not os.path.isdir(params["volume"]):
        host = capacity.load(params["ledger_path"])["host"]["name"]
        raise RequestError("volume %s is not a folder on %s" % (params["volume"], host))
    for option in ("instance_type", "image"):
        if not params[option]:
            raise RequestError("%s is required to create notebook instance %r's container" % (option, name))
    spec = instance_types.resources(params["instance_type"], params["instance_types"])
    network_settings = instance_network.policy(params["direct_internet_access"], params["security_group_ids"],
                                               params["security_groups"], params["allowed_destinations"],
                                               params["jupyter_port"])
    if podman.run_rc("image", "exists", params["image"]) != 0:
        raise RequestError("platform image %s is not on %s: build it there with the playbook "
                           "sagebox.notebook.build_platform_image (or load it), then create the instance"
                           % (params["image"], capacity.load(params["ledger_path"])["host"]["name"]))
    allocation, dummy = capacity.reserve(params["ledger_path"], name, params["instance_type"], spec, module.check_mode)
    if module.check_mode:
        return True
    container_id = ""
    try:
        container_id = podman.run(*instance_container.create_args(
            name, params["image"], allocation, params["network"], params["address"], params["volumes"],
            volume=params["volume"] or "", network_settings=network_settings)).strip()
        if params["volume"]:
            give_volume(params["volume"], podman.find(name).get("root", (0, 0)))
        apply_network(module, podman)
        podman.run("start", container_id)
    except (PodmanError, OSError):
        # Only the container this call made is removed; a create refused (a name in use) made none.
        if container_id:
            podman.run("rm", "--force", container_id, check=False)
        capacity.release(params["ledger_path"], name)
        raise
    return True


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True, "aliases": ["notebook_instance_name"]},
            "state": {"type": "str", "choices": ["started", "stopped", "absent"], "default": "started"},
            "instance_type": {"type": "str"},
            "instance_types": {"type": "dict", "default": {}},
            "image": {"type": "str"},
            "network": {"type": "str", "default": "sagebox"},
            "address": {"type": "str", "default": ""},
            "volume": {"type": "path"},
            "volumes": {"type": "list", "elements": "str", "default": []},
            "ledger_path": {"type": "path", "default": "/var/lib/sagebox/capacity.json"},
            "containers_conf": {"type": "path", "default": "/etc/sagebox/containers.conf"},
            "stop_timeout": {"type": "int", "default": 30},
            "direct_internet_access": {"type": "str", "choices": list(instance_network.ACCESS), "default": "Enabled"},
            "security_group_ids": {"type": "list", "elements": "str", "default": []},
            "security_groups": {"type": "dict", "default": {}},
            "allowed_destinations": {"type": "list", "elements": "str", "default": []},
            "jupyter_port": {"type": "int", "default": 8443},
        },
        supports_check_mode=True,
    )
    params, name = module.params, module.params["name"]
    if module.check_mode and not (os.path.exists(params["ledger_path"]) and module.get_bin_path("podman")):
        # A check run of a host's first set-up: the role has not made the host an instance host yet.
        module.exit_json(changed=params["state"] == "started", container={}, capacity={},
                         msg="the host is not an instance host yet: everything would be made")
    if not os.path.exists(params["ledger_path"]):
        module.fail_json(msg="%s is not an instance host: no capacity ledger at %s (run the "
                             "sagebox.notebook.instance_host role first)" % (name, params["ledger_path"]))
    try:
        request.check_name(name, "name")
        instance_container.check_placement(params["network"], params["volumes"])
    except RequestError as exc:
        module.fail_json(msg=str(exc))
    podman = Podman(module, params["containers_conf"])
    try:
        found = podman.find(name)
        if params["state"] == "started":
            changed = start(module, podman, found)
        else:
            changed = bool(found.get("running"))
            if changed and not module.check_mode:
                podman.run("stop", "--time", str(params["stop_timeout"]), found["id"])
            # Stopped, it holds no compute, whatever happens to the container next.
            changed = capacity.release(params["ledger_path"], name, module.check_mode) or changed
            if params["state"] == "absent" and found:
                changed = True
                if not module.check_mode:
                    podman.remove(found["id"])
        if not module.check_mode:
            apply_network(module, podman)
        after = found if module.check_mode else podman.find(name)
    except (RequestError, capacity.CapacityError, PodmanError, OSError) as exc:
        module.fail_json(msg=str(exc))
    container = {"state": after.get("state", "absent"), "allocation": after.get("allocation", {}),
                 "address": after.get("address", "")}
    module.exit_json(changed=changed, container=container,
                     capacity=capacity.summary(capacity.load(params["ledger_path"])))


if __name__ == "__main__":
    main()
