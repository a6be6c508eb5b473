from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import host_files as hf
from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance

pytestmark = pytest.mark.usefixtures("host_units")


def test_create_records_pending_and_writes_metadata(run_module, paths):
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", tags={"team": "ml"}, url="h:8443"))
    assert not failed and result["changed"]
    described = result["notebook_instance"]
    assert described["NotebookInstanceStatus"] == "Pending"
    assert described["VolumeSizeInGB"] == 5 and described["RootAccess"] == "Enabled"
    assert described["Tags"] == [{"Key": "team", "Value": "ml"}]
    assert result["notebook_instance_arn"].startswith("arn:sagebox:sagemaker:local:")
    assert result["notebook_instance_arn"].endswith(":notebook-instance/nb-1")
    with open(paths["metadata_path"], encoding="utf-8") as handle:
        assert json.load(handle) == {"ResourceArn": result["notebook_instance_arn"], "ResourceName": "nb-1"}
    # The jupyter role makes the secrets, not the module.
    assert not os.path.exists(paths["secrets_dir"])
    assert stat.S_IMODE(os.stat(paths["record_path"]).st_mode) == 0o600


def test_second_run_changes_nothing(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    record = open(paths["record_path"], encoding="utf-8").read()
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1"))
    assert not failed and not result["changed"]
    assert open(paths["record_path"], encoding="utf-8").read() == record


def test_check_mode_writes_nothing(run_module, paths):
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", _ansible_check_mode=True))
    assert not failed and result["changed"]
    assert not any(os.path.exists(p) for p in paths.values())


def test_diff_shows_the_record(run_module, paths):
    result = run_module(notebook_instance, dict(paths, name="nb-1", _ansible_diff=True))[1]
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["NotebookInstanceName"] == "nb-1"


def test_status_transitions(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    served = run_module(notebook_instance, dict(paths, name="nb-1", status="InService"))[1]
    assert served["changed"] and served["notebook_instance"]["NotebookInstanceStatus"] == "InService"
    again = run_module(notebook_instance, dict(paths, name="nb-1"))[1]
    assert not again["changed"] and again["notebook_instance"]["NotebookInstanceStatus"] == "InService"
    failed = run_module(notebook_instance, dict(paths, name="nb-1", status="Failed", failure_reason="x" * 2000))[1]
    assert failed["notebook_instance"]["NotebookInstanceStatus"] == "Failed"
    assert len(failed["notebook_instance"]["FailureReason"]) == 1024
    retried = run_module(notebook_instance, dict(paths, name="nb-1"))[1]
    assert retried["changed"] and retried["notebook_instance"]["NotebookInstanceStatus"] == "Pending"
    assert "FailureReason" not in retried["notebook_instance"]


def test_failed_needs_a_reason(run_module, paths):
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", status="Failed"))
    assert failed and "failure_reason" in result["msg"]


def test_one_instance_per_host(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    failed, result = run_module(notebook_instance, dict(paths, name="nb-2"))
    assert failed
    assert "'nb-2'" in result["msg"] and "already holds notebook instance 'nb-1'" in result["msg"]


def test_changed_request_is_an_update(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", volume_size_in_gb=6))
    assert failed and "VolumeSizeInGB" in result["msg"] and "Stopped" in result["msg"]


def status_of(result):
    return result["notebook_instance"]["NotebookInstanceStatus"]


def serving(run_module, paths, **args):
    run_module(notebook_instance, dict(paths, name="nb-1", **args))
    return run_module(notebook_instance, dict(paths, name="nb-1", status="InService"))[1]


def test_stop_start_cycle(run_module, paths, host_units):
    serving(run_module, paths)
    stopped = run_module(notebook_instance, dict(paths, name="nb-1", state="stopped", _ansible_diff=True))[1]
    assert stopped["changed"] and status_of(stopped) == "Stopped"
    assert stopped["diff"]["before"]["NotebookInstanceStatus"] == "InService"
    assert host_units["calls"] == [["systemctl", "start", "sagebox-notebook-instance-stop.service"]]
    again = run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))[1]
    assert not again["changed"] and status_of(again) == "Stopped" and len(host_units["calls"]) == 1
    started = run_module(notebook_instance, dict(paths, name="nb-1", state="started", start_unit="nb-start.service"))[1]
    assert started["changed"] and status_of(started) == "InService"
    assert host_units["calls"][-1] == ["systemctl", "start", "nb-start.service"]
    noop = run_module(notebook_instance, dict(paths, name="nb-1", state="started"))[1]
    assert not noop["changed"] and len(host_units["calls"]) == 2


def test_a_pending_build_starts_nothing(run_module, paths, host_units, tmp_path):
    serving(run_module, paths)
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    marker = tmp_path / "rebuild"
    marker.write_text('["RootAccess"]\n')
    result = run_module(notebook_instance, dict(paths, name="nb-1", state="started", build_marker=str(marker)))[1]
    assert result["build_needed"] and not result["changed"] and status_of(result) == "Stopped"
    assert len(host_units["calls"]) == 1
    marker.unlink()
    result = run_module(notebook_instance, dict(paths, name="nb-1", state="started", build_marker=str(marker)))[1]
    assert not result["build_needed"] and result["changed"] and status_of(result) == "InService"


def test_end_states_in_check_mode_run_no_unit(run_module, paths, host_units):
    serving(run_module, paths)
    result = run_module(notebook_instance, dict(paths, name="nb-1", state="stopped", _ansible_check_mode=True))[1]
    assert result["changed"] and status_of(result) == "Stopped" and host_units["calls"] == []
    assert json.load(open(paths["record_path"], encoding="utf-8"))["NotebookInstanceStatus"] == "InService"


def test_failed_start_fails_with_the_reason(run_module, paths, host_units):
    serving(run_module, paths)
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    host_units["failure"] = "start: OnStart ran longer than 5 seconds"
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", state="started"))
    assert failed and result["msg"] == (
        "notebook instance 'nb-1' is Failed, not InService: start: OnStart ran longer than 5 seconds "
        "(journalctl -u sagebox-notebook-instance-start.service)")
    assert result["notebook_instance"]["NotebookInstanceStatus"] == "Failed"


def test_end_state_of_another_instance_is_refused(run_module, paths, host_units):
    serving(run_module, paths)
    failed, result = run_module(notebook_instance, dict(paths, name="nb-2", state="stopped"))
    assert failed and "this host holds notebook instance 'nb-1'" in result["msg"] and host_units["calls"] == []


def test_end_states_without_a_name_act_on_the_hosts_instance(run_module, paths, host_units):
    serving(run_module, paths)
    stopped = run_module(notebook_instance, dict(paths, state="stopped"))[1]
    assert stopped["changed"] and status_of(stopped) == "Stopped" and stopped["status_before"] == "InService"
    assert stopped["notebook_instance"]["NotebookInstanceName"] == "nb-1"
    started = run_module(notebook_instance, dict(paths, state="started"))[1]
    assert started["changed"] and status_of(started) == "InService" and started["status_before"] == "Stopped"


def test_end_state_without_a_name_on_an_empty_host_says_what_to_do(run_module, paths, host_units):
    failed, result = run_module(notebook_instance, dict(paths, state="stopped"))
    assert failed and result["msg"] == (
        "this host holds no notebook instance: create one first: ansible-playbook -i INVENTORY "
        "sagebox.notebook.create_notebook_instance -e notebook_instance_name=NAME")
    assert host_units["calls"] == []


@pytest.mark.parametrize("state", ["present", "updated", "absent"])
def test_other_states_need_the_name(run_module, paths, state):
    failed, result = run_module(notebook_instance, dict(paths, state=state))
    assert failed and result["msg"] == "state is %s but all of the following are missing: name" % state
    assert not os.path.exists(paths["record_path"])


def controls(tmp_path, content="[Unit]\n"):
    return {"files": [{"path": str(tmp_path / "systemd" / "nb-start.service"), "content": content},
                      {"path": str(tmp_path / "libexec" / "helper"), "content": "#!/bin/sh\n", "mode": "0755"}],
            "units": [{"name": "idle.timer", "enabled": False, "active": False}]}


def test_a_start_writes_its_controls_then_starts(run_module, paths, host_units, tmp_path, monkeypatch):
    monkeypatch.setattr(hf, "SYSTEMD_DIRS", (str(tmp_path / "systemd"),))
    serving(run_module, paths)
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    host_units["calls"].clear()
    started = run_module(notebook_instance, dict(paths, state="started", controls=controls(tmp_path)))[1]
    assert started["changed"] and status_of(started) == "InService"
    assert started["controls"] == {"changed_files": [str(tmp_path / "systemd" / "nb-start.service"),
                                                     str(tmp_path / "libexec" / "helper")],
                                   "changed_units": [], "daemon_reloaded": True}
    assert (tmp_path / "systemd" / "nb-start.service").read_text() == "[Unit]\n"
    assert stat.S_IMODE(os.stat(tmp_path / "libexec" / "helper").st_mode) == 0o755
    assert host_units["calls"] == [["systemctl", "daemon-reload"],
                                   ["systemctl", "is-enabled", "--quiet", "idle.timer"],
                                   ["systemctl", "is-active", "--quiet", "idle.timer"],
                                   ["systemctl", "start", "sagebox-notebook-instance-start.service"]]
    again = run_module(notebook_instance, dict(paths, state="started", controls=controls(tmp_path)))[1]
    assert not again["changed"] and again["controls"]["changed_files"] == []


def test_controls_in_check_mode_write_nothing(run_module, paths, host_units, tmp_path):
    serving(run_module, paths)
    result = run_module(notebook_instance, dict(paths, state="started", controls=controls(tmp_path), _ansible_check_mode=True))[1]
    assert result["changed"] and len(result["controls"]["changed_files"]) == 2
    assert not (tmp_path / "systemd").exists() and host_units["calls"][-1][1] == "is-active"


@pytest.mark.parametrize(("args", "message"), [
    ({"state": "stopped"}, "controls are written with state=started only, not state=stopped"),
    ({"state": "started", "name": "nb-2"}, "name 'nb-2': this host holds notebook instance 'nb-1', not this one"),
])
def test_controls_of_a_refused_request_are_not_written(run_module, paths, host_units, tmp_path, args, message):
    serving(run_module, paths)
    host_units["calls"].clear()
    failed, result = run_module(notebook_instance, dict(paths, controls=controls(tmp_path), **args))
    assert failed and message in result["msg"]
    assert not (tmp_path / "systemd").exists() and host_units["calls"] == []


def test_a_controls_mode_that_is_not_octal_is_refused_first(run_module, paths, host_units, tmp_path):
    serving(run_module, paths)
    bad = controls(tmp_path)
    bad["files"][1]["mode"] = "rwx"
    failed, result = run_module(notebook_instance, dict(paths, state="started", controls=bad))
    assert failed and result["msg"] == "controls.files: %s: mode 'rwx' is not an octal mode such as 0644" % bad["files"][1]["path"]
    assert not (tmp_path / "systemd").exists()


def test_update_only_when_stopped(run_module, paths):
    serving(run_module, paths)
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", state="updated", volume_size_in_gb=8))
    assert failed and "is InService: state=updated is not allowed" in result["msg"] and "Stopped" in result["msg"]
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    run_module(notebook_instance, dict(paths, name="nb-1", status="Stopped"))
    updating = run_module(notebook_instance, dict(
        paths, name="nb-1", state="updated", volume_size_in_gb=8, root_access="Disabled", instance_type="ml.c5.xlarge",
        additional_code_repositories=["https://git.example/a.git"]))[1]
    described = updating["notebook_instance"]
    assert updating["changed"] and described["NotebookInstanceStatus"] == "Updating"
    assert updating["updated_fields"] == ["AdditionalCodeRepositories", "InstanceType", "RootAccess", "VolumeSizeInGB"]
    assert described["VolumeSizeInGB"] == 8 and described["RootAccess"] == "Disabled"
    assert described["InstanceType"] == "ml.c5.xlarge"
    stopped = run_module(notebook_instance, dict(paths, name="nb-1", status="Stopped"))[1]
    assert status_of(stopped) == "Stopped"
    same = run_module(notebook_instance, dict(paths, name="nb-1", state="updated", volume_size_in_gb=8))[1]
    assert not same["changed"] and status_of(same) == "Stopped"
    dropped = run_module(notebook_instance, dict(paths, name="nb-1", state="updated", additional_code_repositories=[]))
    assert "AdditionalCodeRepositories" not in dropped[1]["notebook_instance"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"volume_size_in_gb": 6}, "volume_size_in_gb 6 is smaller than the volume's 7 GB: a volume only grows"),
        ({"direct_internet_access": "Disabled"}, "DirectInternetAccess cannot be changed once the instance is created"),
        ({"subnet_id": "subnet-1"}, "SubnetId cannot be changed"),
    ],
)
def test_bad_updates_are_refused(run_module, paths, args, message):
    serving(run_module, paths, volume_size_in_gb=7)
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    run_module(notebook_instance, dict(paths, name="nb-1", status="Stopped"))
    before = open(paths["record_path"], encoding="utf-8").read()
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", state="updated", **args))
    assert failed and message in result["msg"]
    assert open(paths["record_path"], encoding="utf-8").read() == before


