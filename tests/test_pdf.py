"""Extract PDFs, listes, Word/ODT copies: read back with pdfplumber, compared exactly."""

from __future__ import annotations

import contextlib
import gzip
import os
import pickle
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
import typst

from generator.diagnostics import RegistreError, Severity
from generator.model import Deliberation, Project
from generator.presence import seance_to_presence
from generator.project import CheckResult, build, check
from generator.public import public_project
from generator.render import pdf as render_pdf
from generator.render.formats import date_to_text, number_to_text, time_to_text
from generator.render.outputs import Store
from generator.render.pdf import TEMPLATES, RenderSettings, template_digest
from generator.votes import vote_to_figures
from tests.conftest import AFTER_BUILD, BASE, ROOT, TODAY, sample_copy

GOLDEN = ROOT / "tests" / "golden" / "pdf"
SAMPLE = ROOT / "content"


def pdf_text(path: Path) -> list[str]:
    """The text of each page, as pdfplumber extracts it."""
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    folder = tmp_path_factory.mktemp("sample")
    out = folder / "site"
    result = build(sample_copy(folder), out, today=TODAY)
    assert result.project is not None
    return result.project, out


def _sample_pdfs() -> list[str]:
    names = [f"extraits/{p.stem}.pdf" for p in sorted(SAMPLE.glob("seances/*/deliberations/*.yml"))]
    names += [f"listes/{p.name}.pdf" for p in sorted((SAMPLE / "seances").iterdir())]
    return names


