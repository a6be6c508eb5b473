# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An instance host's capacity ledger: which CPUs, memory and GPUs (or MIG slices) its notebook
instances hold (stdlib only).

The ledger is one root-only JSON file, changed under an exclusive lock on a file beside it, so that
two creates at the same moment never get the same GPU. It holds the host's capacity and each
instance's allocation:
  {"host": {"name", "cpus", "memory_mib", "cpu_overcommit", "devices": [{"id", "kind", "mig_profile"}]},
   "allocations": {instance: {"instance_type", "cpus", "memory_mib", "devices": [ids]}}}
CPUs may be overcommitted by the host's factor; memory and devices never are (MIG shares a GPU).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re

from ansible_collections.sagebox.notebook.plugins.module_utils import private_files
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RecordError


class CapacityError(Exception):
    """A request the host cannot hold; the message is SageMaker's error shape (ResourceLimitExceeded: ...)."""


def empty(host: dict) -> dict:
    """A ledger of `host` (name, cpus, memory_mib, cpu_overcommit, devices) with nothing held."""
    return {"host": dict(host, cpu_overcommit=float(host.get("cpu_overcommit", 1.0)),
                         devices=[dict(d, mig_profile=d.get("mig_profile") or "") for d in host.get("devices", [])]),
            "allocations": {}}


