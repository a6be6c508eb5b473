#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record a step of an operation the notebook_instance role carries out (internal)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_instance_status
short_description: Record the notebook instance's status during the role's operations (internal)
version_added: 0.1.0
description:
  - For the C(sagebox.notebook.notebook_instance) role, not for playbooks. The role carries out what a
    SageMaker operation does in steps (a create's build, an update, a delete) and records each step's
    status with this module, as SageMaker's own service does while an operation runs.
  - Only SageMaker's transitions are allowed (for example C(Stopped) only after C(Stopping) or C(Updating));
    anything else fails with the allowed statuses and changes nothing. The resource metadata and the
    description beside it are rewritten with the record.
  - Users ask for end states with M(sagebox.notebook.notebook_instance).
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.host_layout
  - sagebox.notebook.host_layout.metadata
attributes:
  check_mode:
    support: full
    details: Checks the transition; writes nothing. A create earlier in the same check run recorded nothing, so
      the instance counts as C(Pending) then.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  name:
    description: The instance, which must be the host's.
    type: str
    required: true
    aliases: [notebook_instance_name]
  status:
    description: The status (NotebookInstanceStatus) the step leads to.
    type: str
    required: true
    choices: [Pending, InService, Stopping, Stopped, Failed, Deleting, Updating]
  failure_reason:
    description: Why the instance failed (FailureReason), required with O(status=Failed). Cut to 1024 characters.
    type: str
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Record the instance Failed with the reason
  sagebox.notebook.notebook_instance_status:
    name: research-nb
    status: Failed
    failure_reason: "create: Install Jupyter: no space left on device"
"""

RETURN = r"""
notebook_instance:
  description: The instance as DescribeNotebookInstance gives it.
  returned: success
  type: dict
"""

import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import host_layout, record, status
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RecordError, RequestError


def main() -> None:
    argument_spec = {
        "name": {"type": "str", "required": True, "aliases": ["notebook_instance_name"]},
        "status": {"type": "str", "required": True, "choices": list(status.STATUSES)},
        "failure_reason": {"type": "str"},
    }
    argument_spec.update(host_layout.options("record_path", "metadata_path"))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[("status", "Failed", ["failure_reason"])])
    params = module.params
    try:
        before = record.planned_instance(params["record_path"], params["name"], module.check_mode)
        status.check_status_change(params["name"], before["NotebookInstanceStatus"], params["status"])
        after = status.with_status(before, params["status"], time.time(), params["failure_reason"])
    except (RecordError, RequestError) as exc:
        module.fail_json(msg=str(exc))
    changed = after != before
    if not module.check_mode:
        if changed:
            record.save_record(after, params["record_path"])
        changed = record.publish(after, params["metadata_path"]) or changed
    module.exit_json(changed=changed, notebook_instance=record.describe(after))


if __name__ == "__main__":
    main()
