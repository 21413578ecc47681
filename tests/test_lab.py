from __future__ import annotations

from pathlib import Path

import pytest

from checks import lab
from checks.errors import LabError


def test_lab_08_loads_with_computed_paths() -> None:
    the_lab = lab.find("08")
    assert the_lab.id == "08-multi-stage"
    go = the_lab.exercise("go")
    assert go.context == the_lab.path / "go" / "app"
    assert go.starter.is_file() and go.solution.is_file() and go.context.is_dir()


@pytest.mark.parametrize("ref", ["8", "08", "lab-08", "08-multi-stage"])
def test_labs_are_found_by_number_or_folder(ref: str) -> None:
    assert lab.find(ref).number == "08"


def test_every_lab_has_goals_for_every_exercise() -> None:
    for the_lab in lab.all_labs():
        rubric = the_lab.rubric()
        for exercise in the_lab.exercises:
            assert rubric[exercise.name], f"{the_lab.id}/{exercise.name} has no goals"
            assert all(g.hint for g in rubric[exercise.name]), "every goal needs a hint"


def test_every_starter_marks_its_edit_points() -> None:
    for the_lab in lab.all_labs():
        for exercise in the_lab.exercises:
            assert "# TODO:" in exercise.starter.read_text(), exercise.starter


def _write_lab(root: Path, toml: str | None) -> Path:
    folder = root / "42-broken"
    folder.mkdir()
    if toml is not None:
        (folder / "lab.toml").write_text(toml)
    return folder


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        (None, "no lab.toml"),
        ("format = 1\ntitle = [\n", "not valid TOML"),
        ("format = 9\n", "format must be 1"),
        ("format = 1\ntitle = 'x'\n", "missing or mistypes"),
    ],
)
def test_broken_lab_toml_is_a_lab_error(tmp_path: Path, toml: str | None, words: str) -> None:
    folder = _write_lab(tmp_path, toml)
    with pytest.raises(LabError) as caught:
        lab.load(folder)
    assert words in caught.value.message
    assert caught.value.path is not None and caught.value.path.name == "lab.toml"
