# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The instance record: root's JSON file of the host's notebook instance, under SageMaker's field
names, and what is published from it for code on the instance (stdlib only).

The modules and the host's own helpers (the start and stop units) use this one implementation.
"""

from __future__ import annotations

import json
import os

from ansible_collections.sagebox.notebook.plugins.module_utils import private_files, status
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RecordError, RequestError

# Beside resource-metadata.json, for code on the instance: its own description, tags included,
# readable by every user (no credentials needed). Rewritten with each record change.
DESCRIPTION_FILE = "notebook-instance.json"


def load_record(path: str) -> dict | None:
    """Return the instance record at `path`, or None when there is none.

    Raises RecordError when the file is there but is not a record (damaged, truncated, edited).
    """
    try:
        with open(path, "rb") as handle:
            return parse_record(handle.read(), path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RecordError(_damaged(path, "it cannot be read: %s" % exc)) from exc


def parse_record(content: bytes, path: str) -> dict:
    """The instance record in `content`, read from `path` (named in errors). RecordError when it is not one."""
    try:
        record = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RecordError(_damaged(path, "it cannot be read: %s" % exc)) from exc
    except (ValueError, RecursionError) as exc:
        raise RecordError(_damaged(path, "it is not valid JSON: %s" % exc)) from exc
    if not isinstance(record, dict):
        raise RecordError(_damaged(path, "it holds a JSON %s, not an object" % type(record).__name__))
    for field in ("NotebookInstanceName", "NotebookInstanceStatus"):
        if not isinstance(record.get(field), str):
            raise RecordError(_damaged(path, "its %s is missing or not a string" % field))
    if record["NotebookInstanceStatus"] not in status.STATUSES:
        raise RecordError(_damaged(path, "its NotebookInstanceStatus %r is none of %s"
                                   % (record["NotebookInstanceStatus"], ", ".join(status.STATUSES))))
    return record


def _damaged(path: str, reason: str) -> str:
    return ("the notebook instance record %s is damaged: %s. Restore it from a backup, or remove it and run the "
            "create again (the ML storage volume and its data are kept)" % (path, reason))


def save_record(record: dict, path: str) -> None:
    """Write the instance record durably (root-only)."""
    private_files.write_private_file(path, (json.dumps(record, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def new_record(name: str, arn: str, fields: dict, now: float) -> dict:
    """Return the record of a notebook instance being created (status Pending)."""
    record = {
        "NotebookInstanceName": name,
        "NotebookInstanceArn": arn,
        "NotebookInstanceStatus": "Pending",
        "CreationTime": status.timestamp(now),
        "LastModifiedTime": status.timestamp(now),
    }
    record.update(fields)
    return record


def updated_record(record: dict, changes: dict, now: float) -> dict:
    """Return `record` with `changes` applied; empty values disassociate (remove) a field."""
    updated = dict(record)
    for field, value in changes.items():
        if value in ("", []):
            updated.pop(field, None)
        else:
            updated[field] = value
    updated["LastModifiedTime"] = status.timestamp(now)
    return updated


def describe(record: dict) -> dict:
    """Return a record as DescribeNotebookInstance would, without empty fields."""
    return {k: v for k, v in record.items() if v not in (None, "", [])} if record else {}


def description_path(metadata_path: str) -> str:
    """The description file next to the resource metadata file at `metadata_path`."""
    return os.path.join(os.path.dirname(metadata_path), DESCRIPTION_FILE)


def publish(record: dict, metadata_path: str, check_mode: bool = False) -> bool:
    """Write resource-metadata.json (ResourceArn, ResourceName, as on SageMaker) and the description beside
    it for `record`; return whether one changed."""
    metadata = {"ResourceArn": record["NotebookInstanceArn"], "ResourceName": record["NotebookInstanceName"]}
    changed = private_files.write_public_file(
        metadata_path, (json.dumps(metadata, indent=2, sort_keys=True) + "\n").encode("utf-8"), check_mode)
    description = (json.dumps(describe(record), indent=2, sort_keys=True) + "\n").encode("utf-8")
    return private_files.write_public_file(description_path(metadata_path), description, check_mode) or changed


def record_status(path: str, new_status: str, now: float, reason: str | None = None,
                  metadata_path: str = "", allowed_from=None) -> dict:
    """A step of an operation: the record at `path` in `new_status` (written only when that changes) and
    published beside the resource metadata. Raises RecordError without a record, RequestError when
    `allowed_from` is given and the recorded status is not in it. Returns the record."""
    record = load_record(path)
    if record is None:
        raise RecordError("no notebook instance record at %s" % path)
    if allowed_from is not None and record["NotebookInstanceStatus"] not in allowed_from:
        raise RequestError("the instance is %s" % record["NotebookInstanceStatus"])
    updated = status.with_status(record, new_status, now, reason)
    if updated != record:
        save_record(updated, path)
    if metadata_path:
        publish(updated, metadata_path)
    return updated


def find_instance(path: str, name: str | None = None) -> dict:
    """The host's notebook instance: the one recorded at `path`, which `name`, when given, must name.
    RecordError, saying what to do, when there is none or it is another."""
    return hosts_instance(load_record(path), name)


def hosts_instance(record: dict | None, name: str | None = None) -> dict:
    """find_instance for a record already read (None: there is none)."""
    if record is None:
        raise RecordError("this host holds no notebook instance: create one first: ansible-playbook -i INVENTORY "
                          "sagebox.notebook.create_notebook_instance -e notebook_instance_name=NAME")
    if name and record["NotebookInstanceName"] != name:
        raise RecordError("name %r: this host holds notebook instance %r, not this one: name it, or leave the name out"
                          % (name, record["NotebookInstanceName"]))
    return record


def planned_instance(path: str, name: str | None, check_mode: bool) -> dict:
    """The host's instance, as find_instance finds it; in check mode, with none recorded, the one a create
    earlier in the same run would have recorded (Pending), when `name` names it."""
    record = load_record(path)
    if check_mode and name and record is None:
        return {"NotebookInstanceName": name, "NotebookInstanceStatus": "Pending"}
    return hosts_instance(record, name)
