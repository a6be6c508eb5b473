"""The host's status helper (roles/notebook_instance/files/sagebox-notebook-instance-status), run as its units run it,
with the modules' record code installed beside it as the role installs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def host(tmp_path, install_helper_library):
    shutil.copy(ROOT / "roles" / "notebook_instance" / "files" / "sagebox-notebook-instance-status", tmp_path / "helper")
    install_helper_library(tmp_path)
    metadata = tmp_path / "ml" / "resource-metadata.json"
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"NotebookInstanceName": "nb", "NotebookInstanceStatus": "InService",
                                  "NotebookInstanceArn": "arn:sagebox:sagemaker:local:1:notebook-instance/nb",
                                  "LastModifiedTime": "2026-01-01T00:00:00+00:00"}))
    return tmp_path, record, metadata


def helper(host, *args):
    directory, record, metadata = host
    return subprocess.run([sys.executable, str(directory / "helper"), str(record), str(metadata), *args],
                          capture_output=True, text=True, check=False)


def test_a_status_is_recorded_and_published(host):
    record, metadata = host[1], host[2]
    done = helper(host, "Stopped")
    assert done.returncode == 0 and done.stdout.strip() == "notebook instance nb is Stopped"
    assert json.loads(record.read_text())["NotebookInstanceStatus"] == "Stopped"
    assert json.loads((metadata.parent / "notebook-instance.json").read_text())["NotebookInstanceStatus"] == "Stopped"
    assert json.loads(metadata.read_text())["ResourceName"] == "nb"


def test_the_same_status_again_leaves_the_record_alone(host):
    record = host[1]
    helper(host, "Stopped")
    before = record.read_text()
    assert helper(host, "Stopped").returncode == 0
    assert record.read_text() == before


def test_failed_keeps_the_reason_cut_to_sagemakers_limit(host):
    record = host[1]
    assert helper(host, "Failed", "x" * 2000).returncode == 0
    saved = json.loads(record.read_text())
    assert saved["NotebookInstanceStatus"] == "Failed" and len(saved["FailureReason"]) == 1024


def test_an_unknown_status_or_a_damaged_record_fails(host):
    record = host[1]
    assert "usage:" in helper(host, "Sleeping").stderr
    record.write_text("{")
    damaged = helper(host, "Stopped")
    assert damaged.returncode == 1 and "is damaged: it is not valid JSON" in damaged.stderr
