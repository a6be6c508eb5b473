from __future__ import annotations

import os

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import build_receipt as br


def no_units(argv):
    raise AssertionError("no unit asked for, yet systemctl ran: %s" % argv)


@pytest.fixture
def host(tmp_path):
    """A small host: a configuration tree, a link, an environment with two distributions."""
    etc = tmp_path / "etc"
    (etc / "units").mkdir(parents=True)
    (etc / "units" / "a.service").write_text("[Unit]\n")
    (etc / "config.py").write_text("c.port = 8443\n")
    os.symlink("units/a.service", etc / "link.service")
    site = tmp_path / "envs" / "py" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    for dist in ("numpy-1.26.4.dist-info", "pandas-2.2.2.dist-info"):
        (site / dist).mkdir()
    return tmp_path


def spec_of(host, **extra):
    spec = {"paths": [str(host / "etc")], "exclude": [], "environments": [str(host / "envs" / "*")],
            "mounts": [], "units": [], "users": [], "runs": []}
    spec.update(extra)
    return spec


def test_an_unchanged_host_has_no_difference(host):
    spec = spec_of(host)
    receipt = br.make("fp", spec, br.snapshot(spec, no_units))
    assert br.check(receipt, "fp", spec, no_units) == []


def test_each_change_is_named(host):
    spec = spec_of(host)
    receipt = br.make("fp", spec, br.snapshot(spec, no_units))
    (host / "etc" / "units" / "a.service").unlink()
    (host / "etc" / "config.py").write_text("c.port = 9999\n")
    (host / "etc" / "new.conf").write_text("x\n")
    os.unlink(host / "etc" / "link.service")
    os.symlink("elsewhere", host / "etc" / "link.service")
    (host / "envs" / "py" / "lib" / "python3.11" / "site-packages" / "pandas-2.2.2.dist-info").rmdir()
    assert br.check(receipt, "fp", spec, no_units) == [
        "environment %s: gone pandas-2.2.2.dist-info" % (host / "envs" / "py"),
        "%s: changed" % (host / "etc" / "config.py"),
        "%s: changed" % (host / "etc" / "link.service"),
        "%s: added" % (host / "etc" / "new.conf"),
        "%s: removed" % (host / "etc" / "units" / "a.service"),
    ]


def test_a_mode_change_counts(host):
    spec = spec_of(host)
    receipt = br.make("fp", spec, br.snapshot(spec, no_units))
    os.chmod(host / "etc" / "config.py", 0o666)
    assert br.check(receipt, "fp", spec, no_units) == ["%s: changed" % (host / "etc" / "config.py")]


def test_excluded_paths_do_not_count(host):
    spec = spec_of(host, exclude=[str(host / "etc" / "units")])
    receipt = br.make("fp", spec, br.snapshot(spec, no_units))
    (host / "etc" / "units" / "b.service").write_text("new\n")
    assert br.check(receipt, "fp", spec, no_units) == []


def test_another_fingerprint_or_coverage_means_a_build(host):
    spec = spec_of(host)
    receipt = br.make("fp", spec, br.snapshot(spec, no_units))
    assert br.check(receipt, "other", spec, no_units)[0].startswith("another build was asked for")
    assert br.check(receipt, "fp", spec_of(host, users=["root"]), no_units)[0].startswith("the receipt covers other")
    assert br.check(None, "fp", spec, no_units)[0].startswith("no build receipt")


def test_units_are_read_in_one_command_and_compared(host):
    calls = []

    def systemctl(states):
        def run(argv):
            calls.append(argv)
            return 3, "\n".join(states) + "\n", ""
        return run

    spec = spec_of(host, units=["jupyter-server.service", "sagebox-firewall.service"])
    receipt = br.make("fp", spec, br.snapshot(spec, systemctl(["active", "active"])))
    assert calls == [["systemctl", "is-active", "jupyter-server.service", "sagebox-firewall.service"]]
    assert br.check(receipt, "fp", spec, systemctl(["inactive", "active"])) == [
        "unit jupyter-server.service: inactive (was active)"]


def test_mounts_come_from_mountinfo(tmp_path):
    info = tmp_path / "mountinfo"
    info.write_text(
        "36 25 7:0 / /home/ec2-user/SageMaker rw,nosuid,nodev,relatime shared:1 - ext4 /dev/loop0 rw\n"
        "37 25 0:30 / /tmp rw,nosuid,nodev shared:2 - tmpfs tmpfs rw,size=1024k\n"
        "38 25 0:31 / /with\\040space rw - tmpfs tmpfs rw\n")
    assert br.mounts(["/home/ec2-user/SageMaker", "/tmp/", "/with space", "/nowhere"], str(info)) == {
        "/home/ec2-user/SageMaker": "ext4 /dev/loop0 nodev,nosuid,relatime,rw",
        "/tmp/": "tmpfs tmpfs nodev,nosuid,rw,size=1024k",
        "/with space": "tmpfs tmpfs rw",
        "/nowhere": "not mounted",
    }


