# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Notebook-instance requests, records and identifiers, shared by the modules (stdlib only).

The constraints and field names are those of Amazon SageMaker's CreateNotebookInstance
and DescribeNotebookInstance; the record keeps SageMaker's PascalCase field names so a
describe returns what SageMaker would.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import tempfile

NAME_PATTERN = r"[a-zA-Z0-9](-*[a-zA-Z0-9])*"
NAME_MAX = 63
VOLUME_MIN_GB = 5
VOLUME_MAX_GB = 16384
VOLUME_DEFAULT_GB = 5
REPOSITORIES_MAX = 3
TAGS_MAX = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
FAILURE_REASON_MAX = 1024
STATUSES = ("Pending", "InService", "Stopping", "Stopped", "Failed", "Deleting", "Updating")
ROOT_ACCESS = ("Enabled", "Disabled")
DIRECT_INTERNET_ACCESS = ("Enabled", "Disabled")
ARN_FORMAT = "arn:sagebox:sagemaker:{region}:{account}:notebook-instance/{name}"

# Defaults of the on-host layout, SageMaker's.
RECORD_PATH = "/var/lib/sagebox/notebook-instance.json"
METADATA_PATH = "/opt/ml/metadata/resource-metadata.json"
SECRETS_DIR = "/etc/sagebox/notebook-instance"


class RequestError(ValueError):
    """A request that breaks one of SageMaker's constraints; the message names value and rule."""


class RecordError(Exception):
    """The instance record on the host cannot be read as one; the message says what to do."""


def check_name(name: str, field: str = "name") -> None:
    """Raise RequestError unless `name` is a valid notebook-instance (or config) name."""
    if not isinstance(name, str) or len(name) > NAME_MAX or not re.fullmatch(NAME_PATTERN, name):
        raise RequestError(
            "%s %r must match %s and be at most %d characters" % (field, name, NAME_PATTERN, NAME_MAX)
        )


def check_volume_size(size) -> None:
    """Raise RequestError unless `size` is a volume size in GB SageMaker accepts."""
    if isinstance(size, bool) or not isinstance(size, int) or not VOLUME_MIN_GB <= size <= VOLUME_MAX_GB:
        raise RequestError(
            "volume_size_in_gb %r must be an integer from %d to %d" % (size, VOLUME_MIN_GB, VOLUME_MAX_GB)
        )


def check_repositories(default_repository, additional) -> None:
    """Raise RequestError when the code repositories break SageMaker's limits."""
    additional = additional or []
    if len(additional) > REPOSITORIES_MAX:
        raise RequestError(
            "additional_code_repositories has %d entries: at most %d are allowed" % (len(additional), REPOSITORIES_MAX)
        )
    repos = ([default_repository] if default_repository else []) + list(additional)
    for repo in repos:
        if not isinstance(repo, str) or not 1 <= len(repo) <= 1024:
            raise RequestError("code repository %r must be a URL or name of 1 to 1024 characters" % (repo,))
    if len(set(repos)) != len(repos):
        raise RequestError("code repositories %r must all differ" % (repos,))


def check_tags(tags) -> None:
    """Raise RequestError when `tags` (a dict or a list of {key, value}) break SageMaker's limits."""
    pairs = tags_as_pairs(tags)
    if len(pairs) > TAGS_MAX:
        raise RequestError("tags has %d entries: at most %d are allowed" % (len(pairs), TAGS_MAX))
    for key, value in pairs:
        if not isinstance(key, str) or not 1 <= len(key) <= TAG_KEY_MAX:
            raise RequestError("tag key %r must be 1 to %d characters" % (key, TAG_KEY_MAX))
        if key.lower().startswith("aws:"):
            raise RequestError("tag key %r must not start with 'aws:' (reserved)" % key)
        if not isinstance(value, str) or len(value) > TAG_VALUE_MAX:
            raise RequestError("tag %r value %r must be a string of at most %d characters" % (key, value, TAG_VALUE_MAX))


def tags_as_pairs(tags) -> list:
    """Return tags given as a dict or as SageMaker's [{Key, Value}] / [{key, value}] as (key, value) pairs."""
    if not tags:
        return []
    if isinstance(tags, dict):
        return list(tags.items())
    pairs = []
    for tag in tags:
        if not isinstance(tag, dict):
            raise RequestError("tag %r must be a mapping with key and value" % (tag,))
        pairs.append((tag.get("Key", tag.get("key")), tag.get("Value", tag.get("value", ""))))
    return pairs


def record_tags(record: dict) -> dict:
    """Return a record's tags as a dict (key: value), in their order."""
    return {tag["Key"]: tag.get("Value", "") for tag in (record or {}).get("Tags") or []}


