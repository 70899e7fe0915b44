"""Word and OpenDocument copies, written in Python: read back by the real pandoc, each holds what
pandoc's own file held when pandoc wrote the extract from Markdown (the former writer, kept here
as the reference); notes stay with their extract; builds are byte-identical; hostile text stays
text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pypandoc
import pytest
from lxml import etree

from generator.project import check
from generator.render.context import Extrait, Table, deliberation_to_extrait
from generator.render.markdown import SAFE_FILTER, SAFE_MARKDOWN, markdown_to_formats
from generator.render.office import extrait_to_office
from tests.conftest import ROOT, TODAY

FORMATS = ("docx", "odt")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
DOCX_PARTS = [
    "[Content_Types].xml",
    "_rels/.rels",
    "word/document.xml",
    "word/_rels/document.xml.rels",
    "word/_rels/footnotes.xml.rels",
    "word/numbering.xml",
    "word/styles.xml",
    "word/footnotes.xml",
    "word/comments.xml",
    "docProps/core.xml",
    "docProps/custom.xml",
    "word/settings.xml",
    "docProps/app.xml",
    "word/theme/theme1.xml",
    "word/fontTable.xml",
    "word/webSettings.xml",
]
ODT_PARTS = [
    "mimetype",
    "meta.xml",
    "META-INF/manifest.xml",
    "content.xml",
    "manifest.rdf",
    "styles.xml",
]

# --- The reference: the extract as Markdown, as the former writer gave it to pandoc ----------

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~^$@\"'&:=;,/?%])")


def _escape(text: str) -> str:
    return _PUNCTUATION.sub(r"\\\1", text)


def _pipe_table(
    columns: tuple[str, ...], rows: list[tuple[str, ...]], numeric: tuple[bool, ...]
) -> str:
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(_escape(c) for c in cells) + " |"

    rule = "|" + "|".join("--:" if n else ":--" for n in numeric) + "|"
    return "\n".join([line(columns), rule, *(line(r) for r in rows)])


def extrait_to_markdown(e: Extrait) -> str:
    """The whole extract as pandoc Markdown, exactly as the former pandoc writer had it."""
    parts = [
        f"**{_escape(e.collectivite)}**  \n" + "  \n".join(_escape(a) for a in e.adresse),
        f"# {_escape(e.titre)}",
        f"**{_escape(e.seance)}** — {_escape(e.lieu)}  \n{_escape(e.convocation)}",
        _pipe_table(
            tuple(f.label for f in e.figures),
            [tuple(f.value for f in e.figures)],
            tuple(True for _ in e.figures),
        ),
        _escape(e.quorum),
        "  \n".join(f"**{_escape(f.label)} :** {_escape(f.value)}" for f in e.bureau),
        *(
            f"**{_escape(nl.title)} ({len(nl.names)}) :** {_escape(', '.join(nl.names))}."
            for nl in e.attendance
        ),
        f"## {_escape(f'Délibération n° {e.numero} — point n° {e.point}')}",
        f"**{_escape('Objet : ' + e.objet)}**",
        "  \n".join(f"**{_escape(f.label)} :** {_escape(f.value)}" for f in e.details),
        e.texte.strip(),
    ]
    for t in e.tables:
        if t.title:
            parts.append(f"*{_escape(t.title)}*")
        parts.append(_pipe_table(t.columns, [*t.rows, *t.totals], t.numeric))
    votes = [f"**{_escape(e.resultat)}**", _escape(e.decompte)]
    votes += [f"**{_escape(nl.title)} :** {_escape(', '.join(nl.names))}" for nl in e.votes]
    parts.append("  \n".join(votes))
    parts.append("  \n".join(_escape(line) for line in e.certification))
    parts.append(f"{_escape(e.signataire[0])}  \n**{_escape(e.signataire[1])}**")
    if e.transmission:
        parts.append("  \n".join(_escape(line) for line in e.transmission))
    parts.append(f"*{_escape(e.recours)}*")
    return "\n\n".join(parts) + "\n"


def _pandoc(*args: str, data: bytes) -> bytes:
    run = subprocess.run(
        [pypandoc.get_pandoc_path(), *args], input=data, capture_output=True, check=True
    )
    return run.stdout


def pandoc_office(e: Extrait, fmt: str) -> bytes:
    """The file pandoc itself writes from the extract's Markdown (the former writer)."""
    return _pandoc(
        f"--from={SAFE_MARKDOWN}",
        f"--lua-filter={SAFE_FILTER}",
        f"--to={fmt}",
        "--output=-",
        "--metadata=lang:fr-FR",
        data=extrait_to_markdown(e).encode("utf-8"),
    )


