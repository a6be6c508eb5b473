from __future__ import annotations

import base64
import os
import stat

import pytest

from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance
from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance_lifecycle_config as lcm
from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance_lifecycle_config_info as info


@pytest.fixture
def where(tmp_path, paths):
    return {"configs_dir": str(tmp_path / "lifecycle-configs"), "record_path": paths["record_path"]}


def b64(text):
    return base64.b64encode(text.encode()).decode()


def test_create_keeps_scripts_root_only(run_module, where):
    failed, result = run_module(lcm, dict(where, name="setup", on_create=[{"content": b64("echo c\n")}],
                                          on_start_script="echo s\n"))
    assert not failed and result["changed"]
    config = result["lifecycle_config"]
    assert config["OnCreate"] == [{"Content": b64("echo c\n")}] and config["OnStart"] == [{"Content": b64("echo s\n")}]
    assert config["NotebookInstanceLifecycleConfigArn"].endswith(":notebook-instance-lifecycle-config/setup")
    directory = os.path.join(where["configs_dir"], "setup")
    assert open(os.path.join(directory, "on-start.sh")).read() == "echo s\n"
    assert stat.S_IMODE(os.stat(os.path.join(directory, "on-create.sh")).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(os.path.join(directory, "config.json")).st_mode) == 0o600
    again = run_module(lcm, dict(where, name="setup", on_start_script="echo s\n"))[1]
    assert not again["changed"]


def test_update_and_remove_a_hook(run_module, where):
    run_module(lcm, dict(where, name="setup", on_create_script="a", on_start_script="b"))
    updated = run_module(lcm, dict(where, name="setup", on_start_script="c", on_create=[], _ansible_diff=True))[1]
    assert updated["changed"] and "OnCreate" not in updated["lifecycle_config"]
    assert updated["diff"]["before"]["OnCreate"] == [{"Content": b64("a")}]
    assert not os.path.exists(os.path.join(where["configs_dir"], "setup", "on-create.sh"))
    assert open(os.path.join(where["configs_dir"], "setup", "on-start.sh")).read() == "c"


def test_check_mode_writes_nothing(run_module, where):
    failed, result = run_module(lcm, dict(where, name="setup", on_start_script="x", _ansible_check_mode=True))
    assert not failed and result["changed"] and not os.path.exists(where["configs_dir"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "bad name"}, "name 'bad name' must match"),
        ({"on_start": [{"content": "not base64!"}]}, "on_start content 'not base64!' is not valid base64"),
        ({"on_start": [{"content": "QQ=="}, {"content": "QQ=="}]}, "on_start has 2 scripts: at most 1 is allowed"),
        ({"on_create": [{"content": "QUFB" * 4097}]}, "on_create content is 16388 characters: at most 16384"),
        ({"on_create_script": "x" * 12289}, "on_create content is 16388 characters"),
        ({"on_start": [{"content": "QQ=="}], "on_start_script": "x"}, "mutually exclusive"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(run_module, where, args, message):
    failed, result = run_module(lcm, dict(where, **dict({"name": "setup"}, **args)))
    assert failed and message in result["msg"]
    assert not os.path.exists(where["configs_dir"])


def test_delete_refused_while_an_instance_uses_it(run_module, where, paths):
    run_module(lcm, dict(where, name="setup", on_start_script="x"))
    run_module(notebook_instance, dict(paths, name="nb-1", lifecycle_config_name="setup"))
    failed, result = run_module(lcm, dict(where, name="setup", state="absent"))
    assert failed and "used by notebook instance 'nb-1'" in result["msg"]
    run_module(lcm, dict(where, name="other", on_start_script="x"))
    gone = run_module(lcm, dict(where, name="other", state="absent"))[1]
    assert gone["changed"] and gone["lifecycle_config"] == {}
    assert not os.path.exists(os.path.join(where["configs_dir"], "other"))
    assert not run_module(lcm, dict(where, name="other", state="absent"))[1]["changed"]


def test_info_describes_and_lists(run_module, where):
    run_module(lcm, dict(where, name="b-config", on_start_script="x"))
    run_module(lcm, dict(where, name="a-config", on_create_script="y"))
    listed = run_module(info, {"configs_dir": where["configs_dir"]})[1]["lifecycle_configs"]
    assert [c["NotebookInstanceLifecycleConfigName"] for c in listed] == ["a-config", "b-config"]
    assert "OnStart" not in listed[1]
    described = run_module(info, {"configs_dir": where["configs_dir"], "name": "b-config"})[1]["lifecycle_config"]
    assert described["OnStart"] == [{"Content": b64("x")}]
    filtered = run_module(info, {"configs_dir": where["configs_dir"], "name_contains": "a-"})[1]["lifecycle_configs"]
    assert len(filtered) == 1
    failed, result = run_module(info, {"configs_dir": where["configs_dir"], "name": "missing"})
    assert failed and "'missing' does not exist" in result["msg"]
