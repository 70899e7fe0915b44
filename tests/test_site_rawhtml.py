"""The raw HTML blocks of the pages are stashed whole (``rawhtml.py``): the same HTML as
Python-Markdown's own parsing gives, without running its HTML parser over them."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from generator.project import check
from generator.render.markdown import markdown_to_cached
from generator.site import rawhtml
from generator.site.pages import project_to_pages
from tests.conftest import TODAY, sample_copy

#: mkdocs' default extensions, which ``mkdocs.yml`` lists with Registre's.
DEFAULT = ["toc", "tables", "fenced_code"]


def _both(source: str) -> tuple[str, str]:
    plain = markdown.Markdown(extensions=DEFAULT).convert(source)
    stashed = markdown.Markdown(extensions=[*DEFAULT, rawhtml.RawHtmlExtension()]).convert(source)
    return plain, stashed


def test_every_page_of_the_sample_is_the_same_html(tmp_path: Path) -> None:
    result = check(sample_copy(tmp_path), today=TODAY)
    assert result.project is not None
    pages = project_to_pages(result.project, lambda t: markdown_to_cached(t, "html", None))
    bodies = [page.text().split("\n---\n", 1)[1] for page in pages]
    assert sum('<div class="registre-texte">' in body for body in bodies) > 10
    for body in bodies:
        plain, stashed = _both(body)
        assert stashed == plain


CASES = {
    "a text with nested divs and a table": (
        'Avant\n\n<div class="registre-texte">\n<div class="note">\n<p>a</p>\n</div>\n'
        "<table>\n<tr><td>1</td></tr>\n</table>\n</div>\n\nAprès **gras**"
    ),
    "one-line paragraphs": (
        '<p data-pagefind-ignore><strong>Pour</strong> : <a href="x/">X</a></p>\n\n'
        '<p class="r">Recours</p>\n\nfin'
    ),
    "a block glued to the text after it": "<div>\n<p>a</p>\n</div>\nsuite collée\n\nfin",
    "text after the closing tag": "<div>\n<p>a</p>\n</div> suite\n\nfin",
    "a block that does not close": "<div>\n<p>a</p>\n\n<p>b</p>\n\n## Titre",
    "a block glued to the text before it": "texte\n<div>\n<p>a</p>\n</div>\n\nfin",
    "a fence holding HTML": "```\n<div>\n\n</div>\n```\n\n<div>\n<p>x</p>\n</div>\n\nfin",
    "escaped tags in a block": "<p>&lt;/p&gt; &lt;div&gt;</p>\n\n*fin*",
    "the last line": "a\n\n<ul>\n<li>x</li>\n</ul>",
}


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_the_same_html_as_python_markdown_gives(source: str) -> None:
    plain, stashed = _both(source)
    assert stashed == plain


def test_a_text_block_goes_to_the_stash_whole() -> None:
    block = '<div class="registre-texte">\n<p>Le conseil <em>décide</em>.</p>\n</div>'
    lines = ["# Titre", "", block.split("\n")[0], *block.split("\n")[1:], "", "fin"]
    md = markdown.Markdown()
    out = rawhtml.RawBlocks(md).run(lines)
    assert out == ["# Titre", "", "", md.htmlStash.get_placeholder(0), "", "", "fin"]
    assert md.htmlStash.rawHtmlBlocks == [block + "\n"]


def test_after_a_block_that_does_not_close_the_rest_is_left_to_the_parser() -> None:
    lines = ["<div>", "<p>a</p>", "", "<p>b</p>", ""]
    assert rawhtml.RawBlocks(markdown.Markdown()).run(lines) == lines
