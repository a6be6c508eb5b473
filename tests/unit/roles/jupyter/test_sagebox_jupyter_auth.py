"""The Jupyter side of presigned URLs, checked against tokens made by the module side.

The module signs with the stdlib (plugins/module_utils/presigned_token.py); Jupyter checks
with PyJWT (roles/jupyter/files/sagebox_jupyter_auth.py): each implementation checks the other.
"""

from __future__ import annotations

import importlib.util
import os
import stat
from pathlib import Path

import pytest

from ansible_collections.sagebox.notebook.plugins.module_utils import presigned_token as pt

pytest.importorskip("jupyter_server")
pytest.importorskip("jwt")

AUTH_FILE = Path(__file__).resolve().parents[4] / "roles" / "jupyter" / "files" / "sagebox_jupyter_auth.py"
spec = importlib.util.spec_from_file_location("sagebox_jupyter_auth", AUTH_FILE)
auth = importlib.util.module_from_spec(spec)
spec.loader.exec_module(auth)

KEY = b"0123456789abcdef" * 4
NOW = 1_900_000_000


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def provider(tmp_path, monkeypatch):
    key_file = tmp_path / "signing-key"
    key_file.write_bytes(KEY + b"\n")
    prov = auth.PresignedUrlIdentityProvider(
        instance_name="nb-1", signing_key_file=str(key_file), used_tokens_file=str(tmp_path / "used.sqlite")
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
        instance_name="nb-1", signing_key_file=provider.signing_key_file, used_tokens_file=provider.used_tokens_file
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
        provider.check_token(pt.encode(pt.make_claims("nb-1", NOW, 1800), b"another key" * 3), "10.0.0.5")
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


def test_session_cookie_ends_after_its_duration(provider):
    user = auth.User(username="nb-1")
    user.expires = int(NOW) + 1800
    cookie = provider.user_to_cookie(user)
    assert provider.user_from_cookie(cookie).username == "nb-1"
    provider.clock.now = NOW + 1800
    assert provider.user_from_cookie(cookie) is None


def test_no_login_form(provider):
    assert provider.login_available is False
    paths = [handler[0] for handler in provider.get_handlers()]
    assert paths == [r"/?", r"/login", r"/logout"]
