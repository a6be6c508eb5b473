#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host's notebook instance brought to an end state, as SageMaker's API does it."""

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_instance
short_description: Create, update, start, stop or delete the notebook instance on this host
version_added: 0.1.0
description:
  - SageMaker's notebook-instance API on one host, as end states. The request is checked against SageMaker's
    constraints before anything changes; an instance in a status the operation does not allow fails with
    the reason and changes nothing.
  - V(present) is CreateNotebookInstance when the host holds no instance (recorded C(Pending); the
    C(sagebox.notebook.notebook_instance) role builds it) and UpdateNotebookInstance when the request names
    other values than the recorded ones (only while the instance is C(Stopped), and only the fields
    UpdateNotebookInstance takes; recorded C(Updating), see RV(updated_fields)). A field left out is not
    compared or changed; an empty value disassociates it in an update. Tags count at create only (later,
    M(sagebox.notebook.notebook_instance_tags)).
  - V(started) is StartNotebookInstance and V(stopped) StopNotebookInstance. The host's start or stop unit
    (O(start_unit), O(stop_unit), which the role installs) does the work; the module starts it, waits and
    fails with the instance's C(FailureReason) when it does not reach C(InService) or C(Stopped). An instance
    already there is left alone.
  - V(absent) is DeleteNotebookInstance (only when C(Stopped) or C(Failed)), which removes the record, the resource
    metadata and the presign key. The role's delete also removes what the build made.
  - One notebook instance per host. Why O(state) has no C(updated), and the options that are not SageMaker's, in
    C(docs/notebook-instance-module.md).
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.host_layout
  - sagebox.notebook.host_layout.metadata
  - sagebox.notebook.host_layout.secrets
  - sagebox.notebook.host_layout.configs
  - sagebox.notebook.host_layout.region
attributes:
  check_mode:
    support: full
    details: Validates the request and reports what would change; writes nothing.
  diff_mode:
    support: full
    details: The diff shows the instance before and after.
  platform:
    platforms: posix
options:
  state:
    description: The end state, see the description.
    type: str
    choices: [present, started, stopped, absent]
    default: present
  name:
    description:
      - NotebookInstanceName. At most 63 characters matching C([a-zA-Z0-9](-*[a-zA-Z0-9])*).
      - Required to create; otherwise the host's one instance when left out (one it names must be the host's).
    type: str
    aliases: [notebook_instance_name]
  instance_type:
    description: InstanceType, recorded and returned; C(ml.t3.medium) when a create leaves it out.
    type: str
  volume_size_in_gb:
    description: VolumeSizeInGB, 5 to 16384; 5 when a create leaves it out. An update may only grow it.
    type: int
  lifecycle_config_name:
    description: NotebookInstanceLifecycleConfigName; it must exist in O(lifecycle_configs_dir).
    type: str
  root_access:
    description: RootAccess, whether the notebook user may become root; C(Enabled) when a create leaves it out.
    type: str
    choices: [Enabled, Disabled]
  direct_internet_access:
    description: DirectInternetAccess; C(Enabled) when a create leaves it out. Fixed at create, as on SageMaker.
    type: str
    choices: [Enabled, Disabled]
  subnet_id:
    description: SubnetId, recorded as intent.
    type: str
  security_group_ids:
    description: SecurityGroupIds; the role applies them with the C(sagebox.notebook.firewall) role.
    type: list
    elements: str
  default_code_repository:
    description: DefaultCodeRepository.
    type: str
  additional_code_repositories:
    description: AdditionalCodeRepositories, at most 3; in an update the new list replaces the old.
    type: list
    elements: str
  tags:
    description:
      - Tags of a create, at most 50. A mapping, or SageMaker's list of C({Key, Value}).
      - Keys 1 to 128 characters, not starting with C(aws:); values at most 256 characters.
    type: raw
  platform_identifier:
    description: PlatformIdentifier, recorded and returned.
    type: str
  url:
    description:
      - Host and port at which Jupyter answers, the instance's Url in a describe and in presigned URLs.
      - Not a SageMaker request field (SageMaker knows its own hosts); the role passes C(notebook_instance_url).
    type: str
  start_unit:
    description: The host's start unit, which O(state=started) starts. Not a SageMaker field; the role passes its own.
    type: str
    default: sagebox-notebook-instance-start.service
  stop_unit:
    description: The host's stop unit, which O(state=stopped) starts. Not a SageMaker field; the role passes its own.
    type: str
    default: sagebox-notebook-instance-stop.service
