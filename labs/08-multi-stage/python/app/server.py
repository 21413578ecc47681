"""A one-page status server: the standard library serves it, psutil fills it in.

psutil is the only dependency, and its core is a C extension, so building it from
source needs a compiler that the running server never uses.
"""

from __future__ import annotations

import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psutil

PORT = int(os.environ.get("PORT", "8080"))


def status_text() -> str:
    me = psutil.Process()
    memory = psutil.virtual_memory()
    return "\n".join(
        [
            f"Hello from a container, measured by psutil {psutil.__version__}.",
            f"This server is pid {me.pid} and runs as uid {os.getuid()}.",
            f"It uses {me.memory_info().rss / 1e6:.1f} MB of memory in {me.num_threads()} threads.",
            f"It sees {psutil.cpu_count()} CPUs and {memory.total / 1e9:.1f} GB of memory.",
            "",
        ]
    )


class StatusHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/":
            self.send_error(404, "only / is served here")
            return
        body = status_text().encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    # As PID 1 in a container, Python would ignore SIGTERM: exit on it so `docker stop`
    # does not have to wait ten seconds and kill us.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = ThreadingHTTPServer(("", PORT), StatusHandler)
    print(f"serving on port {PORT}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
