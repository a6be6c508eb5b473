#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create, start, stop, update and delete the host's notebook instance, as SageMaker's API does."""

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_instance
short_description: Create, start, stop, update or delete the notebook instance on this host
version_added: 0.1.0
description:
  - Validates a CreateNotebookInstance request against SageMaker's constraints before touching the host,
    then keeps a durable, root-only record of the instance on it, writes
    C(/opt/ml/metadata/resource-metadata.json) with its C(ResourceName) and C(ResourceArn). The
    C(sagebox.notebook.jupyter) role makes the instance's secrets (the private key that signs presigned URLs,
    root only in O(secrets_dir); Jupyter's session secret, in memory and under C(/run), root only).
  - One notebook instance per host. A host that already holds another instance refuses a second name.
  - The instance starts C(Pending). The C(sagebox.notebook.notebook_instance) role (through the
    C(sagebox.notebook.create_notebook_instance) playbook) builds it and sets O(status) to C(InService) once
    Jupyter answers, or to C(Failed) with O(failure_reason).
  - O(state) is the end state the instance is brought to, as SageMaker's operations do, after checking
    that its status allows the operation. V(present) is CreateNotebookInstance (records a new instance
    C(Pending); the C(sagebox.notebook.notebook_instance) role builds it), V(started) StartNotebookInstance
    (a C(Stopped), C(Failed) or C(Pending) instance is brought C(InService) by the host's start unit
    O(start_unit); the module waits for it and fails with the C(FailureReason) when the start fails),
    V(stopped) StopNotebookInstance (an C(InService) or C(Failed) instance is brought C(Stopped) by the host's
    stop unit O(stop_unit)), V(updated) UpdateNotebookInstance (only when C(Stopped); records C(Updating)),
    V(absent) DeleteNotebookInstance (only when C(Stopped) or C(Failed); removes the record, the resource
    metadata and the secrets).
  - V(started) and V(stopped) need the host's units, which the C(sagebox.notebook.notebook_instance) role
    installs at create; they do the work, and the module triggers them and waits. An instance already in the
    end state is left as it is. The role's C(start) entry point also applies an update's C(RootAccess) and
    code repositories, which need a rebuild, before it starts the instance.
  - O(status) records a step of an operation that the C(sagebox.notebook.notebook_instance) role carries out
    itself (the build of a create, an update, a delete).
  - With V(present), a request that names another value for a recorded field fails, as that is an update.
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
  state:
    description:
      - The operation, see the description. An instance in a status the operation does not allow
        (for example V(updated) while C(InService)) fails with the reason and changes nothing.
    type: str
    choices: [present, started, stopped, updated, absent]
    default: present
  name:
    description:
      - The notebook instance name (NotebookInstanceName).
      - At most 63 characters matching C([a-zA-Z0-9](-*[a-zA-Z0-9])*).
      - Required, except with O(state=started) and O(state=stopped), which act on the host's one instance when it is
        left out (the instance it names must be the host's).
    type: str
    aliases: [notebook_instance_name]
  instance_type:
    description:
      - The instance type (InstanceType). A label here, recorded and returned; the host is what it is.
      - C(ml.t3.medium) when a create leaves it out. Fields left out of V(present) or V(updated) are not compared
        or changed.
    type: str
  volume_size_in_gb:
    description:
      - Size of the ML storage volume in GB (VolumeSizeInGB), 5 to 16384; 5 when a create leaves it out.
      - An update may only grow it.
    type: int
  lifecycle_config_name:
    description:
      - Name of the lifecycle configuration to run (NotebookInstanceLifecycleConfigName).
      - With V(updated), an empty string disassociates it.
    type: str
  root_access:
    description: Whether the notebook user may become root (RootAccess); C(Enabled) when a create leaves it out.
    type: str
    choices: [Enabled, Disabled]
  direct_internet_access:
    description:
      - Whether the instance may reach the internet directly (DirectInternetAccess); C(Enabled) when a create
        leaves it out. Fixed at create, as on SageMaker.
    type: str
    choices: [Enabled, Disabled]
  subnet_id:
    description: Subnet (SubnetId), recorded as intent.
    type: str
  security_group_ids:
    description: Security groups (SecurityGroupIds), recorded as intent.
    type: list
    elements: str
  default_code_repository:
    description: Default Git repository (DefaultCodeRepository). With V(updated), an empty string disassociates it.
    type: str
  additional_code_repositories:
    description:
      - Up to 3 more Git repositories (AdditionalCodeRepositories). With V(updated), the new list replaces the
        old; an empty list disassociates them.
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
      - Record the instance's progress, with O(state=present). Set by the C(notebook_instance) role while it
        carries out an operation; leave it unset otherwise.
      - Only SageMaker's transitions are allowed (for example C(Stopped) only after C(Stopping) or C(Updating)).
    type: str
    choices: [Pending, InService, Stopping, Stopped, Failed, Deleting, Updating]
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
    description:
      - SageMaker's resource metadata file, read by lifecycle scripts.
      - Beside it, C(notebook-instance.json) holds the instance as DescribeNotebookInstance gives it, tags included,
        readable by every user of the host (code on the instance reads its own description and tags without
        credentials); both are rewritten with every change of the record.
    type: path
    default: /opt/ml/metadata/resource-metadata.json
  secrets_dir:
    description: Directory of the instance's secrets (root only), removed with V(absent).
    type: path
    default: /etc/sagebox/notebook-instance
  start_unit:
    description: The host's start unit, which O(state=started) starts (the C(notebook_instance) role installs it).
    type: str
    default: sagebox-notebook-instance-start.service
  stop_unit:
    description: The host's stop unit, which O(state=stopped) starts (the C(notebook_instance) role installs it).
    type: str
    default: sagebox-notebook-instance-stop.service
  build_marker:
    description:
      - With O(state=started), a file an update leaves when it changed what only a build applies (C(RootAccess),
        the code repositories). While it is there, the module starts nothing and returns RV(build_needed) (the
        C(notebook_instance) role's start then builds the instance and starts it), in the same round trip that
        would have started it.
    type: path
  controls:
    description:
      - With O(state=started), the host's controls with this run's settings, brought to their state once the request
        is checked and before the start unit runs, in the same round trip (the C(notebook_instance) role's start
        passes its start and stop units, their configuration and helpers, and the idle check's files and timer).
        As M(sagebox.notebook.host_files) does with its options of the same names; systemd is reloaded when a
        file under C(/etc/systemd/) changed. Applied also when the instance is already C(InService) (nothing is
        started then), and not when RV(build_needed) (the build writes them).
      - Not for secrets, as the content travels as a module argument.
    type: dict
    suboptions:
      files:
        description: The files.
        type: list
        elements: dict
        required: true
        suboptions:
          path:
            description: The file.
            type: path
            required: true
          content:
            description: Its whole content.
            type: str
            required: true
          owner:
            description: Its owner.
            type: str
            default: root
          group:
            description: Its group.
            type: str
            default: root
          mode:
            description: Its mode, in octal.
            type: str
            default: "0644"
      units:
        description: systemd units to bring to a state once the files are written, in this order.
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description: The unit, with its suffix (C(example.timer)).
            type: str
            required: true
          enabled:
            description: Whether it starts at boot; left as it is when not given.
            type: bool
          active:
            description: Whether it runs now; left as it is when not given.
            type: bool
  lifecycle_configs_dir:
    description:
      - Where lifecycle configurations are kept (M(sagebox.notebook.notebook_instance_lifecycle_config)).
        A create or update naming one that does not exist there fails.
    type: path
    default: /etc/sagebox/lifecycle-configs
notes:
  - With O(state=started) or O(state=stopped), run the module with C(TMPDIR) outside C(/tmp) (for example
    C(/var/tmp)), as the units empty C(/tmp) and mount it, where Ansible unpacks the module by default.
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

- name: Grow the volume of the stopped instance and disable root access
  sagebox.notebook.notebook_instance:
    name: research-nb
    state: updated
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
  description: The fields an update changed (O(state=updated)).
  returned: success
  type: list
  elements: str
  sample: [RootAccess, VolumeSizeInGB]
notebook_instance_arn:
  description: The instance's ARN-like id (empty when there is no instance).
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
  description: With O(state=started) or O(state=stopped), the instance's status (NotebookInstanceStatus) before the call.
  returned: with state=started or state=stopped
  type: str
  sample: Stopped
controls:
  description: With O(state=started) and O(controls), what was changed (or would be, in check mode).
  returned: with state=started and controls
  type: dict
  contains:
    changed_files:
      description: The files whose content, owner, group or mode changed.
      type: list
      elements: str
    changed_units:
      description: The units enabled, disabled, started or stopped.
      type: list
      elements: str
    daemon_reloaded:
      description: Whether systemd was reloaded.
      type: bool
build_needed:
  description: With O(state=started) and O(build_marker), whether the file was there (nothing was started then).
  returned: with state=started
  type: bool
"""

import os
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import host_files as hf
from ansible_collections.sagebox.notebook.plugins.module_utils import notebook_instance as nb
from ansible_collections.sagebox.notebook.plugins.module_utils import presigned_token as pt

# The instance's secrets, which the jupyter role makes (the private presign key) or made before
# (an HMAC signing key and a cookie secret, from before presigned URLs were signed with Ed25519).
SECRET_FILES = (pt.PRIVATE_KEY_FILE, "signing-key", "cookie-secret")


class NotebookInstance:
    """Compare the wanted notebook instance with the host's record and bring the host in line."""

    def __init__(self, module: AnsibleModule):
        self.module = module
        self.params = module.params
        self.changed = False
        self.updated_fields = []

    def fail(self, msg: str, **kwargs) -> None:
        self.module.fail_json(msg=msg, **kwargs)

    def created_record(self, now: float) -> dict:
        name = self.params["name"]
        arn = nb.instance_arn(name, self.params["region"], nb.host_account())
        return nb.new_record(name, arn, nb.requested_fields(self.params), now)

    def converged_record(self, before: dict) -> dict:
        """The record for state=present on an existing instance: what it asks must be what it has."""
        fields = nb.given_fields(self.params)
        # A create's tags are the new instance's; later, AddTags and DeleteTags change them
        # (sagebox.notebook.notebook_instance_tags), and a create run again keeps what they made.
        fields.pop("Tags", None)
        differences = nb.request_differences(before, fields)
        if differences:
            self.fail(
                "notebook instance %r exists with other %s: changing them is an update (state=updated), which "
                "needs the instance Stopped" % (self.params["name"], ", ".join(differences)),
                differences={f: {"recorded": before.get(f), "requested": fields.get(f)} for f in differences},
            )
        record = dict(before)
        if fields.get("Url") and record.get("Url") != fields["Url"]:
            record["Url"] = fields["Url"]
        return record

    def wanted_record(self, before: dict | None, now: float) -> dict | None:
        """The record the request asks for (None: no instance), after checking the request is allowed now."""
        name, state, status = self.params["name"], self.params["state"], self.params["status"]
        current = before["NotebookInstanceStatus"] if before else None
        if before is not None and before["NotebookInstanceName"] != name:
            self.fail(
                "name %r: this host already holds notebook instance %r, and a host holds one notebook instance"
                % (name, before["NotebookInstanceName"])
            )
        try:
            if status is not None:
                # The roles record their progress (a build, a start, a stop, an update, a delete).
                # In check mode the create earlier in the same run recorded nothing: it would be Pending.
                if current is None and self.module.check_mode:
                    current = "Pending"
                nb.check_status_change(name, current, status)
            else:
                nb.check_action(name, state, current)
                status = self.status_for(state, current)
            if state == "absent":
                return None
            if state == "updated":
                changes = nb.check_update(before, nb.given_fields(self.params))
                record = nb.updated_record(before, changes, now) if changes else dict(before)
                if changes:
                    status = "Updating"
                self.updated_fields = sorted(changes)
            else:
                record = self.created_record(now) if before is None else self.converged_record(before)
        except nb.RequestError as exc:
            self.fail(str(exc))
        return nb.with_status(record, status, now, self.params["failure_reason"])

    @staticmethod
    def status_for(state: str, current: str | None) -> str:
        """The status a create, update or delete leads to from `current` (the roles carry it on from there)."""
        if state == "present":
            return "Pending" if current in (None, "Failed") else current
        return current or "Pending"

    # The end state of started and stopped, and the host unit that brings the instance there.
    END_STATES = {"started": ("InService", "start_unit"), "stopped": ("Stopped", "stop_unit")}

    def bring_to_end_state(self, before: dict | None) -> None:
        """Start or stop the instance through the host's unit, wait for it, and exit with the result."""
        name, state = self.params["name"], self.params["state"]
        end, unit_option = self.END_STATES[state]
        unit = self.params[unit_option]
        if before is not None and before["NotebookInstanceName"] != name:
            self.fail("name %r: this host holds notebook instance %r, not this one: name it, or leave the name out"
                      % (name, before["NotebookInstanceName"]))
        current = before["NotebookInstanceStatus"] if before else None
        try:
            nb.check_action(name, state, current)
        except nb.RequestError as exc:
            self.fail(str(exc))
        after = before
        if state == "started" and self.params["build_marker"] and os.path.exists(self.params["build_marker"]):
            self.module.exit_json(changed=False, build_needed=True, notebook_instance_arn=before["NotebookInstanceArn"],
                                  notebook_instance=nb.describe(before), updated_fields=[], status_before=current)
        applied = None
        if self.params["controls"] is not None:
            controls = self.params["controls"]
            applied = hf.apply(self.module, controls["files"], controls["units"])
            applied.pop("diffs")
            self.changed = bool(applied["changed_files"] or applied["changed_units"])
        if current != end:
            self.changed = True
            if self.module.check_mode:
                after = nb.with_status(before, end, time.time())
            else:
                rc, out, err = self.module.run_command(["systemctl", "start", unit])
                try:
                    after = nb.load_record(self.params["record_path"])
                except nb.RecordError as exc:
                    self.fail(str(exc))
                reached = (after or {}).get("NotebookInstanceStatus")
                if reached != end:
                    reason = (after or {}).get("FailureReason") or (err or out).strip() or "exit status %d" % rc
                    self.fail("notebook instance %r is %s, not %s: %s (journalctl -u %s)"
                              % (name, reached or "absent", end, reason, unit),
                              notebook_instance=nb.describe(after or {}))
        result = {"changed": self.changed, "notebook_instance_arn": before["NotebookInstanceArn"],
                  "notebook_instance": nb.describe(after), "updated_fields": [], "status_before": current}
        if state == "started":
            result["build_needed"] = False
        if applied is not None:
            result["controls"] = applied
        if self.module._diff:
            result["diff"] = {"before": nb.describe(before), "after": nb.describe(after)}
        self.module.exit_json(**result)

    def ensure_metadata(self, record: dict) -> None:
        if nb.publish(record, self.params["metadata_path"], self.module.check_mode):
            self.changed = True

    def remove(self) -> None:
        """Delete the record, the resource metadata and the secrets."""
        paths = [self.params["record_path"], self.params["metadata_path"], nb.description_path(self.params["metadata_path"])]
        paths += [os.path.join(self.params["secrets_dir"], secret) for secret in SECRET_FILES]
        for path in paths:
            if os.path.exists(path):
                self.changed = True
                if not self.module.check_mode:
                    os.unlink(path)

    def name_the_hosts_instance(self) -> None:
        """started and stopped without a name: the host's one instance."""
        try:
            record = nb.load_record(self.params["record_path"])
        except nb.RecordError as exc:
            self.fail(str(exc))
        if record is None:
            self.fail("this host holds no notebook instance: create one first: ansible-playbook -i INVENTORY "
                      "sagebox.notebook.create_notebook_instance -e notebook_instance_name=NAME")
        self.params["name"] = record["NotebookInstanceName"]

    def run(self) -> None:
        if self.params["name"] is None:
            self.name_the_hosts_instance()
        try:
            nb.check_create_request(self.params)
        except nb.RequestError as exc:
            self.fail(str(exc))
        if self.params["status"] is not None and self.params["state"] != "present":
            self.fail("status %r is recorded with state=present only, not state=%s"
                      % (self.params["status"], self.params["state"]))
        if self.params["controls"] is not None:
            if self.params["state"] != "started":
                self.fail("controls are written with state=started only, not state=%s" % self.params["state"])
            hf.check_modes(self.module, self.params["controls"]["files"], "0755", "controls.files")
        config = self.params["lifecycle_config_name"]
        if config and self.params["state"] in ("present", "updated") and self.params["status"] is None:
            if not os.path.exists(os.path.join(self.params["lifecycle_configs_dir"], config, "config.json")):
                self.fail("lifecycle_config_name %r: no such lifecycle configuration on this host (create it with "
                          "sagebox.notebook.notebook_instance_lifecycle_config first)" % config)
        try:
            before = nb.load_record(self.params["record_path"])
        except nb.RecordError as exc:
            self.fail(str(exc))
        if self.params["state"] in self.END_STATES:
            self.bring_to_end_state(before)
        after = self.wanted_record(before, time.time())
        if after is None:
            self.remove()
        else:
            if after != before:
                self.changed = True
                if not self.module.check_mode:
                    nb.save_record(after, self.params["record_path"])
            self.ensure_metadata(after)
        result = {
            "changed": self.changed,
            "notebook_instance_arn": (after or before or {}).get("NotebookInstanceArn", ""),
            "notebook_instance": nb.describe(after or {}),
            "updated_fields": self.updated_fields,
        }
        if self.module._diff:
            result["diff"] = {"before": nb.describe(before or {}), "after": nb.describe(after or {})}
        self.module.exit_json(**result)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "aliases": ["notebook_instance_name"]},
            "state": {"type": "str", "choices": ["present", "started", "stopped", "updated", "absent"],
                      "default": "present"},
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
            "status": {"type": "str", "choices": list(nb.STATUSES)},
            "failure_reason": {"type": "str"},
            "region": {"type": "str", "default": "local"},
            "record_path": {"type": "path", "default": nb.RECORD_PATH},
            "metadata_path": {"type": "path", "default": nb.METADATA_PATH},
            "secrets_dir": {"type": "path", "default": nb.SECRETS_DIR},
            "lifecycle_configs_dir": {"type": "path", "default": "/etc/sagebox/lifecycle-configs"},
            "start_unit": {"type": "str", "default": "sagebox-notebook-instance-start.service"},
            "stop_unit": {"type": "str", "default": "sagebox-notebook-instance-stop.service"},
            "build_marker": {"type": "path"},
            "controls": {"type": "dict", "options": {
                "files": {"type": "list", "elements": "dict", "required": True, "options": hf.FILE_OPTIONS},
                "units": {"type": "list", "elements": "dict", "default": [], "options": hf.UNIT_OPTIONS},
            }},
        },
        required_if=[("status", "Failed", ["failure_reason"]), ("state", "present", ["name"]),
                     ("state", "updated", ["name"]), ("state", "absent", ["name"])],
        supports_check_mode=True,
    )
    NotebookInstance(module).run()


if __name__ == "__main__":
    main()
