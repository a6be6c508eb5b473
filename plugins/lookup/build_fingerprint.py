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
options:
  _terms:
    description: Data to fold into the digest (the instance's recorded fields).
    required: false
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


def setting_names(root: str = COLLECTION_ROOT) -> list[str]:
    """Every option of every entry point of the collection's roles."""
    names = set()
    roles = os.path.join(root, "roles")
    for role in sorted(os.listdir(roles)):
        path = os.path.join(roles, role, "meta", "argument_specs.yml")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as handle:
            specs = (yaml.safe_load(handle) or {}).get("argument_specs") or {}
        for entry in specs.values():
            names.update((entry or {}).get("options") or {})
    return sorted(names)


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        settings = {}
        for name in setting_names():
            if name not in variables:
                continue
            try:
                settings[name] = self._templar.template(variables[name])
            except AnsibleError:
                # A setting that cannot be templated here (it needs a fact not gathered) counts as written.
                settings[name] = str(variables[name])
        data = {"code": code_digest(), "settings": settings, "terms": terms}
        return [hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()]
