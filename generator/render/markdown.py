"""The délibérations' Markdown through pandoc, in batches (one process for many texts).

One pandoc process costs ~30 ms; a thousand texts would spend half a minute starting
processes. Texts are therefore joined with a marker paragraph, read in one call (written each
on its own by a Lua filter when a text may have notes, ``batch.lua``) and split again; if
a text swallowed a marker (an unclosed code block…), the batch falls back to one call per
text. Raw passthrough (```{=typst}```, HTML, TeX) and math are disabled, and a Lua filter
drops images and unsafe links: a text can only produce ordinary markup, never code for the
output engine, a file read or a request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypandoc

from generator.atomic import write_text

#: Pandoc's Markdown without any way to emit raw output-format code.
SAFE_MARKDOWN = (
    "markdown-raw_attribute-raw_html-raw_tex-tex_math_dollars-tex_math_single_backslash"
    "-tex_math_double_backslash-citations-implicit_figures-auto_identifiers"
)


#: Lua filter that drops images, unsafe links and raw code (see the file).
SAFE_FILTER = Path(__file__).with_name("safe.lua")


#: Lua filter that writes each text of a batch on its own (see the file).
BATCH_FILTER = Path(__file__).with_name("batch.lua")


def _convert(text: str, to: str, split: str | None = None) -> str:
    args = ["--wrap=none", f"--lua-filter={SAFE_FILTER}"]
    if split is not None:
        args += [f"--lua-filter={BATCH_FILTER}", f"--metadata=registre-split:{split}"]
    return str(pypandoc.convert_text(text, to, format=SAFE_MARKDOWN, extra_args=args))


def markdown_to(texts: Sequence[str], to: str) -> list[str]:
    """Convert each Markdown text to pandoc format ``to`` (e.g. "typst"), in one process."""
    if not texts:
        return []
    token = "REGISTRESPLIT" + secrets.token_hex(8)
    joined = "\n\n".join(f"{token}{i}\n\n{text}" for i, text in enumerate(texts))
    # batch.lua costs as much as the conversion (the document goes through Lua): only for
    # texts that may hold notes, the one thing a joined conversion would put in the wrong text
    notes = any("[^" in text or "^[" in text for text in texts)
    output = _convert(joined + "\n", to, split=token if notes else None)
    # the marker paragraph comes out alone on its line, as it is (batch.lua) or wrapped in the
    # format's markup (``<p>…</p>`` in HTML): the line holds the token and a few characters
    parts = re.split(rf"^.{{0,12}}?{token}(\d+).{{0,12}}$", output, flags=re.MULTILINE)
    indices = [int(i) for i in parts[1::2]]
    if indices != list(range(len(texts))):
        return [_convert(text, to).strip() + "\n" for text in texts]
    return [chunk.strip() + "\n" for chunk in parts[2::2]]


#: Markdown given to one pandoc process: pandoc holds ~100 times its input in memory (18 MB of
#: texts took 2.7 GB), and a process costs ~30 ms to start.
BATCH_BYTES = 1_000_000


def _batches(indices: Sequence[int], sizes: Sequence[int]) -> Iterator[list[int]]:
    """``indices`` in consecutive batches of about ``BATCH_BYTES`` of text."""
    batch: list[int] = []
    total = 0
    for i, size in zip(indices, sizes, strict=True):
        if batch and total + size > BATCH_BYTES:
            yield batch
            batch, total = [], 0
        batch.append(i)
        total += size
    if batch:
        yield batch


def _text_key(text: str, to: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}\0{to}\0{text}".encode()).hexdigest()


def markdown_to_cached(
    texts: Sequence[str], to: str, cache: Path | None, workers: int = 1
) -> list[str]:
    """``markdown_to`` with each result kept in ``cache`` under the hash of its text (and of the
    conversion: options, filter, pandoc's version), the misses converted by ``workers`` pandoc
    processes at once. Pandoc reads ~0.5 MB of Markdown a second: a large archive is converted
    once, then only the texts that changed."""
    filters = SAFE_FILTER.read_text() + BATCH_FILTER.read_text()
    salt = "\0".join((SAFE_MARKDOWN, filters, pypandoc.get_pandoc_version()))
    keys = [_text_key(text, to, salt) for text in texts]
    paths = [cache / "textes" / k[:2] / f"{k}.{to}" for k in keys] if cache else []
    results: list[str | None] = [None] * len(texts)
    for i, path in enumerate(paths):
        if path.is_file():
            results[i] = path.read_text(encoding="utf-8")
    missing = [i for i, r in enumerate(results) if r is None]
    chunks = list(_batches(missing, [len(texts[i]) for i in missing]))
    with ThreadPoolExecutor(max(1, min(workers, len(chunks)))) as pool:
        converted = pool.map(lambda chunk: markdown_to([texts[i] for i in chunk], to), chunks)
        for chunk, outputs in zip(chunks, converted, strict=True):
            for i, output in zip(chunk, outputs, strict=True):
                results[i] = output
                if paths:
                    write_text(paths[i], output)
    return [r or "" for r in results]
