from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import nvidia_gpu

FIXTURES = Path(__file__).parent / "fixtures" / "nvidia-smi"


def smi(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_one_gpu():
    facts = nvidia_gpu.detect("/usr/bin/nvidia-smi", 0, smi("one-gpu.xml"), "")
    assert facts["present"] and facts["count"] == 1 and facts["reason"] == ""
    assert facts["driver_version"] == "550.54.15" and facts["cuda_version"] == "12.4"
    assert facts["gpus"] == [
        {
            "index": 0,
            "name": "NVIDIA H100 80GB HBM3",
            "uuid": "GPU-7c9e1a3d-5b2f-4e8a-9d61-0f3b2c4d5e6f",
            "pci_bus_id": "00000000:18:00.0",
            "minor_number": 0,
            "memory_total_mib": 81559,
        }
    ]
    assert nvidia_gpu.choose_build(facts) == "gpu"


def test_several_gpus():
    facts = nvidia_gpu.detect("/usr/bin/nvidia-smi", 0, smi("four-gpus.xml"), "")
    assert facts["count"] == 4 and facts["driver_version"] == "535.183.01" and facts["cuda_version"] == "12.2"
    assert [gpu["minor_number"] for gpu in facts["gpus"]] == [0, 1, 2, 3]
    assert {gpu["memory_total_mib"] for gpu in facts["gpus"]} == {40960}
    assert [gpu["pci_bus_id"][-7:-5] for gpu in facts["gpus"]] == ["07", "0F", "47", "4E"]
    assert nvidia_gpu.choose_build(facts, "auto") == "gpu"


def test_no_device():
    facts = nvidia_gpu.detect("/usr/bin/nvidia-smi", 6, smi("no-device.txt"), "")
    assert not facts["present"] and facts["count"] == 0 and facts["gpus"] == []
    assert facts["reason"] == "nvidia-smi found no NVIDIA device: No devices were found"
    assert nvidia_gpu.choose_build(facts) == "cpu"


def test_driver_missing():
    facts = nvidia_gpu.detect("/usr/bin/nvidia-smi", 9, smi("driver-missing.txt"), "")
    assert not facts["present"]
    assert facts["reason"].startswith("the NVIDIA driver is not loaded: NVIDIA-SMI has failed")
    assert nvidia_gpu.choose_build(facts) == "cpu"


def test_tool_not_installed():
    facts = nvidia_gpu.detect(None, None, "", "")
    assert not facts["present"] and "not installed" in facts["reason"]
    assert nvidia_gpu.choose_build(facts) == "cpu"


def test_other_failure_and_garbage_are_no_gpu_with_reason():
    assert nvidia_gpu.detect("/x", 15, "", "Unknown Error\n")["reason"] == "nvidia-smi failed (exit 15): Unknown Error"
    garbage = nvidia_gpu.detect("/x", 0, "not xml", "")
    assert not garbage["present"] and garbage["reason"].startswith("nvidia-smi -q -x did not print XML")
    other = nvidia_gpu.detect("/x", 0, "<log/>", "")
    assert other["reason"] == "nvidia-smi -q -x printed <log>, not <nvidia_smi_log>"


def test_override_wins_over_detection():
    gpu = nvidia_gpu.detect("/usr/bin/nvidia-smi", 0, smi("one-gpu.xml"), "")
    none = nvidia_gpu.detect(None, None, "", "")
    assert nvidia_gpu.choose_build(gpu, "cpu") == "cpu"
    assert nvidia_gpu.choose_build(none, "gpu") == "gpu"


def test_unknown_build_is_refused():
    with pytest.raises(ValueError, match="build 'tpu' must be one of auto, cpu, gpu"):
        nvidia_gpu.choose_build({}, "tpu")


@pytest.mark.parametrize(
    "status, message",
    [(18, "Failed to initialize NVML: Driver/library version mismatch"), (15, "Unable to determine the device handle"),
     (12, "NVML Shared Library Not Found"), (255, "Unknown Error")],
)
def test_a_broken_gpu_is_not_read_as_no_gpu(status, message):
    facts = nvidia_gpu.detect("/usr/bin/nvidia-smi", status, message, "")
    assert not facts["present"] and facts["error"] == "nvidia-smi failed (exit %d): %s" % (status, message)
    with pytest.raises(nvidia_gpu.GpuError, match="exit %d.*does not mean it has no GPU" % status):
        nvidia_gpu.choose_build(facts)
    assert nvidia_gpu.choose_build(facts, "cpu") == "cpu"


def test_corrupted_inforom_still_counts_its_gpus():
    facts = nvidia_gpu.detect("/usr/bin/nvidia-smi", 14, smi("one-gpu.xml"), "WARNING: infoROM is corrupted at gpu 0000:18:00.0")
    assert facts["present"] and facts["error"] == "" and nvidia_gpu.choose_build(facts) == "gpu"


# What `ldconfig -p` prints (a tab before each library).
LDCONFIG_CUDA11 = (
    "1234 libs found in cache `/etc/ld.so.cache'\n"
    "\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.8\n"
    "\tlibcudart.so.11.0 (libc6,x86-64) => /usr/local/cuda-11.2/lib64/libcudart.so.11.0\n"
    "\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6\n"
)


def test_framework_builds_follow_what_the_host_has():
    h100 = nvidia_gpu.detect("/usr/bin/nvidia-smi", 0, smi("one-gpu.xml"), "")  # driver 550
    bare = nvidia_gpu.framework_builds(h100, "gpu", "auto", nvidia_gpu.cuda_libraries("0 libs found\n"))
    assert bare["tensorflow"] == {"build": "gpu", "reason": ""}
    assert bare["pytorch"] == {"build": "gpu", "reason": ""}
    assert bare["mxnet"]["build"] == "cpu"
    assert "libcudart.so.11.0, libcudnn.so.8" in bare["mxnet"]["reason"]
    with_cuda11 = nvidia_gpu.framework_builds(h100, "gpu", "auto", nvidia_gpu.cuda_libraries(LDCONFIG_CUDA11))
    assert with_cuda11["mxnet"] == {"build": "gpu", "reason": ""}
    # Asked for gpu: kept, with the reason, for the kernels role to refuse.
    forced = nvidia_gpu.framework_builds(h100, "gpu", "gpu", [])
    assert forced["mxnet"]["build"] == "gpu" and forced["mxnet"]["reason"]


def test_an_old_driver_gets_cpu_tensorflow():
    old = dict(nvidia_gpu.detect("/usr/bin/nvidia-smi", 0, smi("one-gpu.xml"), ""), driver_version="470.256.02")
    builds = nvidia_gpu.framework_builds(old, "gpu", "auto", nvidia_gpu.cuda_libraries(LDCONFIG_CUDA11))
    assert builds["tensorflow"]["build"] == "cpu"
    assert builds["tensorflow"]["reason"] == "driver 470.256.02 is older than the 525.60.13 that TensorFlow's CUDA 12 wheels needs"
    assert builds["mxnet"] == {"build": "gpu", "reason": ""}
    assert builds["pytorch"]["reason"] == "driver 470.256.02 is older than the 525.60.13 that PyTorch's CUDA 12 wheels needs"


def test_cpu_hosts_build_every_framework_for_the_cpu():
    facts = nvidia_gpu.detect(None, None, "", "")
    assert nvidia_gpu.framework_builds(facts, "cpu", "auto", []) == {
        "tensorflow": {"build": "cpu", "reason": ""}, "mxnet": {"build": "cpu", "reason": ""},
        "pytorch": {"build": "cpu", "reason": ""}}
