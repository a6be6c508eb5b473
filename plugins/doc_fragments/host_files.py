# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files and systemd units brought to a state in one step (host_files, notebook_instance_controls)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
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
"""
