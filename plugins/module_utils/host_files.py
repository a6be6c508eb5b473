# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files and systemd units brought to a state in one module run.

The host_files module is this alone; the notebook_instance module applies the same to the host's
start and stop units (its `controls`) in the round trip that starts the instance.
"""

from __future__ import annotations

import os
import tempfile

from ansible.module_utils.common.text.converters import to_bytes

# The argument spec of one file and of one unit.
FILE_OPTIONS = {
    "path": {"type": "path", "required": True},
    "content": {"type": "str", "required": True},
    "owner": {"type": "str", "default": "root"},
    "group": {"type": "str", "default": "root"},
    "mode": {"type": "str", "default": "0644"},
}
UNIT_OPTIONS = {
    "name": {"type": "str", "required": True},
    "enabled": {"type": "bool"},
    "active": {"type": "bool"},
}

# Where a changed file is a unit (or a drop-in) that systemd must reload.
SYSTEMD_DIRS = ("/etc/systemd/",)


def current_content(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def make_parents(module, path: str, directory_mode: str) -> bool:
    """Make the missing parent directories of `path`; return whether any was missing."""
    missing = []
    parent = os.path.dirname(path)
    while parent and not os.path.isdir(parent):
        missing.append(parent)
        parent = os.path.dirname(parent)
    if missing and not module.check_mode:
        for directory in reversed(missing):
            os.mkdir(directory)
            os.chmod(directory, int(directory_mode, 8))
    return bool(missing)


def write(module, path: str, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".sagebox-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    module.atomic_move(temporary, path)


def run_or_fail(module, command: list[str]) -> None:
    rc, out, err = module.run_command(command)
    if rc != 0:
        module.fail_json(msg="%s failed (exit status %d): %s" % (" ".join(command), rc, (err or out).strip()))


def unit_changes(module, spec: dict) -> list[list[str]]:
    """The systemctl commands that bring the unit of `spec` to its enabled and active state."""
    commands = []
    name = spec["name"]
    if spec["enabled"] is not None:
        rc = module.run_command(["systemctl", "is-enabled", "--quiet", name])[0]
        if (rc == 0) != spec["enabled"]:
            commands.append(["systemctl", "enable" if spec["enabled"] else "disable", name])
    if spec["active"] is not None:
        rc = module.run_command(["systemctl", "is-active", "--quiet", name])[0]
        if (rc == 0) != spec["active"]:
            commands.append(["systemctl", "start" if spec["active"] else "stop", name])
    return commands


def check_modes(module, files: list[dict], directory_mode: str, option: str = "files") -> None:
    """Fail, before anything is written, on a mode that is not octal."""
    for spec in files + [{"path": "directory_mode", "mode": directory_mode}]:
        try:
            int(spec["mode"], 8)
        except ValueError:
            module.fail_json(msg="%s: %s: mode %r is not an octal mode such as 0644" % (option, spec["path"], spec["mode"]))


def apply(module, files: list[dict], units: list[dict], directory_mode: str = "0755") -> dict:
    """`files` and `units` as their argument specs (FILE_OPTIONS, UNIT_OPTIONS) give them, defaults filled in.
    Bring each file to its content, owner, group and mode, reload systemd when a file under
    /etc/systemd/ changed, then bring each unit to its state (nothing written in check mode).
    Returns changed_files, changed_units, daemon_reloaded and the files' diffs."""
    changed_files, diffs = [], []
    for spec in files:
        path, content = spec["path"], to_bytes(spec["content"])
        before = current_content(path)
        changed = make_parents(module, path, directory_mode)
        if before != content:
            changed = True
            diffs.append({"before_header": path, "after_header": path,
                          "before": (before or b"").decode("utf-8", "replace"), "after": spec["content"]})
            if not module.check_mode:
                write(module, path, content)
        if os.path.exists(path):
            changed = module.set_owner_if_different(path, spec["owner"], changed)
            changed = module.set_group_if_different(path, spec["group"], changed)
            changed = module.set_mode_if_different(path, spec["mode"], changed)
        if changed:
            changed_files.append(path)
    reload = any(path.startswith(SYSTEMD_DIRS) for path in changed_files)
    if reload and not module.check_mode:
        run_or_fail(module, ["systemctl", "daemon-reload"])
    changed_units = []
    for spec in units:
        commands = unit_changes(module, spec)
        if commands:
            changed_units.append(spec["name"])
            if not module.check_mode:
                for command in commands:
                    run_or_fail(module, command)
    return {"changed_files": changed_files, "changed_units": changed_units,
            "daemon_reloaded": reload and not module.check_mode, "diffs": diffs}
