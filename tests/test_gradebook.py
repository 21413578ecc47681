"""The gradebook: a generated class of 200+ reports, with malformed and tampered files among them."""

from __future__ import annotations

import csv
import json
import random
import re
import time
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, run_cli

from checks import gradebook, gradebook_page, lab
from checks.goals import GoalResult
from checks.report import ExerciseReport, write_json

GOLDEN = Path(__file__).parent / "golden"
STUDENTS = 210
LAB = lab.find("08")
RUBRIC = LAB.rubric()
EXERCISES = ("go", "scratch", "distroless")


def _report(exercise: str, rng: random.Random, stuck_goal: str) -> ExerciseReport:
    goals = []
    for g in RUBRIC[exercise]:
        odds = 0.2 if g.id == stuck_goal else 0.85
        passed = rng.random() < odds
        goals.append(GoalResult(g.id, g.title, "pass" if passed else "fail", g.points,
                                g.points if passed else 0, "" if passed else "expected X, got Y",
                                "" if passed else g.hint))
    return ExerciseReport(LAB.id, exercise, builder="BuildKit", goals=goals, hints_used=rng.randint(0, 3))


def _write_class(folder: Path) -> dict[str, list[ExerciseReport]]:
    """One lab report per student (three exercises); the no-toolchain goal is the hard one."""
    rng = random.Random(9)
    written = {}
    for i in range(STUDENTS):
        reports = [_report(e, rng, stuck_goal="no-toolchain") for e in EXERCISES]
        write_json(reports, folder / f"student-{i:03d}" / "lab-08.json")
        written[f"student-{i:03d}"] = reports
    return written


def _valid(folder: Path) -> dict:
    return json.loads((folder / "student-000" / "lab-08.json").read_text())


def _tamper(folder: Path) -> dict[str, str]:
    """Bad files, each with the words its rejection must contain."""
    base = _valid(folder)["exercises"][0]
    bad: dict[str, tuple[object, str]] = {}
    bad["truncated"] = ('{"version": 1, "lab": ', "not JSON")
    bad["wrong-version"] = ({**base, "version": 2}, "report format v1")
    bad["missing-score"] = ({k: v for k, v in base.items() if k != "score"}, "'score' is a required property")
    bad["extra-field"] = ({**base, "grade": "A+"}, "report format v1")
    bad["score-inflated"] = ({**base, "score": base["score"] + 1}, "claims a score of")
    bad["max-changed"] = ({**base, "max_score": 99}, "points possible")
    goals = [dict(g) for g in base["goals"]]
    failing = next(i for i, g in enumerate(goals) if g["status"] == "fail") if any(
        g["status"] == "fail" for g in goals) else 0
    over = [dict(g) for g in goals]
    over[0] = {**over[0], "earned": over[0]["points"] + 5}
    bad["earned-over"] = ({**base, "goals": over, "score": sum(g["earned"] for g in over)}, "earned")
    fewer = goals[1:]
    bad["goal-dropped"] = ({**base, "goals": fewer, "score": sum(g["earned"] for g in fewer),
                            "max_score": sum(g["points"] for g in fewer)}, "do not match the lab's rubric")
    repointed = [dict(g) for g in goals]
    repointed[0] = {**repointed[0], "points": 10, "earned": 10, "status": "pass"}
    bad["points-changed"] = ({**base, "goals": repointed, "score": sum(g["earned"] for g in repointed),
                              "max_score": sum(g["points"] for g in repointed)},
                             "do not match the lab's rubric")
    flipped = [dict(g) for g in goals]
    flipped[failing] = {**flipped[failing], "status": "pass", "earned": 0}
    bad["status-flipped"] = ({**base, "goals": flipped}, "is pass but earned 0")
    all_pass = [{**g, "status": "pass", "earned": g["points"]} for g in goals]
    bad["says-pass"] = ({**base, "goals": all_pass, "status": "fail",
                         "score": sum(g["points"] for g in goals)}, "says fail, its parts say pass")
    bad["unknown-lab"] = ({**base, "lab": "99-nowhere"}, "unknown lab")
    bad["unknown-exercise"] = ({**base, "exercise": "rust"}, "no exercise 'rust'")
    bad["not-a-report"] = ([1, 2, 3], "report format v1")
    expected = {}
    for name, (data, words) in bad.items():
        path = folder / "tampered" / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else json.dumps(data))
        expected[f"tampered/{name}.json"] = words
    (folder / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    expected["binary.json"] = "not UTF-8"
    return expected


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict[str, str]]:
    folder = tmp_path_factory.mktemp("class")
    written = _write_class(folder)
    return folder, written, _tamper(folder)


