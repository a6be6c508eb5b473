# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The build receipt: what a notebook instance's last complete build left on the host.

A build (the notebook_instance role's create) ends by writing a receipt: the fingerprint of what it
was asked to build (the collection's code, the settings, the instance as recorded) and a snapshot of
what it left: every file under the given paths (content, owner, group, mode; symbolic links by
target), the OS packages (dpkg's database), each Python environment's installed distributions, the
mounts, the units that run, the notebook user, and for each program root or a service runs (or a
file root sources) every directory and link on its way, so that a tree swapped under it is a
difference even when the program's own bytes are the same. A later create asks whether the host still is as
that receipt says; when it is, nothing is left to build, and the whole check is one module run.
Anything else (a file edited or removed, a package or a distribution gone, the volume unmounted, a
unit stopped, other settings) makes the create build again, which repairs it and writes a new receipt.

Standard library only: the modules import it on the host.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import pwd
import stat

RECEIPT_PATH = "/var/lib/sagebox/notebook-instance-build.json"
PACKAGE_DATABASE = "/var/lib/dpkg/status"
MOUNTINFO = "/proc/self/mountinfo"
VERSION = 1
# How many differences a check names; the rest are counted.
SHOWN = 12


class ReceiptError(Exception):
    """A receipt that cannot be read as one."""


def file_entry(path: str) -> str:
    """One line for a path: a file's digest, owner, group and mode; a link's target; a directory's owner and mode."""
    info = os.lstat(path)
    owner = "%d:%d %04o" % (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode))
    if stat.S_ISLNK(info.st_mode):
        return "link " + os.readlink(path)
    if stat.S_ISDIR(info.st_mode):
        return "dir " + owner
    if not stat.S_ISREG(info.st_mode):
        return "special " + owner
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "file %s %s" % (digest.hexdigest(), owner)


def excluded(path: str, exclude: list[str]) -> bool:
    return any(path == item or path.startswith(item.rstrip("/") + "/") for item in exclude)


def files(patterns: list[str], exclude: list[str]) -> dict[str, str]:
    """Every path under the given paths (glob patterns; directories walked without following links)."""
    found = {}
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not matches or not os.path.lexists(matches[0]):
            found[pattern] = "absent"
            continue
        for top in matches:
            if excluded(top, exclude):
                continue
            found[top] = file_entry(top)
            if not os.path.isdir(top) or os.path.islink(top):
                continue
            for root, dirs, names in os.walk(top):
                dirs[:] = sorted(d for d in dirs if not excluded(os.path.join(root, d), exclude))
                for name in sorted(dirs + names):
                    path = os.path.join(root, name)
                    if not excluded(path, exclude):
                        found[path] = file_entry(path)
    return found


def packages(database: str = PACKAGE_DATABASE) -> str:
    """The digest of dpkg's database: any package installed, removed or changed changes it."""
    try:
        return file_entry(database).split()[1]
    except FileNotFoundError:
        return "absent"


def environments(patterns: list[str]) -> dict[str, list[str]]:
    """Each Python environment's installed distributions (their metadata directories' names)."""
    found = {}
    for pattern in patterns:
        for env in sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]:
            if not os.path.isdir(env):
                found[env] = ["absent"]
                continue
            names = [os.path.basename(p) for p in glob.glob(os.path.join(env, "lib", "python*", "site-packages", "*.*-info"))]
            names += ["conda-meta/" + os.path.basename(p) for p in glob.glob(os.path.join(env, "conda-meta", "*.json"))]
            found[env] = sorted(names)
    return found


def unescape_mount(field: str) -> str:
    """A mountinfo field with its octal escapes (\\040 for a space) undone."""
    return field.encode().decode("unicode_escape") if "\\" in field else field


def mount_table(mountinfo: str = MOUNTINFO) -> dict[str, str]:
    """Every mount point (a bind mount from the same file system included, which os.path.ismount misses) with what
    is mounted there last: file system type, source and options."""
    seen = {}
    with open(mountinfo, encoding="utf-8") as handle:
        for line in handle:
            fields, dummy, rest = line.rstrip("\n").partition(" - ")
            fields, rest = fields.split(), rest.split()
            if len(fields) >= 6 and len(rest) >= 3:
                options = sorted(set(fields[5].split(",")) | set(rest[2].split(",")))
                seen[unescape_mount(fields[4])] = "%s %s %s" % (rest[0], unescape_mount(rest[1]), ",".join(options))
    return seen


def mount_points(mountinfo: str = MOUNTINFO) -> set[str]:
    return set(mount_table(mountinfo))


def mounts(paths: list[str], mountinfo: str = MOUNTINFO, table: dict[str, str] | None = None) -> dict[str, str]:
    """What is mounted at each path (the last mount there): file system type, source and options."""
    seen = mount_table(mountinfo) if table is None else table
    return {path: seen.get(os.path.normpath(path), "not mounted") for path in paths}


MAX_LINKS = 40


def _step(path: str, info: os.stat_result, mounted: set[str]) -> str:
    kind = "dir" if stat.S_ISDIR(info.st_mode) else "file" if stat.S_ISREG(info.st_mode) else "other"
    mount = " mount" if path in mounted else ""
    return "%s %s %d:%d %04o%s" % (path, kind, info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode), mount)


