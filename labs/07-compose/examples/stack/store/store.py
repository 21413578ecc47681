"""The store: a tiny job queue over HTTP, kept in one JSON file on a volume.

It stands in for the database of a real stack. Every request except /healthz must carry
the token that Compose mounts at /run/secrets/store_token.
"""

import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(os.environ.get("DATA_DIR", "/data")) / "jobs.json"
TOKEN = Path(os.environ.get("TOKEN_FILE", "/run/secrets/store_token")).read_text().strip()
LOCK = threading.Lock()


def load() -> list:
    return json.loads(DATA.read_text()) if DATA.exists() else []


def save(jobs: list) -> None:
    # Write a new file, then rename it over the old one: a crash never leaves half a file.
    tmp = DATA.with_suffix(".tmp")
    tmp.write_text(json.dumps(jobs))
    tmp.replace(DATA)


class Handler(BaseHTTPRequestHandler):
    def reply(self, status: int, body: str = "", kind: str = "text/plain") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def allowed(self) -> bool:
        if self.headers.get("Authorization") == f"Bearer {TOKEN}":
            return True
        self.reply(401, "missing or wrong token\n")
        return False

    def body(self) -> str:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()

    def do_GET(self) -> None:
        if self.path == "/healthz":
            return self.reply(200, "ok\n")
        if self.path == "/jobs" and self.allowed():
            with LOCK:
                return self.reply(200, json.dumps(load()), "application/json")
        if self.path != "/jobs":
            self.reply(404, "not found\n")

    def do_POST(self) -> None:
        if not self.allowed():
            return
        with LOCK:
            jobs = load()
            if self.path == "/jobs":
                jobs.append({"id": len(jobs) + 1, "text": self.body(), "status": "queued"})
                save(jobs)
                return self.reply(201, f"{len(jobs)}\n")
            if self.path == "/claim":  # hand the oldest queued job to a worker, as "id<TAB>text"
                job = next((j for j in jobs if j["status"] == "queued"), None)
                if job is None:
                    return self.reply(200, "")
                job["status"] = "working"
                save(jobs)
                return self.reply(200, f"{job['id']}\t{job['text']}")
            if self.path.startswith("/done/"):
                job = jobs[int(self.path.removeprefix("/done/")) - 1]
                job.update(status="done", result=self.body().strip())
                save(jobs)
                return self.reply(200, "ok\n")
        self.reply(404, "not found\n")

    def log_message(self, fmt: str, *args: object) -> None:
        if "/healthz" not in self.path and "/claim" not in self.path:  # polled every few seconds
            sys.stderr.write(f"store: {fmt % args}\n")


# PID 1 in a container gets no default signal handlers: without this, `docker-compose
# down` waits its full grace period and then kills the process.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(f"store: {len(load())} job(s) in {DATA}", flush=True)
ThreadingHTTPServer(("", 7000), Handler).serve_forever()
