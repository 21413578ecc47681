"""The pre-flight check: against the real engine, against no engine, and item by item."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import run_cli

from checks import doctor, images
from checks.engine import Engine


def test_json_lists_every_item_and_says_ready_on_this_machine(engine: Engine) -> None:
    result = run_cli("doctor", "--json")
    data = json.loads(result.output)
    ids = [item["id"] for item in data["items"]]
    expected = ["engine", "builder", "image-store", "disk", "network",
                *(f"image:{ref}" for ref in images.catalog()), "python", "nox"]
    assert ids == expected
    by_id = {item["id"]: item for item in data["items"]}
    assert engine.version() in by_id["engine"]["detail"]
    assert by_id["image-store"]["detail"].startswith(engine.image_store().split(" ")[0])
    assert all(by_id[f"image:{ref}"]["status"] == "ok" for ref in images.catalog())
    assert data["ok"] is (result.code == 0)
    assert result.code == 0, result.output


def test_the_text_output_has_one_line_per_item(engine: Engine) -> None:
    result = run_cli("doctor", env={"COLUMNS": "400"})
    lines = [line for line in result.output.splitlines() if line[:1] in "✓!✗"]
    assert len(lines) == 7 + len(images.catalog())
    assert result.output.rstrip().endswith("ready")


def test_no_engine_fails_with_a_fix(tmp_path: Path) -> None:
    result = run_cli("doctor", "--json", env={"DOCKER_HOST": f"unix://{tmp_path}/none.sock"})
    assert result.code == 1
    data = json.loads(result.output)
    engine_item = data["items"][0]
    assert engine_item["id"] == "engine" and engine_item["status"] == "fail"
    assert "nox -s engine" in engine_item["hint"]
    assert data["ok"] is False


def test_too_little_disk_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: SimpleNamespace(free=3 * doctor.GB))
    item = doctor.disk_item(tmp_path)
    assert item.status == "fail" and "3.0 GB free" in item.detail and item.hint
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: SimpleNamespace(free=15 * doctor.GB))
    assert doctor.disk_item(tmp_path).status == "warn"


def test_a_missing_image_is_pullable_buildable_or_a_failure() -> None:
    never = lambda _ref: False  # noqa: E731
    assert doctor.image_item("alpine:3.20", None, False, lambda _ref: True).status == "warn"
    buildable = doctor.image_item("alpine:3.20", None, True, never)
    assert buildable.status == "warn" and "stand-in" in buildable.detail
    missing = doctor.image_item("alpine:3.20", None, False, never)
    assert missing.status == "fail" and "--load" in missing.hint
    standin = images.ImageStatus("alpine:3.20", True, "BusyBox")
    present = doctor.image_item("alpine:3.20", standin, False, never)
    assert present.status == "ok" and "BusyBox" in present.detail


def test_containerd_store_and_legacy_builder_warn() -> None:
    assert doctor.store_item("containerd").status == "warn"
    assert doctor.store_item("classic (overlay2)").status == "ok"
    assert doctor.exit_code([doctor.store_item("containerd")]) == 0
    assert doctor.exit_code([doctor.Item("x", "x", "fail", "")]) == 1