def way_to(path: str, mounted: set[str] | None = None) -> list[str]:
    """Every entry on the way to `path`, as the kernel resolves it: each directory's owner, group and mode and
    whether it is a mount point, each link's target (then the way through it), the end's type; "absent" where
    the way stops. Owners and mounts tell a tree the notebook user put in place of root's."""
    mounted = mount_points() if mounted is None else mounted
    current, links = "/", 0
    info = os.lstat(current)
    steps = [_step(current, info, mounted)]
    pending = [part for part in path.split("/") if part not in ("", ".")]
    while pending:
        part = pending.pop(0)
        if not stat.S_ISDIR(info.st_mode):
            steps.append("%s: not a directory" % current)
            break
        following = (os.path.dirname(current) or "/") if part == ".." else os.path.join(current, part)
        try:
            link_info = os.lstat(following)
        except FileNotFoundError:
            steps.append("%s absent" % following)
            break
        if stat.S_ISLNK(link_info.st_mode):
            links += 1
            target = os.readlink(following)
            steps.append("%s link %d:%d -> %s" % (following, link_info.st_uid, link_info.st_gid, target))
            if links > MAX_LINKS:
                steps.append("too many links")
                break
            pending = [p for p in target.split("/") if p not in ("", ".")] + pending
            if target.startswith("/"):
                current, info = "/", os.lstat("/")
            continue
        current, info = following, link_info
        steps.append(_step(current, info, mounted))
    return steps


def ways(paths: list[str], mounted: set[str]) -> dict[str, list[str]]:
    return {path: way_to(path, mounted) for path in paths}


def users(names: list[str]) -> dict[str, str]:
    found = {}
    for name in names:
        try:
            entry = pwd.getpwnam(name)
            found[name] = "%d:%d %s %s" % (entry.pw_uid, entry.pw_gid, entry.pw_dir, entry.pw_shell)
        except KeyError:
            found[name] = "absent"
    return found


def snapshot(spec: dict, run) -> dict:
    """The host as `spec` sees it. `run(argv)` runs a command and returns (rc, stdout, stderr)."""
    units = {}
    if spec["units"]:
        # One line per unit, in order; a unit that is not loaded reads "inactive".
        out = run(["systemctl", "is-active"] + list(spec["units"]))[1].splitlines()
        units = {unit: (out[i].strip() if i < len(out) else "unknown") for i, unit in enumerate(spec["units"])}
    # mountinfo read once, for the mounts and for the mount points on the way to each program.
    table = mount_table()
    return {
        "files": files(spec["paths"], spec["exclude"]),
        "packages": packages(),
        "environments": environments(spec["environments"]),
        "mounts": mounts(spec["mounts"], table=table),
        "units": units,
        "users": users(spec["users"]),
        "runs": ways(spec["runs"], set(table)),
    }


