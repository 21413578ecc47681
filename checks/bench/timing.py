"""Timing helpers shared by the benchmark's modules."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")


def timed(action: Callable[[], T]) -> tuple[float, T]:
    """Seconds ``action`` took (wall clock), and what it returned."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def ratio(ours: float | None, theirs: float | None) -> float | None:
    """ours ÷ theirs, or None when either is missing or the divisor is not positive."""
    if ours is None or theirs is None or theirs <= 0:
        return None
    return ours / theirs


def interleaved(
    ours: Callable[[], T], theirs: Callable[[], U], runs: int
) -> tuple[list[float], T, list[float], U]:
    """Time two actions in turn, ours then theirs, ``runs`` times each: on a shared machine
    the load drifts, and alternating gives both the same drift. Durations and last results."""
    mine: list[float] = []
    peer: list[float] = []
    for _ in range(max(1, runs)):
        took, our_result = timed(ours)
        mine.append(took)
        took, their_result = timed(theirs)
        peer.append(took)
    return mine, our_result, peer, their_result


def repeat(action: Callable[[], T], runs: int) -> tuple[list[float], T]:
    """Run ``action`` ``runs`` times; every duration, and the last result."""
    seconds: list[float] = []
    result: T | None = None
    for _ in range(max(1, runs)):
        took, result = timed(action)
        seconds.append(took)
    assert result is not None or runs >= 1
    return seconds, result  # type: ignore[return-value]
