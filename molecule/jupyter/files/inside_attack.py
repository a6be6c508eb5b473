"""The notebook user's attempts at a way in that needs no presigned URL, run in a kernel.

Prints one JSON object: what could be read, what could be planted, what the server's process let
through. The verify playbook then restarts Jupyter and checks from outside that nothing planted
here opens a session.
"""

import ctypes
import json
import os
import pwd
import site
import subprocess

HOME = os.path.expanduser("~")
SERVER = os.getppid()  # the kernel's parent: the Jupyter server
result = {"read": {}, "proc": {}, "planted": {}, "pinned_writable": {}}


def try_read(path: str) -> str:
    """READ when the first byte of `path` could be read, else the error's name."""
    try:
        with open(path, "rb") as handle:
            handle.read(1)
        return "READ"
    except OSError as exc:
        return type(exc).__name__


for path in [
    "/etc/sagebox/notebook-instance/presign-key.pem",
    "/etc/sagebox/jupyter/tls/jupyter.key",
    "/run/jupyter-server-secrets/handover",
    "/run/jupyter-server-secrets/session-secret",
]:
    result["read"][path] = try_read(path)

for name in ["mem", "environ", "fd/0", "fd/3", "maps", "cmdline"]:
    result["proc"][name] = try_read("/proc/%d/%s" % (SERVER, name))
try:
    result["proc"]["fd listing"] = "READ %d" % len(os.listdir("/proc/%d/fd" % SERVER))
except OSError as exc:
    result["proc"]["fd listing"] = type(exc).__name__
libc = ctypes.CDLL(None, use_errno=True)
result["proc"]["ptrace attach"] = "ATTACHED" if libc.ptrace(16, SERVER, 0, 0) == 0 else os.strerror(ctypes.get_errno())
pidfd = libc.syscall(434, SERVER, 0)  # pidfd_open
grabbed = libc.syscall(438, pidfd, 0, 0) if pidfd >= 0 else -1  # pidfd_getfd: the server's stdin
result["proc"]["pidfd_getfd"] = "GOT FD" if grabbed >= 0 else os.strerror(ctypes.get_errno())
result["user"] = pwd.getpwuid(os.getuid()).pw_name
with open("/proc/self/status") as handle:
    result["no_new_privs"] = [line.split()[1] for line in handle if line.startswith("NoNewPrivs")][0]
sudo = subprocess.run(["sudo", "-n", "true"], capture_output=True, text=True, check=False)
result["sudo"] = {"rc": sudo.returncode, "stderr": sudo.stderr.strip()}

EXTENSION = '''
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.auth.decorator import allow_unauthenticated
class Open(JupyterHandler):
    @allow_unauthenticated
    def get(self):
        self.finish("planted-open")
def _load_jupyter_server_extension(app):
    app.web_app.add_handlers(".*", [("/planted", Open)])
def _jupyter_server_extension_points():
    return [{"module": "sagebox_planted"}]
'''
FAKE_JWT = "def decode(*a, **k):\n    return {}\nclass PyJWTError(Exception):\n    pass\n"
CONFIG_PY = (
    'c.ServerApp.identity_provider_class = "jupyter_server.auth.identity.PasswordIdentityProvider"\n'
    'c.IdentityProvider.token = "planted-token"\n'
    'c.ServerApp.allow_unauthenticated_access = True\n'
    'c.ServerApp.jpserver_extensions = {"sagebox_planted": True}\n'
)
CONFIG_JSON = json.dumps({
    "ServerApp": {"allow_unauthenticated_access": True, "jpserver_extensions": {"sagebox_planted": True},
                  "identity_provider_class": "jupyter_server.auth.identity.PasswordIdentityProvider"},
    "IdentityProvider": {"token": "planted-token"},
})
MARKER = "import os, sys; open(os.path.expanduser('~/planted-pth-ran'), 'a').write(' '.join(sys.argv) + '\\n')\n"
user_site = site.getusersitepackages()
plants = {
    HOME + "/.jupyter/jupyter_server_config.py": CONFIG_PY,
    HOME + "/.jupyter/jupyter_server_config.json": CONFIG_JSON,
    HOME + "/.jupyter/jupyter_config.json": CONFIG_JSON,
    HOME + "/.jupyter/jupyter_server_config.d/planted.json": CONFIG_JSON,
    HOME + "/.local/etc/jupyter/jupyter_server_config.json": CONFIG_JSON,
    HOME + "/planted-config/jupyter_server_config.json": CONFIG_JSON,
    HOME + "/.local/share/jupyter/jupyter_server_config.json": CONFIG_JSON,
    user_site + "/sagebox_planted.py": EXTENSION,
    user_site + "/jwt/__init__.py": FAKE_JWT,
    user_site + "/planted.pth": MARKER,
    HOME + "/planted-path/sagebox_planted.py": EXTENSION,
    HOME + "/planted-path/jwt/__init__.py": FAKE_JWT,
    HOME + "/SageMaker/jwt.py": FAKE_JWT,
    HOME + "/SageMaker/sagebox_planted.py": EXTENSION,
    HOME + "/.config/environment.d/planted.conf": "JUPYTER_CONFIG_PATH=%s/planted-config\nPYTHONPATH=%s/planted-path\n"
    % (HOME, HOME),
    HOME + "/.pam_environment": "JUPYTER_CONFIG_PATH DEFAULT=%s/planted-config\nPYTHONPATH DEFAULT=%s/planted-path\n"
    % (HOME, HOME),
    HOME + "/.profile": open(HOME + "/.profile").read()
    + "export JUPYTER_CONFIG_PATH=%s/planted-config PYTHONPATH=%s/planted-path\n" % (HOME, HOME),
}
for path, content in plants.items():
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(content)
    result["planted"][path] = "written"

# Where the server does read from: none of it may be the user's to write.
for directory in ["/etc/sagebox/jupyter", "/etc/sagebox/jupyter/config", "/etc/sagebox/jupyter/data",
                  "/opt/sagebox/anaconda3/envs/JupyterSystemEnv/lib", "/etc/jupyter", "/usr/local/etc/jupyter",
                  "/usr/local/share/jupyter", "/etc/systemd/system"]:
    try:
        os.makedirs(directory, exist_ok=True)
        probe = os.path.join(directory, ".planted")
        with open(probe, "w") as handle:
            handle.write("x")
        os.unlink(probe)
        result["pinned_writable"][directory] = "WRITABLE"
    except OSError as exc:
        result["pinned_writable"][directory] = type(exc).__name__

print(json.dumps(result))
