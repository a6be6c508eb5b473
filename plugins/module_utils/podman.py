# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""podman on an instance host, with the instance host's settings (CONTAINERS_CONF), for the modules that act on
or read the notebook instances' containers."""

from __future__ import annotations

import os
import subprocess
import tarfile
import time

from ansible_collections.sagebox.notebook.plugins.module_utils import instance_container


class PodmanError(Exception):
    """A podman command failed; the message has podman's words."""


class TooLarge(Exception):
    """More was sent than a reader takes."""


class BoundedReader:
    """A stream's reader that raises TooLarge past `limit` bytes."""

    def __init__(self, stream, limit: int):
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(self.left + 1 if size is None or size < 0 else min(size, self.left + 1))
        self.left -= len(data)
        if self.left < 0:
            raise TooLarge()
        return data


class Podman:
    """podman on this host, with the instance host's configuration."""

    def __init__(self, module, containers_conf: str):
        self.module = module
        self.executable = module.get_bin_path("podman", required=True)
        self.environ = {"CONTAINERS_CONF": containers_conf} if os.path.exists(containers_conf) else {}

    def run(self, *args: str, check: bool = True) -> str:
        rc, out, err = self.module.run_command([self.executable, *args], environ_update=self.environ)
        if rc != 0 and check:
            raise PodmanError("podman %s failed: %s" % (args[0], (err or out).strip()))
        return out

    def run_rc(self, *args: str) -> int:
        """A podman command's exit status, for questions such as `image exists`."""
        return self.module.run_command([self.executable, *args], environ_update=self.environ)[0]

    def remove(self, name: str, attempts: int = 10) -> None:
        """Remove a stopped container. Right after a stop, podman's cleanup may still hold the container's
        /dev/shm mount ("device or resource busy"): asked again, it is gone."""
        for attempt in range(attempts):
            rc, out, err = self.module.run_command([self.executable, "rm", "--force", name],
                                                   environ_update=self.environ)
            if rc == 0:
                return
            if "resource busy" not in err or attempt == attempts - 1:
                raise PodmanError("podman rm failed: %s" % (err or out).strip())
            time.sleep(0.5)

    def read_file(self, name: str, path: str, limit: int = 1 << 20) -> bytes | None:
        """The content of the regular file `path` inside the container `name`, running or stopped (podman cp,
        which resolves links inside the container's own root); None when there is none. The instance's root
        may have made anything of the path: a directory, a link, a file over `limit` bytes or an archive over
        `limit` and 64 KiB of headers (its extended attributes travel in them) is an error, and podman is
        stopped there: no more is ever read."""
        process = subprocess.Popen([self.executable, "cp", "%s:%s" % (name, path), "-"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=dict(os.environ, **self.environ))
        content, refused = None, False
        try:
            with tarfile.open(fileobj=BoundedReader(process.stdout, limit + (64 << 10)), mode="r|") as archive:
                member = archive.next()
                refused = member is not None and (not member.isfile() or member.size > limit)
                if member is not None and not refused:
                    content = archive.extractfile(member).read()
                    refused = archive.next() is not None
        except TooLarge:
            refused = True
        except tarfile.TarError:
            # No archive: podman said why on its standard error.
            content = None
        finally:
            if refused:
                process.kill()
            err = process.communicate()[1] if not refused else b""
            process.wait()
        if refused:
            raise PodmanError("%s in %s is not a regular file of at most %d bytes" % (path, name, limit))
        if content is None:
            if process.returncode != 0 and b"no such file or directory" not in err.lower():
                raise PodmanError("podman cp failed: %s" % err.decode("utf-8", "replace").strip())
            return None
        return content

    def find(self, name: str) -> dict:
        """The instance's container as podman holds it, {} when there is none."""
        return self.instances("%s=%s" % (instance_container.LABEL, name)).get(name, {})

    def instances(self, label: str = instance_container.LABEL, attempts: int = 5) -> dict:
        """{name: container} of the host's notebook instances (instance_container.parse_inspect). A container
        removed between the listing and the inspection (a create at the same moment giving up its try) is
        not an error: the host is read again."""
        for attempt in range(attempts):
            ids = self.run("ps", "--all", "--quiet", "--filter", "label=" + label).split()
            if not ids:
                return {}
            rc, out, err = self.module.run_command([self.executable, "inspect", "--type", "container", *ids],
                                                   environ_update=self.environ)
            if rc == 0:
                return instance_container.parse_inspect(out)
            if "no such" not in err or attempt == attempts - 1:
                raise PodmanError("podman inspect failed: %s" % (err or out).strip())
        return {}
