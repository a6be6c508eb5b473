#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An instance host's capacity, used and free, and its notebook instances with what each holds."""

from __future__ import annotations

DOCUMENTATION = r"""
module: instance_host_info
short_description: An instance host's capacity and its notebook instances, with where and what each holds
version_added: 1.0.0
description:
  - Reads an instance host prepared by the C(sagebox.notebook.instance_host) role. Returns its capacity, used and
    free (CPUs, memory, GPUs and MIG slices), its capacity ledger, and for each notebook instance's container its
    state, its address on the instances' network, its instance type and the CPUs, memory and GPUs (CDI names,
    by UUID) it was made with.
  - Changes nothing. The playbooks use it to place a new instance (filter C(sagebox.notebook.place)), to find the
    host of an instance, and to list the hosts.
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.instance_host
  - sagebox.notebook.host_layout
attributes:
  check_mode:
    support: full
    details: Reads only.
  diff_mode:
    support: N/A
    details: Reads only.
  platform:
    platforms: posix
options:
  name:
    description: Only this notebook instance (an empty list of instances when the host has no such instance).
    type: str
  describe:
    description:
      - With each instance, RV(instances[].notebook_instance), its DescribeNotebookInstance response read from the
        record in its container, running or stopped, with where it runs and what it holds (C(InstanceHost)).
    type: bool
    default: false
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Read the GPU server's capacity and instances
  sagebox.notebook.instance_host_info:
  register: gpu1
"""

RETURN = r"""
instance_host:
  description: Whether the host is an instance host (false only in check mode, before the role made it one).
  returned: success
  type: bool
capacity:
  description: The host's capacity, used and free (C(cpus), C(cpus_used), C(cpus_free), C(memory_mib), C(memory_mib_used),
    C(memory_mib_free), C(devices), C(devices_free), C(instances)).
  returned: success
  type: dict
ledger:
  description: The capacity ledger (C(host), with its devices and their kinds, and C(allocations)), for placement.
  returned: success
  type: dict
instances:
  description: The host's notebook instances by name.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The notebook instance.
      type: str
    host:
      description: The instance host it runs on (the ledger's host name).
      type: str
    state:
      description: podman's state of its container (C(running), C(exited), ...).
      type: str
    holds_compute:
      description: Whether the ledger holds its compute (it runs, or a start holds it).
      type: bool
    address:
      description: Its address on the instances' network while it runs.
      type: str
    instance_type:
      description: Its instance type.
      type: str
    cpus:
      description: Its vCPUs (the CPU quota).
      type: float
    memory_mib:
      description: Its memory limit (no swap above it).
      type: int
    devices:
      description: Its GPUs or MIG slices, by CDI name.
      type: list
      elements: str
    image:
      description: The platform image it was made from.
      type: str
    notebook_instance:
      description:
        - With O(describe), the instance as DescribeNotebookInstance answers, read from its record ({} when its
          container has none yet), and C(InstanceHost) (C(Name), C(State), C(Address), C(InstanceType), C(VCpus),
          C(MemoryMiB), C(Devices)).
      returned: with O(describe)
      type: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import capacity, host_layout, record
from ansible_collections.sagebox.notebook.plugins.module_utils.podman import Podman, PodmanError
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RecordError


def described(podman: Podman, instance: dict, record_path: str) -> dict:
    """The instance's DescribeNotebookInstance response from the record in its container, and InstanceHost."""
    content = podman.read_file(instance["name"], record_path)
    if content is None:
        return {}
    # The record must be this instance's (its root could have put another's there).
    found = record.hosts_instance(record.parse_record(content, "%s:%s" % (instance["name"], record_path)),
                                  instance["name"])
    return {**record.describe(found),
            "InstanceHost": {"Name": instance["host"], "State": instance["state"], "Address": instance["address"],
                             "InstanceType": instance["instance_type"], "VCpus": instance["cpus"],
                             "MemoryMiB": instance["memory_mib"], "Devices": instance["devices"]}}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str"},
            "describe": {"type": "bool", "default": False},
            **host_layout.options("record_path"),
            "ledger_path": {"type": "path", "default": "/var/lib/sagebox/capacity.json"},
            "containers_conf": {"type": "path", "default": "/etc/sagebox/containers.conf"},
        },
        supports_check_mode=True,
    )
    params = module.params
    if not os.path.exists(params["ledger_path"]):
        if module.check_mode:
            # A check run of a host's first set-up: the instance_host role has not made it one yet.
            module.exit_json(changed=False, instance_host=False, capacity={}, ledger={}, instances=[],
                             msg="the host is not an instance host yet")
        module.fail_json(msg="this host is not an instance host: no capacity ledger at %s (run the "
                             "sagebox.notebook.instance_host role first)" % params["ledger_path"])
    try:
        ledger = capacity.load(params["ledger_path"])
        podman = Podman(module, params["containers_conf"])
        found = podman.find(params["name"]) if params["name"] else podman.instances()
        if params["name"]:
            found = {params["name"]: found} if found else {}
    except (RecordError, PodmanError) as exc:
        module.fail_json(msg=str(exc))
    instances = []
    try:
        for name, container in sorted(found.items()):
            allocation = container["allocation"]
            instance = {"name": name, "host": ledger["host"]["name"], "state": container["state"],
                        "holds_compute": name in ledger["allocations"], "address": container["address"],
                        "instance_type": allocation.get("instance_type", ""), "cpus": allocation.get("cpus", 0),
                        "memory_mib": allocation.get("memory_mib", 0), "devices": allocation.get("devices", []),
                        "image": container["image"]}
            if params["describe"]:
                instance["notebook_instance"] = described(podman, instance, params["record_path"])
            instances.append(instance)
    except (RecordError, PodmanError) as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, instance_host=True, capacity=capacity.summary(ledger), ledger=ledger,
                     instances=instances)


if __name__ == "__main__":
    main()