def test_delete_only_when_stopped_or_failed(run_module, paths):
    serving(run_module, paths)
    # The presign key the jupyter role made, and the secrets of earlier releases.
    os.makedirs(paths["secrets_dir"])
    for secret in ("presign-key.pem", "signing-key", "cookie-secret"):
        open(os.path.join(paths["secrets_dir"], secret), "wb").close()
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", state="absent"))
    assert failed and "is InService: state=absent is not allowed" in result["msg"]
    assert os.path.exists(paths["record_path"])
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    run_module(notebook_instance, dict(paths, name="nb-1", status="Stopped"))
    deleting = run_module(notebook_instance, dict(paths, name="nb-1", status="Deleting"))[1]
    assert status_of(deleting) == "Deleting"
    gone = run_module(notebook_instance, dict(paths, name="nb-1", state="absent", _ansible_diff=True))[1]
    assert gone["changed"] and gone["notebook_instance"] == {} and gone["diff"]["after"] == {}
    assert not any(os.path.exists(p) for p in (paths["record_path"], paths["metadata_path"]))
    assert not os.listdir(paths["secrets_dir"])
    again = run_module(notebook_instance, dict(paths, name="nb-1", state="absent"))[1]
    assert not again["changed"]


def test_failed_instance_can_be_deleted_and_started(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    run_module(notebook_instance, dict(paths, name="nb-1", status="Failed", failure_reason="OnStart timed out"))
    started = run_module(notebook_instance, dict(paths, name="nb-1", state="started"))[1]
    assert status_of(started) == "InService" and "FailureReason" not in started["notebook_instance"]
    run_module(notebook_instance, dict(paths, name="nb-1", status="Failed", failure_reason="again"))
    gone = run_module(notebook_instance, dict(paths, name="nb-1", state="absent"))[1]
    assert gone["changed"] and not os.path.exists(paths["record_path"])


@pytest.mark.parametrize(
    ("status", "args", "message"),
    [
        ("Pending", {"state": "stopped"}, "is Pending: state=stopped is not allowed"),
        ("Pending", {"status": "Stopped"}, "is Pending and cannot become Stopped"),
        ("InService", {"status": "Updating"}, "is InService and cannot become Updating"),
        ("InService", {"state": "stopped", "status": "Stopped"}, "status 'Stopped' is recorded with state=present"),
    ],
)
def test_transitions_outside_sagemakers_rules_are_refused(run_module, paths, status, args, message):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    if status == "InService":
        run_module(notebook_instance, dict(paths, name="nb-1", status="InService"))
    before = open(paths["record_path"], encoding="utf-8").read()
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", **args))
    assert failed and message in result["msg"]
    assert open(paths["record_path"], encoding="utf-8").read() == before


def test_stopped_instance_is_not_recreated(run_module, paths):
    serving(run_module, paths)
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    run_module(notebook_instance, dict(paths, name="nb-1", status="Stopped"))
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1"))
    assert failed and "is Stopped: state=present is not allowed" in result["msg"] and "state=started" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "bad_name"}, "name 'bad_name' must match [a-zA-Z0-9](-*[a-zA-Z0-9])* and be at most 63"),
        ({"name": "n" * 64}, "at most 63 characters"),
        ({"name": "nb", "volume_size_in_gb": 4}, "volume_size_in_gb 4 must be an integer from 5 to 16384"),
        ({"name": "nb", "volume_size_in_gb": 16385}, "volume_size_in_gb 16385"),
        ({"name": "nb", "additional_code_repositories": ["a", "b", "c", "d"]}, "at most 3"),
        ({"name": "nb", "tags": {str(i): "v" for i in range(51)}}, "at most 50"),
        ({"name": "nb", "tags": {"k" * 129: "v"}}, "1 to 128"),
        ({"name": "nb", "tags": {"k": "v" * 257}}, "at most 256"),
        ({"name": "nb", "lifecycle_config_name": "x_y"}, "lifecycle_config_name 'x_y'"),
    ],
)
def test_bad_input_fails_and_leaves_the_host_unchanged(run_module, paths, args, message):
    failed, result = run_module(notebook_instance, dict(paths, **args))
    assert failed and message in result["msg"]
    assert not any(os.path.exists(p) for p in paths.values())


def test_missing_lifecycle_config_is_refused(run_module, paths):
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", lifecycle_config_name="nope"))
    assert failed and "lifecycle_config_name 'nope': no such lifecycle configuration" in result["msg"]
    assert not os.path.exists(paths["record_path"])
