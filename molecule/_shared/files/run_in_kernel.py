"""Run code in kernels and commands in terminals through Jupyter Server, as JupyterLab does.

Opens a presigned URL (which starts a session cookie), starts each kernel with the REST API,
sends the code over the kernel's websocket and collects what it prints. Prints one JSON object
per kernel: {"kernel", "status", "stdout", "stderr", "result", "error"}. A job {"terminal": COMMAND}
opens a terminal instead (REST API, terminals websocket), types the command and prints
{"terminal", "stdout", "error"} with what the terminal showed until the command's end marker.

Usage: python run_in_kernel.py PRESIGNED_URL CA_FILE JOBS_JSON
       (JOBS_JSON: [{"kernel", "code"} or {"terminal"}])
Runs with the Jupyter environment's Python (tornado comes with Jupyter Server).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import sys
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

TIMEOUT = 240  # seconds for one kernel to start and run its code


class Session:
    def __init__(self, presigned_url: str, cafile: str) -> None:
        self.netloc = urlsplit(presigned_url).netloc
        self.presigned_url = presigned_url
        self.tls = ssl.create_default_context(cafile=cafile)
        self.cookies: dict[str, str] = {}
        self.http = AsyncHTTPClient()

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"Cookie": "; ".join("%s=%s" % item for item in self.cookies.items())}
        if "_xsrf" in self.cookies:
            headers["X-XSRFToken"] = self.cookies["_xsrf"]
        headers.update(extra or {})
        return headers

    async def fetch(self, url: str, method: str = "GET", body: str | None = None):
        if not url.startswith("https://"):
            url = "https://%s%s" % (self.netloc, url)
        request = HTTPRequest(
            url,
            method=method,
            body=body,
            headers=self.headers({"Content-Type": "application/json"} if body else None),
            follow_redirects=False,
            ssl_options=self.tls,
            request_timeout=TIMEOUT,
        )
        response = await self.http.fetch(request, raise_error=False)
        for header in response.headers.get_list("Set-Cookie"):
            cookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response

    async def login(self) -> None:
        response = await self.fetch(self.presigned_url)
        if response.code != 302:
            raise SystemExit("the presigned URL answered %s, not a redirect into Jupyter" % response.code)
        await self.fetch("/lab")  # sets the _xsrf cookie

    async def run(self, kernel: str, code: str) -> dict:
        outcome = {"kernel": kernel, "status": None, "stdout": "", "stderr": "", "result": None, "error": None}
        response = await self.fetch("/api/kernels", "POST", json.dumps({"name": kernel}))
        if response.code != 201:
            outcome["error"] = "starting the kernel answered %s: %s" % (response.code, response.body[:300])
            return outcome
        kernel_id = json.loads(response.body)["id"]
        session_id = uuid.uuid4().hex
        try:
            socket = await websocket_connect(
                HTTPRequest(
                    "wss://%s/api/kernels/%s/channels?session_id=%s" % (self.netloc, kernel_id, session_id),
                    headers=self.headers(),
                    ssl_options=self.tls,
                    request_timeout=TIMEOUT,
                )
            )
            msg_id = uuid.uuid4().hex
            await socket.write_message(
                json.dumps(
                    {
                        "header": {
                            "msg_id": msg_id,
                            "msg_type": "execute_request",
                            "username": "sagebox-test",
                            "session": session_id,
                            "version": "5.3",
                        },
                        "parent_header": {},
                        "metadata": {},
                        "content": {"code": code, "silent": False, "store_history": False,
                                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                        "channel": "shell",
                        "buffers": [],
                    }
                )
            )
            idle = replied = False
            while not (idle and replied):
                raw = await asyncio.wait_for(socket.read_message(), TIMEOUT)
                if raw is None:
                    outcome["error"] = "the kernel's websocket closed"
                    break
                message = json.loads(raw)
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = message["msg_type"], message["content"]
                if kind == "stream":
                    outcome[content["name"]] += content["text"]
                elif kind == "execute_result":
                    outcome["result"] = content["data"].get("text/plain")
                elif kind == "error":
                    outcome["error"] = "%s: %s" % (content["ename"], content["evalue"])
                elif kind == "status" and content["execution_state"] == "idle":
                    idle = True
                elif kind == "execute_reply":
                    outcome["status"] = content["status"]
                    replied = True
            socket.close()
        finally:
            await self.fetch("/api/kernels/%s" % kernel_id, "DELETE")
        return outcome

    async def terminal(self, command: str) -> dict:
        outcome = {"terminal": command, "stdout": "", "error": None}
        response = await self.fetch("/api/terminals", "POST", "{}")
        if response.code != 200:
            outcome["error"] = "opening a terminal answered %s: %s" % (response.code, response.body[:300])
            return outcome
        name = json.loads(response.body)["name"]
        marker = "end-of-" + uuid.uuid4().hex
        try:
            socket = await websocket_connect(
                HTTPRequest("wss://%s/terminals/websocket/%s" % (self.netloc, name), headers=self.headers(),
                            ssl_options=self.tls, request_timeout=TIMEOUT)
            )
            # The marker is printed split, so that the echo of the typed line does not match it.
            await socket.write_message(json.dumps(["stdin", "%s; echo %s''%s\r" % (command, marker[:4], marker[4:])]))
            while marker not in outcome["stdout"]:
                raw = await asyncio.wait_for(socket.read_message(), TIMEOUT)
                if raw is None:
                    outcome["error"] = "the terminal's websocket closed"
                    break
                message = json.loads(raw)
                if message[0] == "stdout":
                    outcome["stdout"] += message[1]
            socket.close()
        finally:
            await self.fetch("/api/terminals/%s" % name, "DELETE")
        return outcome


async def main(presigned_url: str, cafile: str, jobs: list[dict]) -> None:
    session = Session(presigned_url, cafile)
    await session.login()
    for job in jobs:
        try:
            if "terminal" in job:
                outcome = await session.terminal(job["terminal"])
            else:
                outcome = await session.run(job["kernel"], job["code"])
        except asyncio.TimeoutError:
            outcome = dict(job, status=None, error="no answer in %d s" % TIMEOUT)
        print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