def load(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            ledger = json.load(handle)
    except FileNotFoundError as exc:
        raise RecordError("no capacity ledger at %s: prepare the instance host first" % path) from exc
    except (OSError, ValueError) as exc:
        raise RecordError("the capacity ledger %s is damaged: %s" % (path, exc)) from exc
    if not isinstance(ledger, dict) or not isinstance(ledger.get("host"), dict) \
            or not isinstance(ledger.get("allocations"), dict):
        raise RecordError("the capacity ledger %s is damaged: it lacks host or allocations" % path)
    return ledger


def save(ledger: dict, path: str) -> None:
    private_files.write_private_file(path, (json.dumps(ledger, indent=2, sort_keys=True) + "\n").encode("utf-8"))


@contextlib.contextmanager
def lock(path: str):
    """The ledger's lock held, without reading the ledger (which may not be there yet)."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    with open(path + ".lock", "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@contextlib.contextmanager
def locked(path: str):
    """The ledger at `path`, changed under its lock; written back when the block ends without an error."""
    with lock(path):
        ledger = load(path)
        before = json.dumps(ledger, sort_keys=True)
        yield ledger
        if json.dumps(ledger, sort_keys=True) != before:
            save(ledger, path)


def prepare(path: str, host: dict, check_mode: bool = False) -> bool:
    """The ledger of `host` at `path`: made when there is none, its host's capacity brought up to date
    otherwise (the allocations kept). Whether it changed."""
    if check_mode and not os.path.exists(path):
        return True
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    with open(path + ".lock", "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = empty(host)
        if os.path.exists(path):
            current = load(path)
            wanted["allocations"] = current["allocations"]
            if current == wanted:
                return False
        if not check_mode:
            save(wanted, path)
        return True


def used(ledger: dict) -> dict:
    """What the allocations hold: cpus, memory_mib, and the ids of the devices."""
    held = ledger["allocations"].values()
    return {"cpus": sum(a["cpus"] for a in held), "memory_mib": sum(a["memory_mib"] for a in held),
            "devices": {d for a in held for d in a["devices"]}}


def matching_devices(ledger: dict, kind: str, mig_profile: str) -> list:
    """The host's devices an instance type can take: whole GPUs of `kind` (any kind when empty), or MIG
    slices of `mig_profile`."""
    word = re.compile(r"\b%s\b" % re.escape(kind), re.IGNORECASE)
    return [d for d in ledger["host"]["devices"] if d["mig_profile"] == mig_profile and (not kind or word.search(d["kind"]))]


def summary(ledger: dict) -> dict:
    """Capacity, used and free, as the hosts' list shows it."""
    host, held = ledger["host"], used(ledger)
    cpus = host["cpus"] * host["cpu_overcommit"]
    free_devices = [d for d in host["devices"] if d["id"] not in held["devices"]]
    return {"host": host["name"], "cpus": cpus, "cpus_used": held["cpus"], "cpus_free": cpus - held["cpus"],
            "memory_mib": host["memory_mib"], "memory_mib_used": held["memory_mib"],
            "memory_mib_free": host["memory_mib"] - held["memory_mib"],
            "devices": len(host["devices"]), "devices_free": [d["id"] for d in free_devices],
            "instances": sorted(ledger["allocations"])}


def shortfall(ledger: dict, spec: dict, instance_type: str) -> str:
    """Why `spec` (vcpus, memory_gib, gpus, gpu_kind, mig_profile) does not fit; "" when it does."""
    free = summary(ledger)
    memory = int(spec["memory_gib"] * 1024)
    devices = matching_devices(ledger, spec["gpu_kind"], spec["mig_profile"])
    free_devices = [d for d in devices if d["id"] in free["devices_free"]]
    plural = "s" if spec["gpus"] != 1 else ""
    what = ("MIG slice%s %s" % (plural, spec["mig_profile"])) if spec["mig_profile"] else \
        ("GPU%s%s" % (plural, " (%s)" % spec["gpu_kind"] if spec["gpu_kind"] else ""))
    if spec["gpus"] > len(free_devices):
        return "%s requested %d %s, %d of %d free on %s" % (instance_type, spec["gpus"], what, len(free_devices),
                                                            len(devices), free["host"])
    if memory > free["memory_mib_free"]:
        return "%s requested %d MiB of memory, %d of %d free on %s" % (
            instance_type, memory, free["memory_mib_free"], free["memory_mib"], free["host"])
    if spec["vcpus"] > free["cpus_free"] + 1e-9:
        return "%s requested %g vCPUs, %g of %g free on %s" % (
            instance_type, spec["vcpus"], free["cpus_free"], free["cpus"], free["host"])
    return ""


def reserve(path: str, instance: str, instance_type: str, spec: dict, check_mode: bool = False) -> tuple:
    """Hold `spec` for `instance` (create, start); (allocation, changed). An instance holding already keeps
    what it holds. CapacityError, with nothing changed, when it does not fit."""
    with locked(path) as ledger:
        if instance in ledger["allocations"]:
            return ledger["allocations"][instance], False
        why = shortfall(ledger, spec, instance_type)
        if why:
            raise CapacityError("ResourceLimitExceeded: notebook instance %r cannot be placed: %s" % (instance, why))
        free = set(summary(ledger)["devices_free"])
        devices = [d["id"] for d in matching_devices(ledger, spec["gpu_kind"], spec["mig_profile"])
                   if d["id"] in free][:spec["gpus"]]
        allocation = {"instance_type": instance_type, "cpus": spec["vcpus"], "memory_mib": int(spec["memory_gib"] * 1024),
                      "devices": devices}
        if not check_mode:
            ledger["allocations"][instance] = allocation
        return allocation, True


def hold(path: str, instance: str, allocation: dict, check_mode: bool = False) -> bool:
    """Hold exactly `allocation` (cpus, memory_mib, devices) for `instance`, as its container was made with
    (a start of a Stopped instance); whether it changed. CapacityError, with nothing changed, when the CPUs or
    memory are not free or any of its devices is held by another instance."""
    with locked(path) as ledger:
        if ledger["allocations"].get(instance) == allocation:
            return False
        others = dict(ledger, allocations={k: v for k, v in ledger["allocations"].items() if k != instance})
        free = summary(others)
        taken = [d for d in allocation["devices"] if d not in free["devices_free"]]
        if taken:
            why = "its GPUs %s are held by other instances or gone from %s" % (", ".join(taken), free["host"])
        else:
            why = shortfall(others, {"vcpus": allocation["cpus"], "memory_gib": allocation["memory_mib"] / 1024,
                                     "gpus": 0, "gpu_kind": "", "mig_profile": ""}, allocation["instance_type"])
        if why:
            raise CapacityError("Insufficient capacity: notebook instance %r cannot start: %s" % (instance, why))
        if not check_mode:
            ledger["allocations"][instance] = allocation
        return True


def release(path: str, instance: str, check_mode: bool = False) -> bool:
    """Give back what `instance` holds (stop, delete); whether it held anything."""
    with locked(path) as ledger:
        if instance not in ledger["allocations"]:
            return False
        if not check_mode:
            del ledger["allocations"][instance]
        return True


def rebuild(path: str, running) -> list:
    """After a crash or a reboot: the allocations become those of `running` ({instance: allocation}, what
    actually runs), or of what `running()` returns, called under the ledger's lock so that no create, start or
    stop changes the ledger between the look at what runs and the rewrite. Returns the instances whose
    allocation changed. CapacityError, with nothing changed, when two running instances hold the same device."""
    with locked(path) as ledger:
        found = running() if callable(running) else running
        holders = {}
        for instance, allocation in sorted(found.items()):
            for device in allocation.get("devices", []):
                holders.setdefault(device, []).append(instance)
        shared = ["%s held by %s" % (device, " and ".join(names)) for device, names in sorted(holders.items()) if len(names) > 1]
        if shared:
            raise CapacityError("the running instances share devices, which must never be: %s" % "; ".join(shared))
        changed = sorted(set(ledger["allocations"]) ^ set(found)
                         | {i for i in found if ledger["allocations"].get(i) != found[i]})
        ledger["allocations"] = dict(found)
        return changed
