"""Put the pinned mermaid library where the site loads it from, fetched from the npm registry.

    python tools/mermaid.py

`npm pack` downloads the one package tarball (no dependencies, npm's own registry
configuration, integrity checked by npm) and the UMD build is taken out of it. A copy
already in place with the right version is kept, so a second build needs no network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "11.6.0"
TARGET = Path(__file__).resolve().parent.parent / "docs" / "assets" / "javascripts" / "mermaid.min.js"
STAMP = TARGET.with_suffix(".version")


def ensure() -> Path:
    if TARGET.exists() and STAMP.exists() and STAMP.read_text().strip() == VERSION:
        return TARGET
    if shutil.which("npm") is None:
        sys.exit("npm is needed to fetch mermaid for the site: install Node.js (Debian: apt-get install npm)")
    with tempfile.TemporaryDirectory(prefix="lbl-mermaid-") as tmp:
        done = subprocess.run(["npm", "pack", f"mermaid@{VERSION}", "--pack-destination", tmp],
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"npm pack mermaid@{VERSION} failed:\n{done.stderr}")
        tarball = next(Path(tmp).glob("mermaid-*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/dist/mermaid.min.js")
            if member is None:
                sys.exit(f"mermaid {VERSION} has no dist/mermaid.min.js")
            TARGET.write_bytes(member.read())
    STAMP.write_text(VERSION + "\n")
    return TARGET


if __name__ == "__main__":
    print(f"mermaid {VERSION}: {ensure()}")
