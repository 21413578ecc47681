"""Property tests: no generated Dockerfile can crash the parser or the static goals."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from checks.dockerfile import KNOWN_INSTRUCTIONS, parse_bytes
from checks.errors import DockerfileError
from checks.goals import static

KEYWORDS = [*sorted(KNOWN_INSTRUCTIONS), "FORM", "RUNN", "#", "", "ARG"]
WORDS = st.sampled_from(
    [
        "alpine:3.20",
        "AS",
        "builder",
        "--from=builder",
        "--mount=type=cache,target=/x",
        "<<EOF",
        "EOF",
        "\\",
        ".",
        "..",
        "../x",
        "/out",
        '["/app"]',
        "&&",
        "$X",
        "scratch",
        "golang:1.22-alpine",
        "go build",
        "\t",
        "é",
        "\r",
    ]
)
LINE = st.tuples(st.sampled_from(KEYWORDS), st.lists(WORDS, max_size=5)).map(
    lambda t: " ".join([t[0], *t[1]])
)
DOCKERFILE = st.lists(LINE, max_size=12).map(lambda lines: "\n".join(lines).encode())


class Fake:
    def __init__(self, dockerfile: object) -> None:
        self.dockerfile = dockerfile


@settings(max_examples=400, deadline=None)
@given(DOCKERFILE)
def test_structured_input_parses_or_fails_with_a_located_message(data: bytes) -> None:
    try:
        parsed = parse_bytes(data, Path("Dockerfile"))
    except DockerfileError as e:
        assert e.message and e.path == Path("Dockerfile")
        return
    for check in (
        static.stages(2, ("builder",)),
        static.final_base("scratch"),
        static.cache_mounts("go build"),
    ):
        verdict = check.run(Fake(parsed))  # type: ignore[arg-type]
        assert all(f.startswith("expected ") for f in verdict.failures)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_parser(data: bytes) -> None:
    try:
        parse_bytes(data, Path("Dockerfile"))
    except DockerfileError as e:
        assert e.message
