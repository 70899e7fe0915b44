"""Markdown through pandoc: batched in one process, and safe."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import lxml.html
import pytest

from generator.render import markdown
from generator.render.markdown import _batches, markdown_to_cached, markdown_to_formats

TEXTS = [
    "Exposé **gras** et *italique*.\n\n- un\n- deux",
    "| a | b |\n|---|--:|\n| x | 1 |",
    "Article 1 : texte avec « guillemets » et 3 107 000 €.",
    "```\ncode non refermé",
    "Dernier texte.",
]
#: Regression: the notes of a batch's texts were written at the end of the batch, in the last
#: text (numbered across the batch): on the site, a délibération showed another's notes.
NOTES = ["Vu l'avis[^1].\n\n[^1]: Avis du 3 mars.", "Sans note.", "Vu la loi[^a].\n\n[^a]: Loi."]


@pytest.mark.parametrize("notes", [NOTES, []], ids=["with notes", "without"])
def test_batch_equals_one_conversion_per_text_and_uses_one_process(
    notes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: HTML wraps the batch markers in <p>, which once defeated the split and made
    every text a process of its own (51 s for a thousand texts)."""
    texts = TEXTS[:3] + TEXTS[4:] + notes
    alone = [markdown_to_formats([t])[0] for t in texts]
    calls: list[str] = []
    real = markdown._convert

    def counting(
        joined: str, token: str, formats: Sequence[str], *, filtered: bool = True
    ) -> list[dict[str, str]]:
        calls.append(token)
        return real(joined, token, formats, filtered=filtered)

    monkeypatch.setattr(markdown, "_convert", counting)
    batched = markdown_to_formats(texts)
    assert batched == alone
    assert sorted(batched[0]) == ["html", "json", "typst"]
    assert (
        batched[0]["html"] == "<p>Exposé <strong>gras</strong> et <em>italique</em>.</p>\n"
        "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>\n"
    )
    assert batched[0]["typst"] == "Exposé #strong[gras] et #emph[italique].\n\n- un\n- deux\n"
    if notes:
        assert (
            "Avis du 3 mars" in batched[-3]["html"],
            "Avis du 3 mars" in batched[-1]["html"],
        ) == (True, False)
        assert 'id="fn1"' in batched[-1]["html"]  # each text's notes numbered from 1
    # one run for the texts that need the safety filter (a note's « [ »), one for the others
    assert len(calls) == (2 if notes else 1)


def test_a_text_that_swallows_the_markers_falls_back_to_one_call_each() -> None:
    converted = markdown_to_formats(TEXTS)
    assert len(converted) == len(TEXTS)
    assert converted[4]["html"] == "<p>Dernier texte.</p>\n"
    assert converted == [markdown_to_formats([text])[0] for text in TEXTS]


def test_images_unsafe_links_and_raw_code_are_dropped() -> None:
    [html] = markdown_to_cached(
        [
            "![plan](/etc/passwd) [a](javascript:alert(1)) [b](https://ok.fr) "
            "[c](mailto:x@y.fr) <b>x</b>\n\n```{=html}\n<script>1</script>\n```"
        ],
        "html",
        None,
    )
    assert html == (
        '<p>plan a <a href="https://ok.fr">b</a> <a href="mailto:x@y.fr">c</a> '
        "&lt;b&gt;x&lt;/b&gt;</p>\n<p><code>{=html} &lt;script&gt;1&lt;/script&gt;</code></p>\n"
    )


def test_a_batch_mixing_plain_and_unsafe_texts_keeps_their_order_and_filters_the_unsafe() -> None:
    texts = ["Premier.", "[a](javascript:alert(1)) et <https://ok.fr>", "Troisième."]
    html = [formats["html"] for formats in markdown_to_formats(texts)]
    assert html == [
        "<p>Premier.</p>\n",
        '<p>a et <a href="https://ok.fr" class="uri">https://ok.fr</a></p>\n',
        "<p>Troisième.</p>\n",
    ]


def test_the_filter_changes_nothing_in_a_text_without_brackets() -> None:
    """What lets such texts skip it: the filter only acts on links, images and raw code."""
    plain = [t for t in TEXTS + NOTES if not markdown.needs_filter(t)]
    assert len(plain) == 6
    token = "REGISTRESPLIT0"
    joined = "\n\n".join(f"{token}{i}\n\n{t}" for i, t in enumerate(plain)) + "\n"
    args = (joined, token, markdown.FORMATS)
    assert markdown._convert(*args, filtered=False) == markdown._convert(*args, filtered=True)


def test_texts_go_to_pandoc_in_batches_of_bounded_size() -> None:
    """Regression: one pandoc for all the texts of a 10,000-délibération archive (36 MB) took
    more than 2.7 GB of memory; batches stay near BATCH_BYTES, in order, every text once."""
    sizes = [400_000, 400_000, 400_000, 1_500_000, 10, 10]
    batches = list(_batches(range(len(sizes)), sizes))
    assert batches == [[0, 1], [2], [3], [4, 5]]


