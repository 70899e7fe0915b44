"""The délibérations' Markdown through pandoc, in batches, read once for every output format.

One pandoc process costs ~30 ms; a thousand texts would spend half a minute starting
processes, and pandoc reads only ~0.3 MB of Markdown a second. Texts are therefore joined with
a marker paragraph, read in one call, and a custom writer (``formats.lua``) writes each text on
its own (its footnotes stay with it) in every format the build needs: Typst for the PDF, HTML
for the site, pandoc's JSON for the Word and OpenDocument copies. If a text swallowed a marker
(an unclosed code block…), the batch falls back to one call per text. Raw passthrough
(```{=typst}```, HTML, TeX), HTML's ``<div>`` and ``<span>`` and math are disabled, and a Lua
filter drops images and unsafe links and keeps of any attribute only a safe identifier and
safe classes: a text can only produce ordinary markup, never code for the output engine, a
script or a style, a file read or a request. A text that holds none of what starts a link, an
image, raw code or attributes (``NEEDS_FILTER``) skips the filter, whose walk through Lua costs
a quarter of a conversion.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
import subprocess
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypandoc

from generator.atomic import write_text

#: Pandoc's Markdown without any way to emit raw output-format code.
SAFE_MARKDOWN = (
    "markdown-raw_attribute-raw_html-raw_tex-tex_math_dollars-tex_math_single_backslash"
    "-tex_math_double_backslash-citations-implicit_figures-auto_identifiers"
    "-native_divs-native_spans"
)


#: Lua filter that drops images, unsafe links and raw code (see the file).
SAFE_FILTER = Path(__file__).with_name("safe.lua")


#: Lua writer that writes each text of a batch on its own, in several formats (see the file).
FORMATS_WRITER = Path(__file__).with_name("formats.lua")

#: What a conversion produces by default: the PDF's stage converts first in a whole build, and
#: the Word/ODT copies and the site find their format already converted.
FORMATS = ("typst", "html", "json")


#: What starts every construct ``SAFE_FILTER`` acts on: a link or an image (``[``, ``![``,
#: reference definitions; ``<`` for automatic links), attributes (``{`` after a heading, a
#: code, a link, a span, a fence), a fenced div (``:::``, whose bare word is a class) and a
#: fenced code block's bare info string (a class too).
NEEDS_FILTER = re.compile(r"[\[<{]|:::|(?:```|~~~)[ \t]*[^\s`~]")


def needs_filter(text: str) -> bool:
    """Whether ``text`` may hold what ``SAFE_FILTER`` removes or changes (``NEEDS_FILTER``)."""
    return NEEDS_FILTER.search(text) is not None


def _convert(
    joined: str, token: str, formats: Sequence[str], *, filtered: bool = True
) -> list[dict[str, str]]:
    """One pandoc run over texts joined by ``token`` markers: each text found, in each format."""
    safe = [f"--lua-filter={SAFE_FILTER}"] if filtered else []
    run = subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            f"--from={SAFE_MARKDOWN}",
            *safe,
            f"--to={FORMATS_WRITER}",
            "--wrap=none",
            f"--metadata=registre-split:{token}",
            f"--metadata=registre-formats:{','.join(formats)}",
        ],
        input=joined.encode("utf-8"),
        capture_output=True,
        check=True,
    )
    parts: list[dict[str, str]] = json.loads(run.stdout)
    return [{to: text.strip() + "\n" for to, text in part.items()} for part in parts]


def _texts_to_formats(
    texts: Sequence[str], formats: Sequence[str], filtered: bool
) -> list[dict[str, str]]:
    token = "REGISTRESPLIT" + secrets.token_hex(8)
    joined = "\n\n".join(f"{token}{i}\n\n{text}" for i, text in enumerate(texts))
    converted = _convert(joined + "\n", token, formats, filtered=filtered)
    if len(converted) == len(texts):
        return converted
    return [
        _convert(f"{token}0\n\n{text}\n", token, formats, filtered=filtered)[0] for text in texts
    ]


def markdown_to_formats(
    texts: Sequence[str], formats: Sequence[str] = FORMATS
) -> list[dict[str, str]]:
    """Each Markdown text in every format of ``formats``, from one pandoc process (two when
    some texts need the filter and others not)."""
    results: list[dict[str, str]] = [{} for _ in texts]
    for filtered in (False, True):
        indices = [i for i, text in enumerate(texts) if needs_filter(text) == filtered]
        if indices:
            converted = _texts_to_formats([texts[i] for i in indices], formats, filtered)
            for i, output in zip(indices, converted, strict=True):
                results[i] = output
    return results


#: Markdown given to one pandoc process: pandoc holds ~100 times its input in memory (18 MB of
#: texts took 2.7 GB; 1 MB, ~190 MB), and each process costs its start and its Lua writer's
#: (batches of 0.5 MB did not lower a 10,000-délibération site's peak, and took longer).
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


@functools.cache
def conversion_salt() -> str:
    """What a conversion depends on besides the text: options, which texts skip the filter,
    Lua files, pandoc's version (read once: ``markdown_to_cached`` is called for every batch
    of a build)."""
    filters = SAFE_FILTER.read_text() + FORMATS_WRITER.read_text()
    parts = (SAFE_MARKDOWN, NEEDS_FILTER.pattern, filters, pypandoc.get_pandoc_version())
    return "\0".join(parts)


def _text_key(text: str, to: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}\0{to}\0{text}".encode()).hexdigest()


def markdown_to_cached(
    texts: Sequence[str],
    to: str,
    cache: Path | None,
    workers: int = 1,
    formats: Sequence[str] = FORMATS,
) -> list[str]:
    """Each text in format ``to``, kept in ``cache`` under the hash of the text (and of the
    conversion: options, filters, pandoc's version) with the other ``formats`` converted in
    the same run; the misses are converted by ``workers`` pandoc processes at once. A large
    archive is converted once, then only the texts that changed."""
    assert to in formats
    salt = conversion_salt()

    def path(text: str, fmt: str) -> Path | None:
        if cache is None:
            return None
        key = _text_key(text, fmt, salt)
        return cache / "textes" / key[:2] / f"{key}.{fmt}"

    results: list[str | None] = [None] * len(texts)
    for i, text in enumerate(texts):
        kept = path(text, to)
        if kept is not None and kept.is_file():
            results[i] = kept.read_text(encoding="utf-8")
    # the texts that need the filter together: a batch is then one pandoc run, not two
    missing = sorted(
        (i for i, r in enumerate(results) if r is None), key=lambda i: needs_filter(texts[i])
    )
    chunks = list(_batches(missing, [len(texts[i]) for i in missing]))
    with ThreadPoolExecutor(max(1, min(workers, len(chunks)))) as pool:
        converted = pool.map(
            lambda chunk: markdown_to_formats([texts[i] for i in chunk], formats), chunks
        )
        for chunk, outputs in zip(chunks, converted, strict=True):
            for i, output in zip(chunk, outputs, strict=True):
                results[i] = output[to]
                for fmt, written in output.items():
                    target = path(texts[i], fmt)
                    if target is not None:
                        write_text(target, written)
    return [r or "" for r in results]
