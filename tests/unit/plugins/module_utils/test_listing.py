from __future__ import annotations

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import listing, record, status
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError


def test_volume_usage(tmp_path):
    usage = listing.volume_usage(str(tmp_path))
    assert usage["path"] == str(tmp_path) and usage["mounted"] is False
    assert 0 < usage["used_bytes"] <= usage["size_bytes"]
    assert 0 <= usage["used_percent"] <= 100
    assert listing.volume_usage(str(tmp_path / "missing")) is None


def test_list_filters_and_sorts():
    records = [
        status.with_status(record.new_record("beta", "a2", {}, 20), "InService", 20),
        record.new_record("alpha", "a1", {}, 30),
        record.new_record("gamma-x", "a3", {}, 10),
    ]

    def names(rows):
        return [r["NotebookInstanceName"] for r in rows]

    assert names(listing.list_instances(records)) == ["alpha", "beta", "gamma-x"]
    assert names(listing.list_instances(records, sort_by="CreationTime", sort_order="Descending")) == ["alpha", "beta", "gamma-x"]
    assert names(listing.list_instances(records, sort_by="CreationTime")) == ["gamma-x", "beta", "alpha"]
    assert names(listing.list_instances(records, status_equals="Pending")) == ["alpha", "gamma-x"]
    assert names(listing.list_instances(records, name_contains="a-")) == ["gamma-x"]
    with pytest.raises(RequestError, match="sort_by"):
        listing.list_instances(records, sort_by="Size")
