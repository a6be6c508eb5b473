# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter sagebox.notebook.place: the instance host a new notebook instance goes to."""

from __future__ import annotations

DOCUMENTATION = r"""
name: place
short_description: The instance host a new notebook instance goes to
version_added: 1.0.0
description:
  - Of the instance hosts whose capacity ledgers are given (the C(ledger) that M(sagebox.notebook.instance_host_info)
    returns), the one that a notebook instance of the instance type goes to, by the rule in docs/instance-hosts.md
    ("Placement"). Fails with SageMaker's C(ResourceLimitExceeded), naming each host's shortfall, when it fits
    on none.
positional: instance, instance_type, instance_types
options:
  _input:
    description: The hosts' ledgers.
    type: list
    elements: dict
    required: true
  instance:
    description: The new notebook instance's name.
    type: str
    required: true
  instance_type:
    description: Its instance type.
    type: str
    required: true
  instance_types:
    description: The hosts' own instance types (docs/instance-types.md).
    type: dict
    default: {}
"""

EXAMPLES = r"""
placed_on: "{{ ledgers | sagebox.notebook.place('alice', 'ml.g5.xlarge') }}"
"""

RETURN = r"""
_value:
  description: The inventory name of the host (its ledger's host name).
  type: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.sagebox.notebook.plugins.module_utils import capacity, instance_types, placement
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError


def place(ledgers: list, instance: str, instance_type: str, types: dict | None = None) -> str:
    try:
        return placement.choose(list(ledgers), instance, instance_type, instance_types.resources(instance_type, types or {}))
    except (RequestError, capacity.CapacityError) as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"place": place}
