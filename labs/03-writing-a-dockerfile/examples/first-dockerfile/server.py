"""A tiny HTTP greeter: the app that chapter 3's Dockerfile packages.

Standard library only, so the image needs nothing from a package index.
"""

import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8080"))
VERSION = os.environ.get("APP_VERSION", "unknown")


class Greeter(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"hello from greeter {VERSION}, running as uid {os.getuid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        print(f"{self.address_string()} {format % args}", flush=True)


def stop(signum: int, _frame: object) -> None:
    # docker stop sends SIGTERM first. Exiting here means a clean, fast stop;
    # ignoring it means Docker waits out its timeout and then sends SIGKILL.
    print(f"greeter got signal {signum}, shutting down", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop)
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Greeter)
    print(f"greeter {VERSION} listening on :{PORT}", flush=True)
    server.serve_forever()