def differences(before: dict, after: dict) -> list[str]:
    """What differs between two snapshots, a line each: mounts, units, users, packages, environments, then files."""
    found = []
    for key, label in (("mounts", "mount"), ("units", "unit"), ("users", "user")):
        for name in sorted(set(before[key]) | set(after[key])):
            was, now = before[key].get(name), after[key].get(name)
            if was != now:
                found.append("%s %s: %s (was %s)" % (label, name, now, was))
    for path in sorted(set(before.get("runs", {})) | set(after["runs"])):
        was, now = before.get("runs", {}).get(path, []), after["runs"].get(path, [])
        if was != now:
            changed = [step for step in now if step not in was] or ["gone: " + step for step in was if step not in now]
            found.append("the way to %s: %s" % (path, "; ".join(changed[:3])))
    if before["packages"] != after["packages"]:
        found.append("OS packages: installed, removed or changed")
    for env in sorted(set(before["environments"]) | set(after["environments"])):
        was, now = set(before["environments"].get(env, [])), set(after["environments"].get(env, []))
        if was != now:
            gone, new = sorted(was - now), sorted(now - was)
            found.append("environment %s: %s" % (env, "; ".join(
                (["gone " + ", ".join(gone)] if gone else []) + (["new " + ", ".join(new)] if new else []))))
    for path in sorted(set(before["files"]) | set(after["files"])):
        was, now = before["files"].get(path, "absent"), after["files"].get(path, "absent")
        if was != now:
            found.append("%s: %s" % (path, "removed" if now == "absent" else "added" if was == "absent" else "changed"))
    return found


def load(path: str) -> dict | None:
    """The receipt at `path`; None when there is none."""
    try:
        with open(path, encoding="utf-8") as handle:
            receipt = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ReceiptError("the build receipt %s cannot be read (%s): the next create builds and writes it anew"
                           % (path, exc)) from exc
    if not isinstance(receipt, dict) or receipt.get("version") != VERSION or not isinstance(receipt.get("snapshot"), dict):
        raise ReceiptError("the build receipt %s is not one this collection wrote: the next create builds and writes "
                           "it anew" % path)
    return receipt


def make(fingerprint: str, spec: dict, taken: dict) -> dict:
    return {"version": VERSION, "fingerprint": fingerprint, "spec": spec, "snapshot": taken}


def check(receipt: dict | None, fingerprint: str, spec: dict, run) -> list[str]:
    """Why the host is not as the receipt says (empty when it is)."""
    if receipt is None:
        return ["no build receipt: the instance was not built by this collection's create yet"]
    if receipt["fingerprint"] != fingerprint:
        return ["another build was asked for: the collection, the settings or the instance changed since the last build"]
    if receipt.get("spec") != spec:
        return ["the receipt covers other paths, environments, mounts, units, users or programs than asked"]
    try:
        found = differences(receipt["snapshot"], snapshot(spec, run))
    except (KeyError, TypeError) as exc:
        return ["the receipt's snapshot is incomplete (%s)" % exc]
    if len(found) > SHOWN:
        found = found[:SHOWN] + ["and %d more" % (len(found) - SHOWN)]
    return found


# The options both modules take to say what a receipt covers.
SPEC_OPTIONS = {
    "paths": {"type": "list", "elements": "str", "default": []},
    "exclude": {"type": "list", "elements": "str", "default": []},
    "environments": {"type": "list", "elements": "str", "default": []},
    "mounts": {"type": "list", "elements": "str", "default": []},
    "units": {"type": "list", "elements": "str", "default": []},
    "users": {"type": "list", "elements": "str", "default": []},
    "runs": {"type": "list", "elements": "str", "default": []},
}


def spec_from(params: dict) -> dict:
    return {key: list(params[key]) for key in SPEC_OPTIONS}
