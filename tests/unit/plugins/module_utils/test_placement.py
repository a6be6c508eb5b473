"""Placement of a new notebook instance across instance hosts (module_utils/placement.py)."""

from __future__ import annotations

import pytest
from ansible_collections.sagebox.notebook.plugins.module_utils import capacity, placement
from ansible_collections.sagebox.notebook.plugins.module_utils import instance_types as it


def host(name: str, memory_gib: int, gpus: list, held: dict | None = None) -> dict:
    ledger = capacity.empty({"name": name, "cpus": 64, "memory_mib": memory_gib * 1024, "devices": gpus})
    ledger["allocations"] = held or {}
    return ledger


def a10g(prefix: str, count: int) -> list:
    return [{"id": "%s-%d" % (prefix, i), "kind": "NVIDIA A10G"} for i in range(count)]


def held(gpus: list, memory_gib: int = 16) -> dict:
    return {"instance_type": "ml.g5.xlarge", "cpus": 4, "memory_mib": memory_gib * 1024, "devices": gpus}


def test_a_gpu_type_fills_the_server_with_the_fewest_free_gpus_first():
    busy = host("gpu1", 512, a10g("a", 8), {"x": held(["a-0", "a-1", "a-2", "a-3", "a-4", "a-5"])})
    idle = host("gpu2", 512, a10g("b", 8))
    assert placement.choose([idle, busy], "nb", "ml.g5.xlarge", it.resources("ml.g5.xlarge")) == "gpu1"
    # Four GPUs on one host: only the idle server has them.
    assert placement.choose([idle, busy], "nb", "ml.g5.12xlarge", it.resources("ml.g5.12xlarge")) == "gpu2"


def test_a_type_without_gpus_keeps_off_gpu_servers_then_takes_the_most_free_memory():
    gpu = host("gpu1", 1024, a10g("a", 8))
    small = host("cpu1", 64, [])
    large = host("cpu2", 256, [])
    assert placement.choose([gpu, small, large], "nb", "ml.m5.xlarge", it.resources("ml.m5.xlarge")) == "cpu2"
    # A GPU server whose GPUs are all held still comes after a CPU server with less free memory.
    busy_gpu = host("gpu2", 1024, a10g("b", 1), {"z": held(["b-0"])})
    assert placement.choose([busy_gpu, small], "nb", "ml.m5.xlarge", it.resources("ml.m5.xlarge")) == "cpu1"
    # Once the CPU servers are full, a GPU server with room takes it.
    full = host("cpu3", 16, [], {"y": held([], 16)})
    assert placement.choose([gpu, full], "nb", "ml.m5.xlarge", it.resources("ml.m5.xlarge")) == "gpu1"


def test_the_gpu_kind_decides_which_servers_can_take_a_type():
    t4 = host("t4", 512, [{"id": "t-0", "kind": "Tesla T4"}])
    assert placement.choose([host("a10", 512, a10g("a", 1)), t4], "nb", "ml.g4dn.xlarge",
                            it.resources("ml.g4dn.xlarge")) == "t4"


def test_ties_go_to_the_host_named_first():
    assert placement.choose([host("b", 64, []), host("a", 64, [])], "nb", "ml.t3.medium",
                            it.resources("ml.t3.medium")) == "a"


def test_a_type_that_fits_nowhere_is_refused_naming_each_hosts_shortfall():
    hosts = [host("cpu1", 2, []), host("gpu1", 512, a10g("a", 1), {"z": held(["a-0"])})]
    with pytest.raises(capacity.CapacityError) as refused:
        placement.choose(hosts, "nb", "ml.g5.xlarge", it.resources("ml.g5.xlarge"))
    assert str(refused.value) == (
        "ResourceLimitExceeded: notebook instance 'nb' cannot be placed: ml.g5.xlarge requested 1 GPU (A10G), "
        "0 of 0 free on cpu1; ml.g5.xlarge requested 1 GPU (A10G), 0 of 1 free on gpu1")
    with pytest.raises(capacity.CapacityError, match="there is no instance host"):
        placement.choose([], "nb", "ml.t3.medium", it.resources("ml.t3.medium"))
