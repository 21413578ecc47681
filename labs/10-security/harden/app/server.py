"""A greeter that counts its visits, on Python's standard library only.

It reads the banner that fetch.py made at build time, and keeps its visit counter in
$STATE_DIR, which it creates on start. Port 8080.
"""

from __future__ import annotations

import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
BANNER = HERE / "vendor" / "banner.txt"
STATE_DIR = Path(os.environ.get("STATE_DIR", "/var/lib/greeter"))


def visits() -> int:
    counter = STATE_DIR / "visits"
    count = int(counter.read_text() or 0) + 1 if counter.exists() else 1
    counter.write_text(str(count))
    return count


class Greeter(BaseHTTPRequestHandler):
    banner = ""

    def do_GET(self) -> None:
        if self.path != "/":
            self.send_error(404)
            return
        body = (f"Hello from a hardened container (uid {os.getuid()}), visit {visits()}\n"
                f"{self.banner}").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> int:
    if not BANNER.is_file():
        print(f"{BANNER} is missing: the image must run fetch.py at build time", file=sys.stderr)
        return 1
    Greeter.banner = BANNER.read_text(encoding="utf-8")
    try:
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        (STATE_DIR / "visits").write_text("0")
    except OSError as e:
        # Say which path, at once: a read-only root filesystem or a non-root user ends here.
        print(f"cannot keep state in {STATE_DIR}: {e.strerror}; point STATE_DIR at a writable "
              "place (a tmpfs or a volume)", file=sys.stderr)
        return 1
    print(f"listening on :8080, state in {STATE_DIR}", flush=True)
    ThreadingHTTPServer(("", 8080), Greeter).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
