"""Issue 8's promise: every size chapter 8 prints was measured by a notebook in this run,
and a notebook that fails says which notebook and which cell."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from conftest import ROOT
from mkdocs.exceptions import PluginError

sys.path.insert(0, str(ROOT / "tools"))
import measured_hook
import run_notebooks

MEASURED = ROOT / "docs" / "measured"
CHAPTER_8 = ROOT / "docs" / "chapters" / "08-multi-stage.md"
SIZE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s?(MB|kB|GB)\b")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def _generated_numbers() -> set[str]:
    """Every number the notebooks wrote: the facts, and each cell of the generated tables."""
    found: set[str] = set()
    for facts in MEASURED.glob("*.json"):
        found |= {value.split(" ")[0] for value in json.loads(facts.read_text()).values()}
    for table in MEASURED.glob("*.md"):
        found |= set(re.findall(r"\d[\d,]*(?:\.\d+)?", table.read_text()))
    return found


def test_every_notebook_ran_and_left_no_error() -> None:
    sources = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert sources, "no notebooks"
    for source in sources:
        executed = nbformat.read(MEASURED / "notebooks" / source.name, as_version=4)
        codes = [c for c in executed.cells if c.cell_type == "code"]
        assert all(c.get("execution_count") for c in codes), f"{source.name}: a cell never ran"
        errors = [o for c in codes for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert errors == [], f"{source.name}: {errors[:1]}"


def test_chapter_8_prints_no_size_of_its_own() -> None:
    prose = FENCE.sub("", CHAPTER_8.read_text(encoding="utf-8"))
    literal = [m.group(0) for m in SIZE.finditer(prose)]
    assert literal == [], f"sizes written into chapter 8 instead of {{{{ measured.ch08.NAME }}}}: {literal}"


def test_chapter_8_as_built_shows_only_measured_sizes(built_site_ch08: str) -> None:
    generated = _generated_numbers()
    shown = {m.group(1) for m in SIZE.finditer(built_site_ch08)}
    assert shown, "chapter 8 shows no sizes at all"
    assert shown <= generated, f"sizes on the page that no notebook produced: {sorted(shown - generated)}"


def test_chapter_8_shows_the_measured_table_and_chart(built_site_ch08: str, built_site: Path) -> None:
    facts = json.loads((MEASURED / "ch08.json").read_text())
    assert facts["go_solution"] in built_site_ch08 and facts["go_starter"] in built_site_ch08
    page = (built_site / "chapters" / "08-multi-stage" / "index.html").read_text(encoding="utf-8")
    assert 'src="../../measured/ch08-sizes.svg"' in page
    assert (built_site / "measured" / "ch08-sizes.svg").stat().st_size > 1000
    table = (MEASURED / "ch08-per-language.md").read_text()
    assert "Measured with Docker Engine" in table and "builder" in table
    assert "stand-in" in table or "official images" in table


@pytest.fixture(scope="module")
def built_site_ch08(built_site: Path) -> str:
    """Chapter 8 as a reader gets it, markup removed."""
    html = (built_site / "chapters" / "08-multi-stage" / "index.html").read_text(encoding="utf-8")
    return re.sub(r"<[^>]+>", " ", html)


def test_a_placeholder_nobody_measured_fails_the_build() -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_path="chapters/99-x.md"))
    with pytest.raises(PluginError, match=r"chapters/99-x.md: \{\{ measured.ch08.no_such_fact \}\}"):
        measured_hook.on_page_markdown("a {{ measured.ch08.no_such_fact }} b", page=page)
    with pytest.raises(PluginError, match=r"docs/measured/ch99\.json"):
        measured_hook.on_page_markdown("{{ measured.ch99.anything }}", page=page)


def test_a_failing_cell_names_the_notebook_and_the_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    broken = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# broken on purpose"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise RuntimeError('planted by the test')"),
    ])
    nbformat.write(broken, folder / "broken.ipynb")
    monkeypatch.setattr(run_notebooks, "NOTEBOOKS", folder)
    monkeypatch.setattr(run_notebooks, "OUTPUT", tmp_path / "out")
    monkeypatch.setattr(run_notebooks, "ROOT", tmp_path)
    assert run_notebooks.main([]) == 1
    err = capsys.readouterr().err
    assert "notebooks/broken.ipynb, cell 3 failed" in err and "planted by the test" in err
