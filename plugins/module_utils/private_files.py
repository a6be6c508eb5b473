# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files written whole and at once: the record and the secrets (owner only), the metadata (public)."""

from __future__ import annotations

import os
import tempfile


def write_private_file(path: str, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` atomically, readable by its owner only (the record and the secrets)."""
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_public_file(path: str, data: bytes, check_mode: bool = False) -> bool:
    """Write `data` to `path` (mode 0644, its directory 0755) when it differs; return whether it did."""
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return False
    except FileNotFoundError:
        pass
    if not check_mode:
        write_private_file(path, data, mode=0o644)
        os.chmod(os.path.dirname(path), 0o755)
    return True
