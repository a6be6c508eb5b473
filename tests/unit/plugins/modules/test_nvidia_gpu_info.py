from __future__ import annotations

from pathlib import Path

from ansible_collections.sagebox.notebook.plugins.modules import nvidia_gpu_info

FIXTURES = Path(__file__).parents[1] / "module_utils" / "fixtures" / "nvidia-smi"


def fake_smi(tmp_path, fixture, status):
    """An nvidia-smi on PATH that prints a recorded output and exits as the real one did."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    tool = bindir / "nvidia-smi"
    tool.write_text("#!/bin/sh\ncat '%s'\nexit %d\n" % (FIXTURES / fixture, status))
    tool.chmod(0o755)
    return bindir


def test_gpu_host_facts_and_devices(run_module, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "%s:/usr/bin:/bin" % fake_smi(tmp_path, "four-gpus.xml", 0))
    dev = tmp_path / "dev"
    dev.mkdir()
    for node in ("nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm", "null"):
        (dev / node).touch()
    (dev / "nvidia-caps").mkdir()
    (dev / "nvidia-caps" / "nvidia-cap1").touch()
    (dev / "nvidia-caps" / "nvidia-cap2").touch()
    failed, result = run_module(nvidia_gpu_info, {"device_dir": str(dev)})
    facts = result["ansible_facts"]["sagebox_gpu"]
    assert not failed and not result["changed"]
    assert facts["count"] == 4 and facts["build"] == "gpu"
    nodes = ("nvidia-caps/nvidia-cap1", "nvidia-caps/nvidia-cap2", "nvidia-uvm", "nvidia0", "nvidia1", "nvidiactl")
    assert facts["devices"] == [str(dev / n) for n in nodes]
    assert set(facts["frameworks"]) == {"tensorflow", "mxnet", "pytorch"}


def test_driver_missing_chooses_cpu_unless_told(run_module, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "%s:/usr/bin:/bin" % fake_smi(tmp_path, "driver-missing.txt", 9))
    failed, result = run_module(nvidia_gpu_info, {"device_dir": str(tmp_path)})
    facts = result["ansible_facts"]["sagebox_gpu"]
    assert not failed and facts["build"] == "cpu" and not facts["present"]
    failed, result = run_module(nvidia_gpu_info, {"device_dir": str(tmp_path), "build": "gpu"})
    assert result["ansible_facts"]["sagebox_gpu"]["build"] == "gpu"


def test_unknown_build_is_refused(run_module, tmp_path):
    failed, result = run_module(nvidia_gpu_info, {"build": "tpu"})
    assert failed and "value of build must be one of: auto, cpu, gpu, got: tpu" in result["msg"]


def test_a_driver_library_mismatch_fails_in_auto_mode(run_module, tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    tool = bindir / "nvidia-smi"
    tool.write_text("#!/bin/sh\necho 'Failed to initialize NVML: Driver/library version mismatch'\nexit 18\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", "%s:/usr/bin:/bin" % bindir)
    failed, result = run_module(nvidia_gpu_info, {"device_dir": str(tmp_path)})
    assert failed and "nvidia-smi failed (exit 18): Failed to initialize NVML: Driver/library version mismatch" in result["msg"]
    failed, result = run_module(nvidia_gpu_info, {"device_dir": str(tmp_path), "build": "cpu"})
    assert not failed and result["ansible_facts"]["sagebox_gpu"]["build"] == "cpu"