def test_the_schema_accepts_the_golden_reports() -> None:
    schema = json.loads(gradebook.SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for golden in sorted(GOLDEN.glob("report-*.json")):
        jsonschema.validate(json.loads(golden.read_text()), schema)


def test_the_schema_accepts_an_error_report() -> None:
    report = ExerciseReport(LAB.id, "go", error="Dockerfile:3: unknown instruction 'FORM'").to_dict()
    jsonschema.validate(report, json.loads(gradebook.SCHEMA_PATH.read_text()))


def test_every_bad_file_is_rejected_with_its_reason(class_folder: tuple[Path, dict, dict[str, str]]) -> None:
    folder, _, expected = class_folder
    book = gradebook.collect(folder)
    reasons = {r.path: r.reason for r in book.rejected}
    assert set(reasons) == set(expected)
    for path, words in expected.items():
        assert words in reasons[path], (path, reasons[path])


def test_valid_reports_all_count_and_nothing_else(class_folder: tuple[Path, dict, dict[str, str]]) -> None:
    folder, written, expected = class_folder
    book = gradebook.collect(folder)
    assert book.files == STUDENTS + len(expected)
    assert len(book.entries) == STUDENTS * len(EXERCISES)
    assert book.students == sorted(written)
    grid = book.grid()
    for student, reports in written.items():
        for r in reports:
            assert grid[student][(LAB.id, r.exercise)].score == r.score


def test_pass_rates_show_where_the_class_is_stuck(class_folder: tuple[Path, dict, dict[str, str]]) -> None:
    folder, written, _ = class_folder
    rates = gradebook.collect(folder).goal_rates()
    lowest = rates[0]
    assert lowest.goal == "no-toolchain"
    expected = sum(
        g.status == "pass" for reports in written.values() for r in reports if r.exercise == lowest.exercise
        for g in r.goals if g.id == "no-toolchain"
    )
    assert (lowest.passed, lowest.attempted) == (expected, STUDENTS)
    assert lowest.rate < gradebook_page.STUCK < rates[-1].rate


def test_hints_are_summed_per_exercise(class_folder: tuple[Path, dict, dict[str, str]]) -> None:
    folder, written, _ = class_folder
    hints = gradebook.collect(folder).hints()
    taken = sum(r.hints_used for rs in written.values() for r in rs if r.exercise == "go")
    assert hints[(LAB.id, "go")] == taken


def test_a_better_resubmission_replaces_the_first(tmp_path: Path) -> None:
    first = _report("go", random.Random(2), stuck_goal="serves")
    passing = ExerciseReport(LAB.id, "go", goals=[
        GoalResult(g.id, g.title, "pass", g.points, g.points) for g in RUBRIC["go"]])
    write_json([first], tmp_path / "ada" / "a.json")
    write_json([passing], tmp_path / "ada" / "b.json")
    book = gradebook.collect(tmp_path)
    assert book.grid()["ada"][(LAB.id, "go")].status == "pass"


def test_outputs_are_written_and_the_page_loads_nothing(
    class_folder: tuple[Path, dict, dict[str, str]], tmp_path: Path
) -> None:
    folder, written, expected = class_folder
    started = time.perf_counter()
    paths = gradebook_page.write(gradebook.collect(folder), tmp_path)
    seconds = time.perf_counter() - started
    print(f"gradebook of {STUDENTS + len(expected)} files: {seconds:.2f} s")
    assert seconds < 30
    assert {p.name for p in paths} == {"gradebook.csv", "goals.csv", "rejected.csv", "gradebook.html"}
    rows = list(csv.DictReader((tmp_path / "gradebook.csv").open()))
    assert len(rows) == STUDENTS
    assert rows[0]["student"] == "student-000"
    first = written["student-000"][0]
    assert rows[0][f"{LAB.id}/go"] == f"{first.score}/{first.max_score}"
    rejected = list(csv.DictReader((tmp_path / "rejected.csv").open()))
    assert len(rejected) == len(expected)
    page = (tmp_path / "gradebook.html").read_text()
    assert "<svg" in page and "Where the class is stuck" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page


def test_student_names_are_escaped_in_the_page(tmp_path: Path) -> None:
    passing = ExerciseReport(LAB.id, "go", goals=[
        GoalResult(g.id, g.title, "pass", g.points, g.points) for g in RUBRIC["go"]])
    write_json([passing], tmp_path / "<img src=x>" / "r.json")
    page = gradebook_page.html(gradebook.collect(tmp_path))
    assert "<img src=x>" not in page and "&lt;img src=x&gt;" in page


Class = tuple[Path, dict, dict[str, str]]


def test_the_cli_writes_the_gradebook(class_folder: Class, tmp_path: Path) -> None:
    folder, _, expected = class_folder
    result = run_cli("gradebook", str(folder), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.output
    assert f"{len(expected)} rejected" in result.output
    assert (tmp_path / "out" / "gradebook.html").is_file()


def test_the_cli_names_a_missing_folder() -> None:
    result = run_cli("gradebook", str(ROOT / "no-such-folder"))
    assert result.code == 2
    assert "no-such-folder" in result.output and "Traceback" not in result.output
