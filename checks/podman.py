"""The only module that runs Podman: a private, throw-away Podman store for one grading run.

``checks.engine`` stays Docker-only. Podman is daemonless, so "talking to it" means running
its command line; every call goes through ``PodmanStore.run``, with a timeout, and a missing
tool or a failed call becomes a ``CheckError`` (exit 2) instead of a traceback.

The store lives in a temporary folder: images, layers, containers, its lock and event files.
Two environment variables point every ``podman`` and ``buildah`` command at it, the
student's script included, so nothing lands in /var/lib/containers/storage and two graders
never share a store. ``remove`` deletes containers and images, then the folder.

One file escapes: Podman 4.3 keeps a small cache of which blobs it has seen (no images, no
layers) in /var/lib/containers/cache for root, whatever the store, and has no setting for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from checks.errors import CheckError

TOOL = "podman"
INSTALL_HINT = ("this exercise is optional; to do it, install Podman (on Debian/Ubuntu, as root: "
                "`apt-get install podman`)")
DEFAULT_TIMEOUT_S = 120
NPROC = 4096


def available() -> bool:
    return shutil.which(TOOL) is not None


def require(path: Path) -> None:
    """Exit 2 with the missing tool's name, for the file being graded."""
    if not available():
        raise CheckError("`podman` is not installed, and this exercise builds with it", path=path,
                         hint=INSTALL_HINT)


def _limits() -> list[str]:
    # Podman asks the runtime for huge nofile and nproc limits (about a million, and four),
    # and inside a container or an unprivileged session raising them is refused: "error
    # setting rlimit type 7: operation not permitted". Measured here: our own nofile is
    # accepted, nproc even at our own hard limit is not, 4096 is; it also caps a fork bomb.
    nofile, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    nproc, _ = resource.getrlimit(resource.RLIMIT_NPROC)
    nofile = 1024 if nofile == resource.RLIM_INFINITY else nofile
    nproc = NPROC if nproc == resource.RLIM_INFINITY else min(nproc, NPROC)
    return [f'"nofile={nofile}:{nofile}"', f'"nproc={nproc}:{nproc}"']


class PodmanStore:
    """A Podman store in a temporary folder; ``env`` points podman at it."""

    def __init__(self, prefix: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=f"{prefix}-podman-"))
        storage = self.dir / "storage.conf"
        # overlay needs a filesystem that can hold overlay upper dirs (ext4, xfs, btrfs...);
        # the temp folder is on one wherever a Docker engine keeps its own layers.
        storage.write_text(
            "[storage]\n"
            'driver = "overlay"\n'
            f'graphroot = "{self.dir / "root"}"\n'
            f'runroot = "{self.dir / "run"}"\n'
        )
        conf = self.dir / "containers.conf"
        # cgroupfs and a file event log: no systemd needed. tmp_dir keeps podman's own
        # state out of /run/libpod.
        conf.write_text(
            "[containers]\n"
            f"default_ulimits = [{', '.join(_limits())}]\n\n"
            "[engine]\n"
            'cgroup_manager = "cgroupfs"\n'
            'events_logger = "file"\n'
            f'events_logfile_path = "{self.dir / "events.log"}"\n'
            f'tmp_dir = "{self.dir / "tmp"}"\n'
        )
        self.env = {"CONTAINERS_STORAGE_CONF": str(storage), "CONTAINERS_CONF": str(conf)}

    def run(self, *args: str, timeout: float = DEFAULT_TIMEOUT_S, check: bool = True,
            path: Path | None = None) -> subprocess.CompletedProcess[str]:
        """``podman ARGS`` on this store; with ``check``, a non-zero exit stops grading."""
        argv = [TOOL, *args]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=timeout,
                                  env={**os.environ, **self.env}, stdin=subprocess.DEVNULL)
        except FileNotFoundError as e:
            raise CheckError("`podman` is not installed", path=path, hint=INSTALL_HINT) from e
        except subprocess.TimeoutExpired as e:
            raise CheckError(f"`podman {args[0]}` did not finish within {timeout:.0f} s", path=path) from e
        if check and done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise CheckError(f"`podman {' '.join(args[:2])}` failed: {last}", path=path)
        return done

    def load(self, archive: Path) -> None:
        self.run("load", "--quiet", "--input", str(archive), path=archive, timeout=300)

    def image(self, ref: str) -> dict[str, Any] | None:
        """``podman image inspect`` of ``ref``, or None when the store has no such image."""
        done = self.run("image", "inspect", ref, check=False)
        if done.returncode != 0:
            return None
        found = json.loads(done.stdout or "[]")
        return found[0] if found else None

    def images(self) -> list[str]:
        return self.run("images", "--all", "--quiet").stdout.split()

    def containers(self) -> list[str]:
        return self.run("ps", "--all", "--quiet").stdout.split()

    def remove(self) -> None:
        """Remove every container and image, then the folder. Never raises: it runs in cleanup."""
        for args in (("rm", "--all", "--force", "--time", "0"), ("rmi", "--all", "--force")):
            with contextlib.suppress(CheckError):  # a hung podman must not stop the cleanup
                self.run(*args, check=False, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)

