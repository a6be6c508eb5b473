from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ansible_collections.sagebox.notebook.plugins.module_utils import presigned_token as pt

PRIVATE = ed25519.Ed25519PrivateKey.generate()
PUBLIC = PRIVATE.public_key()
NOW = 1_800_000_000


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _token(**overrides):
    claims = pt.make_claims("nb-1", NOW, 3600)
    claims.update(overrides)
    return pt.encode(claims, PRIVATE)


def _signed(header: dict, claims: dict) -> str:
    """A token with any header and claims, correctly signed."""
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    return signing_input + "." + b64(PRIVATE.sign(signing_input.encode()))


def test_round_trip_gives_the_claims():
    claims = pt.decode(_token(), PUBLIC, "nb-1", NOW + 10)
    assert claims["sub"] == "nb-1"
    assert claims["aud"] == "sagebox:nb-1"
    assert claims["exp"] - claims["iat"] == 300
    assert claims["sess"] == 3600
    assert len(claims["jti"]) == 32
    assert "cidr" not in claims


def test_each_token_has_its_own_id():
    assert pt.make_claims("nb", NOW, 1800)["jti"] != pt.make_claims("nb", NOW, 1800)["jti"]


def test_source_cidrs_are_claimed():
    claims = pt.make_claims("nb", NOW, 1800, ["10.0.0.0/8"])
    assert claims["cidr"] == ["10.0.0.0/8"]


def test_expires_after_five_minutes():
    token = _token()
    pt.decode(token, PUBLIC, "nb-1", NOW + 299)
    with pytest.raises(pt.TokenError, match="expired"):
        pt.decode(token, PUBLIC, "nb-1", NOW + 300)


def test_not_valid_before_issue():
    with pytest.raises(pt.TokenError, match="not valid yet"):
        pt.decode(_token(), PUBLIC, "nb-1", NOW - 1)


def test_other_key_fails():
    other = ed25519.Ed25519PrivateKey.generate().public_key()
    with pytest.raises(pt.TokenError, match="signature"):
        pt.decode(_token(), other, "nb-1", NOW)


def test_other_instance_fails():
    with pytest.raises(pt.TokenError, match="audience"):
        pt.decode(_token(), PUBLIC, "nb-2", NOW)


def test_tampered_payload_fails():
    header, payload, signature = _token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sess"] = 43200
    forged = b64(json.dumps(claims).encode())
    with pytest.raises(pt.TokenError, match="signature"):
        pt.decode(".".join([header, forged, signature]), PUBLIC, "nb-1", NOW)


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "none", "typ": "JWT"},
        {"alg": "HS256", "typ": "JWT"},
        {"alg": "EdDSA", "typ": "JWT", "crit": ["exp"], "exp": 1},
        {"alg": "EdDSA", "typ": "JWT", "kid": "other"},
        {"alg": "EdDSA"},
    ],
)
def test_any_other_header_fails(header):
    with pytest.raises(pt.TokenError, match="header"):
        pt.decode(_signed(header, pt.make_claims("nb-1", NOW, 1800)), PUBLIC, "nb-1", NOW)


@pytest.mark.parametrize(
    "change, rule",
    [
        ({"exp": NOW + 30 * 365 * 86400}, "lifetime"),
        ({"exp": NOW + 301}, "lifetime"),
        ({"iat": NOW + 60, "nbf": NOW + 60, "exp": NOW + 360}, "not valid yet"),
        ({"nbf": NOW + 60}, "not valid yet"),
        ({"aud": ["sagebox:nb-1"]}, "audience"),
        ({"aud": ["sagebox:nb-1", "sagebox:nb-2"]}, "audience"),
        ({"sess": True}, "not an integer"),
        ({"sess": 1800.0}, "not an integer"),
        ({"sess": 1799}, "session length"),
        ({"sess": 43201}, "session length"),
        ({"iss": "someone"}, "issuer"),
        ({"jti": ""}, "unique id"),
        ({"cidr": "10.0.0.0/8"}, "cidr"),
    ],
)
def test_correctly_signed_token_breaking_a_rule_fails(change, rule):
    claims = pt.make_claims("nb-1", NOW, 1800)
    claims.update(change)
    with pytest.raises(pt.TokenError, match=rule):
        pt.decode(pt.encode(claims, PRIVATE), PUBLIC, "nb-1", NOW)


@pytest.mark.parametrize("claim", pt.REQUIRED_CLAIMS)
def test_each_claim_is_required(claim):
    claims = pt.make_claims("nb-1", NOW, 1800)
    del claims[claim]
    with pytest.raises(pt.TokenError, match="lacks the claim " + claim):
        pt.decode(pt.encode(claims, PRIVATE), PUBLIC, "nb-1", NOW)


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", None, "!!!.***.???"])
def test_garbage_fails(token):
    with pytest.raises(pt.TokenError):
        pt.decode(token, PUBLIC, "nb-1", NOW)


def test_keys_are_read_from_pem_and_must_be_ed25519():
    pem = PRIVATE.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public_pem = PUBLIC.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    token = pt.encode(pt.make_claims("nb-1", NOW, 1800), pt.load_private_key(pem))
    assert pt.decode(token, pt.load_public_key(public_pem), "nb-1", NOW)["sub"] == "nb-1"
    with pytest.raises(pt.TokenError, match="PEM private key"):
        pt.load_private_key(b"0123456789abcdef" * 4)
    from cryptography.hazmat.primitives.asymmetric import ec

    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(pt.TokenError, match="not an Ed25519 key"):
        pt.load_private_key(ec_pem)


def test_matches_the_jwt_standard():
    """A token made by PyJWT (RFC 7519, RFC 8037 EdDSA) verifies here, and ours verify with PyJWT."""
    jwt = pytest.importorskip("jwt")
    claims = pt.make_claims("nb-1", NOW, 1800)
    theirs = jwt.encode(claims, PRIVATE, algorithm="EdDSA")
    assert pt.decode(theirs, PUBLIC, "nb-1", NOW) == claims
    ours = pt.encode(claims, PRIVATE)
    assert jwt.decode(ours, PUBLIC, algorithms=["EdDSA"], audience="sagebox:nb-1",
                      options={"verify_exp": False, "verify_iat": False, "verify_nbf": False}) == claims
