"""How the instance connection reaches a container through its server (plugins/connection/instance.py)."""

from __future__ import annotations

import shlex

from ansible_collections.sagebox.notebook.plugins.connection.instance import server_argv

PODMAN = ["podman", "exec", "-i", "alice", "/bin/sh", "-c", "echo 'a b' > /tmp/x"]


def test_ssh_gets_one_shell_line_that_the_server_splits_back_into_the_same_arguments():
    argv = server_argv(["ssh", "-o", "BatchMode=yes", "root@gpu1"], True, PODMAN)
    assert argv[:4] == ["ssh", "-o", "BatchMode=yes", "root@gpu1"] and len(argv) == 5
    assert shlex.split(argv[4]) == PODMAN


def test_a_wrapper_around_ssh_is_quoted_too_by_default():
    argv = server_argv(["sshpass", "-f", "/root/pw", "ssh", "root@gpu1"], True, PODMAN)
    assert shlex.split(argv[-1]) == PODMAN and len(argv) == 6


def test_a_command_that_takes_arguments_gets_them_as_they_are_when_told():
    assert server_argv(["podman", "exec", "-i", "host"], False, PODMAN) == ["podman", "exec", "-i", "host", *PODMAN]
    assert server_argv([], True, PODMAN) == PODMAN
