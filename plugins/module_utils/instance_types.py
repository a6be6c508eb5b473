# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SageMaker's notebook instance types as the compute an instance host gives them (stdlib only).

The names are those CreateNotebookInstance accepts (the InstanceType enum of SageMaker's service
model, API version 2017-07-24). The vCPUs, memory and GPUs are those AWS publishes for the EC2
instance each name stands for; docs/instance-types.md lists them. An instance host may add types of
its own (a MIG slice, a share of a large server) and may not redefine SageMaker's.
"""

from __future__ import annotations

import re

from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError

# vCPUs by size; "medium" is the t-families' 2 vCPUs.
SIZE_VCPUS = {"medium": 2, "large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "6xlarge": 24, "8xlarge": 32,
              "9xlarge": 36, "10xlarge": 40, "12xlarge": 48, "16xlarge": 64, "18xlarge": 72, "24xlarge": 96,
              "32xlarge": 128, "48xlarge": 192}

# General families: GiB of memory per vCPU, and the sizes SageMaker offers for notebook instances.
RATIO_FAMILIES = {
    ("m5", "m5d", "m6i", "m6id", "m7i", "m4"): 4,
    ("c5", "c5d", "c6i", "c6id", "c7i"): 2,
    ("r5", "r6i", "r6id", "r7i"): 8,
    ("inf1",): 2, ("inf2", "trn1", "trn1n"): 4,
}
SIZES = {
    "t2": "medium large xlarge 2xlarge", "t3": "medium large xlarge 2xlarge",
    "m4": "xlarge 2xlarge 4xlarge 10xlarge 16xlarge", "m5": "xlarge 2xlarge 4xlarge 12xlarge 24xlarge",
    "m5d": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge",
    "c4": "xlarge 2xlarge 4xlarge 8xlarge", "c5": "xlarge 2xlarge 4xlarge 9xlarge 18xlarge",
    "c5d": "xlarge 2xlarge 4xlarge 9xlarge 18xlarge",
    "r5": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge",
    "m6i": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge",
    "m7i": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge",
    "c6i": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge",
    "c7i": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge",
    "r6i": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge",
    "r7i": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge",
    "m6id": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge",
    "c6id": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge",
    "r6id": "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge",
    "inf1": "xlarge 2xlarge 6xlarge 24xlarge", "inf2": "xlarge 8xlarge 24xlarge 48xlarge",
    "trn1": "2xlarge 32xlarge", "trn1n": "32xlarge",
}
# vCPUs where the size does not say them.
VCPUS = {"ml.c4.8xlarge": 36}
# Memory (GiB) where the ratio does not hold.
MEMORY = {"ml.t2.medium": 4, "ml.t2.large": 8, "ml.t2.xlarge": 16, "ml.t2.2xlarge": 32,
          "ml.t3.medium": 4, "ml.t3.large": 8, "ml.t3.xlarge": 16, "ml.t3.2xlarge": 32,
          "ml.c4.xlarge": 7.5, "ml.c4.2xlarge": 15, "ml.c4.4xlarge": 30, "ml.c4.8xlarge": 60}
# Types with NVIDIA GPUs: (vCPUs, memory GiB, GPUs, GPU kind).
GPU_TYPES = {
    "ml.p2.xlarge": (4, 61, 1, "K80"), "ml.p2.8xlarge": (32, 488, 8, "K80"), "ml.p2.16xlarge": (64, 732, 16, "K80"),
    "ml.p3.2xlarge": (8, 61, 1, "V100"), "ml.p3.8xlarge": (32, 244, 4, "V100"), "ml.p3.16xlarge": (64, 488, 8, "V100"),
    "ml.p3dn.24xlarge": (96, 768, 8, "V100"),
    "ml.p4d.24xlarge": (96, 1152, 8, "A100"), "ml.p4de.24xlarge": (96, 1152, 8, "A100"),
    "ml.p5.4xlarge": (16, 256, 1, "H100"), "ml.p5.48xlarge": (192, 2048, 8, "H100"),
    "ml.p5en.48xlarge": (192, 2048, 8, "H200"), "ml.p6-b200.48xlarge": (192, 2048, 8, "B200"),
}
# G families: one GPU up to 16xlarge, then 4 (12xlarge, 24xlarge) or 8 (48xlarge); memory 4 GiB a vCPU
# (g6e 8 GiB).
G_FAMILIES = {"g4dn": ("T4", 4, "xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
              "g5": ("A10G", 4, "xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
              "g6": ("L4", 4, "xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
              "g6e": ("L40S", 8, "xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge")}
G_GPUS = {"12xlarge": 4, "24xlarge": 4, "48xlarge": 8}
# Accelerators this collection does not drive (AWS Inferentia and Trainium, the ml.g7e family's
# GPUs, which no published figure here pins down): SageMaker names, refused on instance hosts.
NOT_OFFERED = ("inf1", "inf2", "trn1", "trn1n", "g7e")
G7E = "2xlarge 4xlarge 8xlarge 12xlarge 24xlarge 48xlarge"

TYPE_PATTERN = r"ml\.[a-z0-9-]+\.[a-z0-9-]+"


def _table() -> dict:
    """name: {vcpus, memory_gib, gpus, gpu_kind} for every type SageMaker accepts for notebook instances."""
    table = {}
    ratio = {family: r for families, r in RATIO_FAMILIES.items() for family in families}
    for family, sizes in SIZES.items():
        for size in sizes.split():
            name = "ml.%s.%s" % (family, size)
            vcpus = VCPUS.get(name, SIZE_VCPUS[size])
            table[name] = {"vcpus": vcpus, "memory_gib": MEMORY.get(name, vcpus * ratio.get(family, 0)),
                           "gpus": 0, "gpu_kind": ""}
    for family, (kind, per_vcpu, sizes) in G_FAMILIES.items():
        for size in sizes.split():
            vcpus = SIZE_VCPUS[size]
            table["ml.%s.%s" % (family, size)] = {"vcpus": vcpus, "memory_gib": vcpus * per_vcpu,
                                                  "gpus": G_GPUS.get(size, 1), "gpu_kind": kind}
    for name, (vcpus, memory, gpus, kind) in GPU_TYPES.items():
        table[name] = {"vcpus": vcpus, "memory_gib": memory, "gpus": gpus, "gpu_kind": kind}
    for size in G7E.split():
        table["ml.g7e.%s" % size] = {"vcpus": SIZE_VCPUS[size], "memory_gib": 0, "gpus": 0, "gpu_kind": ""}
    for name, spec in table.items():
        spec["offered"] = name.split(".")[1] not in NOT_OFFERED
    return table


SAGEMAKER_TYPES = _table()


def check_custom_types(custom: dict) -> dict:
    """The host's own types, checked: {name: {vcpus, memory_gib, gpus, gpu_kind, mig_profile}}."""
    checked = {}
    for name, spec in (custom or {}).items():
        if name in SAGEMAKER_TYPES:
            raise RequestError("instance type %r is SageMaker's: a host's own type needs another name" % name)
        if not re.fullmatch(TYPE_PATTERN, name):
            raise RequestError("instance type %r must match %s (for example ml.mig.1g-10gb)" % (name, TYPE_PATTERN))
        if not isinstance(spec, dict):
            raise RequestError("instance type %r must be a mapping of vcpus, memory_gib and gpus" % name)
        try:
            vcpus, memory, gpus = float(spec["vcpus"]), float(spec["memory_gib"]), int(spec.get("gpus", 0))
        except (KeyError, TypeError, ValueError) as exc:
            raise RequestError("instance type %r needs numbers vcpus and memory_gib (and gpus): %s" % (name, exc)) from exc
        if vcpus <= 0 or memory <= 0 or gpus < 0:
            raise RequestError("instance type %r: vcpus and memory_gib must be above 0, gpus 0 or more" % name)
        profile = spec.get("mig_profile") or ""
        if profile and gpus != 1:
            raise RequestError("instance type %r: a MIG slice (mig_profile %r) is one device: gpus must be 1"
                               % (name, profile))
        checked[name] = {"vcpus": vcpus, "memory_gib": memory, "gpus": gpus, "gpu_kind": spec.get("gpu_kind") or "",
                         "mig_profile": profile, "offered": True}
    return checked


def resources(name: str, custom: dict | None = None) -> dict:
    """The compute of instance type `name`; RequestError in SageMaker's words for a name it does not know, and
    for a SageMaker type an instance host does not offer."""
    types = dict(SAGEMAKER_TYPES, **check_custom_types(custom or {}))
    if name not in types:
        raise RequestError("1 validation error detected: Value %r at 'instanceType' failed to satisfy constraint: "
                           "Member must satisfy enum value set: [%s]" % (name, ", ".join(sorted(types))))
    spec = dict(types[name], mig_profile=types[name].get("mig_profile", ""))
    if not spec["offered"]:
        raise RequestError("instance type %r is SageMaker's but not offered on instance hosts: its accelerators "
                           "(AWS Inferentia, Trainium, or GPUs this collection has no figures for) are not NVIDIA "
                           "GPUs it assigns" % name)
    return spec
