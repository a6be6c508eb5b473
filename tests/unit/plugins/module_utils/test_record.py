from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import record
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RecordError, RequestError


def test_record_store_is_private_and_durable(tmp_path):
    path = str(tmp_path / "state" / "record.json")
    assert record.load_record(path) is None
    saved = {"NotebookInstanceName": "nb", "NotebookInstanceStatus": "Pending"}
    record.save_record(saved, path)
    assert record.load_record(path) == saved
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
    with pytest.raises(RecordError) as raised:
        record.load_record(str(path))
    message = str(raised.value)
    assert str(path) in message and reason in message
    assert "remove it and run the create again" in message


def test_find_instance_is_the_hosts_one_instance(tmp_path):
    path = str(tmp_path / "record.json")
    with pytest.raises(RecordError) as raised:
        record.find_instance(path)
    assert str(raised.value) == ("this host holds no notebook instance: create one first: ansible-playbook -i INVENTORY "
                                 "sagebox.notebook.create_notebook_instance -e notebook_instance_name=NAME")
    with pytest.raises(RecordError, match="^this host holds no notebook instance"):
        record.find_instance(path, "a")
    saved = record.new_record("a", "arn", {}, 0)
    record.save_record(saved, path)
    assert record.find_instance(path) == saved
    assert record.find_instance(path, "a") == saved
    assert record.find_instance(path, "") == saved
    with pytest.raises(RecordError) as raised:
        record.find_instance(path, "b")
    assert str(raised.value) == "name 'b': this host holds notebook instance 'a', not this one: name it, or leave the name out"


def test_find_instance_reports_a_damaged_record(tmp_path):
    path = tmp_path / "record.json"
    path.write_text("{")
    with pytest.raises(RecordError, match="is damaged: it is not valid JSON"):
        record.find_instance(str(path), "a")


def test_publish_writes_metadata_and_description_for_every_user(tmp_path):
    metadata = str(tmp_path / "ml" / "metadata" / "resource-metadata.json")
    published = dict(record.new_record("nb", "arn:x", {"Tags": [], "InstanceType": "ml.t3.medium"}, 0))
    assert record.publish(published, metadata, check_mode=True)
    assert not os.path.exists(metadata)
    assert record.publish(published, metadata)
    with open(metadata, encoding="utf-8") as handle:
        assert json.load(handle) == {"ResourceArn": "arn:x", "ResourceName": "nb"}
    with open(record.description_path(metadata), encoding="utf-8") as handle:
        assert json.load(handle) == record.describe(published)
    assert "Tags" not in record.describe(published)
    assert stat.S_IMODE(os.stat(metadata).st_mode) == 0o644
    assert stat.S_IMODE(os.stat(os.path.dirname(metadata)).st_mode) == 0o755
    assert not record.publish(published, metadata)


def test_record_status_steps_the_record(tmp_path):
    path, metadata = str(tmp_path / "record.json"), str(tmp_path / "metadata" / "resource-metadata.json")
    with pytest.raises(RecordError, match="no notebook instance record at"):
        record.record_status(path, "InService", 0)
    record.save_record(record.new_record("nb", "arn:x", {}, 0), path)
    with pytest.raises(RequestError, match="^the instance is Pending$"):
        record.record_status(path, "Stopped", 5, allowed_from={"Stopping"})
    served = record.record_status(path, "InService", 10, metadata_path=metadata)
    assert served["NotebookInstanceStatus"] == "InService" == record.load_record(path)["NotebookInstanceStatus"]
    with open(record.description_path(metadata), encoding="utf-8") as handle:
        assert json.load(handle)["NotebookInstanceStatus"] == "InService"
