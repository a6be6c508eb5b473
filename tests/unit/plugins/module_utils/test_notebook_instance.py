from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import notebook_instance as nb


@pytest.mark.parametrize("name", ["a", "nb-1", "A--b", "x" * 63, "0"])
def test_valid_names(name):
    nb.check_name(name)


@pytest.mark.parametrize("name", ["", "-a", "a-", "a_b", "a.b", "x" * 64, "nb 1", None])
def test_invalid_names_name_the_value_and_rule(name):
    with pytest.raises(nb.RequestError) as exc:
        nb.check_name(name)
    assert repr(name) in str(exc.value)
    assert "[a-zA-Z0-9](-*[a-zA-Z0-9])*" in str(exc.value) and "63" in str(exc.value)


@pytest.mark.parametrize("size", [5, 6, 16384])
def test_volume_sizes(size):
    nb.check_volume_size(size)


@pytest.mark.parametrize("size", [4, 16385, 0, -5, "5", True, 5.5])
def test_volume_sizes_refused(size):
    with pytest.raises(nb.RequestError, match="from 5 to 16384"):
        nb.check_volume_size(size)


def test_at_most_three_additional_repositories():
    nb.check_repositories("https://git/a", ["b", "c", "d"])
    with pytest.raises(nb.RequestError, match="has 4 entries: at most 3"):
        nb.check_repositories(None, ["a", "b", "c", "d"])


def test_repositories_must_differ():
    with pytest.raises(nb.RequestError, match="must all differ"):
        nb.check_repositories("a", ["a"])


def test_tags_limits():
    nb.check_tags({"k" * 128: "v" * 256})
    nb.check_tags([{"Key": "team", "Value": "x"}] * 50)
    with pytest.raises(nb.RequestError, match="has 51 entries: at most 50"):
        nb.check_tags({str(i): "v" for i in range(51)})
    with pytest.raises(nb.RequestError, match="1 to 128"):
        nb.check_tags({"k" * 129: "v"})
    with pytest.raises(nb.RequestError, match="1 to 128"):
        nb.check_tags({"": "v"})
    with pytest.raises(nb.RequestError, match="at most 256"):
        nb.check_tags({"k": "v" * 257})
    with pytest.raises(nb.RequestError, match="aws:"):
        nb.check_tags({"aws:owner": "me"})


def test_create_request_checks_every_field():
    good = {"name": "nb", "volume_size_in_gb": 5, "lifecycle_config_name": "on-start"}
    nb.check_create_request(good)
    with pytest.raises(nb.RequestError, match="lifecycle_config_name"):
        nb.check_create_request(dict(good, lifecycle_config_name="bad_name"))


def test_failure_reason_is_cut_to_1024():
    assert len(nb.check_failure_reason("x" * 5000)) == 1024
    assert nb.check_failure_reason("short") == "short"


def test_arn_is_stable_and_lower_case():
    account = nb.account_id("0123456789abcdef0123456789abcdef\n")
    assert account == nb.account_id("0123456789abcdef0123456789abcdef")
    assert len(account) == 12 and account.isdigit()
    assert nb.instance_arn("My-NB", "local", account) == "arn:sagebox:sagemaker:local:%s:notebook-instance/my-nb" % account


def test_status_changes_and_failure_reason():
    record = nb.new_record("nb", "arn", {}, 0)
    assert record["NotebookInstanceStatus"] == "Pending"
    failed = nb.with_status(record, "Failed", 10, "disk full")
    assert failed["FailureReason"] == "disk full" and failed["LastModifiedTime"] != record["LastModifiedTime"]
    served = nb.with_status(failed, "InService", 20)
    assert "FailureReason" not in served
    assert nb.with_status(served, "InService", 30) == served
    with pytest.raises(nb.RequestError, match="must be one of"):
        nb.with_status(record, "Running", 0)


def test_request_differences_ignore_url():
    fields = nb.requested_fields({"instance_type": "ml.t3.medium", "volume_size_in_gb": 5, "url": "h:1"})
    record = nb.new_record("nb", "arn", fields, 0)
    assert nb.request_differences(record, dict(fields, Url="h:2")) == []
    assert nb.request_differences(record, dict(fields, VolumeSizeInGB=6)) == ["VolumeSizeInGB"]


def test_record_store_is_private_and_durable(tmp_path):
    path = str(tmp_path / "state" / "record.json")
    assert nb.load_record(path) is None
    record = {"NotebookInstanceName": "nb", "NotebookInstanceStatus": "Pending"}
    nb.save_record(record, path)
    assert nb.load_record(path) == record
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    assert [p for p in os.listdir(os.path.dirname(path)) if p.startswith(".tmp-")] == []


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "not valid JSON"),
        (b'{"NotebookInstanceName": "nb", "Notebook', "not valid JSON"),
        (b"\xff\xfe garbage", "cannot be read"),
        (b"[1, 2]", "a JSON list, not an object"),
        (b'{"NotebookInstanceStatus": "InService"}', "NotebookInstanceName is missing"),
        (b'{"NotebookInstanceName": "nb", "NotebookInstanceStatus": "Running"}', "'Running' is none of Pending"),
    ],
)
def test_damaged_record_is_refused_with_what_to_do(tmp_path, content, reason):
    path = tmp_path / "record.json"
    path.write_bytes(content)
    with pytest.raises(nb.RecordError) as raised:
        nb.load_record(str(path))
    message = str(raised.value)
    assert str(path) in message and reason in message
    assert "remove it and run the create again" in message


def test_volume_usage(tmp_path):
    usage = nb.volume_usage(str(tmp_path))
    assert usage["path"] == str(tmp_path) and usage["mounted"] is False
    assert 0 < usage["used_bytes"] <= usage["size_bytes"]
    assert 0 <= usage["used_percent"] <= 100
    assert nb.volume_usage(str(tmp_path / "missing")) is None


def test_list_filters_and_sorts():
    records = [
        nb.with_status(nb.new_record("beta", "a2", {}, 20), "InService", 20),
        nb.new_record("alpha", "a1", {}, 30),
        nb.new_record("gamma-x", "a3", {}, 10),
    ]

    def names(rows):
        return [r["NotebookInstanceName"] for r in rows]

    assert names(nb.list_instances(records)) == ["alpha", "beta", "gamma-x"]
    assert names(nb.list_instances(records, sort_by="CreationTime", sort_order="Descending")) == ["alpha", "beta", "gamma-x"]
    assert names(nb.list_instances(records, sort_by="CreationTime")) == ["gamma-x", "beta", "alpha"]
    assert names(nb.list_instances(records, status_equals="Pending")) == ["alpha", "gamma-x"]
    assert names(nb.list_instances(records, name_contains="a-")) == ["gamma-x"]
    with pytest.raises(nb.RequestError, match="sort_by"):
        nb.list_instances(records, sort_by="Size")


def test_every_broken_rule_is_reported_at_once():
    params = {"name": "bad_name", "volume_size_in_gb": 3, "tags": {"aws:team": "x"}}
    with pytest.raises(nb.RequestError) as exc:
        nb.check_create_request(params)
    message = str(exc.value)
    assert message.startswith("3 validation errors detected: name 'bad_name' must match")
    assert "; volume_size_in_gb 3 must be an integer from 5 to 16384; " in message
    assert message.endswith("tag key 'aws:team' must not start with 'aws:' (reserved)")
    with pytest.raises(nb.RequestError, match="^1 validation error detected: volume_size_in_gb 3 "):
        nb.check_create_request({"name": "nb", "volume_size_in_gb": 3})
