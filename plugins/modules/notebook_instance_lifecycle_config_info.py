#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Describe or list the host's notebook-instance lifecycle configurations."""

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_instance_lifecycle_config_info
short_description: Describe or list lifecycle configurations
version_added: 0.2.0
description:
  - SageMaker's DescribeNotebookInstanceLifecycleConfig (with O(name)) and ListNotebookInstanceLifecycleConfigs.
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.host_layout.configs
attributes:
  check_mode:
    support: full
    details: Reads only.
  diff_mode:
    support: N/A
    details: Reads only.
  platform:
    platforms: posix
options:
  name:
    description: The configuration to describe. Left out, every configuration is listed.
    type: str
  name_contains:
    description: List only configurations whose name contains this string.
    type: str
seealso:
  - module: sagebox.notebook.notebook_instance_lifecycle_config
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Describe a configuration
  sagebox.notebook.notebook_instance_lifecycle_config_info:
    name: team-setup
  register: setup

- name: List every configuration
  sagebox.notebook.notebook_instance_lifecycle_config_info:
  register: configs
"""

RETURN = r"""
lifecycle_config:
  description: The configuration, as DescribeNotebookInstanceLifecycleConfig gives it (with O(name)).
  returned: when name is given
  type: dict
lifecycle_configs:
  description: Summaries (name, ARN, creation and modification times), sorted by name (without O(name)).
  returned: when name is not given
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sagebox.notebook.plugins.module_utils import lifecycle_config as lc
from ansible_collections.sagebox.notebook.plugins.module_utils import host_layout, request, request_error


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str"},
            "name_contains": {"type": "str"},
            **host_layout.options("lifecycle_configs_dir"),
        },
        mutually_exclusive=[("name", "name_contains")],
        supports_check_mode=True,
    )
    params = module.params
    if params["name"] is not None:
        try:
            request.check_name(params["name"])
        except request_error.RequestError as exc:
            module.fail_json(msg=str(exc))
        config = lc.load(params["name"], params["lifecycle_configs_dir"])
        if config is None:
            module.fail_json(msg="lifecycle configuration %r does not exist on this host" % params["name"])
        module.exit_json(changed=False, lifecycle_config=config)
    configs = [c for c in lc.load_all(params["lifecycle_configs_dir"])
               if not params["name_contains"] or params["name_contains"] in c["NotebookInstanceLifecycleConfigName"]]
    module.exit_json(changed=False, lifecycle_configs=[lc.summary(c) for c in configs])


if __name__ == "__main__":
    main()
