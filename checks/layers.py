"""The files of an image, read from the layer tars of ``docker save``.

Reading layers instead of running a shell works on ``scratch`` and distroless images,
and it tells which layer brought each file in. Whiteouts are applied the way the
overlay filesystem applies them, so the result is what a container would see.
"""

from __future__ import annotations

import fnmatch
import json
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

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


@dataclass(frozen=True)
class RawEntry:
    """One member of one layer tar as stored, whiteout markers included (for wasted bytes)."""

    path: str  # normalised like FileEntry.path; a whiteout keeps its ".wh." name
    size: int
    is_dir: bool


@dataclass
class FileIndex:
    """The merged filesystem of an image, and small files' contents when asked for."""

    files: dict[str, FileEntry] = field(default_factory=dict)
    layer_count: int = 0
    layer_origins: list[str] = field(default_factory=list)  # what created each layer
    history_empty: list[bool] = field(default_factory=list)  # per history entry: made no layer?
    contents: dict[str, bytes] = field(default_factory=dict)
    layer_entries: list[list[RawEntry]] = field(default_factory=list)  # each layer's tar, bottom first

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
    raw: list[RawEntry] = []
    index.layer_entries.append(raw)
    for member in layer:
        path = _normalise(member.name)
        if not path:
            continue
        raw.append(RawEntry(path, member.size, member.isdir()))
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
class WastedPath:
    path: str
    copies: int  # how many layers hold this path (a whiteout counts as one)
    size: int  # the bytes dive charges for it: every copy, and whatever its whiteouts hid


@dataclass(frozen=True)
class Waste:
    """Bytes an image stores that a container can never use, as dive counts them."""

    wasted_bytes: int
    paths: tuple[WastedPath, ...]  # largest first


def wasted_bytes(layers: Sequence[Sequence[RawEntry]]) -> Waste:
    """dive's "wasted bytes" (its ``inefficientBytes``) for an image's layers, bottom first.

    dive looks at the leaves of each layer's tree (files, links, and directories with
    nothing below them in that layer). Every path that is a leaf in two or more layers is
    charged the size of *every* copy, the final one included. A whiteout of a file adds 0
    (the file's own copy below is already charged); a whiteout of a directory adds the size
    of everything it hides. Opaque-directory markers are ignored, as dive ignores them, and
    so the view used to size a directory whiteout does not apply them either.
    """
    visible: dict[str, RawEntry] = {}  # the stacked view of the layers below, as dive stacks it
    sizes: dict[str, int] = {}
    copies: dict[str, int] = {}
    for layer in layers:
        # A tar may list a path twice; like dive's tree, keep one node for it, the last.
        entries = list({e.path: e for e in layer if not _under_double_whiteout(e.path)}.values())
        for entry in _leaves(entries):
            parent, _, name = entry.path.rpartition("/")
            if name.startswith(WHITEOUT):
                target = _join(parent, name[len(WHITEOUT):])
                size = _hidden_size(visible, target)
            else:
                target, size = entry.path, entry.size
            sizes[target] = sizes.get(target, 0) + size
            copies[target] = copies.get(target, 0) + 1
        _stack(visible, entries)
    repeated = sorted(
        (WastedPath(p, copies[p], sizes[p]) for p in copies if copies[p] > 1),
        key=lambda w: (-w.size, w.path),
    )
    return Waste(sum(w.size for w in repeated), tuple(repeated))


def hidden_bytes(index: FileIndex) -> int:
    """Bytes stored in layers that no container can see: every copy of a path that a later
    layer replaced or deleted, whole deleted directories included.

    dive's count misses a directory created in one layer and removed in a later one (its
    files are leaves once, and the directory itself is no leaf where it was created), so
    the wasted-bytes goal checks this too.
    """
    stored = sum(e.size for layer in index.layer_entries for e in layer
                 if not PurePosixPath(e.path).name.startswith(WHITEOUT))
    return max(0, stored - sum(e.size for e in index.files.values()))


def _under_double_whiteout(path: str) -> bool:
    # ".wh..wh..opq" and aufs' ".wh..wh..plnk/...": dive never adds them to a layer's tree.
    return any(part.startswith(WHITEOUT + WHITEOUT) for part in path.split("/"))


