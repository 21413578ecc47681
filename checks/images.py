"""The base-image catalog: make every image a lab names available, really or as a stand-in.

An image already present is used as it is (a stand-in is rebuilt only when its recipe
changed). With pulling enabled, the real image is pulled. Otherwise the stand-in is
built from Debian packages, tagged with the official name, and labelled with what it
really provides, so that every report can say so.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from checks.engine import LABEL_PROVIDES, LABEL_RECIPE, LABEL_STANDIN, Builder, Engine
from checks.errors import CheckError, ImageUnavailable, LabError
from checks.lab import LABS_DIR
from checks.provision import apt_install

CATALOG = LABS_DIR / "images" / "catalog.toml"
PROBE_IMAGE = "alpine:3.20"  # its BusyBox wget asks the app for a page in runtime goals
RECIPE_REVISION = 2  # bump when the code below changes what a stand-in contains
PULL_POLICY = os.environ.get("LAYERBYLAYER_PULL", "never")  # "never" or "missing"
# Where Debian and Ubuntu keep the CA certificates a machine adds to its own trust, such as a
# company's TLS-inspecting proxy. A stand-in whose catalog entry says `trust_host_cas` gets
# them in its build context as host-ca/, so its package clients reach registries from here.
HOST_CA_DIR = Path("/usr/local/share/ca-certificates")

Say = Callable[[str], None]


@dataclass(frozen=True)
class CatalogImage:
    ref: str
    recipe: str
    base: str | None
    version_file: str
    note: str
    trust_host_cas: bool = False

    @property
    def recipe_dir(self) -> Path:
        return CATALOG.parent / self.recipe


@dataclass(frozen=True)
class ImageStatus:
    ref: str
    standin: bool
    provides: str

    def describe(self) -> str:
        return f"{self.ref} (stand-in: {self.provides})" if self.standin else self.ref


def catalog() -> dict[str, CatalogImage]:
    try:
        data = tomllib.loads(CATALOG.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise LabError(f"cannot read the image catalog: {e}", path=CATALOG) from e
    return {
        entry["ref"]: CatalogImage(
            entry["ref"],
            entry["recipe"],
            entry.get("base"),
            entry["version_file"],
            entry.get("note", ""),
            bool(entry.get("trust_host_cas", False)),
        )
        for entry in data["images"]
    }


def recipe_hash(image: CatalogImage, entries: dict[str, CatalogImage]) -> str:
    """Changes whenever the recipe, its files or its base's recipe change."""
    fields = (RECIPE_REVISION, image.ref, image.recipe, image.base, image.version_file)
    digest = hashlib.sha256(repr(fields).encode())
    if image.recipe_dir.is_dir():
        for path in sorted(image.recipe_dir.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
    if image.trust_host_cas:
        for path in host_cas():
            digest.update(b"host-ca/" + path.name.encode() + path.read_bytes())
    if image.base in entries:
        digest.update(recipe_hash(entries[image.base], entries).encode())
    return digest.hexdigest()[:16]


def host_cas() -> list[Path]:
    """The CA certificates this machine trusts beyond its distribution's list."""
    if not HOST_CA_DIR.is_dir():
        return []
    return sorted(p for p in HOST_CA_DIR.rglob("*.crt") if p.is_file() and os.access(p, os.R_OK))


def status(engine: Engine, ref: str) -> ImageStatus | None:
    """What is under ``ref`` now: None when absent."""
    if not engine.image_exists(ref):
        return None
    labels = engine.inspect_image(ref).get("Config", {}).get("Labels") or {}
    return ImageStatus(ref, labels.get(LABEL_STANDIN) == "true", labels.get(LABEL_PROVIDES, ""))


def ensure(engine: Engine, refs: Iterable[str], say: Say, *, pull: str = PULL_POLICY) -> list[ImageStatus]:
    """Make each image available; return what each one really is."""
    entries = catalog()
    wanted = [r for r in dict.fromkeys(refs) if r != "scratch"]
    unknown = [r for r in wanted if r not in entries]
    if unknown:
        raise LabError(
            f"images missing from the catalog: {', '.join(unknown)}",
            path=CATALOG,
            hint="add an entry with a stand-in recipe",
        )
    return [_ensure_one(engine, entries[r], entries, say, pull) for r in wanted]


def _ensure_one(
    engine: Engine, image: CatalogImage, entries: dict[str, CatalogImage], say: Say, pull: str
) -> ImageStatus:
    current = status(engine, image.ref)
    wanted_hash = recipe_hash(image, entries)
    if current is not None:
        labels = engine.inspect_image(image.ref).get("Config", {}).get("Labels") or {}
        if not current.standin or labels.get(LABEL_RECIPE) == wanted_hash:
            return current
        say(f"{image.ref}: the stand-in recipe changed; rebuilding it")
    elif pull == "missing":
        try:
            say(f"{image.ref}: pulling")
            engine.pull(image.ref)
            return ImageStatus(image.ref, False, "")
        except CheckError as e:
            say(f"{image.ref}: pull failed ({e.message}); building a stand-in instead")
    if image.base:
        _ensure_one(engine, entries[image.base], entries, say, pull)
    say(f"{image.ref}: building a stand-in ({image.note})")
    # Work under a scratch tag: the official name appears only once the stand-in is
    # complete and labelled, so an interrupted build never passes for a real image.
    work_tag = f"layerbylayer/standin-work:{image.recipe}"
    if image.recipe == "debootstrap":
        image_id = _debootstrap(engine, image, work_tag, say)
    else:
        with tempfile.TemporaryDirectory(prefix="lbl-recipe-") as tmp:
            context = _recipe_context(image, Path(tmp))
            outcome = engine.build(
                context,
                context / "Dockerfile",
                work_tag,
                network="host",
                builder=Builder("legacy"),
                labels={LABEL_STANDIN: "true", LABEL_RECIPE: wanted_hash},
                progress=lambda step: say(f"  {image.ref}: {step}"),
            )
        if outcome.image_id is None:
            raise ImageUnavailable(
                f"the stand-in for {image.ref} failed to build: {outcome.error}",
                path=image.recipe_dir / "Dockerfile",
                hint="is a Debian mirror reachable? the log is above",
            )
        image_id = outcome.image_id
    provides = _provides(engine, image_id, image.version_file)
    _finish(
        engine,
        image_id,
        image.ref,
        {LABEL_STANDIN: "true", LABEL_RECIPE: wanted_hash, LABEL_PROVIDES: provides},
    )
    engine.untag(work_tag)
    say(f"{image.ref}: ready (stand-in: {provides})")
    return ImageStatus(image.ref, True, provides)


def _recipe_context(image: CatalogImage, tmp: Path) -> Path:
    """The recipe's folder, plus host-ca/ (empty on most machines) when the recipe asks for it."""
    if not image.trust_host_cas:
        return image.recipe_dir
    context = tmp / image.recipe
    shutil.copytree(image.recipe_dir, context)
    (context / "host-ca").mkdir()
    for path in host_cas():
        shutil.copyfile(path, context / "host-ca" / path.name)
    return context


def _debootstrap(engine: Engine, image: CatalogImage, work_tag: str, say: Say) -> str:
    suite = image.ref.split(":", 1)[1].split("-", 1)[0]
    if os.geteuid() != 0:
        raise ImageUnavailable(
            f"building the {image.ref} stand-in needs root (debootstrap)",
            hint="run as root, or enable pulling with LAYERBYLAYER_PULL=missing where a registry answers",
        )
    if shutil.which("debootstrap") is None:
        apt_install(["debootstrap"], say)
    with tempfile.TemporaryDirectory(prefix="lbl-rootfs-", dir="/var/tmp") as tmp:
        rootfs = Path(tmp) / "rootfs"
        say(f"  debootstrap --variant=minbase {suite} (about a minute)")
        # debootstrap's own default mirror: this repository names no registry host.
        proc = subprocess.Popen(
            ["debootstrap", "--variant=minbase", suite, str(rootfs)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("I: Base system installed") or line.startswith("I: Retrieving Packages"):
                say(f"  {line.strip()}")
        if proc.wait() != 0:
            raise ImageUnavailable(f"debootstrap {suite} failed", hint="is a Debian mirror reachable?")
        _trim_rootfs(rootfs)
        tarball = Path(tmp) / "rootfs.tar"
        subprocess.run(["tar", "-C", str(rootfs), "-cf", str(tarball), "."], check=True)
        return engine.import_rootfs(tarball, work_tag, changes=['CMD ["bash"]'])


# What Debian's own container images do: keep apt's downloads and indexes out of layers.
_APT_CLEAN = """\
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
"""


def _trim_rootfs(rootfs: Path) -> None:
    for pattern in ("var/cache/apt/archives/*.deb", "var/cache/apt/*.bin", "var/lib/apt/lists/*"):
        for path in rootfs.glob(pattern):
            if path.is_file():
                path.unlink()
    (rootfs / "etc/apt/apt.conf.d/docker-clean").write_text(_APT_CLEAN)


def _provides(engine: Engine, image_id: str, version_file: str) -> str:
    data = engine.create_and_read(image_id, version_file)
    if data is None:
        return "unknown version"
    text = data.decode(errors="replace")
    for line in text.splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"')
    return text.splitlines()[0].strip() if text.strip() else "unknown version"


def _finish(engine: Engine, image_id: str, ref: str, labels: dict[str, str]) -> None:
    """Label the stand-in with what it provides: a metadata-only build adds no layer."""
    dockerfile = f"FROM {image_id}\n".encode()
    engine.build_from_bytes(dockerfile, ref, labels=labels)


def describe_standins(statuses: Iterable[ImageStatus]) -> list[str]:
    return [s.describe() for s in statuses if s.standin]
