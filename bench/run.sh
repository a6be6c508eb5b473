#!/usr/bin/env bash
# `make bench`: every benchmark, each printing its figures and the machine it ran on.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
echo "=== presigned URLs (bench/presign.py)"
"$here/../.venv/bin/python" "$here/presign.py" --calls 10000
echo "=== one instance: create vs a shell script, no-op re-run, stop/start (bench/instance.sh)"
"$here/instance.sh"
echo "=== a fleet: 1 vs 4 hosts (bench/fleet.sh)"
"$here/fleet.sh"
