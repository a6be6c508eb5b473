from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.sagebox.notebook.plugins.modules import build_receipt, build_receipt_info


@pytest.fixture(autouse=True)
def host_files(tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "unit.service").write_text("[Unit]\n")


def args(tmp_path, **extra):
    values = {"path": str(tmp_path / "lib" / "receipt.json"), "fingerprint": "f" * 64, "paths": [str(tmp_path / "etc")]}
    values.update(extra)
    return values


def test_written_root_only_then_current_then_not(run_module, tmp_path):
    failed, result = run_module(build_receipt, args(tmp_path))
    assert not failed and result["changed"] and result["differences"] == []
    receipt = tmp_path / "lib" / "receipt.json"
    assert stat.S_IMODE(receipt.stat().st_mode) == 0o600
    assert json.loads(receipt.read_text())["fingerprint"] == "f" * 64
    assert run_module(build_receipt, args(tmp_path))[1]["changed"] is False
    info = run_module(build_receipt_info, args(tmp_path))[1]
    assert (info["changed"], info["current"], info["differences"]) == (False, True, [])
    (tmp_path / "etc" / "unit.service").unlink()
    info = run_module(build_receipt_info, args(tmp_path))[1]
    assert info["current"] is False and info["differences"] == ["%s: removed" % (tmp_path / "etc" / "unit.service")]


def test_rewriting_names_what_changed(run_module, tmp_path):
    run_module(build_receipt, args(tmp_path))
    (tmp_path / "etc" / "more.conf").write_text("x\n")
    result = run_module(build_receipt, args(tmp_path, fingerprint="e" * 64))[1]
    assert result["changed"] and result["differences"] == ["the fingerprint", "%s: added" % (tmp_path / "etc" / "more.conf")]


def test_check_mode_writes_nothing(run_module, tmp_path):
    result = run_module(build_receipt, dict(args(tmp_path), _ansible_check_mode=True))[1]
    assert result["changed"] and not (tmp_path / "lib").exists()


def test_absent_removes_it(run_module, tmp_path):
    run_module(build_receipt, args(tmp_path))
    assert run_module(build_receipt, {"path": args(tmp_path)["path"], "state": "absent"})[1]["changed"]
    assert not os.path.exists(args(tmp_path)["path"])
    assert not run_module(build_receipt, {"path": args(tmp_path)["path"], "state": "absent"})[1]["changed"]


def test_present_needs_a_fingerprint(run_module, tmp_path):
    failed, result = run_module(build_receipt, {"path": str(tmp_path / "r.json")})
    assert failed and "fingerprint" in result["msg"]


def test_a_damaged_receipt_is_not_current_and_says_why(run_module, tmp_path):
    receipt = tmp_path / "lib" / "receipt.json"
    receipt.parent.mkdir()
    receipt.write_text("garbage")
    info = run_module(build_receipt_info, args(tmp_path))[1]
    assert info["current"] is False and info["differences"][0].startswith("the build receipt %s cannot be read" % receipt)
    assert run_module(build_receipt, args(tmp_path))[1]["changed"]
    assert run_module(build_receipt_info, args(tmp_path))[1]["current"] is True
