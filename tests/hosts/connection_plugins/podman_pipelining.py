# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test hosts' connection (Molecule, `make demo`, the benchmarks): containers.podman.podman
with pipelining, commands entered with nsenter.

containers.podman.podman declares no pipelining and runs each task as two to four `podman exec`
(make a temporary directory, run the module file, remove it), after a `podman mount`. A pipelined
task is one command with the module on its stdin: measured here, 40 small tasks take 20 s
instead of 45 s, as pipelining over SSH saves on a real host.

Each `podman` command is a Go program that reads the container store: about 0.2 s on the 2-core
build machines, more when scenarios run side by side, twice per task (mount, exec). What
`podman exec` does in the end is enter the container's namespaces and run the command there;
when the connection runs as root (the test hosts are root's privileged containers), this plugin
does that itself with util-linux's nsenter (about 0.02 s): every namespace of the container's
PID 1, its cgroups and resource limits, its root directory and working directory, a session of
its own, and the environment `podman exec` gives (PATH, HOME, TERM, container). The PID comes from `podman inspect` once per container and is
kept in a file, checked against the process's start time before each use (a re-created container
has a new one). Files are put and fetched the same way (`cat` in the container), so paths resolve
as the container sees them, volumes included. With a remote user that is not root, or when
nsenter is missing, it is containers.podman.podman's `podman exec`.
Found through ANSIBLE_CONNECTION_PLUGINS=tests/hosts/connection_plugins.
"""

from __future__ import annotations

import os
import resource
import shlex
import shutil
import subprocess
import tempfile

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.module_utils.common.text.converters import to_bytes, to_native
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


# What `podman exec` puts in a command's environment in these images.
ENVIRONMENT = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
               "TERM=xterm", "container=podman"]
PID_CACHE = os.path.join(tempfile.gettempdir(), f"sagebox-podman-pids-{os.getuid()}")
# /proc/PID/limits names of the resource limits a command gets from the container.
LIMITS = {
    "Max cpu time": resource.RLIMIT_CPU, "Max file size": resource.RLIMIT_FSIZE,
    "Max data size": resource.RLIMIT_DATA, "Max stack size": resource.RLIMIT_STACK,
    "Max core file size": resource.RLIMIT_CORE, "Max processes": resource.RLIMIT_NPROC,
    "Max open files": resource.RLIMIT_NOFILE, "Max locked memory": resource.RLIMIT_MEMLOCK,
    "Max address space": resource.RLIMIT_AS,
}


def _cgroup_procs(pid: str) -> list[list[str]]:
    """Per cgroup hierarchy, the cgroup.procs files to join, in order of preference: the container's cgroup
    (the one that holds its PID 1, less systemd's init.scope), where `podman exec` (runc) puts a command, then
    PID 1's own (a leaf, where a unified hierarchy with controllers allows no process in an inner cgroup).
    A process outside them sees its own cgroup as a path above the container's root, which the JVM, for one,
    cannot read."""
    mounts = {}
    with open("/proc/self/mountinfo", encoding="utf-8") as mountinfo:
        for line in mountinfo:
            fields, dummy, rest = line.partition(" - ")
            fstype, dummy, options = rest.split()[:3]
            if fstype == "cgroup2":
                mounts[""] = fields.split()[4]
            elif fstype == "cgroup":
                names = [option for option in options.split(",") if option not in ("rw", "ro")
                         and not option.startswith(("relatime", "noatime", "nosuid", "nodev", "noexec", "clone_children"))]
                mounts[",".join(sorted(names))] = fields.split()[4]
    procs = []
    with open(f"/proc/{pid}/cgroup", encoding="utf-8") as cgroups:
        for line in cgroups:
            dummy, controllers, path = line.rstrip("\n").split(":", 2)
            mount = mounts.get(",".join(sorted(controllers.split(","))) if controllers else "")
            if mount and path != "/":
                paths = dict.fromkeys([path.removesuffix("/init.scope"), path])
                procs.append([os.path.join(mount, each.lstrip("/"), "cgroup.procs") for each in paths])
    return procs


def _limits(pid: str) -> list[tuple[int, int, int]]:
    """The container's PID 1's resource limits, which `podman exec` gives a command too."""
    limits = []
    with open(f"/proc/{pid}/limits", encoding="ascii") as table:
        for line in table:
            for name, which in LIMITS.items():
                if line.startswith(name + " "):
                    soft, hard = line[len(name):].split()[:2]
                    limits.append((which, *(resource.RLIM_INFINITY if value == "unlimited" else int(value)
                                            for value in (soft, hard))))
    return limits


def _start_time(pid: str) -> str | None:
    """The process's start time (clock ticks since boot), or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            # The command name, in parentheses, may hold spaces: the fields after it are plain.
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


class Connection(PodmanConnection):
    """containers.podman.podman with pipelining; as root, commands and files go through nsenter."""

    transport = "podman_pipelining"
    has_pipelining = True

    def _connect(self):
        if self._connected:
            return self
        self._nsenter = shutil.which("nsenter") if self.user in (None, "", "root") else None
        if self._nsenter is None:
            return super()._connect()
        self._pid = self._container_pid()
        self._connected = True
        return self

    def _container_pid(self) -> str:
        """The PID (in this machine's namespace) of the container's PID 1."""
        cache = os.path.join(PID_CACHE, self._container_id.replace("/", "_"))
        try:
            with open(cache, encoding="ascii") as cached:
                pid, started = cached.read().split()
            if _start_time(pid) == started:
                return pid
        except (OSError, ValueError):
            pass
        rc, stdout, stderr = self._podman(["inspect", "--format", "{{.State.Pid}}"])
        pid = to_native(stdout).strip()
        if rc != 0 or not pid.isdigit() or pid == "0":
            raise AnsibleConnectionFailure(
                f"container {self._container_id} is not running: {to_native(stderr).strip() or 'no PID'}")
        started = _start_time(pid)
        if started is not None:
            os.makedirs(PID_CACHE, mode=0o700, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=PID_CACHE, delete=False, encoding="ascii") as new:
                new.write(f"{pid} {started}\n")
            os.replace(new.name, cache)
        return pid

    def _enter(self, argv: list[str], in_data: bytes | None) -> tuple[int, bytes, bytes]:
        """Run argv in the container, as `podman exec -i` would."""
        # setsid: a session of its own, as under `podman exec` or sshd, so that a controller killed
        # with its process group (tests/faults/kill_at.py) leaves the command running on the host.
        command = [self._nsenter, "--target", self._pid, "--all", "--root", "--wd", "--",
                   "/usr/bin/setsid", "--wait", "/usr/bin/env", "-i", *ENVIRONMENT, *argv]
        procs, limits = _cgroup_procs(self._pid), _limits(self._pid)

        def join_the_container():
            # In the child, before nsenter runs: its cgroups and limits, as runc exec does.
            for candidates in procs:
                for procs_file in candidates:
                    try:
                        with open(procs_file, "w", encoding="ascii") as cgroup:
                            cgroup.write(str(os.getpid()))
                        break
                    except OSError:
                        continue
            for which, soft, hard in limits:
                resource.setrlimit(which, (soft, hard))

        # pylint: disable-next=consider-using-with,subprocess-popen-preexec-fn
        process = subprocess.Popen([to_bytes(arg, errors="surrogate_or_strict") for arg in command],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   preexec_fn=join_the_container)
        stdout, stderr = process.communicate(input=in_data or b"")
        return process.returncode, stdout, stderr

    def exec_command(self, cmd, in_data=None, sudoable=False):
        if not self._connected:
            self._connect()
        argv = shlex.split(to_native(cmd, errors="surrogate_or_strict"))
        if self._nsenter is not None:
            return self._enter(argv, in_data)
        if in_data is None:
            return super().exec_command(cmd, in_data=None, sudoable=sudoable)
        args = ["exec", "-i"]
        if self.user:
            args += ["--user", self.user]
        return self._podman(args, argv, in_data)

    def put_file(self, in_path, out_path):
        if not self._connected:
            self._connect()
        if self._nsenter is None:
            return super().put_file(in_path, out_path)
        with open(to_bytes(in_path, errors="surrogate_or_strict"), "rb") as source:
            rc, dummy, stderr = self._enter(["/bin/sh", "-c", 'cat > "$1"', "sh", out_path], source.read())
        if rc != 0:
            raise AnsibleError(f"could not write {out_path} in container {self._container_id}: {to_native(stderr)}")
        return None

    def fetch_file(self, in_path, out_path):
        if not self._connected:
            self._connect()
        if self._nsenter is None:
            return super().fetch_file(in_path, out_path)
        rc, stdout, stderr = self._enter(["/bin/cat", "--", in_path], None)
        if rc != 0:
            raise AnsibleError(f"could not read {in_path} in container {self._container_id}: {to_native(stderr)}")
        with open(to_bytes(out_path, errors="surrogate_or_strict"), "wb") as target:
            target.write(stdout)
        return None