def read_back(data: bytes, fmt: str) -> list[Any]:
    """The blocks pandoc reads from a Word or OpenDocument file."""
    blocks: list[Any] = json.loads(_pandoc(f"--from={fmt}", "--to=json", data=data))["blocks"]
    return blocks


def plain_text(data: bytes, fmt: str) -> str:
    return _pandoc(f"--from={fmt}", "--to=plain", "--wrap=none", data=data).decode("utf-8")


def office(e: Extrait, fmt: str, texte: str | None = None) -> bytes:
    """Our file for ``e``, its text read by pandoc as the build reads it."""
    if texte is None:
        texte = markdown_to_formats([e.texte])[0]["json"]
    return extrait_to_office(e, texte, fmt)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extraits() -> list[Extrait]:
    """Every extract of the sample."""
    result = check(ROOT / "content", today=TODAY)
    assert result.project is not None
    project = result.project
    return [
        deliberation_to_extrait(project, files, d, d.texte)
        for files in project.seances
        for d in files.deliberations
    ]


#: Texts exercising every construct pandoc's Markdown reader produces after safe.lua.
SYNTHETIC = {
    "lists": """Intro.

1. un
2. deux
    1. deux.un
    2. deux.deux
        - puce profonde
3. trois

   second paragraphe de trois

   ```
   code dans un item
   ```

   > citation dans un item

- - imbriquée d'abord
  - seconde
- après

3. trois
4. quatre

(i) romain
(ii) romain deux

a) alpha
b) bêta

- [ ] tâche ouverte
- [x] tâche faite

- ample

- liste

Paragraphe après la liste.
""",
    "tables": """Tableau simple :

  Droite     Gauche     Centre     Défaut
-------     ------ ----------   -------
     12     12        12            12
    123     123       123          123

| a | b |
|--:|:-:|
| 1 | 2 |
| 3 |   |

| c | d |
|---|---|
| x | y |

: Légende du tableau

| Colonne large dont l'en-tête dépasse les soixante-douze caractères de pandoc | b |
|:---|---:|
| x | 1 |

+-------+-------+-------+
| H1    | H2 et H3      |
+=======+=======+=======+
| a     | b     | c     |
+-------+-------+       +
| d     | e     |       |
+-------+-------+-------+
| f             | g     |
+-------+-------+-------+
""",
    "blocks": """# Titre un {#haut}

## Titre *deux*

### Trois

#### Quatre

##### Cinq

###### Six

| Une strophe
|    en retrait
| et la fin

* * *

::: {#bloc .avis}
Dans un bloc.
:::

> Citation.
>
> > Citation dans la citation.

    code en retrait
      indenté

```python
def f():  return 1
```

<div>du HTML devient du code</div>

Terme
:   Définition *une*

    Second paragraphe.

Terme compact
: définition compacte
: seconde

$x^2$, @citation et fin.
""",
    "inlines": """*emph* **strong** ***les deux*** ~~barré~~ H~2~O x^2^ [petites]{.smallcaps}
[souligné]{.underline} [surligné]{.mark} "guillemets *doubles*" 'simples' `code  espacé`
[web](http://example.com "titre") <https://auto.example> <mailto:x@example.fr> [ancre](#haut)
[js](javascript:alert(1)) ![image](photo.png) **gras avec `code`** *[lien](https://x.example)*
~indice avec ^exposant^~ ligne\\
coupée, points... et -- tirets --- ici; insécable 18 h 30.
Entités : &amp; &lt; < > & ]]> <w:p> [envergure]{#repere}
""",
    "notes": """Vu l'avis[^1] et la loi[^2], voir aussi^[Note *en ligne* avec [lien](https://ex.example).].

[^1]: Avis de la commission du 3 mars.

[^2]: Loi du 7 août 2015.

    Second paragraphe de la note.

    - liste dans la note

| Cellule | Avec note |
|---------|-----------|
| a[^3]   | b         |

[^3]: Note dans un tableau.
""",
    "autre_note": "Vu le budget[^a].\n\n[^a]: Note du second extrait.\n\n1. trois\n2. quatre\n",
}