@pytest.mark.parametrize("name", _sample_pdfs())
def test_pdf_text_golden(sample_site: tuple[Project, Path], name: str) -> None:
    """``make golden`` rewrites tests/golden/pdf/ from the current templates: review the diff."""
    _, out = sample_site
    text = "\n\f\n".join(pdf_text(out / name)) + "\n"
    golden = GOLDEN / (name.replace("/", "-") + ".txt")
    if os.environ.get("REGISTRE_REGEN_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_every_page_carries_the_number_and_page_x_of_y(sample_site: tuple[Project, Path]) -> None:
    project, out = sample_site
    for files in project.seances:
        for d in files.deliberations:
            pages = pdf_text(out / "extraits" / f"{d.numero}.pdf")
            for i, page in enumerate(pages, start=1):
                last = page.splitlines()[-1]
                assert last == f"Délibération n° {d.numero} page {i} / {len(pages)}"


FIGURES = re.compile(r"Membres en exercice Présents Pouvoirs Votants\n(\d+) (\d+) (\d+) (\d+)")
DECOMPTE = re.compile(
    r"Pour : (\d+), Contre : (\d+), Abstentions : (\d+), Ne prennent pas part au vote : (\d+)"
)


def test_round_trip_figures_read_back_equal_the_yaml(sample_site: tuple[Project, Path]) -> None:
    """Présents, pouvoirs, votants and the vote, read back from each PDF, are the YAML's."""
    project, out = sample_site
    membres = {m.id: m for m in project.membres}
    checked = 0
    for files in project.seances:
        presence = seance_to_presence(files.seance, membres)
        for d in files.deliberations:
            text = "\n".join(pdf_text(out / "extraits" / f"{d.numero}.pdf"))
            point = presence.at(d.point)
            assert point is not None
            m = FIGURES.search(text)
            assert m is not None, d.numero
            assert tuple(int(g) for g in m.groups()) == (
                point.en_exercice,
                len(point.presents),
                len(point.procurations),
                point.votants,
            )
            figures = vote_to_figures(d.vote, point.votants)
            if d.vote.candidats:
                for c in d.vote.candidats:
                    assert f"{c.nom} : {c.voix}" in text
                continue
            v = DECOMPTE.search(text.replace("\n", " "))
            assert v is not None, d.numero
            assert tuple(int(g) for g in v.groups()) == (
                figures.pour,
                figures.contre,
                figures.abstention,
                figures.nppv,
            )
            checked += 1
    assert checked >= 15


def test_pdf_metadata_and_pdfa(sample_site: tuple[Project, Path]) -> None:
    _, out = sample_site
    with pdfplumber.open(out / "extraits" / "2024_001.pdf") as pdf:
        info = pdf.metadata
        xmp = pdf.doc.catalog["Metadata"].resolve().get_data().decode("utf-8")
    assert info["Title"].startswith("Délibération n° 2024_001 — Budget primitif 2024")
    assert info["Author"] == "Communauté d'agglomération du Val d'Amour"
    assert info["CreationDate"] == "D:20240314000000Z"  # the séance, not the build's "now"
    assert (
        "<pdfaid:part>2</pdfaid:part>" in xmp
        and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    )
    assert "<dc:language><rdf:Bag><rdf:li>fr-FR</rdf:li>" in xmp


def test_two_builds_are_byte_identical(sample_site: tuple[Project, Path], tmp_path: Path) -> None:
    _, first = sample_site
    second = tmp_path / "site"
    build(sample_copy(tmp_path), second, today=TODAY)
    names = sorted(p.relative_to(first) for p in (first / "extraits").iterdir())
    names += sorted(p.relative_to(first) for p in (first / "listes").iterdir())
    assert len(names) == 18 * 3 + 3
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_kept_compiler_makes_the_pdf_a_fresh_one_makes() -> None:
    """Each process keeps one Typst compiler (its fonts, its caches) for all its documents:
    a document compiled after others is the one Typst makes from nothing."""
    sources = [
        f'#set document(title: "{title}", date: datetime(year: 2024, month: 5, day: 16))\n'
        f'#set text(font: "Libertinus Serif")\n= {title}\n\n{body}'
        for title, body in (("Premier", "Un texte. " * 200), ("Second", "*Autre* texte."))
    ]
    for source in sources:  # the second after the first, in the kept compiler
        kept = render_pdf.compile_typst(source)
        fresh, _ = typst.compile_with_warnings(
            source.encode(), ignore_system_fonts=True, pdf_standards=["a-2b"]
        )
        assert kept == fresh


def test_word_and_odt_copies_hold_the_extract(sample_site: tuple[Project, Path]) -> None:
    _, out = sample_site
    with zipfile.ZipFile(out / "extraits" / "2024_001.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    with zipfile.ZipFile(out / "extraits" / "2024_001.odt") as odt:
        content = odt.read("content.xml").decode("utf-8")
    for xml in (body, content):
        assert "Budget primitif 2024 du budget principal" in xml
        assert "Pour : 30, Contre : 6, Abstentions : 2" in xml
        assert "Pour extrait conforme au registre," in xml


def test_liste_des_deliberations_in_order_of_passage(sample_site: tuple[Project, Path]) -> None:
    _, out = sample_site
    text = "\n".join(pdf_text(out / "listes" / "2024-03-14.pdf"))
    numbers = re.findall(r"^(2024_\d{3}) ", text, flags=re.MULTILINE)
    # point 6 (2024_003) was examined third, before points 3, 4 and 5
    assert numbers == ["2024_001", "2024_002", "2024_003", "2024_004", "2024_005", "2024_006"]
    assert "2024_003 6 " in text


def test_a_liste_follows_an_edit_with_the_cache_kept(tmp_path: Path) -> None:
    """The listes are kept per séance between builds: the one whose délibération changed is
    made again, with the new objet, and the previous one is not served."""
    content = _base_with(tmp_path)
    cache = tmp_path / "cache"
    build(content, tmp_path / "site", today=TODAY, cache_dir=cache)
    delib = content / "seances" / "2024-05-16" / "deliberations" / "2024_010.yml"
    delib.write_text(delib.read_text(encoding="utf-8").replace("objet: Tarifs", "objet: Prix"))
    build(content, tmp_path / "site", today=TODAY, cache_dir=cache)
    text = " ".join(" ".join(pdf_text(tmp_path / "site" / "listes" / "2024-05-16.pdf")).split())
    assert "Prix de la cantine scolaire" in text
    assert "Tarifs de la cantine" not in text


# ---------------------------------------------------------------- hostile and extreme input


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _base_with(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    return content


def test_markup_in_values_prints_literally(tmp_path: Path) -> None:
    content = _base_with(tmp_path)
    delib = content / "seances" / "2024-05-16" / "deliberations" / "2024_010.yml"
    hostile = r'Objet #read("/etc/passwd") $x^2$ \textbf{x} *gras* <script>alert(1)</script> \ fin'
    text = delib.read_text(encoding="utf-8")
    text = text.replace(
        "objet: Tarifs de la cantine scolaire pour l'année 2024-2025",
        "objet: '" + hostile.replace("'", "''") + "'",
    )
    text = text.replace(
        "  Le conseil municipal fixe chaque année les tarifs de la cantine.",
        '  Texte #read("/etc/passwd") et $y$ et <b>gras</b> \\\n\n'
        "  Image ![plan](/etc/passwd) et [lien](javascript:alert(1)).\n\n"
        '  ```{=typst}\n  #read("/etc/passwd")\n  ```',
    )
    _write(delib, text)
    out = tmp_path / "site"
    build(content, out, today=TODAY)
    page = "\n".join(pdf_text(out / "extraits" / "2024_010.pdf"))
    assert "Objet : " + hostile in page.replace("\n", " ")
    # French typography turns the quotes into guillemets; nothing else is interpreted
    assert "Texte #read(« /etc/passwd ») et $y$ et <b>gras</b>" in page
    assert '{=typst} #read("/etc/passwd")' in page  # a code block, shown as code
    assert "Image plan et lien." in page  # no image read from disk, no javascript: link
    assert "root:" not in page  # nothing was read from the file system


def test_extreme_sizes_render(tmp_path: Path) -> None:
    """A 499-character object, a 60-row table across pages, 300 members, no optional fields."""
    content = _base_with(tmp_path)
    members = ["membres:"] + [
        f"  - {{id: m{i:03d}, civilite: {'Mme' if i % 2 else 'M.'}, prenom: Prénom{i}, "
        f"nom: NOM-{i:03d}}}"
        for i in range(300)
    ]
    _write(content / "membres.yml", "\n".join(members) + "\n")
    seance = content / "seances" / "2024-05-16" / "seance.yml"
    _write(
        seance,
        "date: 2024-05-16\nlieu: Salle\nconvocation: 2024-05-10\npresident: m000\n"
        "secretaires: [m001]\nordre_de_passage: ['1', '2']\npresents:\n"
        + "".join(f"  - m{i:03d}\n" for i in range(290))
        + "absents: ["
        + ", ".join(f"m{i:03d}" for i in range(290, 300))
        + "]\n",
    )
    delibs = content / "seances" / "2024-05-16" / "deliberations"
    rows = "".join(f"      - [Ligne {i}, {i * 1000}]\n" for i in range(60))
    total = sum(i * 1000 for i in range(60))
    objet = ("Objet très long " * 40)[:499]
    _write(
        delibs / "2024_010.yml",
        f"numero: '2024_010'\npoint: '1'\nobjet: {objet}\nmatiere: '7.1'\n"
        "tableaux:\n  - titre: Soixante lignes\n    unite: €\n    colonnes: [Poste, Montant]\n"
        f"    lignes:\n{rows}    totaux:\n      - [Total, {total}]\n"
        "texte: Texte.\nvote: {unanimite: true}\n",
    )
    _write(
        delibs / "2024_011.yml",
        "numero: '2024_011'\npoint: '2'\nobjet: Sans options\nmatiere: '9.1'\ntexte: Texte.\n"
        "vote: {pour: 280, contre: 10}\n",
    )
    out = tmp_path / "site"
    build(content, out, today=TODAY)
    pages = pdf_text(out / "extraits" / "2024_010.pdf")
    assert len(pages) >= 3
    text = "\n".join(pages)
    assert "Étaient présents (290) :" in text
    assert "NOM-289" in text and "Absents (10) :" in text
    assert objet[-30:].strip() in text.replace("\n", " ")
    # the table's header is repeated on each page it spans
    with_rows = [p for p in pages if "Ligne " in p]
    assert len(with_rows) >= 2
    assert all("Poste Montant" in p for p in with_rows)
    spaced = number_to_text(total, "€").replace("\u202f", " ").replace("\u00a0", " ")
    assert f"Total {spaced}" in text
    plain = "\n".join(pdf_text(out / "extraits" / "2024_011.pdf"))
    assert "Rapporteur" not in plain and "Reçu en préfecture" not in plain
    assert "Adoptée à la majorité des suffrages exprimés" in plain


def test_failed_render_keeps_the_previous_outputs(tmp_path: Path) -> None:
    content = _base_with(tmp_path)
    out = tmp_path / "site"
    build(content, out, today=TODAY)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    template = broken / "extrait.typ.j2"
    _write(template, template.read_text(encoding="utf-8") + "\n#fonction-inconnue()\n")
    with pytest.raises(RegistreError) as caught:
        build(content, out, today=TODAY, settings=RenderSettings(templates=broken))
    [first, *_] = caught.value.diagnostics
    assert first.code == "G001"
    assert first.message.startswith("extrait 2024_010 : rendu impossible (unknown variable")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [*AFTER_BUILD, "templates"]


def test_unknown_font_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    content = _base_with(tmp_path)
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    template = broken / "extrait.typ.j2"
    _write(
        template,
        template.read_text(encoding="utf-8").replace('font: "Libertinus Serif"', 'font: "Arial"'),
    )
    with pytest.raises(RegistreError) as caught:
        build(content, tmp_path / "site", today=TODAY, settings=RenderSettings(templates=broken))
    assert "unknown font family: arial" in caught.value.diagnostics[0].message


# ---------------------------------------------------------------- French typography


def test_numbers_dates_and_times_in_french() -> None:
    assert number_to_text(3107000, "€") == "3\u202f107\u202f000\u00a0€"
    assert number_to_text(-1500) == "−1\u202f500"
    from decimal import Decimal

    assert number_to_text(Decimal("12.50"), "%") == "12,50\u00a0%"
    import datetime as dt

    assert date_to_text(dt.date(2024, 3, 1), weekday=True) == "vendredi 1er mars 2024"
    assert time_to_text(dt.time(18, 30)) == "18\u00a0h\u00a030"
    assert time_to_text(dt.time(20, 0)) == "20\u00a0h"


# ---------------------------------------------------------------- occultation


def _public_texts(site: Path) -> Iterator[tuple[Path, str]]:
    """The text of every file of the public site, as a reader or a search engine sees it."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".pdf":
            yield path, "\n".join(pdf_text(path))
        elif path.suffix in (".docx", ".odt"):
            with zipfile.ZipFile(path) as z:
                yield path, "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        elif path.name.startswith("pagefind") or path.suffix.startswith(".pf_"):
            data = path.read_bytes()
            with contextlib.suppress(OSError):
                data = gzip.decompress(data)
            yield path, data.decode("utf-8", "replace")
        else:
            yield path, path.read_bytes().decode("utf-8", "replace")


def test_occulted_passages_never_reach_the_public(tmp_path: Path) -> None:
    content = _base_with(tmp_path)
    delib = content / "seances" / "2024-05-16" / "deliberations" / "2024_011.yml"
    text = delib.read_text(encoding="utf-8")
    text = text.replace(
        "  La commune est propriétaire de la parcelle AB 112.",
        "  La commune est propriétaire de la parcelle AB 112, que M. Jean MARTINEAU, demeurant "
        "3 rue des Lilas, propose d'acquérir.",
    )
    text += "occulter:\n  - M. Jean MARTINEAU\n  - 3 rue des Lilas\n"
    delib.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    build(content, out, today=TODAY)
    official = "\n".join(pdf_text(tmp_path / "officiel" / "extraits" / "2024_011.pdf"))
    assert "M. Jean MARTINEAU, demeurant 3 rue des Lilas" in official.replace("\n", " ")
    public = "\n".join(pdf_text(out / "extraits" / "2024_011.pdf"))
    assert "que [occulté], demeurant [occulté], propose" in public.replace("\n", " ")
    seen = 0
    for path, content_text in _public_texts(out):
        assert "MARTINEAU" not in content_text, path
        assert "rue des Lilas" not in content_text, path
        seen += 1
    assert seen > 50
    page = (out / "deliberations" / "2024_011" / "index.html").read_text(encoding="utf-8")
    assert "que [occulté], demeurant [occulté], propose" in page


def _with_passages(base_copy: Path, sentence: str, passages: list[str]) -> CheckResult:
    """``base_copy`` checked once 2024_011's first sentence is ``sentence`` and ``passages``
    are to be occulted."""
    delib = base_copy / "seances" / "2024-05-16" / "deliberations" / "2024_011.yml"
    text = delib.read_text(encoding="utf-8").replace(
        "  La commune est propriétaire de la parcelle AB 112.", f"  {sentence}"
    )
    listed = "".join(f"  - {p}\n" for p in passages)
    delib.write_text(f"{text}occulter:\n{listed}", encoding="utf-8")
    return check(base_copy, today=TODAY)


def _public_2024_011(result: CheckResult) -> Deliberation:
    """2024_011 as it is published (its passages occulted)."""
    assert result.ok and result.project is not None, result.diagnostics
    public = public_project(result.project)
    return next(d for s in public.seances for d in s.deliberations if d.numero == "2024_011")


def test_a_passage_is_never_looked_for_inside_the_occulted_mark(base_copy: Path) -> None:
    """Regression: the passages were replaced one after the other, so a short one was found
    again inside the « [occulté] » put for a longer one (« cult » gave « [o[occulté]é] »),
    and once more when the public version was made again from itself (the open-data export
    does it)."""
    result = _with_passages(
        base_copy,
        "La commune est propriétaire de la parcelle AB 112, que M. Jean MARTINEAU propose "
        "d'acquérir pour un lieu de culte.",
        ["M. Jean MARTINEAU", "cult"],
    )
    assert result.ok and result.project is not None, result.diagnostics
    public = public_project(result.project)
    d = next(d for s in public.seances for d in s.deliberations if d.numero == "2024_011")
    assert "que [occulté] propose d'acquérir pour un lieu de [occulté]e." in " ".join(
        d.texte.split()
    )
    assert public_project(public) == public


def test_a_passage_to_occult_that_is_not_there_is_reported(base_copy: Path) -> None:
    delib = base_copy / "seances" / "2024-05-16" / "deliberations" / "2024_011.yml"
    delib.write_text(
        delib.read_text(encoding="utf-8") + "occulter: [M. Jean MARTINEAU]\n", encoding="utf-8"
    )
    result = check(base_copy, today=TODAY)
    [diag] = result.diagnostics
    assert (diag.code, diag.severity) == ("R114", Severity.ERROR)
    assert diag.message == (
        "le passage à occulter « M. Jean MARTINEAU » n'apparaît pas dans la délibération"
    )
    assert not result.ok


@pytest.mark.parametrize(
    "written",
    [
        "M. Jean\n  MARTINEAU",  # a line break in the YAML block
        "M.  Jean   MARTINEAU",  # several spaces
        "M.\u00a0Jean\u202fMARTINEAU",  # no-break spaces
        "M.\\ Jean MARTINEAU",  # Markdown's no-break space
        "M. Jean\\\n  MARTINEAU",  # Markdown's hard line break
        "M.&nbsp;Jean MARTINEAU",  # the entity
    ],
    ids=["line-break", "spaces", "nbsp", "md-nbsp", "hard-break", "entity"],
)
def test_a_passage_is_hidden_whatever_its_spacing_in_the_text(
    base_copy: Path, written: str
) -> None:
    """Issue #17, class 14: « M. Jean⏎MARTINEAU » was published; the passage's letters must
    match exactly, its spacing need not."""
    result = _with_passages(
        base_copy,
        f"La commune est propriétaire de la parcelle AB 112, que {written} propose d'acquérir.",
        ["M. Jean MARTINEAU"],
    )
    d = _public_2024_011(result)
    assert "MARTINEAU" not in d.texte
    assert "parcelle AB 112, que [occulté] propose" in " ".join(d.texte.split())


def test_a_passage_s_letters_must_match_exactly(base_copy: Path) -> None:
    """A passage differing by an accent or a capital is not found: an error, not a guess."""
    result = _with_passages(
        base_copy,
        "La commune, représentée par M. Jean MARTINEAU, est propriétaire.",
        ["m. jean martineau"],
    )
    assert [d.code for d in result.diagnostics] == ["R114"]
    assert not result.ok


# ---------------------------------------------------------------- incremental builds


def test_an_edit_renders_again_only_the_extracts_it_changes(
    base_copy: Path, tmp_path: Path
) -> None:
    """The extracts of each séance are kept between builds under the hash of the séance, the
    members and the collectivité: an objet edited renders its extract only (public and
    official: the same file when nothing is occulted), a member renamed renders every extract
    that names them."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(base_copy, out, today=TODAY, cache_dir=cache)

    def rebuild() -> list[str]:
        messages: list[str] = []
        build(base_copy, out, today=TODAY, cache_dir=cache, progress=messages.append)
        return [m for m in messages if m.startswith("Extraits PDF")]

    assert rebuild() == ["Extraits PDF (0 à produire sur 2)"] * 2
    delib = base_copy / "seances" / "2024-05-16" / "deliberations" / "2024_010.yml"
    text = delib.read_text(encoding="utf-8")
    _write(delib, text.replace("objet: ", "objet: Rectifié — ", 1))
    # the official extract first; the public one is the same file
    assert rebuild() == ["Extraits PDF (1 à produire sur 2)", "Extraits PDF (0 à produire sur 2)"]
    assert "Rectifié —" in "".join(pdf_text(out / "extraits" / "2024_010.pdf"))
    assert "Rectifié —" not in "".join(pdf_text(out / "extraits" / "2024_011.pdf"))
    membres = base_copy / "membres.yml"
    _write(membres, membres.read_text(encoding="utf-8").replace("nom: BLANC", "nom: BLANC-ROUX"))
    assert rebuild() == ["Extraits PDF (2 à produire sur 2)", "Extraits PDF (0 à produire sur 2)"]
    assert "BLANC-ROUX" in "".join(pdf_text(tmp_path / "officiel" / "extraits" / "2024_011.pdf"))


def test_a_document_missing_from_the_store_is_made_again(base_copy: Path, tmp_path: Path) -> None:
    """The memo keeps the keys of each séance's extracts, not the extracts themselves: a PDF
    or a copy gone from the store (a cache cleaned by hand) is planned and written again."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(base_copy, out, today=TODAY, cache_dir=cache)
    gone = [out / "extraits" / "2024_010.docx", out / "extraits" / "2024_011.pdf"]
    for kept in (cache / "documents").rglob("*.*"):
        if any(os.path.samefile(kept, published) for published in gone):
            kept.unlink()
    build(base_copy, out, today=TODAY, cache_dir=cache)
    assert "Vente de la parcelle" in "".join(pdf_text(out / "extraits" / "2024_011.pdf"))
    with zipfile.ZipFile(out / "extraits" / "2024_010.docx") as docx:
        assert "Tarifs" in docx.read("word/document.xml").decode("utf-8")


def test_a_store_sent_to_a_worker_leaves_its_listing_behind(tmp_path: Path) -> None:
    """Regression: the store's listing (its files' names and inodes) was pickled with every
    task of the Word/ODT copies' worker processes, then made again by each task to record
    the copies it wrote: at 10,000 délibérations, the copies took 46 s instead of 23."""
    empty = Store(tmp_path / "vide", tmp_path)
    store = Store(tmp_path / "documents", tmp_path)
    for i in range(1000):
        store.put(f"{i:064x}", ".pdf", b"%PDF")
    assert store.has(f"{999:064x}", ".pdf")
    sent = pickle.loads(pickle.dumps(store))
    assert len(pickle.dumps(store)) <= len(pickle.dumps(empty)) + 20
    sent.put(f"{1000:064x}", ".docx", b"PK")
    assert "_inodes" not in vars(sent)  # writing lists nothing
    assert sent.has(f"{1000:064x}", ".docx")  # listed where it is asked


def test_the_public_pass_reuses_the_copies_the_workers_wrote(
    base_copy: Path, tmp_path: Path
) -> None:
    """Regression: the Word/ODT copies written by worker processes were not in the build's
    listing of the store, so the public pass (after the official one) took them for missing
    and wrote them all again (the copies' stage took twice as long). Here nothing is occulted:
    the public copies are the official ones."""
    messages: list[str] = []
    settings = RenderSettings(pool_threshold=1)  # the copies written by worker processes
    build(base_copy, tmp_path / "site", today=TODAY, settings=settings, progress=messages.append)
    assert [m for m in messages if m.startswith("Copies Word")] == [
        "Copies Word et OpenDocument (4 à produire sur 4)",
        "Copies Word et OpenDocument (0 à produire sur 4)",
    ]


def test_a_new_pandoc_or_lua_writer_renders_the_extracts_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: an extract's key held the code, Typst and the templates, not the texts'
    conversion: after an upgrade of pandoc or a change of the Lua writer (not Python, so not in
    ``code_version``), the PDFs and their Word/ODT copies kept the text converted before."""
    settings = RenderSettings()
    before = template_digest(settings, "extrait.typ.j2")
    monkeypatch.setattr(render_pdf, "conversion_salt", lambda: "pandoc 9.9, formats.lua modifié")
    assert template_digest(settings, "extrait.typ.j2") != before
