"""notebook_instance_controls: the host's controls and the helpers' library (what notebook_instance's
controls and build_marker did before)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import host_files as hf
from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance, notebook_instance_controls, notebook_instance_status

pytestmark = pytest.mark.usefixtures("host_units")

PACKAGE = os.path.join("ansible_collections", "sagebox", "notebook", "plugins", "module_utils")
LIBRARY = ("record.py", "status.py", "private_files.py", "request_error.py")


def controls(tmp_path, content="[Unit]\n", **args):
    return dict({"files": [{"path": str(tmp_path / "systemd" / "nb-start.service"), "content": content},
                           {"path": str(tmp_path / "libexec" / "helper"), "content": "#!/bin/sh\n", "mode": "0755"}],
                 "units": [{"name": "idle.timer", "enabled": False, "active": False}],
                 "library_dir": str(tmp_path / "libexec")}, **args)


def library_paths(library_dir) -> list:
    inits = [os.path.join(str(library_dir), *PACKAGE.split(os.sep)[:depth], "__init__.py") for depth in range(1, 6)]
    return inits + [os.path.join(str(library_dir), PACKAGE, name) for name in LIBRARY]


@pytest.fixture
def stopped(run_module, paths):
    """The host's instance, built and stopped."""
    run_module(notebook_instance, dict(paths, name="nb-1"))
    failed, result = run_module(notebook_instance_status, dict(
        name="nb-1", status="InService", record_path=paths["record_path"], metadata_path=paths["metadata_path"]))
    assert not failed
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    assert not failed and result["notebook_instance"]["NotebookInstanceStatus"] == "Stopped"


def test_controls_are_written_then_the_start_starts(run_module, paths, host_units, tmp_path, monkeypatch, stopped):
    monkeypatch.setattr(hf, "SYSTEMD_DIRS", (str(tmp_path / "systemd"),))
    host_units["calls"].clear()
    failed, written = run_module(notebook_instance_controls, dict(controls(tmp_path), record_path=paths["record_path"]))
    assert not failed and written["changed"] and not written["build_needed"]
    assert written["notebook_instance"]["NotebookInstanceName"] == "nb-1"
    assert written["changed_files"] == [str(tmp_path / "systemd" / "nb-start.service"),
                                        str(tmp_path / "libexec" / "helper")] + library_paths(tmp_path / "libexec")
    assert written["changed_units"] == []
    assert (tmp_path / "systemd" / "nb-start.service").read_text() == "[Unit]\n"
    assert stat.S_IMODE(os.stat(tmp_path / "libexec" / "helper").st_mode) == 0o755
    assert all(stat.S_IMODE(os.stat(path).st_mode) == 0o644 for path in library_paths(tmp_path / "libexec"))
    assert host_units["calls"] == [["systemctl", "daemon-reload"],
                                   ["systemctl", "is-enabled", "--quiet", "idle.timer"],
                                   ["systemctl", "is-active", "--quiet", "idle.timer"]]
    started = run_module(notebook_instance, dict(paths, state="started"))[1]
    assert started["changed"] and started["notebook_instance"]["NotebookInstanceStatus"] == "InService"
    assert host_units["calls"][-1] == ["systemctl", "start", "sagebox-notebook-instance-start.service"]
    again = run_module(notebook_instance_controls, dict(controls(tmp_path), record_path=paths["record_path"]))[1]
    assert not again["changed"] and again["changed_files"] == []


def test_controls_in_check_mode_write_nothing(run_module, paths, host_units, tmp_path, stopped):
    host_units["calls"].clear()
    args = controls(tmp_path, units=[{"name": "idle.timer", "enabled": True}])
    failed, result = run_module(notebook_instance_controls, dict(args, record_path=paths["record_path"],
                                                                 _ansible_check_mode=True))
    assert not failed and result["changed"] and len(result["changed_files"]) == 2 + len(library_paths(""))
    assert result["changed_units"] == ["idle.timer"]
    assert not (tmp_path / "systemd").exists() and not (tmp_path / "libexec").exists()
    assert host_units["calls"] == [["systemctl", "is-enabled", "--quiet", "idle.timer"]]


@pytest.mark.parametrize(("name", "message"), [
    ("nb-2", "name 'nb-2': this host holds notebook instance 'nb-1', not this one: name it, or leave the name out"),
])
def test_controls_of_another_instance_are_not_written(run_module, paths, host_units, tmp_path, stopped, name, message):
    host_units["calls"].clear()
    failed, result = run_module(notebook_instance_controls, dict(controls(tmp_path), name=name,
                                                                 record_path=paths["record_path"]))
    assert failed and result["msg"] == message
    assert not (tmp_path / "systemd").exists() and not (tmp_path / "libexec").exists() and host_units["calls"] == []


def test_controls_need_the_hosts_instance(run_module, paths, host_units, tmp_path):
    failed, result = run_module(notebook_instance_controls, dict(controls(tmp_path), record_path=paths["record_path"]))
    assert failed and result["msg"].startswith("this host holds no notebook instance: create one first")
    assert not (tmp_path / "systemd").exists() and not (tmp_path / "libexec").exists() and host_units["calls"] == []


