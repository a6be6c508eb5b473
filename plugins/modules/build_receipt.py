#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write or remove the build receipt of the notebook instance on this host."""

from __future__ import annotations

DOCUMENTATION = r"""
module: build_receipt
short_description: Write or remove the receipt of a notebook instance's last complete build
version_added: 0.2.0
description:
  - Not a SageMaker call. With O(state=present), records what the build was asked to build (O(fingerprint))
    and what it left on the host (the files under O(paths), the OS packages, the Python O(environments),
    the O(mounts), the O(units) that run and the O(users)).
  - The notebook_instance role writes it at the end of a create; the next create asks
    M(sagebox.notebook.build_receipt_info) whether the host still is as it says, and builds only when it is
    not (docs/re-runs.md).
  - With O(state=absent), removes it (a delete), so that the next create builds.
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.build_receipt
attributes:
  check_mode:
    support: full
    details: Says whether the receipt would change; writes nothing.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  state:
    description: Whether the receipt is there, as the host is now.
    type: str
    choices: [present, absent]
    default: present
  fingerprint:
    description:
      - What the build was asked to build, as one digest (the P(sagebox.notebook.build_fingerprint#lookup) lookup gives
        it from the collection's code, the roles' settings and the instance as recorded).
      - Required with O(state=present).
    type: str
seealso:
  - module: sagebox.notebook.build_receipt_info
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Record what the build left
  sagebox.notebook.build_receipt:
    fingerprint: "{{ lookup('sagebox.notebook.build_fingerprint', instance_fields) }}"
    paths: [/etc/sagebox, /etc/systemd/system]
    environments: ["/home/ec2-user/anaconda3/envs/*"]
    mounts: [/home/ec2-user/SageMaker, /tmp]
    units: [jupyter-server.service]
    users: [ec2-user]
"""

RETURN = r"""
differences:
  description: With O(state=present), what differs from the receipt there was (empty when it was the same or none was there).
  returned: success
  type: list
  elements: str
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import build_receipt as br
from ansible_collections.sagebox.notebook.plugins.module_utils.private_files import write_private_file


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            br.SPEC_OPTIONS,
            path={"type": "path", "default": br.RECEIPT_PATH},
            fingerprint={"type": "str"},
            state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        ),
        required_if=[("state", "present", ["fingerprint"])],
        supports_check_mode=True,
    )
    params = module.params
    if params["state"] == "absent":
        there = os.path.lexists(params["path"])
        if there and not module.check_mode:
            os.unlink(params["path"])
        module.exit_json(changed=there, differences=[])
    try:
        before = br.load(params["path"])
    except br.ReceiptError:
        before = None
    spec = br.spec_from(params)
    receipt = br.make(params["fingerprint"], spec, br.snapshot(spec, module.run_command))
    changed = receipt != before
    differences = []
    if before is not None and changed:
        differences = (["the fingerprint"] if before.get("fingerprint") != receipt["fingerprint"] else []) + (
            br.differences(before["snapshot"], receipt["snapshot"]) if before.get("spec") == spec else ["what it covers"])
    if changed and not module.check_mode:
        write_private_file(params["path"], (json.dumps(receipt, indent=1, sort_keys=True) + "\n").encode())
    module.exit_json(changed=changed, differences=differences)


if __name__ == "__main__":
    main()
