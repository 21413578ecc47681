"""Just enough of the Redis protocol (RESP) to talk to the store, with the standard library.

A command goes out as an array of bulk strings; a reply is one line whose first byte says
what it is (+ simple string, - error, : integer, $ bulk string, * array).
"""

from __future__ import annotations

import os
import socket

HOST = os.environ.get("REDIS_HOST", "redis")  # the service name: Compose's DNS resolves it
PORT = int(os.environ.get("REDIS_PORT", "6379"))

Reply = str | int | None | list["Reply"]


class StoreError(Exception):
    """The store answered with an error, or could not be reached."""


class Store:
    def __init__(self, timeout: float = 5) -> None:
        try:
            self.conn = socket.create_connection((HOST, PORT), timeout=timeout)
        except OSError as e:
            raise StoreError(f"cannot reach the store at {HOST}:{PORT}: {e}") from e
        self.reader = self.conn.makefile("rb")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.reader.close()
        self.conn.close()

    def call(self, *args: str | int) -> Reply:
        parts = [str(a).encode() for a in args]
        message = b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)
        try:
            self.conn.sendall(message)
            return self._reply()
        except OSError as e:
            raise StoreError(f"lost the store at {HOST}:{PORT}: {e}") from e

    def _reply(self) -> Reply:
        line = self.reader.readline()
        if not line:
            raise StoreError("the store closed the connection")
        kind, rest = line[:1], line[1:].rstrip(b"\r\n").decode()
        if kind == b"+":
            return rest
        if kind == b"-":
            raise StoreError(rest)
        if kind == b":":
            return int(rest)
        if kind == b"$":
            if rest == "-1":
                return None
            data = self.reader.read(int(rest) + 2)
            return data[:-2].decode()
        if kind == b"*":
            return None if rest == "-1" else [self._reply() for _ in range(int(rest))]
        raise StoreError(f"unexpected reply {line!r}")
