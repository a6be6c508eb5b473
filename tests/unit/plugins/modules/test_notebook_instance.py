from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance, notebook_instance_status

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
    assert result["status_before"] == "" and result["updated_fields"] == []
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


def record_status(run_module, paths, status, **args):
    """A step of the role's operations, as the role records it (sagebox.notebook.notebook_instance_status)."""
    failed, result = run_module(notebook_instance_status, dict(
        name="nb-1", status=status, record_path=paths["record_path"], metadata_path=paths["metadata_path"], **args))
    assert not failed, result
    return result


def test_a_create_run_again_leaves_a_built_instance_and_builds_a_failed_one_again(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    record_status(run_module, paths, "InService")
    again = run_module(notebook_instance, dict(paths, name="nb-1"))[1]
    assert not again["changed"] and again["notebook_instance"]["NotebookInstanceStatus"] == "InService"
    assert again["status_before"] == "InService"
    record_status(run_module, paths, "Failed", failure_reason="x" * 2000)
    retried = run_module(notebook_instance, dict(paths, name="nb-1"))[1]
    assert retried["changed"] and retried["notebook_instance"]["NotebookInstanceStatus"] == "Pending"
    assert "FailureReason" not in retried["notebook_instance"] and retried["status_before"] == "Failed"


def test_one_instance_per_host(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    failed, result = run_module(notebook_instance, dict(paths, name="nb-2"))
    assert failed
    assert "'nb-2'" in result["msg"] and "already holds notebook instance 'nb-1'" in result["msg"]


def test_changed_request_is_an_update(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    before = open(paths["record_path"], encoding="utf-8").read()
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", volume_size_in_gb=6))
    assert failed and result["msg"] == ("notebook instance 'nb-1' is Pending: an update is not allowed then; "
                                        "stop it first: an update needs the instance Stopped")
    assert open(paths["record_path"], encoding="utf-8").read() == before


def status_of(result):
    return result["notebook_instance"]["NotebookInstanceStatus"]


def serving(run_module, paths, **args):
    run_module(notebook_instance, dict(paths, name="nb-1", **args))
    return record_status(run_module, paths, "InService")


def test_stop_start_cycle(run_module, paths, host_units):
    serving(run_module, paths)
    stopped = run_module(notebook_instance, dict(paths, name="nb-1", state="stopped", _ansible_diff=True))[1]
    assert stopped["changed"] and status_of(stopped) == "Stopped" and stopped["status_before"] == "InService"
    assert stopped["diff"]["before"]["NotebookInstanceStatus"] == "InService"
    assert host_units["calls"] == [["systemctl", "start", "sagebox-notebook-instance-stop.service"]]
    again = run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))[1]
    assert not again["changed"] and status_of(again) == "Stopped" and len(host_units["calls"]) == 1
    assert again["status_before"] == "Stopped"
    started = run_module(notebook_instance, dict(paths, name="nb-1", state="started", start_unit="nb-start.service"))[1]
    assert started["changed"] and status_of(started) == "InService"
    assert host_units["calls"][-1] == ["systemctl", "start", "nb-start.service"]
    noop = run_module(notebook_instance, dict(paths, name="nb-1", state="started"))[1]
    assert not noop["changed"] and len(host_units["calls"]) == 2


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
    assert failed and result["msg"] == "name 'nb-2': this host holds notebook instance 'nb-1', not this one: name it, or leave the name out"
    assert host_units["calls"] == []


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


def test_present_without_a_name_on_an_empty_host_says_what_to_do(run_module, paths):
    """Without a name, present is the host's one instance too: on an empty host there is none to update."""
    failed, result = run_module(notebook_instance, dict(paths, state="present"))
    assert failed and result["msg"] == (
        "this host holds no notebook instance: create one first: ansible-playbook -i INVENTORY "
        "sagebox.notebook.create_notebook_instance -e notebook_instance_name=NAME")
    assert not any(os.path.exists(p) for p in paths.values())


def test_present_and_absent_without_a_name_act_on_the_hosts_instance(run_module, paths):
    serving(run_module, paths)
    same = run_module(notebook_instance, dict(paths))[1]
    assert not same["changed"] and same["notebook_instance_name"] == "nb-1" and same["status_before"] == "InService"
    refused = run_module(notebook_instance, dict(paths, state="absent"))
    assert refused[0] and "is InService: state=absent is not allowed" in refused[1]["msg"]
    run_module(notebook_instance, dict(paths, state="stopped"))
    updated = run_module(notebook_instance, dict(paths, volume_size_in_gb=6))[1]
    assert updated["changed"] and updated["updated_fields"] == ["VolumeSizeInGB"] and status_of(updated) == "Updating"
    record_status(run_module, paths, "Stopped")
    gone = run_module(notebook_instance, dict(paths, state="absent"))[1]
    assert gone["changed"] and gone["notebook_instance_name"] == "nb-1" and not os.path.exists(paths["record_path"])


def test_an_update_is_state_present(run_module, paths):
    """state=updated is gone: an update is state=present naming other values on the Stopped instance."""
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", state="updated"))
    assert failed and "value of state must be one of: present, started, stopped, absent, got: updated" in result["msg"]
    assert not os.path.exists(paths["record_path"])


@pytest.mark.parametrize("option, value", [
    ("status", "InService"),            # sagebox.notebook.notebook_instance_status
    ("failure_reason", "x"),            # sagebox.notebook.notebook_instance_status
    ("controls", {"files": []}),        # sagebox.notebook.notebook_instance_controls
    ("build_marker", "/tmp/rebuild"),   # sagebox.notebook.notebook_instance_controls
])
def test_the_role_steps_options_are_other_modules_now(run_module, paths, option, value):
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", **{option: value}))
    assert failed and "Unsupported parameters" in result["msg"] and option in result["msg"]
    assert not os.path.exists(paths["record_path"])


def test_update_only_when_stopped(run_module, paths):
    serving(run_module, paths)
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", volume_size_in_gb=8))
    assert failed and result["msg"] == ("notebook instance 'nb-1' is InService: an update is not allowed then; "
                                        "stop it first: an update needs the instance Stopped")
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    updating = run_module(notebook_instance, dict(
        paths, name="nb-1", volume_size_in_gb=8, root_access="Disabled", instance_type="ml.c5.xlarge",
        additional_code_repositories=["https://git.example/a.git"]))[1]
    described = updating["notebook_instance"]
    assert updating["changed"] and described["NotebookInstanceStatus"] == "Updating"
    assert updating["status_before"] == "Stopped"
    assert updating["updated_fields"] == ["AdditionalCodeRepositories", "InstanceType", "RootAccess", "VolumeSizeInGB"]
    assert described["VolumeSizeInGB"] == 8 and described["RootAccess"] == "Disabled"
    assert described["InstanceType"] == "ml.c5.xlarge"
    stopped = record_status(run_module, paths, "Stopped")
    assert status_of(stopped) == "Stopped"
    same = run_module(notebook_instance, dict(paths, name="nb-1", volume_size_in_gb=8))[1]
    assert not same["changed"] and status_of(same) == "Stopped" and same["updated_fields"] == []
    dropped = run_module(notebook_instance, dict(paths, name="nb-1", additional_code_repositories=[]))
    assert "AdditionalCodeRepositories" not in dropped[1]["notebook_instance"]
    assert dropped[1]["updated_fields"] == ["AdditionalCodeRepositories"]


def test_an_update_in_check_mode_writes_nothing(run_module, paths):
    serving(run_module, paths)
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    before = open(paths["record_path"], encoding="utf-8").read()
    result = run_module(notebook_instance, dict(paths, name="nb-1", volume_size_in_gb=9, _ansible_check_mode=True))[1]
    assert result["changed"] and result["updated_fields"] == ["VolumeSizeInGB"] and status_of(result) == "Updating"
    assert open(paths["record_path"], encoding="utf-8").read() == before


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
    before = open(paths["record_path"], encoding="utf-8").read()
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", **args))
    assert failed and message in result["msg"]
    assert open(paths["record_path"], encoding="utf-8").read() == before


def test_delete_only_when_stopped_or_failed(run_module, paths):
    serving(run_module, paths)
    # The presign key the jupyter role made, and a file the delete does not own.
    os.makedirs(paths["secrets_dir"])
    for secret in ("presign-key.pem", "other"):
        open(os.path.join(paths["secrets_dir"], secret), "wb").close()
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", state="absent"))
    assert failed and "is InService: state=absent is not allowed" in result["msg"]
    assert os.path.exists(paths["record_path"])
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    deleting = record_status(run_module, paths, "Deleting")
    assert status_of(deleting) == "Deleting"
    description = os.path.join(os.path.dirname(paths["metadata_path"]), "notebook-instance.json")
    assert os.path.exists(description)
    gone = run_module(notebook_instance, dict(paths, name="nb-1", state="absent", _ansible_diff=True))[1]
    assert gone["changed"] and gone["notebook_instance"] == {} and gone["diff"]["after"] == {}
    assert gone["status_before"] == "Deleting"
    assert not any(os.path.exists(p) for p in (paths["record_path"], paths["metadata_path"], description))
    assert os.listdir(paths["secrets_dir"]) == ["other"]
    again = run_module(notebook_instance, dict(paths, name="nb-1", state="absent"))[1]
    assert not again["changed"] and again["status_before"] == ""


def test_failed_instance_can_be_deleted_and_started(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    record_status(run_module, paths, "Failed", failure_reason="OnStart timed out")
    started = run_module(notebook_instance, dict(paths, name="nb-1", state="started"))[1]
    assert status_of(started) == "InService" and "FailureReason" not in started["notebook_instance"]
    record_status(run_module, paths, "Failed", failure_reason="again")
    gone = run_module(notebook_instance, dict(paths, name="nb-1", state="absent"))[1]
    assert gone["changed"] and not os.path.exists(paths["record_path"])


@pytest.mark.parametrize(
    ("status", "args", "message"),
    [
        ("Pending", {"state": "stopped"}, "is Pending: state=stopped is not allowed"),
        ("InService", {"state": "started", "volume_size_in_gb": 9},
         "notebook instance 'nb-1' has other VolumeSizeInGB: changing them is an update (state=present on the "
         "Stopped instance), not state=started"),
        ("InService", {"state": "stopped", "root_access": "Disabled"}, "has other RootAccess: changing them is an update"),
        ("Failed", {"volume_size_in_gb": 9}, "is Failed: an update is not allowed then"),
    ],
)
def test_transitions_outside_sagemakers_rules_are_refused(run_module, paths, host_units, status, args, message):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    if status == "InService":
        record_status(run_module, paths, "InService")
    if status == "Failed":
        record_status(run_module, paths, "Failed", failure_reason="x")
    before = open(paths["record_path"], encoding="utf-8").read()
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", **args))
    assert failed and message in result["msg"]
    assert open(paths["record_path"], encoding="utf-8").read() == before
    assert host_units["calls"] == []


def test_stopped_instance_is_not_recreated(run_module, paths):
    serving(run_module, paths)
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    before = open(paths["record_path"], encoding="utf-8").read()
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1"))
    assert not failed and not result["changed"] and result["updated_fields"] == []
    assert status_of(result) == "Stopped" and result["status_before"] == "Stopped"
    assert open(paths["record_path"], encoding="utf-8").read() == before


@pytest.mark.parametrize("status", ["Stopping", "Deleting"])
def test_present_is_refused_while_an_operation_runs(run_module, paths, status):
    serving(run_module, paths)
    if status == "Stopping":
        record_status(run_module, paths, "Stopping")
    else:
        run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
        record_status(run_module, paths, "Deleting")
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1"))
    assert failed and result["msg"].startswith("notebook instance 'nb-1' is %s: state=present is not allowed then" % status)


def test_a_new_url_is_recorded_without_an_update(run_module, paths):
    serving(run_module, paths, url="h:1")
    run_module(notebook_instance, dict(paths, name="nb-1", state="stopped"))
    result = run_module(notebook_instance, dict(paths, name="nb-1", url="h:2"))[1]
    assert result["changed"] and result["updated_fields"] == [] and status_of(result) == "Stopped"
    assert result["notebook_instance"]["Url"] == "h:2"


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


def test_absent_without_a_name_on_an_empty_host_is_done_already(run_module, paths):
    """Delete is idempotent: with no instance on the host, there is nothing to delete."""
    failed, result = run_module(notebook_instance, dict(paths, state="absent"))
    assert not failed and not result["changed"] and result["notebook_instance_name"] == ""
    assert not any(os.path.exists(p) for p in paths.values())


def test_controls_refuse_an_instance_being_deleted(run_module, paths, tmp_path):
    """The controls bring an instance up; one that is Deleting gets none written."""
    from ansible_collections.sagebox.notebook.plugins.module_utils import record, status
    from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance_controls

    run_module(notebook_instance, dict(paths, name="nb-1"))
    saved = record.load_record(paths["record_path"])
    record.save_record(status.with_status(saved, "Deleting", 0), paths["record_path"])
    unit = tmp_path / "unit.service"
    failed, result = run_module(notebook_instance_controls, {
        "record_path": paths["record_path"], "library_dir": str(tmp_path / "helpers"),
        "files": [{"path": str(unit), "content": "x"}]})
    assert failed and "is Deleting: state=started is not allowed then" in result["msg"]
    assert not unit.exists() and not (tmp_path / "helpers").exists()
