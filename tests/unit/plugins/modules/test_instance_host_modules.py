"""The instance host's modules (notebook_instance_container, instance_host_info) over a podman stand-in on
PATH that keeps its containers in a JSON file and records its calls (the instance_host scenario runs the
real podman)."""

from __future__ import annotations

import json

import pytest
from ansible_collections.sagebox.notebook.plugins.module_utils import capacity
from ansible_collections.sagebox.notebook.plugins.modules import instance_host_info, notebook_instance_container

FAKE_PODMAN = r'''#!/usr/bin/env python3
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, "containers.json")
state = json.load(open(path)) if os.path.exists(path) else []
args = sys.argv[1:]
with open(os.path.join(here, "calls.txt"), "a") as calls:
    calls.write(json.dumps(args) + "\n")
def save():
    json.dump(state, open(path, "w"))
if args[:2] == ["image", "exists"]:
    sys.exit(0 if args[2] == "localhost/sagebox/platform-notebook-al2-v2:current" else 1)
if args[0] == "ps":
    wanted = args[-1].split("=", 1)[1]
    key, _, value = wanted.partition("=")
    print("\n".join(c["Id"] for c in state if key in c["Config"]["Labels"]
                    and (not value or c["Config"]["Labels"][key] == value)))
elif args[0] == "inspect" and os.path.exists(os.path.join(here, "vanish-once")):
    os.unlink(os.path.join(here, "vanish-once"))
    sys.stderr.write('Error: inspecting object: no such object: "0123"\n')
    sys.exit(125)
elif args[0] == "inspect":
    print(json.dumps([c for c in state if c["Id"] in args[1:]]))
elif args[0] == "create":
    name = args[args.index("--name") + 1]
    cid = "id-%s" % name
    state.append({"Id": cid, "ImageName": args[-4], "State": {"Status": "created", "Running": False},
                  "Config": {"Labels": dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a == "--label")},
                  "NetworkSettings": {"Networks": {}}})
    save()
    print(cid)
elif args[0] in ("start", "stop"):
    for c in state:
        if c["Id"] == args[-1]:
            running = args[0] == "start"
            c["State"] = {"Status": "running" if running else "exited", "Running": running}
            c["NetworkSettings"] = {"Networks": {"sagebox": {"IPAddress": "10.213.0.7" if running else ""}}}
    save()
elif args[0] == "cp":
    # The container's files: files/NAME/PATH on this side, sent as podman sends them (a tar stream).
    import io, tarfile
    name, inside = args[1].split(":", 1)
    source = os.path.join(here, "files", name) + inside
    if not os.path.lexists(source):
        sys.stderr.write("Error: %s: no such file or directory\n" % inside)
        sys.exit(125)
    stream = io.BytesIO()
    with tarfile.open(fileobj=stream, mode="w") as archive:
        archive.add(source, arcname=os.path.basename(inside))
    sys.stdout.buffer.write(stream.getvalue())
elif args[0] == "rm":
    state = [c for c in state if c["Id"] != args[-1]]
    save()
'''

IMAGE = "localhost/sagebox/platform-notebook-al2-v2:current"
GPUS = [{"id": "nvidia.com/gpu=GPU-%d" % i, "kind": "NVIDIA A10G"} for i in range(2)]


@pytest.fixture
def host(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "podman").write_text(FAKE_PODMAN)
    (bin_dir / "podman").chmod(0o755)
    # nft keeps each transaction it is given, in nft.txt beside it.
    (bin_dir / "nft").write_text('#!/bin/sh\n{ cat; echo "# end"; } >> "$(dirname "$0")/nft.txt"\n')
    (bin_dir / "nft").chmod(0o755)
    monkeypatch.setenv("PATH", "%s:/usr/bin:/bin" % bin_dir)
    ledger = str(tmp_path / "capacity.json")
    capacity.prepare(ledger, {"name": "gpu1", "cpus": 16, "memory_mib": 40960, "devices": GPUS})
    return {"bin": bin_dir, "ledger": ledger, "conf": str(tmp_path / "none.conf")}


def container(run_module, host, **args):
    return run_module(notebook_instance_container, dict(args, ledger_path=host["ledger"], containers_conf=host["conf"]))


def calls(host) -> list:
    return [json.loads(line) for line in (host["bin"] / "calls.txt").read_text().splitlines()]


