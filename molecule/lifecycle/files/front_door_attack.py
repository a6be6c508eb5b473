"""As the notebook user, in a kernel, with RootAccess Disabled: rename, replace and link what root and Jupyter use.

Run by verify/front_door.yml through run_in_kernel.py. Prints one JSON object: for each attempt, "done" or the
error's name (EBUSY, EACCES, ...), and what reading each secret gave. Links are planted at every name the samples
refresh and the repositories step write; the verify checks after the next build and start that root followed none.
"""

import errno
import json
import os
import shutil
import sqlite3
import time

HOME = os.path.expanduser("~")
PREFIX = HOME + "/anaconda3"
ROOTS_HELPER = "/usr/local/libexec/sagebox/sagebox-notebook-instance-start"
result = {"user": os.getuid()}


def attempt(name, action):
    try:
        action()
        result[name] = "done"
    except OSError as exc:
        result[name] = errno.errorcode.get(exc.errno, str(exc.errno))


def replace_with_own_tree(path, own):
    """A tree of the user's renamed over `path` (`own` on the same file system, so that only rights can refuse it)."""
    os.makedirs(own + "/bin", exist_ok=True)
    os.rename(own, path)


# The conda prefix and what is in it: a mount point of root's tree, and root's directories.
attempt("rename ~/anaconda3", lambda: os.rename(PREFIX, PREFIX + ".mine"))
attempt("remove ~/anaconda3", lambda: os.rmdir(PREFIX))
attempt("replace ~/anaconda3", lambda: replace_with_own_tree(PREFIX, HOME + "/own-tree"))
attempt("rename JupyterSystemEnv", lambda: os.rename(PREFIX + "/envs/JupyterSystemEnv", PREFIX + "/envs/mine"))
attempt("replace JupyterSystemEnv",
        lambda: replace_with_own_tree(PREFIX + "/envs/JupyterSystemEnv", PREFIX + "/envs/python3/own-tree"))
attempt("write bin/activate", lambda: open(PREFIX + "/bin/activate", "a").close())
attempt("plant in bin", lambda: open(PREFIX + "/bin/planted", "w").close())
attempt("plant in envs", lambda: os.mkdir(PREFIX + "/envs/planted"))
attempt("write JupyterSystemEnv's python", lambda: open(PREFIX + "/envs/JupyterSystemEnv/bin/python", "a").close())
# Their own environment stays theirs: pip into it works.
attempt("write own environment", lambda: open(PREFIX + "/envs/python3/bin/own-tool", "w").close())

# Links at every name the samples refresh writes: a sample deleted, with a link where the refresh once wrote its
# new copy; a sample replaced by a link; links at names a new copy may get. All point at root's helper.
samples = HOME + "/SageMaker/sample_notebooks"
names = sorted(n for n in os.listdir(samples) if n.endswith(".ipynb"))
os.unlink(os.path.join(samples, names[0]))
os.symlink(ROOTS_HELPER, os.path.join(samples, names[0] + ".sagebox-new"))
for number in range(8):
    os.symlink(ROOTS_HELPER, os.path.join(samples, ".%s.sagebox-%012x" % (names[0], number)))
os.unlink(os.path.join(samples, names[1]))
os.symlink(ROOTS_HELPER, os.path.join(samples, names[1]))
result["samples"] = names[:2]
# The repositories step's clone replaced by a link to root's helpers.
shutil.rmtree(HOME + "/SageMaker/team-notebooks")
os.symlink(os.path.dirname(ROOTS_HELPER), HOME + "/SageMaker/team-notebooks")

# The session store is the server's, so the user's: a row for a session no URL opened.
with sqlite3.connect("/var/lib/sagebox-jupyter/used-tokens.sqlite") as db:
    db.execute("INSERT OR REPLACE INTO sessions (sid, expires) VALUES (?, ?)", ("forged-session", int(time.time()) + 3600))

for path in ["/etc/sagebox/notebook-instance/presign-key.pem", "/etc/sagebox/jupyter/tls/jupyter.key",
             "/run/jupyter-server-secrets/session-secret", "/run/jupyter-server-secrets/handover"]:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
        result["read " + path] = "READ"
    except OSError as exc:
        result["read " + path] = errno.errorcode.get(exc.errno, str(exc.errno))
print(json.dumps(result))
