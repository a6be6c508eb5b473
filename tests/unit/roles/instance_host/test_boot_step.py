"""Unit tests of the instance host's boot step (roles/instance_host/files/sagebox-instances): which instances
start again, and the ledger rebuilt from what then runs. podman is a script on PATH that answers from a JSON
file of containers (the scenario instance_host reboots a real host)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ansible_collections.sagebox.notebook.plugins.module_utils import capacity

ROOT = Path(__file__).resolve().parents[4]
STEP = ROOT / "roles" / "instance_host" / "files" / "sagebox-instances"

# podman ps/inspect/start over containers.json; `start` of a container named in fail.txt fails.
FAKE_PODMAN = r'''#!/usr/bin/env python3
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
state = json.load(open(os.path.join(here, "containers.json")))
fail = open(os.path.join(here, "fail.txt")).read().split() if os.path.exists(os.path.join(here, "fail.txt")) else []
args = sys.argv[1:]
if args[0] == "ps":
    print("\n".join(c["Id"] for c in state))
elif args[0] == "inspect":
    print(json.dumps([c for c in state if c["Id"] in args[1:]]))
elif args[0] == "start":
    for c in state:
        if c["Id"] == args[1]:
            if c["Config"]["Labels"]["io.sagebox.instance"] in fail:
                sys.exit("Error: unable to start container: cannot find volume")
            c["State"] = {"Status": "running", "Running": True}
    json.dump(state, open(os.path.join(here, "containers.json"), "w"))
'''

ALLOCATION = {"instance_type": "ml.t3.medium", "cpus": 2.0, "memory_mib": 4096, "devices": []}


def container(name: str, running: bool) -> dict:
    return {"Id": "id-" + name, "State": {"Status": "running" if running else "exited", "Running": running},
            "Config": {"Labels": {"io.sagebox.instance": name,
                                  "io.sagebox.instance.allocation": json.dumps(ALLOCATION)}}}


@pytest.fixture
def host(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "podman").write_text(FAKE_PODMAN)
    (bin_dir / "podman").chmod(0o755)
    # nft keeps the transaction it is given.
    (bin_dir / "nft").write_text('#!/bin/sh\ncat > "$(dirname "$0")/nft.txt"\n')
    (bin_dir / "nft").chmod(0o755)
    ledger = str(tmp_path / "capacity.json")
    capacity.prepare(ledger, {"name": "gpu1", "cpus": 16, "memory_mib": 65536, "devices": []})
    return bin_dir, ledger


def boot(bin_dir: Path, *args: str) -> subprocess.CompletedProcess:
    # The folder that holds ansible_collections/, as the role's copy beside the step does.
    library = str(Path(capacity.__file__).parents[5])
    env = dict(os.environ, PATH="%s:%s" % (bin_dir, os.environ["PATH"]), PYTHONPATH=library)
    return subprocess.run([sys.executable, str(STEP), *args], capture_output=True, text=True, env=env, check=False)


def test_instances_that_held_compute_start_again_and_stopped_ones_stay_stopped(host):
    bin_dir, ledger = host
    (bin_dir / "containers.json").write_text(json.dumps([container("alice", False), container("carol", False)]))
    capacity.hold(ledger, "alice", ALLOCATION)
    result = boot(bin_dir, ledger)
    assert result.returncode == 0, result.stderr
    states = {c["Config"]["Labels"]["io.sagebox.instance"]: c["State"]["Running"]
              for c in json.loads((bin_dir / "containers.json").read_text())}
    assert states == {"alice": True, "carol": False}
    assert capacity.load(ledger)["allocations"] == {"alice": ALLOCATION}
    assert "alice: started" in result.stdout and "as it was" in result.stdout
    # Then the firewall's rules for what runs (alice has no address in this stand-in: none).
    assert (bin_dir / "nft.txt").read_text() == ("flush chain inet sagebox_instances instance_ingress\n"
                                                 "flush chain inet sagebox_instances instance_egress\n")


def test_with_firewall_only_the_rules_of_the_running_instances_are_written(host):
    bin_dir, ledger = host
    running = dict(container("alice", True), NetworkSettings={"Networks": {"sagebox": {"IPAddress": "10.213.0.9"}}})
    (bin_dir / "containers.json").write_text(json.dumps([running, container("carol", False)]))
    result = boot(bin_dir, "--firewall", ledger)
    assert result.returncode == 0, result.stderr
    assert "instances' firewall rules: written" in result.stdout
    rules = (bin_dir / "nft.txt").read_text()
    assert 'ip saddr 10.213.0.9 accept comment "alice: DirectInternetAccess Enabled"' in rules and "carol" not in rules
    assert capacity.load(ledger)["allocations"] == {}


def test_the_ledger_gives_back_what_no_container_holds_and_counts_what_runs(host):
    bin_dir, ledger = host
    (bin_dir / "containers.json").write_text(json.dumps([container("bob", True), container("dan", False)]))
    capacity.hold(ledger, "ghost", ALLOCATION)
    capacity.hold(ledger, "dan", ALLOCATION)
    (bin_dir / "fail.txt").write_text("dan")
    result = boot(bin_dir, ledger)
    assert result.returncode == 1
    assert "dan: did not start, its compute is given back: Error: unable to start container" in result.stdout
    assert capacity.load(ledger)["allocations"] == {"bob": ALLOCATION}
    assert "rebuilt, changed for bob, dan, ghost" in result.stdout
    # An instance that did not start does not keep the others from their firewall rules.
    assert "instances' firewall rules: written" in result.stdout
    assert (bin_dir / "nft.txt").read_text().startswith("flush chain inet sagebox_instances instance_ingress")
