"""Shelf: a tiny reading-list service, written to be run in production the right way.

What the lab's Dockerfiles depend on:

- ``GET /`` answers with a line about the shelf; ``GET /healthz`` answers ``ok``.
- ``GET /report`` builds the shelf's in-memory page cache the first time it is asked,
  then reports on it. The cache is ``CACHE_MB`` megabytes when that is set, and
  otherwise a quarter of the memory limit the container runs under (read from its
  cgroup), so the same image fits a small container and a large one.
- One log line per request, on stdout, as JSON. The app never opens a log file.
- SIGTERM stops it gracefully: it stops accepting, lets the requests in flight finish,
  and exits 0.
- ``python server.py --check`` asks the running server for /healthz and exits 0 or 1,
  so a HEALTHCHECK needs no curl or wget in the image.

It never calls wait() for processes it did not start: reaping orphans is PID 1's job,
and in a container PID 1 should be an init, not this server.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PORT = int(os.environ.get("PORT", "8080"))
BOOKS = ("The Left Hand of Darkness", "Piranesi", "A Wizard of Earthsea", "Kindred", "Solaris")
MB = 1024 * 1024
# Where a container's memory limit lives: cgroup v2 first, then v1.
CGROUP_LIMIT_FILES = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def log(message: str, **fields: object) -> None:
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "msg": message, **fields}
    print(json.dumps(record), flush=True)


def memory_limit_bytes() -> int | None:
    """The cgroup's memory limit, or None when the container has none."""
    for name in CGROUP_LIMIT_FILES:
        try:
            text = Path(name).read_text().strip()
        except OSError:
            continue
        # v2 says "max" for no limit; v1 says a huge number close to 2**63.
        if text.isdigit() and int(text) < 1 << 60:
            return int(text)
        return None
    return None


def cache_size_mb() -> int:
    configured = os.environ.get("CACHE_MB", "").strip()
    if configured:
        return int(configured)
    limit = memory_limit_bytes()
    return max(1, (limit // 4) // MB) if limit else 64


class PageCache:
    """Pages of the shelf's books, held in memory once built. Every byte is written, so
    the memory is really resident, not just reserved."""

    def __init__(self) -> None:
        self._pages: list[bytearray] = []
        self._lock = threading.Lock()

    def ensure(self) -> int:
        with self._lock:
            if not self._pages:
                pattern = "".join(BOOKS).encode()
                for _ in range(cache_size_mb()):
                    page = bytearray(MB)
                    page[:] = (pattern * (MB // len(pattern) + 1))[:MB]
                    self._pages.append(page)
            return len(self._pages)


CACHE = PageCache()


class ShelfHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        started = time.perf_counter()
        route = self.path.split("?", 1)[0]
        if route == "/":
            next_up = BOOKS[int(time.time()) % len(BOOKS)]
            status, body = 200, f"shelf: {len(BOOKS)} books, next up: {next_up}\n"
        elif route == "/healthz":
            status, body = 200, "ok\n"
        elif route == "/report":
            pages = CACHE.ensure()
            status, body = 200, f"page cache: {pages} MB for {len(BOOKS)} books\n"
        else:
            status, body = 404, "not on this shelf\n"
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        log("request", method="GET", path=self.path, status=status,
            ms=round((time.perf_counter() - started) * 1000, 1))

    def log_message(self, format: str, *args: object) -> None:
        pass  # http.server's own lines go to stderr unstructured; do_GET logs each request


def check() -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as answer:
            return 0 if answer.status == 200 else 1
    except OSError:
        return 1


def serve() -> None:
    server = ThreadingHTTPServer(("", PORT), ShelfHandler)
    server.daemon_threads = False  # server_close() then waits for requests in flight

    def on_sigterm(signum: int, frame: object) -> None:
        log("signal received, draining", signal=signum)
        # shutdown() waits for serve_forever() to return, which runs in this very thread.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, on_sigterm)
    log("listening", port=PORT, pid=os.getpid(), cache_mb=cache_size_mb())
    server.serve_forever()
    server.server_close()
    log("stopped cleanly")


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    serve()
