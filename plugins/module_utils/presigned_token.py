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
# The private key's file name, in the instance's secrets directory (root only).
PRIVATE_KEY_FILE = "presign-key.pem"


class TokenError(ValueError):
    """A signing key that cannot be used."""


def audience(instance_name: str) -> str:
    """Return the audience claim for a notebook instance."""
    return "sagebox:" + instance_name


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


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