def test_a_create_takes_its_gpu_and_passes_it_to_podman_by_cdi_name(run_module, host):
    failed, result = container(run_module, host, name="alice", instance_type="ml.g5.xlarge", image=IMAGE)
    assert not failed and result["changed"], result
    assert result["container"] == {"state": "running", "address": "10.213.0.7", "allocation": {
        "instance_type": "ml.g5.xlarge", "cpus": 4.0, "memory_mib": 16384, "devices": ["nvidia.com/gpu=GPU-0"]}}
    create = next(c for c in calls(host) if c[0] == "create")
    assert create[create.index("--device") + 1] == "nvidia.com/gpu=GPU-0"
    assert (create[create.index("--memory") + 1], create[create.index("--memory-swap") + 1]) == ("16384m", "16384m")
    assert result["capacity"]["devices_free"] == ["nvidia.com/gpu=GPU-1"]
    # Again: nothing to do.
    failed, result = container(run_module, host, name="alice", instance_type="ml.g5.xlarge", image=IMAGE)
    assert not failed and not result["changed"]


def test_a_create_that_does_not_fit_changes_nothing(run_module, host):
    container(run_module, host, name="alice", instance_type="ml.g5.xlarge", image=IMAGE)
    container(run_module, host, name="bob", instance_type="ml.g5.xlarge", image=IMAGE)
    before = capacity.load(host["ledger"])
    failed, result = container(run_module, host, name="carol", instance_type="ml.g5.xlarge", image=IMAGE)
    assert failed and result["msg"] == ("ResourceLimitExceeded: notebook instance 'carol' cannot be placed: ml.g5.xlarge "
                                        "requested 1 GPU (A10G), 0 of 2 free on gpu1")
    assert capacity.load(host["ledger"]) == before
    assert not [c for c in calls(host) if c[0] == "create" and "carol" in c]


def test_a_stop_gives_the_compute_back_and_a_removal_removes_the_container(run_module, host):
    container(run_module, host, name="alice", instance_type="ml.g5.xlarge", image=IMAGE)
    failed, result = container(run_module, host, name="alice", state="stopped")
    assert not failed and result["changed"] and result["container"]["state"] == "exited"
    assert result["capacity"]["instances"] == [] and len(result["capacity"]["devices_free"]) == 2
    failed, result = container(run_module, host, name="alice", state="absent")
    assert not failed and result["changed"] and result["container"]["state"] == "absent"
    failed, result = container(run_module, host, name="alice", state="absent")
    assert not failed and not result["changed"]


def test_a_container_gone_between_the_listing_and_the_inspection_is_read_again(run_module, host):
    container(run_module, host, name="alice", instance_type="ml.t3.medium", image=IMAGE)
    (host["bin"] / "vanish-once").write_text("")
    failed, result = run_module(instance_host_info, {"ledger_path": host["ledger"], "containers_conf": host["conf"]})
    assert not failed and [i["name"] for i in result["instances"]] == ["alice"], result


def test_a_bad_name_or_network_is_refused_before_podman_runs(run_module, host):
    failed, result = container(run_module, host, name="--all", state="absent", network="host")
    assert failed and "--all" in result["msg"]
    assert not (host["bin"] / "calls.txt").exists()


def test_the_info_module_shows_where_each_instance_runs_and_what_it_holds(run_module, host):
    container(run_module, host, name="alice", instance_type="ml.g5.xlarge", image=IMAGE)
    container(run_module, host, name="bob", instance_type="ml.t3.medium", image=IMAGE)
    container(run_module, host, name="bob", state="stopped")
    failed, result = run_module(instance_host_info, {"ledger_path": host["ledger"], "containers_conf": host["conf"]})
    assert not failed and not result["changed"] and result["instance_host"]
    alice, bob = result["instances"]
    assert alice == {"name": "alice", "host": "gpu1", "state": "running", "holds_compute": True, "address": "10.213.0.7",
                     "instance_type": "ml.g5.xlarge", "cpus": 4.0, "memory_mib": 16384,
                     "devices": ["nvidia.com/gpu=GPU-0"], "image": IMAGE}
    assert (bob["name"], bob["state"], bob["holds_compute"], bob["address"]) == ("bob", "exited", False, "")
    assert result["capacity"]["memory_mib_free"] == 40960 - 16384
    assert result["ledger"]["host"]["devices"][0]["kind"] == "NVIDIA A10G"
    failed, result = run_module(instance_host_info, {"name": "carol", "ledger_path": host["ledger"],
                                                     "containers_conf": host["conf"]})
    assert not failed and result["instances"] == []


def test_the_info_module_on_a_host_that_is_not_an_instance_host(run_module, tmp_path):
    failed, result = run_module(instance_host_info, {"ledger_path": str(tmp_path / "none.json")})
    assert failed and "not an instance host" in result["msg"]
    failed, result = run_module(instance_host_info, {"ledger_path": str(tmp_path / "none.json"), "_ansible_check_mode": True})
    assert not failed and result["instance_host"] is False


