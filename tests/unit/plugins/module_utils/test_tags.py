from __future__ import annotations

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import tags
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError


def test_tags_limits():
    tags.check_tags({"k" * 128: "v" * 256})
    tags.check_tags([{"Key": "team", "Value": "x"}] * 50)
    with pytest.raises(RequestError, match="has 51 entries: at most 50"):
        tags.check_tags({str(i): "v" for i in range(51)})
    with pytest.raises(RequestError, match="1 to 128"):
        tags.check_tags({"k" * 129: "v"})
    with pytest.raises(RequestError, match="1 to 128"):
        tags.check_tags({"": "v"})
    with pytest.raises(RequestError, match="at most 256"):
        tags.check_tags({"k": "v" * 257})
    with pytest.raises(RequestError, match="aws:"):
        tags.check_tags({"aws:owner": "me"})
