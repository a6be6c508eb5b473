"""The host's start helper (roles/notebook_instance/files/sagebox-notebook-instance-start), run as the start
unit runs it, with the modules' record code beside it and the host's commands (mount, systemctl, the feature
roles' helpers) replaced by scripts that log their arguments."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


class Forbidden(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(403)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def jupyter():
    server = http.server.HTTPServer(("127.0.0.1", 0), Forbidden)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:%d/api/status" % server.server_port
    server.shutdown()


def fake(bin_dir: Path, name: str, log: Path, body: str = "") -> None:
    script = bin_dir / name
    script.write_text("#!/bin/sh\necho \"%s $*\" >> %s\n%s\n" % (name, log, body))
    script.chmod(0o755)


@pytest.fixture
def host(tmp_path, jupyter, install_helper_library):
    shutil.copy(ROOT / "roles" / "notebook_instance" / "files" / "sagebox-notebook-instance-start", tmp_path / "helper")
    install_helper_library(tmp_path)
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for name in ("mount", "systemctl", "on-start", "samples"):
        fake(bin_dir, name, log)
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"NotebookInstanceName": "nb", "NotebookInstanceStatus": "Stopped",
                                  "NotebookInstanceArn": "arn:sagebox:sagemaker:local:1:notebook-instance/nb",
                                  "LastModifiedTime": "2026-01-01T00:00:00+00:00"}))
    (tmp_path / "volume").mkdir()
    config = {
        "record": str(record), "metadata": str(tmp_path / "ml" / "resource-metadata.json"),
        "unit": "nb-start.service", "mounts": [str(tmp_path / "volume")], "firewall_unit": "fw.service",
        "on_start": [str(bin_dir / "on-start")], "samples_refresh": [str(bin_dir / "samples"), "--dest=x"],
        "jupyter_unit": "jupyter-server.service", "jupyter_url": jupyter, "jupyter_wait_seconds": 5,
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    return tmp_path


def start(host, *args):
    env = dict(os.environ, PATH="%s:%s" % (host / "bin", os.environ["PATH"]))
    return subprocess.run([sys.executable, str(host / "helper"), str(host / "config.json"), *args],
                          capture_output=True, text=True, check=False, env=env)


def status(host):
    record = json.loads((host / "record.json").read_text())
    return record["NotebookInstanceStatus"], record.get("FailureReason")


def calls(host):
    return (host / "calls.log").read_text().splitlines()


def test_a_start_brings_the_instance_up_in_order(host):
    done = start(host)
    assert done.returncode == 0, done.stderr
    assert status(host) == ("InService", None)
    assert calls(host) == [
        "mount %s" % (host / "volume"),
        "systemctl reload-or-restart fw.service",
        "on-start ",
        "samples --dest=x",
        "systemctl start jupyter-server.service",
        "systemctl enable --no-reload --quiet nb-start.service jupyter-server.service",
    ]
    assert "notebook instance nb is InService" in done.stdout
    assert json.loads((host / "ml" / "notebook-instance.json").read_text())["NotebookInstanceStatus"] == "InService"


def test_a_failed_enable_records_failed_with_its_reason(host):
    fake(host / "bin", "systemctl", host / "calls.log", '[ "$1" = enable ] && { echo "read-only file system" >&2; exit 1; }; exit 0')
    assert start(host).returncode == 1
    assert status(host) == ("Failed", "start: enable at boot: read-only file system")


def test_a_failed_onstart_records_failed_with_its_reason_and_jupyter_stays_down(host):
    fake(host / "bin", "on-start", host / "calls.log",
         "echo \"the OnStart script of lifecycle configuration 'x' ran longer than 5 seconds\" >&2; exit 1")
    done = start(host)
    assert done.returncode == 1
    assert status(host) == ("Failed", "start: the OnStart script of lifecycle configuration 'x' ran longer than 5 seconds")
    assert not any("jupyter" in call for call in calls(host))


def test_a_failed_mount_names_the_path(host):
    fake(host / "bin", "mount", host / "calls.log", "echo 'mount: special device missing' >&2; exit 32")
    assert start(host).returncode == 1
    assert status(host) == ("Failed", "start: mount %s: mount: special device missing" % (host / "volume"))


def test_jupyter_that_never_answers_fails_the_start(host):
    config = json.loads((host / "config.json").read_text())
    config.update(jupyter_url="http://127.0.0.1:9/api/status", jupyter_wait_seconds=1)
    (host / "config.json").write_text(json.dumps(config))
    assert start(host).returncode == 1
    state, reason = status(host)
    assert state == "Failed" and reason.startswith("start: Jupyter did not answer on http://127.0.0.1:9/api/status within 1 s")


def test_an_instance_being_deleted_does_not_start(host):
    record = json.loads((host / "record.json").read_text())
    (host / "record.json").write_text(json.dumps(dict(record, NotebookInstanceStatus="Deleting")))
    done = start(host)
    assert done.returncode == 1 and "only a Stopped or Failed instance starts" in done.stderr
    assert status(host) == ("Deleting", None) and not (host / "calls.log").exists()


@pytest.mark.parametrize(("before", "after"), [("Pending", "Failed"), ("InService", "InService"), ("Failed", "Failed")])
def test_an_interrupted_start_is_recorded_failed(host, before, after):
    record = json.loads((host / "record.json").read_text())
    (host / "record.json").write_text(json.dumps(dict(record, NotebookInstanceStatus=before, **(
        {"FailureReason": "start: OnStart failed"} if before == "Failed" else {}))))
    assert start(host, "--interrupted", "signal").returncode == 0
    state, reason = status(host)
    assert state == after
    if before == "Pending":
        assert reason == "start: interrupted (signal): journalctl -u nb-start.service"
    if before == "Failed":
        assert reason == "start: OnStart failed"


def test_a_mount_point_in_mountinfo_is_not_mounted_again_and_a_link_is_never_mounted_onto(host):
    """/proc is mounted (mountinfo says so, as it says of a bind mount from the same file system, which
    os.path.ismount misses): the start does not mount it again. A link at a mount point fails the start."""
    config = json.loads((host / "config.json").read_text())
    config["mounts"] = ["/proc"]
    (host / "config.json").write_text(json.dumps(config))
    assert start(host).returncode == 0
    assert not any(call.startswith("mount") for call in calls(host))
    (host / "elsewhere").mkdir()
    (host / "prefix").symlink_to(host / "elsewhere")
    config["mounts"] = [str(host / "prefix")]
    (host / "config.json").write_text(json.dumps(config))
    record = json.loads((host / "record.json").read_text())
    (host / "record.json").write_text(json.dumps(dict(record, NotebookInstanceStatus="Stopped")))
    assert start(host).returncode == 1
    assert status(host) == ("Failed", "start: mount %s: it is a link, not a mount point: the create moves it aside"
                            % (host / "prefix"))
