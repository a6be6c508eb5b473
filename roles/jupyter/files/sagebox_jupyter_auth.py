# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jupyter Server identity provider that lets users in with presigned notebook-instance URLs only.

A presigned URL (https://host:8443/?authToken=<JWT>) is made by the collection's
presigned_notebook_instance_url module, which signs an EdDSA (Ed25519) JWT with the instance's
private key; only root can read that key, and this server holds the public key only. The token
format is documented once, in plugins/module_utils/presigned_token.py. Here every rule is checked
by the server itself, with PyJWT and after it: signature, header (no "crit"), issuer, audience
(exactly this instance, a string), issue and not-before times not in the future, a lifetime of at
most 5 minutes, a session length (an integer) of 1800 to 43200 s, an id never used before
(remembered on disk, so a replay fails even after a restart) and, when the token names source
CIDRs, the client address. A valid token starts a session whose end, counted from the login, is
recorded by the server and signed into the cookie, and both are checked on every request.

The server's secrets (the session secret that signs cookies, the TLS key) come through its
standard input from the root-only jupyter-server-secrets unit (receive_secrets), never from a
file the notebook user can read, and the process is made non-dumpable so that the notebook
user's kernels and terminals, which run under the same user, can read neither its memory nor
its open files.

Signing out is for good. The session store is in a file the notebook user can write (the server
runs as them), so a row they put back must not bring a signed-out session back: the server keeps
the sessions it ended in memory, and appends each to a file of root's that it holds open for
appending only (its standard output, which systemd opens as root; the server keeps a close-on-exec
copy and points standard output at /dev/null, so no kernel inherits it). Root's helper hands the
list back with the secrets at every start of the server, so a restart forgets none.
"""

from __future__ import annotations

import base64
import binascii
import ctypes
import fcntl
import html
import ipaddress
import json
import os
import re
import sqlite3
import stat
import time
import typing as t

import jwt
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from traitlets import Int, List, TraitError, Unicode, validate

ISSUER = "sagebox.notebook"
URL_VALIDITY_SECONDS = 300
SESSION_MIN_SECONDS = 1800
SESSION_MAX_SECONDS = 43200
# A presigned URL's token is a few hundred characters; anything far longer is refused unread.
TOKEN_MAX_LENGTH = 4096
REQUIRED_CLAIMS = ["iss", "aud", "sub", "iat", "nbf", "exp", "jti", "sess"]
HEADER_MEMBERS = {"alg", "typ"}
PR_SET_DUMPABLE = 4
# A session id is a token's jti, as the presigned_notebook_instance_url module makes them.
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")

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


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Secrets(t.NamedTuple):
    cookie_secret: bytes
    keyfile: str
    # The sessions signed out since the session secret was made (root's list, handed over with it).
    ended: frozenset = frozenset()
    # Where this server records a session it ends: root's file, open for appending only (None: nowhere).
    ended_fd: int | None = None


_SECRETS: Secrets | None = None


def make_undumpable() -> None:
    """Keep processes of the same user (kernels, terminals) out of this one: no ptrace, /proc/PID/mem or fd."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


def receive_secrets(fd: int = 0, record_fd: int = 1) -> Secrets:
    """Read the secrets handed over on `fd` (JSON: cookie_secret, tls_key, ended), once per process.

    The TLS key is kept in an anonymous memory file that only this process can open; `fd` is
    then pointed at /dev/null. `record_fd` (standard output) is where signed-out sessions are
    recorded when it is a file (see the module's docstring).
    """
    global _SECRETS  # noqa: PLW0603 (read once per process)
    if _SECRETS is not None:
        return _SECRETS
    make_undumpable()
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        raise RuntimeError(
            "Jupyter's standard input is not the secrets handover of the jupyter-server-secrets unit "
            "(StandardInput=file:…/handover): start Jupyter with systemctl"
        )
    with os.fdopen(os.dup(fd), "rb") as handle:
        data = json.loads(handle.read())
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, fd)
    os.close(null)
    memfd = os.memfd_create("jupyter-tls-key", os.MFD_CLOEXEC)
    os.write(memfd, data["tls_key"].encode("ascii"))
    ended = frozenset(sid for sid in data.get("ended", []) if isinstance(sid, str) and SESSION_ID.match(sid))
    _SECRETS = Secrets(bytes.fromhex(data["cookie_secret"]), "/proc/self/fd/%d" % memfd, ended, _keep_record(record_fd))
    return _SECRETS


def _keep_record(record_fd: int) -> int | None:
    """A close-on-exec copy of `record_fd` when it is a file (root's, opened by systemd for appending), with
    `record_fd` pointed at /dev/null: no child inherits it. None when it is not a file (a terminal, a pipe)."""
    try:
        if not stat.S_ISREG(os.fstat(record_fd).st_mode):
            return None
    except OSError:
        return None
    kept = fcntl.fcntl(record_fd, fcntl.F_DUPFD_CLOEXEC, 3)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, record_fd)
    os.close(null)
    return kept


class TokenRefused(Exception):
    """A presigned URL token that does not open this notebook instance; the message says why."""


