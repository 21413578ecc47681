"""The db: a counter store speaking one line per command over TCP on port 6000.

    INCR name  ->  the new value        GET name  ->  the value (0 if unset)
    PING       ->  PONG

It stands in for a real database: something the API needs, and nobody else should reach.
"""

import signal
import socketserver
import sys
import threading

COUNTERS: dict[str, int] = {}
LOCK = threading.Lock()


class Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        for raw in self.rfile:
            words = raw.decode(errors="replace").split()
            if not words:
                continue
            command, args = words[0].upper(), words[1:]
            with LOCK:
                if command == "PING":
                    answer = "PONG"
                elif command == "INCR" and len(args) == 1:
                    COUNTERS[args[0]] = COUNTERS.get(args[0], 0) + 1
                    answer = str(COUNTERS[args[0]])
                elif command == "GET" and len(args) == 1:
                    answer = str(COUNTERS.get(args[0], 0))
                else:
                    answer = "ERR unknown command"
            self.wfile.write(f"{answer}\n".encode())


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


# PID 1 in a container gets no default signal handlers: without this, `docker stop`
# waits its whole grace period and then kills the process.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("db: listening on :6000", flush=True)
Server(("", 6000), Handler).serve_forever()
