# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options that say what a build receipt covers (build_receipt, build_receipt_info)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  path:
    description: The receipt, root's only.
    type: path
    default: /var/lib/sagebox/notebook-instance-build.json
  paths:
    description:
      - Files and directories the build writes (glob patterns allowed); directories are taken whole, without
        following symbolic links. Each file counts by content, owner, group and mode, a link by its target.
    type: list
    elements: str
    default: []
  exclude:
    description: Paths under O(paths) left out (what changes while the instance runs).
    type: list
    elements: str
    default: []
  environments:
    description: Python environments (glob patterns allowed), each counted by the distributions installed in it.
    type: list
    elements: str
    default: []
  mounts:
    description: Mount points, each counted by its file system type, source and options.
    type: list
    elements: str
    default: []
  units:
    description: systemd units that run once the build is done, each counted by whether it is active.
    type: list
    elements: str
    default: []
  users:
    description: Users the build makes, each counted by uid, gid, home and shell.
    type: list
    elements: str
    default: []
  runs:
    description:
      - Programs that root or a service runs, and files that root sources, each counted by the way the kernel
        resolves it, that is every directory on the way (owner, group, mode, whether it is a mount point), every link
        (its target, then the way through it) and the end.
      - A tree put in place of a directory on the way, a lost mount or a new link is a difference, even when the
        program's own bytes are the same.
    type: list
    elements: str
    default: []
"""
