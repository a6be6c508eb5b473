from __future__ import annotations

from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance, notebook_instance_info as info


def test_describe(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1", url="h:8443"))
    failed, result = run_module(info, {"name": "nb-1", "record_path": paths["record_path"]})
    assert not failed and not result["changed"]
    assert result["notebook_instance"]["Url"] == "h:8443"
    assert result["notebook_instance"]["NotebookInstanceStatus"] == "Pending"


def test_describe_by_sagemakers_parameter_name(run_module, paths):
    """notebook_instance_name (SageMaker's NotebookInstanceName) names the instance in both modules."""
    run_module(notebook_instance, dict(paths, notebook_instance_name="nb-1"))
    failed, result = run_module(info, {"notebook_instance_name": "nb-1", "record_path": paths["record_path"]})
    assert not failed and result["notebook_instance"]["NotebookInstanceName"] == "nb-1"
    failed, result = run_module(info, {"notebook_instance_name": "nb-1", "name_contains": "nb",
                                       "record_path": paths["record_path"]})
    assert failed and "mutually exclusive" in result["msg"]


def test_describe_unknown(run_module, paths):
    failed, result = run_module(info, {"name": "nb-1", "record_path": paths["record_path"]})
    assert failed and result["msg"].startswith("this host holds no notebook instance: create one first")
    run_module(notebook_instance, dict(paths, name="nb-2"))
    failed, result = run_module(info, {"name": "nb-1", "record_path": paths["record_path"]})
    assert failed and result["msg"] == "name 'nb-1': this host holds notebook instance 'nb-2', not this one: name it, or leave the name out"


def test_describe_bad_name(run_module, paths):
    failed, result = run_module(info, {"name": "nb_1", "record_path": paths["record_path"]})
    assert failed and "must match" in result["msg"]


def test_list_with_filters(run_module, paths):
    assert run_module(info, {"record_path": paths["record_path"]})[1]["notebook_instances"] == []
    run_module(notebook_instance, dict(paths, name="nb-1"))
    listed = run_module(info, {"record_path": paths["record_path"], "status_equals": "Pending"})[1]["notebook_instances"]
    assert [r["NotebookInstanceName"] for r in listed] == ["nb-1"]
    assert "Tags" not in listed[0]
    assert run_module(info, {"record_path": paths["record_path"], "status_equals": "InService"})[1]["notebook_instances"] == []
    assert run_module(info, {"record_path": paths["record_path"], "name_contains": "zz"})[1]["notebook_instances"] == []
