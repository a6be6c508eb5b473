from __future__ import annotations

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import record, status
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError


def test_failure_reason_is_cut_to_1024():
    assert len(status.check_failure_reason("x" * 5000)) == 1024
    assert status.check_failure_reason("short") == "short"


def test_status_changes_and_failure_reason():
    created = record.new_record("nb", "arn", {}, 0)
    assert created["NotebookInstanceStatus"] == "Pending"
    failed = status.with_status(created, "Failed", 10, "disk full")
    assert failed["FailureReason"] == "disk full" and failed["LastModifiedTime"] != created["LastModifiedTime"]
    served = status.with_status(failed, "InService", 20)
    assert "FailureReason" not in served
    assert status.with_status(served, "InService", 30) == served
    with pytest.raises(RequestError, match="must be one of"):
        status.with_status(created, "Running", 0)


@pytest.mark.parametrize(("action", "current", "message"), [
    ("updated", "InService", "notebook instance 'nb' is InService: an update is not allowed then; "
                             "stop it first: an update needs the instance Stopped"),
    ("absent", "InService", "notebook instance 'nb' is InService: state=absent is not allowed then; "
                            "stop it first: only a Stopped or Failed instance can be deleted"),
    ("started", None, "notebook instance 'nb' is absent: state=started is not allowed then"),
])
def test_an_action_outside_its_statuses_names_the_status_and_what_to_do(action, current, message):
    with pytest.raises(RequestError) as exc:
        status.check_action("nb", action, current)
    assert str(exc.value).startswith(message)


@pytest.mark.parametrize(("action", "current"), [
    ("present", None), ("present", "Failed"), ("updated", "Stopped"), ("updated", "Updating"),
    ("started", "Stopped"), ("stopped", "InService"), ("absent", None), ("absent", "Failed"),
])
def test_actions_allowed(action, current):
    status.check_action("nb", action, current)


def test_status_changes_follow_sagemakers_rules():
    status.check_status_change("nb", "Updating", "Stopped")
    with pytest.raises(RequestError) as exc:
        status.check_status_change("nb", "Pending", "Stopped")
    assert str(exc.value) == ("notebook instance 'nb' is Pending and cannot become Stopped "
                              "(allowed from: Stopped, Stopping, Updating)")


@pytest.mark.parametrize("reason", ["x" * 2000, None])
def test_the_same_failure_again_changes_nothing(reason):
    failed = status.with_status(record.new_record("nb", "arn", {}, 0), "Failed", 10, reason)
    assert status.with_status(failed, "Failed", 20, reason) == failed
    other = status.with_status(failed, "Failed", 20, "disk full")
    assert other["FailureReason"] == "disk full" and other["LastModifiedTime"] != failed["LastModifiedTime"]
