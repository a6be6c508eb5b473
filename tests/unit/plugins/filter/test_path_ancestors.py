from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.sagebox.notebook.plugins.filter.path_ancestors import FilterModule, path_ancestors


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/var/lib/sagebox/vol.img", ["/", "/var", "/var/lib", "/var/lib/sagebox"]),
        ("/vol.img", ["/"]),
        ("/var//lib/./x/../vol.img", ["/", "/var", "/var/lib"]),
        ("/var/lib/", ["/", "/var"]),
    ],
)
def test_ancestors_shortest_first(path, expected):
    assert path_ancestors(path) == expected


@pytest.mark.parametrize("path", ["var/lib/vol.img", "", 42, None])
def test_refuses_relative_or_non_string(path):
    with pytest.raises(AnsibleFilterError, match="absolute path"):
        path_ancestors(path)


def test_registered_under_its_name():
    assert FilterModule().filters()["path_ancestors"] is path_ancestors
