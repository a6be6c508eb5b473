#!/usr/bin/env bash
# `make bench`: every benchmark, each printing its figures and the machine it ran on.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
echo "=== presigned URLs (bench/presign.py)"
"$here/../.venv/bin/python" "$here/presign.py" --calls 10000
echo "=== one instance, container tier: create vs a shell script, no-op re-run, stop/start (bench/instance.sh)"
"$here/instance.sh"
echo "=== one instance, VM tier over SSH: the same figures (BENCH_TIER=vm bench/instance.sh), 3 runs each unless BENCH_RUNS says"
BENCH_TIER=vm BENCH_RUNS=${BENCH_RUNS:-3} "$here/instance.sh"
echo "=== a fleet: 1 host, 4 hosts, 4 hosts through the fleet's package cache (bench/fleet.sh)"
"$here/fleet.sh"
echo "=== an instance host: platform image build, create from scratch vs from the image, stop/start, idle memory (bench/instance_host.sh)"
"$here/instance_host.sh"