def test_a_controls_mode_that_is_not_octal_is_refused_first(run_module, paths, tmp_path, stopped):
    bad = controls(tmp_path)
    bad["files"][1]["mode"] = "rwx"
    failed, result = run_module(notebook_instance_controls, dict(bad, record_path=paths["record_path"]))
    assert failed and result["msg"] == "files: %s: mode 'rwx' is not an octal mode such as 0644" % bad["files"][1]["path"]
    assert not (tmp_path / "systemd").exists() and not (tmp_path / "libexec").exists()


def test_a_pending_build_writes_nothing(run_module, paths, host_units, tmp_path, stopped):
    """While an update's build marker is there, the build writes the controls (and the role starts nothing)."""
    host_units["calls"].clear()
    marker = tmp_path / "rebuild"
    marker.write_text('["RootAccess"]\n')
    args = dict(controls(tmp_path), record_path=paths["record_path"], build_marker=str(marker))
    failed, result = run_module(notebook_instance_controls, args)
    assert not failed and result["build_needed"] and not result["changed"] and result["changed_files"] == []
    assert result["notebook_instance"]["NotebookInstanceStatus"] == "Stopped"
    assert not (tmp_path / "systemd").exists() and not (tmp_path / "libexec").exists() and host_units["calls"] == []
    marker.unlink()
    failed, result = run_module(notebook_instance_controls, args)
    assert not failed and not result["build_needed"] and result["changed"]
    assert (tmp_path / "systemd" / "nb-start.service").exists()


def test_library_files_are_the_modules_own_code(tmp_path):
    files = notebook_instance_controls.library_files(str(tmp_path))
    assert [spec["path"] for spec in files] == library_paths(tmp_path)
    assert all((spec["owner"], spec["group"], spec["mode"]) == ("root", "root", "0644") for spec in files)
    plugins = os.path.join(os.path.dirname(notebook_instance_controls.__file__), "..", "module_utils")
    for spec in files[5:]:
        with open(os.path.join(plugins, os.path.basename(spec["path"])), encoding="utf-8") as handle:
            assert spec["content"] == handle.read()
    assert all(spec["content"] == "" for spec in files[:5])


HELPER = textwrap.dedent("""
    import json, os, sys
    library, record_path, metadata_path = sys.argv[1:]
    sys.path.insert(0, library)  # as the helpers do, with their own directory
    from ansible_collections.sagebox.notebook.plugins.module_utils import record, status
    from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RecordError, RequestError
    assert record.__file__.startswith(library + os.sep), record.__file__
    assert not any(".cache" in entry for entry in sys.path), sys.path
    assert not any(name == "ansible" or name.startswith("ansible.") for name in sys.modules)
    try:
        record.find_instance(record_path)
    except RecordError as exc:
        empty = str(exc)
    record.save_record(record.new_record("nb-1", "arn:x", {}, 0), record_path)
    served = record.record_status(record_path, "InService", 10, metadata_path=metadata_path)
    try:
        record.record_status(record_path, "Stopped", 20, allowed_from={"Stopping"})
    except RequestError as exc:
        refused = str(exc)
    failed = record.record_status(record_path, "Failed", 30, "x" * 2000, metadata_path)
    print(json.dumps({"empty": empty, "served": served["NotebookInstanceStatus"], "refused": refused,
                      "found": record.find_instance(record_path, "nb-1")["NotebookInstanceStatus"],
                      "reason": len(failed["FailureReason"]), "statuses": list(status.STATUSES)}))
""")


def test_the_library_written_imports_and_works_on_its_own(run_module, paths, tmp_path, stopped):
    """The helpers' library, as the module writes it, imports without the collection or Ansible on the path."""
    library = tmp_path / "libexec"
    failed, result = run_module(notebook_instance_controls, dict(controls(tmp_path), record_path=paths["record_path"]))
    assert not failed
    python = shutil.which("python3") or sys.executable
    run = subprocess.run(
        [python, "-I", "-c", HELPER, str(library), str(tmp_path / "host" / "record.json"),
         str(tmp_path / "host" / "metadata" / "resource-metadata.json")],
        cwd=str(tmp_path), capture_output=True, text=True, check=False, env={"PATH": os.environ.get("PATH", "")},
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["empty"].startswith("this host holds no notebook instance")
    assert out["served"] == "InService" and out["refused"] == "the instance is InService"
    assert out["found"] == "Failed" and out["reason"] == 1024
    assert out["statuses"][0] == "Pending"
    with open(tmp_path / "host" / "metadata" / "notebook-instance.json", encoding="utf-8") as handle:
        assert json.load(handle)["NotebookInstanceStatus"] == "Failed"
    assert stat.S_IMODE(os.stat(tmp_path / "host" / "record.json").st_mode) == 0o600
