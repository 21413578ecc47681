"""The API: an HTTP server on port 8080 that counts its visits in the db.

It finds the db by the name in $DB_HOST. On a user-defined network, Docker's embedded DNS
server answers for every container's name, so that name is all it needs.
"""

import os
import signal
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB_HOST = os.environ.get("DB_HOST", "db")
DB_PORT = int(os.environ.get("DB_PORT", "6000"))


def db(command: str) -> str:
    with socket.create_connection((DB_HOST, DB_PORT), timeout=3) as conn:
        conn.sendall(f"{command}\n".encode())
        return conn.makefile().readline().strip()


class Handler(BaseHTTPRequestHandler):
    def reply(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/healthz":  # the API itself, without the db
            return self.reply(200, "ok\n")
        if self.path != "/":
            return self.reply(404, "not found\n")
        try:
            visits = db("INCR visits")
        except OSError as e:  # the name does not resolve, or nothing listens there
            return self.reply(502, f"cannot reach the db at {DB_HOST}:{DB_PORT}: {e}\n")
        self.reply(200, f"hello from the api: visit #{visits}, counted by the db at {DB_HOST}\n")

    def log_message(self, fmt: str, *args: object) -> None:
        sys.stderr.write(f"api: {fmt % args}\n")


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(f"api: listening on :8080, db at {DB_HOST}:{DB_PORT}", flush=True)
ThreadingHTTPServer(("", 8080), Handler).serve_forever()
