"""A small web app on Bottle: / greets, /about says what it runs on.

It listens on the port in $PORT, 8080 unless told otherwise, on every interface, so
that it can be reached from outside its container.
"""

from __future__ import annotations

import os
import signal
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

import bottle
from greeting import about, greeting

PORT = int(os.environ.get("PORT", "8080"))
app = bottle.Bottle()


@app.get("/")
def index() -> str:
    bottle.response.content_type = "text/plain; charset=utf-8"
    return greeting(bottle.request.query.getunicode("name"))


@app.get("/about")
def about_page() -> dict[str, str]:
    return about(bottle.__version__)  # Bottle sends a dict as JSON


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        print(f"{self.address_string()} {format % args}", flush=True)


def stop(signum: int, _frame: object) -> None:
    # docker stop sends SIGTERM to PID 1. This handler only runs if python *is* PID 1:
    # with a shell-form CMD the shell gets the signal and python never hears of it.
    print(f"got signal {signum}, shutting down", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop)
    with make_server("0.0.0.0", PORT, app, handler_class=QuietHandler) as server:
        print(f"listening on :{PORT} with Bottle {bottle.__version__}", flush=True)
        server.serve_forever()