def _leaves(entries: list[RawEntry]) -> list[RawEntry]:
    """Entries with nothing below them in the same layer."""
    parents: set[str] = set()
    for e in entries:  # every ancestor, not only the direct parent
        parts = e.path.split("/")
        parents.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return [e for e in entries if e.path not in parents]


def _hidden_size(visible: dict[str, RawEntry], target: str) -> int:
    """What a whiteout of ``target`` hides: all of it for a directory, nothing extra for a file."""
    found = visible.get(target)
    if found is None or not found.is_dir:
        return 0
    prefix = f"{target}/"
    return found.size + sum(e.size for p, e in visible.items() if p.startswith(prefix))


def _stack(visible: dict[str, RawEntry], entries: list[RawEntry]) -> None:
    for entry in entries:
        parent, _, name = entry.path.rpartition("/")
        if name.startswith(WHITEOUT):
            target = _join(parent, name[len(WHITEOUT):])
            prefix = f"{target}/"
            for path in [p for p in visible if p == target or p.startswith(prefix)]:
                del visible[path]
        else:
            visible[entry.path] = entry


def _join(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name
# -- searching every layer for a byte string ------------------------------------------------

_CHUNK = 1 << 20


@dataclass(frozen=True)
class ByteHit:
    """One place a saved image holds the searched bytes.

    ``where`` is "layer" (``path`` is a file in layer number ``layer``, bottom first, even
    when a later layer deletes or replaces it), "history" or "config" (``path`` names the
    field of the image's config JSON, e.g. ``history[3].created_by`` or ``config.Env[0]``).
    """

    where: str
    path: str
    layer: int | None = None

    def describe(self) -> str:
        if self.where == "layer":
            return f"/{self.path} in layer {(self.layer or 0) + 1}"
        return f"the {self.where} field {self.path}"


def stream_contains(stream: BinaryIO, needle: bytes, chunk_size: int = _CHUNK) -> bool:
    """Whether ``needle`` occurs in ``stream``, read in chunks; a match may span two chunks."""
    if not needle:
        return True
    tail = b""
    while chunk := stream.read(chunk_size):
        window = tail + chunk
        if needle in window:
            return True
        tail = window[-(len(needle) - 1):] if len(needle) > 1 else b""
    return False


def layer_hits(layer: tarfile.TarFile, needle: bytes) -> list[str]:
    """Paths of the members of one layer tar whose content, name or link target holds ``needle``.

    Every member counts, whiteouts included: this is what the layer stores, not what a
    container would see.
    """
    found: list[str] = []
    for member in layer:
        text = " ".join((member.name, member.linkname, *member.pax_headers.values()))
        hit = needle in text.encode(errors="surrogateescape")
        if not hit and member.isfile():
            handle = layer.extractfile(member)
            hit = handle is not None and stream_contains(handle, needle)
        if hit:
            found.append(_normalise(member.name) or member.name)
    return found


def json_hits(value: object, needle: str, path: str = "") -> list[str]:
    """Dotted paths of every string (key or value) in a JSON value that contains ``needle``."""
    if isinstance(value, str):
        return [path] if needle in value else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if needle in str(key):
                found.append(child)
            found += json_hits(item, needle, child)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            found += json_hits(item, needle, f"{path}[{number}]")
    return found


def search_saved_image(archive: Path, needle: bytes) -> list[ByteHit]:
    """Every place a ``docker save`` archive of one image holds ``needle``: each file of each
    layer tar (not only the merged view), and the config JSON with its history."""
    if not needle:
        raise ValueError("an empty byte string is in every file: search for something")
    hits: list[ByteHit] = []
    with tarfile.open(archive, mode="r:") as outer:
        manifest = json.load(_member(outer, "manifest.json"))
        config = json.load(_member(outer, manifest[0]["Config"]))
        for number, layer_path in enumerate(manifest[0]["Layers"]):
            with tarfile.open(fileobj=_member(outer, layer_path), mode="r:") as layer:
                hits += [ByteHit("layer", path, number) for path in layer_hits(layer, needle)]
    text = needle.decode(errors="surrogateescape")
    for path in json_hits(config, text):
        hits.append(ByteHit("history" if path.startswith("history") else "config", path))
    return hits
