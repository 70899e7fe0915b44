"""Word and OpenDocument copies: the extracts of a séance converted in one pandoc run and cut
apart hold exactly what one conversion per extract holds."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from lxml import etree

from generator.project import check
from generator.render.context import deliberation_to_extrait
from generator.render.office import _pandoc_office, extrait_to_markdown, markdowns_to_office
from tests.conftest import ROOT, TODAY

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
DAY = dt.date(2024, 3, 14)


def _blocks(data: bytes, fmt: str) -> list[tuple[str, str]]:
    """Each paragraph's style and text, and for Word the text of each footnote."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if fmt == "odt":
            root = etree.fromstring(package.read("content.xml"))
            # automatic styles (P1, P2… of table cells) are numbered across the whole run;
            # they are all kept in the part, only their names differ
            return [
                (re.sub(r"^P\d+$", "P", str(e.get(f"{TEXT}style-name"))), "".join(e.itertext()))
                for e in root.iter(f"{TEXT}p", f"{TEXT}h")
            ]
        doc = etree.fromstring(package.read("word/document.xml"))
        notes = etree.fromstring(package.read("word/footnotes.xml"))
    blocks = []
    for p in doc.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        blocks.append((str(None if style is None else style.get(f"{W}val")), "".join(p.itertext())))
    blocks += [("note", "".join(n.itertext())) for n in notes if n.get(f"{W}type") is None]
    return blocks


@pytest.fixture(scope="module")
def markdowns() -> list[str]:
    """The sample's extracts of 14 March 2024, and two texts with footnotes."""
    result = check(ROOT / "content", today=TODAY)
    assert result.project is not None
    project = result.project
    files = next(f for f in project.seances if f.seance.date == DAY)
    extraits = [deliberation_to_extrait(project, files, d, d.texte) for d in files.deliberations]
    return [extrait_to_markdown(e) for e in extraits] + [
        "Vu l'avis[^1].\n\n[^1]: Avis de la commission du 3 mars.\n\n1. un\n2. deux",
        "Vu la loi[^a].\n\n[^a]: Loi du 7 août 2015.\n\n1. trois\n2. quatre",
    ]


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_one_run_cut_apart_equals_one_run_per_extract(markdowns: list[str], fmt: str) -> None:
    batch = markdowns_to_office(markdowns, fmt, DAY)
    alone = [_pandoc_office(m, fmt, DAY) for m in markdowns]
    assert [_blocks(b, fmt) for b in batch] == [_blocks(a, fmt) for a in alone]
    assert "Loi du 7 août 2015." in str(_blocks(batch[-1], fmt))
    assert "Avis de la commission" not in str(_blocks(batch[-1], fmt))


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_a_text_that_swallows_the_markers_gets_one_run_each(fmt: str) -> None:
    texts = ["Premier.", "```\ncode non refermé", "Dernier."]
    batch = markdowns_to_office(texts, fmt, DAY)
    assert [_blocks(b, fmt) for b in batch] == [
        _blocks(_pandoc_office(t, fmt, DAY), fmt) for t in texts
    ]
