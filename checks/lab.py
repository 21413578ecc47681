"""Labs on disk: ``labs/NN-slug/lab.toml`` read into frozen dataclasses.

Paths are computed from the folder layout, never stored in the TOML, so a lab can be
moved or renamed without editing its metadata.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from checks.errors import LabError

if TYPE_CHECKING:
    from checks.goals import Goal

FORMAT_VERSION = 1
REPO_ROOT = Path(__file__).resolve().parent.parent
LABS_DIR = Path(os.environ.get("LAYERBYLAYER_LABS_DIR") or REPO_ROOT / "labs")
_FOLDER = re.compile(r"^(\d\d)-([a-z0-9-]+)$")
# What the student edits, by exercise kind: a Dockerfile is built, a script or a compose
# file is run (see checks/scripted.py).
FILE_OF_KIND = {"dockerfile": "Dockerfile", "script": "run.sh", "compose": "compose.yaml"}


@dataclass(frozen=True)
class Exercise:
    lab_dir: Path
    name: str
    title: str
    port: int | None = None
    build_network: str = "none"
    app_from: str | None = None  # another exercise whose app/ this one packages too
    needs_buildkit: bool = False  # RUN --mount and friends: the legacy builder cannot grade it
    secrets: tuple[str, ...] = ()  # build secret ids: each build gets a fresh random token file per id
    context_override: Path | None = None  # `grade --context DIR`: build from another folder
    # Files the student writes beside the Dockerfile (a .dockerignore, say) that the grader
    # copies to the root of the build context; and files it plants there, (path, content).
    context_files: tuple[str, ...] = ()
    plant: tuple[tuple[str, str], ...] = ()
    kind: str = "dockerfile"  # one of FILE_OF_KIND
    # Script and compose exercises: folders of app/ the grader builds before the run, each
    # passed as $<FOLDER>_IMAGE; and files it writes beside the student's file with a fresh
    # random secret in each (they stand for secrets that are never committed).
    prebuild: tuple[str, ...] = ()
    secret_files: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        return FILE_OF_KIND[self.kind]

    @property
    def root(self) -> Path:
        return self.lab_dir / self.name

    @property
    def context(self) -> Path:
        if self.context_override is not None:
            return self.context_override
        return self.lab_dir / (self.app_from or self.name) / "app"

    @property
    def starter(self) -> Path:
        return self.root / "starter" / self.file

    @property
    def solution(self) -> Path:
        return self.root / "solution" / self.file


@dataclass(frozen=True)
class Lab:
    path: Path
    number: str
    slug: str
    title: str
    chapter: int
    minutes: int
    images: tuple[str, ...]
    exercises: tuple[Exercise, ...]

    @property
    def id(self) -> str:
        return f"{self.number}-{self.slug}"

    @property
    def readme(self) -> Path:
        return self.path / "README.md"

    @property
    def rubric_file(self) -> Path:
        return self.path / "check.py"

    def exercise(self, name: str) -> Exercise:
        for ex in self.exercises:
            if ex.name == name:
                return ex
        known = ", ".join(e.name for e in self.exercises)
        raise LabError(
            f"lab {self.id} has no exercise {name!r} (it has: {known})", path=self.path / "lab.toml"
        )

    def rubric(self) -> dict[str, list[Goal]]:
        """The goals of each exercise, from the lab's check.py."""
        spec = importlib.util.spec_from_file_location(f"lab_{self.number}_check", self.rubric_file)
        if spec is None or spec.loader is None or not self.rubric_file.exists():
            raise LabError("the lab has no check.py", path=self.rubric_file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        rubric = getattr(module, "RUBRIC", None)
        if not isinstance(rubric, dict):
            raise LabError("check.py defines no RUBRIC dict", path=self.rubric_file)
        missing = [e.name for e in self.exercises if e.name not in rubric]
        if missing:
            raise LabError(f"check.py has no goals for {', '.join(missing)}", path=self.rubric_file)
        return rubric


def all_labs(root: Path = LABS_DIR) -> list[Lab]:
    """Every graded lab. A chapter folder with only examples/ has no lab.toml yet."""
    return [load(p) for p in lab_folders(root)]


def lab_folders(root: Path = LABS_DIR) -> list[Path]:
    """Folders that hold a graded lab (NN-slug with a lab.toml)."""
    return [p for p in sorted(root.iterdir()) if _FOLDER.match(p.name) and (p / "lab.toml").is_file()]


def find(ref: str, root: Path = LABS_DIR) -> Lab:
    """A lab by number ("8", "08", "lab-08") or by folder name ("08-multi-stage")."""
    wanted = ref.removeprefix("lab-")
    for folder in lab_folders(root):
        number = folder.name[:2]
        if wanted in (folder.name, number) or (wanted.isdigit() and int(wanted) == int(number)):
            return load(folder)
    raise LabError(
        f"no lab matches {ref!r}",
        path=root,
        hint="labs are named by number, e.g. 08, or by folder, e.g. 08-multi-stage",
    )


def load(folder: Path) -> Lab:
    match = _FOLDER.match(folder.name)
    if match is None:
        raise LabError("a lab folder is named NN-slug", path=folder)
    meta_path = folder / "lab.toml"
    try:
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise LabError("the lab has no lab.toml", path=meta_path) from e
    except tomllib.TOMLDecodeError as e:
        raise LabError(f"lab.toml is not valid TOML: {e}", path=meta_path, line=_toml_error_line(e)) from e
    if meta.get("format") != FORMAT_VERSION:
        raise LabError(
            f"lab.toml format must be {FORMAT_VERSION}, got {meta.get('format')!r}", path=meta_path
        )
    try:
        exercises = tuple(
            Exercise(
                lab_dir=folder,
                name=str(ex["name"]),
                title=str(ex["title"]),
                port=int(ex["port"]) if "port" in ex else None,
                build_network=str(ex.get("build_network", "none")),
                app_from=str(ex["app_from"]) if "app_from" in ex else None,
                needs_buildkit=bool(ex.get("needs_buildkit", False)),
                kind=_kind(ex.get("kind", "dockerfile"), meta_path),
                context_files=_relative_paths(ex.get("context_files", []), meta_path),
                plant=tuple(zip(_relative_paths(list(ex.get("plant", {})), meta_path),
                                (str(v) for v in ex.get("plant", {}).values()), strict=True)),
                prebuild=tuple(str(f) for f in ex.get("prebuild", [])),
                secret_files=tuple(str(f) for f in ex.get("secret_files", [])),
                secrets=tuple(str(s) for s in ex.get("secrets", [])),
            )
            for ex in meta["exercises"]
        )
        return Lab(
            path=folder,
            number=match.group(1),
            slug=match.group(2),
            title=str(meta["title"]),
            chapter=int(meta["chapter"]),
            minutes=int(meta["minutes"]),
            images=tuple(str(i) for i in meta.get("images", [])),
            exercises=exercises,
        )
    except (KeyError, TypeError, ValueError) as e:
        raise LabError(f"lab.toml is missing or mistypes a field: {e}", path=meta_path) from e


def _kind(value: object, meta_path: Path) -> str:
    if value not in FILE_OF_KIND:
        kinds = ", ".join(FILE_OF_KIND)
        raise LabError(f"an exercise's kind is one of {kinds}, got {value!r}", path=meta_path)
    return str(value)


def _relative_paths(paths: list[object], meta_path: Path) -> tuple[str, ...]:
    """Paths inside the build context: relative, and never climbing out of it."""
    for path in paths:
        parts = Path(str(path)).parts
        if not parts or Path(str(path)).is_absolute() or ".." in parts:
            raise LabError(f"{path!r} must be a relative path inside the build context", path=meta_path)
    return tuple(str(p) for p in paths)


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else None
