"""A small client for the Distribution (registry v2) HTTP API, for the course's own
registry on 127.0.0.1 only: what tags a repository has, what digest a tag names, and
the labels in an image's config blob."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

# A tag's manifest is asked for in every format a push may have stored it in; the digest
# the registry answers with is the one `docker pull NAME@DIGEST` needs.
MANIFEST_TYPES = ", ".join((
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
))


@dataclass(frozen=True)
class Registry:
    address: str  # host:port, always on loopback
    user: str | None = None
    password: str | None = None

    def __post_init__(self) -> None:
        if not self.address.startswith("127.0.0.1:"):
            raise ValueError(f"the course only talks to its own registry on loopback, not {self.address}")

    def status(self, path: str = "/v2/", authenticated: bool = True) -> int:
        try:
            with self._open(path, authenticated=authenticated):
                return 200
        except urllib.error.HTTPError as e:
            return e.code

    def tags(self, repository: str) -> list[str]:
        try:
            with self._open(f"/v2/{repository}/tags/list") as response:
                return sorted(json.load(response).get("tags") or [])
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return []
            raise

    def digest(self, repository: str, reference: str) -> str | None:
        try:
            with self._open(f"/v2/{repository}/manifests/{reference}", method="HEAD") as response:
                return response.headers.get("Docker-Content-Digest")
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise

    def config(self, repository: str, reference: str) -> dict[str, Any]:
        """The image config (labels, history, env) of a single-platform manifest."""
        with self._open(f"/v2/{repository}/manifests/{reference}") as response:
            manifest = json.load(response)
        with self._open(f"/v2/{repository}/blobs/{manifest['config']['digest']}") as response:
            return dict(json.load(response))

    def _open(self, path: str, method: str = "GET", authenticated: bool = True) -> Any:
        request = urllib.request.Request(f"http://{self.address}{path}", method=method)
        request.add_header("Accept", MANIFEST_TYPES)
        if authenticated and self.user is not None:
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        # A registry on loopback must never be reached through a proxy from the environment.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        return opener.open(request, timeout=10)
