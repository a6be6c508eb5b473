from __future__ import annotations

import pytest
from ansible.errors import AnsibleError
from ansible.template import Templar

from ansible_collections.sagebox.notebook.plugins.lookup import build_fingerprint


def fingerprint(variables, terms=(), **kwargs):
    lookup = build_fingerprint.LookupModule(templar=Templar(loader=None, variables=variables))
    return lookup.run(list(terms), variables=variables, **kwargs)[0]


def test_role_settings_count_other_variables_do_not():
    base = {"notebook_instance_kernels": ["python3"], "kernels_provider": "venv"}
    first = fingerprint(base)
    assert len(first) == 64 and first == fingerprint(dict(base))
    assert fingerprint(dict(base, kernels_provider="conda")) != first
    assert fingerprint(dict(base, unrelated_variable=1, ansible_host="x")) == first


def test_the_terms_count():
    assert fingerprint({}, [{"VolumeSizeInGB": 5}]) != fingerprint({}, [{"VolumeSizeInGB": 6}])


def test_every_role_setting_is_known():
    names = build_fingerprint.setting_types()
    assert {"notebook_instance_kernels", "jupyter_port", "storage_volume_size_gb", "kernels_provider"} <= set(names)


def test_the_code_counts(tmp_path):
    (tmp_path / "roles" / "r" / "tasks").mkdir(parents=True)
    (tmp_path / "plugins").mkdir()
    (tmp_path / "roles" / "r" / "tasks" / "main.yml").write_text("---\n")
    first = build_fingerprint.code_digest(str(tmp_path))
    (tmp_path / "roles" / "r" / "tasks" / "main.yml").write_text("--- # edited\n")
    assert build_fingerprint.code_digest(str(tmp_path)) != first


def test_a_setting_counts_by_its_type_and_ignored_ones_not_at_all():
    base = {"notebook_instance_sample_notebooks": True, "jupyter_port": 8443}
    assert fingerprint({"notebook_instance_sample_notebooks": "True", "jupyter_port": "8443"}) == fingerprint(base)
    assert fingerprint(dict(base, notebook_instance_sample_notebooks="no")) != fingerprint(base)
    assert fingerprint(dict(base, notebook_instance_build_receipt="False"), ignore=["notebook_instance_build_receipt"]) \
        == fingerprint(base, ignore=["notebook_instance_build_receipt"])


def test_only_the_named_roles_settings_count():
    base = {"kernels_provider": "venv"}
    first = fingerprint(base, roles=["kernels"])
    assert fingerprint(dict(base, ca_trust_certificates=[{"name": "x"}]), roles=["kernels"]) == first
    assert fingerprint(dict(base, kernels_provider="conda"), roles=["kernels"]) != first
    with pytest.raises(AnsibleError, match="roles nothing: no such role in this collection"):
        fingerprint(base, roles=["nothing"])
