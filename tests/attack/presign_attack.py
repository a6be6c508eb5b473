"""Presign attack suite: throw bad presigned-URL tokens at a notebook instance's real HTTPS server.

Run on the instance host as root (it reads the instance's private presign key to forge tokens that are
correctly signed but break one rule), with a Python that has PyJWT and cryptography (Jupyter's
environment):

    python presign_attack.py --instance NAME [--port 8443] [--cafile CERT] [--seed N]

Every bad token must be refused (any answer but the 302 into JupyterLab); every fresh valid token
must open a session exactly once; every altered or foreign session cookie must be refused by the API.
Prints the counts per kind as JSON and exits non-zero on any
accepted bad token or any valid token not accepted exactly once. Bounded: a fixed number of requests
over one keep-alive connection, each with a timeout.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import random
import secrets
import ssl
import sys
import time
import urllib.parse

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

ISSUER = "sagebox.notebook"
KIND_COUNTS = {
    "bit flip": 3000,
    "truncation": 1000,
    "wrong key": 500,
    "former HS256 URL": 300,
    "alg none": 500,
    "alg swap (HS256/HS384/HS512)": 500,
    "alg confusion (HS256 keyed with the public key)": 300,
    "alg confusion (RS256/ES256 header)": 300,
    "signed, lifetime over 5 minutes": 300,
    "signed, audience a list": 300,
    "signed, session length a boolean": 200,
    "signed, critical header": 200,
    "expired": 500,
    "not yet valid": 500,
    "wrong instance": 500,
    "wrong issuer": 300,
    "wrong source address": 500,
    "bad session length": 300,
    "missing claim": 300,
    "replayed": 1000,
    "oversized": 200,
    "malformed base64": 500,
    "malformed JSON": 500,
}
VALID = 200
FORGED_COOKIES = 300


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


class Forge:
    """Makes tokens for one instance and key, valid ones and every kind of bad one."""

    def __init__(self, instance: str, key: ed25519.Ed25519PrivateKey, rng: random.Random):
        self.instance, self.key, self.rng = instance, key, rng
        self.public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def claims(self, **changes) -> dict:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": "sagebox:" + self.instance, "sub": self.instance, "iat": now, "nbf": now,
                  "exp": now + 300, "jti": secrets.token_hex(16), "sess": 1800}
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, claims=None, key=None, alg="EdDSA", header=None) -> str:
        return jwt.encode(claims or self.claims(), key or self.key, algorithm=alg, headers=header)

    def raw(self, header: dict, payload: bytes, key: bytes | None = None, digest="sha256") -> str:
        """HMAC-signed, by hand (PyJWT refuses to use a PEM key as an HMAC secret)."""
        signing_input = b64(compact(header)) + "." + b64(payload)
        signature = hmac.new(key or secrets.token_bytes(32), signing_input.encode(), getattr(hashlib, digest)).digest()
        return signing_input + "." + b64(signature)

    def signed(self, header: dict, payload: bytes) -> str:
        """Correctly signed with the instance's key, whatever the header and payload say."""
        signing_input = b64(compact(header)) + "." + b64(payload)
        return signing_input + "." + b64(self.key.sign(signing_input.encode()))

    def bad(self, kind: str) -> str:  # noqa: C901 - one branch per kind reads best
        rng = self.rng
        if kind == "bit flip":
            token = bytearray(self.token().encode("ascii"))
            position = rng.randrange(len(token))
            token[position] ^= 1 << rng.randrange(7)
            return token.decode("latin-1")
        if kind == "truncation":
            token = self.token()
            return token[: rng.randrange(len(token))]
        if kind == "wrong key":
            return self.token(key=ed25519.Ed25519PrivateKey.generate())
        if kind == "former HS256 URL":
            return self.raw({"alg": "HS256", "typ": "JWT"}, compact(self.claims()), key=secrets.token_hex(32).encode())
        if kind == "alg none":
            claims = b64(compact(self.claims()))
            header = b64(compact({"alg": rng.choice(["none", "None", "NONE", "nOnE"]), "typ": "JWT"}))
            return header + "." + claims + "." + rng.choice(["", self.token().split(".")[2]])
        if kind == "alg swap (HS256/HS384/HS512)":
            alg = rng.choice(["HS256", "HS384", "HS512"])
            return self.raw({"alg": alg, "typ": "JWT"}, compact(self.claims()), digest="sha" + alg[2:])
        if kind == "alg confusion (HS256 keyed with the public key)":
            return self.raw({"alg": "HS256", "typ": "JWT"}, compact(self.claims()), key=self.public_pem)
        if kind == "signed, lifetime over 5 minutes":
            now = int(time.time())
            return self.token(self.claims(exp=now + rng.choice([301, 3600, 86400, 30 * 365 * 86400])))
        if kind == "signed, audience a list":
            aud = "sagebox:" + self.instance
            return self.token(self.claims(aud=rng.choice([[aud], [aud, "sagebox:other"], ["sagebox:other", aud]])))
        if kind == "signed, session length a boolean":
            return self.token(self.claims(sess=rng.choice([True, False])))
        if kind == "signed, critical header":
            crit = rng.choice([["exp"], ["b64"], ["sagebox-extension"], []])
            return self.signed({"alg": "EdDSA", "typ": "JWT", "crit": crit, "exp": 1}, compact(self.claims()))
        if kind == "alg confusion (RS256/ES256 header)":
            return self.raw({"alg": rng.choice(["RS256", "ES256", "PS256"]), "typ": "JWT"}, compact(self.claims()))
        if kind == "expired":
            past = int(time.time()) - rng.randrange(301, 10**6)
            return self.token(self.claims(iat=past - 300, nbf=past - 300, exp=past))
        if kind == "not yet valid":
            future = int(time.time()) + rng.randrange(60, 10**6)
            return self.token(self.claims(iat=future, nbf=future, exp=future + 300))
        if kind == "wrong instance":
            other = rng.choice(["x" + self.instance, self.instance.upper() + "2", "other", ""])
            return self.token(self.claims(aud="sagebox:" + other, sub=other))
        if kind == "wrong issuer":
            return self.token(self.claims(iss=rng.choice(["sagemaker", "sagebox", "", "sagebox.notebook "])))
        if kind == "wrong source address":
            return self.token(self.claims(cidr=[rng.choice(["10.123.0.0/16", "192.0.2.0/24", "2001:db8::/32"])]))
        if kind == "bad session length":
            return self.token(self.claims(sess=rng.choice([0, -1, 1799, 43201, 10**9, "1800", 1800.5, None])))
        if kind == "missing claim":
            claims = self.claims()
            claims.pop(rng.choice(["iss", "aud", "sub", "iat", "nbf", "exp", "jti", "sess"]))
            return self.token(claims)
        if kind == "oversized":
            # Past the front door's 4096-character limit; some past the server's request-line limit too.
            return self.token(self.claims(pad="A" * rng.choice([rng.randrange(4200, 30000), 70000])))
        if kind == "malformed base64":
            token = list(self.token())
            for _insert in range(rng.randrange(1, 4)):
                token.insert(rng.randrange(len(token)), rng.choice("!*%$#~ é\u00ff/+="))
            return "".join(token)
        if kind == "malformed JSON":
            payload = rng.choice([b"not json", b"[1,2,3]", b'{"iss":', b"\xff\xfe", b"null", b"42", b'"string"'])
            if rng.random() < 0.5:
                return self.signed({"alg": "EdDSA", "typ": "JWT"}, payload)
            header_body = rng.choice([b"not json", b"[]", b"{", b"null"])
            signing_input = b64(header_body) + "." + b64(compact(self.claims()))
            return signing_input + "." + b64(self.key.sign(signing_input.encode()))
        raise ValueError(kind)


