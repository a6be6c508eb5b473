"""Unit tests of the jupyter role's /etc/profile.d reader (roles/jupyter/files/sagebox_jupyter_profile.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
spec = importlib.util.spec_from_file_location(
    "sagebox_jupyter_profile", ROOT / "roles" / "jupyter" / "files" / "sagebox_jupyter_profile.py")
profile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(profile)

BASE = {"PATH": "/usr/bin:/bin", "HOME": "/home/ec2-user", "JUPYTER_CONFIG_DIR": "/etc/sagebox/jupyter/config"}


def test_exported_and_changed_variables_are_found(tmp_path):
    (tmp_path / "a.sh").write_text('export MY_SETTING="two words"\nexport PATH="$PATH:/opt/tool/bin"\n')
    (tmp_path / "b.sh").write_text("export MULTI='line one\nline two'\n")
    found = profile.profile_environment(str(tmp_path), BASE)
    assert found["MY_SETTING"] == "two words"
    assert found["PATH"] == "/usr/bin:/bin:/opt/tool/bin"
    assert found["MULTI"] == "line one\nline two"


def test_unexported_unchanged_and_pinned_variables_are_left_out(tmp_path):
    (tmp_path / "a.sh").write_text(
        "LOCAL_ONLY=1\nexport HOME=/tmp\nexport JUPYTER_CONFIG_DIR=/tmp\nexport PATH=/usr/bin:/bin\n")
    assert profile.profile_environment(str(tmp_path), BASE) == {}


def test_files_other_than_sh_and_unreadable_ones_are_skipped(tmp_path):
    (tmp_path / "a.csh").write_text("setenv CSH_ONLY 1\n")
    (tmp_path / "b.sh.disabled").write_text("export DISABLED=1\n")
    assert profile.profile_environment(str(tmp_path), BASE) == {}


def test_a_script_reading_standard_input_gets_nothing(tmp_path):
    (tmp_path / "a.sh").write_text('export GOT="$(cat)"\n')
    assert profile.profile_environment(str(tmp_path), BASE)["GOT"] == ""


def test_a_failing_script_does_not_stop_the_others(tmp_path):
    (tmp_path / "a.sh").write_text("false\nno_such_command_here\n")
    (tmp_path / "b.sh").write_text("export AFTER=1\n")
    assert profile.profile_environment(str(tmp_path), BASE) == {"AFTER": "1"}


def test_apply_adds_them_to_the_environment(tmp_path, monkeypatch):
    (tmp_path / "a.sh").write_text("export APPLIED_HERE=yes\n")
    monkeypatch.delenv("APPLIED_HERE", raising=False)
    assert profile.apply(str(tmp_path)) == {"APPLIED_HERE": "yes"}
    import os
    assert os.environ["APPLIED_HERE"] == "yes"
