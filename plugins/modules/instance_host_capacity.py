#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An instance host's capacity ledger: its CPUs, memory and GPUs, and what its notebook instances hold."""

from __future__ import annotations

DOCUMENTATION = r"""
module: instance_host_capacity
short_description: Keep an instance host's capacity ledger, and say what is used and free
version_added: 1.0.0
description:
  - Writes the capacity of an instance host (its CPUs, with the CPU overcommit factor, its memory and its GPUs
    or MIG slices) into the host's ledger, keeping what the notebook instances hold, and returns the capacity
    used and free. The C(sagebox.notebook.instance_host) role calls it; in check mode it is the host's line of a
    list of the hosts.
  - The ledger is a root-only JSON file changed under a lock; docs/instance-hosts.md describes it.
extends_documentation_fragment:
  - action_common_attributes
attributes:
  check_mode:
    support: full
    details: Says whether the ledger would change and returns the capacity as it is.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  ledger_path:
    description: The ledger.
    type: path
    default: /var/lib/sagebox/capacity.json
  host:
    description: The host's name in errors and lists (for example V(ResourceLimitExceeded ... 0 of 8 free on gpu1)).
    type: str
    required: true
  cpus:
    description: The CPUs the instances may share; V(0) is every CPU of the host less O(reserved_cpus).
    type: float
    default: 0
  reserved_cpus:
    description: CPUs kept for the host itself when O(cpus) is V(0).
    type: float
    default: 0
  cpu_overcommit:
    description: How many vCPUs of instance types one CPU counts for (V(1) is none). Memory and GPUs are never
      overcommitted.
    type: float
    default: 1
  memory_mib:
    description: The memory the instances may hold, in MiB; V(0) is the host's memory less O(reserved_memory_mib).
    type: int
    default: 0
  reserved_memory_mib:
    description: Memory kept for the host itself when O(memory_mib) is V(0).
    type: int
    default: 1024
  devices:
    description:
      - The GPUs and MIG slices instances may take, each a CDI device name (C(id), for example
        V(nvidia.com/gpu=GPU-8f0c...) or V(nvidia.com/gpu=0:1)), its model (C(kind), for example V(NVIDIA A10G))
        and for a MIG slice its profile (C(mig_profile), for example V(1g.10gb)).
    type: list
    elements: dict
    default: []
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Offer 60 of the host's CPUs (twice over), 480 GiB and its eight GPUs
  sagebox.notebook.instance_host_capacity:
    host: gpu1
    cpus: 60
    cpu_overcommit: 2
    memory_mib: 491520
    devices: "{{ gpu_devices }}"
"""

RETURN = r"""
capacity:
  description: The host's capacity, used and free (cpus, memory_mib, devices, devices_free, instances).
  returned: success
  type: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import capacity
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RecordError


def host_memory_mib() -> int:
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "ledger_path": {"type": "path", "default": "/var/lib/sagebox/capacity.json"},
            "host": {"type": "str", "required": True},
            "cpus": {"type": "float", "default": 0},
            "reserved_cpus": {"type": "float", "default": 0},
            "cpu_overcommit": {"type": "float", "default": 1},
            "memory_mib": {"type": "int", "default": 0},
            "reserved_memory_mib": {"type": "int", "default": 1024},
            "devices": {"type": "list", "elements": "dict", "default": []},
        },
        supports_check_mode=True,
    )
    params = module.params
    cpus = params["cpus"] or (os.cpu_count() or 1) - params["reserved_cpus"]
    memory = params["memory_mib"] or host_memory_mib() - params["reserved_memory_mib"]
    problems = []
    if cpus <= 0:
        problems.append("cpus %g: the instances need at least part of a CPU" % cpus)
    if memory <= 0:
        problems.append("memory_mib %d: the instances need some memory" % memory)
    if params["cpu_overcommit"] < 1:
        problems.append("cpu_overcommit %g: must be 1 (none) or more" % params["cpu_overcommit"])
    devices = []
    for device in params["devices"]:
        if not device.get("id") or not device.get("kind"):
            problems.append("device %r: needs an id (its CDI name) and a kind (its model)" % (device,))
            continue
        devices.append({"id": device["id"], "kind": device["kind"], "mig_profile": device.get("mig_profile") or ""})
    ids = [d["id"] for d in devices]
    problems += ["device %r is listed twice" % i for i in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        module.fail_json(msg="; ".join(problems))
    host = {"name": params["host"], "cpus": cpus, "memory_mib": memory, "cpu_overcommit": params["cpu_overcommit"],
            "devices": devices}
    try:
        changed = capacity.prepare(params["ledger_path"], host, module.check_mode)
        ledger = capacity.load(params["ledger_path"]) if os.path.exists(params["ledger_path"]) else capacity.empty(host)
    except RecordError as exc:
        module.fail_json(msg=str(exc))
    if module.check_mode and changed:
        ledger = dict(capacity.empty(host), allocations=ledger["allocations"])
    module.exit_json(changed=changed, capacity=capacity.summary(ledger))


if __name__ == "__main__":
    main()
