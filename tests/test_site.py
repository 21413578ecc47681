"""The course site: it builds strictly, shows only code the tests build, and renders offline.

The browser test runs Debian's Chromium inside a network namespace with only loopback
(`unshare -n`), so "nothing loads from outside" is proven, not assumed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT

from checks import lab

DOCS = ROOT / "docs"
# docs/measured/ holds the notebooks' generated tables: included by pages, not pages themselves.
PAGES = sorted(p for p in DOCS.rglob("*.md") if "measured" not in p.relative_to(DOCS).parts)
CHAPTERS = sorted((DOCS / "chapters").glob("*.md"))
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)
INCLUDE = re.compile(r'--8<--\s+"([^"]+)"')
# Languages whose blocks are files a reader could copy and run: each must come from labs/.
CODE_LANGUAGES = {
    "dockerfile",
    "docker",
    "yaml",
    "yml",
    "bash",
    "sh",
    "shell",
    "toml",
    "python",
    "go",
    "javascript",
    "js",
    "typescript",
    "ts",
    "java",
    "json",
}
def _blocks(page: Path) -> list[tuple[str, str]]:
    text = page.read_text(encoding="utf-8")
    return [(m["info"].strip().split(" ")[0].lower(), m["body"]) for m in FENCE.finditer(text)]


def test_the_site_builds_strictly(built_site: Path) -> None:
    assert (built_site / "index.html").is_file()
    assert (built_site / "assets" / "javascripts" / "mermaid.min.js").is_file()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_code_on_a_page_is_included_from_labs(page: Path) -> None:
    for language, body in _blocks(page):
        if language not in CODE_LANGUAGES:
            continue
        lines = [line for line in body.splitlines() if line.strip()]
        assert lines and all(INCLUDE.search(line) for line in lines), (
            f"{page.relative_to(ROOT)} has an inline {language} block; include it from a file under labs/ "
            "that the tests build or run:\n" + body[:300]
        )


def _included() -> set[str]:
    return {m for page in PAGES for m in INCLUDE.findall(page.read_text(encoding="utf-8"))}


def test_every_included_file_exists_and_is_built_or_run_by_a_test() -> None:
    graded = {
        str(path.relative_to(ROOT))
        for the_lab in lab.all_labs()
        for e in the_lab.exercises
        for path in (e.starter, e.solution)
    }
    for included in sorted(_included()):
        path = ROOT / included
        assert path.is_file(), f"{included} is included by a page but does not exist"
        parts = Path(included).parts
        if parts[0] != "labs" or path.suffix == ".md":
            continue  # prose (a lab's README) is not code
        if "examples" in parts:
            example = ROOT / Path(*parts[: parts.index("examples") + 2])
            assert (example / "Dockerfile").is_file() or (example / "run.sh").is_file(), (
                f"{included}: its example folder has no Dockerfile or run.sh, so no test uses it"
            )
            if path.name != "Dockerfile" and path.name != "run.sh":
                assert (example / "run.sh").is_file(), f"{included}: only a run.sh can make a test use it"
        else:
            assert included in graded or path.parent.parent.parent.name[:2].isdigit(), (
                f"{included} is neither a graded starter or solution nor part of an example"
            )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_diagrams_and_images_have_text_alternatives(page: Path) -> None:
    for language, body in _blocks(page):
        if language == "mermaid":
            assert "accTitle:" in body and "accDescr" in body, (
                f"{page.name}: a diagram lacks accTitle/accDescr"
            )
            # Both render wrongly here: <br/> is dropped, and a label that starts like a
            # numbered list item is drawn as "Unsupported markdown: list".
            assert "<br" not in body, f"{page.name}: a diagram label uses <br>"
            assert not re.search(r'\["\d+\. ', body), f"{page.name}: a diagram label starts with 'N. '"
    for alt in re.findall(r"!\[([^\]]*)\]\(", page.read_text(encoding="utf-8")):
        assert alt.strip(), f"{page.name}: an image has no alt text"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_each_chapter_has_outcomes_diagrams_pitfalls_checklist_and_a_lab(chapter: Path) -> None:
    text = chapter.read_text(encoding="utf-8")
    number = chapter.stem[:2]
    assert re.search(r'^!!! \w+ "What you will be able to do"', text, re.M), "learning outcomes at the top"
    assert sum(1 for lang, _ in _blocks(chapter) if lang == "mermaid") >= 2, "at least two diagrams"
    assert re.search(r"^!!! (warning|danger|bug|failure|caution)", text, re.M), "a pitfall admonition"
    assert re.search(r"^## Checklist", text, re.M), "a checklist section"
    assert re.search(r"^## Try it", text, re.M), "a try-it section"
    assert re.search(rf"\(\.\./labs/{number}-[a-z0-9-]+\.md\)", text), "a link to the chapter's lab page"


def test_search_index_covers_every_chapter(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    for chapter in CHAPTERS:
        assert f"chapters/{chapter.stem}/" in locations


def test_every_page_renders_offline_in_a_real_browser(built_site: Path) -> None:
    report = ARTIFACTS / "browser.json"
    report.unlink(missing_ok=True)  # a report from an earlier run must never pass for this one
    shots = ARTIFACTS / "screenshots"
    script = f"ip link set lo up && exec {sys.executable} tests/site_browser.py {built_site} {report} {shots}"
    done = subprocess.run(
        ["unshare", "--net", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(report.read_text())
    pages = result["pages"]
    assert len(pages) >= len(PAGES)
    assert any("chapters/08-multi-stage" in link for link in result["search"]["results"]), result["search"]
    for page in pages:
        assert page["svgs"] == page["blocks"], (
            f"{page['page']}: {page['blocks'] - page['svgs']} diagram(s) not drawn"
        )
        assert page["outside"] == [], f"{page['page']} asked for {page['outside']}"
        assert page["errors"] == [], f"{page['page']} logged {page['errors']}"
