"""What the app says: plain functions, so the tests need neither a server nor Bottle."""

from __future__ import annotations

import platform


def greeting(name: str | None = None) -> str:
    """A greeting for ``name``, or for the world when no one is named."""
    who = (name or "").strip() or "world"
    return f"Hello, {who}! This page was served by a container.\n"


def about(bottle_version: str) -> dict[str, str]:
    """What the app runs on: shown at /about, and handy when comparing base images."""
    return {"python": platform.python_version(), "bottle": bottle_version}
