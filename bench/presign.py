"""Benchmark presigned URLs: token signing (the module side, stdlib) and checking (the
Jupyter side, PyJWT, with its used-token store on disk). Prints per-call figures.

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
    key = os.urandom(32).hex().encode()

    sign, tokens = [], []
    while len(tokens) < args.calls:
        start = time.perf_counter()
        tokens.append(pt.encode(pt.make_claims("bench-nb", int(time.time()), 43200), key))
        sign.append(time.perf_counter() - start)
    print("sign (module_utils, stdlib HS256):      " + per_call(sign))

    now = int(time.time())
    check = []
    for token in tokens:
        start = time.perf_counter()
        pt.decode(token, key, "bench-nb", now)
        check.append(time.perf_counter() - start)
    print("check (module_utils decode):           " + per_call(check))

    try:
        spec = importlib.util.spec_from_file_location("auth", ROOT / "roles/jupyter/files/sagebox_jupyter_auth.py")
        auth = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(auth)
    except ImportError as exc:
        print("check (Jupyter side): skipped, %s" % exc)
        return
    with tempfile.TemporaryDirectory() as tmp:
        key_file = Path(tmp, "signing-key")
        key_file.write_bytes(key)
        provider = auth.PresignedUrlIdentityProvider(
            instance_name="bench-nb", signing_key_file=str(key_file), used_tokens_file=str(Path(tmp, "used.sqlite"))
        )
        jupyter = []
        for token in tokens:
            start = time.perf_counter()
            provider.check_token(token, "127.0.0.1")
            jupyter.append(time.perf_counter() - start)
        print("check (Jupyter: PyJWT + used-id store): " + per_call(jupyter))


if __name__ == "__main__":
    main()
