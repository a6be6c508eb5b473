from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance


def test_create_records_pending_writes_metadata_and_secrets(run_module, paths):
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
    for secret in ("signing-key", "cookie-secret"):
        path = os.path.join(paths["secrets_dir"], secret)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert len(open(path, encoding="ascii").read().strip()) == 64
    assert stat.S_IMODE(os.stat(paths["record_path"]).st_mode) == 0o600


def test_second_run_changes_nothing(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    key = open(os.path.join(paths["secrets_dir"], "signing-key"), encoding="ascii").read()
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1"))
    assert not failed and not result["changed"]
    assert open(os.path.join(paths["secrets_dir"], "signing-key"), encoding="ascii").read() == key


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
