"""The offline bundle, round trip on real engines: bundle here, load on an empty engine, grade.

"Remove the images, load, grade" cannot remove the catalog images from the shared engine
(other graders use them at the same moment). The student's laptop is played instead by a
second, private dockerd that this test starts with its own data root, socket and
containerd: it starts with no image at all, so every image it grades with must have come
from the bundle. The shared engine is only read (``docker save``).
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from conftest import run_cli

from checks import bundle, images, lab
from checks.engine import Engine
from checks.grade import grade_exercise

GO_IMAGES = ("golang:1.22-alpine", "alpine:3.20")  # lab 08 go: the builder, the runtime and the probe


@pytest.fixture(scope="module")
def empty_engine() -> Iterator[str]:
    """A private dockerd with an empty image store, as on a fresh laptop; gone afterwards."""
    root = Path(f"/var/tmp/lbl-bundle-test-{os.getpid()}")
    root.mkdir(parents=True)
    (root / "daemon.json").write_text("{}")
    host = f"unix://{root}/docker.sock"
    log = (root / "dockerd.log").open("w")
    daemon = subprocess.Popen(
        ["dockerd", "--data-root", str(root / "data"), "--exec-root", str(root / "exec"),
         "--pidfile", str(root / "dockerd.pid"), "-H", host, "--config-file", str(root / "daemon.json"),
         "--bridge", "none", "--iptables=false", "--ip-forward=false", "--ip-masq=false"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                docker.APIClient(base_url=host, timeout=5).ping()
                break
            except Exception:
                alive = daemon.poll() is None and time.monotonic() < deadline
                assert alive, (root / "dockerd.log").read_text()
                time.sleep(0.5)
        yield host
    finally:
        daemon.terminate()
        daemon.wait(60)
        subprocess.run(["rm", "-rf", str(root)], check=False)


def test_unique_bytes_counts_a_shared_base_once() -> None:
    facts = {"base": (("a",), 100), "child": (("a", "b"), 150), "other": (("c",), 30)}
    assert bundle.unique_bytes(facts) == 100 + 50 + 30


def test_round_trip_restores_images_that_grading_uses(
    empty_engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "class.tar"
    started = time.perf_counter()
    made = run_cli("bundle", "--images", ",".join(GO_IMAGES), "--out", str(out))
    assert made.code == 0, made.output
    assert "bundle written" in made.output
    with tarfile.open(out) as tar:
        names = tar.getnames()
    assert names[0] == bundle.MANIFEST and bundle.IMAGES_TAR in names
    assert "site/index.html" in names and any(n.startswith("wheels/docker-") for n in names)
    assert any(n.startswith("wheels/nox-") for n in names)

    shared = Engine()
    on_shared = {ref: (shared.image_id(ref), images.status(shared, ref)) for ref in GO_IMAGES}
    monkeypatch.setenv("DOCKER_HOST", empty_engine)
    laptop = Engine()
    assert not any(laptop.image_exists(ref) for ref in GO_IMAGES), "the laptop engine must start empty"
    loaded = run_cli("bundle", "--load", str(out), "--out", str(tmp_path / "unpacked"),
                     env={"DOCKER_HOST": empty_engine})
    assert loaded.code == 0, loaded.output
    assert "bundle verified and loaded" in loaded.output
    assert (tmp_path / "unpacked" / "site" / "index.html").is_file()
    for ref in GO_IMAGES:  # the same image ids (config digests), and still labelled as stand-ins
        assert (laptop.image_id(ref), images.status(laptop, ref)) == on_shared[ref]

    the_lab = lab.find("08")
    exercise = the_lab.exercise("go")
    try:
        result = grade_exercise(laptop, the_lab, exercise, the_lab.rubric()["go"], exercise.solution,
                                standins=[])
    finally:
        laptop.cleanup()
    assert result.status == "pass", [(g.id, g.message) for g in result.goals if g.status != "pass"]
    print(f"bundle {bundle.human_size(out.stat().st_size)}, round trip {time.perf_counter() - started:.0f} s")


def _rewrite(source: Path, dest: Path, change: str) -> None:
    """Copy a bundle, altering one member: flip a byte of images.tar, or add a stray file."""
    with tarfile.open(source) as src, tarfile.open(dest, "w") as out:
        for member in src.getmembers():
            data = src.extractfile(member)
            if change == "flip" and member.name == bundle.IMAGES_TAR and data is not None:
                content = bytearray(data.read())
                content[len(content) // 2] ^= 0xFF
                out.addfile(member, io.BytesIO(bytes(content)))
            else:
                out.addfile(member, data)
        if change == "stray":
            info = tarfile.TarInfo("wheels/evil-1.0-py3-none-any.whl")
            info.size = 4
            out.addfile(info, io.BytesIO(b"evil"))


@pytest.mark.parametrize(("change", "words"), [("flip", "images.tar does not match its checksum"),
                                                ("stray", "do not match its manifest")])
def test_a_changed_bundle_is_refused_before_loading(tmp_path: Path, change: str, words: str) -> None:
    good = tmp_path / "good.tar"
    made = run_cli("bundle", "--images", "alpine:3.20", "--no-site", "--no-wheels", "--out", str(good))
    assert made.code == 0, made.output
    bad = tmp_path / "bad.tar"
    _rewrite(good, bad, change)
    result = run_cli("bundle", "--load", str(bad), "--out", str(tmp_path / "unpacked"))
    assert result.code == 2
    assert words in result.output and "bad.tar" in result.output
    assert "Traceback" not in result.output


def test_not_a_bundle_is_named(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    with tarfile.open(junk, "w") as tar:
        tar.add(__file__, arcname="readme.txt")
    result = run_cli("bundle", "--load", str(junk))
    assert result.code == 2 and "not a course bundle" in result.output and "junk.tar" in result.output
