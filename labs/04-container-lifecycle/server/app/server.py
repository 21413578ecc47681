"""A small counter service for lab 04: GET / counts a visit, GET /healthz says whether it is up.

It shuts down on SIGTERM the way a real server should: it stops taking requests, lets the
one in flight finish, writes a last log line and exits with code 0.
"""

import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8080"))
STARTED = time.monotonic()
visits = 0
lock = threading.Lock()


class Counter(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        global visits
        if self.path == "/healthz":
            self.reply(200, "ok\n")
            return
        if self.path != "/":
            self.reply(404, "no such page\n")
            return
        with lock:
            visits += 1
            count = visits
        self.reply(200, f"visit {count}, up {time.monotonic() - STARTED:.1f} s, pid {os.getpid()}\n")

    def reply(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # health probes every few seconds would drown the log


server = ThreadingHTTPServer(("0.0.0.0", PORT), Counter)


def on_sigterm(signum: int, _frame: object) -> None:
    print(f"got {signal.Signals(signum).name} after {visits} visit(s): draining", flush=True)
    # shutdown() waits for serve_forever() to return, and that loop runs in this very
    # thread: ask from another one, or the handler would wait for itself forever.
    threading.Thread(target=server.shutdown).start()


signal.signal(signal.SIGTERM, on_sigterm)
print(f"pid {os.getpid()} listening on :{PORT}", flush=True)
server.serve_forever()
server.server_close()
print("stopped cleanly", flush=True)
