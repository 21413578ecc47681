from __future__ import annotations

from checks import buildlog

BUILDKIT = """\
#1 [internal] load build definition from Dockerfile
#1 DONE 0.0s
#5 [builder 1/4] FROM golang:1.22-alpine
#5 DONE 0.0s
#6 [builder 2/4] COPY go.mod ./
#6 CACHED
#7 [builder 3/4] RUN go mod download
#7 CACHED
#8 [builder 4/4] RUN go build -o /out/app .
#8 DONE 3.2s
#9 [stage-1 2/2] COPY --from=builder /out/app /app
#9 DONE 0.1s
"""

LEGACY = """\
Step 1/4 : FROM golang:1.22-alpine
 ---> 4d42ce87046b
Step 2/4 : COPY go.mod ./
 ---> Using cache
 ---> 11aa
Step 3/4 : RUN go build -o /out/app .
 ---> Running in 22bb
Step 4/4 : CMD ["/out/app"]
 ---> Running in 33cc
"""


def test_buildkit_steps_and_cache_hits() -> None:
    steps = buildlog.parse_buildkit(BUILDKIT)
    assert [(s.text, s.cached) for s in steps] == [
        ("COPY go.mod ./", True),
        ("RUN go mod download", True),
        ("RUN go build -o /out/app .", False),
        ("COPY --from=builder /out/app /app", False),
    ]
    assert steps[2].seconds == 3.2
    assert steps[2].label() == "[builder 4/4] RUN go build -o /out/app ."


def test_legacy_steps_and_cache_hits() -> None:
    steps = buildlog.parse_legacy(LEGACY)
    assert [(s.text, s.cached) for s in steps] == [
        ("COPY go.mod ./", True),
        ("RUN go build -o /out/app .", False),
        ('CMD ["/out/app"]', False),
    ]


def test_step_headers_for_live_progress() -> None:
    assert (
        buildlog.buildkit_step_header("#7 [builder 3/4] RUN go mod download\n")
        == "[builder 3/4] RUN go mod download"
    )
    assert buildlog.buildkit_step_header("#1 [internal] load build definition") is None


def test_parse_errors_give_the_line() -> None:
    log = (
        "failed to solve with frontend dockerfile.v0: failed to create LLB definition: "
        "dockerfile parse error line 3: unknown instruction: FORM"
    )
    assert buildlog.parse_error_line(log) == (3, "unknown instruction: FORM")


def test_the_failing_buildkit_step_is_found() -> None:
    log = BUILDKIT + "#10 [stage-1 3/3] RUN false\n#10 ERROR: process did not complete: exit code: 1\n"
    assert buildlog.failing_step(buildlog.parse_buildkit(log), log) == "RUN false"


def test_legacy_fresh_images_skip_from_and_cache_hits() -> None:
    log = LEGACY.replace(" ---> Running in 22bb\n", " ---> Running in 22bb\n ---> 44dd44dd44dd\n")
    log = log.replace(" ---> Running in 33cc\n", " ---> Running in 33cc\n ---> 55ee55ee55ee\n")
    assert buildlog.legacy_fresh_images(log) == ["44dd44dd44dd", "55ee55ee55ee"]


def test_log_buffer_stays_small_and_keeps_what_the_parsers_need() -> None:
    log = buildlog.LogBuffer(head_bytes=100, tail_bytes=200)
    log.add("#5 [builder 1/2] RUN yes\n")
    for i in range(100_000):
        log.add(f"#5 0.{i} y\n")
        if i == 50_000:
            log.add("#6 [builder 2/2] RUN true\n")
    log.add("#6 CACHED\n")
    text = log.text()
    assert len(text) < 1_000
    assert "bytes of build output left out" in text
    assert [(s.text, s.cached) for s in buildlog.parse_buildkit(text)] == [
        ("RUN yes", False),
        ("RUN true", True),
    ]
