"""A local server and Debian's Chromium, for the browser tests and the site's benchmark."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Request, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright cannot download a browser here)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) for the duration of the block."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def first_search_bytes(browser: Browser, url: str, query: str) -> int:
    """What a reader's browser downloads to search ``query`` on the site served at ``url``:
    the search page opened with the query, until its results (or « Aucun résultat ») are shown,
    counting the bodies of the search's requests: its script, Pagefind's script and
    WebAssembly, each bundle's entry, metadata and index chunks, the results' fragments."""
    context = browser.new_context()
    page = context.new_page()
    sizes: list[int] = []

    def count(request: Request) -> None:
        if "/pagefind" in request.url or request.url.endswith("/recherche.js"):
            sizes.append(request.sizes()["responseBodySize"])

    page.on("requestfinished", count)
    page.goto(url + "recherche/?q=" + query)
    page.wait_for_function(
        "() => document.querySelector('.registre-recherche__etat').textContent.length > 0",
        timeout=120_000,
    )
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes)
