"""Native BuildKit (Docker 20.10) builds take turns on a machine: concurrent builds that
share steps can panic the daemon (moby/moby#42414)."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest

from checks import engine


def test_a_second_build_waits_for_the_first_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    said: list[str] = []
    entered = threading.Event()

    def second() -> None:
        with engine._buildkit_turn(said.append):
            entered.set()

    with engine._buildkit_turn(None):
        waiting = threading.Thread(target=second)
        waiting.start()
        assert not entered.wait(0.5), "the second build started while the first held its turn"
    waiting.join(5)
    assert entered.is_set()
    assert said == ["waiting for another grader's build on this machine to finish"]