@pytest.fixture(scope="module")
def synthetic(extraits: list[Extrait]) -> dict[str, Extrait]:
    """The first extract of the sample with each synthetic text."""
    return {name: dataclasses.replace(extraits[0], texte=md) for name, md in SYNTHETIC.items()}


# --- Tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_sample_reads_back_as_pandocs_own_file(extraits: list[Extrait], fmt: str) -> None:
    textes = [f["json"] for f in markdown_to_formats([e.texte for e in extraits])]
    different = [
        e.numero
        for e, texte in zip(extraits, textes, strict=True)
        if read_back(extrait_to_office(e, texte, fmt), fmt) != read_back(pandoc_office(e, fmt), fmt)
    ]
    assert different == []


@pytest.mark.parametrize("name", SYNTHETIC)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_construct_reads_back_as_pandocs_own_file(
    synthetic: dict[str, Extrait], name: str, fmt: str
) -> None:
    e = synthetic[name]
    assert read_back(office(e, fmt), fmt) == read_back(pandoc_office(e, fmt), fmt)


def test_word_hyperlinks_have_relationships(synthetic: dict[str, Extrait]) -> None:
    files = parts(office(synthetic["inlines"], "docx"))
    used = set(re.findall(rb'r:id="(rId\d+)"', files["word/document.xml"]))
    rels = etree.fromstring(files["word/_rels/document.xml.rels"])
    targets = {r.get("Id"): r for r in rels}
    assert used
    for ident in used:
        assert targets[ident.decode()].get("TargetMode") == "External"
    assert {targets[i.decode()].get("Target") for i in used} >= {
        "http://example.com",
        "mailto:x@example.fr",
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_notes_stay_with_their_extract(synthetic: dict[str, Extrait], fmt: str) -> None:
    first = plain_text(office(synthetic["notes"], fmt), fmt)
    other = plain_text(office(synthetic["autre_note"], fmt), fmt)
    assert "Avis de la commission" in first and "Note dans un tableau" in first
    assert "Note du second extrait" in other
    assert "Avis de la commission" not in other and "Note du second extrait" not in first


def test_notes_are_numbered_from_one_in_each_extract(synthetic: dict[str, Extrait]) -> None:
    for name, count in (("notes", 4), ("autre_note", 1)):
        files = parts(office(synthetic[name], "odt"))
        content = etree.fromstring(files["content.xml"])
        citations = [c.text for c in content.iter(f"{TEXT}note-citation")]
        assert citations == [str(n) for n in range(1, count + 1)]
        files = parts(office(synthetic[name], "docx"))
        notes = etree.fromstring(files["word/footnotes.xml"])
        ids = [n.get(f"{W}id") for n in notes if n.get(f"{W}type") is None]
        referenced = re.findall(rb'w:footnoteReference w:id="(\d+)"', files["word/document.xml"])
        assert ids == [r.decode() for r in referenced] == [str(n) for n in range(1, count + 1)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_builds_are_byte_identical_and_dated_by_the_seance(
    synthetic: dict[str, Extrait], fmt: str
) -> None:
    e = synthetic["notes"]
    texte = markdown_to_formats([e.texte])[0]["json"]
    data = extrait_to_office(e, texte, fmt)
    assert extrait_to_office(e, texte, fmt) == data
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        infos = package.infolist()
        assert {info.date_time for info in infos} == {
            (e.date.year, e.date.month, e.date.day, 0, 0, 0)
        }
        assert [info.filename for info in infos] == (DOCX_PARTS if fmt == "docx" else ODT_PARTS)
        if fmt == "odt":
            assert infos[0].compress_type == zipfile.ZIP_STORED
            assert package.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    files = parts(data)
    day = e.date.isoformat()
    if fmt == "docx":
        assert (
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{day}T00:00:00Z'.encode()
            in files["docProps/core.xml"]
        )
        assert b"<dc:language>fr-FR</dc:language>" in files["docProps/core.xml"]
        assert b'w:val="fr-FR"' in files["word/styles.xml"]
    else:
        assert f"<dc:date>{day}T00:00:00Z</dc:date>".encode() in files["meta.xml"]
        assert b"<dc:language>fr-FR</dc:language>" in files["meta.xml"]
        assert b'fo:language="fr"' in files["styles.xml"]


HOSTILE = "<w:p>x</w:p> ]]> & <![CDATA[ y ]]> \x0bfin\x01"


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_stays_text(extraits: list[Extrait], fmt: str) -> None:
    e = dataclasses.replace(
        extraits[0],
        collectivite=HOSTILE,
        objet=HOSTILE,
        lieu=HOSTILE,
        tables=(Table(HOSTILE, (HOSTILE, "n"), (False, True), ((HOSTILE, "1"),), ()),),
        texte=f"Texte {HOSTILE.replace('<', '&lt;')} et *{HOSTILE}*.",
    )
    data = office(e, fmt)
    for name, content in parts(data).items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(content)  # well-formed
    text = plain_text(data, fmt)
    assert text.count("<w:p>x</w:p> ]]> & <![CDATA[ y ]]> fin") == 8  # fields, title, cells, text
    assert "\x0b" not in text and "\x01" not in text


def _document(*blocks: dict[str, Any]) -> str:
    return json.dumps({"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": list(blocks)})


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_element_is_written_as_its_text(extraits: list[Extrait], fmt: str) -> None:
    texte = _document(
        {
            "t": "Mystère",
            "c": [{"t": "Str", "c": "bloc"}, {"t": "Space"}, {"t": "Str", "c": "inconnu"}],
        },
        {
            "t": "Para",
            "c": [{"t": "Str", "c": "avant"}, {"t": "Énigme", "c": [{"t": "Str", "c": "enligne"}]}],
        },
    )
    text = plain_text(extrait_to_office(extraits[0], texte, fmt), fmt)
    assert "bloc inconnu" in text and "avantenligne" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_figure_keeps_its_body_and_caption(extraits: list[Extrait], fmt: str) -> None:
    # safe.lua drops images and implicit figures are off: only a filter could make one
    caption = [None, [{"t": "Plain", "c": [{"t": "Str", "c": "Légende"}]}]]
    body = [{"t": "Para", "c": [{"t": "Str", "c": "Corps"}]}]
    texte = _document({"t": "Figure", "c": [["", [], []], caption, body]})
    text = plain_text(extrait_to_office(extraits[0], texte, fmt), fmt)
    assert "Corps\n\nLégende" in text


def test_a_date_before_1980_still_makes_a_package(extraits: list[Extrait]) -> None:
    e = dataclasses.replace(extraits[0], date=dt.date(1975, 6, 1))
    for fmt in FORMATS:
        assert read_back(office(e, fmt), fmt)


def test_libreoffice_reads_our_files_as_it_reads_pandocs(
    synthetic: dict[str, Extrait], extraits: list[Extrait], tmp_path: Path
) -> None:
    """A word processor (LibreOffice Writer, Debian's ``libreoffice-writer-nogui``, installed by
    ``make test``) opens our Word and ODT files and reads the same text as from the files
    pandoc writes: lists, tables, notes, links and the legal mentions."""
    cases = {"echantillon": extraits[0], "notes": synthetic["notes"], "listes": synthetic["lists"]}
    sources = tmp_path / "fichiers"
    sources.mkdir()
    for name, e in cases.items():
        for fmt in FORMATS:
            (sources / f"{name}-ours-{fmt}.{fmt}").write_bytes(office(e, fmt))
            (sources / f"{name}-pandoc-{fmt}.{fmt}").write_bytes(pandoc_office(e, fmt))
    run = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profil'}",
            "--headless",
            "--convert-to",
            "html",
            "--outdir",
            str(tmp_path / "texte"),
            *sorted(map(str, sources.iterdir())),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr

    def text(stem: str) -> str:
        """The words LibreOffice shows, notes included (its plain-text export leaves them out)."""
        page = (tmp_path / "texte" / f"{stem}.html").read_text(encoding="utf-8")
        body = html.unescape(re.sub(r"<[^>]+>", " ", page.split("<body", 1)[1]))
        return " ".join(body.split())

    for name in cases:
        for fmt in FORMATS:
            assert text(f"{name}-ours-{fmt}") == text(f"{name}-pandoc-{fmt}"), (name, fmt)
    for fmt in FORMATS:
        sample = text(f"echantillon-ours-{fmt}")
        assert "Pour : 30, Contre : 6, Abstentions : 2" in sample
        assert "Pour extrait conforme au registre," in sample
        assert "Loi du 7 août 2015." in text(f"notes-ours-{fmt}")
