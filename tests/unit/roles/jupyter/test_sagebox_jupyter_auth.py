"""The Jupyter side of presigned URLs, checked against tokens made by the module side.

The module signs with cryptography's Ed25519 (plugins/module_utils/presigned_token.py); Jupyter checks
with PyJWT and its own rules (roles/jupyter/files/sagebox_jupyter_auth.py): each implementation checks
the other.
"""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ansible_collections.sagebox.notebook.plugins.module_utils import presigned_token as pt

pytest.importorskip("jupyter_server")
pytest.importorskip("jwt")

AUTH_FILE = Path(__file__).resolve().parents[4] / "roles" / "jupyter" / "files" / "sagebox_jupyter_auth.py"
spec = importlib.util.spec_from_file_location("sagebox_jupyter_auth", AUTH_FILE)
auth = importlib.util.module_from_spec(spec)
spec.loader.exec_module(auth)

KEY = ed25519.Ed25519PrivateKey.generate()
PUBLIC_PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
NOW = 1_900_000_000


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def provider(tmp_path, monkeypatch):
    key_file = tmp_path / "presign-key.pub.pem"
    key_file.write_bytes(PUBLIC_PEM)
    prov = auth.PresignedUrlIdentityProvider(
        instance_name="nb-1", public_key_file=str(key_file), used_tokens_file=str(tmp_path / "used.sqlite")
    )
    clock = Clock(NOW)
    prov.clock = clock
    # PyJWT reads the wall clock for exp, nbf and iat: give it ours.
    monkeypatch.setattr(auth.jwt.api_jwt, "datetime", _FrozenDatetime(clock))
    return prov


class _FrozenDatetime:
    """datetime stand-in whose now() follows the test clock (PyJWT takes the time from it)."""

    def __init__(self, clock):
        import datetime as real

        self._real = real.datetime
        self._clock = clock
        self.timezone = real.timezone

    def now(self, tz=None):
        return self._real.fromtimestamp(self._clock(), tz)

    def __getattr__(self, name):
        return getattr(self._real, name)


def _token(name="nb-1", at=NOW, session=1800, cidrs=None):
    return pt.encode(pt.make_claims(name, at, session, cidrs), KEY)


def test_module_token_opens_a_session(provider):
    claims = provider.check_token(_token(), "10.0.0.5")
    assert claims["sub"] == "nb-1" and claims["sess"] == 1800


def test_token_works_once_even_for_a_new_server(provider, tmp_path):
    token = _token()
    provider.check_token(token, "10.0.0.5")
    with pytest.raises(auth.TokenRefused, match="already been used"):
        provider.check_token(token, "10.0.0.5")
    restarted = auth.PresignedUrlIdentityProvider(
        instance_name="nb-1", public_key_file=provider.public_key_file, used_tokens_file=provider.used_tokens_file
    )
    restarted.clock = provider.clock
    with pytest.raises(auth.TokenRefused, match="already been used"):
        restarted.check_token(token, "10.0.0.5")
    assert stat.S_IMODE(os.stat(provider.used_tokens_file).st_mode) == 0o600


def test_token_older_than_five_minutes_fails(provider):
    token = _token(at=NOW - 301)
    with pytest.raises(auth.TokenRefused, match="expired"):
        provider.check_token(token, "10.0.0.5")


def test_tampered_or_foreign_tokens_fail(provider):
    with pytest.raises(auth.TokenRefused, match="not valid"):
        provider.check_token(pt.encode(pt.make_claims("nb-1", NOW, 1800), ed25519.Ed25519PrivateKey.generate()), "10.0.0.5")
    with pytest.raises(auth.TokenRefused, match="not valid"):
        provider.check_token(_token(name="nb-2"), "10.0.0.5")
    header, payload, signature = _token().split(".")
    with pytest.raises(auth.TokenRefused, match="not valid"):
        provider.check_token(header + "." + payload[:-2] + "AA." + signature, "10.0.0.5")


def test_other_spelling_of_a_valid_token_fails(provider):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    token = _token()
    # The signature's last character has spare bits: flipping one decodes to the same signature.
    respelled = token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]
    with pytest.raises(auth.TokenRefused, match="malformed"):
        provider.check_token(respelled, "10.0.0.5")
    with pytest.raises(auth.TokenRefused, match="malformed"):
        provider.check_token(token[:20] + "!" + token[20:], "10.0.0.5")
    provider.check_token(token, "10.0.0.5")


