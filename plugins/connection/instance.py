# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A notebook instance on an instance host, reached through its server (docs/instance-hosts.md)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: instance
short_description: Reach a notebook instance of an instance host through its server
description:
  - Runs commands in, and puts or fetches files to, a notebook instance that runs as a system container on an
    instance host (the M(sagebox.notebook.instance_host) role), with C(podman exec) on that server.
  - The controller reaches the server with O(server_command), SSH by default, so an instance is an inventory
    host like any other, and the modules, roles and playbooks of the collection work on it as on a VM.
  - Modules are pipelined (one command per task, the module on its standard input); files travel the same way.
author: sagebox.notebook maintainers (@sagebox)
version_added: 1.0.0
options:
  remote_addr:
    description: The instance's container on the server (its notebook instance name).
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
  remote_user:
    description: The user, inside the instance, that runs the commands; the container's root when unset.
    vars:
      - name: ansible_user
  server_command:
    description:
      - The command that runs a command on the instance host, for example V(["ssh", "root@gpu1.example.com"]).
      - An empty list runs C(podman) on the controller itself (the controller is the instance host).
    type: list
    elements: str
    default: []
    vars:
      - name: sagebox_instance_server_command
  server_shell:
    description:
      - Whether O(server_command) takes the command as one shell line (SSH, and wrappers around it, do) rather
        than as arguments (C(podman exec), C(nsenter)). Every argument is quoted for the server's shell then.
    type: bool
    default: true
    vars:
      - name: sagebox_instance_server_shell
  podman_executable:
    description: The podman executable on the server.
    default: podman
    vars:
      - name: sagebox_instance_podman_executable
  pipelining:
    description: Run each module as one command with the module on its standard input.
    type: boolean
    default: true
    vars:
      - name: ansible_pipelining
"""

EXAMPLES = r"""
# An inventory where gpu1 is an instance host and alice-gpu one of its notebook instances:
# all:
#   hosts:
#     gpu1: {ansible_host: gpu1.example.com}
#     alice-gpu:
#       ansible_connection: sagebox.notebook.instance
#       sagebox_instance_server_command: [ssh, -o, BatchMode=yes, root@gpu1.example.com]
"""

import re
import shlex
import subprocess

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.module_utils.common.text.converters import to_bytes, to_native
from ansible.plugins.connection import ConnectionBase

# A notebook instance's name, as SageMaker allows it; never an option of podman's.
NAME_PATTERN = r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"


def server_argv(server_command: list, shell: bool, argv: list) -> list:
    """What the controller runs so that `argv` runs on the server."""
    if shell and server_command:
        return [*server_command, shlex.join(argv)]
    return [*server_command, *argv]


class Connection(ConnectionBase):
    """podman exec on the instance host, reached with the server command."""

    transport = "sagebox.notebook.instance"
    has_pipelining = True

    def _connect(self):
        self._connected = True
        return self

    def _run(self, argv: list, in_data: bytes | None) -> tuple:
        """Run argv in the instance; (rc, stdout, stderr)."""
        container = self.get_option("remote_addr")
        if not re.fullmatch(NAME_PATTERN, container or ""):
            raise AnsibleConnectionFailure(f"{container!r} is not a notebook instance name ({NAME_PATTERN})")
        podman = [self.get_option("podman_executable"), "exec", "-i"]
        user = self.get_option("remote_user")
        if user:
            podman += ["--user", user]
        command = server_argv(self.get_option("server_command") or [], self.get_option("server_shell"),
                              [*podman, container, *argv])
        self._display.vvv(f"EXEC {shlex.join(command)}", host=self.get_option("remote_addr"))
        try:
            process = subprocess.run([to_bytes(arg, errors="surrogate_or_strict") for arg in command],
                                     input=in_data or b"", capture_output=True, check=False)
        except OSError as error:
            raise AnsibleConnectionFailure(f"could not run {command[0]}: {error}") from error
        return process.returncode, process.stdout, process.stderr

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        return self._run(["/bin/sh", "-c", to_native(cmd, errors="surrogate_or_strict")], in_data)

    def put_file(self, in_path, out_path):
        super().put_file(in_path, out_path)
        with open(to_bytes(in_path, errors="surrogate_or_strict"), "rb") as source:
            rc, dummy, stderr = self._run(["/bin/sh", "-c", 'cat > "$1"', "sh", out_path], source.read())
        if rc != 0:
            raise AnsibleError(f"could not write {out_path} in {self.get_option('remote_addr')}: {to_native(stderr)}")

    def fetch_file(self, in_path, out_path):
        super().fetch_file(in_path, out_path)
        rc, stdout, stderr = self._run(["/bin/cat", "--", in_path], None)
        if rc != 0:
            raise AnsibleError(f"could not read {in_path} in {self.get_option('remote_addr')}: {to_native(stderr)}")
        with open(to_bytes(out_path, errors="surrogate_or_strict"), "wb") as target:
            target.write(stdout)

    def close(self):
        self._connected = False
