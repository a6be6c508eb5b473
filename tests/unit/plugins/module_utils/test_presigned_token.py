"""The tokens the module side makes, checked by Jupyter's own identity provider (the jupyter_check fixture)."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from ansible_collections.sagebox.notebook.plugins.module_utils import presigned_token as pt

PRIVATE = ed25519.Ed25519PrivateKey.generate()
PUBLIC = PRIVATE.public_key()


def _token(instance="nb-1", session=3600, cidrs=None):
    now = int(time.time())
    return now, pt.encode(pt.make_claims(instance, now, session, cidrs), PRIVATE)


def test_jupyter_accepts_the_token_and_its_claims(jupyter_check):
    now, token = _token()
    claims = jupyter_check(token, PUBLIC, "nb-1")
    assert claims["iss"] == "sagebox.notebook"
    assert claims["sub"] == "nb-1"
    assert claims["aud"] == "sagebox:nb-1"
    assert claims["iat"] == claims["nbf"] == now
    assert claims["exp"] == now + 300
    assert claims["sess"] == 3600
    assert len(claims["jti"]) == 32 and set(claims["jti"]) <= set("0123456789abcdef")
    assert "cidr" not in claims


def test_the_token_opens_its_own_instance_only(jupyter_check):
    jwt = pytest.importorskip("jwt")
    token = _token()[1]
    with pytest.raises(Exception) as refused:
        jupyter_check(token, PUBLIC, "nb-2")
    assert isinstance(refused.value.__cause__, jwt.InvalidAudienceError)
    with pytest.raises(Exception) as refused:
        jupyter_check(token, ed25519.Ed25519PrivateKey.generate().public_key(), "nb-1")
    assert isinstance(refused.value.__cause__, jwt.InvalidSignatureError)


def test_each_token_has_its_own_id():
    assert pt.make_claims("nb", 1_800_000_000, 1800)["jti"] != pt.make_claims("nb", 1_800_000_000, 1800)["jti"]


def test_source_cidrs_are_claimed(jupyter_check):
    assert pt.make_claims("nb", 1_800_000_000, 1800, ["10.0.0.0/8"])["cidr"] == ["10.0.0.0/8"]
    token = _token(cidrs=["10.0.0.0/8", "::1/128"])[1]
    assert jupyter_check(token, PUBLIC, "nb-1")["cidr"] == ["10.0.0.0/8", "::1/128"]


@pytest.mark.parametrize("session", [1800, 43200])
def test_session_bounds_are_accepted(jupyter_check, session):
    assert jupyter_check(_token(session=session)[1], PUBLIC, "nb-1")["sess"] == session


def test_keys_are_read_from_pem_and_must_be_ed25519(jupyter_check):
    pem = PRIVATE.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public_pem = PUBLIC.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    token = pt.encode(pt.make_claims("nb-1", int(time.time()), 1800), pt.load_private_key(pem))
    assert jupyter_check(token, public_pem, "nb-1")["sub"] == "nb-1"
    with pytest.raises(pt.TokenError, match="PEM private key"):
        pt.load_private_key(b"0123456789abcdef" * 4)
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(pt.TokenError, match="not an Ed25519 key"):
        pt.load_private_key(ec_pem)


def test_matches_the_jwt_standard():
    """Our token is a standard JWT (RFC 7519, RFC 8037 EdDSA): PyJWT reads back exactly the claims signed."""
    jwt = pytest.importorskip("jwt")
    claims = pt.make_claims("nb-1", int(time.time()), 1800)
    ours = pt.encode(claims, PRIVATE)
    assert jwt.decode(ours, PUBLIC, algorithms=["EdDSA"], audience="sagebox:nb-1") == claims
