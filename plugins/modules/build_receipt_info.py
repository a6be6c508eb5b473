#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Say whether the host still is as its notebook instance's last complete build left it."""

from __future__ import annotations

DOCUMENTATION = r"""
module: build_receipt_info
short_description: Say whether the host still is as the notebook instance's last complete build left it
version_added: 0.2.0
description:
  - Not a SageMaker call. Compares the receipt that M(sagebox.notebook.build_receipt) wrote with what is asked
    now (O(fingerprint)) and with the host now (files, OS packages, Python environments, mounts, units, users),
    in one module run.
  - The notebook_instance role's create builds only when RV(current) is false, and says why from
    RV(differences) (docs/re-runs.md).
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.build_receipt
attributes:
  check_mode:
    support: full
    details: Reads only.
  diff_mode:
    support: N/A
    details: Reads only.
  platform:
    platforms: posix
seealso:
  - module: sagebox.notebook.build_receipt
options:
  fingerprint:
    description:
      - What is asked now, as one digest (the P(sagebox.notebook.build_fingerprint#lookup) lookup gives it from the
        collection's code, the roles' settings and the instance as recorded).
    type: str
    required: true
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Ask whether anything is left to build
  sagebox.notebook.build_receipt_info:
    fingerprint: "{{ lookup('sagebox.notebook.build_fingerprint', instance_fields) }}"
    paths: [/etc/sagebox, /etc/systemd/system]
    environments: ["/home/ec2-user/anaconda3/envs/*"]
    mounts: [/home/ec2-user/SageMaker, /tmp]
    units: [jupyter-server.service]
    users: [ec2-user]
  register: receipt
"""

RETURN = r"""
current:
  description: Whether the host is as the receipt says and the receipt is for this fingerprint.
  returned: success
  type: bool
differences:
  description: Why not, a line each (at most twelve, then how many more); empty when RV(current).
  returned: success
  type: list
  elements: str
  sample:
    - "mount /home/ec2-user/SageMaker: not mounted (was ext4 /dev/loop0 nodev,nosuid,relatime,rw)"
    - "environment /home/ec2-user/anaconda3/envs/python3: gone matplotlib-3.9.2.dist-info"
    - "/etc/systemd/system/sagebox-notebook-instance-stop.service: removed"
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import build_receipt as br


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            br.SPEC_OPTIONS,
            path={"type": "path", "default": br.RECEIPT_PATH},
            fingerprint={"type": "str", "required": True},
        ),
        supports_check_mode=True,
    )
    try:
        receipt = br.load(module.params["path"])
        differences = br.check(receipt, module.params["fingerprint"], br.spec_from(module.params), module.run_command)
    except br.ReceiptError as exc:
        differences = [str(exc)]
    module.exit_json(changed=False, current=not differences, differences=differences)


if __name__ == "__main__":
    main()
