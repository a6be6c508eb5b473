# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which instance host a new notebook instance lands on (stdlib only; docs/instance-hosts.md, "Placement").

Of the hosts where the instance type fits (capacity.shortfall), a type with GPUs or a MIG slice goes to the
host with the fewest free devices it could take (GPU servers fill one at a time, so that a type needing
several GPUs on one host still finds a server with them free), and a type without GPUs to the host with the
fewest GPUs of any kind, free or not (GPU servers keep their CPUs and memory for GPU instances). Ties go to the host
with the most free memory (instances spread, and CPU time is shared by fewer of them), then by name.
"""

from __future__ import annotations

from ansible_collections.sagebox.notebook.plugins.module_utils import capacity


def rank(ledger: dict, spec: dict) -> tuple:
    """The order key of a host where `spec` fits: lower is preferred."""
    free = capacity.summary(ledger)
    if spec["gpus"]:
        devices = [d for d in capacity.matching_devices(ledger, spec["gpu_kind"], spec["mig_profile"])
                   if d["id"] in free["devices_free"]]
        first = len(devices)
    else:
        # GPU servers last, whether their GPUs are free or not: their CPUs and memory are for GPU instances.
        first = len(ledger["host"]["devices"])
    return (first, -free["memory_mib_free"], free["host"])


def choose(ledgers: list, instance: str, instance_type: str, spec: dict) -> str:
    """The host (its ledger's host name) that `instance` of `instance_type` (resources `spec`) goes to.
    CapacityError in SageMaker's shape, naming each host's shortfall, when it fits on none."""
    if not ledgers:
        raise capacity.CapacityError("ResourceLimitExceeded: notebook instance %r cannot be placed: there is no "
                                     "instance host to place it on" % instance)
    fits, why = [], []
    for ledger in ledgers:
        short = capacity.shortfall(ledger, spec, instance_type)
        if short:
            why.append(short)
        else:
            fits.append(ledger)
    if not fits:
        raise capacity.CapacityError("ResourceLimitExceeded: notebook instance %r cannot be placed: %s"
                                     % (instance, "; ".join(why)))
    return min(fits, key=lambda ledger: rank(ledger, spec))["host"]["name"]
