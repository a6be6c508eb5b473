from __future__ import annotations

import os
import urllib.parse

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ansible_collections.sagebox.notebook.plugins.modules import notebook_instance, notebook_instance_status
from ansible_collections.sagebox.notebook.plugins.modules import presigned_notebook_instance_url as presign


@pytest.fixture
def instance(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1", url="nb.example:8443"))
    run_module(notebook_instance_status, dict(name="nb-1", status="InService", record_path=paths["record_path"],
                                              metadata_path=paths["metadata_path"]))
    # The jupyter role's presign key.
    key = ed25519.Ed25519PrivateKey.generate()
    os.makedirs(paths["secrets_dir"])
    with open(os.path.join(paths["secrets_dir"], "presign-key.pem"), "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return key.public_key()


def _args(paths, **kwargs):
    return dict(record_path=paths["record_path"], secrets_dir=paths["secrets_dir"], **kwargs)


def _token(url):
    parsed = urllib.parse.urlparse(url)
    assert parsed.scheme == "https" and parsed.path == "/"
    return parsed.netloc, urllib.parse.parse_qs(parsed.query)["authToken"][0]


def test_url_opens_the_instance_for_five_minutes(run_module, paths, instance, jupyter_check):
    failed, result = run_module(presign, _args(paths, notebook_instance_name="nb-1"))
    assert not failed and not result["changed"]
    netloc, token = _token(result["authorized_url"])
    assert netloc == "nb.example:8443"
    claims = jupyter_check(token, instance, "nb-1")
    assert claims["sess"] == 43200 and claims["exp"] - claims["iat"] == 300 and claims["nbf"] == claims["iat"]
    assert "cidr" not in claims


def test_session_length_and_sources_are_claimed(run_module, paths, instance, jupyter_check):
    result = run_module(
        presign,
        _args(paths, name="nb-1", session_expiration_duration_in_seconds=1800, source_cidrs=["10.1.2.3/8", "::1"]),
    )[1]
    claims = jupyter_check(_token(result["authorized_url"])[1], instance, "nb-1")
    assert claims["sess"] == 1800 and claims["cidr"] == ["10.0.0.0/8", "::1/128"]


def test_each_url_is_different(run_module, paths, instance):
    urls = {run_module(presign, _args(paths, name="nb-1"))[1]["authorized_url"] for attempt in range(3)}
    assert len(urls) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "nb-1", "session_expiration_duration_in_seconds": 1799}, "1799 must be from 1800 to 43200"),
        ({"name": "nb-1", "session_expiration_duration_in_seconds": 43201}, "43201 must be from 1800 to 43200"),
        ({"name": "nb-1", "source_cidrs": ["10.0.0.300/8"]}, "source_cidrs entry '10.0.0.300/8'"),
        ({"name": "nb-2"}, "name 'nb-2': this host holds notebook instance 'nb-1', not this one: name it, or leave the name out"),
    ],
)
def test_bad_requests(run_module, paths, instance, args, message):
    failed, result = run_module(presign, _args(paths, **args))
    assert failed and message in result["msg"]


def test_unknown_instance_on_empty_host(run_module, paths):
    failed, result = run_module(presign, _args(paths, name="nb-1"))
    assert failed and result["msg"] == (
        "this host holds no notebook instance: create one first: ansible-playbook -i INVENTORY "
        "sagebox.notebook.create_notebook_instance -e notebook_instance_name=NAME")
    failed, result = run_module(presign, _args(paths))
    assert failed and result["msg"].startswith("this host holds no notebook instance: create one first")


def test_without_a_name_the_hosts_instance(run_module, paths, instance, jupyter_check):
    failed, result = run_module(presign, _args(paths))
    assert not failed and not result["changed"] and result["notebook_instance_name"] == "nb-1"
    netloc, token = _token(result["authorized_url"])
    assert netloc == "nb.example:8443"
    assert jupyter_check(token, instance, "nb-1")["sess"] == 43200


def test_needs_the_instance_in_service(run_module, paths):
    run_module(notebook_instance, dict(paths, name="nb-1"))
    failed, result = run_module(presign, _args(paths, name="nb-1"))
    assert failed and "is Pending: a presigned URL needs it InService" in result["msg"]


def test_missing_or_wrong_key_is_named(run_module, paths, instance):
    key_path = os.path.join(paths["secrets_dir"], "presign-key.pem")
    with open(key_path, "wb") as handle:
        handle.write(b"0123456789abcdef" * 4 + b"\n")
    failed, result = run_module(presign, _args(paths, name="nb-1"))
    assert failed and "the instance's presign key %s is not a PEM private key" % key_path in result["msg"]
    os.unlink(key_path)
    failed, result = run_module(presign, _args(paths, name="nb-1"))
    assert failed and "cannot read the instance's presign key %s: No such file or directory" % key_path in result["msg"]
