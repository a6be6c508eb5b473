from __future__ import annotations

import importlib.util
import tempfile
import time
from pathlib import Path

import pytest

AUTH_FILE = Path(__file__).resolve().parents[3] / "roles" / "jupyter" / "files" / "sagebox_jupyter_auth.py"


@pytest.fixture
def jupyter_check(tmp_path):
    """Check a presigned URL token with Jupyter's own identity provider (roles/jupyter/files/sagebox_jupyter_auth.py,
    PresignedUrlIdentityProvider.check_token): the verifier a user's browser meets, not the code that makes the
    token. Returns the claims; raises its TokenRefused (the PyJWT error as its cause) on any broken rule. The client
    address is 10.0.0.1."""
    pytest.importorskip("jupyter_server")
    pytest.importorskip("jwt")
    from cryptography.hazmat.primitives import serialization

    spec = importlib.util.spec_from_file_location("sagebox_jupyter_auth", AUTH_FILE)
    auth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(auth)

    def check(token: str, public_key, instance_name: str, now: float | None = None) -> dict:
        if not isinstance(public_key, bytes):
            public_key = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        directory = Path(tempfile.mkdtemp(dir=tmp_path))
        (directory / "presign-key.pub.pem").write_bytes(public_key)
        provider = auth.PresignedUrlIdentityProvider(
            instance_name=instance_name, public_key_file=str(directory / "presign-key.pub.pem"),
            used_tokens_file=str(directory / "used.sqlite"))
        provider.clock = lambda: time.time() if now is None else now
        return provider.check_token(token, "10.0.0.1")

    return check
