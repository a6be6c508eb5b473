#!/usr/bin/env bash
# The instance host's GPUs on a real NVIDIA GPU server (the build machines have none; there the stand-in
# devices of the instance_host scenario are the proof). Run as root, from a checkout of the collection, on a
# Debian 12 server with the NVIDIA driver, NVIDIA's container toolkit (nvidia-ctk) and access to apt and PyPI:
#   tests/gpu/run.sh
# It makes the server an instance host offering each of its GPUs (or each MIG slice of a GPU in MIG mode),
# builds the platform image with the PyTorch kernel's GPU build, runs one instance per GPU or slice and one
# without a GPU, and checks in each: `nvidia-smi -L` lists exactly its own GPU or slice; PyTorch, in the
# PyTorch kernel's environment, sees one CUDA device and multiplies two matrices on it; the instance without
# a GPU sees none. The instances are removed at the end; the image stays (a second run reuses it).
# Output: the playbook's log, and a summary per instance, under ${OUT:-.cache/gpu-check}.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-$PWD/.cache/gpu-check}
mkdir -p "$out"

command -v nvidia-smi >/dev/null || { echo "no nvidia-smi: this script needs an NVIDIA GPU server" >&2; exit 2; }
command -v nvidia-ctk >/dev/null || { echo "no nvidia-ctk: install NVIDIA's container toolkit (nvidia-container-toolkit)" >&2; exit 2; }
nvidia-smi -L | tee "$out/nvidia-smi-L.txt"

make --no-print-directory venv collection
tests/hosts/build-image.sh bookworm
export ANSIBLE_COLLECTIONS_PATH=$PWD/.cache/collections ANSIBLE_FORCE_COLOR=false

# The inventory: this server, its GPUs and MIG slices by UUID (as NVIDIA's toolkit names them in the CDI
# spec the role writes), a host type per kind of device, one instance per device and one without.
.venv/bin/python tests/gpu/inventory.py "$out/nvidia-smi-L.txt" > "$out/inventory.json"
.venv/bin/ansible-playbook -i "$out/inventory.json" tests/gpu/gpus.yml 2>&1 | tee "$out/playbook.log"
