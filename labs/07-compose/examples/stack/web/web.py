"""The web front: takes jobs from users and shows their results. It keeps no state of
its own; everything lives in the store, which it finds by its service name."""

import json
import os
import signal
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

STORE = os.environ["STORE_URL"]  # http://store:7000: Compose's DNS resolves the service name
TOKEN = Path(os.environ.get("TOKEN_FILE", "/run/secrets/store_token")).read_text().strip()


def store(method: str, path: str, body: str | None = None) -> str:
    request = urllib.request.Request(
        STORE + path,
        data=None if body is None else body.encode(),
        method=method,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read().decode()


class Handler(BaseHTTPRequestHandler):
    def reply(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/healthz":
            return self.reply(200, "ok\n")
        jobs = json.loads(store("GET", "/jobs"))
        done = [j for j in jobs if j["status"] == "done"]
        lines = [f"{len(jobs)} job(s), {len(done)} done"]
        lines += [f"  #{j['id']} {j['text']!r} -> {j['result']}" for j in done]
        self.reply(200, "\n".join(lines) + "\n")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        text = parse_qs(url.query).get("text", [""])[0]
        if url.path != "/jobs" or not text:
            return self.reply(400, "POST /jobs?text=...\n")
        self.reply(201, f"queued job {store('POST', '/jobs', text).strip()}\n")

    def log_message(self, fmt: str, *args: object) -> None:
        if "/healthz" not in self.path:  # the healthcheck asks every 2 s: keep the log readable
            sys.stderr.write(f"web: {fmt % args}\n")


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(f"web: listening on :8000, store at {STORE}", flush=True)
ThreadingHTTPServer(("", 8000), Handler).serve_forever()
