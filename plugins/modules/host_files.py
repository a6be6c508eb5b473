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
  directory_mode:
    description: The mode of a parent directory this module makes.
    type: str
    default: "0755"
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
        description: Whether it runs now (started) or not (stopped); left as it is when not given.
        type: bool
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

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes


def current_content(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def make_parents(module: AnsibleModule, path: str) -> bool:
    """Make the missing parent directories of `path`; return whether any was missing."""
    missing = []
    parent = os.path.dirname(path)
    while parent and not os.path.isdir(parent):
        missing.append(parent)
        parent = os.path.dirname(parent)
    if missing and not module.check_mode:
        for directory in reversed(missing):
            os.mkdir(directory)
            os.chmod(directory, int(module.params["directory_mode"], 8))
    return bool(missing)


def write(module: AnsibleModule, path: str, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".sagebox-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    module.atomic_move(temporary, path)


# Where a changed file is a unit (or a drop-in) that systemd must reload.
SYSTEMD_DIRS = ("/etc/systemd/",)


def unit_changes(module: AnsibleModule, spec: dict) -> list[list[str]]:
    """The systemctl commands that bring the unit of `spec` to its enabled and active state."""
    commands = []
    name = spec["name"]
    if spec["enabled"] is not None:
        rc = module.run_command(["systemctl", "is-enabled", "--quiet", name])[0]
        if (rc == 0) != spec["enabled"]:
            commands.append(["systemctl", "enable" if spec["enabled"] else "disable", name])
    if spec["active"] is not None:
        rc = module.run_command(["systemctl", "is-active", "--quiet", name])[0]
        if (rc == 0) != spec["active"]:
            commands.append(["systemctl", "start" if spec["active"] else "stop", name])
    return commands


def bring_units(module: AnsibleModule, reload: bool) -> list[str]:
    """Reload systemd when asked, then bring each unit to its state; return the units changed."""
    if reload and not module.check_mode:
        run_or_fail(module, ["systemctl", "daemon-reload"])
    changed = []
    for spec in module.params["units"]:
        commands = unit_changes(module, spec)
        if commands:
            changed.append(spec["name"])
            if not module.check_mode:
                for command in commands:
                    run_or_fail(module, command)
    return changed


def run_or_fail(module: AnsibleModule, command: list[str]) -> None:
    rc, out, err = module.run_command(command)
    if rc != 0:
        module.fail_json(msg="%s failed (exit status %d): %s" % (" ".join(command), rc, (err or out).strip()))


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "files": {
                "type": "list", "elements": "dict", "required": True,
                "options": {
                    "path": {"type": "path", "required": True},
                    "content": {"type": "str", "required": True},
                    "owner": {"type": "str", "default": "root"},
                    "group": {"type": "str", "default": "root"},
                    "mode": {"type": "str", "default": "0644"},
                },
            },
            "directory_mode": {"type": "str", "default": "0755"},
            "units": {
                "type": "list", "elements": "dict", "default": [],
                "options": {
                    "name": {"type": "str", "required": True},
                    "enabled": {"type": "bool"},
                    "active": {"type": "bool"},
                },
            },
        },
        supports_check_mode=True,
    )
    for spec in module.params["files"] + [{"path": "directory_mode", "mode": module.params["directory_mode"]}]:
        try:
            int(spec["mode"], 8)
        except ValueError:
            module.fail_json(msg="files: %s: mode %r is not an octal mode such as 0644" % (spec["path"], spec["mode"]))
    changed_files, diffs = [], []
    for spec in module.params["files"]:
        path, content = spec["path"], to_bytes(spec["content"])
        before = current_content(path)
        changed = make_parents(module, path)
        if before != content:
            changed = True
            diffs.append({"before_header": path, "after_header": path,
                          "before": (before or b"").decode("utf-8", "replace"), "after": spec["content"]})
            if not module.check_mode:
                write(module, path, content)
        if os.path.exists(path):
            changed = module.set_owner_if_different(path, spec["owner"], changed)
            changed = module.set_group_if_different(path, spec["group"], changed)
            changed = module.set_mode_if_different(path, spec["mode"], changed)
        if changed:
            changed_files.append(path)
    reload = any(path.startswith(SYSTEMD_DIRS) for path in changed_files)
    changed_units = bring_units(module, reload)
    result = {"changed": bool(changed_files or changed_units), "changed_files": changed_files,
              "changed_units": changed_units, "daemon_reloaded": reload and not module.check_mode}
    if module._diff:
        result["diff"] = diffs
    module.exit_json(**result)


if __name__ == "__main__":
    main()