def test_cached_conversion_equals_the_direct_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["Un **texte**.", "| a | b |\n|---|---|\n| 1 | 2 |", "Un **texte**."]
    direct = [formats["html"] for formats in markdown_to_formats(texts)]
    assert markdown_to_cached(texts, "html", tmp_path, workers=2) == direct
    assert len(list((tmp_path / "textes").rglob("*.html"))) == 2  # one per distinct text
    # every format is kept: the Typst of the PDF is not converted again
    assert len(list((tmp_path / "textes").rglob("*.typst"))) == 2
    expected = [formats["typst"] for formats in markdown_to_formats(texts)]

    def no_pandoc(
        joined: str, token: str, formats: Sequence[str], *, filtered: bool = True
    ) -> list[dict[str, str]]:
        raise AssertionError("pandoc ran again")

    monkeypatch.setattr(markdown, "_convert", no_pandoc)
    assert markdown_to_cached(texts, "html", tmp_path, workers=2) == direct
    assert markdown_to_cached(texts, "typst", tmp_path, workers=2) == expected


def test_a_conversion_to_fewer_formats_keeps_those_only(tmp_path: Path) -> None:
    """The site built alone converts to HTML only; the PDFs' Typst is converted when needed."""
    texts = ["Un **texte**."]
    assert markdown_to_cached(texts, "html", tmp_path, formats=("html",)) == [
        "<p>Un <strong>texte</strong>.</p>\n"
    ]
    assert [p.suffix for p in (tmp_path / "textes").rglob("*.*")] == [".html"]
    assert markdown_to_cached(texts, "typst", tmp_path) == ["Un #strong[texte].\n"]
    assert sorted(p.suffix for p in (tmp_path / "textes").rglob("*.*")) == [
        ".html",
        ".json",
        ".typst",
    ]


#: Pandoc's attribute syntax in a délibération's text: a fenced div, a heading, inline code,
#: a link, a span, a fenced code block's info string, a table's caption. Every attribute but a
#: safe identifier and safe classes must go, in every format (issue #17, classes 2 and 9).
ATTRIBUTES = (
    '::: {#avis .note tabindex="0" autofocus="" onfocus="alert(1)"}\nAvis du comité.\n:::\n\n'
    '## Titre {onclick="alert(2)" style="position:fixed;inset:0" .md-dialog .section}\n\n'
    '`code`{onmouseover="alert(3)" .cmd}\n\n'
    '[lien](https://ok.fr){onclick="alert(4)" style="color:red" .externe}\n\n'
    '[voile]{style="position:fixed;inset:0;z-index:9" .md-overlay #v}\n\n'
    '```{.python onload="alert(5)"}\nx = 1\n```\n\n'
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    ': Légende {#tab style="display:none" onclick="alert(6)"}\n'
)


def test_attributes_keep_only_a_safe_identifier_and_classes() -> None:
    [converted] = markdown_to_formats([ATTRIBUTES])
    tree = lxml.html.fromstring(f"<div>{converted['html']}</div>")
    # Only what pandoc writes itself besides the kept identifiers and classes: its code
    # highlighting's line anchors (``aria-hidden``, ``tabindex="-1"``) and the links' targets.
    names = {name for el in tree.iter() for name in el.attrib}
    assert names == {"id", "class", "href", "aria-hidden", "tabindex"}
    assert {el.get("tabindex") for el in tree.iter() if el.get("tabindex")} == {"-1"}
    kept = {(el.tag, el.get("id"), el.get("class")) for el in tree.iter()}
    assert {
        ("div", "avis", "note"),
        ("h2", None, "section"),
        ("a", None, "externe"),
        ("span", "v", None),
        ("table", "tab", None),
    } <= kept
    for word in ("onfocus", "onclick", "onmouseover", "onload", "style", "autofocus", "alert"):
        assert word not in converted["html"], word
        assert word not in converted["typst"], word
        assert word not in converted["json"], word
    assert 'tabindex="0"' not in converted["html"]
    assert "md-dialog" not in converted["html"] and "md-overlay" not in converted["html"]


def test_raw_html_with_a_style_is_shown_as_text() -> None:
    [html] = markdown_to_cached(
        ["<div style=position:fixed;inset:0>Annonce</div> <span style=x>y</span>"], "html", None
    )
    assert html == (
        "<p>&lt;div style=position:fixed;inset:0&gt;Annonce&lt;/div&gt; "
        "&lt;span style=x&gt;y&lt;/span&gt;</p>\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        '# T {onclick="x"}',
        "::: md-dialog\nx\n:::",
        "```md-dialog\nx\n```",
        '`c`{style="x"}',
        "[a](javascript:alert(1))",
        "<javascript:alert(1)>",
    ],
)
def test_every_construct_with_attributes_goes_through_the_filter(text: str) -> None:
    """A text skips the filter only when it can hold nothing the filter changes."""
    assert markdown.needs_filter(text)
    token = "REGISTRESPLIT0"
    args = (f"{token}0\n\n{text}\n", token, markdown.FORMATS)
    assert markdown._convert(*args, filtered=False) != markdown._convert(*args, filtered=True)
