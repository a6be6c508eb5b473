# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where an instance host keeps its capacity ledger and podman's settings, for the modules that act on or read
its notebook instances' containers (the sagebox.notebook.instance_host role writes both)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  ledger_path:
    description: The host's capacity ledger (C(instance_host_ledger_path) of the C(sagebox.notebook.instance_host) role).
    type: path
    default: /var/lib/sagebox/capacity.json
  containers_conf:
    description: The podman configuration the instance host role wrote (C(CONTAINERS_CONF)).
    type: path
    default: /etc/sagebox/containers.conf
"""
