"""Execute the chapters' notebooks with nbclient, in the repository, on the real engine.

    python tools/run_notebooks.py [NAME ...]     # all of notebooks/*.ipynb by default

Each notebook runs in the course's own kernel (``layer-by-layer``, installed into this
Python's prefix on first use) with the repository root as its working directory. The
executed copy goes to docs/measured/notebooks/, beside the tables and figures it wrote.
A failing cell stops everything with exit code 1, naming the notebook and the cell.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUTPUT = ROOT / "docs" / "measured" / "notebooks"
KERNEL = "layer-by-layer"
CELL_TIMEOUT_S = 1200  # a cold build of lab 08's Java or Node exercise, on 2 cores


def ensure_kernel() -> None:
    """The named kernel, pointing at this Python, so the notebooks import ``checks``."""
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return
    except NoSuchKernel:
        pass
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL,
                    "--display-name", "Layer by Layer (course venv)"], check=True, capture_output=True)


def execute(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(ROOT)}})
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, OUTPUT / path.name)
    return time.perf_counter() - start


def _failed_cell(path: Path) -> int | None:
    """The 1-based index of the first code cell whose output is an error, in the executed copy."""
    executed = nbformat.read(OUTPUT / path.name, as_version=4)
    for number, cell in enumerate(executed.cells, 1):
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return number
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebooks to run, e.g. 08-multi-stage (default: all)")
    args = parser.parse_args(argv)
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if args.names:
        paths = [p for p in paths if p.stem in args.names or p.name in args.names]
        if not paths:
            print(f"no notebook matches {' '.join(args.names)} in {NOTEBOOKS}", file=sys.stderr)
            return 2
    ensure_kernel()
    for path in paths:
        print(f"executing {path.relative_to(ROOT)} ...", flush=True)
        try:
            seconds = execute(path)
        except CellTimeoutError as e:
            print(f"{path.relative_to(ROOT)}: a cell ran past {CELL_TIMEOUT_S} s: {e}", file=sys.stderr)
            return 1
        except CellExecutionError as e:
            cell = _failed_cell(path)
            where = f"cell {cell}" if cell else "a cell"
            print(f"{path.relative_to(ROOT)}, {where} failed:\n{e}", file=sys.stderr)
            return 1
        print(f"{path.relative_to(ROOT)}: executed in {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
