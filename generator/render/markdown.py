"""The délibérations' Markdown through pandoc, in batches (one process for many texts).

One pandoc process costs ~30 ms; a thousand texts would spend half a minute starting
processes. Texts are therefore joined with a marker paragraph, converted in one call and split
again; if a text swallowed a marker (an unclosed code block…), the batch falls back to one call
per text. Raw passthrough (```{=typst}```, HTML, TeX) and math are disabled, and a Lua filter
drops images and unsafe links: a text can only produce ordinary markup, never code for the
output engine, a file read or a request.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from pathlib import Path

import pypandoc

#: Pandoc's Markdown without any way to emit raw output-format code.
SAFE_MARKDOWN = (
    "markdown-raw_attribute-raw_html-raw_tex-tex_math_dollars-tex_math_single_backslash"
    "-tex_math_double_backslash-citations-implicit_figures-auto_identifiers"
)


#: Lua filter that drops images, unsafe links and raw code (see the file).
SAFE_FILTER = Path(__file__).with_name("safe.lua")


def _convert(text: str, to: str) -> str:
    args = ["--wrap=none", f"--lua-filter={SAFE_FILTER}"]
    return str(pypandoc.convert_text(text, to, format=SAFE_MARKDOWN, extra_args=args))


def markdown_to(texts: Sequence[str], to: str) -> list[str]:
    """Convert each Markdown text to pandoc format ``to`` (e.g. "typst"), in one process."""
    if not texts:
        return []
    token = "REGISTRESPLIT" + secrets.token_hex(8)
    joined = "\n\n".join(f"{token}{i}\n\n{text}" for i, text in enumerate(texts))
    output = _convert(joined + "\n", to)
    # the marker paragraph comes out alone on its line, wrapped in the format's markup
    # (``<p>…</p>`` in HTML): the line holds the random token and a few markup characters
    parts = re.split(rf"^.{{0,12}}?{token}(\d+).{{0,12}}$", output, flags=re.MULTILINE)
    indices = [int(i) for i in parts[1::2]]
    if indices != list(range(len(texts))):
        return [_convert(text, to).strip() + "\n" for text in texts]
    return [chunk.strip() + "\n" for chunk in parts[2::2]]
