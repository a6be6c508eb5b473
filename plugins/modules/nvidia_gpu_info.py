#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Detect NVIDIA GPUs and choose CPU or GPU builds of the frameworks."""

from __future__ import annotations

DOCUMENTATION = r"""
module: nvidia_gpu_info
short_description: Detect NVIDIA GPUs (nvidia-smi) and choose CPU or GPU framework builds
version_added: 0.1.0
description:
  - Runs C(nvidia-smi -q -x) and returns the GPUs, the driver version and the CUDA version the driver
    supports as the fact C(sagebox_gpu).
  - A host without C(nvidia-smi), without an NVIDIA device, or whose driver is not loaded has no GPU;
    C(reason) says which. Nothing fails for lack of a GPU.
  - Any other failure of C(nvidia-smi) (a driver/library mismatch, a GPU fallen off the bus) is not read as
    "no GPU"; with O(build=auto) the module fails with it, rather than switching the host to CPU builds.
  - Chooses the build (C(cpu) or C(gpu)) from O(build), C(auto) meaning C(gpu) when a GPU is present, and per
    framework whether the host can run its GPU wheels (C(frameworks)).
  - Lists the NVIDIA device nodes (C(/dev/nvidia*), C(/dev/nvidia-caps/*) for MIG).
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.facts
attributes:
  check_mode:
    support: full
    details: Reads only.
  diff_mode:
    support: N/A
    details: Reads only.
  facts:
    support: full
  platform:
    platforms: posix
options:
  build:
    description: The build to choose; V(auto) picks V(gpu) when the host has an NVIDIA GPU, else V(cpu).
    type: str
    choices: [auto, cpu, gpu]
    default: auto
  device_dir:
    description: Where the NVIDIA device nodes are.
    type: path
    default: /dev
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Detect GPUs and choose builds
  sagebox.notebook.nvidia_gpu_info:

- name: Show what was found
  ansible.builtin.debug:
    msg: "{{ sagebox_gpu.count }} GPU(s), driver {{ sagebox_gpu.driver_version }}, build {{ sagebox_gpu.build }}"
"""

RETURN = r"""
ansible_facts:
  description: Facts added to the host.
  returned: always
  type: dict
  contains:
    sagebox_gpu:
      description: What was found, and the build chosen.
      type: dict
      contains:
        present:
          description: Whether the host has a usable NVIDIA GPU.
          type: bool
        count:
          description: Number of GPUs.
          type: int
        driver_version:
          description: NVIDIA driver version, or null.
          type: str
        cuda_version:
          description: Highest CUDA version the driver supports, or null.
          type: str
        gpus:
          description: One entry per GPU (index, name, uuid, pci_bus_id, minor_number, memory_total_mib).
          type: list
          elements: dict
        devices:
          description: NVIDIA device nodes on the host.
          type: list
          elements: str
        reason:
          description: Why no GPU is present; empty when one is.
          type: str
        build:
          description: The chosen build, V(cpu) or V(gpu).
          type: str
        error:
          description:
            - Why nvidia-smi failed when the failure does not mean "no GPU" (a driver/library mismatch, a GPU fallen
              off the bus); empty otherwise. With O(build=auto) the module then fails with it.
          type: str
        frameworks:
          description:
            - The build of each framework (C(tensorflow), C(mxnet), C(pytorch)), V(cpu) or V(gpu), and why a GPU host
              gets a CPU build (C(reason)); TensorFlow's and PyTorch's CUDA 12 wheels need driver 525.60.13 or later;
              mxnet-cu112 needs the
              CUDA 11.2 runtime and cuDNN 8 (C(libcudart.so.11.0), C(libcudnn.so.8)) on the host and driver 460.27.03.
          type: dict
  sample:
    sagebox_gpu:
      present: true
      count: 1
      driver_version: "550.54.15"
      cuda_version: "12.4"
      gpus:
        - index: 0
          name: NVIDIA H100 80GB HBM3
          uuid: GPU-7c9e1a3d-5b2f-4e8a-9d61-0f3b2c4d5e6f
          pci_bus_id: "00000000:18:00.0"
          minor_number: 0
          memory_total_mib: 81559
      devices: [/dev/nvidia-uvm, /dev/nvidia0, /dev/nvidiactl]
      reason: ""
      error: ""
      build: gpu
      frameworks:
        tensorflow: {build: gpu, reason: ""}
        mxnet: {build: cpu, reason: "mxnet-cu112 (which brings no CUDA libraries) needs libcudart.so.11.0, libcudnn.so.8 on the host"}
        pytorch: {build: gpu, reason: ""}
"""

import glob
import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import nvidia_gpu


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "build": {"type": "str", "choices": list(nvidia_gpu.BUILD_CHOICES), "default": "auto"},
            "device_dir": {"type": "path", "default": "/dev"},
        },
        supports_check_mode=True,
    )
    smi = module.get_bin_path("nvidia-smi")
    rc, out, err = (None, "", "")
    if smi is not None:
        rc, out, err = module.run_command([smi, "-q", "-x"])
    facts = nvidia_gpu.detect(smi, rc, out, err)
    device_dir = module.params["device_dir"]
    # MIG capabilities are nodes in a directory of their own.
    nodes = glob.glob(os.path.join(device_dir, "nvidia*")) + glob.glob(os.path.join(device_dir, "nvidia-caps", "*"))
    facts["devices"] = sorted(path for path in nodes if not os.path.isdir(path))
    try:
        facts["build"] = nvidia_gpu.choose_build(facts, module.params["build"])
    except nvidia_gpu.GpuError as exc:
        module.fail_json(msg=str(exc), sagebox_gpu=facts)
    libraries = []
    if facts["build"] == "gpu":
        ldconfig = module.get_bin_path("ldconfig", opt_dirs=["/sbin", "/usr/sbin"])
        if ldconfig is not None:
            libraries = nvidia_gpu.cuda_libraries(module.run_command([ldconfig, "-p"])[1])
    facts["frameworks"] = nvidia_gpu.framework_builds(facts, facts["build"], module.params["build"], libraries)
    module.exit_json(changed=False, ansible_facts={"sagebox_gpu": facts})


if __name__ == "__main__":
    main()
