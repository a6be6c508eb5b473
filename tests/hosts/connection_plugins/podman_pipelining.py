# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test hosts' connection (Molecule, `make demo`, the benchmarks): containers.podman.podman
with pipelining.

containers.podman.podman declares no pipelining and runs each task as two to four `podman exec`
(make a temporary directory, run the module file, remove it). `podman exec -i` passes stdin to
the command, so a pipelined task is one `podman exec -i` with the module on its stdin: measured
here, 40 small tasks take 20 s instead of 45 s, as pipelining over SSH saves on a real host.
Only exec_command changes; files are still put and fetched through the container's mounted
filesystem. Found through ANSIBLE_CONNECTION_PLUGINS=tests/hosts/connection_plugins.
"""

from __future__ import annotations

import shlex

from ansible.module_utils.common.text.converters import to_native
from ansible_collections.containers.podman.plugins.connection.podman import Connection as PodmanConnection

DOCUMENTATION = """
    name: podman_pipelining
    short_description: containers.podman.podman, with pipelining
    description:
      - Run commands in, and put or fetch files to, an existing podman container, as
        containers.podman.podman does; a command with input (a pipelined module) runs with
        C(podman exec -i).
    options:
      remote_addr:
        description: The name or ID of the container.
        default: inventory_hostname
        vars:
          - name: ansible_host
          - name: inventory_hostname
          - name: ansible_podman_host
      remote_user:
        description: The user, by name or UID, that runs commands in the container.
        ini:
          - section: defaults
            key: remote_user
        env:
          - name: ANSIBLE_REMOTE_USER
        vars:
          - name: ansible_user
      podman_extra_args:
        description: Extra arguments for the podman command line.
        default: ''
        ini:
          - section: defaults
            key: podman_extra_args
        vars:
          - name: ansible_podman_extra_args
        env:
          - name: ANSIBLE_PODMAN_EXTRA_ARGS
      podman_executable:
        description: The podman executable.
        default: podman
        vars:
          - name: ansible_podman_executable
        env:
          - name: ANSIBLE_PODMAN_EXECUTABLE
      pipelining:
        description: Run each module as one command with the module on its stdin.
        type: boolean
        default: false
        ini:
          - section: defaults
            key: pipelining
          - section: connection
            key: pipelining
        env:
          - name: ANSIBLE_PIPELINING
        vars:
          - name: ansible_pipelining
"""


class Connection(PodmanConnection):
    """containers.podman.podman; a command given input runs with `podman exec -i`."""

    transport = "podman_pipelining"
    has_pipelining = True

    def exec_command(self, cmd, in_data=None, sudoable=False):
        if in_data is None:
            return super().exec_command(cmd, in_data=None, sudoable=sudoable)
        if not self._connected:
            self._connect()
        args = ["exec", "-i"]
        if self.user:
            args += ["--user", self.user]
        return self._podman(args, shlex.split(to_native(cmd, errors="surrogate_or_strict")), in_data)
