"""Write a gradebook out: CSV files for a spreadsheet, and one self-contained HTML page.

The page has no script and loads nothing: its chart is an SVG drawn here, its style is
inline, so it opens from a USB stick on a laptop with no network.
"""

from __future__ import annotations

import csv
import time
from html import escape
from pathlib import Path

from rich.console import Console
from rich.markup import escape as escape_markup

from checks.gradebook import Entry, GoalRate, Gradebook, collect

STUCK = 0.5  # a goal that fewer than half the class passed is where the class is stuck

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d1d1f}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
td.pass{background:#d7f5dd}td.fail{background:#fde2e1}td.error{background:#fff3c4}td.none{color:#999}
tr.stuck td{font-weight:bold}.num{text-align:right}caption{text-align:left;font-weight:bold}
"""


def write(book: Gradebook, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [_grid_csv(book, out / "gradebook.csv"), _goals_csv(book, out / "goals.csv"),
             _rejected_csv(book, out / "rejected.csv")]
    page = out / "gradebook.html"
    page.write_text(html(book), encoding="utf-8")
    return [*paths, page]


def _column(key: tuple[str, str]) -> str:
    return f"{key[0]}/{key[1]}"


def _grid_csv(book: Gradebook, path: Path) -> Path:
    grid = book.grid()
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *(_column(k) for k in book.exercises), "passed", "score", "max_score"])
        for student in book.students:
            row = grid[student]
            cells = [_cell_text(row.get(k)) for k in book.exercises]
            passed = sum(e.status == "pass" for e in row.values())
            writer.writerow([student, *cells, passed, sum(e.score for e in row.values()),
                             sum(e.max_score for e in row.values())])
    return path


def _goals_csv(book: Gradebook, path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["lab", "exercise", "goal", "title", "passed", "attempted", "pass_rate"])
        for r in book.goal_rates():
            writer.writerow([r.lab, r.exercise, r.goal, r.title, r.passed, r.attempted, f"{r.rate:.3f}"])
    return path


def _rejected_csv(book: Gradebook, path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "reason"])
        writer.writerows((r.path, r.reason) for r in book.rejected)
    return path


def _cell_text(entry: Entry | None) -> str:
    if entry is None:
        return ""
    if entry.status == "error":
        return "error"
    return f"{entry.score}/{entry.max_score}"


def html(book: Gradebook) -> str:
    rates = book.goal_rates()
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Gradebook</title>", f"<style>{_STYLE}</style></head><body>",
        "<h1>Gradebook</h1>",
        f"<p>{len(book.students)} students, {len(book.entries)} exercise reports accepted from "
        f"{book.files} files; {len(book.rejected)} files rejected.</p>",
        _stuck(rates), "<h2>Pass rate per goal</h2>", chart(rates), _rates_table(rates),
        "<h2>Students × exercises</h2>", _grid_table(book), "<h2>Hints used</h2>", _hints_table(book),
        "<h2>Rejected files</h2>", _rejected_table(book), "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _stuck(rates: list[GoalRate]) -> str:
    stuck = [r for r in rates if r.rate < STUCK]
    if not stuck:
        return "<p>No goal is below a 50% pass rate.</p>"
    first = stuck[0]
    return (f"<p><strong>Where the class is stuck:</strong> {escape(first.title)} "
            f"({escape(first.lab)} {escape(first.exercise)}), passed by {first.passed} of {first.attempted}. "
            f"{len(stuck)} goal(s) are below 50%.</p>")


def chart(rates: list[GoalRate]) -> str:
    """A horizontal bar chart of pass rates, as inline SVG (lowest first)."""
    bar, gap, label_w, width = 16, 6, 360, 300
    height = len(rates) * (bar + gap) + gap
    rows = []
    for i, r in enumerate(rates):
        y = gap + i * (bar + gap)
        colour = "#d9534f" if r.rate < STUCK else "#5cb85c"
        label = f"{r.exercise} · {r.title}"
        rows.append(
            f'<text x="{label_w - 6}" y="{y + bar - 4}" text-anchor="end" font-size="12">'
            f"{escape(label[:55])}</text>"
            f'<rect x="{label_w}" y="{y}" width="{r.rate * width:.1f}" height="{bar}" fill="{colour}">'
            f"<title>{escape(label)}: {r.passed}/{r.attempted}</title></rect>"
            f'<text x="{label_w + r.rate * width + 4:.1f}" y="{y + bar - 4}" font-size="12">'
            f"{r.rate:.0%}</text>"
        )
    total_w = label_w + width + 50
    return (f'<svg role="img" aria-label="Pass rate per goal" width="{total_w}" height="{height}" '
            f'viewBox="0 0 {total_w} {height}">' + "".join(rows) + "</svg>")


def _rates_table(rates: list[GoalRate]) -> str:
    rows = "".join(
        f'<tr class="{"stuck" if r.rate < STUCK else ""}">'
        f"<td>{escape(r.lab)}</td><td>{escape(r.exercise)}</td>"
        f"<td>{escape(r.title)}</td><td class=num>{r.passed}/{r.attempted}</td>"
        f"<td class=num>{r.rate:.0%}</td></tr>"
        for r in rates
    )
    return ("<table><tr><th>lab</th><th>exercise</th><th>goal</th><th>passed</th><th>rate</th></tr>"
            f"{rows}</table>")


def _grid_table(book: Gradebook) -> str:
    grid = book.grid()
    head = "".join(f"<th>{escape(_column(k))}</th>" for k in book.exercises)
    rows = []
    for student in book.students:
        cells = []
        for key in book.exercises:
            entry = grid[student].get(key)
            status = entry.status if entry else "none"
            cells.append(f'<td class="{status}">{escape(_cell_text(entry)) or "·"}</td>')
        rows.append(f"<tr><td>{escape(student)}</td>{''.join(cells)}</tr>")
    return f"<table><tr><th>student</th>{head}</tr>{''.join(rows)}</table>"


def _hints_table(book: Gradebook) -> str:
    hints = book.hints()
    rows = "".join(f"<tr><td>{escape(_column(k))}</td><td class=num>{hints.get(k, 0)}</td></tr>"
                   for k in book.exercises)
    return f"<table><tr><th>exercise</th><th>hints taken</th></tr>{rows}</table>"


def _rejected_table(book: Gradebook) -> str:
    if not book.rejected:
        return "<p>None.</p>"
    rows = "".join(f"<tr><td>{escape(r.path)}</td><td>{escape(r.reason)}</td></tr>" for r in book.rejected)
    return f"<table><tr><th>file</th><th>reason</th></tr>{rows}</table>"


def command(folder: Path, out: Path | None, console: Console) -> int:
    """`python -m checks gradebook DIR [--out DIR]`: collect, write, and say what happened."""
    started = time.perf_counter()
    book = collect(folder)
    target = out or folder / "gradebook"
    paths = write(book, target)
    seconds = time.perf_counter() - started
    console.print(f"{len(book.students)} students, {len(book.entries)} exercise reports from "
                  f"{book.files} files, {len(book.rejected)} rejected ({seconds:.2f} s)")
    for r in book.rejected:
        console.print(f"  [red]rejected[/] {escape_markup(r.path)}: {escape_markup(r.reason)}")
    for path in paths:
        console.print(f"wrote {escape_markup(str(path))}")
    return 0