def put_file(host, name: str, path: str, content: str) -> None:
    target = host["bin"] / "files" / name / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)


def test_the_info_module_describes_each_instance_from_the_record_in_its_container(run_module, host):
    container(run_module, host, name="alice", instance_type="ml.g5.xlarge", image=IMAGE)
    container(run_module, host, name="bob", instance_type="ml.t3.medium", image=IMAGE)
    container(run_module, host, name="bob", state="stopped")
    put_file(host, "alice", "/var/lib/sagebox/notebook-instance.json", json.dumps(
        {"NotebookInstanceName": "alice", "NotebookInstanceStatus": "InService", "InstanceType": "ml.g5.xlarge",
         "FailureReason": ""}))
    put_file(host, "bob", "/var/lib/sagebox/notebook-instance.json", json.dumps(
        {"NotebookInstanceName": "bob", "NotebookInstanceStatus": "Stopped", "InstanceType": "ml.t3.medium"}))
    failed, result = run_module(instance_host_info, {"describe": True, "ledger_path": host["ledger"],
                                                     "containers_conf": host["conf"]})
    assert not failed, result
    alice, bob = (i["notebook_instance"] for i in result["instances"])
    assert alice == {"NotebookInstanceName": "alice", "NotebookInstanceStatus": "InService", "InstanceType": "ml.g5.xlarge",
                     "InstanceHost": {"Name": "gpu1", "State": "running", "Address": "10.213.0.7",
                                      "InstanceType": "ml.g5.xlarge", "VCpus": 4.0, "MemoryMiB": 16384,
                                      "Devices": ["nvidia.com/gpu=GPU-0"]}}
    # A stopped instance is described too (its container's files are read without starting it).
    assert bob["NotebookInstanceStatus"] == "Stopped" and bob["InstanceHost"]["State"] == "exited"
    # Without describe, no record is read.
    failed, result = run_module(instance_host_info, {"ledger_path": host["ledger"], "containers_conf": host["conf"]})
    assert "notebook_instance" not in result["instances"][0]
    assert len([c for c in calls(host) if c[0] == "cp"]) == 2


def test_the_info_module_describes_a_container_without_a_record_as_nothing_yet(run_module, host):
    container(run_module, host, name="alice", instance_type="ml.t3.medium", image=IMAGE)
    failed, result = run_module(instance_host_info, {"name": "alice", "describe": True, "ledger_path": host["ledger"],
                                                     "containers_conf": host["conf"]})
    assert not failed and result["instances"][0]["notebook_instance"] == {}


@pytest.mark.parametrize("made", ["directory", "damaged", "huge", "nested", "another's"])
def test_a_record_that_the_instance_made_something_else_is_an_error_naming_it(run_module, host, made):
    container(run_module, host, name="alice", instance_type="ml.t3.medium", image=IMAGE)
    path = "/var/lib/sagebox/notebook-instance.json"
    if made == "directory":
        put_file(host, "alice", path + "/inner", "{}")
    elif made == "huge":
        put_file(host, "alice", path, " " * (1 << 20) + "{}")
    elif made == "nested":
        put_file(host, "alice", path, "[" * 100000 + "]" * 100000)
    elif made == "another's":
        put_file(host, "alice", path, json.dumps({"NotebookInstanceName": "bob", "NotebookInstanceStatus": "InService"}))
    else:
        put_file(host, "alice", path, "{not json")
    failed, result = run_module(instance_host_info, {"name": "alice", "describe": True, "ledger_path": host["ledger"],
                                                     "containers_conf": host["conf"]})
    expected = {"directory": "%s in alice is not a regular file of at most 1048576 bytes" % path,
                "huge": "%s in alice is not a regular file of at most 1048576 bytes" % path,
                "another's": "name 'alice': this host holds notebook instance 'bob'"}.get(
        made, "the notebook instance record alice:%s is damaged: it is not valid JSON" % path)
    assert failed and result["msg"].startswith(expected), result["msg"]


def last_firewall(host) -> str:
    return (host["bin"] / "nft.txt").read_text().split("# end\n")[-2]


