"""Unit tests of the real-GPU check's inventory (tests/gpu/inventory.py): the devices an instance host offers,
read from `nvidia-smi -L`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location("gpu_inventory", ROOT / "tests" / "gpu" / "inventory.py")
inventory = importlib.util.module_from_spec(spec)
spec.loader.exec_module(inventory)

# As nvidia-smi -L prints a server with an A100 in MIG mode (two slices) and an A10G.
LISTING = """GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-4cf8db2d-06c0-7d70-1a51-e59b25b2c16c)
  MIG 1g.5gb      Device  0: (UUID: MIG-1f2a8c61-4e3b-5d2a-9b1e-3c4d5e6f7a80)
  MIG 3g.20gb     Device  1: (UUID: MIG-9d8c7b6a-5f4e-5d3c-8b2a-1f0e9d8c7b6a)
GPU 1: NVIDIA A10G (UUID: GPU-0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7)
"""


def test_a_gpu_in_mig_mode_offers_its_slices_and_another_itself():
    assert inventory.devices(LISTING) == [
        {"id": "nvidia.com/gpu=MIG-1f2a8c61-4e3b-5d2a-9b1e-3c4d5e6f7a80", "kind": "NVIDIA A100-SXM4-40GB",
         "mig_profile": "1g.5gb"},
        {"id": "nvidia.com/gpu=MIG-9d8c7b6a-5f4e-5d3c-8b2a-1f0e9d8c7b6a", "kind": "NVIDIA A100-SXM4-40GB",
         "mig_profile": "3g.20gb"},
        {"id": "nvidia.com/gpu=GPU-0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7", "kind": "NVIDIA A10G", "mig_profile": ""},
    ]


def test_each_kind_of_device_has_a_host_type_sagebox_accepts():
    names = [inventory.type_name(d) for d in inventory.devices(LISTING)]
    assert names == ["ml.mig.1g-5gb", "ml.mig.3g-20gb", "ml.sagebox.gpu"]


def test_no_gpu_listed_offers_nothing():
    assert inventory.devices("No devices were found\n") == []