def test_oversized_token_fails_even_when_signed(provider):
    claims = pt.make_claims("nb-1", NOW, 1800)
    claims["padding"] = "x" * 5000
    with pytest.raises(auth.TokenRefused, match="too long"):
        provider.check_token(pt.encode(claims, KEY), "10.0.0.5")


def test_source_cidrs(provider):
    provider.check_token(_token(cidrs=["10.0.0.0/8"]), "10.1.2.3")
    provider.check_token(_token(cidrs=["10.0.0.0/8"]), "::ffff:10.1.2.3")
    with pytest.raises(auth.TokenRefused, match="your address"):
        provider.check_token(_token(cidrs=["10.0.0.0/8"]), "192.0.2.1")


class _Handler:
    """The parts of a Tornado handler that set and read the session cookie (signed as Tornado signs it)."""

    def __init__(self, secret=b"s" * 32):
        import tornado.web

        self.secret, self.cookies, self.base_url = secret, {}, "/"
        self._web = tornado.web
        self.request = type("Request", (), {"protocol": "https", "host": "nb.example:8443"})()

    def set_secure_cookie(self, name, value, **_options):
        self.cookies[name] = self._web.create_signed_value(self.secret, name, value)

    def get_secure_cookie(self, name, **_options):
        value = self.cookies.get(name)
        return self._web.decode_signed_value(self.secret, name, value) if value else None


def _login(provider, handler, session=1800):
    claims = provider.check_token(_token(session=session), "10.0.0.5")
    provider.start_session(handler, claims)
    name = provider.get_cookie_name(handler)
    return claims, handler.get_secure_cookie(name).decode()


def test_session_ends_when_the_server_says_whatever_the_cookie_says(provider):
    handler = _Handler()
    claims, cookie = _login(provider, handler)
    assert provider.user_from_cookie(cookie).username == "nb-1"
    # A cookie naming no session the server opened, or claiming a later end, opens nothing.
    assert provider.user_from_cookie(json.dumps({"username": "nb-1", "sid": "f" * 32, "expires": 2**40})) is None
    assert provider.user_from_cookie(json.dumps({"username": "nb-1", "sid": claims["jti"], "expires": 2**40}))
    # The server's record lengthened (its file is the notebook user's): the signed end still holds.
    provider.store.db.execute("UPDATE sessions SET expires = ?", (2**40,))
    provider._ends.clear()
    provider.clock.now = NOW + 1800
    assert provider.user_from_cookie(cookie) is None
    # A cookie claiming a later end (only a holder of the session secret could sign one): the record holds.
    provider.store.db.execute("UPDATE sessions SET expires = ?", (NOW + 1000,))
    provider._ends.clear()
    provider.clock.now = NOW + 1000
    assert provider.user_from_cookie(json.dumps({"username": "nb-1", "sid": claims["jti"], "expires": 2**40})) is None


def test_session_survives_a_restart_of_the_server(provider):
    _claims, cookie = _login(provider, _Handler(), session=3600)
    restarted = auth.PresignedUrlIdentityProvider(
        instance_name="nb-1", public_key_file=provider.public_key_file, used_tokens_file=provider.used_tokens_file
    )
    restarted.clock = provider.clock
    provider.clock.now = NOW + 3599
    assert restarted.user_from_cookie(cookie).username == "nb-1"
    provider.clock.now = NOW + 3600
    assert restarted.user_from_cookie(cookie) is None


def test_store_is_one_wal_connection_with_full_sync(provider):
    db = provider.store.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def _signed(header: dict, claims: dict) -> str:
    def b64(data: bytes) -> str:
        import base64

        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    return signing_input + "." + b64(KEY.sign(signing_input.encode()))


@pytest.mark.parametrize(
    "change, message",
    [
        ({"exp": NOW + 30 * 365 * 86400}, "over 5 minutes"),
        ({"exp": NOW + 301}, "over 5 minutes"),
        ({"iat": NOW + 60, "nbf": NOW + 60, "exp": NOW + 360}, "not (yet )?valid"),
        ({"aud": ["sagebox:nb-1"]}, "not valid"),
        ({"aud": ["sagebox:nb-1", "sagebox:nb-2"]}, "not valid"),
        ({"sess": True}, "integers"),
        ({"sess": 1799}, "session length"),
        ({"sess": 43201}, "session length"),
        ({"cidr": "0.0.0.0/0"}, "cidr"),
    ],
)
def test_correctly_signed_token_breaking_a_rule_fails(provider, change, message):
    claims = pt.make_claims("nb-1", NOW, 1800)
    claims.update(change)
    with pytest.raises(auth.TokenRefused, match=message):
        provider.check_token(pt.encode(claims, KEY), "10.0.0.5")


