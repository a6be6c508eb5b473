#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create, update or delete a notebook-instance lifecycle configuration on the host."""

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_instance_lifecycle_config
short_description: Create, update or delete a lifecycle configuration (OnCreate/OnStart scripts)
version_added: 0.2.0
description:
  - SageMaker's CreateNotebookInstanceLifecycleConfig, UpdateNotebookInstanceLifecycleConfig and
    DeleteNotebookInstanceLifecycleConfig, on the instance host.
  - Keeps the configuration and its scripts root-only under O(lifecycle_configs_dir)/<name>. The
    C(sagebox.notebook.notebook_instance) role runs the instance's OnCreate script once, when the instance is
    created, and its OnStart script at every start (creation included), as root, with SageMaker's
    environment, for at most 5 minutes each.
  - A script is given in SageMaker's form (a list of at most one C({content}) in base64, at most 16384
    characters) or as plain text (O(on_create_script), O(on_start_script), for example from a
    C(lookup('file', ...))). Invalid base64 or oversized content fails and changes nothing.
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.host_layout
  - sagebox.notebook.host_layout.configs
  - sagebox.notebook.host_layout.region
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: The diff shows the configuration (base64 contents) before and after.
  platform:
    platforms: posix
options:
  name:
    description:
      - The configuration's name (NotebookInstanceLifecycleConfigName), at most 63 characters matching
        C([a-zA-Z0-9](-*[a-zA-Z0-9])*).
    type: str
    required: true
  state:
    description:
      - V(present) creates the configuration or updates its scripts; a hook left out (both its options unset)
        keeps its script, an empty list or empty script removes it.
      - V(absent) deletes it. A configuration that the host's notebook instance uses cannot be deleted.
    type: str
    choices: [present, absent]
    default: present
  on_create:
    description: The OnCreate script, SageMaker's form.
    type: list
    elements: dict
    suboptions:
      content:
        description: The script, base64-encoded, at most 16384 characters.
        type: str
        required: true
  on_create_script:
    description: The OnCreate script as plain text. Mutually exclusive with O(on_create).
    type: str
  on_start:
    description: The OnStart script, SageMaker's form.
    type: list
    elements: dict
    suboptions:
      content:
        description: The script, base64-encoded, at most 16384 characters.
        type: str
        required: true
  on_start_script:
    description: The OnStart script as plain text. Mutually exclusive with O(on_start).
    type: str
seealso:
  - module: sagebox.notebook.notebook_instance_lifecycle_config_info
  - module: sagebox.notebook.notebook_instance
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Install a package at every start, from a script file on the controller
  sagebox.notebook.notebook_instance_lifecycle_config:
    name: team-setup
    on_start_script: "{{ lookup('ansible.builtin.file', 'on-start.sh') }}"

- name: The same configuration in SageMaker's form
  sagebox.notebook.notebook_instance_lifecycle_config:
    name: team-setup
    on_create:
      - content: "{{ 'echo created' | b64encode }}"
    on_start:
      - content: "{{ lookup('ansible.builtin.file', 'on-start.sh') | b64encode }}"

- name: Delete it
  sagebox.notebook.notebook_instance_lifecycle_config:
    name: team-setup
    state: absent
"""

RETURN = r"""
lifecycle_config:
  description:
    - The configuration as DescribeNotebookInstanceLifecycleConfig gives it; empty after a delete.
  returned: success
  type: dict
  sample:
    NotebookInstanceLifecycleConfigName: team-setup
    NotebookInstanceLifecycleConfigArn: arn:sagebox:sagemaker:local:493027661054:notebook-instance-lifecycle-config/team-setup
    OnStart: [{Content: ZWNobyBzdGFydGVkCg==}]
    CreationTime: "2026-11-24T10:00:00+00:00"
    LastModifiedTime: "2026-11-24T10:00:00+00:00"
"""

import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import lifecycle_config as lc
from ansible_collections.sagebox.notebook.plugins.module_utils import arn, host_layout, record, request, request_error, status


def wanted(params: dict, before: dict | None, now: float) -> dict:
    """The configuration the request asks for; raises request_error.RequestError on a broken limit."""
    name = params["name"]
    if before is None:
        config = {
            "NotebookInstanceLifecycleConfigName": name,
            "NotebookInstanceLifecycleConfigArn": arn.instance_arn(
                name, params["region"], arn.host_account(), "notebook-instance-lifecycle-config"),
            "CreationTime": status.timestamp(now),
            "LastModifiedTime": status.timestamp(now),
        }
    else:
        config = dict(before)
    for option, field, _filename in lc.HOOKS:
        scripts, text = params[option], params[option + "_script"]
        if scripts is None and text is None:
            continue
        content = lc.hook_content(option, scripts, text)
        if content:
            config[field] = content
        else:
            config.pop(field, None)
    if before is not None and config != before:
        config["LastModifiedTime"] = status.timestamp(now)
    return config


def main() -> None:
    hook = {"type": "list", "elements": "dict", "options": {"content": {"type": "str", "required": True}}}
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "on_create": hook,
            "on_create_script": {"type": "str"},
            "on_start": dict(hook),
            "on_start_script": {"type": "str"},
            **host_layout.options("record_path", "lifecycle_configs_dir", "region"),
        },
        supports_check_mode=True,
    )
    params = module.params
    try:
        request.check_name(params["name"])
    except request_error.RequestError as exc:
        module.fail_json(msg=str(exc))
    before = lc.load(params["name"], params["lifecycle_configs_dir"])
    if params["state"] == "absent":
        after = None
        try:
            instance = record.load_record(params["record_path"])
        except request_error.RecordError as exc:
            module.fail_json(msg=str(exc))
        if before is not None and instance and instance.get("NotebookInstanceLifecycleConfigName") == params["name"]:
            module.fail_json(
                msg="lifecycle configuration %r is used by notebook instance %r: update the instance to another "
                    "configuration (or none) before deleting it" % (params["name"], instance["NotebookInstanceName"])
            )
    else:
        try:
            after = wanted(params, before, time.time())
        except request_error.RequestError as exc:
            module.fail_json(msg=str(exc))
    changed = after != before
    if changed and not module.check_mode:
        if after is None:
            lc.remove(params["name"], params["lifecycle_configs_dir"])
        else:
            lc.save(after, params["lifecycle_configs_dir"])
    result = {"changed": changed, "lifecycle_config": after or {}}
    if module._diff:
        result["diff"] = {"before": before or {}, "after": after or {}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
