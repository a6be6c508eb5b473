"""The podman command of a notebook instance's system container (module_utils/instance_container.py)."""

from __future__ import annotations

import json
import re

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import instance_container
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError

ALLOCATION = {"instance_type": "ml.g5.xlarge", "cpus": 4, "memory_mib": 16384, "devices": ["nvidia.com/gpu=0"]}


def option(args: list, name: str) -> list:
    return [args[i + 1] for i, arg in enumerate(args) if arg == name]


def test_the_container_holds_its_types_compute_in_a_user_namespace_and_no_more():
    args = instance_container.create_args("alice", "localhost/sagebox/notebook-al2-v2:abc", ALLOCATION, "sagebox",
                                          "10.213.0.5", ["/srv/alice:/home/ec2-user/SageMaker"])
    assert args[0] == "create"
    assert option(args, "--cpus") == ["4"] and option(args, "--memory") == ["16384m"]
    assert option(args, "--memory-swap") == ["16384m"], "no swap beyond the memory limit"
    assert option(args, "--userns") == ["auto:size=65536"] and option(args, "--cgroupns") == ["private"]
    assert "--privileged" not in args and option(args, "--cap-add") == ["SYS_ADMIN"]
    # Root inside can neither change its address nor forge packets from another's.
    assert option(args, "--cap-drop") == ["NET_ADMIN,NET_RAW"]
    assert option(args, "--device") == ["nvidia.com/gpu=0"]
    assert option(args, "--ip") == ["10.213.0.5"] and option(args, "--network") == ["sagebox"]
    assert option(args, "--sysctl") == ["net.ipv4.ping_group_range=0 65535", "net.ipv6.conf.all.disable_ipv6=1",
                                        "net.ipv6.conf.default.disable_ipv6=1"]
    assert option(args, "--volume") == ["/srv/alice:/home/ec2-user/SageMaker"]
    with_volume = instance_container.create_args("alice", "image", ALLOCATION, "sagebox", volume="/v/alice")
    assert option(with_volume, "--volume") == ["/v/alice:/home/ec2-user/SageMaker:rw,nodev,nosuid"]
    assert args[-4:] == ["localhost/sagebox/notebook-al2-v2:abc", "/bin/sh", "-c", instance_container.INIT]
    labels = dict(label.split("=", 1) for label in option(args, "--label"))
    assert labels["io.sagebox.instance"] == "alice"
    assert json.loads(labels["io.sagebox.instance.allocation"]) == ALLOCATION


def test_without_an_address_podman_picks_one():
    args = instance_container.create_args("bob", "image", dict(ALLOCATION, devices=[]), "sagebox")
    assert "--ip" not in args and "--device" not in args


def test_inspect_gives_each_instance_its_state_allocation_and_address():
    inspected = [
        {"Id": "c0ffee", "HostConfig": {"IDMappings": {"UidMap": ["0:2147483647:65536"],
                                                       "GidMap": ["0:2147483648:65536"]}},
         "Config": {"Labels": {"io.sagebox.instance": "alice",
                               "io.sagebox.instance.allocation": json.dumps(ALLOCATION)}},
         "State": {"Status": "running", "Running": True}, "ImageName": "image",
         "NetworkSettings": {"Networks": {"sagebox": {"IPAddress": "10.213.0.5"}}}},
        {"Config": {"Labels": {}}, "State": {"Status": "running", "Running": True}},
        {"Config": {"Labels": {"io.sagebox.instance": "bob", "io.sagebox.instance.allocation": "not json"}},
         "State": {"Status": "exited", "Running": False}, "NetworkSettings": {"Networks": {}}},
    ]
    found = instance_container.parse_inspect(json.dumps(inspected))
    assert sorted(found) == ["alice", "bob"]
    assert found["alice"] == {"id": "c0ffee", "root": (2147483647, 2147483648), "state": "running", "running": True,
                              "allocation": ALLOCATION, "address": "10.213.0.5", "image": "image",
                              # No network label: the settings instances had before they had one.
                              "network": {"direct_internet_access": "Enabled", "allowed": [],
                                          "ingress": [{"protocol": "tcp", "port": "8443", "cidr": "0.0.0.0/0"}]}}
    assert found["bob"]["root"] == (0, 0)
    assert found["bob"]["allocation"] == {} and not found["bob"]["running"] and found["bob"]["address"] == ""


def test_a_network_or_volume_that_would_share_the_servers_is_refused_naming_it():
    instance_container.check_placement("sagebox", ["/var/lib/sagebox/volumes/alice:/home/ec2-user/SageMaker:rw,nodev"])
    for network in ("host", "container:bob", "ns:/proc/1/ns/net", "none", ""):
        with pytest.raises(RequestError, match="network %r must be the name of a podman network" % network):
            instance_container.check_placement(network, [])
    for volume, rule in (("/etc:/x:idmap", "options may only be"), ("/srv:/x:U", "options may only be"),
                         ("/srv:/x:rshared", "options may only be"), ("named:/x", "absolute paths"),
                         ("/srv/../etc:/x", "absolute paths"), ("/srv", "absolute paths")):
        with pytest.raises(RequestError, match=re.escape("volume %r" % volume) + ".*" + rule):
            instance_container.check_placement("sagebox", [volume])


def test_a_type_with_almost_no_memory_is_refused_not_left_unlimited():
    with pytest.raises(RequestError, match="below the 64 MiB"):
        instance_container.create_args("tiny", "image", dict(ALLOCATION, memory_mib=0), "sagebox")
