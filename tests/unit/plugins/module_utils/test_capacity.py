"""The instance host's capacity ledger (module_utils/capacity.py)."""

from __future__ import annotations

import json
import multiprocessing

import pytest
from ansible_collections.sagebox.notebook.plugins.module_utils import capacity
from ansible_collections.sagebox.notebook.plugins.module_utils import instance_types as it

GPUS = [{"id": "GPU-%d" % i, "kind": "NVIDIA A10G"} for i in range(8)]
HOST = {"name": "gpu-01", "cpus": 192, "memory_mib": 512 * 1024, "cpu_overcommit": 1.0, "devices": GPUS}


@pytest.fixture
def ledger(tmp_path):
    path = str(tmp_path / "capacity" / "ledger.json")
    assert capacity.prepare(path, HOST)
    return path


def test_a_create_takes_its_types_compute_and_a_stop_gives_it_back(ledger):
    allocation, changed = capacity.reserve(ledger, "nb-1", "ml.g5.xlarge", it.resources("ml.g5.xlarge"))
    assert changed and allocation == {"instance_type": "ml.g5.xlarge", "cpus": 4, "memory_mib": 16384,
                                      "devices": ["GPU-0"]}
    assert capacity.reserve(ledger, "nb-1", "ml.g5.xlarge", it.resources("ml.g5.xlarge")) == (allocation, False)
    summary = capacity.summary(capacity.load(ledger))
    assert (summary["cpus_free"], summary["memory_mib_free"], len(summary["devices_free"])) == (188, 507904, 7)
    assert capacity.release(ledger, "nb-1") and not capacity.release(ledger, "nb-1")
    assert len(capacity.summary(capacity.load(ledger))["devices_free"]) == 8


def test_a_request_that_does_not_fit_is_refused_with_nothing_changed(ledger):
    for index in range(2):
        capacity.reserve(ledger, "big-%d" % index, "ml.g5.12xlarge", it.resources("ml.g5.12xlarge"))
    before = open(ledger).read()
    with pytest.raises(capacity.CapacityError) as raised:
        capacity.reserve(ledger, "nb-2", "ml.g5.xlarge", it.resources("ml.g5.xlarge"))
    assert str(raised.value) == ("ResourceLimitExceeded: notebook instance 'nb-2' cannot be placed: ml.g5.xlarge "
                                 "requested 1 GPU (A10G), 0 of 8 free on gpu-01")
    assert open(ledger).read() == before


def test_memory_is_never_overcommitted_and_cpus_by_the_hosts_factor(tmp_path):
    path = str(tmp_path / "ledger.json")
    capacity.prepare(path, {"name": "cpu-01", "cpus": 4, "memory_mib": 32 * 1024, "cpu_overcommit": 2.0, "devices": []})
    for index in range(2):
        capacity.reserve(path, "nb-%d" % index, "ml.m5.xlarge", it.resources("ml.m5.xlarge"))
    with pytest.raises(capacity.CapacityError, match="requested 16384 MiB of memory, 0 of 32768 free on cpu-01"):
        capacity.reserve(path, "nb-3", "ml.m5.xlarge", it.resources("ml.m5.xlarge"))
    capacity.release(path, "nb-1")
    capacity.reserve(path, "nb-3", "ml.t3.medium", it.resources("ml.t3.medium"))
    with pytest.raises(capacity.CapacityError, match="requested 4 vCPUs, 2 of 8 free"):
        capacity.reserve(path, "nb-4", "ml.c5.xlarge", it.resources("ml.c5.xlarge"))


def test_mig_slices_are_devices_of_their_own_profile(tmp_path):
    path = str(tmp_path / "ledger.json")
    slices = [{"id": "MIG-%d" % i, "kind": "NVIDIA H100", "mig_profile": "1g.10gb"} for i in range(7)]
    capacity.prepare(path, {"name": "h100", "cpus": 32, "memory_mib": 256 * 1024, "devices": slices})
    custom = {"ml.mig.1g-10gb": {"vcpus": 2, "memory_gib": 8, "gpus": 1, "gpu_kind": "H100", "mig_profile": "1g.10gb"}}
    held = [capacity.reserve(path, "nb-%d" % i, "ml.mig.1g-10gb", it.resources("ml.mig.1g-10gb", custom))[0]["devices"]
            for i in range(7)]
    assert sorted(d for devices in held for d in devices) == ["MIG-%d" % i for i in range(7)]
    with pytest.raises(capacity.CapacityError, match="requested 1 MIG slice 1g.10gb, 0 of 7 free on h100"):
        capacity.reserve(path, "nb-8", "ml.mig.1g-10gb", it.resources("ml.mig.1g-10gb", custom))
    # A whole-GPU type takes no MIG slice.
    with pytest.raises(capacity.CapacityError, match="requested 1 GPU"):
        capacity.reserve(path, "nb-9", "ml.g5.xlarge", dict(it.resources("ml.g5.xlarge"), gpu_kind=""))


def _create(args):
    path, index = args
    try:
        return capacity.reserve(path, "nb-%d" % index, "ml.g5.xlarge", it.resources("ml.g5.xlarge"))[0]["devices"]
    except capacity.CapacityError:
        return None


def test_fifty_creates_at_once_never_share_a_gpu(ledger):
    with multiprocessing.get_context("fork").Pool(50) as pool:
        results = pool.map(_create, [(ledger, index) for index in range(50)])
    held = [devices for devices in results if devices is not None]
    assert len(held) == 8 and results.count(None) == 42
    assert sorted(d for devices in held for d in devices) == ["GPU-%d" % i for i in range(8)]
    assert len(json.load(open(ledger))["allocations"]) == 8


