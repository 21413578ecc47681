from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from checks.layers import passwd_uid, scan_saved_image


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
