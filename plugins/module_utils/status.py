# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A notebook instance's status (NotebookInstanceStatus) and the moves SageMaker allows (stdlib only)."""

from __future__ import annotations

import datetime

from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError

STATUSES = ("Pending", "InService", "Stopping", "Stopped", "Failed", "Deleting", "Updating")
FAILURE_REASON_MAX = 1024

# Which statuses an instance may move to from which, as SageMaker's API allows them
# (a build or a start records Pending, then InService or Failed).
STATUS_FROM = {
    "Pending": {None, "Pending", "Failed", "Stopped"},
    "InService": {"Pending", "InService"},
    "Failed": set(STATUSES),
    "Stopping": {"InService", "Failed", "Stopping"},
    "Stopped": {"Stopping", "Updating", "Stopped"},
    "Updating": {"Stopped", "Updating"},
    "Deleting": {"Stopped", "Failed", "Deleting"},
}

# The operations (the notebook_instance module's end states, and an update) and the statuses they
# may start from.
ACTION_FROM = {
    "present": {None, "Pending", "InService", "Failed"},
    "started": {"Pending", "InService", "Stopped", "Failed"},
    "stopped": {"InService", "Failed", "Stopping", "Stopped"},
    "updated": {"Stopped", "Updating"},
    "absent": {None, "Stopped", "Failed", "Deleting"},
}
ACTION_HINTS = {
    "present": "stop it first to change it (an update needs the instance Stopped), or start it with state=started",
    "started": "wait until it is Stopped, then start it",
    "stopped": "wait until it is InService or Failed, then stop it",
    "updated": "stop it first: an update needs the instance Stopped",
    "absent": "stop it first: only a Stopped or Failed instance can be deleted",
}


def timestamp(now: float) -> str:
    """Return `now` (seconds since the epoch) as an ISO 8601 UTC time, as SageMaker prints them."""
    return datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc).isoformat(timespec="seconds")


def check_failure_reason(reason: str) -> str:
    """Return `reason` cut to SageMaker's FailureReason limit."""
    reason = str(reason)
    return reason if len(reason) <= FAILURE_REASON_MAX else reason[: FAILURE_REASON_MAX - 3] + "..."


def check_action(name: str, action: str, status: str | None) -> None:
    """Raise RequestError when `action` is not allowed on an instance in `status`."""
    if status not in ACTION_FROM[action]:
        raise RequestError(
            "notebook instance %r is %s: %s is not allowed then; %s"
            % (name, status or "absent", "an update" if action == "updated" else "state=" + action,
               ACTION_HINTS[action])
        )


def check_status_change(name: str, current: str | None, status: str) -> None:
    """Raise RequestError when an instance may not move from `current` to `status`."""
    if current not in STATUS_FROM[status]:
        raise RequestError(
            "notebook instance %r is %s and cannot become %s (allowed from: %s)"
            % (name, current or "absent", status, ", ".join(sorted(s or "absent" for s in STATUS_FROM[status])))
        )


def with_status(record: dict, status: str, now: float, reason: str | None = None) -> dict:
    """Return a copy of `record` in `status` (with FailureReason when Failed)."""
    if status not in STATUSES:
        raise RequestError("status %r must be one of %s" % (status, ", ".join(STATUSES)))
    updated = dict(record)
    if status == "Failed":
        reason = check_failure_reason(reason or "unknown failure")
    if updated.get("NotebookInstanceStatus") != status or (status == "Failed" and updated.get("FailureReason") != reason):
        updated["NotebookInstanceStatus"] = status
        updated["LastModifiedTime"] = timestamp(now)
    if status == "Failed":
        updated["FailureReason"] = reason
    else:
        updated.pop("FailureReason", None)
    return updated
