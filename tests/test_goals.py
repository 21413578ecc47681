"""The goal kinds on a fake Subject: every failure is reported as "expected X, got Y"."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checks.dockerfile import Dockerfile, parse_bytes
from checks.engine import Builder, BuildOutcome, ProbeResult
from checks.goals import ImageFacts, LayerInfo, evaluate, goal
from checks.goals import build as build_goals
from checks.goals import image as image_goals
from checks.goals import runtime as runtime_goals
from checks.goals import static as static_goals
from checks.layers import FileEntry, FileIndex

SINGLE = b'FROM golang:1.22-alpine\nRUN go build -o /app .\nCMD ["/app"]\n'
MULTI = (
    b"FROM golang:1.22-alpine AS builder\nRUN go build -o /app .\nFROM alpine:3.20\n"
    b"COPY --from=builder /app /app\nUSER app\n"
)


@dataclass
class FakeSubject:
    dockerfile: Dockerfile
    build: BuildOutcome = field(
        default_factory=lambda: BuildOutcome("sha256:1", "", (), 1.0, Builder("legacy"))
    )
    exercise: object = None
    size: int = 8_000_000
    stage_size: int = 400_000_000
    user: str = "app"
    passwd: bytes = b"root:x:0:0::/root:/bin/sh\napp:x:10001:10001::/:/bin/sh\n"
    paths: tuple[str, ...] = ("usr/local/bin/app",)
    probe_result: ProbeResult = field(default_factory=lambda: ProbeResult(200, 0.1, True, None, "", ""))

    def image(self) -> ImageFacts:
        return ImageFacts(
            "sha256:1", self.size, {"User": self.user}, ({"Size": self.size, "CreatedBy": "COPY"},), 2
        )

    def files(self) -> FileIndex:
        files = {p: FileEntry(p, 10, 0o755, "file", 1) for p in self.paths}
        return FileIndex(
            files=files,
            layer_count=2,
            layer_origins=["base", "COPY /app"],
            contents={"etc/passwd": self.passwd},
        )

    def layer_origin(self, layer: int) -> str:
        return f"layer {layer + 1}"

    def layers(self) -> list[LayerInfo]:
        return [
            LayerInfo(5_000_000, "", None, "alpine:3.20"),
            LayerInfo(self.size, "COPY --from=builder /app /app", 4),
        ]

    def build_stage_image(self) -> ImageFacts:
        return ImageFacts("sha256:2", self.stage_size, {}, (), 5)

    def probe(self, path: str, within_s: float) -> ProbeResult:
        return self.probe_result


def _subject(data: bytes = MULTI, **kwargs: object) -> FakeSubject:
    return FakeSubject(parse_bytes(data, Path("Dockerfile")), **kwargs)  # type: ignore[arg-type]


def _check(check, subject: FakeSubject):
    return evaluate(goal("g", "goal", 3, check, "the hint"), subject)


def test_stages_pass_on_a_named_builder() -> None:
    assert _check(static_goals.stages(2, ("builder",)), _subject()).status == "pass"


def test_stages_report_every_failure() -> None:
    result = _check(static_goals.stages(2, ("builder",)), _subject(SINGLE))
    assert result.status == "fail" and result.earned == 0 and result.hint == "the hint"
    assert "expected at least 2 stages, got 1" in result.message
    assert "expected a stage named 'builder', got no named stages" in result.message
    assert "expected the final stage to COPY --from an earlier stage" in result.message


def test_files_absent_names_the_file_and_its_layer() -> None:
    result = _check(
        image_goals.files_absent(("**/bin/go",), "Go toolchain"),
        _subject(paths=("usr/local/go/bin/go", "app")),
    )
    assert result.message == "expected no Go toolchain, got /usr/local/go/bin/go"
    assert "layer 2" in result.notes[0]


def test_size_limits_absolute_and_relative() -> None:
    check = image_goals.size(max_mb=25, max_fraction_of_build_stage=0.10)
    assert _check(check, _subject()).status == "pass"
    result = _check(check, _subject(size=300_000_000, stage_size=400_000_000))
    assert "expected at most 25 MB, got 300.0 MB" in result.message
    assert "expected at most 10% of the build stage (400.0 MB), got 75%" in result.message
    assert "largest layers" in result.notes[0]
    assert "line 4: COPY --from=builder /app /app" in result.notes[0]
    assert "from the base image alpine:3.20" in result.notes[0]


def test_non_root_by_name_uid_and_absence() -> None:
    assert _check(image_goals.non_root_user(), _subject(user="app")).status == "pass"
    assert _check(image_goals.non_root_user(), _subject(user="10001:10001")).status == "pass"
    assert "no USER (root)" in _check(image_goals.non_root_user(), _subject(user="")).message
    assert "got root" in _check(image_goals.non_root_user(), _subject(user="root")).message
    hidden_root = _subject(user="admin", passwd=b"admin:x:0:0::/:/bin/sh\n")
    assert "uid 0" in _check(image_goals.non_root_user(), hidden_root).message
    assert "no such entry" in _check(image_goals.non_root_user(), _subject(user="ghost")).message


def test_http_ok_explains_a_dead_app() -> None:
    dead = ProbeResult(None, 5.0, False, 1, "exec /app: no such file or directory", "status=none")
    result = _check(runtime_goals.http_ok("/", 5), _subject(probe_result=dead))
    assert result.message == "expected HTTP 200 on / within 5 s, got no answer (the app exited with code 1)"
    assert any("CGO_ENABLED=0" in note for note in result.notes)


def test_http_ok_reports_the_status() -> None:
    not_found = ProbeResult(404, 0.2, True, None, "", "status=404")
    assert "got HTTP 404" in _check(runtime_goals.http_ok("/", 5), _subject(probe_result=not_found)).message


def test_image_goals_are_not_checked_when_the_build_failed() -> None:
    failed = BuildOutcome(
        None, "#9 ERROR: exit code: 1\n", (), 1.0, Builder("legacy"), "RUN go build -o /app .", "exit code: 1"
    )
    subject = _subject(build=failed)
    assert _check(image_goals.non_root_user(), subject).message == "not checked: the image did not build"
    result = _check(build_goals.succeeds(), subject)
    assert (
        result.message
        == "expected the image to build, got a failure at line 2 (RUN go build -o /app .): exit code: 1"
    )
    assert _check(static_goals.stages(2, ("builder",)), subject).status == "pass"