def test_a_missing_path_is_recorded_absent_and_its_coming_counts(host):
    spec = spec_of(host, paths=[str(host / "nothing-*.conf"), str(host / "sudoers")])
    receipt = br.make("fp", spec, br.snapshot(spec, no_units))
    assert receipt["snapshot"]["files"] == {str(host / "nothing-*.conf"): "absent", str(host / "sudoers"): "absent"}
    (host / "sudoers").write_text("ec2-user ALL=(ALL) NOPASSWD: ALL\n")
    assert br.check(receipt, "fp", spec, no_units) == ["%s: added" % (host / "sudoers")]


def test_many_differences_are_cut_short(host):
    spec = spec_of(host)
    receipt = br.make("fp", spec, br.snapshot(spec, no_units))
    for i in range(17):
        (host / "etc" / ("new-%02d" % i)).write_text("x\n")
    found = br.check(receipt, "fp", spec, no_units)
    assert len(found) == br.SHOWN + 1 and found[-1] == "and 5 more"


def test_a_damaged_receipt_is_refused_with_its_path(tmp_path):
    path = tmp_path / "receipt.json"
    path.write_text("{not json")
    with pytest.raises(br.ReceiptError, match="the build receipt %s cannot be read" % path):
        br.load(str(path))
    path.write_text('{"version": 0}')
    with pytest.raises(br.ReceiptError, match="is not one this collection wrote"):
        br.load(str(path))
    assert br.load(str(tmp_path / "none.json")) is None


def test_a_tree_swapped_under_a_program_is_a_difference(host):
    """The notebook user's attack on Jupyter's environment: the tree renamed aside and a copy put in its place
    (the program's own bytes the same), or a link to it. Each is named, with the step of the way that changed."""
    program = host / "envs" / "py" / "bin" / "python"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    spec = spec_of(host, runs=[str(program)])
    receipt = br.make("fp", spec, br.snapshot(spec, no_units))
    assert br.check(receipt, "fp", spec, no_units) == []
    os.rename(host / "envs" / "py", host / "envs" / "py.aside")
    os.symlink("py.aside", host / "envs" / "py")
    found = br.check(receipt, "fp", spec, no_units)
    assert found and found[0].startswith("the way to %s: %s link" % (program, host / "envs" / "py")), found
    os.unlink(host / "envs" / "py")
    os.mkdir(host / "envs" / "py", 0o777)
    os.chmod(host / "envs" / "py", 0o777)
    (host / "envs" / "py" / "bin").mkdir()
    (host / "envs" / "py" / "bin" / "python").write_text("#!/bin/sh\n")
    found = br.check(receipt, "fp", spec, no_units)
    assert found and found[0].startswith("the way to %s: %s dir" % (program, host / "envs" / "py")), found
    assert "0777" in found[0]


def test_the_way_follows_links_and_stops_where_a_path_is_absent(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "python3.11").write_text("")
    os.symlink(str(tmp_path / "real" / "python3.11"), tmp_path / "python")
    way = br.way_to(str(tmp_path / "python"))
    assert any(step.startswith("%s link" % (tmp_path / "python")) for step in way)
    assert way[-2].startswith("%s dir" % (tmp_path / "real")) and way[-1].startswith("%s file" % (tmp_path / "real" / "python3.11"))
    assert br.way_to(str(tmp_path / "missing" / "x"))[-1] == "%s absent" % (tmp_path / "missing")
    os.symlink("loop", tmp_path / "loop")
    assert br.way_to(str(tmp_path / "loop"))[-1] == "too many links"


def test_a_bind_mount_from_the_same_file_system_is_marked_on_the_way(tmp_path):
    (tmp_path / "prefix").mkdir()
    (tmp_path / "prefix" / "activate").write_text("")
    plain = br.way_to(str(tmp_path / "prefix" / "activate"), mounted=set())
    mounted = br.way_to(str(tmp_path / "prefix" / "activate"), mounted={str(tmp_path / "prefix")})
    assert [step for step in mounted if step not in plain] == [plain[-2] + " mount"]
    assert "/proc" in br.mount_points()
