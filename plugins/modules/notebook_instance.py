#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create a notebook instance on the host and record its status (CreateNotebookInstance)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_instance
short_description: Create a notebook instance on this host, as SageMaker's CreateNotebookInstance
version_added: 0.1.0
description:
  - Validates a CreateNotebookInstance request against SageMaker's constraints before touching the host,
    then keeps a durable, root-only record of the instance on it, writes
    C(/opt/ml/metadata/resource-metadata.json) with its C(ResourceName) and C(ResourceArn), and creates the
    instance's secrets (the key that signs presigned URLs and Jupyter's cookie secret), each mode 0600.
  - One notebook instance per host. A host that already holds another instance refuses a second name.
  - The instance starts C(Pending). The C(sagebox.notebook.notebook_instance) role (through the
    C(sagebox.notebook.create_notebook_instance) playbook) builds it and sets O(status) to C(InService) once
    Jupyter answers, or to C(Failed) with O(failure_reason).
  - A request that differs from the recorded instance in a field that only an update may change fails;
    updates come with the instance lifecycle.
extends_documentation_fragment:
  - action_common_attributes
attributes:
  check_mode:
    support: full
    details: Validates the request and reports what would change; writes nothing.
  diff_mode:
    support: full
    details: The diff shows the instance record before and after.
  platform:
    platforms: posix