@pytest.mark.parametrize(
    "header",
    [{"alg": "EdDSA", "typ": "JWT", "crit": ["exp"], "exp": 1}, {"alg": "EdDSA", "typ": "JWT", "crit": ["b64"], "b64": True},
     {"alg": "EdDSA", "typ": "JWT", "kid": "x"}],
)
def test_unknown_header_members_fail(provider, header):
    with pytest.raises(auth.TokenRefused, match="header members|critical extension"):
        provider.check_token(_signed(header, pt.make_claims("nb-1", NOW, 1800)), "10.0.0.5")


def test_former_hs256_urls_fail(provider):
    import jwt

    claims = pt.make_claims("nb-1", NOW, 1800)
    for key in (b"0123456789abcdef" * 4, PUBLIC_PEM):
        token = jwt.encode(claims, key, algorithm="HS256") if key != PUBLIC_PEM else _hs256_with(PUBLIC_PEM, claims)
        with pytest.raises(auth.TokenRefused, match="not valid"):
            provider.check_token(token, "10.0.0.5")


def _hs256_with(key: bytes, claims: dict) -> str:
    """HS256 signed with the public key's PEM (the algorithm-confusion attack), made by hand: PyJWT refuses to."""
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps(claims).encode())
    return signing_input + "." + b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


RECEIVE = """
import ctypes, json, os, sys
sys.path.insert(0, sys.argv[1])
import sagebox_jupyter_auth as auth
secrets = auth.receive_secrets()
print(json.dumps({
    "cookie_secret": secrets.cookie_secret.hex(),
    "key": open(secrets.keyfile).read(),
    "again": auth.receive_secrets() is secrets,
    "stdin": os.readlink("/proc/self/fd/0"),
    "dumpable": ctypes.CDLL(None).prctl(3, 0, 0, 0, 0),
}))
"""


