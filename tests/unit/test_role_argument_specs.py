"""Every role documents each of its defaults in meta/argument_specs.yml, with the same default."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROLES = sorted(p.parent.parent for p in Path(__file__).resolve().parents[2].glob("roles/*/meta/argument_specs.yml"))


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_defaults_match_argument_specs(role: Path):
    defaults = _load(role / "defaults" / "main.yml")
    # Every entry point's options (an internal role such as _common has no main).
    options = {}
    for entry in _load(role / "meta" / "argument_specs.yml")["argument_specs"].values():
        options.update(entry.get("options", {}))

    optional = {name for name, spec in options.items() if not spec.get("required")}
    assert set(defaults) <= optional, f"{role.name}: undocumented defaults {set(defaults) - optional}"
    # Options without a default either have a templated one or are passed on only when set.
    assert {name for name in optional if "default" in options[name]} <= set(defaults)
    for name, value in defaults.items():
        assert name.startswith(f"{role.name}_"), f"{name} lacks the role prefix {role.name}_"
        spec = options[name]
        assert spec.get("description"), f"{role.name}: {name} has no description"
        # Templated defaults ("{{ ... }}") are documented in words, not repeated.
        if not (isinstance(value, str) and "{{" in value):
            assert spec.get("default") == value, f"{role.name}: {name} default {spec.get('default')!r} != {value!r}"


def test_every_role_has_argument_specs():
    roles_dir = Path(__file__).resolve().parents[2] / "roles"
    assert {p.name for p in roles_dir.iterdir() if p.is_dir()} == {r.name for r in ROLES}
