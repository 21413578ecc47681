"""The offline classroom bundle: one tar with the images, the site and the wheels.

``nox -s bundle`` writes it on a machine with the images (and internet, for the wheels);
``nox -s bundle -- --load PATH`` on a student's laptop unpacks it, checks every file
against the checksums in its manifest, loads the images, and checks that each one has
the id the manifest recorded. An image id is the digest of the image's config, which
names its layers by their digests, so the same id proves the same image.

Layout of the archive (a plain tar: layers are saved uncompressed, and an instructor
copies it to thirty laptops, where unpacking speed matters more than a third less size):

    manifest.json     format, images (ref, id, stand-in), sha256 of every other file
    images.tar        `docker save` of every image, shared layers once
    site/             the built course site (open site/index.html)
    wheels/           the Python packages the grader and nox need
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from checks import images, lab
from checks.engine import LABEL_PROVIDES, LABEL_STANDIN, Engine
from checks.errors import CheckError

FORMAT = 1
MANIFEST = "manifest.json"
IMAGES_TAR = "images.tar"
DEFAULT_OUT = lab.REPO_ROOT / "build" / "layer-by-layer-bundle.tar"
# Beyond the grader's own dependencies: nox, which every command in the README runs.
EXTRA_WHEELS = ("nox",)


@dataclass(frozen=True)
class BundledImage:
    ref: str
    id: str
    standin: bool
    provides: str


def command(args: argparse.Namespace, console: Console) -> int:
    engine = Engine()
    if args.load:
        into = args.out or args.load.with_suffix("")
        load(engine, args.load, into, console)
        return 0
    refs = select_images(args.images, args.labs)
    create(engine, refs, args.out or DEFAULT_OUT, console, site=not args.no_site, wheels=not args.no_wheels)
    return 0


def select_images(images_opt: str | None, labs_opt: str | None) -> list[str]:
    """Catalog refs to bundle: the ones named, the ones some labs use, or the whole catalog."""
    known = images.catalog()
    if images_opt:
        refs = [r.strip() for r in images_opt.split(",") if r.strip()]
    elif labs_opt:
        refs = [ref for number in labs_opt.split(",") for ref in lab.find(number.strip()).images]
        refs.append(images.PROBE_IMAGE)  # runtime goals ask the app through it
    else:
        refs = list(known)
    unknown = [r for r in refs if r not in known]
    if unknown:
        raise CheckError(f"not in the image catalog: {', '.join(unknown)}", path=images.CATALOG)
    return list(dict.fromkeys(r for r in refs if r != "scratch"))


def unique_bytes(facts: dict[str, tuple[tuple[str, ...], int]]) -> int:
    """Bytes of the layers of several images, counting a shared base once.

    ``facts`` maps each ref to (diff_ids bottom first, size). An image whose layers start
    with all of another's adds only its size beyond that other image (the largest such).
    """
    total = 0
    for ref, (layers, size) in facts.items():
        below = [s for other, (lo, s) in facts.items()
                 if other != ref and len(lo) < len(layers) and layers[: len(lo)] == lo]
        total += size - max(below, default=0)
    return total


def create(engine: Engine, refs: list[str], out: Path, console: Console, *, site: bool = True,
           wheels: bool = True) -> Path:
    started = time.perf_counter()
    missing = [r for r in refs if not engine.image_exists(r)]
    if missing:
        raise CheckError(f"not on this engine: {', '.join(missing)}", hint="run `nox -s images` first")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lbl-bundle-", dir=out.parent) as tmp:
        staging = Path(tmp)
        bundled = _save_images(engine, refs, staging / IMAGES_TAR, console)
        if site:
            _build_site(staging / "site", console)
        if wheels:
            _download_wheels(staging / "wheels", console)
        manifest = {
            "format": FORMAT,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "images": [asdict(b) for b in bundled],
            "files": {rel: _sha256(staging / rel) for rel in _files(staging)},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        _write_archive(staging, [MANIFEST, *manifest["files"]], out, console)
    size = out.stat().st_size
    console.print(f"[green]bundle written[/]: {escape(str(out))}, {human_size(size)} "
                  f"({len(refs)} images) in {time.perf_counter() - started:.0f} s")
    return out


def human_size(size: int) -> str:
    return f"{size / 1e9:.2f} GB" if size >= 1e9 else f"{size / 1e6:.1f} MB"


def _save_images(engine: Engine, refs: list[str], dest: Path, console: Console) -> list[BundledImage]:
    facts = {}
    bundled = []
    for ref in refs:
        info = engine.inspect_image(ref)
        facts[ref] = (tuple(info.get("RootFS", {}).get("Layers") or ()), int(info.get("Size") or 0))
        labels = info.get("Config", {}).get("Labels") or {}
        bundled.append(BundledImage(ref, info["Id"], labels.get(LABEL_STANDIN) == "true",
                                    labels.get(LABEL_PROVIDES, "")))
    with _bar(console, f"saving {len(refs)} images", unique_bytes(facts)) as advance:
        engine.save_images(refs, dest, advance)
    return bundled


def _build_site(dest: Path, console: Console) -> None:
    console.print("building the site")
    root = lab.REPO_ROOT
    for argv in ([sys.executable, "tools/mermaid.py"],
                 [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(dest)]):
        done = subprocess.run(argv, cwd=root, capture_output=True, text=True)
        if done.returncode != 0:
            raise CheckError(f"`{' '.join(argv[1:])}` failed: {done.stderr.strip()[-600:]}",
                             path=root / "mkdocs.yml", hint="`nox -s docs` shows the whole error")


def _download_wheels(dest: Path, console: Console) -> None:
    """The grader's runtime dependencies and nox, as wheels for this platform and Python."""
    console.print("downloading the Python wheels")
    project = tomllib.loads((lab.REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    argv = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary", ":all:", "--dest", str(dest),
            *project["dependencies"], *EXTRA_WHEELS]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise CheckError(f"pip download failed: {done.stderr.strip()[-600:]}",
                         hint="the wheels need the package index; or bundle with --no-wheels")


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _write_archive(staging: Path, names: list[str], out: Path, console: Console) -> None:
    partial = out.with_name(out.name + ".partial")
    total = sum((staging / n).stat().st_size for n in names)
    with _bar(console, "writing the archive", total) as advance, tarfile.open(partial, "w") as tar:
        done = 0
        for name in names:  # the manifest first, so a loader finds it without reading the rest
            tar.add(staging / name, arcname=name)
            done += (staging / name).stat().st_size
            advance(done)
    partial.replace(out)


@contextmanager
def _bar(console: Console, what: str, total: int) -> Iterator[Any]:
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(what, total=max(total, 1))

        def advance(done: int) -> None:
            progress.update(task, completed=done, total=max(total, done))

        yield advance


# -- loading on a student's laptop -----------------------------------------------------------------


def load(engine: Engine, bundle: Path, into: Path, console: Console) -> list[BundledImage]:
    if not bundle.is_file():
        raise CheckError("no bundle here", path=bundle, hint="the path `nox -s bundle` printed")
    manifest = _unpack(bundle, into, console)
    tar_path = into / IMAGES_TAR
    with _bar(console, "loading the images", tar_path.stat().st_size) as advance:
        engine.load_images(tar_path, advance)
    bundled = [BundledImage(**i) for i in manifest["images"]]
    for image in bundled:
        got = engine.image_id(image.ref)
        if got != image.id:
            raise CheckError(f"{image.ref} loaded as {got}, the bundle's manifest says {image.id}",
                             path=bundle, hint="the images were changed after bundling: make a new bundle")
        console.print(f"[green]✓[/] {escape(image.ref)} {image.id[7:19]}"
                      + (f" (stand-in: {escape(image.provides)})" if image.standin else ""))
    tar_path.unlink()  # loaded and verified: the engine holds the images now
    files = len(manifest["files"])
    console.print(f"[green]bundle verified and loaded[/]: {len(bundled)} images, {files} files")
    if (into / "site" / "index.html").is_file():
        console.print(f"  the site: open {escape(str(into / 'site' / 'index.html'))}")
    if (into / "wheels").is_dir():
        console.print(f"  offline installs: PIP_NO_INDEX=1 PIP_FIND_LINKS={escape(str(into / 'wheels'))} "
                      f"UV_OFFLINE=1 UV_FIND_LINKS={escape(str(into / 'wheels'))} nox -s lab-08")
    return bundled


def _unpack(bundle: Path, into: Path, console: Console) -> dict[str, Any]:
    """Extract the bundle and check every file against the manifest's checksums."""
    try:
        with tarfile.open(bundle, "r:") as tar:
            manifest = _read_manifest(tar, bundle)
            names = {m.name for m in tar.getmembers() if m.isfile()} - {MANIFEST}
            expected = set(manifest["files"])
            if names != expected:
                extra, absent = sorted(names - expected), sorted(expected - names)
                raise CheckError(f"the bundle's files do not match its manifest (not listed: {extra[:5]}, "
                                 f"missing: {absent[:5]})", path=bundle, hint="copy the bundle again")
            if into.exists():
                shutil.rmtree(into)
            into.mkdir(parents=True)
            console.print(f"unpacking into {escape(str(into))}")
            tar.extractall(into, filter="data")  # no absolute paths, no links out, no devices
    except (tarfile.TarError, OSError) as e:
        raise CheckError(f"cannot read the bundle: {e}", path=bundle, hint="copy the bundle again") from e
    for name, digest in manifest["files"].items():
        if _sha256(into / name) != digest:
            raise CheckError(f"{name} does not match its checksum: the bundle is damaged or was changed",
                             path=bundle, hint="copy the bundle again, or make a new one")
    return manifest


def _read_manifest(tar: tarfile.TarFile, bundle: Path) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        f = tar.extractfile(member)
        manifest = json.loads(f.read() if f else b"")
    except (KeyError, json.JSONDecodeError) as e:
        raise CheckError(f"not a course bundle: no readable {MANIFEST}", path=bundle) from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else "?"
        raise CheckError(f"bundle format {found} is not {FORMAT}", path=bundle,
                         hint="make the bundle with this version of the course")
    return manifest
