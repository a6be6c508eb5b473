"""Benchmark presigned URLs: token signing (the module side, Ed25519 with cryptography) and checking
(the Jupyter side, PyJWT and the server's rules, with its used-token store on disk: one SQLite
connection, WAL, a full sync at each commit). Prints per-call figures.

    .venv/bin/python bench/presign.py [--calls N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".cache" / "collections"))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402

from ansible_collections.sagebox.notebook.plugins.module_utils import presigned_token as pt  # noqa: E402


def per_call(samples: list[float]) -> str:
    micros = sorted(s * 1e6 for s in samples)
    p99 = micros[min(len(micros) - 1, int(len(micros) * 0.99))]
    return "median %.1f us, p99 %.1f us, %.0f calls/s" % (statistics.median(micros), p99, 1e6 / statistics.mean(micros))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    cpu = platform.processor() or platform.machine()
    print("machine: %d cores (%s), Python %s, %s" % (os.cpu_count(), cpu, platform.python_version(), platform.platform()))
    print("calls: %d of each" % args.calls)
    key = ed25519.Ed25519PrivateKey.generate()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    sign, tokens = [], []
    while len(tokens) < args.calls:
        start = time.perf_counter()
        tokens.append(pt.encode(pt.make_claims("bench-nb", int(time.time()), 43200), key))
        sign.append(time.perf_counter() - start)
    print("sign (module_utils, Ed25519):           " + per_call(sign))

    try:
        spec = importlib.util.spec_from_file_location("auth", ROOT / "roles/jupyter/files/sagebox_jupyter_auth.py")
        auth = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(auth)
    except ImportError as exc:
        print("check (Jupyter side): skipped, %s" % exc)
        return
    with tempfile.TemporaryDirectory() as tmp:
        key_file = Path(tmp, "presign-key.pub.pem")
        key_file.write_bytes(public_pem)
        provider = auth.PresignedUrlIdentityProvider(
            instance_name="bench-nb", public_key_file=str(key_file), used_tokens_file=str(Path(tmp, "used.sqlite"))
        )
        jupyter = []
        for token in tokens:
            start = time.perf_counter()
            provider.check_token(token, "127.0.0.1")
            jupyter.append(time.perf_counter() - start)
        print("check (Jupyter: PyJWT + rules + used-id store, WAL, synchronous=FULL): " + per_call(jupyter))


if __name__ == "__main__":
    main()
