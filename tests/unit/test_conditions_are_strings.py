"""Every assert item and condition in the roles, playbooks and scenarios is a string once YAML has read it.

An unquoted condition holding ": " (a message in a search pattern) reads as a mapping, and ansible-core
fails the task only when it runs ("Conditional expressions must be strings"), deep into a scenario.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for top in ("roles", "playbooks", "molecule") for p in (ROOT / top).rglob("*.yml"))
CONDITIONS = ("when", "failed_when", "changed_when", "until")


def offenders(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("ansible.builtin.assert", "assert") and isinstance(value, dict):
                that = value.get("that")
                yield from (item for item in (that if isinstance(that, list) else [that])
                            if not isinstance(item, str))
            elif key in CONDITIONS:
                yield from (item for item in (value if isinstance(value, list) else [value])
                            if not isinstance(item, (str, bool)))
            yield from offenders(value)
    elif isinstance(node, list):
        for item in node:
            yield from offenders(item)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_conditions_are_strings(path):
    with path.open(encoding="utf-8") as handle:
        for document in yaml.safe_load_all(handle):
            assert list(offenders(document)) == [], f"quote these conditions in {path.relative_to(ROOT)}"
