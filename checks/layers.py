"""The files of an image, read from the layer tars of ``docker save``.

Reading layers instead of running a shell works on ``scratch`` and distroless images,
and it tells which layer brought each file in. Whiteouts are applied the way the
overlay filesystem applies them, so the result is what a container would see.
"""

from __future__ import annotations

import fnmatch
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative, no leading slash: "usr/bin/go"
    size: int
    mode: int
    kind: str  # "file", "dir", "symlink", "hardlink", "other"
    layer: int  # index into the image's layers, bottom first
    target: str = ""


@dataclass
class FileIndex:
    """The merged filesystem of an image, and small files' contents when asked for."""

    files: dict[str, FileEntry] = field(default_factory=dict)
    layer_count: int = 0
    layer_origins: list[str] = field(default_factory=list)  # what created each layer
    history_empty: list[bool] = field(default_factory=list)  # per history entry: made no layer?
    contents: dict[str, bytes] = field(default_factory=dict)

    def matching(self, pattern: str) -> list[FileEntry]:
        """Entries whose path matches a glob; ``**/`` also matches at the top level."""
        pattern = pattern.lstrip("/")
        patterns = {pattern}
        if pattern.startswith("**/"):
            patterns.add(pattern[3:])
        return [e for p, e in self.files.items() if any(fnmatch.fnmatchcase(p, q) for q in patterns)]

    def history_index(self, layer: int) -> int | None:
        """The position in the image's history of the entry that made layer ``layer``."""
        made = [i for i, empty in enumerate(self.history_empty) if not empty]
        return made[layer] if layer < len(made) else None

    def get(self, path: str) -> FileEntry | None:
        return self.files.get(path.lstrip("/"))

    def largest(self, count: int = 5) -> list[FileEntry]:
        regular = [e for e in self.files.values() if e.kind == "file"]
        return sorted(regular, key=lambda e: e.size, reverse=True)[:count]


def scan_saved_image(archive: Path, keep: tuple[str, ...] = ("etc/passwd", "etc/group")) -> FileIndex:
    """Merge the layers of a ``docker save`` archive into one FileIndex."""
    index = FileIndex()
    with tarfile.open(archive, mode="r:") as outer:
        manifest = json.load(_member(outer, "manifest.json"))
        layer_paths = manifest[0]["Layers"]
        index.layer_count = len(layer_paths)
        config = json.load(_member(outer, manifest[0]["Config"]))
        history = config.get("history", [])
        index.layer_origins = [str(h.get("created_by", "")) for h in history if not h.get("empty_layer")]
        index.history_empty = [bool(h.get("empty_layer")) for h in history]
        for number, layer_path in enumerate(layer_paths):
            with tarfile.open(fileobj=_member(outer, layer_path), mode="r:") as layer:
                _apply_layer(index, layer, number, keep)
    return index


def _member(outer: tarfile.TarFile, name: str):
    handle = outer.extractfile(name)
    if handle is None:
        raise ValueError(f"{name} is missing from the saved image")
    return handle


def _apply_layer(index: FileIndex, layer: tarfile.TarFile, number: int, keep: tuple[str, ...]) -> None:
    for member in layer:
        path = _normalise(member.name)
        if not path:
            continue
        name = PurePosixPath(path).name
        parent = str(PurePosixPath(path).parent)
        if name == OPAQUE:
            _remove_tree(index, "" if parent == "." else parent, keep_root=True)
            continue
        if name.startswith(WHITEOUT):
            hidden = name[len(WHITEOUT) :]
            _remove_tree(index, hidden if parent == "." else f"{parent}/{hidden}", keep_root=False)
            continue
        if member.isdir():
            kind = "dir"
        elif member.issym():
            kind = "symlink"
        elif member.islnk():
            kind = "hardlink"
        elif member.isfile():
            kind = "file"
        else:
            kind = "other"
        index.files[path] = FileEntry(path, member.size, member.mode, kind, number, member.linkname)
        if path in keep and member.isfile():
            handle = layer.extractfile(member)
            if handle is not None:
                index.contents[path] = handle.read()


def _remove_tree(index: FileIndex, root: str, *, keep_root: bool) -> None:
    prefix = f"{root}/" if root else ""
    doomed = [p for p in index.files if p.startswith(prefix) or (not keep_root and p == root)]
    for p in doomed:
        if keep_root and p == root:
            continue
        del index.files[p]
        index.contents.pop(p, None)


def _normalise(name: str) -> str:
    return name.removeprefix("./").strip("/")


def passwd_uid(index: FileIndex, user: str) -> int | None:
    """The uid of ``user`` from the image's /etc/passwd, or None if it is not listed."""
    data = index.contents.get("etc/passwd", b"").decode(errors="replace")
    for line in data.splitlines():
        fields = line.split(":")
        if len(fields) >= 3 and fields[0] == user and fields[2].isdigit():
            return int(fields[2])
    return None


@dataclass(frozen=True)
class BytesHit:
    """Where a searched-for byte string turned up in a saved image."""

    layer: int | None  # index into the image's layers, bottom first; None for the config
    path: str  # the file inside the layer, or the archive member (the config) that held it

    def describe(self) -> str:
        if self.layer is None:
            return f"the image config ({self.path}: history, env, labels)"
        return f"/{self.path} in layer {self.layer + 1}"


def find_bytes_in_layers(archive: Path, needle: bytes, chunk: int = 1 << 20) -> list[BytesHit]:
    """Every place ``needle`` occurs in a ``docker save`` archive: the content (and name) of
    every file in every layer tar, whiteouts and files later deleted included, and the image
    config, which holds the history. Unlike ``scan_saved_image`` nothing is merged: a secret
    that a later layer hid is still in the archive anyone can pull, so it counts.
    """
    if not needle:
        raise ValueError("the byte string to look for is empty")
    hits: list[BytesHit] = []
    with tarfile.open(archive, mode="r:*") as outer:
        manifest_handle = outer.extractfile("manifest.json")
        if manifest_handle is None:
            raise ValueError("manifest.json is missing from the saved image")
        manifest = json.load(manifest_handle)[0]
        config_handle = outer.extractfile(manifest["Config"])
        if config_handle is not None and _stream_holds(config_handle, needle, chunk):
            hits.append(BytesHit(None, manifest["Config"]))
        for number, layer_path in enumerate(manifest["Layers"]):
            layer_handle = outer.extractfile(layer_path)
            if layer_handle is None:
                raise ValueError(f"{layer_path} is missing from the saved image")
            with tarfile.open(fileobj=layer_handle, mode="r:*") as layer:
                for member in layer:
                    name = member.name.removeprefix("./").strip("/")
                    found = needle in member.name.encode(errors="surrogateescape")
                    found = found or needle in member.linkname.encode(errors="surrogateescape")
                    if not found and member.isfile():
                        handle = layer.extractfile(member)
                        found = handle is not None and _stream_holds(handle, needle, chunk)
                    if found:
                        hits.append(BytesHit(number, name))
    return hits


def _stream_holds(handle: IO[bytes], needle: bytes, chunk: int) -> bool:
    """Whether ``needle`` occurs in the stream, also across the boundary of two reads."""
    overlap = b""
    size = max(chunk, len(needle))
    while block := handle.read(size):
        window = overlap + block
        if needle in window:
            return True
        overlap = window[-(len(needle) - 1):] if len(needle) > 1 else b""
    return False
