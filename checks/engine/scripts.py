"""Student scripts and compose files run with a name prefix, and the course's own registry."""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import docker
import docker.errors
import docker.utils
from docker.types import LogConfig

from checks import buildlog
from checks.engine.core import (
    CommandResult,
    EngineCore,
    HostAnswer,
    NamedObjects,
    ScriptResult,
    _compose_argv,
    _kill_group,
    _short,
)
from checks.errors import CheckError


class Scripts(EngineCore):
    # -- scripts and compose files (labs 06, 07, 09) -------------------------------------------
    #
    # There the student writes what runs Docker (a run script, a compose file), so the grader
    # runs it with a name prefix unique to this run and then looks at what it made. Objects are
    # found by that prefix (or by Compose's project label), not by our labels, which the
    # student's commands cannot carry.

    @property
    def prefix(self) -> str:
        """The name prefix a graded script gives everything it creates (``$LBL_PREFIX``)."""
        return f"lbl-{self.run_id}"

    def run_script(self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float, *,
                   separate_stderr: bool = False) -> ScriptResult:
        """Run a student's script to its end; at the deadline its whole process group is killed.

        With ``separate_stderr``, ``output`` is stdout alone (a document to parse, say) and
        stderr goes to ``errors``."""
        start = time.perf_counter()
        full_env = {**os.environ, "LBL_PREFIX": self.prefix, "COMPOSE_PROJECT_NAME": self.prefix, **env}
        with self._timed("script"):
            try:
                proc = subprocess.Popen(argv, cwd=cwd, env=full_env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE if separate_stderr else subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True,
                                        errors="replace", start_new_session=True)
            except OSError as e:
                raise CheckError(f"could not run {argv[0]}: {e.strerror}", path=Path(argv[-1])) from e
            # Read as it comes, into a bounded buffer: a script may print without end.
            log = buildlog.LogBuffer(head_bytes=16 * 1024, tail_bytes=64 * 1024)
            errors = buildlog.LogBuffer(head_bytes=16 * 1024, tail_bytes=16 * 1024)
            readers = [threading.Thread(target=lambda: [log.add(line) for line in proc.stdout], daemon=True)]
            if proc.stderr is not None:
                readers.append(threading.Thread(target=lambda: [errors.add(line) for line in proc.stderr],
                                                daemon=True))
            for reader in readers:
                reader.start()
            try:
                code: int | None = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                code = None
            _kill_group(proc)  # a background child of the script must not outlive it
            for reader in readers:
                reader.join(5)
        return ScriptResult(code, log.text(), time.perf_counter() - start, errors.text())

    def fetch_published(self, port: int, path: str, within_s: float) -> HostAnswer:
        """GET ``path`` from a port published on the host's 127.0.0.1, retrying until it answers.

        Loopback only, and past any proxy the environment names: the answer must come from
        the container behind the port, never from somewhere else."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        start = time.perf_counter()
        problem = ""
        last_error: HostAnswer | None = None  # the last 5xx, reported if nothing better comes
        with self._timed("runtime"):
            while True:
                # Each try may take what is left of the time: an app can be slow to say no (a
                # name that does not resolve takes the resolver's full timeout, 10 s by default).
                wait = max(3.0, within_s - (time.perf_counter() - start))
                try:
                    with opener.open(f"http://127.0.0.1:{port}{path}", timeout=wait) as response:
                        body = response.read(64 * 1024).decode(errors="replace")
                        return HostAnswer(response.status, body, time.perf_counter() - start)
                except urllib.error.HTTPError as e:
                    body = e.read(64 * 1024).decode(errors="replace")
                    last_error = HostAnswer(e.code, body, time.perf_counter() - start)
                    if e.code < 500:
                        return last_error
                except (OSError, http.client.HTTPException) as e:
                    problem = str(getattr(e, "reason", e)) or type(e).__name__
                if time.perf_counter() - start >= within_s:
                    if last_error is not None:
                        return last_error
                    return HostAnswer(None, "", time.perf_counter() - start, problem)
                time.sleep(0.3)

    def inspect_container(self, ref: str) -> dict[str, Any] | None:
        """``docker inspect`` of one container, or None when it is gone."""
        with self._translate(f"inspect container {ref}"):
            try:
                return self.client.api.inspect_container(ref)
            except docker.errors.NotFound:
                return None

    def compose_command(self) -> list[str]:
        """`docker compose` where the plugin exists, else Debian's `docker-compose`."""
        # Asked once per process: `docker-compose version` alone takes over a second.
        argv = _compose_argv()
        if argv:
            return list(argv)
        raise CheckError("neither `docker compose` nor `docker-compose` is installed",
                         hint="install Docker's compose plugin, or on Debian: apt-get install docker-compose")

    def named_objects(self, prefix: str | None = None) -> NamedObjects:
        """Containers, networks, volumes and images named with ``prefix`` (default: this run's),
        or made by a Compose project of that name."""
        prefix = prefix or self.prefix
        api = self.client.api
        project = {"label": f"com.docker.compose.project={prefix}"}

        def ours(names: list[str]) -> bool:
            return any(n.lstrip("/").startswith(prefix) for n in names)

        with self._translate("list what the script created"):
            containers = {c["Id"]: c for c in api.containers(all=True) if ours(c.get("Names") or [])}
            containers.update({c["Id"]: c for c in api.containers(all=True, filters=project)})
            networks = {n["Id"]: n for n in api.networks() if ours([n["Name"]])}
            networks.update({n["Id"]: n for n in api.networks(filters=project)})
            all_volumes = api.volumes().get("Volumes") or []
            volumes = {v["Name"]: v for v in all_volumes if ours([v["Name"]])}
            volumes.update({v["Name"]: v for v in api.volumes(filters=project).get("Volumes") or []})
            images = [i for i in api.images() if ours(i.get("RepoTags") or [])]
        return NamedObjects(
            containers=tuple(api.inspect_container(i) for i in containers),
            networks=tuple(api.inspect_network(i) for i in networks),
            volumes=tuple(volumes.values()),
            images=tuple(t for i in images for t in i.get("RepoTags") or [] if t.startswith(prefix)),
        )

    def remove_named(self, prefix: str | None = None) -> list[str]:
        """Remove what ``named_objects`` finds: the grader's own cleanup after a script."""
        found = self.named_objects(prefix)
        api = self.client.api
        removed: list[str] = []
        gone = (docker.errors.NotFound, docker.errors.APIError)
        with self._timed("cleanup"), self._translate("clean up after the script"):
            for c in found.containers:
                with contextlib.suppress(*gone):
                    api.remove_container(c["Id"], force=True, v=True)
                    removed.append(f"container {c['Name'].lstrip('/')}")
            for n in found.networks:
                with contextlib.suppress(*gone):
                    api.remove_network(n["Id"])
                    removed.append(f"network {n['Name']}")
            for v in found.volumes:
                with contextlib.suppress(*gone):
                    api.remove_volume(v["Name"], force=True)
                    removed.append(f"volume {v['Name']}")
            for ref in found.images:
                with contextlib.suppress(*gone):
                    api.remove_image(ref, force=True, noprune=True)
                    removed.append(f"image {ref}")
        return removed

    def exec_in(self, container: Any, argv: list[str], timeout: float = 20) -> CommandResult:
        """Run ``argv`` inside a running container (``docker exec``, as its USER) and wait for it.
        ``container`` is a name, an id or a container object; a stopped one gives 126."""
        ref = getattr(container, "id", container)
        with self._timed("runtime"), self._translate("run a command in a container"):
            api = self.client.api
            try:
                exec_id = api.exec_create(ref, argv)["Id"]
            except docker.errors.APIError as e:
                if e.status_code not in (404, 409):  # gone, or no longer running
                    raise
                return CommandResult(126, f"the container is not running ({_short(e)})")
            result: list[bytes] = []
            reader = threading.Thread(target=lambda: result.append(api.exec_start(exec_id)), daemon=True)
            reader.start()
            reader.join(timeout)
            if reader.is_alive():
                return CommandResult(None, "")
            code = api.exec_inspect(exec_id).get("ExitCode")
        return CommandResult(code, (result[0] if result else b"").decode(errors="replace"))

    # -- a private registry on loopback (lab 09) -------------------------------------------------

    def start_registry(self, image: str, htpasswd: Path | None = None, within_s: float = 30) -> str:
        """Start ``image`` (a registry:2) on a network of our own, published on a free port of
        127.0.0.1 only, and return its address. Its storage is a tmpfs: pushed data dies with it."""
        name = f"lbl-{self.run_id}-registry"
        env: dict[str, str] = {}
        volumes: dict[str, dict[str, str]] = {}
        if htpasswd is not None:
            env = {"REGISTRY_AUTH": "htpasswd", "REGISTRY_AUTH_HTPASSWD_REALM": "layer-by-layer",
                   "REGISTRY_AUTH_HTPASSWD_PATH": "/auth/htpasswd"}
            volumes = {str(htpasswd.parent): {"bind": "/auth", "mode": "ro"}}
        with self._timed("runtime"), self._translate(f"start a registry from {image}"):
            # The engine has no default bridge: a published port needs a network of our own.
            network = self.client.networks.create(name, labels=self.labels)
            container = self.client.containers.run(
                image, detach=True, name=name, labels=self.labels, network=network.name,
                ports={"5000/tcp": ("127.0.0.1", None)}, environment=env, volumes=volumes,
                tmpfs={"/var/lib/registry": "size=512m"}, mem_limit="256m", pids_limit=256,
                cap_drop=["ALL"], security_opt=["no-new-privileges"], read_only=True,
                log_config=LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
            )
            container.reload()
            port = container.attrs["NetworkSettings"]["Ports"]["5000/tcp"][0]["HostPort"]
        address = f"127.0.0.1:{port}"
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            # docker-proxy accepts connections before the registry listens: ask for /v2/ itself.
            try:
                no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                no_proxy.open(f"http://{address}/v2/", timeout=2).close()
                return address
            except urllib.error.HTTPError as e:
                if e.code == 401:  # answering, and asking for the credentials it should
                    return address
            except OSError:
                pass
            time.sleep(0.2)
        raise CheckError(f"the course's registry did not answer on {address} within {within_s:g} s",
                         hint="see `docker logs " + name + "`; is registry:2 a working image here?")

    def stop_registry(self) -> None:
        """Remove the registry ``start_registry`` made, with its network and its data."""
        name = f"lbl-{self.run_id}-registry"
        api = self.client.api
        with self._timed("cleanup"), self._translate("remove the course's registry"):
            for remove in (lambda: api.remove_container(name, force=True, v=True),
                           lambda: api.remove_network(name)):
                with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                    remove()

    def remove_images_named(self, repository_prefix: str) -> list[str]:
        """Remove every tag and digest reference starting with ``repository_prefix`` (what a
        script pushed to, or pulled from, the course's registry)."""
        api = self.client.api
        removed: list[str] = []
        with self._timed("cleanup"), self._translate("remove the registry's images"):
            for image in api.images():
                refs = [*(image.get("RepoTags") or []), *(image.get("RepoDigests") or [])]
                for ref in refs:
                    if ref.startswith(repository_prefix):
                        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                            api.remove_image(ref, noprune=True)
                            removed.append(f"image {ref}")
        return removed
