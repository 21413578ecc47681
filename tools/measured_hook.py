"""MkDocs hook: a chapter writes ``{{ measured.ch08.go_solution }}`` where it prints a figure,
and the build puts in the value the chapter's notebook measured (docs/measured/ch08.json).

A figure nobody measured fails the build, naming the page and the placeholder, so a
chapter cannot print a number that no notebook produced.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

PLACEHOLDER = re.compile(r"\{\{\s*measured\.(\w+)\.(\w+)\s*\}\}")
MEASURED = Path(__file__).resolve().parent.parent / "docs" / "measured"


def on_page_markdown(markdown: str, page: Any, **_kwargs: Any) -> str:
    facts: dict[str, dict[str, str]] = {}

    def value(match: re.Match[str]) -> str:
        chapter, name = match.group(1), match.group(2)
        if chapter not in facts:
            path = MEASURED / f"{chapter}.json"
            if not path.is_file():
                raise PluginError(f"{page.file.src_path}: {match.group(0)} needs docs/measured/{path.name}, "
                                  "which `nox -s notebooks` writes")
            facts[chapter] = json.loads(path.read_text(encoding="utf-8"))
        if name not in facts[chapter]:
            raise PluginError(f"{page.file.src_path}: {match.group(0)} was not measured by the "
                              f"{chapter} notebook")
        return facts[chapter][name]

    return PLACEHOLDER.sub(value, markdown)
