# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ListNotebookInstances' summaries and the volume's use, for notebook_instance_info (stdlib only)."""

from __future__ import annotations

import os

from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError

SORT_KEYS = {"Name": "NotebookInstanceName", "CreationTime": "CreationTime", "Status": "NotebookInstanceStatus"}
SUMMARY_FIELDS = (
    "NotebookInstanceName", "NotebookInstanceArn", "NotebookInstanceStatus", "Url", "InstanceType",
    "CreationTime", "LastModifiedTime", "NotebookInstanceLifecycleConfigName", "DefaultCodeRepository",
    "AdditionalCodeRepositories",
)


def summary(record: dict) -> dict:
    """Return a record as ListNotebookInstances summarises it."""
    return {k: record[k] for k in SUMMARY_FIELDS if record.get(k) not in (None, "", [])}


def list_instances(records, name_contains=None, status_equals=None, sort_by="Name", sort_order="Ascending") -> list:
    """Return the summaries of `records` that pass the filters, sorted as ListNotebookInstances sorts."""
    if sort_by not in SORT_KEYS:
        raise RequestError("sort_by %r must be one of %s" % (sort_by, ", ".join(SORT_KEYS)))
    kept = [
        r for r in records
        if (not name_contains or name_contains in r["NotebookInstanceName"])
        and (not status_equals or r["NotebookInstanceStatus"] == status_equals)
    ]
    kept.sort(key=lambda r: r.get(SORT_KEYS[sort_by], ""), reverse=sort_order == "Descending")
    return [summary(r) for r in kept]


def volume_usage(path: str) -> dict | None:
    """Return the use of the file system holding `path` (bytes, as an unprivileged user sees it), or None."""
    try:
        stat = os.statvfs(path)
    except OSError:
        return None
    size = stat.f_blocks * stat.f_frsize
    used = (stat.f_blocks - stat.f_bfree) * stat.f_frsize
    available = stat.f_bavail * stat.f_frsize
    # As df computes Use%: of what is usable without the root reserve.
    usable = used + available
    return {
        "path": path,
        "mounted": os.path.ismount(path),
        "size_bytes": size,
        "used_bytes": used,
        "available_bytes": available,
        "used_percent": round(100.0 * used / usable, 1) if usable else 100.0,
    }
