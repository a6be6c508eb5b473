from __future__ import annotations

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import record, request
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError


@pytest.mark.parametrize("name", ["a", "nb-1", "A--b", "x" * 63, "0"])
def test_valid_names(name):
    request.check_name(name)


@pytest.mark.parametrize("name", ["", "-a", "a-", "a_b", "a.b", "x" * 64, "nb 1", None])
def test_invalid_names_name_the_value_and_rule(name):
    with pytest.raises(RequestError) as exc:
        request.check_name(name)
    assert repr(name) in str(exc.value)
    assert "[a-zA-Z0-9](-*[a-zA-Z0-9])*" in str(exc.value) and "63" in str(exc.value)


@pytest.mark.parametrize("size", [5, 6, 16384])
def test_volume_sizes(size):
    request.check_volume_size(size)


@pytest.mark.parametrize("size", [4, 16385, 0, -5, "5", True, 5.5])
def test_volume_sizes_refused(size):
    with pytest.raises(RequestError, match="from 5 to 16384"):
        request.check_volume_size(size)


def test_at_most_three_additional_repositories():
    request.check_repositories("https://git/a", ["b", "c", "d"])
    with pytest.raises(RequestError, match="has 4 entries: at most 3"):
        request.check_repositories(None, ["a", "b", "c", "d"])


def test_repositories_must_differ():
    with pytest.raises(RequestError, match="must all differ"):
        request.check_repositories("a", ["a"])


def test_create_request_checks_every_field():
    good = {"name": "nb", "volume_size_in_gb": 5, "lifecycle_config_name": "on-start"}
    request.check_create_request(good)
    with pytest.raises(RequestError, match="lifecycle_config_name"):
        request.check_create_request(dict(good, lifecycle_config_name="bad_name"))


def test_request_differences_ignore_url():
    fields = request.requested_fields({"instance_type": "ml.t3.medium", "volume_size_in_gb": 5, "url": "h:1"})
    created = record.new_record("nb", "arn", fields, 0)
    # Url is not a request field (SageMaker knows its own hosts): a request's url is never a difference.
    asked = request.given_fields({"instance_type": "ml.t3.medium", "volume_size_in_gb": 5, "url": "h:2"})
    assert "Url" not in fields and "Url" not in asked
    assert request.request_differences(dict(created, Url="h:1"), asked) == []
    assert request.request_differences(created, dict(fields, VolumeSizeInGB=6)) == ["VolumeSizeInGB"]


def test_every_broken_rule_is_reported_at_once():
    params = {"name": "bad_name", "volume_size_in_gb": 3, "tags": {"aws:team": "x"}}
    with pytest.raises(RequestError) as exc:
        request.check_create_request(params)
    message = str(exc.value)
    assert message.startswith("3 validation errors detected: name 'bad_name' must match")
    assert "; volume_size_in_gb 3 must be an integer from 5 to 16384; " in message
    assert message.endswith("tag key 'aws:team' must not start with 'aws:' (reserved)")
    with pytest.raises(RequestError, match="^1 validation error detected: volume_size_in_gb 3 "):
        request.check_create_request({"name": "nb", "volume_size_in_gb": 3})
