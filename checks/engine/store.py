"""The image store: inspect, history, save and load, tag, import, pull."""

from __future__ import annotations

import contextlib
import io
import os
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker
import docker.errors
import docker.utils

from checks.engine.core import (
    ENGINE_HINT,
    TRANSPORT_ERRORS,
    EngineCore,
    _CountingReader,
    _short,
    _split_tag,
)
from checks.errors import CheckError, EngineUnavailable


class ImageStore(EngineCore):
    # -- images -------------------------------------------------------------------------------

    def inspect_image(self, ref: str) -> dict[str, Any]:
        with self._timed("inspect"), self._translate(f"inspect image {ref}"):
            return self.client.api.inspect_image(ref)

    def image_exists(self, ref: str) -> bool:
        try:
            with self._timed("inspect"):  # the engine's work, not the checker's
                self.client.api.inspect_image(ref)
            return True
        except docker.errors.ImageNotFound:
            return False
        except TRANSPORT_ERRORS as e:
            raise EngineUnavailable(f"could not look up image {ref}: {_short(e)}", hint=ENGINE_HINT) from e

    def history(self, ref: str) -> list[dict[str, Any]]:
        with self._timed("inspect"), self._translate(f"read the history of {ref}"):
            return self.client.api.history(ref)

    def save(self, ref: str, dest: Path) -> Path:
        """Write ``docker save`` of one image to ``dest``, for reading its layers."""
        with self._timed("save"), self._translate(f"save image {ref}"), dest.open("wb") as out:
            for chunk in self.client.api.get_image(ref, chunk_size=1 << 20):
                out.write(chunk)
        return dest

    def save_images(self, refs: list[str], dest: Path, progress: Callable[[int], None] | None = None) -> Path:
        """Write ``docker save`` of several images to one tar (shared layers once); ``progress``
        gets the bytes written so far after each chunk."""
        api = self.client.api
        written = 0
        with self._timed("save"), self._translate(f"save {', '.join(refs)}"), dest.open("wb") as out:
            # docker-py's get_image takes one name; the endpoint takes several.
            response = api._get(api._url("/images/get"), params={"names": refs}, stream=True)
            api._raise_for_status(response)
            for chunk in response.iter_content(chunk_size=1 << 20):
                out.write(chunk)
                written += len(chunk)
                if progress:
                    progress(written)
        return dest

    def load_images(self, source: Path, progress: Callable[[int], None] | None = None) -> list[str]:
        """``docker load`` a tar; returns what the engine says it loaded (tags, or ids)."""
        loaded: list[str] = []
        with self._timed("load"), self._translate(f"load images from {source}"), source.open("rb") as f:
            for message in self.client.api.load_image(_CountingReader(f, progress)):
                if "error" in message or "errorDetail" in message:
                    detail = message.get("error") or message["errorDetail"].get("message", "")
                    raise CheckError(f"the engine refused the images: {detail}", path=source)
                text = str(message.get("stream", "")).strip()
                for prefix in ("Loaded image: ", "Loaded image ID: "):
                    if text.startswith(prefix):
                        loaded.append(text.removeprefix(prefix))
        return loaded

    def image_id(self, ref: str) -> str | None:
        """The image's id (the digest of its config, the same on every engine), or None."""
        if not self.image_exists(ref):
            return None
        return str(self.inspect_image(ref)["Id"])

    def registry_has(self, ref: str) -> bool:
        """Whether a registry answers for ``ref`` (its manifest, without pulling any layer)."""
        try:
            self.client.api.inspect_distribution(ref)
            return True
        except TRANSPORT_ERRORS:
            return False

    def info(self) -> dict[str, Any]:
        """`docker info` as the engine reports it."""
        with self._translate("ask the engine for its details"):
            return dict(self.client.api.info())

    def image_store(self) -> str:
        """"containerd" when images live in containerd's snapshotters, else the classic driver name."""
        info = self.info()
        status = dict((str(k), str(v)) for k, v in info.get("DriverStatus") or [])
        if status.get("driver-type") == "io.containerd.snapshotter.v1":
            return "containerd"
        return f"classic ({info.get('Driver', 'unknown')})"

    def default_network(self) -> str:
        """What `docker run` without --network gets: "bridge" when the default bridge exists,
        else "none" (loopback only, as the course's daemon.json sets it up)."""
        with self._translate("list the engine's networks"):
            names = {n["Name"] for n in self.client.api.networks()}
        return "bridge" if "bridge" in names else "none"

    def prune_build_cache(self) -> int:
        """Empty BuildKit's build cache (images stay); returns the bytes freed."""
        with self._translate("prune the build cache"):
            return int(self.client.api.prune_builds().get("SpaceReclaimed") or 0)

    def pull(self, ref: str) -> None:
        with self._timed("pull"), self._translate(f"pull {ref}"):
            self.client.api.pull(ref)

    def tag(self, image_id: str, ref: str) -> None:
        with self._translate(f"tag {ref}"):
            self.client.api.tag(image_id, *_split_tag(ref))

    def untag(self, ref: str) -> None:
        with self._translate(f"untag {ref}"), contextlib.suppress(docker.errors.ImageNotFound):
            self.client.api.remove_image(ref, noprune=True)

    def import_rootfs(self, tarball: Path, ref: str, changes: list[str]) -> str:
        with self._translate(f"import {ref}"):
            repo, tag = _split_tag(ref)
            self.client.api.import_image_from_file(str(tarball), repository=repo, tag=tag, changes=changes)
        return str(self.inspect_image(ref)["Id"])

    def create_and_read(self, ref: str, path: str) -> bytes | None:
        """Read one file from an image without running it (works without a shell)."""
        with self._translate(f"read {path} from {ref}"):
            container = self.client.containers.create(
                ref, command=["/nonexistent"], labels=self.labels, network_mode="none"
            )
            try:
                for _ in range(8):  # follow symlinks such as /etc/os-release -> ../usr/lib/os-release
                    stream, _ = container.get_archive(path)
                    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
                        member = tar.next()
                        if member is None:
                            return None
                        if not member.issym():
                            handle = tar.extractfile(member)
                            return handle.read() if handle else None
                        path = os.path.normpath(os.path.join(os.path.dirname(path), member.linkname))
                return None
            except docker.errors.NotFound:
                return None
            finally:
                container.remove(force=True, v=True)  # and its anonymous volumes (an image's VOLUME)