options:
  name:
    description:
      - The notebook instance name (NotebookInstanceName).
      - At most 63 characters matching C([a-zA-Z0-9](-*[a-zA-Z0-9])*).
    type: str
    required: true
  instance_type:
    description: The instance type (InstanceType). A label here, recorded and returned; the host is what it is.
    type: str
    default: ml.t3.medium
  volume_size_in_gb:
    description: Size of the ML storage volume in GB (VolumeSizeInGB), 5 to 16384.
    type: int
    default: 5
  lifecycle_config_name:
    description: Name of the lifecycle configuration to run (NotebookInstanceLifecycleConfigName).
    type: str
  root_access:
    description: Whether the notebook user may become root (RootAccess).
    type: str
    choices: [Enabled, Disabled]
    default: Enabled
  direct_internet_access:
    description: Whether the instance may reach the internet directly (DirectInternetAccess).
    type: str
    choices: [Enabled, Disabled]
    default: Enabled
  subnet_id:
    description: Subnet (SubnetId), recorded as intent.
    type: str
  security_group_ids:
    description: Security groups (SecurityGroupIds), recorded as intent.
    type: list
    elements: str
  default_code_repository:
    description: Default Git repository (DefaultCodeRepository).
    type: str
  additional_code_repositories:
    description: Up to 3 more Git repositories (AdditionalCodeRepositories).
    type: list
    elements: str
  tags:
    description:
      - Tags, at most 50. A mapping, or SageMaker's list of C({Key, Value}).
      - Keys 1 to 128 characters, not starting with C(aws:); values at most 256 characters.
    type: raw
  platform_identifier:
    description: Platform identifier (PlatformIdentifier), recorded and returned.
    type: str
  url:
    description: Host and port at which Jupyter answers (the instance's Url), for presigned URLs.
    type: str
  status:
    description:
      - Record the instance's progress. Set by the C(notebook_instance) role while it builds the instance;
        leave it unset to create or check an instance.
      - Left unset, a new instance is C(Pending), and a C(Failed) one goes back to C(Pending) for a retry.
    type: str
    choices: [Pending, InService, Failed]
  failure_reason:
    description: Why the instance failed (FailureReason), with O(status=Failed). Cut to 1024 characters.
    type: str
  region:
    description: Region part of the instance ARN.
    type: str
    default: local
  record_path:
    description: The instance record (JSON, root-only).
    type: path
    default: /var/lib/sagebox/notebook-instance.json
  metadata_path:
    description: SageMaker's resource metadata file, read by lifecycle scripts.
    type: path
    default: /opt/ml/metadata/resource-metadata.json
  secrets_dir:
    description: Directory of the instance's secrets (C(signing-key), C(cookie-secret)).
    type: path
    default: /etc/sagebox/notebook-instance
notes:
  - The ARN has the stable form C(arn:sagebox:sagemaker:<region>:<account>:notebook-instance/<lower-case name>),
    where C(<account>) is a 12-digit number derived from the host's C(/etc/machine-id).
seealso:
  - module: sagebox.notebook.notebook_instance_info
  - module: sagebox.notebook.presigned_notebook_instance_url
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Create a notebook instance
  sagebox.notebook.notebook_instance:
    name: research-nb
    instance_type: ml.g5.xlarge
    volume_size_in_gb: 50
    tags:
      team: vision

- name: Record that the instance is serving
  sagebox.notebook.notebook_instance:
    name: research-nb
    status: InService
"""

RETURN = r"""
notebook_instance_arn:
  description: The instance's ARN-like id.
  returned: success
  type: str
  sample: arn:sagebox:sagemaker:local:493027661054:notebook-instance/research-nb
notebook_instance:
  description: The instance as DescribeNotebookInstance gives it (empty fields left out).
  returned: success
  type: dict
  sample:
    NotebookInstanceName: research-nb
    NotebookInstanceArn: arn:sagebox:sagemaker:local:493027661054:notebook-instance/research-nb
    NotebookInstanceStatus: Pending
    InstanceType: ml.g5.xlarge
    VolumeSizeInGB: 50
    RootAccess: Enabled
    DirectInternetAccess: Enabled
    CreationTime: "2026-11-24T10:00:00+00:00"
    LastModifiedTime: "2026-11-24T10:00:00+00:00"
    Tags: [{Key: team, Value: vision}]
"""

import json
import os
import secrets
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import notebook_instance as nb

SECRET_FILES = ("signing-key", "cookie-secret")


class NotebookInstance:
    """Compare the wanted notebook instance with the host's record and bring the host in line."""

    def __init__(self, module: AnsibleModule):
        self.module = module
        self.params = module.params
        self.changed = False

    def fail(self, msg: str, **kwargs) -> None:
        self.module.fail_json(msg=msg, **kwargs)

    def account(self) -> str:
        try:
            with open("/etc/machine-id", encoding="ascii") as handle:
                return nb.account_id(handle.read())
        except OSError:
            return nb.account_id(os.uname().nodename)

    def wanted_record(self, before: dict | None, now: float) -> dict:
        name = self.params["name"]
        fields = nb.requested_fields(self.params)
        if before is None:
            record = nb.new_record(name, nb.instance_arn(name, self.params["region"], self.account()), fields, now)
        else:
            if before["NotebookInstanceName"] != name:
                self.fail(
                    "name %r: this host already holds notebook instance %r, and a host holds one notebook instance"
                    % (name, before["NotebookInstanceName"])
                )
            differences = nb.request_differences(before, fields)
            if differences:
                self.fail(
                    "notebook instance %r exists with other %s: changing them is an update, which needs the "
                    "instance Stopped" % (name, ", ".join(differences)),
                    differences={f: {"recorded": before.get(f), "requested": fields.get(f)} for f in differences},
                )
            record = dict(before)
            if fields.get("Url") and record.get("Url") != fields["Url"]:
                record["Url"] = fields["Url"]
        status = self.params["status"]
        if status is None:
            status = "Pending" if record["NotebookInstanceStatus"] == "Failed" else record["NotebookInstanceStatus"]
        return nb.with_status(record, status, now, self.params["failure_reason"])

    def ensure_secrets(self) -> None:
        for secret in SECRET_FILES:
            path = os.path.join(self.params["secrets_dir"], secret)
            if not os.path.exists(path):
                self.changed = True
                if not self.module.check_mode:
                    nb.write_private_file(path, (secrets.token_hex(32) + "\n").encode("ascii"))

    def ensure_metadata(self, record: dict) -> None:
        content = (json.dumps(nb.resource_metadata(record), indent=2, sort_keys=True) + "\n").encode("utf-8")
        path = self.params["metadata_path"]
        try:
            with open(path, "rb") as handle:
                current = handle.read()
        except FileNotFoundError:
            current = None
        if current != content:
            self.changed = True
            if not self.module.check_mode:
                nb.write_private_file(path, content, mode=0o644)
                os.chmod(os.path.dirname(path), 0o755)

    def run(self) -> None:
        try:
            nb.check_create_request(self.params)
        except nb.RequestError as exc:
            self.fail(str(exc))
        if self.params["status"] == "Failed" and not self.params["failure_reason"]:
            self.fail("status Failed needs a failure_reason")
        before = nb.load_record(self.params["record_path"])
        after = self.wanted_record(before, time.time())
        if after != before:
            self.changed = True
            if not self.module.check_mode:
                nb.save_record(after, self.params["record_path"])
        self.ensure_secrets()
        self.ensure_metadata(after)
        result = {
            "changed": self.changed,
            "notebook_instance_arn": after["NotebookInstanceArn"],
            "notebook_instance": nb.describe(after),
        }
        if self.module._diff:
            result["diff"] = {"before": nb.describe(before or {}), "after": nb.describe(after)}
        self.module.exit_json(**result)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "instance_type": {"type": "str", "default": "ml.t3.medium"},
            "volume_size_in_gb": {"type": "int", "default": 5},
            "lifecycle_config_name": {"type": "str"},
            "root_access": {"type": "str", "choices": ["Enabled", "Disabled"], "default": "Enabled"},
            "direct_internet_access": {"type": "str", "choices": ["Enabled", "Disabled"], "default": "Enabled"},
            "subnet_id": {"type": "str"},
            "security_group_ids": {"type": "list", "elements": "str"},
            "default_code_repository": {"type": "str"},
            "additional_code_repositories": {"type": "list", "elements": "str"},
            "tags": {"type": "raw"},
            "platform_identifier": {"type": "str"},
            "url": {"type": "str"},
            "status": {"type": "str", "choices": ["Pending", "InService", "Failed"]},
            "failure_reason": {"type": "str"},
            "region": {"type": "str", "default": "local"},
            "record_path": {"type": "path", "default": nb.RECORD_PATH},
            "metadata_path": {"type": "path", "default": nb.METADATA_PATH},
            "secrets_dir": {"type": "path", "default": nb.SECRETS_DIR},
        },
        required_if=[("status", "Failed", ["failure_reason"])],
        supports_check_mode=True,
    )
    NotebookInstance(module).run()


if __name__ == "__main__":
    main()
