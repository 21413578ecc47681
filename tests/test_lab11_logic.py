"""Lab 11's pure logic, no engine: the byte search over saved layers, the stages a BuildKit
log ran, and the goal kinds for secrets, skipped stages and build arguments."""

from __future__ import annotations

import io
import json
import stat
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from checks import buildlog, lab
from checks.dockerfile import Dockerfile, parse_bytes
from checks.engine import Builder, BuildOutcome, CommandResult
from checks.goals import ImageFacts, Variant, evaluate, goal
from checks.goals import behaviour as behaviour_goals
from checks.goals import build as build_goals
from checks.goals import secrets as secret_goals
from checks.goals import static as static_goals
from checks.grade import _write_secrets
from checks.layers import ByteHit, search_saved_image

TOKEN = b"lbl-api_token-5f0c2a"


# -- a docker save archive, made in memory --------------------------------------------------


def _tar(entries: list[tuple[str, bytes | None]]) -> bytes:
    """A tar of (path, content) entries; content None makes a directory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content in entries:
            info = tarfile.TarInfo(name)
            if content is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def _saved_image(tmp_path: Path, layers: list[list[tuple[str, bytes | None]]], history: list[str]) -> Path:
    config = {"config": {"Env": ["PATH=/bin"]},
              "history": [{"created_by": line} for line in history]}
    entries = [("config.json", json.dumps(config).encode())]
    names = []
    for number, layer in enumerate(layers):
        names.append(f"l{number}/layer.tar")
        entries.append((names[-1], _tar(layer)))
    entries.append(("manifest.json", json.dumps([{"Config": "config.json", "Layers": names}]).encode()))
    archive = tmp_path / "image.tar"
    archive.write_bytes(_tar(entries))
    return archive


def test_a_clean_image_holds_no_token(tmp_path: Path) -> None:
    layers: list[list[tuple[str, bytes | None]]] = [
        [("etc", None), ("etc/os-release", b"ID=alpine\n")],
        [("opt/licence.txt", b"licence: granted\n")],
    ]
    archive = _saved_image(tmp_path, layers, ["ADD rootfs", "RUN fetch"])
    assert search_saved_image(archive, TOKEN) == []


def test_a_token_deleted_by_a_later_layer_is_still_found(tmp_path: Path) -> None:
    archive = _saved_image(tmp_path, [
        [("etc/os-release", b"ID=alpine\n")],
        [("root/.config/vendor/token", b"prefix " + TOKEN + b"\n")],
        [("root/.config/vendor/.wh.token", b"")],
    ], ["ADD rootfs", "RUN cp", "RUN rm"])
    assert search_saved_image(archive, TOKEN) == [ByteHit("layer", "root/.config/vendor/token", 1)]


def test_a_token_in_the_history_is_found_in_the_config(tmp_path: Path) -> None:
    archive = _saved_image(tmp_path, [[("a", b"x")]], [f"RUN |1 API_TOKEN={TOKEN.decode()} /bin/sh -c fetch"])
    hits = search_saved_image(archive, TOKEN)
    assert [(h.where, h.layer) for h in hits] == [("history", None)]
    assert "history" in hits[0].describe()


def test_a_token_split_across_two_reads_is_found(tmp_path: Path) -> None:
    content = b"a" * 13 + TOKEN + b"b" * 50
    archive = _saved_image(tmp_path, [[("blob", content)]], ["COPY blob"])
    assert search_saved_image(archive, TOKEN) == [ByteHit("layer", "blob", 0)]


def test_a_token_in_a_file_name_is_found(tmp_path: Path) -> None:
    archive = _saved_image(tmp_path, [[(f"tmp/{TOKEN.decode()}", b"")]], ["RUN touch"])
    assert search_saved_image(archive, TOKEN) == [ByteHit("layer", f"tmp/{TOKEN.decode()}", 0)]


def test_an_empty_needle_is_refused(tmp_path: Path) -> None:
    archive = _saved_image(tmp_path, [[("a", b"x")]], ["COPY a"])
    with pytest.raises(ValueError, match="empty"):
        search_saved_image(archive, b"")


# -- the stages in a BuildKit log -----------------------------------------------------------

PLAIN_LOG = """\
#1 [internal] load build definition from Dockerfile
#1 DONE 0.0s
#4 [builder 1/5] FROM golang:1.22-alpine
#4 DONE 0.0s
#6 [builder 4/5] RUN go mod download
#6 CACHED
#7 [runtime 2/3] COPY --from=builder /out/greeter /usr/local/bin/greeter
#7 DONE 0.1s
#8 [stage-3 1/1] RUN true
#8 DONE 0.1s
#9 [builder 5/5] RUN go build
#9 DONE 2.0s
"""


def test_stages_in_log_lists_each_stage_once_in_order_without_internal_steps() -> None:
    assert buildlog.stages_in_log(PLAIN_LOG) == ["builder", "runtime", "stage-3"]


def test_a_single_stage_log_names_no_stage() -> None:
    assert buildlog.stages_in_log("#5 [2/3] RUN true\n#5 DONE 0.1s\n") == []


# -- goal kinds on a fake subject -----------------------------------------------------------

SKIPPING = b"""FROM golang:1.22-alpine AS builder
RUN go build -o /out/app .
FROM builder AS docs
RUN go doc -all . >/out/docs.txt
FROM alpine:3.20 AS runtime
COPY --from=builder /out/app /app
"""
SECRET_RUN = (b"FROM alpine:3.20\nRUN --mount=type=secret,id=api_token,required=true "
              b"fetch-licence /run/secrets/api_token\n")
SECRET_COPIED = (b"FROM alpine:3.20\nRUN --mount=type=secret,id=api_token cp /run/secrets/api_token /t\n"
                 b"RUN fetch-licence /t\n")


@dataclass
class FakeSubject:
    dockerfile: Dockerfile
    log: str = ""
    secrets: dict[str, bytes] = field(default_factory=lambda: {"api_token": TOKEN})
    hits: list[ByteHit] = field(default_factory=list)
    history: tuple[dict[str, object], ...] = ()
    variant_log: str = ""
    printed: str = ""
    exercise: object = None
    variants: list[Variant] = field(default_factory=list)

    @property
    def build(self) -> BuildOutcome:
        return BuildOutcome("sha256:1", self.log, tuple(buildlog.parse_buildkit(self.log)), 1.0,
                            Builder("buildkit", "docker"))

    def image(self) -> ImageFacts:
        return ImageFacts("sha256:1", 1, {}, self.history, 2)

    def secret_values(self) -> dict[str, bytes]:
        return self.secrets

    def find_in_image(self, needle: bytes) -> list[ByteHit]:
        return self.hits

    def layer_origin(self, layer: int) -> str:
        return f"layer {layer + 1}, line 2: RUN cp"

    def unique(self) -> str:
        return "00abcd1234"

    def variant(self, variant: Variant) -> BuildOutcome:
        self.variants.append(variant)
        log = self.variant_log
        return BuildOutcome("sha256:2", log, tuple(buildlog.parse_buildkit(log)), 1.0, Builder("buildkit"))

    def variant_command(self, variant: Variant, argv: list[str], timeout: float) -> CommandResult:
        self.variants.append(variant)
        return CommandResult(0, self.printed)


def _subject(data: bytes, **kwargs: object) -> FakeSubject:
    return FakeSubject(parse_bytes(data, Path("Dockerfile")), **kwargs)  # type: ignore[arg-type]


def _check(check, subject: FakeSubject):
    return evaluate(goal("g", "goal", 3, check, "the hint"), subject)


def test_stage_skipped_passes_when_the_log_never_names_the_stage() -> None:
    result = _check(build_goals.stage_skipped("docs"), _subject(SKIPPING, log=PLAIN_LOG))
    assert result.status == "pass" and result.measured["stages_built"] == ["builder", "runtime", "stage-3"]


def test_stage_skipped_fails_naming_the_step_that_ran() -> None:
    log = PLAIN_LOG + "#10 [docs 1/1] RUN go doc -all . >/out/docs.txt\n#10 DONE 3.0s\n"
    result = _check(build_goals.stage_skipped("docs"), _subject(SKIPPING, log=log))
    assert result.message == ("expected no step of stage 'docs' in the build log, got 1 step(s), "
                              "such as [docs 1/1] RUN go doc -all . >/out/docs.txt")
    assert "builder, runtime, stage-3, docs" in result.notes[0]


def test_stage_skipped_fails_when_there_is_no_such_stage() -> None:
    result = _check(build_goals.stage_skipped("lint"), _subject(SKIPPING, log=PLAIN_LOG))
    assert result.message == "expected a stage named 'lint', got none"


def test_instruction_mounts_reads_every_option() -> None:
    run = parse_bytes(SECRET_RUN, Path("Dockerfile")).final.instructions[0]
    assert run.mounts == [{"type": "secret", "id": "api_token", "required": "true"}]


def test_secret_mount_passes_only_when_the_step_mounts_the_secret_itself() -> None:
    check = static_goals.secret_mount("fetch-licence", "api_token")
    assert _check(check, _subject(SECRET_RUN)).status == "pass"
    result = _check(check, _subject(SECRET_COPIED))
    assert result.message == "expected `fetch-licence` (line 3) to mount the secret api_token, got no " \
                             "--mount=type=secret"
    other = _check(check, _subject(SECRET_RUN.replace(b"id=api_token", b"id=other")))
    assert "got mounted secrets ['other']" in other.message


def test_not_leaked_passes_on_a_clean_image_log_and_history() -> None:
    subject = _subject(SECRET_RUN, history=({"CreatedBy": "RUN fetch-licence /run/secrets/api_token"},),
                       log="#5 [2/2] RUN fetch-licence\n#5 0.1 licence written\n")
    result = _check(secret_goals.not_leaked("api_token"), subject)
    assert result.status == "pass"
    assert result.measured == {"layers_holding_it": 0, "history_entries_showing_it": 0,
                               "log_lines_showing_it": 0}


def test_not_leaked_reports_a_layer_the_history_and_the_log_and_never_prints_the_token() -> None:
    text = TOKEN.decode()
    subject = _subject(
        SECRET_COPIED,
        hits=[ByteHit("layer", "root/.config/vendor/token", 1), ByteHit("config", "config.Env[0]")],
        history=({"CreatedBy": f"RUN |1 API_TOKEN={text} /bin/sh -c fetch"},),
        log=f"#6 0.2 using token {text}\n",
    )
    result = _check(secret_goals.not_leaked("api_token"), subject)
    assert "in no layer, got /root/.config/vendor/token in layer 2" in result.message
    assert "no history entry or config, got RUN |1 API_TOKEN=<token>" in result.message
    assert "no line of the build log, got 1 line(s)" in result.message
    assert text not in result.message and text not in " ".join(result.notes)
    assert "line 2: RUN cp" in result.notes[0]


def test_build_arg_goals_share_one_override_build_and_read_its_output() -> None:
    value = behaviour_goals.override_value(_subject(SKIPPING))
    cached = "#6 [builder 2/3] RUN go mod download\n#6 CACHED\n#7 [builder 3/3] RUN go build\n#7 DONE 2.0s\n"
    subject = _subject(SKIPPING, printed=f"{value}\n", variant_log=cached)
    overrides = behaviour_goals.build_arg_overrides("APP_VERSION", ["/app", "-version"])
    spares = behaviour_goals.build_arg_spares("APP_VERSION", "go mod download")
    assert _check(overrides, subject).status == "pass"
    assert _check(spares, subject).status == "pass"
    assert {v.build_args for v in subject.variants} == {(("APP_VERSION", value),)}


def test_build_arg_goals_fail_on_an_ignored_value_and_an_early_declaration() -> None:
    reran = "#6 [builder 2/3] RUN go mod download\n#6 DONE 0.4s\n"
    subject = _subject(SKIPPING, printed="dev\n", variant_log=reran)
    overrides = _check(behaviour_goals.build_arg_overrides("APP_VERSION", ["/app", "-version"]), subject)
    assert overrides.message.startswith("expected `/app -version` to print '9.")
    assert "got 'dev'" in overrides.message
    spares = _check(behaviour_goals.build_arg_spares("APP_VERSION", "go mod download"), subject)
    assert spares.message == ("expected `go mod download` to be a cache hit after a new APP_VERSION, "
                              "got it ran again")
    assert "[builder 2/3] RUN go mod download" in spares.notes[0]


# -- secret files and lab.toml --------------------------------------------------------------


def test_each_secret_gets_a_fresh_private_token_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _write_secrets(tmp_path / "a", ("api_token",))
    second = _write_secrets(tmp_path / "b", ("api_token",))
    assert first["api_token"].read_text() != second["api_token"].read_text()
    assert first["api_token"].read_text().startswith("lbl-api_token-")
    assert stat.S_IMODE(first["api_token"].stat().st_mode) == 0o600
    assert stat.S_IMODE(first["api_token"].parent.stat().st_mode) == 0o700
    assert _write_secrets(tmp_path, ()) == {}


def test_lab_11_declares_its_secret_and_needs_buildkit_everywhere() -> None:
    lab11 = lab.find("11")
    assert lab11.exercise("secret").secrets == ("api_token",)
    assert all(e.needs_buildkit for e in lab11.exercises)
    assert lab.find("08").exercise("go").secrets == ()