class Store:
    """Used token ids and open sessions, on disk: one SQLite connection, WAL, a full sync at each commit.

    A used id is kept until its token would have expired, a session until it ends; both are
    purged at most once a minute (PURGE_SECONDS), in the same commit as a claim.
    """

    PURGE_SECONDS = 60

    def __init__(self, path: str):
        self.path = path
        self.db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        os.chmod(path, 0o600)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS used (jti TEXT PRIMARY KEY, expires INTEGER NOT NULL)")
        self.db.execute("CREATE TABLE IF NOT EXISTS sessions (sid TEXT PRIMARY KEY, expires INTEGER NOT NULL)")
        self.purged = 0.0

    def claim(self, jti: str, expires: int, now: float) -> bool:
        """Record `jti` as used; False when it was used before."""
        purge = now - self.purged >= self.PURGE_SECONDS
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                if purge:
                    self.db.execute("DELETE FROM used WHERE expires < ?", (int(now),))
                    self.db.execute("DELETE FROM sessions WHERE expires <= ?", (int(now),))
                self.db.execute("INSERT INTO used (jti, expires) VALUES (?, ?)", (jti, expires))
        except sqlite3.IntegrityError:
            return False
        # Only a committed purge counts: a replay rolls its purge back with its insert.
        if purge:
            self.purged = now
        return True

    def open_session(self, sid: str, expires: int) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO sessions (sid, expires) VALUES (?, ?)", (sid, expires))

    def session_end(self, sid: str) -> int | None:
        row = self.db.execute("SELECT expires FROM sessions WHERE sid = ?", (sid,)).fetchone()
        return row[0] if row else None

    def close_session(self, sid: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM sessions WHERE sid = ?", (sid,))


class PresignedUrlIdentityProvider(IdentityProvider):
    """Authenticate with presigned notebook-instance URLs; sessions are kept by the server."""

    instance_name = Unicode(config=True, help="Name of this notebook instance (the tokens' audience).")
    public_key_file = Unicode(config=True, help="PEM file of the public key that checks presigned URLs.")
    used_tokens_file = Unicode(config=True, help="SQLite file of the used token ids and the open sessions.")
    leeway_seconds = Int(0, config=True, help="Clock skew allowed between the signer and this server.")
    trusted_proxies = List(
        Unicode(),
        config=True,
        help="CIDRs of reverse proxies in front of this server. A request from one of them is taken to come from "
        "the last address of its X-Forwarded-For that is not a trusted proxy, for a URL's source CIDRs. "
        "Empty (the default): the address the connection comes from, whatever the headers say.",
    )

    @validate("trusted_proxies")
    def _valid_proxies(self, proposal):
        for cidr in proposal["value"]:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as exc:
                raise TraitError("trusted_proxies: %r is not an IP address or CIDR (%s)" % (cidr, exc)) from exc
        return proposal["value"]

    # The clock, replaceable in tests.
    clock: t.Callable[[], float] = staticmethod(time.time)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._store: Store | None = None
        self._key: bytes | None = None
        # Session ends already read, by session id.
        self._ends: dict[str, int] = {}
        # Sessions signed out: by this process, and since the session secret was made (root's record).
        self._ended: set[str] = set(_SECRETS.ended) if _SECRETS is not None else set()

    @property
    def login_available(self) -> bool:
        return False

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.used_tokens_file)
        return self._store

    @property
    def public_key(self) -> bytes:
        if self._key is None:
            with open(self.public_key_file, "rb") as handle:
                self._key = handle.read()
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
        return json.dumps({"username": user.username, "sid": getattr(user, "sid", ""), "expires": getattr(user, "expires", 0)})

    def session_end(self, sid: str) -> int | None:
        """When session `sid` ends (None: no such session), as the server recorded it at the login."""
        if sid not in self._ends:
            end = self.store.session_end(sid)
            if end is None:
                return None
            self._ends[sid] = end
        return self._ends[sid]

    def user_from_cookie(self, cookie_value: str) -> User | None:
        data = json.loads(cookie_value)
        sid, signed_end = data.get("sid"), data.get("expires")
        if not isinstance(sid, str) or not sid or not _is_int(signed_end) or sid in self._ended:
            return None
        # Both ends must lie ahead: the one signed into the cookie, and the server's own record (the
        # record is in a file the notebook user may write, the cookie is signed with a secret out of reach).
        end = self.session_end(sid)
        if end is None or min(end, signed_end) <= self.clock():
            return None
        user = User(username=data["username"])
        user.sid, user.expires = sid, min(end, signed_end)  # type: ignore[attr-defined]
        return user

    def start_session(self, handler: JupyterHandler, claims: dict) -> None:
        """Open the session of a checked token's claims (its id is the token's) and set its cookie."""
        now = self.clock()
        expires = int(now) + int(claims["sess"])
        sid = str(claims["jti"])
        self.store.open_session(sid, expires)
        self._ends[sid] = expires
        user = User(username=claims["sub"])
        user.sid, user.expires = sid, expires  # type: ignore[attr-defined]
        options = dict(self.cookie_options)
        options.setdefault("httponly", True)
        options.setdefault("secure", handler.request.protocol == "https")
        options.setdefault("samesite", "Lax")
        options.setdefault("path", handler.base_url)
        handler.set_secure_cookie(
            self.get_cookie_name(handler), self.user_to_cookie(user), expires=expires, **options
        )

    def end_session(self, handler: JupyterHandler) -> None:
        user = self.get_user_cookie(handler)
        if user is not None:
            sid = user.sid  # type: ignore[attr-defined]
            self._ended.add(sid)
            self._record_end(sid)
            self.store.close_session(sid)
            self._ends.pop(sid, None)
        self.clear_login_cookie(handler)

    def _record_end(self, sid: str) -> None:
        """Append the signed-out session to root's record, which the next start of the server is handed back."""
        if _SECRETS is None or _SECRETS.ended_fd is None:
            self.log.warning("Session %s ended here, but no record of ended sessions is open: a restart forgets it", sid)
        elif not SESSION_ID.match(sid):
            self.log.warning("Session %r ended here, but its id cannot be recorded: a restart forgets it", sid)
        else:
            os.write(_SECRETS.ended_fd, ("ended %s\n" % sid).encode("ascii"))

    def client_address(self, request) -> str:
        """The client's address for a URL's source CIDRs: the connection's, or behind a trusted proxy the last
        address of X-Forwarded-For that is not a trusted proxy."""
        peer = request.remote_ip or ""
        if not self.trusted_proxies or not self._address_allowed(peer, self.trusted_proxies):
            return peer
        forwarded = [part.strip() for line in request.headers.get_list("X-Forwarded-For") for part in line.split(",")]
        for address in reversed(forwarded):
            if not self._address_allowed(address, self.trusted_proxies):
                return address
        return forwarded[0] if forwarded else peer

    # -- presigned URL tokens ---------------------------------------------------------

    def check_token(self, token: str, client_ip: str) -> dict:
        """Return the claims of a token that opens this instance now, from client_ip; else raise TokenRefused."""
        if len(token) > TOKEN_MAX_LENGTH:
            raise TokenRefused("This URL is not valid for this notebook instance (its token is too long).")
        # One spelling per token: base64 that decodes leniently (spare bits, stray characters) is refused,
        # so no altered URL can stand for a valid one.
        if not all(_canonical_base64url(part) for part in token.split(".")):
            raise TokenRefused("This URL is not valid for this notebook instance (malformed token).")
        now = self.clock()
        try:
            header = jwt.get_unverified_header(token)
            if set(header) - HEADER_MEMBERS:
                raise TokenRefused(
                    "This URL is not valid for this notebook instance (header members %s)."
                    % ", ".join(sorted(set(header) - HEADER_MEMBERS))
                )
            claims = jwt.decode(
                token,
                self.public_key,
                algorithms=["EdDSA"],
                audience="sagebox:" + self.instance_name,
                issuer=ISSUER,
                leeway=self.leeway_seconds,
                options={"require": REQUIRED_CLAIMS, "strict_aud": True},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenRefused("This URL has expired: a presigned URL works for 5 minutes.") from exc
        except jwt.PyJWTError as exc:
            raise TokenRefused("This URL is not valid for this notebook instance (%s)." % exc) from exc
        self._check_rules(claims, now)
        cidrs = claims.get("cidr")
        if cidrs and not self._address_allowed(client_ip, cidrs):
            raise TokenRefused("This URL cannot be opened from your address (%s)." % client_ip)
        if not self.store.claim(str(claims["jti"]), int(claims["exp"]) + 60, now):
            raise TokenRefused("This URL has already been used: a presigned URL works once.")
        return claims

    def _check_rules(self, claims: dict, now: float) -> None:
        """The rules PyJWT does not know, checked against this server's clock (PyJWT reads the wall clock)."""
        if not all(_is_int(claims[claim]) for claim in ("iat", "nbf", "exp", "sess")):
            raise TokenRefused("This URL is not valid for this notebook instance (iat, nbf, exp and sess are integers).")
        if claims["exp"] - claims["iat"] > URL_VALIDITY_SECONDS:
            raise TokenRefused("This URL is not valid for this notebook instance (it claims over 5 minutes of life).")
        if max(claims["iat"], claims["nbf"]) > now + self.leeway_seconds:
            raise TokenRefused("This URL is not valid yet: it was issued in the future.")
        if claims["exp"] <= now - self.leeway_seconds:
            raise TokenRefused("This URL has expired: a presigned URL works for 5 minutes.")
        if not SESSION_MIN_SECONDS <= claims["sess"] <= SESSION_MAX_SECONDS:
            raise TokenRefused("This URL asks for a session length the instance does not allow.")
        if not isinstance(claims.get("cidr", []), list):
            raise TokenRefused("This URL is not valid for this notebook instance (cidr is not a list).")

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
            client = provider.client_address(self.request)
            claims = provider.check_token(token, client)
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
        self.identity_provider.end_session(self)  # type: ignore[attr-defined]
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(
            PAGE.format(
                title="Signed out",
                message="The session has ended. Request a new presigned URL to open the instance again.",
            )
        )
