"""Every chapter example under labs/*/examples/ is built or run on the real engine.

An example is a folder. A `Dockerfile` in it is built (BuildKit where offered); an optional
`example.toml` says whether the build needs a package registry (`network = "host"`) and
what running the image must print. A `run.sh` in it is run with bash and must exit 0; it
names everything it creates with `$LBL_PREFIX`, and removes it all before it ends.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
import uuid
from pathlib import Path

import pytest
from conftest import ROOT

from checks.engine import Engine

EXAMPLES = sorted(p for p in (ROOT / "labs").glob("*/examples/*") if p.is_dir())


def _id(path: Path) -> str:
    return f"{path.parent.parent.name[:2]}/{path.name}"


def test_every_example_is_something_the_tests_can_check() -> None:
    for example in EXAMPLES:
        assert (example / "Dockerfile").is_file() or (example / "run.sh").is_file(), example


@pytest.mark.parametrize("example", [e for e in EXAMPLES if (e / "Dockerfile").is_file()], ids=_id)
def test_example_dockerfile_builds(example: Path, engine: Engine) -> None:
    config = (
        tomllib.loads((example / "example.toml").read_text()) if (example / "example.toml").exists() else {}
    )
    tag = f"lbl/example-{_id(example).replace('/', '-')}:{engine.run_id}"
    outcome = engine.build(example, example / "Dockerfile", tag, network=config.get("network", "none"))
    assert outcome.image_id is not None, f"{example}: {outcome.error}\n{outcome.log[-3000:]}"
    if "run" in config:
        run = config["run"]
        result = engine.run_to_exit(tag, run.get("argv"), timeout=float(run.get("timeout", 30)))
        assert result.exit_code == run.get("exit_code", 0), result.output
        assert run.get("expect", "") in result.output


@pytest.mark.parametrize("example", [e for e in EXAMPLES if (e / "run.sh").is_file()], ids=_id)
def test_example_script_runs_and_cleans_up(example: Path, engine: Engine) -> None:
    prefix = f"lbl-ex-{uuid.uuid4().hex[:8]}"
    done = subprocess.run(
        ["bash", "run.sh"],
        cwd=example,
        env={**os.environ, "LBL_PREFIX": prefix},
        capture_output=True,
        text=True,
        timeout=600,
    )
    # Raw lists, one request each: other tests may remove their own things meanwhile.
    api = engine.client.api
    leftovers = [
        n.lstrip("/")
        for c in api.containers(all=True)
        for n in c["Names"]
        if n.lstrip("/").startswith(prefix)
    ]
    leftovers += [n["Name"] for n in api.networks() if n["Name"].startswith(prefix)]
    leftovers += [v["Name"] for v in api.volumes().get("Volumes") or [] if v["Name"].startswith(prefix)]
    leftovers += [t for i in api.images() for t in i.get("RepoTags") or [] if t.startswith(prefix)]
    for name in leftovers:  # never leave a mess for the next test, even when failing
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)
        subprocess.run(["docker", "network", "rm", name], capture_output=True)
        subprocess.run(["docker", "volume", "rm", "-f", name], capture_output=True)
        subprocess.run(["docker", "rmi", "-f", name], capture_output=True)
    assert done.returncode == 0, f"{example}/run.sh exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    assert leftovers == [], f"{example}/run.sh left these behind"
