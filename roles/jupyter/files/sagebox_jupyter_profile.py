# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The variables /etc/profile.d/*.sh set, for Jupyter and so for its kernels (terminals are login shells).

On SageMaker a lifecycle script may write /etc/profile.d/NAME.sh and restart jupyter-server; the
variables then reach every notebook. Jupyter's configuration calls apply() once it holds its secrets
(standard input is /dev/null by then): a bash without profile or rc files sources each readable
/etc/profile.d/*.sh, as a login shell does after /etc/profile, and the variables it ends with that
differ from Jupyter's own are added to Jupyter's environment, except the ones Jupyter's unit pins.
"""

from __future__ import annotations

import os
import subprocess

PROFILE_DIR = "/etc/profile.d"
# The unit's own: who Jupyter is and where its configuration is.
PINNED = frozenset({"HOME", "USER", "LOGNAME", "SHELL", "PWD", "OLDPWD", "SHLVL", "_"})
PINNED_PREFIXES = ("JUPYTER", "SAGEBOX_JUPYTER")

_SCRIPT = 'for f in "$1"/*.sh; do if [ -r "$f" ]; then . "$f"; fi; done; exec env -0'


def profile_environment(directory: str = PROFILE_DIR, base: dict | None = None, timeout: float = 30) -> dict:
    """The variables sourcing DIRECTORY/*.sh adds to or changes in BASE (default: os.environ)."""
    base = dict(os.environ if base is None else base)
    done = subprocess.run(
        ["/bin/bash", "--noprofile", "--norc", "-c", _SCRIPT, "bash", directory],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env=base, timeout=timeout, check=False,
    )
    found = {}
    for entry in done.stdout.split(b"\0"):
        name, sep, value = entry.partition(b"=")
        if not sep or not name:
            continue
        key, text = name.decode(errors="replace"), value.decode(errors="replace")
        if key in PINNED or key.startswith(PINNED_PREFIXES) or base.get(key) == text:
            continue
        found[key] = text
    return found


def apply(directory: str = PROFILE_DIR) -> dict:
    """Add the profile's variables to this process's environment; return them."""
    try:
        found = profile_environment(directory)
    except (OSError, subprocess.SubprocessError):
        return {}
    os.environ.update(found)
    return found
