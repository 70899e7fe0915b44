"""The reference texts and their labels, and the typographies they are rendered in
(tests/textes.py): every text is labelled, every label names a text, and every rendered PDF
gives back, through pdfplumber, the text's words in the text's order."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from ruamel.yaml import YAML

from tests.textes import (
    LABELS,
    TYPOGRAPHIES,
    header_text,
    pdf_name,
    read_text,
    render_all,
    texts,
)

FOOTER = re.compile(r"^page \d+ / \d+$")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Every text in every typography, rendered once for the module."""
    return render_all(tmp_path_factory.mktemp("textes-pdf"))


@pytest.fixture(scope="module")
def extracted(rendered: dict[str, list[Path]]) -> dict[str, list[tuple[str, str]]]:
    """For each typography, each text beside what pdfplumber reads in its PDF."""
    out: dict[str, list[tuple[str, str]]] = {}
    for typo, pdfs in rendered.items():
        running = TYPOGRAPHIES[typo].running
        out[typo] = []
        for source, pdf in zip(texts(), pdfs, strict=True):
            text = read_text(source)
            out[typo].append((text, pdf_text(pdf, header_text(text) if running else None)))
    return out


def stream(text: str) -> str:
    """The text's characters with what typography may change taken out: Unicode forms
    (ligatures), whitespace and line breaks, and hyphens (a word broken at a line end)."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return re.sub(r"[\s\-‐]+", "", text)


def words(text: str) -> list[str]:
    """The words, also cut after every hyphen: a line may end after a hyphen of the text."""
    return unicodedata.normalize("NFKC", text).replace("-", "- ").split()


def pdf_text(pdf: Path, header: str | None) -> str:
    """The PDF's text, page by page, without its running header and footer."""
    pages: list[str] = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            lines = (page.extract_text() or "").split("\n")
            if header is not None:
                if lines and lines[0].strip() == header:
                    lines = lines[1:]
                if lines and FOOTER.match(lines[-1].strip()):
                    lines = lines[:-1]
            pages.append("\n".join(lines))
    return "\n".join(pages)


def first_difference(expected: str, got: str) -> str:
    a, b = stream(expected), stream(got)
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return (
        f"at {at}: expected «{a[max(0, at - 40) : at + 40]}», got «{b[max(0, at - 40) : at + 40]}»"
    )


def test_every_text_is_labelled() -> None:
    missing = [p.stem for p in texts() if not (LABELS / f"{p.stem}.yaml").is_file()]
    assert not missing, f"texts without a label in tests/labels/textes: {missing}"


def test_every_label_names_its_text() -> None:
    stems = {p.stem for p in texts()}
    yaml = YAML(typ="safe")
    wrong = []
    for label in sorted(LABELS.glob("*.yaml")):
        data = yaml.load(label.read_text(encoding="utf-8"))
        if label.stem not in stems or data.get("file") != f"{label.stem}.pdf":
            wrong.append(f"{label.name}: file {data.get('file')!r}")
    assert not wrong, wrong


@pytest.mark.parametrize("typo", list(TYPOGRAPHIES))
def test_rendered_pdf_holds_the_text_in_order(
    extracted: dict[str, list[tuple[str, str]]], typo: str
) -> None:
    failures = [
        f"{pdf} {first_difference(text, got)}"
        for pdf, (text, got) in zip(
            (pdf_name(p.stem, typo) for p in texts()), extracted[typo], strict=True
        )
        if stream(got) != stream(text)
    ]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "typo", [name for name, typo in TYPOGRAPHIES.items() if "hyphenate: false" in typo.preamble]
)
def test_unhyphenated_pdf_holds_the_words_in_order(
    extracted: dict[str, list[tuple[str, str]]], typo: str
) -> None:
    """Where Typst adds no hyphen, the very words come back (spaces included)."""
    failures = []
    for pdf, (text, got) in zip(
        (pdf_name(p.stem, typo) for p in texts()), extracted[typo], strict=True
    ):
        want, have = words(text), words(got)
        if want != have:
            at = next(
                (i for i, (x, y) in enumerate(zip(want, have, strict=False)) if x != y),
                min(len(want), len(have)),
            )
            failures.append(f"{pdf} word {at}: {want[at : at + 5]} / {have[at : at + 5]}")
    assert not failures, "\n".join(failures)


def test_rendering_is_deterministic(tmp_path: Path, rendered: dict[str, list[Path]]) -> None:
    again = render_all(tmp_path, stems=[texts()[0].stem])
    for typo, pdfs in again.items():
        assert pdfs[0].read_bytes() == rendered[typo][0].read_bytes(), typo
