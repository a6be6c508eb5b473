#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write several files on the host in one step."""

from __future__ import annotations

DOCUMENTATION = r"""
module: host_files
short_description: Write several files on the host in one step
version_added: 0.2.0
description:
  - Brings each file in O(files) to the given content, owner, group and mode, in one module run, that is one
    round trip for what M(ansible.builtin.copy) or M(ansible.builtin.template) in a loop does in two or
    more per file. The roles use it for the host's units, helpers and configuration, rendered on the
    controller (C(lookup('ansible.builtin.template', ...))).
  - A file whose content differs is replaced atomically; owner, group and mode are set when they differ.
    Missing parent directories are made (root's, O(directory_mode)).
  - Then, in the same run, systemd is reloaded when a file under C(/etc/systemd/) changed, and each unit
    in O(units) is enabled or disabled, started or stopped where it is not as asked; the files of a unit
    and its state in one round trip, where M(ansible.builtin.systemd_service) takes one per unit after a
    separate daemon reload.
  - Not for secrets, as the content travels as a module argument.
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.host_files
attributes:
  check_mode:
    support: full
    details: Reports which files would change; writes nothing.
  diff_mode:
    support: full
    details: One diff per changed file's content.
  platform:
    platforms: posix
options:
  directory_mode:
    description: The mode of a parent directory this module makes.
    type: str
    default: "0755"
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Install a unit and its helper
  sagebox.notebook.host_files:
    files:
      - path: /etc/systemd/system/example.service
        content: "{{ lookup('ansible.builtin.template', 'example.service.j2') }}"
      - path: /usr/local/libexec/example/helper
        content: "{{ lookup('ansible.builtin.file', 'helper') }}"
        mode: "0755"
  register: example_files

- name: Install a timer and turn it on (systemd is reloaded first when a unit file changed)
  sagebox.notebook.host_files:
    files:
      - path: /etc/systemd/system/example.service
        content: "{{ lookup('ansible.builtin.template', 'example.service.j2') }}"
      - path: /etc/systemd/system/example.timer
        content: "{{ lookup('ansible.builtin.template', 'example.timer.j2') }}"
    units:
      - name: example.timer
        enabled: true
        active: true
"""

RETURN = r"""
changed_files:
  description: The files whose content, owner, group or mode changed (or would change in check mode).
  returned: success
  type: list
  elements: str
  sample: [/etc/systemd/system/example.service]
changed_units:
  description: The units of O(units) enabled, disabled, started or stopped (or that would be, in check mode).
  returned: success
  type: list
  elements: str
  sample: [example.timer]
daemon_reloaded:
  description: Whether systemd was reloaded (a file under C(/etc/systemd/) changed; never in check mode).
  returned: success
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import host_files as hf


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "files": {"type": "list", "elements": "dict", "required": True, "options": hf.FILE_OPTIONS},
            "directory_mode": {"type": "str", "default": "0755"},
            "units": {"type": "list", "elements": "dict", "default": [], "options": hf.UNIT_OPTIONS},
        },
        supports_check_mode=True,
    )
    hf.check_modes(module, module.params["files"], module.params["directory_mode"])
    done = hf.apply(module, module.params["files"], module.params["units"], module.params["directory_mode"])
    diffs = done.pop("diffs")
    result = dict(done, changed=bool(done["changed_files"] or done["changed_units"]))
    if module._diff:
        result["diff"] = diffs
    module.exit_json(**result)


if __name__ == "__main__":
    main()
