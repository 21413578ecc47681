"""A small quote-of-the-day server. Like many development servers, it listens on
127.0.0.1 unless LISTEN_HOST says otherwise: safe on a laptop, and out of reach of
everything but the container itself once it runs in one."""

import os
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUOTES = (
    "Collect the evidence before you change anything.",
    "Change one thing, then run it again.",
    "The exit code is the first clue.",
)


class Quote(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = (QUOTES[date.today().toordinal() % len(QUOTES)] + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    host = os.environ.get("LISTEN_HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8080"))
    print(f"quotes: listening on {host}:{port}", flush=True)
    ThreadingHTTPServer((host, port), Quote).serve_forever()
