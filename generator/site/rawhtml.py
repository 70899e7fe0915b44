"""A Python-Markdown extension: the raw HTML blocks of Registre's pages, kept whole, not parsed.

Python-Markdown finds where a raw HTML block ends by running the standard library's HTML
parser over the page: a délibération's text (pandoc's HTML, a few kilobytes) or an élu's
list of reports went through it character by character, about a fifth of the page's
rendering. The blocks the pages hold are written by Registre (``pages.py``) and pandoc, their
text escaped: each starts a paragraph with a block element's opening tag and ends where that
element's tags balance. Such a block is stashed as the HTML parser would stash it; anything
else (a block that does not balance) is left to it. The HTML is the same either way
(``tests/test_site_rawhtml.py``).

Imports nothing of Registre: mkdocs' worker processes load it by name (``mkdocs.yml``).
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

#: The block elements a raw HTML block of the pages starts with.
_BLOCKS = ("div", "p", "table", "ul", "ol", "section")
_OPENING = re.compile(rf"<({'|'.join(_BLOCKS)})[\s>]")
_TAGS = {name: re.compile(rf"<(/?){name}[\s>]") for name in _BLOCKS}


def block_end(lines: list[str], start: int, name: str) -> int | None:
    """The line where the element ``name`` opened at the start of ``lines[start]`` closes, if
    it closes at the end of a line followed by a blank one (a paragraph of its own)."""
    tags = _TAGS[name]
    depth = 0
    for i in range(start, len(lines)):
        for closing in tags.findall(lines[i]):
            depth += -1 if closing else 1
            if depth <= 0:
                break
        if depth < 0:
            return None
        if depth == 0:
            closed = lines[i].endswith(f"</{name}>")
            return i if closed and i + 1 < len(lines) and not lines[i + 1].strip() else None
    return None


class RawBlocks(Preprocessor):
    """Stash each balanced raw HTML block that stands as a paragraph of its own, until one
    does not (from there on, the HTML parser sees the rest of the page as it would have)."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(lines):
            opening = _OPENING.match(lines[i])
            if opening and (i == 0 or not lines[i - 1].strip()):
                end = block_end(lines, i, opening.group(1))
                if end is None:
                    return out + lines[i:]
                # stored as the HTML parser stores it: with the line's end, between blank lines
                out += ["", self.md.htmlStash.store("\n".join(lines[i : end + 1]) + "\n"), ""]
                i = end + 1
                continue
            out.append(lines[i])
            i += 1
        return out


class RawHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # after "normalize_whitespace" (30) and the fenced code blocks (25: a fence's
        # content is stashed by then), before "html_block" (20)
        md.preprocessors.register(RawBlocks(md), "registre_raw_blocks", 22)


def makeExtension(**kwargs: object) -> RawHtmlExtension:
    return RawHtmlExtension(**kwargs)
