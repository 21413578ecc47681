"""Goals for a run script that builds with Podman instead of Docker (lab 13, optional).

Before the script runs, the grader sets up what a student's own machine would have: a
Podman store (private to this run, see ``checks/podman.py``) that already holds the base
images, copied from Docker's store because no registry may be reachable, and the workdir
holding the Dockerfile and app to build. The script's plain ``podman`` commands use that
store through the environment. Goals then look in the store for the image the script named
``$LBL_PREFIX-IMAGE``, run it under Podman, and compare it with Docker's build.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from checks import podman
from checks.errors import CheckError
from checks.goals import Check, Verdict
from checks.goals.script import scripted

if TYPE_CHECKING:
    from checks.scripted import ScriptSubject

STORE = "podman-store"


def _store(subject: ScriptSubject, source: str, bases: tuple[str, ...]) -> podman.PodmanStore:
    """The run's Podman store, made on first use: bases loaded, ``source`` copied into the workdir."""
    store = subject.prepared.get(STORE)
    if isinstance(store, podman.PodmanStore):
        return store
    podman.require(subject.file)
    lab_dir = subject.exercise.lab_dir
    src = lab_dir.parent / source
    # What the script builds: the lab-08 exercise's app, its solution beside it as Dockerfile.
    shutil.copytree(src / "app", subject.workdir, dirs_exist_ok=True)
    shutil.copyfile(src / "solution" / "Dockerfile", subject.workdir / "Dockerfile")
    store = podman.PodmanStore(subject.prefix)
    subject.on_cleanup.append(store.remove)
    subject.prepared[STORE] = store
    if subject.progress:
        subject.progress(f"copying {', '.join(bases)} from Docker into a private Podman store")
    archive = subject.engine.save_images(list(bases), store.dir / "bases.tar")
    store.load(archive)
    archive.unlink()
    subject.env.update(store.env)
    return store


def _image_ref(subject: ScriptSubject, name: str) -> str:
    return f"{subject.prefix}-{name}"


def builds(name: str, *, source: str, bases: tuple[str, ...]) -> Check:
    """The script ran and left ``$LBL_PREFIX-NAME`` in the Podman store."""

    def run(subject: ScriptSubject) -> Verdict:
        v = Verdict()
        store = _store(subject, source, bases)
        result = subject.run()
        ref = _image_ref(subject, name)
        found = store.image(ref)
        v.measured["script_seconds"] = round(result.seconds, 1)
        if found is None:
            tail = " / ".join(result.output.strip().splitlines()[-3:]) or "no output"
            in_docker = ref in " ".join(subject.objects().images)
            v.expect(False, f"an image {ref} in Podman's store",
                     "none" + (", though Docker has one: the script built with docker" if in_docker else "")
                     + f" (script exit {result.exit_code}: {tail})")
        else:
            v.measured["podman_size_mb"] = round(int(found.get("Size", 0)) / 1e6, 2)
        return v

    return scripted(run)


def answers(name: str, *, port: int, path: str = "/", within_s: float = 5) -> Check:
    """The Podman-built image runs under Podman, sandboxed, and answers HTTP on its own loopback.

    There is no network (``--network none``); the probe is busybox ``wget`` run inside the
    container with ``podman exec``: lab 08's alpine final stage has it."""

    def run(subject: ScriptSubject) -> Verdict:
        v = Verdict()
        store = subject.prepared.get(STORE)
        ref = _image_ref(subject, name)
        if not isinstance(store, podman.PodmanStore) or store.image(ref) is None:
            v.expect(False, f"an image {ref} to run", "none: it was not built with Podman")
            return v
        container = f"{ref}-run"
        started = store.run("run", "--detach", "--pull=never", "--name", container, "--network", "none",
                            "--cap-drop", "all", "--security-opt", "no-new-privileges", "--memory", "256m",
                            "--pids-limit", "128", "--read-only", ref, check=False)
        if started.returncode != 0:
            last = (started.stderr.strip().splitlines() or ["no message"])[-1]
            v.expect(False, "the container to start under Podman", last)
            return v
        url = f"http://127.0.0.1:{port}{path}"
        deadline = time.monotonic() + within_s
        got = "no answer"
        while time.monotonic() < deadline:
            # No `wget -T`: the alpine stand-in's busybox (Debian 1.35) segfaults with it.
            try:
                probe = store.run("exec", container, "wget", "-q", "-O", "-", url, check=False, timeout=3)
            except CheckError:  # this probe hung: the next one may answer
                continue
            if probe.returncode == 0:
                v.measured["answer"] = probe.stdout.strip()[:80]
                return v
            got = (probe.stderr.strip().splitlines() or [f"wget exit {probe.returncode}"])[-1]
            time.sleep(0.3)
        logs = store.run("logs", container, check=False).stdout.strip()[-200:]
        v.expect(False, f"HTTP 200 from {url} within {within_s:.0f} s",
                 got + (f"; logs: {logs}" if logs else ""))
        return v

    return scripted(run)


def same_size_as_docker(name: str, *, tolerance: float = 0.10) -> Check:
    """Docker builds the same Dockerfile; both images' sizes agree within ``tolerance``.

    Sizes are each engine's own figure: the uncompressed layers of the image."""

    def run(subject: ScriptSubject) -> Verdict:
        v = Verdict()
        store = subject.prepared.get(STORE)
        found = store.image(_image_ref(subject, name)) if isinstance(store, podman.PodmanStore) else None
        if found is None:
            v.expect(False, "a Podman image to compare", "none: it was not built with Podman")
            return v
        dockerfile = Path(subject.workdir) / "Dockerfile"
        outcome = subject.engine.build(subject.workdir, dockerfile, _image_ref(subject, f"docker-{name}"),
                                       progress=subject.progress)
        if outcome.image_id is None:
            v.expect(False, "Docker to build the same Dockerfile", outcome.error or "a failed build")
            return v
        docker_size = int(subject.engine.inspect_image(outcome.image_id).get("Size", 0))
        podman_size = int(found.get("Size", 0))
        v.measured.update(docker_size_mb=round(docker_size / 1e6, 2),
                          podman_size_mb=round(podman_size / 1e6, 2))
        ratio = podman_size / docker_size if docker_size else 0.0
        v.notes.append(f"Docker: {docker_size / 1e6:.2f} MB, Podman: {podman_size / 1e6:.2f} MB")
        v.expect(abs(ratio - 1) <= tolerance, f"sizes within {tolerance:.0%} of each other",
                 f"Docker {docker_size / 1e6:.2f} MB, Podman {podman_size / 1e6:.2f} MB")
        return v

    return scripted(run)
