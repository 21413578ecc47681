"""A tiny HTTP app. Like many frameworks' development servers, it listens on
127.0.0.1 unless told otherwise (HOST), which is safe on a laptop and useless in
a container."""

import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello from inside the container\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


host = os.environ.get("HOST", "127.0.0.1")
port = int(os.environ.get("PORT", "8080"))
print(f"listening on {host}:{port}", flush=True)
HTTPServer((host, port), Hello).serve_forever()
