"""Checks of a délibération's texts: words too long to be words (R115, issue #17 class 6), text
left from ``registre new``'s template (R116, issue #23)."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.textrules import WORD_MAX, long_words, template_lines
from tests.conftest import BASE, run_cli

TODAY = "2024-06-01"


def test_long_words_are_found_with_their_offset_and_length() -> None:
    word = "x" * (WORD_MAX + 1)
    text = f"Début {word}\nmilieu {'y' * WORD_MAX} fin\t{word}z"
    assert list(long_words(text)) == [
        (6, WORD_MAX + 1),
        (text.index("\t") + 1, WORD_MAX + 2),
    ]


def test_template_lines_are_those_left_whatever_their_indentation() -> None:
    """The « Vu… » and « DÉCIDE » lines of the template are a délibération's words: kept."""
    assert template_lines("Exposé des motifs.\n\n**DÉCIDE**\n\nArticle 1 : …\n") == [
        "Exposé des motifs.",
        "Article 1 : …",
    ]
    vu = "Vu le Code général des collectivités territoriales,"
    assert template_lines(f"{vu}\n  Article 1 : …") == ["Article 1 : …"]
    assert template_lines("Exposé des motifs de la vente.\n\nArticle 1 : … est abrogé.") == []


def test_one_template_line_left_is_named_alone(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    delib = content / "seances" / "2024-05-16" / "deliberations" / "2024_011.yml"
    text = delib.read_text(encoding="utf-8")
    delib.write_text(text.replace("Article 1 : la vente est autorisée.", "Article 1 : …"))
    code, out, _ = run_cli("check", "--content", str(content), "--no-cache", "--today", TODAY)
    assert code == 0
    assert out.startswith(
        f"{delib}:{text[: text.index('texte:')].count(chr(10)) + 1}:8: R116 (avertissement) le "
        "texte garde « Article 1 : … », ligne du modèle de « registre new deliberation »\n"
        "    → Écrivez à la place l'exposé des motifs et les articles de la délibération. Tant "
        "qu'une délibération garde le texte du modèle, « registre build », « registre pdf » et "
        "« registre export » refusent d'écrire (il serait publié et transmis tel quel).\n"
    )


def test_a_no_break_space_does_not_end_a_word() -> None:
    """Pandoc reads « a\u00a0b » as one word: so does the check."""
    half = "a" * (WORD_MAX // 2 + 1)
    assert list(long_words(f"{half}\u00a0{half}")) == [(0, 2 * len(half) + 1)]


def test_a_pasted_image_of_200_000_characters_is_refused_with_its_place(tmp_path: Path) -> None:
    """It kept ``registre build`` busy for 90 s; it is now an error at the texte's key, and
    nothing is written."""
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    delib = content / "seances" / "2024-05-16" / "deliberations" / "2024_011.yml"
    text = delib.read_text(encoding="utf-8").replace(
        "  Article 1 : la vente est autorisée.\n",
        "  Article 1 : la vente est autorisée.\n\n  " + "iVBORw0KGgo" * 18_182 + "\n",
    )
    delib.write_text(text, encoding="utf-8")
    code, out, err = run_cli(
        "build",
        "--content",
        str(content),
        "--out",
        str(tmp_path / "site"),
        "--no-cache",
        "--today",
        TODAY,
    )
    assert (code, err) == (1, "")
    assert (
        f"{delib}:18:8: R115 le texte contient un mot de 200\u00a0002 caractères "
        "(« iVBORw0KGgoiVBORw0KG… », ligne 7 du texte) : une image collée ?"
    ) in out
    assert "Rien n'a été écrit" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]
