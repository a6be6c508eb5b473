#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Describe or list notebook instances (DescribeNotebookInstance, ListNotebookInstances)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_instance_info
short_description: Describe or list notebook instances, as SageMaker's DescribeNotebookInstance and ListNotebookInstances
version_added: 0.1.0
description:
  - With O(name), describes that notebook instance, which must be the one on this host; with O(host_instance), the
    host's one instance, whatever its name.
  - Without O(name), lists the notebook instance of this host (zero or one) that passes the filters. Run on
    many hosts, each returns its own; the C(sagebox.notebook.list_notebook_instances) playbook gathers and
    sorts them across the inventory.
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.host_layout
attributes:
  check_mode:
    support: full
    details: Reads only.
  diff_mode:
    support: N/A
    details: Reads only.
  platform:
    platforms: posix
options:
  name:
    description: The notebook instance to describe (NotebookInstanceName).
    type: str
    aliases: [notebook_instance_name]
  host_instance:
    description: Describe the host's one instance (the C(sagebox.notebook.describe_notebook_instance) playbook without a name).
    type: bool
    default: false
  name_contains:
    description: List only instances whose name contains this string (NameContains).
    type: str
  status_equals:
    description: List only instances in this status (StatusEquals).
    type: str
    choices: [Pending, InService, Stopping, Stopped, Failed, Deleting, Updating]
  sort_by:
    description: Key to sort the listed instances by (SortBy).
    type: str
    choices: [Name, CreationTime, Status]
    default: Name
  sort_order:
    description: Order of the listed instances (SortOrder).
    type: str
    choices: [Ascending, Descending]
    default: Ascending
  volume_path:
    description:
      - The notebook directory on the ML storage volume, whose use a describe reports in RV(volume).
      - A volume 95 % full or more also gives a warning; a full one leaves Jupyter serving, but nothing can be saved.
    type: path
    default: /home/ec2-user/SageMaker
seealso:
  - module: sagebox.notebook.notebook_instance
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Describe the notebook instance
  sagebox.notebook.notebook_instance_info:
    name: research-nb
  register: nb

- name: List instances in service whose name contains "research"
  sagebox.notebook.notebook_instance_info:
    name_contains: research
    status_equals: InService
  register: found
"""

RETURN = r"""
notebook_instance:
  description: With O(name), the instance as DescribeNotebookInstance gives it.
  returned: when describing (name or host_instance given)
  type: dict
  sample:
    NotebookInstanceName: research-nb
    NotebookInstanceStatus: InService
    Url: nb-host.example.com:8443
    VolumeSizeInGB: 5
volume:
  description:
    - With O(name), the use of the ML storage volume (the file system holding O(volume_path)), in bytes, as the
      notebook user sees it (less the blocks reserved for root).
    - Absent when O(volume_path) does not exist (a stopped instance's volume is not mounted).
  returned: when describing and volume_path exists
  type: dict
  sample:
    path: /home/ec2-user/SageMaker
    mounted: true
    size_bytes: 5232787456
    used_bytes: 3340
    available_bytes: 4947537920
    used_percent: 0.0
notebook_instances:
  description:
    - Without O(name), the listed instances as ListNotebookInstances summarises them, sorted.
  returned: when listing
  type: list
  elements: dict
  sample:
    - NotebookInstanceName: research-nb
      NotebookInstanceArn: arn:sagebox:sagemaker:local:493027661054:notebook-instance/research-nb
      NotebookInstanceStatus: InService
      Url: nb-host.example.com:8443
      InstanceType: ml.t3.medium
      CreationTime: "2026-11-24T10:00:00+00:00"
      LastModifiedTime: "2026-11-24T10:02:10+00:00"
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import host_layout, listing, record, request, request_error, status


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "aliases": ["notebook_instance_name"]},
            "host_instance": {"type": "bool", "default": False},
            "name_contains": {"type": "str"},
            "status_equals": {"type": "str", "choices": list(status.STATUSES)},
            "sort_by": {"type": "str", "choices": list(listing.SORT_KEYS), "default": "Name"},
            "sort_order": {"type": "str", "choices": ["Ascending", "Descending"], "default": "Ascending"},
            "volume_path": {"type": "path", "default": "/home/ec2-user/SageMaker"},
            **host_layout.options("record_path"),
        },
        mutually_exclusive=[("name", "name_contains"), ("name", "status_equals"), ("name", "host_instance"),
                            ("host_instance", "name_contains"), ("host_instance", "status_equals")],
        supports_check_mode=True,
    )
    params = module.params
    describing = params["name"] is not None or params["host_instance"]
    try:
        if params["name"] is not None:
            request.check_name(params["name"])
        if describing:
            instance = record.find_instance(params["record_path"], params["name"])
        else:
            instance = record.load_record(params["record_path"])
    except (request_error.RequestError, request_error.RecordError) as exc:
        module.fail_json(msg=str(exc))
    if describing:
        result = {"changed": False, "notebook_instance": record.describe(instance)}
        usage = listing.volume_usage(params["volume_path"])
        if usage is not None:
            result["volume"] = usage
            if usage["used_percent"] >= 95:
                module.warn("the ML storage volume at %s is %.1f %% full (%d bytes left): free space or grow it "
                            "(an update: notebook_instance volume_size_in_gb on the Stopped instance)"
                            % (usage["path"], usage["used_percent"], usage["available_bytes"]))
        module.exit_json(**result)
    listed = listing.list_instances(
        [instance] if instance else [],
        params["name_contains"],
        params["status_equals"],
        params["sort_by"],
        params["sort_order"],
    )
    module.exit_json(changed=False, notebook_instances=listed)


if __name__ == "__main__":
    main()
