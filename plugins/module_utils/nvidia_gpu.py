# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""NVIDIA GPU detection from `nvidia-smi -q -x` and the CPU/GPU build choice, per framework.

Standard library only: the module that uses this runs on hosts without extra packages.
`nvidia-smi -q -x` is the tool's documented machine-readable form (XML); its exit status tells
"no GPU" (6) and "driver not loaded" (9), which mean a CPU build, from a GPU that is there but
unusable (a driver/library mismatch, 18; a GPU fallen off the bus, 15; ...), which must not turn
into a CPU build silently: choose_build() refuses it in auto mode.

A GPU build of a framework also needs what its wheels do not bring (framework_builds()):
TensorFlow's and PyTorch's CUDA 12 wheels need a driver of 525.60.13 or later; MXNet's mxnet-cu112 wheel needs
the CUDA 11.2 runtime and cuDNN 8 libraries on the host (it brings none) and a driver of
460.27.03 or later. Without them auto mode builds that framework for the CPU and says why.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

# nvidia-smi exit statuses (nvidia-smi(1), RETURN VALUE).
EXIT_NO_DEVICE = 6
EXIT_DRIVER = 9
# The infoROM is corrupted: the GPU still works, and the XML is printed.
EXIT_INFOROM = 14

# What each framework's GPU wheels need from the host.
# TensorFlow's and PyTorch's PyPI wheels are CUDA 12 builds that bring their CUDA libraries: they need
# a driver that runs CUDA 12 (minor-version compatibility from 525.60.13).
CUDA12_MIN_DRIVER = (525, 60, 13)
MXNET_MIN_DRIVER = (460, 27, 3)
MXNET_LIBRARIES = ("libcudart.so.11.0", "libcudnn.so.8")

BUILD_CHOICES = ("auto", "cpu", "gpu")


def _text(node, path: str) -> str | None:
    found = node.find(path)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return None if value in ("", "N/A") else value


def _mib(value: str | None) -> int | None:
    """'81559 MiB' -> 81559."""
    if value is None:
        return None
    number = value.split()[0]
    return int(number) if number.isdigit() else None


def parse_smi_xml(text: str) -> dict:
    """Facts from the XML that `nvidia-smi -q -x` prints. ValueError if it is not that XML."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ValueError("nvidia-smi -q -x did not print XML: %s" % exc) from None
    if root.tag != "nvidia_smi_log":
        raise ValueError("nvidia-smi -q -x printed <%s>, not <nvidia_smi_log>" % root.tag)
    gpus = []
    for index, gpu in enumerate(root.findall("gpu")):
        minor = _text(gpu, "minor_number")
        gpus.append(
            {
                "index": index,
                "name": _text(gpu, "product_name"),
                "uuid": _text(gpu, "uuid"),
                "pci_bus_id": gpu.get("id"),
                "minor_number": int(minor) if minor is not None and minor.isdigit() else None,
                "memory_total_mib": _mib(_text(gpu, "fb_memory_usage/total")),
            }
        )
    return {
        "present": bool(gpus),
        "count": len(gpus),
        "driver_version": _text(root, "driver_version"),
        "cuda_version": _text(root, "cuda_version"),
        "gpus": gpus,
        "reason": "" if gpus else "nvidia-smi lists no GPU",
    }


class GpuError(ValueError):
    """The host has an NVIDIA GPU that cannot be used, or a GPU build was asked for that cannot work."""


def absent(reason: str, error: str = "") -> dict:
    return {"present": False, "count": 0, "driver_version": None, "cuda_version": None, "gpus": [], "reason": reason,
            "error": error}


def detect(smi_path: str | None, rc: int | None, stdout: str, stderr: str) -> dict:
    """Facts from one run of `nvidia-smi -q -x` (smi_path None: the tool is not installed)."""
    if smi_path is None:
        return absent("nvidia-smi is not installed (no NVIDIA driver)")
    message = " ".join((stdout.strip() or stderr.strip()).split())[:300]
    if rc == EXIT_NO_DEVICE:
        return absent("nvidia-smi found no NVIDIA device: %s" % message)
    if rc == EXIT_DRIVER:
        return absent("the NVIDIA driver is not loaded: %s" % message)
    if rc not in (0, EXIT_INFOROM):
        failure = "nvidia-smi failed (exit %s): %s" % (rc, message)
        return absent(failure, error=failure)
    try:
        facts = parse_smi_xml(stdout)
    except ValueError as exc:
        return absent(str(exc), error=str(exc))
    facts["error"] = ""
    return facts


def choose_build(facts: dict, requested: str = "auto") -> str:
    """'gpu' or 'cpu': what was asked for, or with 'auto' what the host has.

    GpuError in auto mode when nvidia-smi failed in a way that does not mean "no GPU".
    """
    if requested not in BUILD_CHOICES:
        raise ValueError("build %r must be one of %s" % (requested, ", ".join(BUILD_CHOICES)))
    if requested != "auto":
        return requested
    if facts.get("error"):
        raise GpuError(
            "%s. The host has the NVIDIA tools but they do not work, which does not mean it has no GPU: repair the "
            "driver (a driver/library mismatch needs a reboot or a reinstall), or choose the build (cpu or gpu)"
            % facts["error"]
        )
    return "gpu" if facts.get("present") else "cpu"


def driver_tuple(version: str | None) -> tuple:
    """'550.54.15' -> (550, 54, 15); () when unknown."""
    try:
        return tuple(int(part) for part in (version or "").split("."))
    except ValueError:
        return ()


def cuda_libraries(ldconfig_output: str) -> list:
    """The shared libraries `ldconfig -p` lists, by soname (libcudart.so.11.0, ...)."""
    names = set()
    for line in ldconfig_output.splitlines()[1:]:
        line = line.strip()
        if line:
            names.add(line.split()[0])
    return sorted(names)


def _version(parts: tuple) -> str:
    return ".".join(str(part) for part in parts)


def framework_builds(facts: dict, build: str, requested: str, libraries: list) -> dict:
    """Per framework: {"build", "reason"}. A GPU build the host cannot run becomes a CPU build in auto mode,
    with the reason; when gpu was asked for it stays a GPU build, with the reason (the kernels role refuses it
    for the kernels it builds)."""
    builds = {}
    driver = driver_tuple(facts.get("driver_version"))
    needs = {
        "tensorflow": (CUDA12_MIN_DRIVER, (), "TensorFlow's CUDA 12 wheels"),
        "mxnet": (MXNET_MIN_DRIVER, MXNET_LIBRARIES, "mxnet-cu112 (which brings no CUDA libraries)"),
        "pytorch": (CUDA12_MIN_DRIVER, (), "PyTorch's CUDA 12 wheels"),
    }
    for framework, (min_driver, needed_libraries, what) in needs.items():
        reason = ""
        if build == "gpu":
            missing = [library for library in needed_libraries if library not in libraries]
            if driver and driver < min_driver:
                reason = "driver %s is older than the %s that %s needs" % (
                    facts.get("driver_version"), _version(min_driver), what)
            elif missing:
                reason = "%s needs %s on the host (the CUDA 11.2 runtime and cuDNN 8), not found by ldconfig" % (
                    what, ", ".join(missing))
        builds[framework] = {"build": "cpu" if reason and requested == "auto" else build, "reason": reason}
    return builds
