"""The lifecycle hook helper (roles/lifecycle_scripts/files/sagebox-lifecycle-hook): when there is nothing to run.
Running a script (through systemd-run) is the lifecycle scenario's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HELPER = Path(__file__).resolve().parents[4] / "roles" / "lifecycle_scripts" / "files" / "sagebox-lifecycle-hook"


def hook(tmp_path, record, *extra):
    (tmp_path / "record.json").write_text(json.dumps(record))
    return subprocess.run([sys.executable, str(HELPER), "--hook=OnStart", "--record=%s" % (tmp_path / "record.json"),
                           "--configs-dir=%s" % tmp_path, "--timeout=5", "--path=/usr/bin:/bin",
                           "--slice=test.slice", *extra], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("config", [None, "missing"])
def test_no_configuration_or_no_script_runs_nothing(tmp_path, config):
    record = {"NotebookInstanceName": "nb"}
    if config:
        record["NotebookInstanceLifecycleConfigName"] = config
    done = hook(tmp_path, record)
    assert done.returncode == 0 and json.loads(done.stdout) == {"ran": False}


def test_a_hook_that_ran_once_does_not_run_again(tmp_path):
    (tmp_path / "setup").mkdir()
    (tmp_path / "setup" / "on-start.sh").write_text("exit 1\n")
    (tmp_path / "done").write_text("setup\n")
    done = hook(tmp_path, {"NotebookInstanceName": "nb", "NotebookInstanceLifecycleConfigName": "setup"},
                "--once=%s" % (tmp_path / "done"))
    assert done.returncode == 0 and json.loads(done.stdout) == {"ran": False}
