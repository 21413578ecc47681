"""The goal kinds labs 01 and 02 added, on a fake Subject: exec form, labels, the image's own
command, wasted bytes and shared layers. No engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checks.dockerfile import Dockerfile, parse_bytes
from checks.engine import Builder, BuildOutcome, CommandResult
from checks.goals import ImageFacts, LayerInfo, Variant, evaluate, goal
from checks.goals import behaviour as behaviour_goals
from checks.goals import image as image_goals
from checks.goals import runtime as runtime_goals
from checks.goals import static as static_goals
from checks.layers import FileEntry, FileIndex, RawEntry

TWO_TARGETS = (
    b"FROM alpine:3.20 AS base\nCOPY lib/ /opt/common/\n"
    b"FROM base AS status\nCOPY status.sh /s.sh\nFROM base AS greet\nCOPY greet.sh /g.sh\n"
    b'CMD ["sh", "/g.sh"]\n'
)


@dataclass
class Fake:
    dockerfile: Dockerfile
    build: BuildOutcome = field(
        default_factory=lambda: BuildOutcome("sha256:1", "", (), 1.0, Builder("legacy")))
    exercise: object = None
    config: dict = field(default_factory=lambda: {"Cmd": ["sh", "/g.sh"]})
    diff_ids: tuple[str, ...] = ("a", "b", "g")
    other_ids: tuple[str, ...] | None = ("a", "b", "s")
    base_ids: tuple[str, ...] = ("a",)
    files_at: dict[str, int] = field(default_factory=lambda: {"opt/common/common.sh": 1})
    entries: list[list[RawEntry]] = field(default_factory=list)
    final_sizes: dict[str, int] = field(default_factory=dict)
    command: CommandResult = field(default_factory=lambda: CommandResult(0, "Hello\n"))
    commands_run: list[list[str]] = field(default_factory=list)

    def image(self) -> ImageFacts:
        return ImageFacts("sha256:1", 1, self.config, (), len(self.diff_ids), self.diff_ids)

    def files(self) -> FileIndex:
        files = {p: FileEntry(p, 10, 0o644, "file", layer) for p, layer in self.files_at.items()}
        files.update({p: FileEntry(p, size, 0o644, "file", 0) for p, size in self.final_sizes.items()})
        return FileIndex(files=files, layer_count=len(self.entries), layer_entries=self.entries)

    def layers(self) -> list[LayerInfo]:
        return [LayerInfo(30_000_000, "RUN head -c 30000000 /dev/urandom > /tmp/x", 5)]

    def run_command(self, argv: list[str], timeout: float) -> CommandResult:
        self.commands_run.append(argv)
        return self.command

    def variant_image(self, variant: Variant) -> ImageFacts | None:
        assert variant == Variant(target="status")
        return None if self.other_ids is None else ImageFacts("sha256:2", 1, {}, (), 3, self.other_ids)

    def variant(self, variant: Variant) -> BuildOutcome:
        return BuildOutcome(None, "", (), 1.0, Builder("legacy"), error="step 2 failed")

    def base_image(self) -> ImageFacts | None:
        return ImageFacts("sha256:0", 1, {}, (), len(self.base_ids), self.base_ids)


def _fake(data: bytes = TWO_TARGETS, **kwargs: object) -> Fake:
    return Fake(parse_bytes(data, Path("Dockerfile")), **kwargs)  # type: ignore[arg-type]


def _check(check, subject: Fake):
    return evaluate(goal("g", "goal", 2, check, "the hint"), subject)


def test_exec_form_passes_a_json_cmd_and_names_the_shell_form_line() -> None:
    assert _check(static_goals.exec_form_command(), _fake()).status == "pass"
    shell = _fake(b"FROM alpine:3.20\nCMD sh /g.sh\n")
    result = _check(static_goals.exec_form_command(), shell)
    assert result.status == "fail" and "shell form `CMD sh /g.sh` at line 2" in result.message


def test_exec_form_wants_a_command_in_the_final_stage() -> None:
    result = _check(static_goals.exec_form_command(), _fake(b"FROM alpine:3.20\nRUN true\n"))
    assert result.message.startswith("expected an exec-form CMD or ENTRYPOINT, got neither")


def test_label_must_be_present_and_not_empty() -> None:
    key = "org.opencontainers.image.title"
    assert _check(image_goals.label(key), _fake(config={"Labels": {key: "greet"}})).status == "pass"
    assert "got no such label" in _check(image_goals.label(key), _fake(config={"Labels": None})).message
    empty = _fake(config={"Labels": {key: " "}})
    assert "got an empty value" in _check(image_goals.label(key), empty).message


def test_prints_runs_the_image_own_command_and_checks_exit_and_output() -> None:
    subject = _fake()
    assert _check(runtime_goals.prints("Hello"), subject).status == "pass"
    assert subject.commands_run == [[]]
    failed = _check(runtime_goals.prints("Bye"), _fake(command=CommandResult(3, "oops\n")))
    assert failed.message == ("expected exit code 0, got exit code 3; "
                              "expected output containing 'Bye', got 'oops'")


def test_prints_reports_a_container_that_never_exits_and_an_image_with_no_command() -> None:
    hung = _check(runtime_goals.prints("Hello"), _fake(command=CommandResult(None, "")))
    assert "got still running" in hung.message
    bare = _check(runtime_goals.prints("Hello"), _fake(config={}))
    assert "got no CMD or ENTRYPOINT" in bare.message


def test_wasted_bytes_fails_on_a_file_deleted_later_and_names_it() -> None:
    entries = [[RawEntry("tmp", 0, True)], [RawEntry("tmp/x", 30_000_000, False)],
               [RawEntry("tmp/.wh.x", 0, False)]]
    result = _check(image_goals.wasted_bytes(max_bytes=100_000), _fake(entries=entries, files_at={}))
    assert result.status == "fail"
    assert "wasted (counted as dive counts), got 30.0 MB" in result.message
    assert "in layers that no container can see, got 30.0 MB" in result.message
    assert "/tmp/x (2 layers)" in result.notes[0]
    assert result.measured == {"wasted_bytes": 30_000_000, "hidden_bytes": 30_000_000}


def test_wasted_bytes_passes_when_every_layer_adds_only_what_stays() -> None:
    entries = [[RawEntry("bin/sh", 100, False)], [RawEntry("opt/facts", 10, False)]]
    subject = _fake(entries=entries, files_at={}, final_sizes={"bin/sh": 100, "opt/facts": 10})
    assert _check(image_goals.wasted_bytes(max_bytes=100_000), subject).status == "pass"


def test_shared_layers_pass_when_the_common_files_sit_below_the_fork() -> None:
    result = _check(behaviour_goals.shares_layers_with("status", ("opt/common/common.sh",)), _fake())
    assert result.status == "pass"
    assert result.measured["shared_layers"] == 2 and result.measured["base_layers"] == 1


def test_shared_layers_fail_when_only_the_base_is_shared() -> None:
    subject = _fake(diff_ids=("a", "g", "u1", "c1"), other_ids=("a", "s", "u2", "c2"),
                    files_at={"opt/common/common.sh": 3})
    result = _check(behaviour_goals.shares_layers_with("status", ("opt/common/common.sh",)), subject)
    assert result.message == (
        "expected greet and status to share more than the 1 layer(s) of their base, got 1 shared layer(s); "
        "expected /opt/common/common.sh in a layer both images share, "
        "got layer 4, above the 1 shared layer(s)"
    )


def test_shared_layers_say_when_the_other_target_is_missing_or_broken() -> None:
    missing = _check(behaviour_goals.shares_layers_with("report", ()), _fake())
    assert missing.message == "expected a stage named 'report', got none"
    broken = _check(behaviour_goals.shares_layers_with("status", ()), _fake(other_ids=None))
    assert broken.message == "expected --target status to build, got a failure: step 2 failed"


def test_shared_layer_count_is_a_common_prefix_only() -> None:
    one = ImageFacts("1", 1, {}, (), 3, ("a", "b", "c"))
    assert one.shared_layers(ImageFacts("2", 1, {}, (), 3, ("a", "x", "c"))) == 1
    assert one.shared_layers(ImageFacts("3", 1, {}, (), 2, ("a", "b"))) == 2
