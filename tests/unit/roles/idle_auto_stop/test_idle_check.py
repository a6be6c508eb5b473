"""The idle check (roles/idle_auto_stop/files/sagebox-idle-check) reads the activity file as untrusted input: the
notebook user may write anything there. Whatever it holds, the check never crashes and never stops the instance
on a file of the wrong type or shape; it says why in its output (the journal)."""

from __future__ import annotations

import datetime
import importlib.machinery
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import pytest

HELPER = Path(__file__).resolve().parents[4] / "roles" / "idle_auto_stop" / "files" / "sagebox-idle-check"


def load():
    loader = importlib.machinery.SourceFileLoader("sagebox_idle_check", str(HELPER))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture
def check(tmp_path, monkeypatch, capsys):
    """Run the check on `content` (bytes or a JSON-able value); return (its output, whether it stopped the instance)."""
    module = load()
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"NotebookInstanceStatus": "InService"}))
    activity = tmp_path / "activity.json"
    stops = []
    monkeypatch.setattr(module.subprocess, "run", lambda argv, check: stops.append(argv))

    def run(content, *, link_to=None):
        if activity.exists() or activity.is_symlink():
            activity.unlink()
        if link_to is not None:
            activity.symlink_to(link_to)
        elif content is not None:
            activity.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
        monkeypatch.setattr(sys, "argv", ["sagebox-idle-check", "--record", str(record), "--activity", str(activity),
                                          "--timeout", "60", "--stop-unit", "stop.service"])
        module.main()
        return capsys.readouterr().out.strip(), bool(stops)

    return run


def long_ago():
    return (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).isoformat()


def test_an_idle_server_is_stopped(check):
    out, stopped = check({"time": time.time(), "kernels": [{"id": "k", "execution_state": "idle"}], "connections": 0,
                          "last_activity": long_ago()})
    assert stopped and "stopping the notebook instance" in out


@pytest.mark.parametrize("content, reason", [
    (b"", "not JSON"),
    (b"\xff\xfe", "not JSON"),
    (b"[" * 100000, "not JSON"),
    (b"x" * (2 << 20), "over"),
    ([], "not a JSON object"),
    ("idle", "not a JSON object"),
    ({"time": "now"}, "time is not a number"),
    ({"time": True}, "time is not a number"),
    ({"time": 10 ** 400}, "not a finite number"),
    ({"time": None}, "time is not a number"),
    ({"kernels": "busy"}, "kernels is not a list"),
    ({"kernels": [1, 2]}, "kernels is not a list"),
    ({"connections": "many"}, "connections is not a number"),
    ({"last_activity": 12}, "last_activity is not a time"),
    ({"last_activity": "yesterday"}, "is not a time"),
    ({"last_activity": None}, "last_activity is not a time"),
    ({"last_activity": "9999-12-31T23:59:59+00:00" * 3}, "is not a time"),
])
def test_a_wrong_type_or_shape_means_not_idle_logged(check, content, reason):
    base = {"time": time.time(), "kernels": [], "connections": 0, "last_activity": long_ago()}
    if isinstance(content, dict):
        content = {**base, **content}
    out, stopped = check(content)
    assert not stopped
    assert out.startswith("not stopping:") and reason in out


def test_a_link_is_not_followed(check, tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps({"time": time.time(), "kernels": [], "connections": 0, "last_activity": long_ago()}))
    out, stopped = check(None, link_to=target)
    assert not stopped and "it is a link" in out


def test_a_fifo_does_not_block_the_check(tmp_path):
    module = load()
    fifo = tmp_path / "activity.json"
    os.mkfifo(fifo)
    with pytest.raises(module.Untrusted, match="not a plain file"):
        module.read_activity(str(fifo))


def test_no_activity_file_means_not_idle(check):
    out, stopped = check(None)
    assert not stopped and "no readable activity file" in out
