"""How the instance connection reaches a container through its server (plugins/connection/instance.py)."""

from __future__ import annotations

import shlex

from ansible_collections.sagebox.notebook.plugins.connection.instance import server_argv

PODMAN = ["podman", "exec", "-i", "alice", "/bin/sh", "-c", "echo 'a b' > /tmp/x"]


def test_ssh_gets_one_shell_line_that_the_server_splits_back_into_the_same_arguments():
    argv = server_argv(["ssh", "-o", "BatchMode=yes", "root@gpu1"], None, PODMAN)
    assert argv[:4] == ["ssh", "-o", "BatchMode=yes", "root@gpu1"] and len(argv) == 5
    assert shlex.split(argv[4]) == PODMAN


def test_a_command_that_takes_arguments_gets_them_as_they_are():
    assert server_argv(["podman", "exec", "-i", "host"], None, PODMAN) == ["podman", "exec", "-i", "host", *PODMAN]
    assert server_argv([], None, PODMAN) == PODMAN


def test_the_choice_can_be_forced():
    assert server_argv(["/usr/local/bin/jump"], True, PODMAN) == ["/usr/local/bin/jump", shlex.join(PODMAN)]
    assert server_argv(["/usr/bin/ssh", "gpu1"], False, PODMAN) == ["/usr/bin/ssh", "gpu1", *PODMAN]
