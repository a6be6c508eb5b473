# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Presigned notebook-instance URL tokens: EdDSA (Ed25519) JSON Web Tokens, documented here once.

The signer (the presigned_notebook_instance_url module, as root on the instance host) holds the
private key, which only root can read; Jupyter holds the public key only and checks every rule below
itself (roles/jupyter/files/sagebox_jupyter_auth.py, with PyJWT). Keys are PEM files: PKCS#8 for the
private key, SubjectPublicKeyInfo for the public key (as community.crypto writes them).

Header: {"alg": "EdDSA", "typ": "JWT"}; no other member ("crit" in particular) is accepted.
Claims of a presigned URL token (all required but cidr):
  iss  "sagebox.notebook"                    the issuer
  aud  "sagebox:<instance name>"             the notebook instance the URL opens (a string, never a list)
  sub  the notebook instance name
  iat  issue time (integer seconds since the epoch), not in the future
  nbf  = iat
  exp  iat + URL_VALIDITY_SECONDS            the URL is valid this long (at most), once
  jti  a unique id (128 random bits, hex)     remembered by Jupyter when used
  sess session_expiration_duration_in_seconds: an integer (not a boolean), 1800 to 43200, counted
       from the login
  cidr optional list of source CIDRs the URL may be opened from
"""

from __future__ import annotations

import base64
import json
import secrets

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - reported by the modules with missing_required_lib
    HAS_CRYPTOGRAPHY = False

ISSUER = "sagebox.notebook"
ALGORITHM = "EdDSA"
HEADER = {"alg": ALGORITHM, "typ": "JWT"}
URL_VALIDITY_SECONDS = 300
SESSION_MIN_SECONDS = 1800
SESSION_MAX_SECONDS = 43200
SESSION_DEFAULT_SECONDS = 43200
# Clock skew tolerated between the signer and Jupyter (the same host's clock: none by default).
LEEWAY_SECONDS = 0
REQUIRED_CLAIMS = ("iss", "aud", "sub", "iat", "nbf", "exp", "jti", "sess")
# The file names, in the instance's secrets directory (root only) and Jupyter's configuration directory.
PRIVATE_KEY_FILE = "presign-key.pem"
PUBLIC_KEY_FILE = "presign-key.pub.pem"


class TokenError(ValueError):
    """A token that is malformed, badly signed, breaks a rule or is for another instance."""


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


def load_private_key(pem: bytes) -> "ed25519.Ed25519PrivateKey":
    """Return the Ed25519 private key of a PEM file's content; TokenError when it is not one."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise TokenError("not a PEM private key without a passphrase: %s" % exc) from exc
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise TokenError("not an Ed25519 key (%s)" % type(key).__name__)
    return key


def load_public_key(pem: bytes) -> "ed25519.Ed25519PublicKey":
    """Return the Ed25519 public key of a PEM file's content; TokenError when it is not one."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise TokenError("not a PEM public key: %s" % exc) from exc
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise TokenError("not an Ed25519 key (%s)" % type(key).__name__)
    return key


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


def encode(claims: dict, private_key: "ed25519.Ed25519PrivateKey") -> str:
    """Return the compact EdDSA JWT of `claims` signed with `private_key`."""
    signing_input = _b64encode(_json(HEADER)) + "." + _b64encode(_json(claims))
    return signing_input + "." + _b64encode(private_key.sign(signing_input.encode("ascii")))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_claims(claims, instance_name: str, now: float, leeway: int = LEEWAY_SECONDS) -> None:
    """Raise TokenError unless `claims` open `instance_name` at `now`: every rule of the format above."""
    if not isinstance(claims, dict):
        raise TokenError("token payload is not a JSON object")
    missing = [claim for claim in REQUIRED_CLAIMS if claim not in claims]
    if missing:
        raise TokenError("token lacks the claim %s" % ", ".join(missing))
    if claims["iss"] != ISSUER:
        raise TokenError("token issuer %r is not %r" % (claims["iss"], ISSUER))
    if not isinstance(claims["aud"], str) or claims["aud"] != audience(instance_name):
        raise TokenError("token audience %r is not this notebook instance" % (claims["aud"],))
    for claim in ("iat", "nbf", "exp", "sess"):
        if not _is_int(claims[claim]):
            raise TokenError("token claim %s %r is not an integer" % (claim, claims[claim]))
    if claims["exp"] - claims["iat"] > URL_VALIDITY_SECONDS:
        raise TokenError(
            "token lifetime exp - iat = %d s is over %d s" % (claims["exp"] - claims["iat"], URL_VALIDITY_SECONDS)
        )
    if claims["iat"] > now + leeway or claims["nbf"] > now + leeway:
        raise TokenError("token is not valid yet (iat or nbf in the future)")
    if now >= claims["exp"] + leeway:
        raise TokenError("token has expired")
    if not SESSION_MIN_SECONDS <= claims["sess"] <= SESSION_MAX_SECONDS:
        raise TokenError(
            "token session length %d s is not from %d to %d s" % (claims["sess"], SESSION_MIN_SECONDS, SESSION_MAX_SECONDS)
        )
    if not isinstance(claims["jti"], str) or not claims["jti"]:
        raise TokenError("token has no unique id (jti)")
    cidrs = claims.get("cidr")
    if cidrs is not None and not (isinstance(cidrs, list) and all(isinstance(c, str) for c in cidrs)):
        raise TokenError("token claim cidr is not a list of CIDRs")


def decode(token: str, public_key: "ed25519.Ed25519PublicKey", instance_name: str, now: int) -> dict:
    """Return the claims of a valid token for `instance_name` at time `now`, else raise TokenError."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise TokenError("token is not a JWT (three dot-separated parts)")
    try:
        header = json.loads(_b64decode(parts[0]))
    except ValueError as exc:
        raise TokenError("token header is not JSON") from exc
    if header != HEADER:
        raise TokenError("token header must be exactly %s" % json.dumps(HEADER))
    try:
        public_key.verify(_b64decode(parts[2]), (parts[0] + "." + parts[1]).encode("ascii"))
    except InvalidSignature as exc:
        raise TokenError("token signature does not match") from exc
    try:
        claims = json.loads(_b64decode(parts[1]))
    except ValueError as exc:
        raise TokenError("token payload is not JSON") from exc
    check_claims(claims, instance_name, now)
    return claims
