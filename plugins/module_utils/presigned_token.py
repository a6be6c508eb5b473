# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Presigned notebook-instance URL tokens: HS256 JSON Web Tokens made with the stdlib only.

The Jupyter side checks these tokens with PyJWT; the claims and their meaning are
documented here once, for both sides.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

# Claims of a presigned URL token.
#   iss  "sagebox.notebook"                    the issuer
#   aud  "sagebox:<instance name>"             the notebook instance the URL opens
#   sub  the notebook instance name
#   iat  issue time (seconds since the epoch)
#   nbf  = iat
#   exp  iat + URL_VALIDITY_SECONDS            the URL is valid this long, once
#   jti  a unique id (128 random bits, hex)     remembered by Jupyter when used
#   sess session_expiration_duration_in_seconds of the session the URL opens
#   cidr optional list of source CIDRs the URL may be opened from
ISSUER = "sagebox.notebook"
ALGORITHM = "HS256"
URL_VALIDITY_SECONDS = 300
SESSION_MIN_SECONDS = 1800
SESSION_MAX_SECONDS = 43200
SESSION_DEFAULT_SECONDS = 43200


class TokenError(ValueError):
    """A token that is malformed, badly signed, expired or for another instance."""


def audience(instance_name: str) -> str:
    """Return the audience claim for a notebook instance."""
    return "sagebox:" + instance_name


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise TokenError("token is not base64url: %s" % exc) from exc


def _json(data: dict) -> bytes:
    return json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _signature(signing_input: bytes, key: bytes) -> bytes:
    return hmac.new(key, signing_input, hashlib.sha256).digest()


def make_claims(instance_name: str, now: int, session_seconds: int, source_cidrs: list[str] | None = None) -> dict:
    """Return the claims of a new presigned URL token, issued at `now`."""
    claims = {
        "iss": ISSUER,
        "aud": audience(instance_name),
        "sub": instance_name,
        "iat": now,
        "nbf": now,
        "exp": now + URL_VALIDITY_SECONDS,
        "jti": secrets.token_hex(16),
        "sess": session_seconds,
    }
    if source_cidrs:
        claims["cidr"] = list(source_cidrs)
    return claims


def encode(claims: dict, key: bytes) -> str:
    """Return the compact HS256 JWT of `claims` signed with `key`."""
    header = _b64encode(_json({"alg": ALGORITHM, "typ": "JWT"}))
    payload = _b64encode(_json(claims))
    signing_input = (header + "." + payload).encode("ascii")
    return header + "." + payload + "." + _b64encode(_signature(signing_input, key))


def decode(token: str, key: bytes, instance_name: str, now: int) -> dict:
    """Return the claims of a valid token for `instance_name` at time `now`, else raise TokenError."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise TokenError("token is not a JWT (three dot-separated parts)")
    try:
        header = json.loads(_b64decode(parts[0]))
    except ValueError as exc:
        raise TokenError("token header is not JSON") from exc
    if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
        raise TokenError("token algorithm must be %s" % ALGORITHM)
    expected = _signature((parts[0] + "." + parts[1]).encode("ascii"), key)
    if not hmac.compare_digest(expected, _b64decode(parts[2])):
        raise TokenError("token signature does not match")
    try:
        claims = json.loads(_b64decode(parts[1]))
    except ValueError as exc:
        raise TokenError("token payload is not JSON") from exc
    if not isinstance(claims, dict):
        raise TokenError("token payload is not a JSON object")
    if claims.get("iss") != ISSUER or claims.get("aud") != audience(instance_name):
        raise TokenError("token is for another notebook instance")
    for claim in ("iat", "nbf", "exp", "sess"):
        if not isinstance(claims.get(claim), int):
            raise TokenError("token claim %s is missing or not an integer" % claim)
    if now < claims["nbf"]:
        raise TokenError("token is not valid yet")
    if now >= claims["exp"]:
        raise TokenError("token has expired")
    if not isinstance(claims.get("jti"), str) or not claims["jti"]:
        raise TokenError("token has no unique id (jti)")
    return claims
