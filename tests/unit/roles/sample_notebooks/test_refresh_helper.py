"""The sample notebooks' refresh helper (roles/sample_notebooks/files/sagebox-sample-notebooks-refresh), run as the
role and the start unit run it, as the current user (owner of every copy)."""

from __future__ import annotations

import grp
import json
import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

HELPER = Path(__file__).resolve().parents[4] / "roles" / "sample_notebooks" / "files" / "sagebox-sample-notebooks-refresh"


@pytest.fixture
def samples(tmp_path):
    source, dest = tmp_path / "shipped", tmp_path / "user" / "sample_notebooks"
    source.mkdir()
    for name in ("a.ipynb", "b.ipynb"):
        (source / name).write_text('{"cells": ["%s v1"]}\n' % name)
    return source, dest, tmp_path / "record" / "record.json"


def refresh(samples, *extra):
    source, dest, record = samples
    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    done = subprocess.run([sys.executable, str(HELPER), "--source=%s" % source, "--dest=%s" % dest,
                           "--record=%s" % record, "--user=%s" % user, "--group=%s" % group, *extra],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_first_refresh_copies_every_sample_and_records_it(samples):
    source, dest, record = samples
    assert refresh(samples) == {"changed": True, "refreshed": ["a.ipynb", "b.ipynb"], "edited": []}
    assert (dest / "a.ipynb").read_text() == (source / "a.ipynb").read_text()
    assert oct((dest / "a.ipynb").stat().st_mode & 0o777) == "0o644"
    assert set(json.loads(record.read_text())) == {"a.ipynb", "b.ipynb"}
    assert refresh(samples) == {"changed": False, "refreshed": [], "edited": []}


def test_new_versions_replace_untouched_copies_and_keep_edited_ones(samples):
    source, dest = samples[0], samples[1]
    refresh(samples)
    (dest / "b.ipynb").write_text("my work\n")
    for name in ("a.ipynb", "b.ipynb"):
        (source / name).write_text('{"cells": ["%s v2"]}\n' % name)
    assert refresh(samples) == {"changed": True, "refreshed": ["a.ipynb"], "edited": ["b.ipynb"]}
    assert "v2" in (dest / "a.ipynb").read_text() and (dest / "b.ipynb").read_text() == "my work\n"
    assert refresh(samples)["changed"] is False


def test_a_deleted_sample_comes_back(samples):
    dest = samples[1]
    refresh(samples)
    (dest / "a.ipynb").unlink()
    assert refresh(samples)["refreshed"] == ["a.ipynb"] and (dest / "a.ipynb").exists()


def test_check_mode_changes_nothing(samples):
    dest, record = samples[1], samples[2]
    assert refresh(samples, "--check") == {"changed": True, "refreshed": ["a.ipynb", "b.ipynb"], "edited": []}
    assert not dest.exists() and not record.exists()
