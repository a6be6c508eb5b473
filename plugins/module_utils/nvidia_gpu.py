# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""NVIDIA GPU detection from `nvidia-smi -q -x` and the CPU/GPU build choice.

Standard library only: the module that uses this runs on hosts without extra packages.
`nvidia-smi -q -x` is the tool's documented machine-readable form (XML); its exit status tells
"no GPU" from "driver not loaded".
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

# nvidia-smi exit statuses (nvidia-smi(1), RETURN VALUE).
EXIT_NO_DEVICE = 6
EXIT_DRIVER = 9

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


def absent(reason: str) -> dict:
    return {"present": False, "count": 0, "driver_version": None, "cuda_version": None, "gpus": [], "reason": reason}


def detect(smi_path: str | None, rc: int | None, stdout: str, stderr: str) -> dict:
    """Facts from one run of `nvidia-smi -q -x` (smi_path None: the tool is not installed)."""
    if smi_path is None:
        return absent("nvidia-smi is not installed (no NVIDIA driver)")
    message = " ".join((stdout.strip() or stderr.strip()).split())[:300]
    if rc == EXIT_NO_DEVICE:
        return absent("nvidia-smi found no NVIDIA device: %s" % message)
    if rc == EXIT_DRIVER:
        return absent("the NVIDIA driver is not loaded: %s" % message)
    if rc != 0:
        return absent("nvidia-smi failed (exit %s): %s" % (rc, message))
    try:
        return parse_smi_xml(stdout)
    except ValueError as exc:
        return absent(str(exc))


def choose_build(facts: dict, requested: str = "auto") -> str:
    """'gpu' or 'cpu': what was asked for, or with 'auto' what the host has."""
    if requested not in BUILD_CHOICES:
        raise ValueError("build %r must be one of %s" % (requested, ", ".join(BUILD_CHOICES)))
    if requested != "auto":
        return requested
    return "gpu" if facts.get("present") else "cpu"
