# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jupyter Server identity provider that lets users in with presigned notebook-instance URLs only.

A presigned URL (https://host:8443/?authToken=<JWT>) is made by the collection's
presigned_notebook_instance_url module, which signs an HS256 JWT with the instance key.
Here the token is checked with PyJWT: signature, issuer, audience (this instance),
expiry (5 minutes), an id never used before (remembered on disk, so a replay fails even
after a restart) and, when the token names source CIDRs, the client address. A valid
token starts a session cookie that ends after the session length the token carries,
then redirects to JupyterLab. There is no other way in: no Jupyter token, no password.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import html
import ipaddress
import json
import os
import sqlite3
import time
import typing as t

import jwt
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from traitlets import Int, Unicode

ISSUER = "sagebox.notebook"
SESSION_MAX_SECONDS = 43200
# A presigned URL's token is a few hundred characters; anything far longer is refused unread.
TOKEN_MAX_LENGTH = 4096
REQUIRED_CLAIMS = ["iss", "aud", "sub", "iat", "nbf", "exp", "jti", "sess"]

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:4em auto;color:#222}}</style></head>
<body><h1>{title}</h1><p>{message}</p></body></html>
"""


def _canonical_base64url(segment: str) -> bool:
    """Whether `segment` is unpadded base64url exactly as its bytes encode."""
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, binascii.Error):
        return False
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") == segment


class TokenRefused(Exception):
    """A presigned URL token that does not open this notebook instance; the message says why."""


class UsedTokens:
    """Ids of presigned URL tokens already used, kept on disk until their token would have expired."""

    def __init__(self, path: str):
        self.path = path
        with contextlib.closing(self._connect()) as db:
            with db:
                db.execute("CREATE TABLE IF NOT EXISTS used (jti TEXT PRIMARY KEY, expires INTEGER NOT NULL)")
        os.chmod(path, 0o600)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10, isolation_level="IMMEDIATE")

    def claim(self, jti: str, expires: int, now: float) -> bool:
        """Record `jti` as used; False when it was used before."""
        with contextlib.closing(self._connect()) as db:
            with db:
                db.execute("DELETE FROM used WHERE expires < ?", (int(now),))
                try:
                    db.execute("INSERT INTO used (jti, expires) VALUES (?, ?)", (jti, expires))
                except sqlite3.IntegrityError:
                    return False
        return True


class PresignedUrlIdentityProvider(IdentityProvider):
    """Authenticate with presigned notebook-instance URLs; sessions live in a signed cookie."""

    instance_name = Unicode(config=True, help="Name of this notebook instance (the tokens' audience).")
    signing_key_file = Unicode(config=True, help="File holding the instance key that signs presigned URLs.")
    used_tokens_file = Unicode(config=True, help="SQLite file remembering the ids of used tokens.")
    leeway_seconds = Int(0, config=True, help="Clock skew allowed between the signer and this server.")

    # The clock, replaceable in tests.
    clock: t.Callable[[], float] = staticmethod(time.time)

    _used: UsedTokens | None = None
    _key: bytes | None = None

    @property
    def login_available(self) -> bool:
        return False

    @property
    def used_tokens(self) -> UsedTokens:
        if self._used is None:
            self._used = UsedTokens(self.used_tokens_file)
        return self._used

    @property
    def signing_key(self) -> bytes:
        if self._key is None:
            with open(self.signing_key_file, "rb") as handle:
                self._key = handle.read().strip()
        return self._key

    def get_handlers(self) -> list:
        return [(r"/?", PresignedUrlHandler), (r"/login", PresignedUrlHandler), (r"/logout", SessionEndHandler)]

    # -- sessions ---------------------------------------------------------------------

    def get_user(self, handler: JupyterHandler) -> User | None:
        user = self.get_user_cookie(handler)
        if user is None and handler.get_cookie(self.get_cookie_name(handler)) is not None:
            self.clear_login_cookie(handler)
        return user

    def user_to_cookie(self, user: User) -> str:
        return json.dumps({"username": user.username, "expires": getattr(user, "expires", 0)})

    def user_from_cookie(self, cookie_value: str) -> User | None:
        data = json.loads(cookie_value)
        if not isinstance(data.get("expires"), int) or data["expires"] <= self.clock():
            return None
        user = User(username=data["username"])
        user.expires = data["expires"]  # type: ignore[attr-defined]
        return user

    def start_session(self, handler: JupyterHandler, claims: dict) -> None:
        """Set the session cookie for a checked token's claims."""
        expires = int(self.clock()) + int(claims["sess"])
        user = User(username=claims["sub"])
        user.expires = expires  # type: ignore[attr-defined]
        options = dict(self.cookie_options)
        options.setdefault("httponly", True)
        options.setdefault("secure", handler.request.protocol == "https")
        options.setdefault("samesite", "Lax")
        options.setdefault("path", handler.base_url)
        handler.set_secure_cookie(
            self.get_cookie_name(handler), self.user_to_cookie(user), expires=expires, **options
        )

    # -- presigned URL tokens ---------------------------------------------------------

    def check_token(self, token: str, client_ip: str) -> dict:
        """Return the claims of a token that opens this instance now, from client_ip; else raise TokenRefused."""
        if len(token) > TOKEN_MAX_LENGTH:
            raise TokenRefused("This URL is not valid for this notebook instance (its token is too long).")
        # One spelling per token: base64 that decodes leniently (spare bits, stray characters) is refused,
        # so no altered URL can stand for a valid one.
        if not all(_canonical_base64url(part) for part in token.split(".")):
            raise TokenRefused("This URL is not valid for this notebook instance (malformed token).")
        try:
            claims = jwt.decode(
                token,
                self.signing_key,
                algorithms=["HS256"],
                audience="sagebox:" + self.instance_name,
                issuer=ISSUER,
                leeway=self.leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenRefused("This URL has expired: a presigned URL works for 5 minutes.") from exc
        except jwt.PyJWTError as exc:
            raise TokenRefused("This URL is not valid for this notebook instance (%s)." % exc) from exc
        # PyJWT checks exp against the wall clock; check it against ours too.
        if claims["exp"] <= self.clock() - self.leeway_seconds:
            raise TokenRefused("This URL has expired: a presigned URL works for 5 minutes.")
        if not isinstance(claims["sess"], int) or not 0 < claims["sess"] <= SESSION_MAX_SECONDS:
            raise TokenRefused("This URL asks for a session length the instance does not allow.")
        cidrs = claims.get("cidr")
        if cidrs and not self._address_allowed(client_ip, cidrs):
            raise TokenRefused("This URL cannot be opened from your address (%s)." % client_ip)
        if not self.used_tokens.claim(str(claims["jti"]), int(claims["exp"]) + 60, self.clock()):
            raise TokenRefused("This URL has already been used: a presigned URL works once.")
        return claims

    @staticmethod
    def _address_allowed(client_ip: str, cidrs: list) -> bool:
        try:
            address = ipaddress.ip_address(client_ip)
        except ValueError:
            return False
        if address.version == 6 and address.ipv4_mapped:
            address = address.ipv4_mapped
        for cidr in cidrs:
            try:
                if address in ipaddress.ip_network(cidr, strict=False):
                    return True
            except ValueError:
                continue
        return False


class PresignedUrlHandler(JupyterHandler):
    """The instance's front door: trade a presigned URL for a session, or explain why not."""

    def _page(self, status: int, title: str, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(PAGE.format(title=html.escape(title), message=html.escape(message)))

    @allow_unauthenticated
    def get(self) -> None:
        token = self.get_argument("authToken", None)
        provider: PresignedUrlIdentityProvider = self.identity_provider  # type: ignore[assignment]
        if token is None:
            if self.current_user is not None:
                self.redirect(self.settings["default_url"])
                return
            self._page(
                403,
                "Sign in with a presigned URL",
                "This notebook instance opens with a presigned URL. Request one (the "
                "presign_notebook_instance_url playbook) and open it within 5 minutes.",
            )
            return
        try:
            claims = provider.check_token(token, self.request.remote_ip or "")
        except TokenRefused as exc:
            self.log.warning("Refused a presigned URL from %s: %s", self.request.remote_ip, exc)
            self._page(403, "This URL cannot be used", "%s Request a new presigned URL." % exc)
            return
        provider.start_session(self, claims)
        self.log.info("Started a %d s session from a presigned URL (jti %s)", claims["sess"], claims["jti"])
        self.redirect(self.settings["default_url"])


class SessionEndHandler(JupyterHandler):
    """End the session: clear its cookie."""

    @allow_unauthenticated
    def get(self) -> None:
        self.identity_provider.clear_login_cookie(self)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(
            PAGE.format(
                title="Signed out",
                message="The session has ended. Request a new presigned URL to open the instance again.",
            )
        )
