from __future__ import annotations

import base64
import time

import pytest


@pytest.fixture
def jupyter_check():
    """Check a presigned URL token as Jupyter's identity provider does: PyJWT, then its own rules.

    The same checks as roles/jupyter/files/sagebox_jupyter_auth.py (PresignedUrlIdentityProvider.check_token,
    which tests/unit/roles/jupyter/ tests), written out here so that the module side's tokens are checked by
    a verifier other than the code that makes them. Returns the claims; raises on any broken rule.
    """
    jwt = pytest.importorskip("jwt")

    def check(token: str, public_key, instance_name: str, now: float | None = None) -> dict:
        now = time.time() if now is None else now
        for part in token.split("."):
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
            assert base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") == part, "not canonical base64url"
        assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "typ": "JWT"}
        claims = jwt.decode(
            token,
            public_key,
            algorithms=["EdDSA"],
            audience="sagebox:" + instance_name,
            issuer="sagebox.notebook",
            options={"require": ["iss", "aud", "sub", "iat", "nbf", "exp", "jti", "sess"], "strict_aud": True},
        )
        for claim in ("iat", "nbf", "exp", "sess"):
            assert isinstance(claims[claim], int) and not isinstance(claims[claim], bool), "%s is not an integer" % claim
        assert claims["exp"] - claims["iat"] <= 300
        assert max(claims["iat"], claims["nbf"]) <= now < claims["exp"]
        assert 1800 <= claims["sess"] <= 43200
        assert isinstance(claims.get("cidr", []), list)
        return claims

    return check
