"""Write the wheel of a one-handler Jupyter Server extension, sagebox_probe (GET /sagebox-probe).

    python3 probe_extension.py DIRECTORY

A wheel is a zip archive; this one is made without a build backend, as the test hosts have no index
to fetch one from. pip-installed into Jupyter's environment, its config file (under the wheel's data,
etc/jupyter/jupyter_server_config.d/) enables it at the next start of the server.
"""

import base64
import hashlib
import json
import sys
import zipfile

NAME, VERSION = "sagebox_probe", "0.1"
MODULE = '''"""A Jupyter Server extension for the kernels scenario: GET /sagebox-probe answers who serves it."""
import os
from jupyter_server.base.handlers import JupyterHandler
from tornado import web


class ProbeHandler(JupyterHandler):
    @web.authenticated
    def get(self):
        self.finish({"probe": "sagebox_probe", "pid": os.getpid()})


def _jupyter_server_extension_points():
    return [{"module": "sagebox_probe"}]


def _load_jupyter_server_extension(serverapp):
    base = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*$", [(base.rstrip("/") + "/sagebox-probe", ProbeHandler)])
'''
FILES = {
    "sagebox_probe/__init__.py": MODULE,
    "%s-%s.data/data/etc/jupyter/jupyter_server_config.d/sagebox_probe.json" % (NAME, VERSION):
        json.dumps({"ServerApp": {"jpserver_extensions": {"sagebox_probe": True}}}) + "\n",
    "%s-%s.dist-info/METADATA" % (NAME, VERSION): "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (NAME, VERSION),
    "%s-%s.dist-info/WHEEL" % (NAME, VERSION):
        "Wheel-Version: 1.0\nGenerator: probe_extension.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}


def digest(text: str) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()


def main() -> None:
    path = "%s/%s-%s-py3-none-any.whl" % (sys.argv[1], NAME, VERSION)
    record = "%s-%s.dist-info/RECORD" % (NAME, VERSION)
    lines = ["%s,%s,%d" % (name, digest(text), len(text.encode())) for name, text in FILES.items()] + [record + ",,"]
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in FILES.items():
            wheel.writestr(name, text)
        wheel.writestr(record, "\n".join(lines) + "\n")
    print(path)


if __name__ == "__main__":
    main()
