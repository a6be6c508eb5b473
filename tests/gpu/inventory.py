"""An inventory for tests/gpu/gpus.yml from `nvidia-smi -L`: this server as an instance host offering each
whole GPU, or each MIG slice of a GPU in MIG mode, by its UUID; a host type per kind of device; one
instance per device and one without a GPU. Usage: inventory.py NVIDIA_SMI_L_OUTPUT > inventory.json"""

import json
import re
import sys

GPU = re.compile(r"^GPU (\d+): (.+?) \(UUID: (GPU-[0-9a-f-]+)\)")
MIG = re.compile(r"^\s+MIG (\S+)\s+Device\s+(\d+): \(UUID: (MIG-[0-9a-f-]+)\)")


def devices(listing: str) -> list:
    """[{id, kind, mig_profile}]: the slices of a GPU that has them, else the GPU."""
    found, gpu, slices = [], None, []

    def close():
        if gpu:
            found.extend(slices or [{"id": "nvidia.com/gpu=" + gpu[1], "kind": gpu[0], "mig_profile": ""}])

    for line in listing.splitlines():
        whole, part = GPU.match(line), MIG.match(line)
        if whole:
            close()
            gpu, slices = (whole.group(2), whole.group(3)), []
        elif part and gpu:
            slices.append({"id": "nvidia.com/gpu=" + part.group(3), "kind": gpu[0], "mig_profile": part.group(1)})
    close()
    return found


def type_name(device: dict) -> str:
    """ml.sagebox.gpu for a whole GPU, ml.mig.<profile> for a slice (e.g. ml.mig.1g-10gb)."""
    if not device["mig_profile"]:
        return "ml.sagebox.gpu"
    return "ml.mig." + re.sub(r"[^a-z0-9]+", "-", device["mig_profile"].lower()).strip("-")


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        offered = devices(handle.read())
    if not offered:
        sys.exit("nvidia-smi -L lists no GPU")
    types = {type_name(d): {"vcpus": 2, "memory_gib": 8, "gpus": 1, "mig_profile": d["mig_profile"]} for d in offered}
    instances = [{"name": "gpu-%d" % i, "type": type_name(d)} for i, d in enumerate(offered)]
    instances.append({"name": "no-gpu", "type": "ml.t3.medium"})
    server = {"ansible_connection": "local", "ansible_python_interpreter": "/usr/bin/python3",
              "instance_host_gpus": offered, "gpu_test_types": types, "gpu_test_instances": instances,
              # The builder is reached on this server itself, with the instances' podman settings.
              "sagebox_instance_server_command": ["env", "CONTAINERS_CONF=/etc/sagebox/containers.conf"],
              "sagebox_instance_server_shell": False}
    common = {"platform_image_identifier": "notebook-gpu-check",
              "platform_image_base": "localhost/sagebox-testhost:bookworm",
              "platform_image_recipe": {"kernels": ["pytorch"], "kernels_provider": "venv", "build": "gpu"},
              # The builder has no GPU: the PyTorch kernel is built for the GPUs its instances will have.
              "notebook_instance_kernels": ["pytorch"], "notebook_instance_kernels_provider": "venv",
              "kernels_build": "gpu"}
    print(json.dumps({"all": {"vars": common}, "instance_hosts": {"hosts": {"gpu-server": server}}}, indent=2))


if __name__ == "__main__":
    main()
