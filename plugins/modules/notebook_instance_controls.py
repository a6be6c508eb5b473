#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the host's own controls for its notebook instance (internal)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_instance_controls
short_description: Write the host's start and stop units, their helpers and the helpers' library (internal)
version_added: 0.1.0
description:
  - For the C(sagebox.notebook.notebook_instance) role, not for playbooks. The role renders the host's
    controls (the start and stop units, their configuration and helpers, the idle check's files and timer)
    and writes them with this module at a build and before every start, once it has found the host's
    instance, as M(sagebox.notebook.host_files) does with its options of the same names.
  - The helpers record the instance's status with the modules' own code. The module writes the
    collection's record, status and file code it carries (C(module_utils), shipped with it as with every
    module) under O(library_dir), so that the helpers import it as the modules do
    (C(ansible_collections.sagebox.notebook.plugins.module_utils)).
  - Not for secrets, as the content travels as a module argument.
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.host_layout
  - sagebox.notebook.host_files
attributes:
  check_mode:
    support: full
    details: Reports what would change; writes nothing. A create earlier in the same check run recorded nothing, so
      the instance it names counts as there.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  name:
    description: The instance, which must be the host's; the host's one instance when left out.
    type: str
    aliases: [notebook_instance_name]
  library_dir:
    description: Where the helpers find the collection's code (the directory of the helpers).
    type: path
    required: true
  build_marker:
    description:
      - A file an update leaves when it changed what only a build applies (C(RootAccess), the code
        repositories). While it is there, nothing is written and RV(build_needed) is true (the build writes
        the controls).
    type: path
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Write the host's controls
  sagebox.notebook.notebook_instance_controls:
    files:
      - path: /etc/systemd/system/example.service
        content: "[Service]\nExecStart=/bin/true\n"
    library_dir: /usr/local/libexec/sagebox
"""

RETURN = r"""
build_needed:
  description: Whether O(build_marker) was there (nothing was written then).
  returned: success
  type: bool
notebook_instance:
  description: The host's instance as DescribeNotebookInstance gives it.
  returned: success
  type: dict
changed_files:
  description: The files whose content, owner, group or mode changed.
  returned: success
  type: list
  elements: str
changed_units:
  description: The units enabled, disabled, started or stopped.
  returned: success
  type: list
  elements: str
"""

import inspect
import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import host_files as hf
from ansible_collections.sagebox.notebook.plugins.module_utils import host_layout, private_files, record, request_error, status
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RecordError, RequestError

# The code the host's helpers import: the record, its status rules and how its files are written.
LIBRARY = (record, status, private_files, request_error)
PACKAGE = ("ansible_collections", "sagebox", "notebook", "plugins", "module_utils")


def library_files(library_dir: str) -> list:
    """The helpers' library as files: the package's __init__.py files and each module's source."""
    files = [{"path": os.path.join(library_dir, *PACKAGE[:depth], "__init__.py"), "content": ""}
             for depth in range(1, len(PACKAGE) + 1)]
    for module in LIBRARY:
        name = module.__name__.rsplit(".", 1)[1]
        files.append({"path": os.path.join(library_dir, *PACKAGE, name + ".py"), "content": inspect.getsource(module)})
    return [dict(spec, owner="root", group="root", mode="0644") for spec in files]


def main() -> None:
    argument_spec = {
        "name": {"type": "str", "aliases": ["notebook_instance_name"]},
        "files": {"type": "list", "elements": "dict", "required": True, "options": hf.FILE_OPTIONS},
        "units": {"type": "list", "elements": "dict", "default": [], "options": hf.UNIT_OPTIONS},
        "library_dir": {"type": "path", "required": True},
        "build_marker": {"type": "path"},
    }
    argument_spec.update(host_layout.options("record_path"))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    try:
        instance = record.planned_instance(params["record_path"], params["name"], module.check_mode)
        # The controls bring an instance up: not one that is being stopped, updated or deleted.
        status.check_action(instance["NotebookInstanceName"], "started", instance["NotebookInstanceStatus"])
    except (RecordError, RequestError) as exc:
        module.fail_json(msg=str(exc))
    build_needed = bool(params["build_marker"]) and os.path.exists(params["build_marker"])
    result = {"changed": False, "notebook_instance": record.describe(instance), "build_needed": build_needed,
              "changed_files": [], "changed_units": []}
    if build_needed:
        module.exit_json(**result)
    hf.check_modes(module, params["files"], "0755", "files")
    done = hf.apply(module, params["files"] + library_files(params["library_dir"]), params["units"])
    result.update(changed=bool(done["changed_files"] or done["changed_units"]),
                  changed_files=done["changed_files"], changed_units=done["changed_units"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
