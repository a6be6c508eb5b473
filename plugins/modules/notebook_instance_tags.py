#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Add, replace or delete the tags of the notebook instance on this host (AddTags, DeleteTags, ListTags)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_instance_tags
short_description: Add or delete the tags of the notebook instance on this host, as SageMaker's AddTags and DeleteTags
version_added: 0.3.0
description:
  - SageMaker's AddTags, DeleteTags and ListTags for the notebook instance on this host, at any status (tags are
    not an update, and the instance need not be stopped).
  - The limits are SageMaker's. At most 50 tags; a key has 1 to 128 characters and does not start with C(aws:);
    a value has at most 256. A request that breaks one fails, naming the value and the rule, and changes nothing.
  - The tags are kept in the instance record and written, with the rest of the description, to
    C(notebook-instance.json) beside O(metadata_path), which every user of the host can read
    (C(jq .Tags /opt/ml/metadata/notebook-instance.json)).
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.host_layout
  - sagebox.notebook.host_layout.metadata
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: The diff shows the tags before and after.
  platform:
    platforms: posix
options:
  name:
    description: The notebook instance (NotebookInstanceName), which must be the host's; the host's one instance when left out.
    type: str
    aliases: [notebook_instance_name]
  tags:
    description:
      - With O(state=present), the tags to add, or to give a new value when their key is there (AddTags).
      - "A mapping (C({team: vision})) or SageMaker's list of C({Key, Value})."
    type: raw
  keys:
    description: With O(state=absent), the keys of the tags to delete (DeleteTags); keys that are not there are ignored.
    type: list
    elements: str
  state:
    description:
      - V(present) leaves the instance with O(tags) (and, with O(purge), with those alone).
      - V(absent) leaves it without the tags of O(keys).
    type: str
    choices: [present, absent]
    default: present
  purge:
    description: With O(state=present), delete the tags that O(tags) does not name.
    type: bool
    default: false
seealso:
  - module: sagebox.notebook.notebook_instance
  - module: sagebox.notebook.notebook_instance_info
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Tag the instance (AddTags)
  sagebox.notebook.notebook_instance_tags:
    name: research-nb
    tags: {team: vision, cost-center: "4711"}

- name: Delete a tag (DeleteTags)
  sagebox.notebook.notebook_instance_tags:
    name: research-nb
    state: absent
    keys: [cost-center]

- name: List the tags (ListTags)
  sagebox.notebook.notebook_instance_tags:
    name: research-nb
    tags: {}
  register: listed
"""

RETURN = r"""
tags:
  description: The instance's tags after the change, as ListTags gives them.
  returned: success
  type: list
  elements: dict
  sample: [{Key: team, Value: vision}]
notebook_instance_name:
  description: The instance, the host's one when O(name) is left out.
  returned: success
  type: str
  sample: research-nb
"""


from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import host_layout, record, request, request_error, tags


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "aliases": ["notebook_instance_name"]},
            "tags": {"type": "raw"},
            "keys": {"type": "list", "elements": "str", "no_log": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "purge": {"type": "bool", "default": False},
            **host_layout.options("record_path", "metadata_path"),
        },
        required_if=[("state", "absent", ["keys"])],
        mutually_exclusive=[("tags", "keys")],
        supports_check_mode=True,
    )
    params = module.params
    try:
        if params["name"] is not None:
            request.check_name(params["name"])
        instance = record.find_instance(params["record_path"], params["name"])
    except (request_error.RequestError, request_error.RecordError) as exc:
        module.fail_json(msg=str(exc))
    name = instance["NotebookInstanceName"]
    if instance["NotebookInstanceStatus"] == "Deleting":
        module.fail_json(msg="notebook instance %r is Deleting: its tags cannot change" % name)
    before = tags.record_tags(instance)
    try:
        if params["state"] == "present":
            after = tags.retagged(instance, add=params["tags"], purge=params["purge"])
        else:
            after = tags.retagged(instance, remove=params["keys"])
    except request_error.RequestError as exc:
        module.fail_json(msg=str(exc))
    changed = after != before or list(after) != list(before)
    new_record = tags.with_tags(instance, after)
    if changed and not module.check_mode:
        record.save_record(new_record, params["record_path"])
    changed = record.publish(new_record, params["metadata_path"], module.check_mode) or changed
    result = {"changed": changed, "tags": new_record["Tags"], "notebook_instance_name": name}
    if module._diff:
        result["diff"] = {"before": {"Tags": instance.get("Tags") or []}, "after": {"Tags": new_record["Tags"]}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
