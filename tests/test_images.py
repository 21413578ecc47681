"""The stand-in catalog: which recipes take this machine's own CA certificates, and what they get."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import images


@pytest.fixture
def host_ca_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ca-certificates"
    folder.mkdir()
    monkeypatch.setattr(images, "HOST_CA_DIR", folder)
    return folder


def test_a_recipe_that_trusts_host_cas_gets_them_in_host_ca(host_ca_dir: Path, tmp_path: Path) -> None:
    (host_ca_dir / "proxy.crt").write_text("-----BEGIN CERTIFICATE-----\n")
    python = images.catalog()["python:3.11-slim"]
    context = images._recipe_context(python, tmp_path / "build")
    assert sorted(p.name for p in (context / "host-ca").iterdir()) == ["proxy.crt"]
    assert (context / "Dockerfile").read_bytes() == (python.recipe_dir / "Dockerfile").read_bytes()


def test_a_host_ca_rebuilds_only_the_stand_ins_that_trust_it(host_ca_dir: Path) -> None:
    entries = images.catalog()
    before = {ref: images.recipe_hash(entry, entries) for ref, entry in entries.items()}
    (host_ca_dir / "proxy.crt").write_text("-----BEGIN CERTIFICATE-----\n")
    changed = {ref for ref, entry in entries.items() if images.recipe_hash(entry, entries) != before[ref]}
    # The stand-ins that trust it, and those built on one of them (python:3.11.2-slim).
    def trusts(ref: str | None) -> bool:
        return ref is not None and (entries[ref].trust_host_cas or trusts(entries[ref].base))

    assert changed == {ref for ref in entries if trusts(ref)}
    assert "python:3.11-slim" in changed and "golang:1.22-alpine" not in changed