def retagged(record: dict, add=None, remove=None, purge: bool = False) -> dict:
    """Return the tags after AddTags (`add`, a dict or [{Key, Value}]) and DeleteTags (`remove`, keys).

    With `purge`, the tags become `add` alone. Raises RequestError when `add` or the result breaks
    SageMaker's limits (at most 50 tags, keys 1-128 characters without 'aws:', values at most 256).
    """
    check_tags(add)
    for key in remove or []:
        if not isinstance(key, str) or not 1 <= len(key) <= TAG_KEY_MAX:
            raise RequestError("tag key %r must be 1 to %d characters" % (key, TAG_KEY_MAX))
    tags = {} if purge else record_tags(record)
    tags.update(dict(tags_as_pairs(add)))
    for key in remove or []:
        tags.pop(key, None)
    if len(tags) > TAGS_MAX:
        raise RequestError("the instance would have %d tags: at most %d are allowed (delete some first)"
                           % (len(tags), TAGS_MAX))
    return tags


def with_tags(record: dict, tags: dict) -> dict:
    """Return a copy of `record` with these tags (LastModifiedTime kept: tags are not an update)."""
    record = dict(record)
    record["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return record


def check_failure_reason(reason: str) -> str:
    """Return `reason` cut to SageMaker's FailureReason limit."""
    reason = str(reason)
    return reason if len(reason) <= FAILURE_REASON_MAX else reason[: FAILURE_REASON_MAX - 3] + "..."


def check_create_request(params: dict) -> None:
    """Check a whole create request; RequestError naming every broken constraint, as SageMaker does
    ("2 validation errors detected: ...; ...")."""
    checks = [lambda: check_name(params["name"])]
    if params.get("volume_size_in_gb") is not None:
        checks.append(lambda: check_volume_size(params["volume_size_in_gb"]))
    if params.get("lifecycle_config_name"):
        checks.append(lambda: check_name(params["lifecycle_config_name"], "lifecycle_config_name"))
    checks.append(lambda: check_repositories(params.get("default_code_repository"),
                                             params.get("additional_code_repositories")))
    checks.append(lambda: check_tags(params.get("tags")))
    errors = []
    for check in checks:
        try:
            check()
        except RequestError as exc:
            errors.append(str(exc))
    if errors:
        raise RequestError("%d validation error%s detected: %s"
                           % (len(errors), "" if len(errors) == 1 else "s", "; ".join(errors)))


def account_id(machine_id: str) -> str:
    """Return a stable 12-digit account-like id for a host, from its machine id."""
    digest = hashlib.sha256(("sagebox:" + machine_id.strip()).encode("utf-8")).hexdigest()
    return "%012d" % (int(digest, 16) % 10**12)


def host_account() -> str:
    """Return this host's account-like id, from /etc/machine-id (its host name where there is none)."""
    try:
        with open("/etc/machine-id", encoding="ascii") as handle:
            return account_id(handle.read())
    except OSError:
        return account_id(os.uname().nodename)


def instance_arn(name: str, region: str, account: str) -> str:
    """Return the ARN-like id of a notebook instance (SageMaker lower-cases the name in ARNs)."""
    return ARN_FORMAT.format(region=region, account=account, name=name.lower())


def timestamp(now: float) -> str:
    """Return `now` (seconds since the epoch) as an ISO 8601 UTC time, as SageMaker prints them."""
    return datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc).isoformat(timespec="seconds")


def load_record(path: str = RECORD_PATH) -> dict | None:
    """Return the instance record at `path`, or None when there is none.

    Raises RecordError when the file is there but is not a record (damaged, truncated, edited).
    """
    try:
        with open(path, encoding="utf-8") as handle:
            record = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(_damaged(path, "it cannot be read: %s" % exc)) from exc
    except ValueError as exc:
        raise RecordError(_damaged(path, "it is not valid JSON: %s" % exc)) from exc
    if not isinstance(record, dict):
        raise RecordError(_damaged(path, "it holds a JSON %s, not an object" % type(record).__name__))
    for field in ("NotebookInstanceName", "NotebookInstanceStatus"):
        if not isinstance(record.get(field), str):
            raise RecordError(_damaged(path, "its %s is missing or not a string" % field))
    if record["NotebookInstanceStatus"] not in STATUSES:
        raise RecordError(_damaged(path, "its NotebookInstanceStatus %r is none of %s"
                                   % (record["NotebookInstanceStatus"], ", ".join(STATUSES))))
    return record


def _damaged(path: str, reason: str) -> str:
    return ("the notebook instance record %s is damaged: %s. Restore it from a backup, or remove it and run the "
            "create again (the ML storage volume and its data are kept)" % (path, reason))


