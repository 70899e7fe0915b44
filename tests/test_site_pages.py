"""Values on the site's pages: escaped so that Python-Markdown prints them as they are."""

from __future__ import annotations

import html
import re

import markdown
import pytest

from generator.site.pages import Page, md

HOSTILE = [
    "*gras* et _souligné_",
    "[lien](javascript:alert(1))",
    "![image](https://tracker.example/x.png)",
    "<script>alert(1)</script> & <b>x</b>",
    "a | b | c",
    "`code` et \\ barre",
    "# pas un titre",
    "1. pas une liste",
    "<https://autolien.example>",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_values_are_printed_literally_in_text_and_tables(value: str) -> None:
    for source in (f"Objet : {md(value)}", f"| a | b |\n|---|---|\n| {md(value)} | x |"):
        rendered = markdown.markdown(source, extensions=["tables"])
        assert "<a " not in rendered and "<img" not in rendered and "<script" not in rendered
        text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
        assert value in text


def test_front_matter_title_is_escaped_and_valid_yaml() -> None:
    page = Page("x.md", 'Titre <script>alert("x")</script>\n: suite', "corps\n")
    front = page.text().split("---\n")[1]
    assert front == ('title: "Titre &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\\n: suite"\n')
