from __future__ import annotations

import grp
import os
import pwd
import stat

from ansible_collections.sagebox.notebook.plugins.modules import host_files

ME = pwd.getpwuid(os.getuid()).pw_name
MY_GROUP = grp.getgrgid(os.getgid()).gr_name


def spec(path, content, mode="0644"):
    return {"path": str(path), "content": content, "owner": ME, "group": MY_GROUP, "mode": mode}


def test_files_are_written_then_left_alone(run_module, tmp_path):
    files = [spec(tmp_path / "a" / "b" / "unit.service", "[Unit]\n"), spec(tmp_path / "helper", "print()\n", "0700")]
    failed, result = run_module(host_files, {"files": files})
    assert not failed and result["changed"] and result["changed_files"] == [f["path"] for f in files]
    assert (tmp_path / "a" / "b" / "unit.service").read_text() == "[Unit]\n"
    assert stat.S_IMODE((tmp_path / "helper").stat().st_mode) == 0o700
    again = run_module(host_files, {"files": files})[1]
    assert not again["changed"] and again["changed_files"] == []


def test_only_what_differs_changes_content_or_mode(run_module, tmp_path):
    files = [spec(tmp_path / "one", "1\n"), spec(tmp_path / "two", "2\n")]
    run_module(host_files, {"files": files})
    (tmp_path / "one").write_text("edited\n")
    os.chmod(tmp_path / "two", 0o666)
    result = run_module(host_files, {"files": files, "_ansible_diff": True})[1]
    assert result["changed_files"] == [str(tmp_path / "one"), str(tmp_path / "two")]
    assert (tmp_path / "one").read_text() == "1\n" and stat.S_IMODE((tmp_path / "two").stat().st_mode) == 0o644
    assert result["diff"] == [{"before_header": str(tmp_path / "one"), "after_header": str(tmp_path / "one"),
                               "before": "edited\n", "after": "1\n"}]


def test_check_mode_writes_nothing(run_module, tmp_path):
    result = run_module(host_files, {"files": [spec(tmp_path / "d" / "f", "x\n")], "_ansible_check_mode": True})[1]
    assert result["changed"] and not (tmp_path / "d").exists()


def test_a_bad_mode_is_refused_before_anything_is_written(run_module, tmp_path):
    failed, result = run_module(host_files, {"files": [spec(tmp_path / "f", "x\n", "rw-r--r--")]})
    assert failed and result["msg"] == "files: %s: mode 'rw-r--r--' is not an octal mode such as 0644" % (tmp_path / "f")
    assert not (tmp_path / "f").exists()
