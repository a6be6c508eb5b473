from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance, notebook_instance_tags


@pytest.fixture
def instance(run_module, paths):
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", tags={"team": "ml"}))
    assert not failed
    return {k: paths[k] for k in ("record_path", "metadata_path")}


def description(paths) -> dict:
    with open(os.path.join(os.path.dirname(paths["metadata_path"]), "notebook-instance.json"), encoding="utf-8") as f:
        return json.load(f)


def record(paths) -> dict:
    with open(paths["record_path"], encoding="utf-8") as handle:
        return json.load(handle)


def test_add_tags_keeps_the_others_and_publishes_them(run_module, instance):
    failed, result = run_module(notebook_instance_tags, dict(instance, name="nb-1", tags={"cost": "4711"}))
    assert not failed and result["changed"]
    assert result["tags"] == [{"Key": "team", "Value": "ml"}, {"Key": "cost", "Value": "4711"}]
    assert record(instance)["Tags"] == result["tags"]
    assert description(instance)["Tags"] == result["tags"]
    assert description(instance)["NotebookInstanceName"] == "nb-1"
    described = os.path.join(os.path.dirname(instance["metadata_path"]), "notebook-instance.json")
    assert stat.S_IMODE(os.stat(described).st_mode) == 0o644


def test_a_new_value_replaces_the_old_and_a_second_run_changes_nothing(run_module, instance):
    run_module(notebook_instance_tags, dict(instance, name="nb-1", tags=[{"Key": "team", "Value": "vision"}]))
    failed, again = run_module(notebook_instance_tags, dict(instance, name="nb-1", tags={"team": "vision"}))
    assert not failed and not again["changed"]
    assert again["tags"] == [{"Key": "team", "Value": "vision"}]


def test_purge_leaves_only_the_given_tags(run_module, instance):
    run_module(notebook_instance_tags, dict(instance, name="nb-1", tags={"a": "1", "b": "2"}))
    result = run_module(notebook_instance_tags, dict(instance, name="nb-1", tags={"b": "2"}, purge=True))[1]
    assert result["changed"] and result["tags"] == [{"Key": "b", "Value": "2"}]


def test_delete_tags_ignores_missing_keys(run_module, instance):
    failed, result = run_module(notebook_instance_tags, dict(instance, name="nb-1", state="absent", keys=["team", "nope"]))
    assert not failed and result["changed"] and result["tags"] == []
    assert run_module(notebook_instance_tags, dict(instance, name="nb-1", state="absent", keys=["team"]))[1]["changed"] is False


def test_listing_with_no_tags_changes_nothing(run_module, instance):
    failed, result = run_module(notebook_instance_tags, dict(instance, name="nb-1", tags={}))
    assert not failed and not result["changed"] and result["tags"] == [{"Key": "team", "Value": "ml"}]


def test_check_mode_and_diff_change_nothing(run_module, instance):
    before = record(instance)
    failed, result = run_module(notebook_instance_tags, dict(instance, name="nb-1", tags={"x": "y"},
                                                             _ansible_check_mode=True, _ansible_diff=True))
    assert not failed and result["changed"]
    assert result["diff"]["after"]["Tags"][-1] == {"Key": "x", "Value": "y"}
    assert record(instance) == before


@pytest.mark.parametrize("tags, message", [
    ({"aws:owner": "me"}, "tag key 'aws:owner' must not start with 'aws:' (reserved)"),
    ({"k" * 129: "v"}, "must be 1 to 128 characters"),
    ({"k": "v" * 257}, "must be a string of at most 256 characters"),
    ({"t%d" % i: "v" for i in range(51)}, "tags has 51 entries: at most 50 are allowed"),
])
def test_limits_fail_naming_value_and_rule_and_change_nothing(run_module, instance, tags, message):
    before = record(instance)
    failed, result = run_module(notebook_instance_tags, dict(instance, name="nb-1", tags=tags))
    assert failed and message in result["msg"]
    assert record(instance) == before


def test_the_total_is_limited_too(run_module, instance):
    run_module(notebook_instance_tags, dict(instance, name="nb-1", tags={"t%d" % i: "v" for i in range(49)}))
    failed, result = run_module(notebook_instance_tags, dict(instance, name="nb-1", tags={"one": "1", "two": "2"}))
    assert failed and "the instance would have 52 tags: at most 50 are allowed" in result["msg"]
    assert len(record(instance)["Tags"]) == 50


def test_a_missing_instance_fails(run_module, paths):
    failed, result = run_module(notebook_instance_tags, dict(name="nb-1", tags={"a": "b"},
                                                             record_path=paths["record_path"],
                                                             metadata_path=paths["metadata_path"]))
    assert failed and result["msg"] == (
        "this host holds no notebook instance: create one first: ansible-playbook -i INVENTORY "
        "sagebox.notebook.create_notebook_instance -e notebook_instance_name=NAME")
    assert not os.path.exists(paths["record_path"])


def test_another_instance_fails(run_module, instance):
    failed, result = run_module(notebook_instance_tags, dict(instance, name="nb-2", tags={"a": "b"}))
    assert failed and result["msg"] == "name 'nb-2': this host holds notebook instance 'nb-1', not this one: name it, or leave the name out"


def test_without_a_name_the_hosts_instance(run_module, instance):
    failed, result = run_module(notebook_instance_tags, dict(instance, tags={"cost": "4711"}))
    assert not failed and result["changed"] and result["notebook_instance_name"] == "nb-1"
    assert record(instance)["Tags"] == [{"Key": "team", "Value": "ml"}, {"Key": "cost", "Value": "4711"}]
    failed, result = run_module(notebook_instance_tags, dict(instance, state="absent", keys=["team"]))
    assert not failed and result["changed"] and result["tags"] == [{"Key": "cost", "Value": "4711"}]


def test_without_a_name_on_an_empty_host_says_what_to_do(run_module, paths):
    failed, result = run_module(notebook_instance_tags, dict(tags={"a": "b"}, record_path=paths["record_path"],
                                                             metadata_path=paths["metadata_path"]))
    assert failed and result["msg"].startswith("this host holds no notebook instance: create one first")
    assert not os.path.exists(paths["record_path"])


def test_a_bad_name_is_refused(run_module, instance):
    failed, result = run_module(notebook_instance_tags, dict(instance, name="nb_1", tags={"a": "b"}))
    assert failed and "name 'nb_1' must match" in result["msg"]


def test_a_create_run_again_keeps_the_tags_changed_since(run_module, paths, instance):
    run_module(notebook_instance_tags, dict(instance, name="nb-1", tags={"team": "vision"}))
    failed, result = run_module(notebook_instance, dict(paths, name="nb-1", tags={"team": "ml"}))
    assert not failed and not result["changed"]
    assert result["notebook_instance"]["Tags"] == [{"Key": "team", "Value": "vision"}]
