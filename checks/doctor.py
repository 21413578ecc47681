"""Pre-flight check for a workshop: one line per item, and a fix for each problem.

``python -m checks doctor`` exits 1 when the course cannot run here (a failed item), 0
otherwise; warnings (say, only the legacy builder) still let most labs run. ``--json``
prints the same items for a script that checks thirty laptops.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from checks import images
from checks.engine import ENGINE_HINT, Engine, choose_builder
from checks.errors import CheckError

GB = 1_000_000_000
# What the course needs on the engine's disk: the catalog's images (about 1.3 GB of unique
# layers as stand-ins here, more as real images), the images and build cache that grading
# every lab leaves (several GB for lab 08 alone), and room for a bundle. 10 GB is the floor;
# below twice that, a day of workshops may fill it.
NEEDED_BYTES = 10 * GB
MIN_PYTHON = (3, 11)


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    status: str  # "ok", "warn" or "fail"
    detail: str
    hint: str = ""


def run_checks(engine: Engine | None = None) -> list[Item]:
    engine = engine or Engine()
    items = [python_item(), nox_item()]
    try:
        version = engine.version()
    except CheckError as e:
        items.insert(0, Item("engine", "Docker engine", "fail", e.message, e.hint or ENGINE_HINT))
        return items
    items.insert(0, Item("engine", "Docker engine", "ok", f"Docker engine {version} answers"))
    info = engine.info()
    items[1:1] = [
        builder_item(), store_item(engine.image_store()), disk_item(_docker_root(info)),
        network_item(engine.default_network()), *catalog_items(engine),
    ]
    return items


def builder_item() -> Item:
    builder = choose_builder("auto")
    if builder.kind == "legacy":
        return Item("builder", "Builder", "warn", "legacy builder only",
                    "lab 08's cache-mounts and lab 11 need BuildKit: install docker buildx, or use a "
                    "Docker CLI older than 23.0 (native BuildKit)")
    return Item("builder", "Builder", "ok", f"{builder.description} ({builder.cli})")


def store_item(store: str) -> Item:
    if store == "containerd":
        return Item("image-store", "Image store", "warn", "containerd image store",
                    "sizes read differently: `docker images` shows compressed and unpacked content, "
                    "so the chapters' sizes (classic store) will not match; the grader's own size "
                    "goals still measure the uncompressed layers")
    return Item("image-store", "Image store", "ok", f"{store}: sizes read as the chapters print them")


def disk_item(path: Path, needed: int = NEEDED_BYTES) -> Item:
    free = shutil.disk_usage(path).free
    detail = f"{free / GB:.1f} GB free on {path}, the course needs {needed / GB:.0f} GB"
    if free < needed:
        return Item("disk", "Free disk", "fail", detail,
                    "free space (`nox -s clean` removes the grader's leftovers; `docker builder prune` "
                    "the build cache)")
    if free < 2 * needed:
        return Item("disk", "Free disk", "warn", detail, "a full day of labs may need more")
    return Item("disk", "Free disk", "ok", detail)


def network_item(mode: str) -> Item:
    if mode == "none":
        return Item("network", "Default network", "ok",
                    "no default bridge (loopback only): the course's setup; runtime goals need none")
    return Item("network", "Default network", "ok", f"{mode}: containers get a network by default")


def catalog_items(engine: Engine, *, can_build: bool | None = None,
                  can_pull: Callable[[str], bool] | None = None) -> list[Item]:
    """One item per catalog image: present (real or stand-in), pullable, or buildable."""
    can_build = _can_build_standins() if can_build is None else can_build
    can_pull = can_pull or _pull_check(engine)
    out = []
    for ref in images.catalog():
        status = images.status(engine, ref)
        out.append(image_item(ref, status, can_build, can_pull))
    return out


def image_item(ref: str, status: images.ImageStatus | None, can_build: bool,
               can_pull: Callable[[str], bool]) -> Item:
    title = f"Image {ref}"
    if status is not None:
        what = f"present (stand-in: {status.provides})" if status.standin else "present (real image)"
        return Item(f"image:{ref}", title, "ok", what)
    if can_pull(ref):
        return Item(f"image:{ref}", title, "warn", "missing; a registry has it",
                    "run `nox -s images` before the workshop, or load the room's bundle")
    if can_build:
        return Item(f"image:{ref}", title, "warn", "missing; can be built as a stand-in (a few minutes)",
                    "run `nox -s images` before the workshop, or `nox -s bundle -- --load PATH`")
    return Item(f"image:{ref}", title, "fail", "missing, not pullable, and not buildable here",
                "load the room's bundle: `nox -s bundle -- --load PATH`")


def python_item() -> Item:
    version = ".".join(str(v) for v in sys.version_info[:3])
    if sys.version_info[:2] < MIN_PYTHON:
        return Item("python", "Python", "fail", f"Python {version}", "install Python 3.11 or newer")
    return Item("python", "Python", "ok", f"Python {version}")


def nox_item() -> Item:
    version = _nox_version()
    if version is None:
        return Item("nox", "nox", "warn", "nox is not installed",
                    "python3 -m pip install nox (or pipx install nox); `python -m checks` works without it")
    return Item("nox", "nox", "ok", f"nox {version}")


def _nox_version() -> str | None:
    try:
        return metadata.version("nox")
    except metadata.PackageNotFoundError:
        pass
    # Inside a nox session's own virtualenv nox is not installed, but the nox that runs it is.
    exe = shutil.which("nox")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (done.stdout or done.stderr).strip() or None


def _docker_root(info: dict[str, object]) -> Path:
    root = Path(str(info.get("DockerRootDir") or ""))
    # Docker Desktop's root lives in its VM; the disk here is the best we can measure.
    return root if root.is_dir() else Path.cwd()


def _can_build_standins() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def _pull_check(engine: Engine) -> Callable[[str], bool]:
    if images.PULL_POLICY != "missing":
        return lambda _ref: False  # pulling is off: never ask a registry
    return engine.registry_has


def exit_code(items: list[Item]) -> int:
    return 1 if any(i.status == "fail" for i in items) else 0


def command(*, as_json: bool, console: Console) -> int:
    items = run_checks()
    if as_json:
        print(json.dumps({"ok": exit_code(items) == 0, "items": [asdict(i) for i in items]}, indent=2))
        return exit_code(items)
    marks = {"ok": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]"}
    for item in items:
        console.print(f"{marks[item.status]} {escape(item.title)}: {escape(item.detail)}")
        if item.hint:
            console.print(f"    [yellow]fix:[/] {escape(item.hint)}")
    failed = sum(i.status == "fail" for i in items)
    verdict = f"[bold red]not ready[/]: {failed} item(s) failed" if failed else "[bold green]ready[/]"
    console.print(verdict)
    return exit_code(items)