class Server:
    """One keep-alive HTTPS connection to the instance's front door."""

    def __init__(self, host: str, port: int, cafile: str | None):
        self.host, self.port = host, port
        self.context = ssl.create_default_context(cafile=cafile) if cafile else ssl._create_unverified_context()
        if cafile:
            self.context.check_hostname = False  # the certificate names the host, not always this address
        self.connection = None

    def login(self, token: str) -> str | None:
        """The session cookie (name=value) a URL with this token sets, if any."""
        self.reset()
        connection = http.client.HTTPSConnection(self.host, self.port, timeout=30, context=self.context)
        connection.request("GET", "/?authToken=" + urllib.parse.quote(token, safe=""))
        response = connection.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie")
        connection.close()
        return cookie.split(";", 1)[0] if response.status == 302 and cookie else None

    def api(self, cookie: str) -> int:
        """The status of an API call with this session cookie (200: the session opens the API)."""
        connection = http.client.HTTPSConnection(self.host, self.port, timeout=30, context=self.context)
        connection.request("GET", "/api/contents", headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status

    def status(self, token: str) -> int:
        """The status the front door answers for a URL with this token (302 opens a session).

        0 when the server closes the connection without answering, twice (an oversized request line).
        """
        path = "/?authToken=" + urllib.parse.quote(token, safe="")
        closed = 0
        for attempt in range(10):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPSConnection(self.host, self.port, timeout=30, context=self.context)
                self.connection.request("GET", path)
                response = self.connection.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
                return response.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.reset()
                closed += 1
                if closed == 2:
                    return 0
            except (http.client.HTTPException, OSError):
                self.reset()
                if attempt == 9:
                    raise
                time.sleep(1)  # a restarting server; bounded by the attempts
        raise AssertionError("unreachable")

    def reset(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--cafile")
    parser.add_argument("--key-file", default="/etc/sagebox/notebook-instance/presign-key.pem")
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args()
    with open(args.key_file, "rb") as handle:
        key = serialization.load_pem_private_key(handle.read(), password=None)
    rng = random.Random(args.seed)
    forge, server = Forge(args.instance, key, rng), Server(args.host, args.port, args.cafile)
    started = time.monotonic()
    report: dict = {"kinds": {}, "bad_sent": 0, "bad_accepted": 0, "statuses": {}, "accepted_examples": []}

    def bad(kind: str, token: str) -> None:
        status = server.status(token)
        entry = report["kinds"].setdefault(kind, {"sent": 0, "accepted": 0})
        entry["sent"] += 1
        report["bad_sent"] += 1
        report["statuses"][str(status)] = report["statuses"].get(str(status), 0) + 1
        if status == 302:
            entry["accepted"] += 1
            report["bad_accepted"] += 1
            if len(report["accepted_examples"]) < 5:
                report["accepted_examples"].append({"kind": kind, "token": token[:200]})

    for kind, count in KIND_COUNTS.items():
        if kind == "replayed":
            continue
        for _token in range(count):
            bad(kind, forge.bad(kind))

    # Valid URLs: each opens a session once; then it (and only it) is replayed.
    valid_once = 0
    replays_per_token = KIND_COUNTS["replayed"] // VALID
    for _valid in range(VALID):
        token = forge.token()
        if server.status(token) == 302:
            valid_once += 1
        for _replay in range(replays_per_token):
            bad("replayed", token)
    # Session cookies: a real one opens the API; altered ones (a flipped bit, another session id
    # re-encoded, a value signed with a guessed secret) open nothing.
    cookie = server.login(forge.token())
    real_opens = cookie is not None and server.api(cookie) == 200
    forged_accepted = 0
    for _forged in range(FORGED_COOKIES if cookie else 0):
        name, value = cookie.split("=", 1)
        kind = rng.randrange(3)
        if kind == 0:
            chars = list(value)
            position = rng.randrange(len(chars))
            chars[position] = rng.choice([c for c in "0123456789abcdefABCDEF|=" if c != chars[position]])
            value = "".join(chars)
        elif kind == 1:
            value = value.replace(value.split("|")[4] if value.count("|") > 4 else value[:8],
                                  b64(compact({"username": args.instance, "sid": secrets.token_hex(16)})), 1)
        else:
            import tornado.web

            value = tornado.web.create_signed_value(
                secrets.token_hex(32), name, json.dumps({"username": args.instance, "sid": secrets.token_hex(16)})
            ).decode()
        if server.api(name + "=" + value) == 200:
            forged_accepted += 1
    report.update(valid_sent=VALID, valid_accepted_once=valid_once, seconds=round(time.monotonic() - started, 1),
                  session_cookie_opens=real_opens, forged_cookies_sent=FORGED_COOKIES, forged_cookies_accepted=forged_accepted)
    print(json.dumps(report, indent=2, sort_keys=True))
    print("presign attack: %d bad tokens, %d accepted; %d of %d valid URLs opened once; "
          "%d forged session cookies, %d accepted; in %.1f s"
          % (report["bad_sent"], report["bad_accepted"], valid_once, VALID, FORGED_COOKIES, forged_accepted,
             report["seconds"]))
    return 0 if report["bad_accepted"] == 0 and valid_once == VALID and real_opens and forged_accepted == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
