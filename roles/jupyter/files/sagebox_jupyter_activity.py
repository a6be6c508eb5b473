# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jupyter Server extension that writes the server's activity to a file, for the idle auto-stop.

Every `interval_seconds` it writes, as JSON: the time, the server's last activity (API, kernels,
terminals), each kernel's execution state, connections and last activity, and the number of
terminals. Reading this file needs no login and, unlike a call to the REST API, does not count
as activity itself.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import time

from tornado.ioloop import PeriodicCallback
from traitlets import Int, Unicode
from traitlets.config import LoggingConfigurable


def _iso(value) -> str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.isoformat()
    return str(value)


class ActivityFile(LoggingConfigurable):
    """Writes the server's activity to `path` every `interval_seconds`."""

    path = Unicode("", config=True, help="File the activity is written to (JSON); empty: none.")
    interval_seconds = Int(15, config=True, help="Seconds between two writes.")

    def __init__(self, serverapp, **kwargs):
        super().__init__(parent=serverapp, **kwargs)
        self.serverapp = serverapp

    def snapshot(self) -> dict:
        app = self.serverapp
        manager = app.kernel_manager
        kernels = [manager.kernel_model(kernel_id) for kernel_id in manager.list_kernel_ids()]
        terminals = app.web_app.settings.get("terminal_manager")
        return {
            "time": time.time(),
            "last_activity": _iso(app.web_app.last_activity()),
            "kernels": [
                {key: kernel.get(key) for key in ("id", "name", "execution_state", "connections", "last_activity")}
                for kernel in kernels
            ],
            "connections": sum(int(kernel.get("connections") or 0) for kernel in kernels),
            "terminals": len(getattr(terminals, "terminals", {}) or {}),
        }

    def write(self) -> None:
        try:
            data = json.dumps(self.snapshot(), sort_keys=True).encode("utf-8")
            directory = os.path.dirname(self.path)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".activity-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.path)
        except Exception as exc:  # noqa: BLE001 - the server must keep serving whatever happens here
            self.log.warning("sagebox: cannot write the activity file %s: %s", self.path, exc)

    def start(self) -> None:
        if not self.path:
            return
        self.write()
        PeriodicCallback(self.write, self.interval_seconds * 1000).start()
        self.log.info("sagebox: activity written to %s every %d s", self.path, self.interval_seconds)


def _jupyter_server_extension_points():
    return [{"module": "sagebox_jupyter_activity"}]


def _load_jupyter_server_extension(serverapp):
    ActivityFile(serverapp).start()