notes:
  - With O(state=started) or O(state=stopped), run the module with C(TMPDIR) outside C(/tmp) (for example
    C(/var/tmp)), as the units empty C(/tmp) and mount it, where Ansible unpacks the module by default.
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

- name: Update the stopped instance (UpdateNotebookInstance)
  sagebox.notebook.notebook_instance:
    name: research-nb
    volume_size_in_gb: 100
    root_access: Disabled

- name: Stop the instance (the host's stop unit does it; the module waits)
  sagebox.notebook.notebook_instance:
    name: research-nb
    state: stopped
  environment:
    TMPDIR: /var/tmp

- name: Delete the stopped instance
  sagebox.notebook.notebook_instance:
    name: research-nb
    state: absent
"""

RETURN = r"""
updated_fields:
  description: The fields an update changed, under SageMaker's names (empty unless O(state=present) updated).
  returned: success
  type: list
  elements: str
  sample: [RootAccess, VolumeSizeInGB]
notebook_instance_name:
  description: The instance's name, also after a delete (empty when there was no instance).
  returned: success
  type: str
  sample: research-nb
notebook_instance_arn:
  description: The instance's ARN-like id (empty when there was no instance).
  returned: success
  type: str
  sample: arn:sagebox:sagemaker:local:493027661054:notebook-instance/research-nb
notebook_instance:
  description: The instance as DescribeNotebookInstance gives it (empty fields left out; empty after a delete).
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
status_before:
  description: The instance's status (NotebookInstanceStatus) before the call; empty when there was none.
  returned: success
  type: str
  sample: Stopped
"""

import os
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import arn, host_layout, record, request, status
from ansible_collections.sagebox.notebook.plugins.module_utils import presigned_token as pt
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RecordError, RequestError

# The end state of started and stopped, and the host unit that brings the instance there.
END_STATES = {"started": ("InService", "start_unit"), "stopped": ("Stopped", "stop_unit")}


class NotebookInstance:
    """Compare the wanted notebook instance with the host's record and bring the host in line."""

    def __init__(self, module: AnsibleModule):
        self.module = module
        self.params = module.params
        self.updated_fields = []

    def present(self, before: dict | None, now: float) -> dict:
        """Create, or Update, or nothing: the record the request asks for."""
        params = self.params
        if before is None:
            name = params["name"]
            fields = request.requested_fields(params)
            if params["url"]:
                fields["Url"] = params["url"]
            return record.new_record(name, arn.instance_arn(name, params["region"], arn.host_account()), fields, now)
        fields = request.given_fields(params)
        # A create's tags are the new instance's; later, AddTags and DeleteTags change them.
        fields.pop("Tags", None)
        current = before["NotebookInstanceStatus"]
        after = dict(before)
        if request.request_differences(before, fields):
            status.check_action(params["name"], "updated", current)
            changes = request.check_update(before, fields)
            after = status.with_status(record.updated_record(before, changes, now), "Updating", now)
            self.updated_fields = sorted(changes)
        elif current == "Failed":
            # A create run again on a Failed instance builds it again.
            after = status.with_status(before, "Pending", now)
        elif current not in ("Stopped", "Updating"):
            status.check_action(params["name"], "present", current)
        if params["url"] and after.get("Url") != params["url"]:
            after["Url"] = params["url"]
        return after

    def bring_to(self, before: dict) -> dict:
        """Start or stop the instance through the host's unit and wait for it; the record after."""
        name, state = before["NotebookInstanceName"], self.params["state"]
        end, unit_option = END_STATES[state]
        fields = request.given_fields(self.params)
        fields.pop("Tags", None)
        differences = request.request_differences(before, fields)
        if differences:
            raise RequestError("notebook instance %r has other %s: changing them is an update (state=present on the "
                               "Stopped instance), not state=%s" % (name, ", ".join(differences), state))
        status.check_action(name, state, before["NotebookInstanceStatus"])
        if before["NotebookInstanceStatus"] == end:
            return before
        if self.module.check_mode:
            return status.with_status(before, end, time.time())
        unit = self.params[unit_option]
        rc, out, err = self.module.run_command(["systemctl", "start", unit])
        after = record.load_record(self.params["record_path"]) or {}
        reached = after.get("NotebookInstanceStatus")
        if reached != end:
            reason = after.get("FailureReason") or (err or out).strip() or "exit status %d" % rc
            self.module.fail_json(msg="notebook instance %r is %s, not %s: %s (journalctl -u %s)"
                                  % (name, reached or "absent", end, reason, unit), notebook_instance=record.describe(after))
        return after

    def owned_files(self) -> list:
        """What a delete removes: the record, the resource metadata, its description and the presign key."""
        metadata = self.params["metadata_path"]
        return [self.params["record_path"], metadata, record.description_path(metadata),
                os.path.join(self.params["secrets_dir"], pt.PRIVATE_KEY_FILE)]

    def check_request(self) -> None:
        params = self.params
        request.check_create_request(params)
        config = params["lifecycle_config_name"]
        if config and params["state"] == "present":
            if not os.path.exists(os.path.join(params["lifecycle_configs_dir"], config, "config.json")):
                raise RequestError("lifecycle_config_name %r: no such lifecycle configuration on this host (create "
                                   "it with sagebox.notebook.notebook_instance_lifecycle_config first)" % config)

    def run(self) -> None:
        params, state = self.params, self.params["state"]
        if state in END_STATES or params["name"] is None:
            before = record.load_record(params["record_path"])
            if state == "absent" and before is None:
                # Deleted already: nothing to do.
                self.module.exit_json(changed=False, notebook_instance_name="", notebook_instance_arn="",
                                      notebook_instance={}, updated_fields=[], status_before="")
            before = record.hosts_instance(before, params["name"])
            params["name"] = before["NotebookInstanceName"]
            self.check_request()
        else:
            # The request first, as SageMaker checks it before it looks at what exists.
            self.check_request()
            before = record.load_record(params["record_path"])
            if before is not None and before["NotebookInstanceName"] != params["name"]:
                raise RequestError("name %r: this host already holds notebook instance %r, and a host holds one notebook "
                                   "instance" % (params["name"], before["NotebookInstanceName"]))
        if state in END_STATES:
            after = self.bring_to(before)
            changed = after != before
        elif state == "absent":
            status.check_action(params["name"], "absent", before and before["NotebookInstanceStatus"])
            present = [path for path in self.owned_files() if os.path.exists(path)]
            for path in [] if self.module.check_mode else present:
                os.unlink(path)
            after, changed = {}, bool(present)
        else:
            after = self.present(before, time.time())
            if after != before and not self.module.check_mode:
                record.save_record(after, params["record_path"])
            changed = record.publish(after, params["metadata_path"], self.module.check_mode) or after != before
        result = {
            "changed": changed,
            "notebook_instance_name": (after or before or {}).get("NotebookInstanceName", ""),
            "notebook_instance_arn": (after or before or {}).get("NotebookInstanceArn", ""),
            "notebook_instance": record.describe(after),
            "updated_fields": self.updated_fields,
            "status_before": (before or {}).get("NotebookInstanceStatus", ""),
        }
        if self.module._diff:
            result["diff"] = {"before": record.describe(before or {}), "after": record.describe(after)}
        self.module.exit_json(**result)


def main() -> None:
    argument_spec = {
        "name": {"type": "str", "aliases": ["notebook_instance_name"]},
        "state": {"type": "str", "choices": ["present", "started", "stopped", "absent"], "default": "present"},
        "instance_type": {"type": "str"},
        "volume_size_in_gb": {"type": "int"},
        "lifecycle_config_name": {"type": "str"},
        "root_access": {"type": "str", "choices": ["Enabled", "Disabled"]},
        "direct_internet_access": {"type": "str", "choices": ["Enabled", "Disabled"]},
        "subnet_id": {"type": "str"},
        "security_group_ids": {"type": "list", "elements": "str"},
        "default_code_repository": {"type": "str"},
        "additional_code_repositories": {"type": "list", "elements": "str"},
        "tags": {"type": "raw"},
        "platform_identifier": {"type": "str"},
        "url": {"type": "str"},
        "start_unit": {"type": "str", "default": "sagebox-notebook-instance-start.service"},
        "stop_unit": {"type": "str", "default": "sagebox-notebook-instance-stop.service"},
    }
    argument_spec.update(host_layout.options("record_path", "metadata_path", "secrets_dir", "lifecycle_configs_dir", "region"))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        NotebookInstance(module).run()
    except (RequestError, RecordError) as exc:
        module.fail_json(msg=str(exc))


if __name__ == "__main__":
    main()
