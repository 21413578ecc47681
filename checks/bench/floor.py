"""Each lab-08 solution's image against the physical floor: the app's own payload.

The payload is what the final stage's COPY and ADD lines put in the image, as the merged
filesystem shows it (regular files only, each counted once): the static binary, the jar,
the app with its production ``node_modules``, or the app with its virtualenv's
site-packages. Nothing smaller can ship the app; ``image ÷ payload`` is the price of the
rest (the base image, users, certificates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from checks import images, lab
from checks.bench.subjects import built
from checks.engine import Engine
from checks.goals import MB

_COPY = re.compile(r"\b(COPY|ADD)\b")


@dataclass(frozen=True)
class Floor:
    exercise: str
    image_bytes: int
    payload_bytes: int
    payload_files: int
    largest: str  # the payload's largest file

    @property
    def ratio(self) -> float | None:
        return self.image_bytes / self.payload_bytes if self.payload_bytes else None


def payload(files: Any, base_layers: int) -> tuple[int, int, str]:
    """Bytes and count of the regular files that COPY/ADD layers above the base brought in,
    and the largest of them."""
    origins = files.layer_origins
    chosen = [e for e in files.files.values()
              if e.kind == "file" and e.layer >= base_layers
              and e.layer < len(origins) and _COPY.search(origins[e.layer])]
    largest = max(chosen, key=lambda e: e.size, default=None)
    shown = f"/{largest.path} ({largest.size / MB:.2f} MB)" if largest else "-"
    return sum(e.size for e in chosen), len(chosen), shown


def lab08_floors(engine: Engine, say: Any = print) -> list[Floor]:
    the_lab = lab.find("08")
    images.ensure(engine, [*the_lab.images, images.PROBE_IMAGE], say)
    builder = engine.builder()
    floors: list[Floor] = []
    for exercise in the_lab.exercises:
        if exercise.needs_buildkit and builder.kind == "legacy":
            continue
        say(f"floor: {exercise.name}")
        with built(engine, the_lab, exercise, exercise.solution, "floor") as subject:
            live = subject.fresh_subject()
            base = subject.dockerfile.stage_chain(subject.dockerfile.final)[0].base
            base_layers = 0 if base == "scratch" else len(
                engine.inspect_image(base).get("RootFS", {}).get("Layers", []))
            size, count, largest = payload(live.files(), base_layers)
            floors.append(Floor(exercise.name, live.image().size, size, count, largest))
    return floors
