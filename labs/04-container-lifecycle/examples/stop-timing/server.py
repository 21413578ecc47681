"""A tiny HTTP server that says which process it is and shuts down cleanly on SIGTERM.

Chapter 4 runs it four ways to measure how long `docker stop` takes.
"""

import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT = int(os.environ.get("PORT", "8080"))


class Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"hello from pid {os.getpid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def stop(signum: int, _frame: object) -> None:
    # Leaving serve_forever() through SystemExit runs the `finally` below:
    # this is where a real server would finish requests and close connections.
    print(f"pid {os.getpid()}: got {signal.Signals(signum).name}, shutting down", flush=True)
    sys.exit(0)


if os.environ.get("HANDLE_SIGTERM", "1") == "1":
    signal.signal(signal.SIGTERM, stop)

server = HTTPServer(("0.0.0.0", PORT), Hello)
print(f"pid {os.getpid()}: listening on :{PORT}", flush=True)
try:
    server.serve_forever()
finally:
    server.server_close()
    print(f"pid {os.getpid()}: closed", flush=True)
