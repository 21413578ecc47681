"""The web front on port 8000: queues jobs in the store and shows what the worker did.

GET /         the queue and the last results (it needs the store)
GET /healthz  the web process itself, without the store
POST /jobs?text=...  queue a job; needs `Authorization: Bearer <token>`

The token is read from the file Compose mounts for the `api_token` secret, and only if
there is none, from $API_TOKEN.
"""

import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from store import Store, StoreError

TOKEN_FILE = Path(os.environ.get("API_TOKEN_FILE", "/run/secrets/api_token"))
TOKEN = TOKEN_FILE.read_text().strip() if TOKEN_FILE.is_file() else os.environ.get("API_TOKEN", "")


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
        if self.path != "/":
            return self.reply(404, "not found\n")
        try:
            with Store() as store:
                queued = store.call("LLEN", "jobs")
                done = store.call("LRANGE", "done", 0, 9) or []
                seen = store.call("GET", "worker:seen")
        except StoreError as e:  # the store is not up (yet): say so, do not crash
            return self.reply(503, f"the store is not available: {e}\n")
        lines = [f"{queued} job(s) queued; worker last seen: {seen or 'never'}"]
        lines += [f"  done: {item}" for item in done] if isinstance(done, list) else []
        self.reply(200, "\n".join(lines) + "\n")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        text = parse_qs(url.query).get("text", [""])[0]
        if url.path != "/jobs" or not text:
            return self.reply(400, "POST /jobs?text=...\n")
        if not TOKEN or self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.reply(401, "missing or wrong token\n")
        try:
            with Store() as store:
                length = store.call("RPUSH", "jobs", text)
        except StoreError as e:
            return self.reply(503, f"the store is not available: {e}\n")
        self.reply(202, f"queued; {length} job(s) waiting\n")

    def log_message(self, fmt: str, *args: object) -> None:
        if self.path != "/healthz":
            sys.stderr.write(f"web: {fmt % args}\n")


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(f"web: listening on :8000 (a token {'is' if TOKEN else 'is NOT'} set)", flush=True)
ThreadingHTTPServer(("", 8000), Handler).serve_forever()
