# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create and Update requests checked against SageMaker's constraints (stdlib only).

The request takes SageMaker's fields in snake_case; the record keeps SageMaker's PascalCase names,
so a describe returns what SageMaker would.
"""

from __future__ import annotations

import re

from ansible_collections.sagebox.notebook.plugins.module_utils import tags
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError

NAME_PATTERN = r"[a-zA-Z0-9](-*[a-zA-Z0-9])*"
NAME_MAX = 63
VOLUME_MIN_GB = 5
VOLUME_MAX_GB = 16384
VOLUME_DEFAULT_GB = 5
REPOSITORIES_MAX = 3

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
}

# What a create request gets for the fields it leaves out, as SageMaker.
CREATE_DEFAULTS = {
    "instance_type": "ml.t3.medium",
    "volume_size_in_gb": VOLUME_DEFAULT_GB,
    "root_access": "Enabled",
    "direct_internet_access": "Enabled",
}

# What UpdateNotebookInstance may change; everything else is fixed at create.
UPDATABLE_FIELDS = (
    "InstanceType", "VolumeSizeInGB", "NotebookInstanceLifecycleConfigName", "DefaultCodeRepository",
    "AdditionalCodeRepositories", "RootAccess",
)


def check_name(name: str, field: str = "name") -> None:
    """Raise RequestError unless `name` is a valid notebook-instance (or config) name."""
    if not isinstance(name, str) or len(name) > NAME_MAX or not re.fullmatch(NAME_PATTERN, name):
        raise RequestError("%s %r must match %s and be at most %d characters" % (field, name, NAME_PATTERN, NAME_MAX))


def check_volume_size(size) -> None:
    """Raise RequestError unless `size` is a volume size in GB SageMaker accepts."""
    if isinstance(size, bool) or not isinstance(size, int) or not VOLUME_MIN_GB <= size <= VOLUME_MAX_GB:
        raise RequestError("volume_size_in_gb %r must be an integer from %d to %d" % (size, VOLUME_MIN_GB, VOLUME_MAX_GB))


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


def check_create_request(params: dict) -> None:
    """Check a whole request; RequestError naming every broken constraint, as SageMaker does
    ("2 validation errors detected: ...; ...")."""
    checks = [lambda: check_name(params["name"])]
    if params.get("volume_size_in_gb") is not None:
        checks.append(lambda: check_volume_size(params["volume_size_in_gb"]))
    if params.get("lifecycle_config_name"):
        checks.append(lambda: check_name(params["lifecycle_config_name"], "lifecycle_config_name"))
    checks.append(lambda: check_repositories(params.get("default_code_repository"),
                                             params.get("additional_code_repositories")))
    checks.append(lambda: tags.check_tags(params.get("tags")))
    errors = []
    for check in checks:
        try:
            check()
        except RequestError as exc:
            errors.append(str(exc))
    if errors:
        raise RequestError("%d validation error%s detected: %s"
                           % (len(errors), "" if len(errors) == 1 else "s", "; ".join(errors)))


def requested_fields(params: dict) -> dict:
    """Return the record fields a create request asks for, under SageMaker's names (defaults filled in)."""
    fields = {}
    for option, field in REQUEST_FIELDS.items():
        value = params.get(option)
        if value is None:
            value = CREATE_DEFAULTS.get(option)
        if value not in (None, "", []):
            fields[field] = value
    fields["Tags"] = tags.as_list(params.get("tags"))
    return fields


def given_fields(params: dict) -> dict:
    """Return the record fields a request names, empty values included (they disassociate in an update)."""
    fields = {field: params[option] for option, field in REQUEST_FIELDS.items() if params.get(option) is not None}
    if params.get("tags") is not None:
        fields["Tags"] = tags.as_list(params["tags"])
    return fields


def request_differences(record: dict, fields: dict) -> list:
    """Return the SageMaker field names that a request names with a value other than the record's."""
    return sorted(
        field for field, value in fields.items()
        if record.get(field, "" if isinstance(value, str) else []) != value
        and not (value in ("", [], None) and not record.get(field))
    )


def check_update(record: dict, fields: dict) -> dict:
    """Return the record fields an update request changes; raise RequestError on a field that cannot change."""
    changes = {}
    for field in request_differences(record, fields):
        value = fields[field]
        if field not in UPDATABLE_FIELDS:
            raise RequestError(
                "%s cannot be changed once the instance is created (UpdateNotebookInstance changes only %s)"
                % (field, ", ".join(UPDATABLE_FIELDS))
            )
        if field == "VolumeSizeInGB" and value < record.get(field, VOLUME_DEFAULT_GB):
            raise RequestError(
                "volume_size_in_gb %d is smaller than the volume's %d GB: a volume only grows" % (value, record[field])
            )
        changes[field] = value
    return changes
