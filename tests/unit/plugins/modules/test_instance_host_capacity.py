"""The instance_host_capacity module: the host's line of the ledger, its bad input, check mode, and the
allocations it keeps when the host's capacity changes."""

from __future__ import annotations

import os

from ansible_collections.sagebox.notebook.plugins.module_utils import capacity
from ansible_collections.sagebox.notebook.plugins.modules import instance_host_capacity

A10G = {"id": "nvidia.com/gpu=GPU-0", "kind": "NVIDIA A10G"}


def args(tmp_path, **extra):
    return dict({"ledger_path": str(tmp_path / "capacity.json"), "host": "gpu1", "cpus": 8, "memory_mib": 32768,
                 "devices": [A10G]}, **extra)


def test_the_ledger_is_written_once_and_a_second_run_changes_nothing(run_module, tmp_path):
    failed, result = run_module(instance_host_capacity, args(tmp_path, cpu_overcommit=2))
    assert not failed and result["changed"], result
    assert (result["capacity"]["cpus"], result["capacity"]["memory_mib_free"]) == (16, 32768)
    assert result["capacity"]["devices_free"] == ["nvidia.com/gpu=GPU-0"]
    assert oct(os.stat(tmp_path / "capacity.json").st_mode & 0o777) == "0o600"
    failed, result = run_module(instance_host_capacity, args(tmp_path, cpu_overcommit=2))
    assert not failed and not result["changed"], result


def test_bad_input_is_refused_whole_with_nothing_written(run_module, tmp_path):
    failed, result = run_module(instance_host_capacity, args(
        tmp_path, cpus=-1, cpu_overcommit=0.5, devices=[A10G, A10G, {"id": "nvidia.com/gpu=GPU-1"}]))
    assert failed
    assert result["msg"] == (
        "cpus -1: the instances need at least part of a CPU; cpu_overcommit 0.5: must be 1 (none) or more; "
        "device {'id': 'nvidia.com/gpu=GPU-1'}: needs an id (its CDI name) and a kind (its model); "
        "device 'nvidia.com/gpu=GPU-0' is listed twice")
    assert not (tmp_path / "capacity.json").exists()


def test_check_mode_writes_nothing_and_says_what_would_be(run_module, tmp_path):
    failed, result = run_module(instance_host_capacity, dict(args(tmp_path), _ansible_check_mode=True))
    assert not failed and result["changed"] and result["capacity"]["memory_mib"] == 32768, result
    assert not (tmp_path / "capacity.json").exists()


def test_a_new_capacity_keeps_what_the_instances_hold(run_module, tmp_path):
    run_module(instance_host_capacity, args(tmp_path))
    ledger_path = str(tmp_path / "capacity.json")
    capacity.reserve(ledger_path, "alice", "ml.g5.xlarge",
                     {"vcpus": 4, "memory_gib": 16, "gpus": 1, "gpu_kind": "A10G", "mig_profile": ""})
    failed, result = run_module(instance_host_capacity, args(tmp_path, memory_mib=65536))
    assert not failed and result["changed"], result
    assert result["capacity"]["memory_mib_free"] == 65536 - 16384
    assert capacity.load(ledger_path)["allocations"]["alice"]["devices"] == ["nvidia.com/gpu=GPU-0"]
