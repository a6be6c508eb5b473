"""Run in a kernel, as the notebook user: leave a listener behind that waits for Jupyter's port,
then stop the Jupyter server. The verify playbook checks from outside that the listener died with
Jupyter's unit and that the port is Jupyter's again."""

import os
import signal
import subprocess
import sys

LISTENER = '''
import socket, sys, time
deadline = time.time() + 120
while time.time() < deadline:
    try:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("0.0.0.0", 8443))
        server.listen()
        break
    except OSError:
        time.sleep(0.05)
else:
    sys.exit()
while True:
    client, _ = server.accept()
    client.sendall(b"HTTP/1.0 200 OK\\r\\n\\r\\nplanted-listener")
    client.close()
'''
path = os.path.expanduser("~/planted_listener.py")
with open(path, "w") as handle:
    handle.write(LISTENER)
subprocess.Popen([sys.executable, path], start_new_session=True, stdin=subprocess.DEVNULL,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("listener started; stopping the server", flush=True)
os.kill(os.getppid(), signal.SIGTERM)
