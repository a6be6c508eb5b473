"""notebook_instance_status: the steps the notebook_instance role records (the status and failure_reason
that notebook_instance took before)."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance, notebook_instance_status


def record_status(run_module, paths, status, name="nb-1", **args):
    return run_module(notebook_instance_status, dict(
        name=name, status=status, record_path=paths["record_path"], metadata_path=paths["metadata_path"], **args))


def status_of(result):
    return result["notebook_instance"]["NotebookInstanceStatus"]


def description(paths) -> dict:
    with open(os.path.join(os.path.dirname(paths["metadata_path"]), "notebook-instance.json"), encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture
def created(run_module, paths):
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1"))
    assert not failed and status_of(result) == "Pending"


def test_status_transitions(run_module, paths, created):
    failed, served = record_status(run_module, paths, "InService")
    assert not failed and served["changed"] and status_of(served) == "InService"
    assert description(paths)["NotebookInstanceStatus"] == "InService"
    again = record_status(run_module, paths, "InService")[1]
    assert not again["changed"] and status_of(again) == "InService"
    failed, result = record_status(run_module, paths, "Failed", failure_reason="x" * 2000)
    assert not failed and status_of(result) == "Failed"
    assert len(result["notebook_instance"]["FailureReason"]) == 1024
    assert description(paths)["FailureReason"] == result["notebook_instance"]["FailureReason"]
    # A create run again builds a Failed instance again (notebook_instance), and the build records its steps.
    retried = run_module(notebook_instance, dict(paths, name="nb-1"))[1]
    assert status_of(retried) == "Pending" and "FailureReason" not in retried["notebook_instance"]
    served = record_status(run_module, paths, "InService")[1]
    assert status_of(served) == "InService" and "FailureReason" not in description(paths)


def test_failed_needs_a_reason(run_module, paths, created):
    failed, result = record_status(run_module, paths, "Failed")
    assert failed and result["msg"] == "status is Failed but all of the following are missing: failure_reason"
    assert json.load(open(paths["record_path"], encoding="utf-8"))["NotebookInstanceStatus"] == "Pending"


@pytest.mark.parametrize(
    ("steps", "status", "message"),
    [
        ([], "Stopped", "notebook instance 'nb-1' is Pending and cannot become Stopped (allowed from: Stopped, "
                        "Stopping, Updating)"),
        (["InService"], "Updating", "is InService and cannot become Updating"),
        (["InService"], "Deleting", "is InService and cannot become Deleting"),
        (["InService", "Stopping", "Stopped"], "InService", "is Stopped and cannot become InService"),
    ],
)
def test_transitions_outside_sagemakers_rules_are_refused(run_module, paths, created, steps, status, message):
    for step in steps:
        assert not record_status(run_module, paths, step)[0]
    before = open(paths["record_path"], encoding="utf-8").read()
    failed, result = record_status(run_module, paths, status)
    assert failed and message in result["msg"]
    assert open(paths["record_path"], encoding="utf-8").read() == before


def test_an_operations_steps(run_module, paths, created):
    """A stop, an update and a delete, as the role records them."""
    for step in ("InService", "Stopping", "Stopped", "Updating", "Stopped", "Deleting"):
        failed, result = record_status(run_module, paths, step)
        assert not failed and result["changed"] and status_of(result) == step


def test_a_step_is_the_hosts_instance(run_module, paths):
    failed, result = record_status(run_module, paths, "InService")
    assert failed and result["msg"].startswith("this host holds no notebook instance: create one first")
    assert not os.path.exists(paths["record_path"])
    run_module(notebook_instance, dict(paths, name="nb-1"))
    before = open(paths["record_path"], encoding="utf-8").read()
    failed, result = record_status(run_module, paths, "InService", name="nb-2")
    assert failed and result["msg"] == "name 'nb-2': this host holds notebook instance 'nb-1', not this one: name it, or leave the name out"
    assert open(paths["record_path"], encoding="utf-8").read() == before


def test_check_mode_writes_nothing(run_module, paths, created):
    before = open(paths["record_path"], encoding="utf-8").read()
    failed, result = record_status(run_module, paths, "InService", _ansible_check_mode=True)
    assert not failed and result["changed"] and status_of(result) == "InService"
    assert open(paths["record_path"], encoding="utf-8").read() == before
    assert description(paths)["NotebookInstanceStatus"] == "Pending"


def test_check_mode_after_a_create_in_the_same_run_counts_it_pending(run_module, paths):
    """In a check run the create recorded nothing: the build's first step sees the instance Pending."""
    failed, result = record_status(run_module, paths, "InService", _ansible_check_mode=True)
    assert not failed and result["changed"] and status_of(result) == "InService"
    failed, result = record_status(run_module, paths, "Stopped", _ansible_check_mode=True)
    assert failed and "is Pending and cannot become Stopped" in result["msg"]
    assert not any(os.path.exists(p) for p in paths.values())


def test_the_resource_metadata_is_published_with_the_record(run_module, paths, created):
    os.unlink(paths["metadata_path"])
    failed, result = record_status(run_module, paths, "Pending")
    assert not failed and result["changed"]
    with open(paths["metadata_path"], encoding="utf-8") as handle:
        assert json.load(handle)["ResourceName"] == "nb-1"
    assert not record_status(run_module, paths, "Pending")[1]["changed"]


def test_the_same_failure_recorded_again_changes_nothing(run_module, paths, created):
    first = record_status(run_module, paths, "Failed", failure_reason="x" * 2000)[1]
    record = open(paths["record_path"], encoding="utf-8").read()
    again = record_status(run_module, paths, "Failed", failure_reason="x" * 2000)[1]
    assert not again["changed"] and again["notebook_instance"] == first["notebook_instance"]
    assert open(paths["record_path"], encoding="utf-8").read() == record
