"""What the site's pages hand to the mkdocs theme: escaped once, and a Content-Security-Policy.

mkdocs renders the theme's templates without autoescape: mkdocs-material prints a page's
title and description, the site's name and its copyright as they are, in ``<title>``, in
``<meta name="description" content="…">``, in the header and the footer. The pages' front
matter (``pages.py``) holds plain text; here every string of it, and the collectivité's name,
becomes ``markupsafe.Markup`` escaped once: the templates that print values raw print escaped
text, and those that escape (``| e``, autoescape blocks) leave a ``Markup`` as it is, so that
« L'été » is shown as « L'été », never as ``L&#39;été``.

Each HTML page then gets a ``<meta http-equiv="Content-Security-Policy">`` (a static site has
no headers of its own) as a second wall: scripts from the site itself and the theme's own
inline scripts only, by their hashes, computed from the rendered page without its content
(``page.content``: what the Markdown made; a script in it would not be the theme's).

These are mkdocs events (``on_page_markdown``, ``on_post_page``, ``on_post_template``): the
module is a hook of ``mkdocs.yml`` and of ``registre build``'s own rendering (``render.py``),
so both publish the same pages. It imports nothing of Registre.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

#: What the policy allows besides the theme's inline scripts: the site's own files only
#: (Pagefind's WebAssembly needs ``wasm-unsafe-eval``); no plugin, no ``<base>``, forms sent
#: to the site only. Styles: the theme's stylesheets, and ``style`` attributes (the vote's
#: bar sets its widths so); images: the site's, and the theme's icons (``data:`` SVG in CSS).
POLICY = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'{hashes}",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)

#: A ``<script>`` element and its text: the HTML parser ends it at the first ``</script``.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
#: A script element that runs: no ``src`` (an inline script), and no ``type`` or a
#: JavaScript one (``application/json`` is data: the policy does not apply to it).
_SRC = re.compile(r"\ssrc\s*=", re.I)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]+)""", re.I)
_JS_TYPES = {"", "text/javascript", "module", "application/javascript"}
_HEAD = re.compile(r"<head\b[^>]*>", re.I)


def theme_text(value: str) -> Markup:
    """A plain text value as the theme is to print it: HTML-escaped once."""
    return escape(value)


def meta_to_markup(value: Any) -> Any:
    """Every string of a page's front matter (nested in lists and mappings) escaped once."""
    if isinstance(value, str):
        return theme_text(value)
    if isinstance(value, list):
        return [meta_to_markup(v) for v in value]
    if isinstance(value, dict):
        return {k: meta_to_markup(v) for k, v in value.items()}
    return value


def set_site_name(config: Any, name: str) -> None:
    """The collectivité's name as the site's name (in every page's ``<title>`` and header)
    and in its copyright line, escaped once."""
    config.site_name = theme_text(name)
    config.copyright = theme_text(f"{name} — registre des délibérations")


def inline_scripts(html: str) -> list[str]:
    """The text of each inline script of ``html`` that a browser would run."""
    found = []
    for attributes, text in _SCRIPT.findall(html):
        kind = _TYPE.search(attributes)
        if not _SRC.search(attributes) and (kind.group(1) if kind else "").lower() in _JS_TYPES:
            found.append(text)
    return found


def script_hash(text: str) -> str:
    """A script's source in a policy: ``'sha256-…'`` of its UTF-8 text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy(scripts: Sequence[str]) -> str:
    """The policy of a page whose theme runs the inline ``scripts``."""
    hashes = "".join(f" {h}" for h in sorted({script_hash(s) for s in scripts}))
    return "; ".join(POLICY).format(hashes=hashes)


def with_policy(html: str, content: str | None) -> str:
    """``html`` with its Content-Security-Policy first in its ``<head>`` (before any
    script): the hashes of the inline scripts of the page without its ``content``."""
    theme = html.replace(content, "", 1) if content else html
    head = _HEAD.search(html)
    if head is None:
        raise ValueError("page without <head>: no Content-Security-Policy can be set")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(inline_scripts(theme))}">'
    return html[: head.end()] + "\n    " + meta + html[head.end() :]


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    page.meta = meta_to_markup(page.meta)
    return markdown


def on_post_page(output: str, page: Any, config: Any) -> str:
    return with_policy(output, page.content)


def on_post_template(output_content: str, template_name: str, config: Any) -> str:
    if not template_name.endswith(".html"):  # sitemap.xml
        return output_content
    return with_policy(output_content, None)
