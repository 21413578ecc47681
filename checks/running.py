"""One running container of the graded image, as runtime goals see it: no Docker client,
only what a goal may ask of a running app (lab 12's production goals use it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks.engine import CommandResult, Engine, ProbeResult


@dataclass
class LiveApp:
    """The app's container and what can be asked of it. ``problem`` is set, and nothing
    else works, when the container could not even start."""

    engine: Engine
    container: Any
    port: int
    probe_image: str
    problem: str = ""

    def get(self, path: str, within_s: float) -> ProbeResult:
        """GET ``path`` over the container's own loopback, retrying for ``within_s``."""
        return self.engine.probe_http(self.container, self.port, path, within_s, self.probe_image)

    def run(self, argv: list[str]) -> CommandResult:
        return self.engine.exec_in(self.container, argv)

    def state(self) -> dict[str, Any]:
        return self.engine.container_state(self.container)

    def logs(self) -> str:
        return self.engine.container_logs(self.container)

    def stop(self, timeout_s: int) -> float:
        return self.engine.stop_container(self.container, timeout_s)

    def files_containing(self, text: str) -> list[str]:
        return self.engine.files_containing(self.container, text.encode())
