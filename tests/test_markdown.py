"""Markdown through pandoc: batched in one process, and safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.render import markdown
from generator.render.markdown import _batches, markdown_to, markdown_to_cached

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
@pytest.mark.parametrize("to", ["html", "typst"])
def test_batch_equals_one_conversion_per_text_and_uses_one_process(
    to: str, notes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: HTML wraps the batch markers in <p>, which once defeated the split and made
    every text a process of its own (51 s for a thousand texts)."""
    texts = TEXTS[:3] + TEXTS[4:] + notes
    alone = [markdown._convert(t, to).strip() + "\n" for t in texts]
    calls: list[str] = []
    real = markdown._convert

    def counting(text: str, fmt: str, split: str | None = None) -> str:
        calls.append(fmt)
        return real(text, fmt, split)

    monkeypatch.setattr(markdown, "_convert", counting)
    batched = markdown.markdown_to(texts, to)
    assert batched == alone
    if notes:
        assert ("Avis du 3 mars" in batched[-3], "Avis du 3 mars" in batched[-1]) == (True, False)
    assert calls == [to]


def test_a_text_that_swallows_the_markers_falls_back_to_one_call_each() -> None:
    converted = markdown.markdown_to(TEXTS, "html")
    assert len(converted) == len(TEXTS)
    assert converted[4] == "<p>Dernier texte.</p>\n"


def test_images_unsafe_links_and_raw_code_are_dropped() -> None:
    [html] = markdown.markdown_to(
        [
            "![plan](/etc/passwd) [a](javascript:alert(1)) [b](https://ok.fr) "
            "[c](mailto:x@y.fr) <b>x</b>\n\n```{=html}\n<script>1</script>\n```"
        ],
        "html",
    )
    assert html == (
        '<p>plan a <a href="https://ok.fr">b</a> <a href="mailto:x@y.fr">c</a> '
        "&lt;b&gt;x&lt;/b&gt;</p>\n<p><code>{=html} &lt;script&gt;1&lt;/script&gt;</code></p>\n"
    )


def test_texts_go_to_pandoc_in_batches_of_bounded_size() -> None:
    """Regression: one pandoc for all the texts of a 10,000-délibération archive (36 MB) took
    more than 2.7 GB of memory; batches stay near BATCH_BYTES, in order, every text once."""
    sizes = [400_000, 400_000, 400_000, 1_500_000, 10, 10]
    batches = list(_batches(range(len(sizes)), sizes))
    assert batches == [[0, 1], [2], [3], [4, 5]]


def test_cached_conversion_equals_the_direct_one(tmp_path: Path) -> None:
    texts = ["Un **texte**.", "| a | b |\n|---|---|\n| 1 | 2 |", "Un **texte**."]
    direct = markdown_to(texts, "html")
    assert markdown_to_cached(texts, "html", tmp_path, workers=2) == direct
    assert len(list((tmp_path / "textes").rglob("*.html"))) == 2  # one per distinct text
    assert markdown_to_cached(texts, "html", tmp_path, workers=2) == direct  # from the cache
