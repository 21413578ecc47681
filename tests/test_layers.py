from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from checks.layers import (
    RawEntry,
    Waste,
    WastedPath,
    hidden_bytes,
    passwd_uid,
    scan_saved_image,
    wasted_bytes,
)


def _layer(files: dict[str, bytes | None]) -> bytes:
    """A layer tar; a value of None makes a directory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _saved_image(tmp_path: Path, layers: list[dict[str, bytes | None]]) -> Path:
    archive = tmp_path / "image.tar"
    names = [f"layer{i}/layer.tar" for i in range(len(layers))]
    config = {"history": [{"created_by": f"step {i}"} for i in range(len(layers))]}
    members = {
        "manifest.json": json.dumps([{"Config": "config.json", "Layers": names}]).encode(),
        "config.json": json.dumps(config).encode(),
    }
    members.update({name: _layer(files) for name, files in zip(names, layers, strict=True)})
    with tarfile.open(archive, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


def test_later_layers_override_and_whiteouts_delete(tmp_path: Path) -> None:
    archive = _saved_image(
        tmp_path,
        [
            {"usr/": None, "usr/bin/go": b"x" * 100, "etc/passwd": b"root:x:0:0::/root:/bin/sh\n"},
            {"usr/bin/.wh.go": b"", "app": b"binary"},
        ],
    )
    index = scan_saved_image(archive)
    assert index.get("usr/bin/go") is None
    assert index.get("app").layer == 1
    assert index.layer_count == 2
    assert index.layer_origins == ["step 0", "step 1"]


def test_an_opaque_directory_hides_everything_below_it(tmp_path: Path) -> None:
    archive = _saved_image(
        tmp_path,
        [
            {"cache/": None, "cache/a": b"1", "cache/sub/b": b"2"},
            {"cache/": None, "cache/.wh..wh..opq": b"", "cache/c": b"3"},
        ],
    )
    index = scan_saved_image(archive)
    assert sorted(p for p in index.files if p.startswith("cache/")) == ["cache/c"]
    assert index.get("cache") is not None


def test_globs_match_at_any_depth_and_at_the_top(tmp_path: Path) -> None:
    archive = _saved_image(tmp_path, [{"bin/go": b"1", "usr/local/go/bin/go": b"2"}])
    index = scan_saved_image(archive)
    assert sorted(e.path for e in index.matching("**/bin/go")) == ["bin/go", "usr/local/go/bin/go"]


def test_passwd_is_kept_for_user_lookups(tmp_path: Path) -> None:
    archive = _saved_image(
        tmp_path, [{"etc/passwd": b"root:x:0:0::/root:/bin/sh\napp:x:10001:10001::/:/bin/sh\n"}]
    )
    index = scan_saved_image(archive)
    assert passwd_uid(index, "app") == 10001
    assert passwd_uid(index, "ghost") is None


def _raw(*entries: tuple[str, int] | str) -> list[RawEntry]:
    """Layer entries: ("path", size) for a file, "path/" for a directory."""
    out = []
    for e in entries:
        if isinstance(e, str):
            out.append(RawEntry(e.rstrip("/"), 0, True))
        else:
            out.append(RawEntry(e[0], e[1], False))
    return out


def test_a_file_deleted_in_a_later_layer_is_wasted_once() -> None:
    waste = wasted_bytes([_raw("data/", ("data/blob", 20_000_000)), _raw("data/", ("data/.wh.blob", 0))])
    assert waste.wasted_bytes == 20_000_000
    assert waste.paths[0] == WastedPath("data/blob", 2, 20_000_000)


def test_an_overwritten_file_charges_every_copy_as_dive_does() -> None:
    layers = [_raw(("f", 500)), _raw(("f", 700)), _raw(("f", 700))]
    assert wasted_bytes(layers).wasted_bytes == 1_900


def test_files_in_one_layer_only_waste_nothing() -> None:
    layers = [_raw("bin/", ("bin/sh", 100)), _raw("app/", ("app/run", 50)), _raw("etc/")]
    assert wasted_bytes(layers) == Waste(0, ())


def test_a_directory_whiteout_charges_what_it_hides_when_the_directory_was_a_leaf() -> None:
    # Layer 0 makes an empty /cache (a leaf); layer 1 fills it; layer 2 deletes it whole.
    layers = [_raw("cache/"), _raw("cache/", ("cache/a", 3_000), ("cache/sub/b", 1_000)), _raw(".wh.cache")]
    waste = wasted_bytes(layers)
    assert waste.paths[0] == WastedPath("cache", 2, 4_000)
    assert waste.wasted_bytes == 4_000


def test_a_directory_made_and_deleted_whole_escapes_dive_but_not_hidden_bytes(tmp_path: Path) -> None:
    layers = [
        {"cache/": None, "cache/a": b"x" * 3_000, "cache/sub/b": b"y" * 1_000},
        {".wh.cache": b""},
    ]
    index = scan_saved_image(_saved_image(tmp_path, layers))
    assert wasted_bytes(index.layer_entries).wasted_bytes == 0  # the paths are leaves once each
    assert hidden_bytes(index) == 4_000


def test_opaque_markers_are_ignored_like_dive_ignores_them() -> None:
    layers = [_raw("cache/", ("cache/a", 10)), _raw("cache/", "cache/.wh..wh..opq", ("cache/b", 5))]
    waste = wasted_bytes(layers)
    assert waste.wasted_bytes == 0 and waste.paths == ()


def test_hidden_bytes_counts_older_copies_and_deleted_files(tmp_path: Path) -> None:
    layers = [
        {"f": b"a" * 500, "keep": b"k" * 10, "tmp/": None, "tmp/big": b"b" * 2_000},
        {"f": b"c" * 700, "tmp/.wh.big": b""},
    ]
    index = scan_saved_image(_saved_image(tmp_path, layers))
    assert hidden_bytes(index) == 2_500
    assert len(index.layer_entries) == 2 and RawEntry("tmp/.wh.big", 0, False) in index.layer_entries[1]