def write_private_file(path: str, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` atomically, readable by its owner only (the record and the secrets)."""
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_record(record: dict, path: str = RECORD_PATH) -> None:
    """Write the instance record durably (root-only)."""
    write_private_file(path, (json.dumps(record, indent=2, sort_keys=True) + "\n").encode("utf-8"))


# Request fields (snake_case, as the module takes them) and the record's SageMaker names.
REQUEST_FIELDS = {
    "instance_type": "InstanceType",
    "volume_size_in_gb": "VolumeSizeInGB",
    "lifecycle_config_name": "NotebookInstanceLifecycleConfigName",
    "root_access": "RootAccess",
    "direct_internet_access": "DirectInternetAccess",
    "subnet_id": "SubnetId",
    "security_group_ids": "SecurityGroups",
    "default_code_repository": "DefaultCodeRepository",
    "additional_code_repositories": "AdditionalCodeRepositories",
    "platform_identifier": "PlatformIdentifier",
    "url": "Url",
}


# What a create request gets for the fields it leaves out, as SageMaker.
CREATE_DEFAULTS = {
    "instance_type": "ml.t3.medium",
    "volume_size_in_gb": VOLUME_DEFAULT_GB,
    "root_access": "Enabled",
    "direct_internet_access": "Enabled",
}


def requested_fields(params: dict) -> dict:
    """Return the record fields a create request asks for, under SageMaker's names (defaults filled in)."""
    fields = {}
    for option, field in REQUEST_FIELDS.items():
        value = params.get(option)
        if value is None:
            value = CREATE_DEFAULTS.get(option)
        if value not in (None, "", []):
            fields[field] = value
    fields["Tags"] = [{"Key": k, "Value": v} for k, v in tags_as_pairs(params.get("tags"))]
    return fields


def given_fields(params: dict) -> dict:
    """Return the record fields a request names, empty values included (they disassociate in an update)."""
    fields = {field: params[option] for option, field in REQUEST_FIELDS.items() if params.get(option) is not None}
    if params.get("tags") is not None:
        fields["Tags"] = [{"Key": k, "Value": v} for k, v in tags_as_pairs(params["tags"])]
    return fields


def new_record(name: str, arn: str, fields: dict, now: float) -> dict:
    """Return the record of a notebook instance being created (status Pending)."""
    record = {
        "NotebookInstanceName": name,
        "NotebookInstanceArn": arn,
        "NotebookInstanceStatus": "Pending",
        "CreationTime": timestamp(now),
        "LastModifiedTime": timestamp(now),
    }
    record.update(fields)
    return record


def request_differences(record: dict, fields: dict) -> list:
    """Return the SageMaker field names that a request names with a value other than the record's."""
    return sorted(
        field for field, value in fields.items()
        if field != "Url" and record.get(field, "" if isinstance(value, str) else []) != value
        and not (value in ("", [], None) and not record.get(field))
    )


def with_status(record: dict, status: str, now: float, reason: str | None = None) -> dict:
    """Return a copy of `record` in `status` (with FailureReason when Failed)."""
    if status not in STATUSES:
        raise RequestError("status %r must be one of %s" % (status, ", ".join(STATUSES)))
    updated = dict(record)
    if updated.get("NotebookInstanceStatus") != status or (status == "Failed" and updated.get("FailureReason") != reason):
        updated["NotebookInstanceStatus"] = status
        updated["LastModifiedTime"] = timestamp(now)
    if status == "Failed":
        updated["FailureReason"] = check_failure_reason(reason or "unknown failure")
    else:
        updated.pop("FailureReason", None)
    return updated


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

# The user's actions (the module's state) and the statuses they may start from.
ACTION_FROM = {
    "present": {None, "Pending", "InService", "Failed"},
    "started": {"Pending", "InService", "Stopped", "Failed"},
    "stopped": {"InService", "Failed", "Stopping", "Stopped"},
    "updated": {"Stopped", "Updating"},
    "absent": {None, "Stopped", "Failed", "Deleting"},
}
ACTION_HINTS = {
    "present": "stop it and use state=updated to change it, or state=started to start it",
    "started": "wait until it is Stopped, then start it",
    "stopped": "wait until it is InService or Failed, then stop it",
    "updated": "stop it first: an update needs the instance Stopped",
    "absent": "stop it first: only a Stopped or Failed instance can be deleted",
}

# What UpdateNotebookInstance may change; everything else is fixed at create.
UPDATABLE_FIELDS = (
    "InstanceType", "VolumeSizeInGB", "NotebookInstanceLifecycleConfigName", "DefaultCodeRepository",
    "AdditionalCodeRepositories", "RootAccess",
)


def check_action(name: str, action: str, status: str | None) -> None:
    """Raise RequestError when the user's `action` is not allowed on an instance in `status`."""
    if status not in ACTION_FROM[action]:
        raise RequestError(
            "notebook instance %r is %s: state=%s is not allowed then; %s"
            % (name, status or "absent", action, ACTION_HINTS[action])
        )


def check_status_change(name: str, current: str | None, status: str) -> None:
    """Raise RequestError when an instance may not move from `current` to `status`."""
    if current not in STATUS_FROM[status]:
        raise RequestError(
            "notebook instance %r is %s and cannot become %s (allowed from: %s)"
            % (name, current or "absent", status, ", ".join(sorted(s or "absent" for s in STATUS_FROM[status])))
        )


def check_update(record: dict, fields: dict) -> dict:
    """Return the record fields an update request changes; raise RequestError on a field that cannot change."""
    changes = {}
    for field, value in fields.items():
        if value is None or record.get(field) == value or (field == "Tags" and not value and not record.get(field)):
            continue
        if value in ("", []) and not record.get(field):
            continue
        if field not in UPDATABLE_FIELDS:
            raise RequestError(
                "%s cannot be changed once the instance is created (UpdateNotebookInstance changes only %s)"
                % (field, ", ".join(UPDATABLE_FIELDS))
            )
        if field == "VolumeSizeInGB" and value < record.get(field, VOLUME_DEFAULT_GB):
            raise RequestError(
                "volume_size_in_gb %d is smaller than the volume's %d GB: a volume only grows"
                % (value, record[field])
            )
        changes[field] = value
    return changes


def updated_record(record: dict, changes: dict, now: float) -> dict:
    """Return `record` with `changes` applied; empty values disassociate (remove) a field."""
    updated = dict(record)
    for field, value in changes.items():
        if value in ("", []):
            updated.pop(field, None)
        else:
            updated[field] = value
    updated["LastModifiedTime"] = timestamp(now)
    return updated


def resource_metadata(record: dict) -> dict:
    """Return the content of /opt/ml/metadata/resource-metadata.json, as on SageMaker."""
    return {"ResourceArn": record["NotebookInstanceArn"], "ResourceName": record["NotebookInstanceName"]}


# Beside resource-metadata.json, for code on the instance: its own description, tags included,
# readable by every user (no credentials needed). Written by the modules with each record change.
DESCRIPTION_FILE = "notebook-instance.json"


def description_path(metadata_path: str) -> str:
    """The description file next to the resource metadata file at `metadata_path`."""
    return os.path.join(os.path.dirname(metadata_path), DESCRIPTION_FILE)


def public_description(record: dict) -> bytes:
    """The description file's content: the record as DescribeNotebookInstance gives it."""
    return (json.dumps(describe(record), indent=2, sort_keys=True) + "\n").encode("utf-8")


def write_public_file(path: str, data: bytes, check_mode: bool = False) -> bool:
    """Write `data` to `path` (mode 0644, its directory 0755) when it differs; return whether it did."""
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return False
    except FileNotFoundError:
        pass
    if not check_mode:
        write_private_file(path, data, mode=0o644)
        os.chmod(os.path.dirname(path), 0o755)
    return True


def publish(record: dict, metadata_path: str = METADATA_PATH, check_mode: bool = False) -> bool:
    """Write resource-metadata.json and the description beside it for `record`; return whether one changed."""
    metadata = (json.dumps(resource_metadata(record), indent=2, sort_keys=True) + "\n").encode("utf-8")
    changed = write_public_file(metadata_path, metadata, check_mode)
    return write_public_file(description_path(metadata_path), public_description(record), check_mode) or changed


def record_status(path: str, status: str, now: float, reason: str | None = None,
                  metadata_path: str = METADATA_PATH, allowed_from=None) -> dict:
    """The host helpers' status change: the record at `path` in `status` (written only when that changes)
    and published beside the resource metadata. Raises RecordError without a record, RequestError when
    `allowed_from` is given and the recorded status is not in it. Returns the record."""
    record = load_record(path)
    if record is None:
        raise RecordError("no notebook instance record at %s" % path)
    if allowed_from is not None and record["NotebookInstanceStatus"] not in allowed_from:
        raise RequestError("the instance is %s" % record["NotebookInstanceStatus"])
    updated = with_status(record, status, now, reason)
    if updated != record:
        save_record(updated, path)
    publish(updated, metadata_path)
    return updated


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


def describe(record: dict) -> dict:
    """Return a record as DescribeNotebookInstance would, without empty fields."""
    return {k: v for k, v in record.items() if v not in (None, "", [])} if record else {}


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
