"""Errors that stop grading. Each one carries what the student needs to act on it.

Only ``checks.engine`` catches docker-py's own exceptions; it re-raises them as one of
these, ``from`` the original, so that nothing else needs to know docker-py's types.
"""

from __future__ import annotations

from pathlib import Path


class CheckError(Exception):
    """Grading could not happen. The CLI prints it and exits 2."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint

    @property
    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else str(self.path)


class DockerfileError(CheckError):
    """The Dockerfile cannot be read or does not make sense before any build."""


class LabError(CheckError):
    """A lab folder or its lab.toml is missing or invalid."""


class EngineUnavailable(CheckError):
    """No Docker engine answers, or it went away."""


class ImageUnavailable(CheckError):
    """A base image is missing and could be neither pulled nor built as a stand-in."""


class NeedsBuildKit(CheckError):
    """The exercise needs BuildKit and this machine offers only the legacy builder."""


class BuildFailed(CheckError):
    """The engine refused to build for a reason that is not the student's RUN step."""

    def __init__(self, reason: str, log: str, **kwargs: object) -> None:
        super().__init__(reason, **kwargs)  # type: ignore[arg-type]
        self.reason = reason
        self.log = log


class Timeout(CheckError):
    """A build or a container ran past its limit and was stopped."""