def test_the_firewall_follows_each_start_and_stop_with_the_instances_network_settings(run_module, host):
    groups = {"sg-ssh": [{"protocol": "tcp", "port": 22, "cidr": "10.0.0.0/8"}, {"protocol": "icmp", "cidr": "0.0.0.0/0"},
                         {"protocol": "tcp", "port": 22, "cidr": "2001:db8::/32"}]}
    failed, result = container(run_module, host, name="alice", instance_type="ml.t3.medium", image=IMAGE,
                               direct_internet_access="Disabled", allowed_destinations=["192.0.2.7", "198.51.100.0/24"],
                               security_group_ids=["sg-ssh"], security_groups=groups)
    assert not failed, result
    create = next(c for c in calls(host) if c[0] == "create")
    assert json.loads(create[create.index("--label", create.index("--label") + 4) + 1].split("=", 1)[1]) == {
        "direct_internet_access": "Disabled", "allowed": ["192.0.2.7/32", "198.51.100.0/24"],
        "ingress": [{"protocol": "tcp", "port": "22", "cidr": "10.0.0.0/8"}, {"protocol": "icmp", "cidr": "0.0.0.0/0"}]}
    assert last_firewall(host) == (
        "flush chain inet sagebox_instances instance_ingress\n"
        'add rule inet sagebox_instances instance_ingress ip daddr 10.213.0.7 ip saddr 10.0.0.0/8 tcp dport 22 accept comment "alice"\n'
        'add rule inet sagebox_instances instance_ingress ip daddr 10.213.0.7 ip saddr 0.0.0.0/0 meta l4proto icmp accept comment "alice"\n'
        "flush chain inet sagebox_instances instance_egress\n"
        'add rule inet sagebox_instances instance_egress ip saddr 10.213.0.7 ip daddr 192.0.2.7/32 accept comment "alice"\n'
        'add rule inet sagebox_instances instance_egress ip saddr 10.213.0.7 ip daddr 198.51.100.0/24 accept comment "alice"\n')
    # Stopped, it has no rules: the address may go to another instance.
    container(run_module, host, name="alice", state="stopped")
    assert last_firewall(host) == ("flush chain inet sagebox_instances instance_ingress\n"
                                   "flush chain inet sagebox_instances instance_egress\n")


def test_the_default_group_and_direct_internet_access(run_module, host):
    failed, result = container(run_module, host, name="bob", instance_type="ml.t3.medium", image=IMAGE)
    assert not failed
    assert last_firewall(host).splitlines()[1:4:2] == [
        'add rule inet sagebox_instances instance_ingress ip daddr 10.213.0.7 ip saddr 0.0.0.0/0 tcp dport 8443 accept comment "bob"',
        'add rule inet sagebox_instances instance_egress ip saddr 10.213.0.7 accept comment "bob: DirectInternetAccess Enabled"']


def test_network_settings_that_break_a_rule_are_refused_all_at_once_with_nothing_changed(run_module, host):
    before = capacity.load(host["ledger"])
    failed, result = container(run_module, host, name="alice", instance_type="ml.t3.medium", image=IMAGE,
                               security_group_ids=["sg-web", "sg-none"], allowed_destinations=["not a host name"],
                               security_groups={"sg-web": [{"protocol": "tcp", "port": "99999", "cidr": "0.0.0.0/0"},
                                                           {"protocol": "gre", "cidr": "0.0.0.0/0"},
                                                           {"protocol": "udp", "port": 53, "cidr": "10.0.0.300/8"}]})
    assert failed
    assert result["msg"] == (
        "SecurityGroupIds sg-none: not defined in notebook_instance_security_groups (defined: sg-web); "
        'inbound rule {"cidr": "0.0.0.0/0", "port": "99999", "protocol": "tcp"}: port \'99999\' must be a number or range '
        "from 1 to 65535; "
        'inbound rule {"cidr": "0.0.0.0/0", "protocol": "gre"}: protocol must be one of tcp, udp, icmp; '
        "inbound rule cidr '10.0.0.300/8' is not an IPv4 or IPv6 address or network (such as 10.0.0.0/16); "
        "allowed destination 'not a host name' is neither a network nor a host name the server resolves")
    assert capacity.load(host["ledger"]) == before
    assert not [c for c in calls(host) if c[0] == "create"]


def test_a_reader_bound_stops_at_its_limit_whatever_the_sizes_asked():
    import io
    from ansible_collections.sagebox.notebook.plugins.module_utils import podman
    reader = podman.BoundedReader(io.BytesIO(b"x" * 100), 10)
    assert reader.read(4) == b"xxxx" and reader.read(6) == b"x" * 6
    with pytest.raises(podman.TooLarge):
        reader.read(1)
    with pytest.raises(podman.TooLarge):
        podman.BoundedReader(io.BytesIO(b"x" * 100), 10).read()
    assert podman.BoundedReader(io.BytesIO(b"x" * 5), 10).read() == b"x" * 5