def test_the_ledger_is_rebuilt_from_what_runs(ledger):
    capacity.reserve(ledger, "nb-1", "ml.g5.xlarge", it.resources("ml.g5.xlarge"))
    capacity.reserve(ledger, "gone", "ml.g5.xlarge", it.resources("ml.g5.xlarge"))
    running = {"nb-1": capacity.load(ledger)["allocations"]["nb-1"],
               "found": {"instance_type": "ml.t3.medium", "cpus": 2, "memory_mib": 4096, "devices": []}}
    assert capacity.rebuild(ledger, running) == ["found", "gone"]
    assert sorted(capacity.load(ledger)["allocations"]) == ["found", "nb-1"]


def test_preparing_again_keeps_what_is_held(ledger):
    capacity.reserve(ledger, "nb-1", "ml.g5.xlarge", it.resources("ml.g5.xlarge"))
    assert not capacity.prepare(ledger, HOST)
    assert capacity.prepare(ledger, dict(HOST, cpus=96))
    assert list(capacity.load(ledger)["allocations"]) == ["nb-1"]


def test_check_mode_changes_nothing(ledger):
    before = open(ledger).read()
    assert capacity.reserve(ledger, "nb-1", "ml.g5.xlarge", it.resources("ml.g5.xlarge"), check_mode=True)[1]
    assert open(ledger).read() == before


def test_a_damaged_ledger_says_so(tmp_path):
    path = tmp_path / "ledger.json"
    path.write_text("{")
    with pytest.raises(capacity.RecordError, match="is damaged"):
        capacity.load(str(path))


def test_a_gpu_kind_is_matched_as_a_whole_model(tmp_path):
    path = str(tmp_path / "ledger.json")
    capacity.prepare(path, {"name": "l40s", "cpus": 64, "memory_mib": 256 * 1024,
                            "devices": [{"id": "GPU-0", "kind": "NVIDIA L40S"}]})
    with pytest.raises(capacity.CapacityError, match=r"requested 1 GPU \(L4\), 0 of 0 free on l40s"):
        capacity.reserve(path, "nb-1", "ml.g6.xlarge", it.resources("ml.g6.xlarge"))
    assert capacity.reserve(path, "nb-2", "ml.g6e.xlarge", it.resources("ml.g6e.xlarge"))[0]["devices"] == ["GPU-0"]


def test_a_start_holds_exactly_what_its_container_was_made_with(ledger):
    allocation, dummy = capacity.reserve(ledger, "nb-1", "ml.g5.xlarge", it.resources("ml.g5.xlarge"))
    capacity.release(ledger, "nb-1")
    assert capacity.hold(ledger, "nb-1", allocation) and not capacity.hold(ledger, "nb-1", allocation)
    capacity.release(ledger, "nb-1")
    capacity.reserve(ledger, "nb-2", "ml.g5.xlarge", it.resources("ml.g5.xlarge"))
    before = open(ledger).read()
    with pytest.raises(capacity.CapacityError) as raised:
        capacity.hold(ledger, "nb-1", allocation)
    assert str(raised.value) == ("Insufficient capacity: notebook instance 'nb-1' cannot start: its GPUs GPU-0 are "
                                 "held by other instances or gone from gpu-01")
    assert open(ledger).read() == before


def test_a_start_without_the_memory_it_needs_is_refused_in_sagemakers_words(ledger):
    allocation = {"instance_type": "ml.t3.medium", "cpus": 2, "memory_mib": 4096, "devices": []}
    capacity.reserve(ledger, "big", "ml.p3.16xlarge", dict(it.resources("ml.m5.24xlarge"), memory_gib=510))
    with pytest.raises(capacity.CapacityError) as raised:
        capacity.hold(ledger, "nb-1", allocation)
    assert str(raised.value) == ("Insufficient capacity: notebook instance 'nb-1' cannot start: ml.t3.medium requested "
                                 "4096 MiB of memory, 2048 of 524288 free on gpu-01")


def test_a_request_for_several_gpus_names_them_in_the_plural(tmp_path):
    path = str(tmp_path / "ledger.json")
    capacity.prepare(path, {"name": "g5", "cpus": 96, "memory_mib": 768 * 1024, "devices": GPUS[:3]})
    capacity.reserve(path, "nb-1", "ml.g5.12xlarge", dict(it.resources("ml.g5.12xlarge"), gpus=2))
    with pytest.raises(capacity.CapacityError, match=r"ml.g5.12xlarge requested 4 GPUs \(A10G\), 1 of 3 free on g5$"):
        capacity.reserve(path, "nb-2", "ml.g5.12xlarge", it.resources("ml.g5.12xlarge"))


def test_a_rebuild_reads_what_runs_under_the_lock_and_refuses_a_shared_device(ledger):
    seen = []

    def running():
        # Under the lock: another change of the ledger would wait for it.
        with open(ledger + ".lock", encoding="utf-8") as lock:
            with pytest.raises(BlockingIOError):
                import fcntl
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        seen.append(True)
        return {"nb-1": {"instance_type": "ml.g5.xlarge", "cpus": 4, "memory_mib": 16384, "devices": ["GPU-0"]}}

    assert capacity.rebuild(ledger, running) == ["nb-1"] and seen
    shared = {name: {"instance_type": "ml.g5.xlarge", "cpus": 4, "memory_mib": 16384, "devices": ["GPU-1"]}
              for name in ("nb-2", "nb-3")}
    with pytest.raises(capacity.CapacityError, match="GPU-1 held by nb-2 and nb-3"):
        capacity.rebuild(ledger, shared)
    assert sorted(capacity.load(ledger)["allocations"]) == ["nb-1"]
