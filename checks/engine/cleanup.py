"""Removing what carries our labels, and only that."""

from __future__ import annotations

import contextlib

import docker
import docker.errors
import docker.utils

from checks.engine.core import (
    LABEL_MANAGED,
    LABEL_RUN,
    EngineCore,
)


class Cleanup(EngineCore):
    # -- cleanup ------------------------------------------------------------------------------

    def cleanup(self, *, everything: bool = False, keep_images: bool = False) -> list[str]:
        """Remove what carries our labels: this run's, or every run's with ``everything``.

        Lists come from the raw API (one request each): docker-py's ``.list()`` fetches every
        object again, and another grader removing its own things meanwhile would make that
        fail. Anything gone by the time we remove it is simply gone.
        """
        selector = LABEL_MANAGED + "=true" if everything else f"{LABEL_RUN}={self.run_id}"
        removed: list[str] = []
        api = self.client.api
        gone = (docker.errors.NotFound, docker.errors.APIError)
        with self._timed("cleanup"), self._translate("clean up after grading"):
            for container in api.containers(all=True, filters={"label": selector}):
                with contextlib.suppress(*gone):
                    api.remove_container(container["Id"], force=True, v=True)
                    removed.append(f"container {container['Names'][0].lstrip('/')}")
            for network in api.networks(filters={"label": selector}):
                with contextlib.suppress(*gone):
                    api.remove_network(network["Id"])
                    removed.append(f"network {network['Name']}")
            for volume in api.volumes(filters={"label": selector}).get("Volumes") or []:
                with contextlib.suppress(*gone):
                    api.remove_volume(volume["Name"], force=True)
                    removed.append(f"volume {volume['Name']}")
            if keep_images:
                return removed
            for image in api.images(filters={"label": selector}):
                for ref in image.get("RepoTags") or [image["Id"]]:
                    if ref == "<none>:<none>":
                        ref = image["Id"]
                    # noprune keeps the parent layers, which are the next build's cache.
                    with contextlib.suppress(*gone):
                        api.remove_image(ref, force=True, noprune=True)
                        removed.append(f"image {ref}")
            for image_id in reversed(self._disposable):
                with contextlib.suppress(*gone):
                    if api.inspect_image(image_id).get("RepoTags"):
                        continue  # tagged: somebody's image, never ours to remove
                    api.remove_image(image_id, noprune=True)
                    removed.append(f"image {image_id[:12]} (one-off build step)")
            self._disposable.clear()
            # The legacy builder applies labels one step at a time, so a graded image's
            # parent carries our first label but not the run id. Once the graded image is
            # gone that parent is dangling (no tag, no child) and is ours to remove; one
            # still under another run's image has a child and is not listed.
            for image in api.images(filters={"label": f"{LABEL_MANAGED}=true", "dangling": True}):
                owner = (image.get("Labels") or {}).get(LABEL_RUN)
                if owner and owner != self.run_id and not everything:
                    continue  # another grader's image, untagged for a moment while it is built
                with contextlib.suppress(*gone):
                    api.remove_image(image["Id"], noprune=True)
                    removed.append(f"image {image['Id'][7:19]} (intermediate)")
        return removed
