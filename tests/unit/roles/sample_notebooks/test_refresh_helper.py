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
    assert refresh(samples) == {"changed": True, "refreshed": ["a.ipynb", "b.ipynb"], "edited": [], "skipped": None}
    assert (dest / "a.ipynb").read_text() == (source / "a.ipynb").read_text()
    assert oct((dest / "a.ipynb").stat().st_mode & 0o777) == "0o644"
    assert set(json.loads(record.read_text())) == {"a.ipynb", "b.ipynb"}
    assert refresh(samples) == {"changed": False, "refreshed": [], "edited": [], "skipped": None}


def test_new_versions_replace_untouched_copies_and_keep_edited_ones(samples):
    source, dest = samples[0], samples[1]
    refresh(samples)
    (dest / "b.ipynb").write_text("my work\n")
    for name in ("a.ipynb", "b.ipynb"):
        (source / name).write_text('{"cells": ["%s v2"]}\n' % name)
    assert refresh(samples) == {"changed": True, "refreshed": ["a.ipynb"], "edited": ["b.ipynb"], "skipped": None}
    assert "v2" in (dest / "a.ipynb").read_text() and (dest / "b.ipynb").read_text() == "my work\n"
    assert refresh(samples)["changed"] is False


def test_a_deleted_sample_comes_back(samples):
    dest = samples[1]
    refresh(samples)
    (dest / "a.ipynb").unlink()
    assert refresh(samples)["refreshed"] == ["a.ipynb"] and (dest / "a.ipynb").exists()


def test_check_mode_changes_nothing(samples):
    dest, record = samples[1], samples[2]
    assert refresh(samples, "--check") == {"changed": True, "refreshed": ["a.ipynb", "b.ipynb"], "edited": [], "skipped": None}
    assert not dest.exists() and not record.exists()


@pytest.fixture
def outside(tmp_path):
    """A file and a folder outside the user's tree, standing for root's (a helper under /usr/local/libexec)."""
    folder = tmp_path / "root-only"
    folder.mkdir()
    helper = folder / "helper"
    helper.write_text("root's helper\n")
    return folder, helper


def test_links_at_every_name_it_writes_are_never_followed(samples, outside):
    """A link planted at a copy's name, at the name the former helper wrote through (NAME.sagebox-new) and at a
    name it may pick for the new file: the files they point to stay as they were."""
    dest = samples[1]
    folder, helper = outside
    refresh(samples)
    (dest / "a.ipynb").unlink()
    (dest / "a.ipynb.sagebox-new").symlink_to(helper)
    (dest / "b.ipynb").unlink()
    (dest / "b.ipynb").symlink_to(helper)
    for number in range(20):
        (dest / (".a.ipynb.sagebox-%012x" % number)).symlink_to(helper)
    done = refresh(samples)
    assert done["refreshed"] == ["a.ipynb"] and done["edited"] == ["b.ipynb"]
    assert helper.read_text() == "root's helper\n" and sorted(p.name for p in folder.iterdir()) == ["helper"]
    assert (dest / "b.ipynb").is_symlink() and not (dest / "a.ipynb").is_symlink()


def test_a_sample_folder_that_is_a_link_is_left_alone(samples, outside):
    dest, record = samples[1], samples[2]
    folder, helper = outside
    dest.parent.mkdir(parents=True)
    dest.symlink_to(folder)
    done = refresh(samples)
    assert done["changed"] is False and done["refreshed"] == [] and "not a folder" in done["skipped"]
    assert sorted(p.name for p in folder.iterdir()) == ["helper"] and not record.exists()


def test_a_fifo_or_a_folder_at_a_copy_s_name_is_the_user_s(samples):
    dest = samples[1]
    dest.mkdir(parents=True)
    os.mkfifo(dest / "a.ipynb")
    (dest / "b.ipynb").mkdir()
    done = refresh(samples)
    assert done["refreshed"] == [] and done["edited"] == ["a.ipynb", "b.ipynb"]
