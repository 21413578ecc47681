"""Getting a Docker engine (and Debian packages) onto a fresh machine.

Where an engine already answers, nothing changes. Otherwise, as root on Debian or
Ubuntu, install Debian's ``docker.io`` and start ``dockerd`` with the course's
daemon.json: no default bridge and no NAT, so containers get only loopback unless a
goal creates its own network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from checks.engine import Engine
from checks.errors import EngineUnavailable

DAEMON_JSON = {"bridge": "none", "iptables": False, "ip-forward": False, "ip-masq": False}
DAEMON_JSON_PATH = Path("/etc/docker/daemon.json")
LOG_DIR = Path(os.environ.get("LAYERBYLAYER_LOG_DIR", "/var/log/layer-by-layer"))
# After an unclean stop, dockerd first removes every stale network sandbox (seen here: over a
# thousand, at about 14 a second), so a restart can take minutes before the API answers.
READY_TIMEOUT_S = 420

Say = Callable[[str], None]

HOW_TO_GET_AN_ENGINE = (
    "install Docker (Docker Desktop on macOS/Windows, or your distribution's docker package on "
    "Linux) and start it; as root on Debian/Ubuntu, `nox -s engine` does it for you"
)


def engine_version() -> str | None:
    """The engine's version when one answers, else None."""
    try:
        return Engine().version()
    except EngineUnavailable:
        return None


def ensure_engine(say: Say) -> str:
    """Make sure an engine answers; provision one where we may. Returns its version."""
    version = engine_version()
    if version:
        say(f"Docker engine {version} is running; nothing to change.")
        return version
    if not _can_provision():
        raise EngineUnavailable(
            "no Docker engine answers, and this machine cannot be set up "
            "automatically (that needs root on Debian or Ubuntu)",
            hint=HOW_TO_GET_AN_ENGINE,
        )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    if shutil.which("dockerd") is None:
        say(f"Installing Debian's docker.io (the log goes to {LOG_DIR / 'apt.log'})...")
        apt_install(["docker.io"], say)
    _write_daemon_json(say)
    _start_dockerd(say)
    version = _wait_until_ready(say)
    limit_container_pids(say)
    say(f"Docker engine {version} is ready.")
    return version


# Build steps run with no pids limit of their own, and a fork bomb in a student's RUN would
# exhaust the machine's process table (32,768 here) before the build timeout fires. On an
# engine this module started, cap the cgroups every container and every BuildKit step
# lives under. Generous for any real build, fatal only to a runaway.
PIDS_CGROUPS = {Path("/sys/fs/cgroup/pids/docker"): 8192, Path("/sys/fs/cgroup/pids/docker/buildkit"): 4096}


def limit_container_pids(say: Say) -> None:
    for cgroup, limit in PIDS_CGROUPS.items():
        try:
            cgroup.mkdir(exist_ok=True)
            (cgroup / "pids.max").write_text(f"{limit}\n")
        except OSError as e:
            say(f"could not cap processes in {cgroup} ({e.strerror}); a fork bomb in a build "
                "would only be stopped by the build timeout")
            return
    say(f"Capped processes: {PIDS_CGROUPS[Path('/sys/fs/cgroup/pids/docker')]} for all containers, "
        f"{PIDS_CGROUPS[Path('/sys/fs/cgroup/pids/docker/buildkit')]} for BuildKit's build steps.")


def build_pids_limit() -> int | None:
    """The pids cap on BuildKit's build steps, or None where there is none (or no such cgroup)."""
    try:
        value = (Path("/sys/fs/cgroup/pids/docker/buildkit") / "pids.max").read_text().strip()
    except OSError:
        return None
    return int(value) if value.isdigit() else None


def apt_install(packages: list[str], say: Say) -> None:
    """Install Debian packages that are missing, logging apt's output to a file."""
    missing = [p for p in packages if not _dpkg_installed(p)]
    if not missing:
        return
    if not _can_provision():
        raise EngineUnavailable(
            f"{', '.join(missing)} is needed and cannot be installed here",
            hint="install it with your package manager (as root on Debian: "
            f"apt-get install {' '.join(missing)})",
        )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = (LOG_DIR / "apt.log").open("a")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    say(f"apt-get install {' '.join(missing)}")
    for argv in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
    ):
        code = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, env=env).returncode
        if code != 0:
            raise EngineUnavailable(
                f"`{' '.join(argv)}` failed with exit code {code}",
                path=LOG_DIR / "apt.log",
                hint="read the log; is a Debian mirror reachable?",
            )


def _dpkg_installed(package: str) -> bool:
    if shutil.which("dpkg-query") is None:
        return False
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", package], capture_output=True, text=True)
    return out.stdout.strip().endswith("installed") and "not-installed" not in out.stdout


def _can_provision() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def _write_daemon_json(say: Say) -> None:
    if DAEMON_JSON_PATH.exists():
        try:
            current = json.loads(DAEMON_JSON_PATH.read_text() or "{}")
        except json.JSONDecodeError:
            current = None
        if current != DAEMON_JSON:
            say(f"{DAEMON_JSON_PATH} exists with other settings; leaving it as it is.")
        return
    DAEMON_JSON_PATH.parent.mkdir(parents=True, exist_ok=True)
    DAEMON_JSON_PATH.write_text(json.dumps(DAEMON_JSON, indent=2) + "\n")
    say(f"Wrote {DAEMON_JSON_PATH}: no default bridge, no NAT (containers get loopback only).")


def _start_dockerd(say: Say) -> None:
    if Path("/run/systemd/system").is_dir() and shutil.which("systemctl"):
        say("Starting docker with systemctl...")
        subprocess.run(["systemctl", "start", "docker"], check=False)
        return
    log_path = LOG_DIR / "dockerd.log"
    say(f"Starting dockerd in the background (log: {log_path})...")
    log = log_path.open("a")
    # A new session, so the daemon outlives the nox session that started it.
    subprocess.Popen(
        ["dockerd"], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )


def _wait_until_ready(say: Say) -> str:
    start = time.monotonic()
    next_word = start + 15
    while time.monotonic() - start < READY_TIMEOUT_S:
        version = engine_version()
        if version:
            return version
        if time.monotonic() > next_word:
            say(f"  still waiting for dockerd ({time.monotonic() - start:.0f} s; after an unclean stop it "
                "first cleans up old network state)")
            next_word += 15
        time.sleep(0.5)
    tail = ""
    log_path = LOG_DIR / "dockerd.log"
    if log_path.exists():
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-10:])
    raise EngineUnavailable(
        f"dockerd did not answer within {READY_TIMEOUT_S} s"
        + (f"; its log ends with:\n{tail}" if tail else ""),
        path=log_path,
        hint=HOW_TO_GET_AN_ENGINE,
    )
