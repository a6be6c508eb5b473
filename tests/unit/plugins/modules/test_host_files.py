from __future__ import annotations

import grp
import os
import pwd
import stat

from ansible_collections.sagebox.notebook.plugins.modules import host_files
from ansible_collections.sagebox.notebook.plugins.module_utils import host_files as hf

ME = pwd.getpwuid(os.getuid()).pw_name
MY_GROUP = grp.getgrgid(os.getgid()).gr_name


def spec(path, content, mode="0644"):
    return {"path": str(path), "content": content, "owner": ME, "group": MY_GROUP, "mode": mode}


def test_files_are_written_then_left_alone(run_module, tmp_path):
    files = [spec(tmp_path / "a" / "b" / "unit.service", "[Unit]\n"), spec(tmp_path / "helper", "print()\n", "0700")]
    failed, result = run_module(host_files, {"files": files})
    assert not failed and result["changed"] and result["changed_files"] == [f["path"] for f in files]
    assert (tmp_path / "a" / "b" / "unit.service").read_text() == "[Unit]\n"
    assert stat.S_IMODE((tmp_path / "helper").stat().st_mode) == 0o700
    again = run_module(host_files, {"files": files})[1]
    assert not again["changed"] and again["changed_files"] == []


def test_only_what_differs_changes_content_or_mode(run_module, tmp_path):
    files = [spec(tmp_path / "one", "1\n"), spec(tmp_path / "two", "2\n")]
    run_module(host_files, {"files": files})
    (tmp_path / "one").write_text("edited\n")
    os.chmod(tmp_path / "two", 0o666)
    result = run_module(host_files, {"files": files, "_ansible_diff": True})[1]
    assert result["changed_files"] == [str(tmp_path / "one"), str(tmp_path / "two")]
    assert (tmp_path / "one").read_text() == "1\n" and stat.S_IMODE((tmp_path / "two").stat().st_mode) == 0o644
    assert result["diff"] == [{"before_header": str(tmp_path / "one"), "after_header": str(tmp_path / "one"),
                               "before": "edited\n", "after": "1\n"}]


def test_check_mode_writes_nothing(run_module, tmp_path):
    result = run_module(host_files, {"files": [spec(tmp_path / "d" / "f", "x\n")], "_ansible_check_mode": True})[1]
    assert result["changed"] and not (tmp_path / "d").exists()


def test_a_bad_mode_is_refused_before_anything_is_written(run_module, tmp_path):
    failed, result = run_module(host_files, {"files": [spec(tmp_path / "f", "x\n", "rw-r--r--")]})
    assert failed and result["msg"] == "files: %s: mode 'rw-r--r--' is not an octal mode such as 0644" % (tmp_path / "f")
    assert not (tmp_path / "f").exists()


class FakeSystemd:
    """systemctl as the module calls it: unit states kept here, each command recorded."""

    def __init__(self, enabled=(), active=()):
        self.enabled, self.active, self.commands = set(enabled), set(active), []

    def __call__(self, command):
        self.commands.append(command)
        verb, name = command[1], command[-1]
        if verb == "is-enabled":
            return (0 if name in self.enabled else 1), "", ""
        if verb == "is-active":
            return (0 if name in self.active else 3), "", ""
        {"enable": self.enabled.add, "disable": self.enabled.discard,
         "start": self.active.add, "stop": self.active.discard}.get(verb, lambda _: None)(name)
        return 0, "", ""


def test_a_changed_unit_file_reloads_systemd_then_the_unit_is_brought_to_its_state(run_module, tmp_path, monkeypatch):
    systemd = FakeSystemd()
    monkeypatch.setattr(host_files.AnsibleModule, "run_command", lambda module, command, **kw: systemd(command))
    monkeypatch.setattr(hf, "SYSTEMD_DIRS", (str(tmp_path),))
    args = {"files": [spec(tmp_path / "x.timer", "[Timer]\n")], "units": [{"name": "x.timer", "enabled": True, "active": True}]}
    result = run_module(host_files, args)[1]
    assert result["changed_units"] == ["x.timer"] and result["daemon_reloaded"]
    assert systemd.commands[0] == ["systemctl", "daemon-reload"]
    assert ["systemctl", "enable", "x.timer"] in systemd.commands and ["systemctl", "start", "x.timer"] in systemd.commands
    systemd.commands.clear()
    again = run_module(host_files, args)[1]
    assert not again["changed"] and again["changed_units"] == [] and not again["daemon_reloaded"]
    assert [c[1] for c in systemd.commands] == ["is-enabled", "is-active"]


def test_a_unit_is_turned_off_and_check_mode_only_reports_it(run_module, tmp_path, monkeypatch):
    systemd = FakeSystemd(enabled={"x.timer"}, active={"x.timer"})
    monkeypatch.setattr(host_files.AnsibleModule, "run_command", lambda module, command, **kw: systemd(command))
    args = {"files": [], "units": [{"name": "x.timer", "enabled": False, "active": False}]}
    result = run_module(host_files, dict(args, _ansible_check_mode=True))[1]
    assert result["changed"] and result["changed_units"] == ["x.timer"] and systemd.enabled == {"x.timer"}
    result = run_module(host_files, args)[1]
    assert result["changed_units"] == ["x.timer"] and not systemd.enabled and not systemd.active


def test_a_failing_systemctl_is_reported_with_its_command(run_module, tmp_path, monkeypatch):
    monkeypatch.setattr(host_files.AnsibleModule, "run_command",
                        lambda module, command, **kw: (1, "", "Unit y.timer not found.") if command[1] != "is-enabled" else (1, "", ""))
    failed, result = run_module(host_files, {"files": [], "units": [{"name": "y.timer", "enabled": True}]})
    assert failed and result["msg"] == "systemctl enable y.timer failed (exit status 1): Unit y.timer not found."
