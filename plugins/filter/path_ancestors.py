# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter listing a path's ancestor directories, to find the filesystem that will hold it."""

from __future__ import annotations

import posixpath

DOCUMENTATION = r"""
name: path_ancestors
short_description: List the directories above a path, from / down
version_added: 0.1.0
description:
  - Returns every ancestor directory of an absolute path, starting with V(/).
  - The path need not exist, which lets a play find the mount that will hold a file
    before the file or its directory is created (compare with C(ansible_facts.mounts)).
options:
  _input:
    description: An absolute path.
    type: path
    required: true
"""

EXAMPLES = r"""
- name: Find the filesystem that will hold a file
  ansible.builtin.debug:
    msg: >-
      {{ ansible_facts.mounts | selectattr('mount', 'in', '/var/lib/x/vol.img' | sagebox.notebook.path_ancestors)
         | sort(attribute='mount') | last }}
"""

RETURN = r"""
_value:
  description: The ancestor directories, shortest first.
  type: list
  elements: path
  sample: ["/", "/var", "/var/lib", "/var/lib/x"]
"""

from ansible.errors import AnsibleFilterError


def path_ancestors(path: str) -> list[str]:
    """Return the ancestor directories of an absolute path, shortest first."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise AnsibleFilterError(f"path_ancestors needs an absolute path, got {path!r}")
    ancestors = []
    current = posixpath.dirname(posixpath.normpath(path))
    while True:
        ancestors.append(current)
        if current == "/":
            break
        current = posixpath.dirname(current)
    return list(reversed(ancestors))


class FilterModule:
    """Ansible filter plugin entry point."""

    def filters(self):
        return {"path_ancestors": path_ancestors}
