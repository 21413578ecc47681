from __future__ import annotations

from pathlib import Path

import pytest

from checks.dockerfile import lines_for_history, parse_bytes
from checks.errors import DockerfileError

PATH = Path("Dockerfile")

MULTI = b"""\
# syntax=docker/dockerfile:1
FROM golang:1.22-alpine AS Builder
WORKDIR /src
RUN go build \\
    -o /out/app .

FROM alpine:3.20
COPY --from=builder /out/app /app
USER 10001
ENTRYPOINT ["/app"]
"""


def test_stages_have_bases_names_and_lines() -> None:
    df = parse_bytes(MULTI, PATH)
    assert [(s.base, s.name, s.line) for s in df.stages] == [
        ("golang:1.22-alpine", "builder", 2),
        ("alpine:3.20", None, 7),
    ]


def test_continuation_keeps_the_first_line() -> None:
    run = parse_bytes(MULTI, PATH).stages[0].instructions[1]
    assert (run.keyword, run.line) == ("RUN", 4)


def test_copy_from_flag_is_read() -> None:
    df = parse_bytes(MULTI, PATH)
    assert [ref for ref, _ in df.final.copy_sources()] == ["builder"]


def test_build_stage_is_the_stage_the_final_stage_copies_from() -> None:
    assert parse_bytes(MULTI, PATH).build_stage().name == "builder"


def test_single_stage_is_its_own_build_stage() -> None:
    df = parse_bytes(b"FROM alpine:3.20\nRUN true\n", PATH)
    assert df.build_stage() is df.final


def test_exec_form_is_recognised() -> None:
    entry = parse_bytes(MULTI, PATH).final.instructions[-1]
    assert entry.is_exec_form


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"FROM alpine:3.20\nRUNN echo hi\n", 2, "unknown instruction"),
        (b"FROM alpine AS b\nFROM alpine\nCOPY --from=bulider /a /a\n", 3, "names no stage"),
        (b"FROM alpine\nCOPY --from=later /a /a\nFROM alpine AS later\n", 2, "not defined before"),
        (b"RUN echo hi\nFROM alpine\n", 1, "before any FROM"),
        (b"FROM alpine AS\n", 1, "cannot read FROM"),
    ],
)
def test_mistakes_name_the_line(data: bytes, line: int, words: str) -> None:
    with pytest.raises(DockerfileError) as caught:
        parse_bytes(data, PATH)
    assert caught.value.line == line
    assert words in caught.value.message


def test_a_typo_in_a_stage_name_gets_a_suggestion() -> None:
    with pytest.raises(DockerfileError) as caught:
        parse_bytes(b"FROM alpine AS builder\nFROM alpine\nCOPY --from=bulider /a /a\n", PATH)
    assert "did you mean --from=builder" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\x00\x01FROM", "binary"),
        (b"FROM \xff\xfe\n", "UTF-8"),
        (b"# only a comment\n", "no FROM"),
    ],
)
def test_unreadable_files_are_refused(data: bytes, words: str) -> None:
    with pytest.raises(DockerfileError) as caught:
        parse_bytes(data, PATH)
    assert words in caught.value.message


def test_bom_and_crlf_are_accepted() -> None:
    df = parse_bytes(b"\xef\xbb\xbfFROM alpine:3.20 AS one\r\nRUN true\r\n", PATH)
    assert df.final.name == "one"
    assert df.final.instructions[0].value == "true"


def test_copy_from_an_image_is_not_a_stage_error() -> None:
    df = parse_bytes(b"FROM alpine:3.20\nCOPY --from=golang:1.22-alpine /usr/local/go /go\n", PATH)
    assert df.build_stage() is df.final


def test_line_of_maps_a_builder_step_back() -> None:
    df = parse_bytes(MULTI, PATH)
    assert df.line_of("COPY --from=builder /out/app /app") == 8


def test_history_entries_map_to_lines_for_either_builder() -> None:
    df = parse_bytes(b'FROM alpine:3.20\nWORKDIR /src\nCOPY . .\nRUN make\nCMD ["app"]\n', PATH)
    buildkit = ["WORKDIR /src", "COPY . . # buildkit", "RUN /bin/sh -c make # buildkit", 'CMD ["app"]']
    legacy = [
        "/bin/sh -c #(nop) WORKDIR /src",
        "/bin/sh -c #(nop) COPY dir:abc in . ",
        "/bin/sh -c make",
        '/bin/sh -c #(nop)  CMD ["app"]',
        "/bin/sh -c #(nop)  LABEL org.layerbylayer.run=x",
    ]
    instructions = list(df.final.instructions)
    assert lines_for_history(instructions, buildkit) == [2, 3, 4, 5]
    assert lines_for_history(instructions, legacy) == [2, 3, 4, 5, None]


def test_stage_chain_follows_from_stage() -> None:
    df = parse_bytes(b"FROM golang AS builder\nRUN a\nFROM builder AS tester\nRUN b\n", PATH)
    assert [s.name for s in df.stage_chain(df.final)] == ["builder", "tester"]
