"""Open every page of the built site in headless Chromium and report what happened.

    python tests/site_browser.py SITE_DIR REPORT.json SCREENSHOT_DIR

Meant to run inside a network namespace that has only loopback (`unshare -n`), so that
"no request left the machine" is proven rather than assumed. It serves SITE_DIR on
127.0.0.1, visits each page, and writes for each: mermaid blocks, rendered SVGs, the
requests that went anywhere but 127.0.0.1, and console errors. Material draws diagrams
into a closed shadow root, so an init script opens every shadow root before the page runs.
"""

from __future__ import annotations

import functools
import http.server
import json
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Quiet Chromium's own background traffic (updates, sync, field trials): none of it is the site's.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
"""
COUNT_DIAGRAMS = """() => {
  const blocks = document.querySelectorAll("div.mermaid, pre.mermaid");
  let svgs = 0;
  for (const block of blocks) {
    const root = block.shadowRoot || block;
    if (root.querySelector("svg")) svgs += 1;
  }
  return {blocks: blocks.length, svgs: svgs};
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main(site: Path, report: Path, shots: Path) -> None:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    shots.mkdir(parents=True, exist_ok=True)
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_path in pages:
            page = browser.new_page()
            page.add_init_script(OPEN_SHADOW_ROOTS)
            outside: list[str] = []
            errors: list[str] = []
            page.on(
                "request",
                lambda r, out=outside: (
                    out.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", None) else None
                ),
            )
            page.on("console", lambda m, errs=errors: errs.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, errs=errors: errs.append(str(e)))
            page.goto(f"{base}/{page_path}", wait_until="networkidle")
            counts = page.evaluate(COUNT_DIAGRAMS)
            if counts["blocks"] != counts["svgs"]:
                page.wait_for_timeout(1500)  # a large diagram may still be drawing
                counts = page.evaluate(COUNT_DIAGRAMS)
            name = page_path.removesuffix("index.html").strip("/").replace("/", "_") or "home"
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            results.append({"page": page_path, **counts, "outside": outside, "errors": errors})
            page.close()
        search = _search(browser, base, "multi-stage")
        browser.close()
    server.shutdown()
    report.write_text(json.dumps({"pages": results, "search": search}, indent=2))


def _search(browser: object, base: str, query: str) -> dict[str, object]:
    """Type into Material's search box on the home page and read the results it lists.

    The search index loads in a web worker; keystrokes typed before it is ready are not
    searched again, so type the query afresh until results show (or give up).
    """
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{base}/index.html", wait_until="networkidle")
    links: list[str] = []
    for _ in range(5):
        page.fill(".md-search__input", "")
        page.type(".md-search__input", query, delay=50)
        try:
            page.wait_for_selector(".md-search-result__item", timeout=5_000)
        except Exception:
            continue
        links = page.eval_on_selector_all(
            ".md-search-result__item a", "els => els.map(e => e.getAttribute('href'))"
        )
        break
    page.close()
    return {"query": query, "results": links}


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