def test_secrets_come_through_stdin_once_and_the_process_is_not_dumpable(tmp_path):
    handover = tmp_path / "handover"
    handover.write_text(json.dumps({"cookie_secret": "ab" * 32, "tls_key": "-----BEGIN PRIVATE KEY-----\nx\n"}))
    with open(handover, "rb") as stdin:
        out = subprocess.run([sys.executable, "-c", RECEIVE, str(AUTH_FILE.parent)], stdin=stdin, capture_output=True,
                             text=True, check=True).stdout
    got = json.loads(out)
    assert got["cookie_secret"] == "ab" * 32 and got["key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert got["again"] and got["stdin"] == "/dev/null"
    # PR_GET_DUMPABLE: 0, so that no process of the same user may ptrace it or open its /proc/PID/mem and fds.
    assert got["dumpable"] == 0


def test_secrets_must_come_from_a_file(tmp_path):
    result = subprocess.run([sys.executable, "-c", RECEIVE, str(AUTH_FILE.parent)], stdin=subprocess.PIPE,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "not the secrets handover" in result.stderr


def test_no_login_form(provider):
    assert provider.login_available is False
    paths = [handler[0] for handler in provider.get_handlers()]
    assert paths == [r"/?", r"/login", r"/logout"]


HANDOVER = Path(__file__).resolve().parents[4] / "roles" / "jupyter" / "files" / "secrets-handover"


class _SigningOutHandler(_Handler):
    def clear_cookie(self, name, **_options):
        self.cookies.pop(name, None)


def _handover(runtime_dir: Path) -> dict:
    """What root's helper hands a starting server: run it as the secrets unit and ExecStartPre=+ run it."""
    key = runtime_dir.parent / "tls.key"
    key.write_text("-----BEGIN PRIVATE KEY-----\nx\n")
    subprocess.run([sys.executable, "-I", str(HANDOVER), str(runtime_dir), str(key)], check=True)
    return json.loads((runtime_dir / "handover").read_text())


def test_a_signed_out_session_stays_out_whatever_row_the_user_puts_back(provider, tmp_path, monkeypatch):
    runtime_dir = tmp_path / "run"
    runtime_dir.mkdir()
    # Standard output as systemd opens it (StandardOutput=append:), root's record of signed-out sessions.
    record = os.open(runtime_dir / "ended", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    monkeypatch.setattr(auth, "_SECRETS", auth.Secrets(b"s" * 32, "/dev/null", frozenset(), record))
    handler = _SigningOutHandler()
    claims, cookie = _login(provider, handler, session=3600)
    other_claims = provider.check_token(_token(session=3600), "10.0.0.5")
    other = _SigningOutHandler()
    provider.start_session(other, other_claims)
    other_cookie = other.get_secure_cookie(provider.get_cookie_name(other)).decode()
    provider.end_session(handler)
    assert provider.user_from_cookie(cookie) is None
    # The store is the notebook user's: they put the row back, with a longer end.
    provider.store.db.execute("INSERT OR REPLACE INTO sessions (sid, expires) VALUES (?, ?)", (claims["jti"], NOW + 3600))
    provider._ends.clear()
    assert provider.user_from_cookie(cookie) is None
    assert (runtime_dir / "ended").read_text() == "ended %s\n" % claims["jti"]
    # They kill the server; before its restart root's helper hands the record back, whatever else the file holds.
    os.write(record, b"garbage line\nended ../../etc\n")
    handed = _handover(runtime_dir)
    assert handed["ended"] == [claims["jti"]]
    monkeypatch.setattr(auth, "_SECRETS", auth.Secrets(b"s" * 32, "/dev/null", frozenset(handed["ended"]), None))
    restarted = auth.PresignedUrlIdentityProvider(
        instance_name="nb-1", public_key_file=provider.public_key_file, used_tokens_file=provider.used_tokens_file
    )
    restarted.clock = provider.clock
    assert restarted.user_from_cookie(cookie) is None
    # The session that was not signed out goes on across the restart.
    assert restarted.user_from_cookie(other_cookie).username == "nb-1"


def test_the_session_secret_outlives_a_restart_and_the_record_starts_empty(tmp_path):
    runtime_dir = tmp_path / "run"
    runtime_dir.mkdir()
    first = _handover(runtime_dir)
    again = _handover(runtime_dir)
    assert first["cookie_secret"] == again["cookie_secret"] and first["ended"] == []
    assert stat.S_IMODE(os.stat(runtime_dir / "handover").st_mode) == 0o600


KEEP_RECORD = """
import fcntl, json, os, sys
sys.path.insert(0, sys.argv[1])
import sagebox_jupyter_auth as auth
secrets = auth.receive_secrets()
os.write(secrets.ended_fd, b"ended bbbb\\n")
print("to /dev/null now")
sys.stderr.write(json.dumps({
    "ended": sorted(secrets.ended),
    "kept": secrets.ended_fd,
    "cloexec": fcntl.fcntl(secrets.ended_fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC,
    "stdout": os.readlink("/proc/self/fd/1"),
}))
"""


def test_a_record_file_on_stdout_is_kept_close_on_exec_and_stdout_let_go(tmp_path):
    handover = tmp_path / "handover"
    handover.write_text(json.dumps({"cookie_secret": "ab" * 32, "tls_key": "k", "ended": ["a" * 32, "../x"]}))
    with open(handover, "rb") as stdin, open(tmp_path / "ended", "ab") as stdout:
        done = subprocess.run([sys.executable, "-c", KEEP_RECORD, str(AUTH_FILE.parent)], stdin=stdin, stdout=stdout,
                              stderr=subprocess.PIPE, text=True, check=True)
    got = json.loads(done.stderr)
    # Only well-formed session ids are taken; children get /dev/null as standard output, never the record.
    assert got["ended"] == ["a" * 32] and got["kept"] >= 3 and got["cloexec"] == 1 and got["stdout"] == "/dev/null"
    assert (tmp_path / "ended").read_text() == "ended bbbb\n"


def test_forwarded_addresses_count_only_from_trusted_proxies(provider):
    from tornado.httputil import HTTPHeaders

    def client(peer, forwarded=None):
        headers = HTTPHeaders()
        if forwarded is not None:
            headers.add("X-Forwarded-For", forwarded)
        return provider.client_address(type("Request", (), {"remote_ip": peer, "headers": headers})())

    assert client("10.0.0.9", "203.0.113.7") == "10.0.0.9"  # off by default: the header is anyone's to write
    provider.trusted_proxies = ["10.0.0.0/24"]
    assert client("10.0.0.9", "203.0.113.7") == "203.0.113.7"
    assert client("10.0.0.9", "198.51.100.1, 203.0.113.7, 10.0.0.8") == "203.0.113.7"  # the last untrusted hop
    assert client("192.0.2.1", "203.0.113.7") == "192.0.2.1"  # not a trusted proxy: the header does not count
    assert client("10.0.0.9") == "10.0.0.9"
    with pytest.raises(auth.TraitError, match="'not-a-cidr' is not an IP address or CIDR"):
        provider.trusted_proxies = ["not-a-cidr"]
