# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fingerprint of a notebook instance build: what it was asked to build, as one digest."""

from __future__ import annotations

DOCUMENTATION = r"""
name: build_fingerprint
short_description: The fingerprint of a notebook instance build
version_added: 0.2.0
description:
  - One SHA-256 digest of what a build of the notebook instance depends on on the controller side, for
    M(sagebox.notebook.build_receipt) and M(sagebox.notebook.build_receipt_info).
  - The collection's own code (every file under its C(roles/) and C(plugins/)); every setting the collection's
    roles declare in their C(meta/argument_specs.yml) that is set for the host (inventory, play, extra or role
    variables, or a default in scope where the lookup runs), with its templated value; and the terms given
    (the instance as recorded).
  - Values travel into the digest only; none is returned or logged.
  - Each setting counts by its type in the argument specification (C(true), C("yes") and C("True") given as extra
    variables are the same boolean; C(8443) and C("8443") the same integer), so that the same request given another
    way does not make a build.
options:
  _terms:
    description: Data to fold into the digest (the instance's recorded fields).
    required: false
  roles:
    description:
      - The roles whose settings count (those the build runs); every role of the collection when not given.
    type: list
    elements: str
  ignore:
    description: Settings that do not change what is built (the switch for the receipt itself).
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Ask whether the host is as its last build left it
  sagebox.notebook.build_receipt_info:
    fingerprint: "{{ lookup('sagebox.notebook.build_fingerprint', {'VolumeSizeInGB': 5}) }}"
"""

RETURN = r"""
_raw:
  description: The digest, 64 hexadecimal digits.
  type: list
  elements: str
"""

import hashlib
import json
import os

import yaml
from ansible.errors import AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.lookup import LookupBase

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CODE_DIRS = ("roles", "plugins")


def code_digest(root: str = COLLECTION_ROOT) -> str:
    """The digest of every file under the collection's roles/ and plugins/ (compiled Python left out)."""
    digest = hashlib.sha256()
    for top in CODE_DIRS:
        for directory, dirs, names in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(directory, name)
                digest.update(os.path.relpath(path, root).encode() + b"\0")
                with open(path, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def setting_types(root: str = COLLECTION_ROOT, only: list[str] | None = None) -> dict[str, str]:
    """Every option of every entry point of the collection's roles (or of the roles in `only`), with its type."""
    types = {}
    roles = os.path.join(root, "roles")
    for role in sorted(os.listdir(roles)) if only is None else sorted(only):
        path = os.path.join(roles, role, "meta", "argument_specs.yml")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as handle:
            specs = (yaml.safe_load(handle) or {}).get("argument_specs") or {}
        for entry in specs.values():
            for name, option in ((entry or {}).get("options") or {}).items():
                types[name] = (option or {}).get("type", "str")
    return types


def normalised(value, kind: str):
    """A setting as its type reads it; left as given where it does not read so (the role's check refuses it)."""
    try:
        if kind == "bool":
            return boolean(value, strict=True)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
    except (TypeError, ValueError):
        pass
    return value


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        ignored = set(kwargs.get("ignore") or [])
        only = kwargs.get("roles")
        if only is not None:
            unknown = [role for role in only if not os.path.isdir(os.path.join(COLLECTION_ROOT, "roles", role))]
            if unknown:
                raise AnsibleError("build_fingerprint: roles %s: no such role in this collection" % ", ".join(unknown))
        settings = {}
        for name, kind in sorted(setting_types(only=only).items()):
            if name not in variables or name in ignored:
                continue
            try:
                settings[name] = normalised(self._templar.template(variables[name]), kind)
            except AnsibleError:
                # A setting that cannot be templated here (it needs a fact not gathered) counts as written.
                settings[name] = str(variables[name])
        data = {"code": code_digest(), "settings": settings, "terms": terms}
        return [hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()]
