"""check-pdf: reference extracts against hand-written expectations, bad inputs, the pool."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.ingest import check_pdf, check_pdfs, exit_code, reports_to_json, reports_to_text
from generator.ingest.check import text_to_report
from generator.ingest.numbers import fold, replace_number_words
from generator.ingest.ocr import OcrSettings
from generator.ingest.text import PdfText, TextSettings, read_pdf
from generator.ingest.votes import find_vote
from tests.conftest import REFERENCE, ROOT

EXPECTED = ROOT / "tests" / "expected" / "ingest"
DOCS = {p.stem: p for d in ("extraits", "corpus") for p in (REFERENCE / d).glob("*.pdf")}


def _leaves(value: Any, where: str) -> list[tuple[str, Any]]:
    """Every checked value of an expected report, by path: « deliberations[0].vote.pour »."""
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [(f"{where}.#", len(value))] + [
            leaf for i, v in enumerate(value) for leaf in _leaves(v, f"{where}[{i}]")
        ]
    return [(where, value)]


def _cases() -> list[Any]:
    """One test per document and field; ``known_failures: {path: reason}`` in an expected file
    marks that field xfail (strict: a fix makes the test fail until the mark is removed)."""
    cases = []
    for path in sorted(EXPECTED.glob("*.yml")):
        expected = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        unchecked = expected.pop("unchecked", None) or {}
        known = expected.pop("known_failures", None) or {}
        leaves = [
            (k, v)
            for k, v in _leaves(expected, "")
            if not set(re.sub(r"\[\d+\]", "", k).split(".")) & set(unchecked)
        ]
        assert set(known) <= {k.lstrip(".") for k, _ in leaves}, path.name
        for key, value in leaves:
            field = key.lstrip(".")
            marks = [pytest.mark.xfail(strict=True, reason=known[field])] if field in known else []
            cases.append(
                pytest.param(path.stem, field, value, marks=marks, id=f"{path.stem}:{field}")
            )
    return cases


def _actual(report: dict[str, Any], field: str) -> Any:
    value: Any = report
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field):
        if part == "#":
            return len(value)
        value = value[int(part[1:-1])] if part.startswith("[") else value[part]
    return value


_REPORTS: dict[str, dict[str, Any]] = {}


@pytest.mark.parametrize(("stem", "field", "expected"), _cases())
def test_expected_values(stem: str, field: str, expected: Any) -> None:
    if stem not in _REPORTS:
        _REPORTS[stem] = check_pdf(DOCS[stem]).to_json()
    assert _actual(_REPORTS[stem], field) == expected


def test_besancon_explanation_names_the_bounds() -> None:
    report = check_pdf(DOCS["000_07502a19c6daf1fa"])
    (d,) = report.deliberations
    assert (d.declared_total, d.expected_total, d.coherent) == (97, 96, False)
    assert "Thierry MORTON (à partir du 3.2)" in d.explanation
    assert "hors de ses bornes (jusqu'au 1.1.2)" in d.explanation
    assert any("97 ≠ 96" in a for a in d.anomalies)
    assert "INCOHÉRENT" in reports_to_text([report])


def test_scans_are_reported_without_text_under_ocr_never() -> None:
    for stem in (
        "putanges-le-lac_pv_cm_2024-03-25_SCANNED",
        "flaux_pv_cm_2023-12-15_SCANNED-with-stamp-text",
    ):
        report = check_pdf(DOCS[stem], ocr=OcrSettings(mode="never"))
        assert report.status == "no_text_layer"
        assert report.message is not None
        assert report.message.endswith(
            "reconnaissance de caractères (OCR) désactivée par --ocr never"
        )


BAD = ROOT / "tests" / "fixtures" / "ingest-bad"


def _image_only_pdf() -> bytes:
    """Three pages, each a raster image (a scan without its text layer), composed by Typst."""
    return typst_pdf(
        '#set page(paper: "a4", margin: 1cm)\n'
        "#for i in range(3) [#image(bytes(range(200 * 280).map(k => calc.rem(k * 7 + i, 256))), "
        'format: (encoding: "luma8", width: 200, height: 280), width: 100%)]\n'
    )


def _long_pv(pages: int) -> bytes:
    """A procès-verbal of ``pages`` pages, one deliberation a page, composed by Typst."""
    return typst_pdf(
        '#set page(paper: "a4")\n#set text(lang: "fr", size: 10pt)\n'
        "= Commune de Montaigu-sur-Loire\n"
        "Procès-verbal de la séance du conseil municipal du 12 mars 2024\n\n"
        "Présents : M. Jean DUPONT, Mme Marie DURAND, M. Paul MARTIN\n\n"
        f"#for i in range(1, {pages}) [\n#pagebreak()\n"
        "Délibération n° 2024-#i -- Objet numéro #i\n\n"
        "#for j in range(4) [Le conseil municipal, après en avoir délibéré, approuve la "
        "convention numéro #i et autorise le maire à la signer. ]\n\n"
        "Pour : 3, Contre : 0, Abstentions : 0\n]\n"
    )


def typst_pdf(source: str) -> bytes:
    import typst

    data = typst.compile(source.encode("utf-8"), format="pdf")
    assert isinstance(data, bytes)
    return data


def _bad_files(tmp: Path) -> dict[str, Path]:
    real = DOCS["002_91caae8e95b269c5"].read_bytes()
    files = {
        "vide.pdf": b"",
        "texte.pdf": b"ceci n'est pas un PDF\n",
        "tronque.pdf": real[: len(real) // 3],
        "entete-seul.pdf": b"%PDF-1.7\n%%EOF\n",
        "malforme.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"trailer <<>>\n%%EOF\n",
        "image.pdf": _image_only_pdf(),
    }
    out = {}
    for name, data in files.items():
        (tmp / name).write_bytes(data)
        out[name] = tmp / name
    for path in sorted(BAD.glob("*.pdf")):
        out[path.name] = path
    return out


#: each bad input's status and message, word for word
BAD_REPORTS = {
    "vide.pdf": ("unreadable", "fichier vide (0 octet)"),
    "texte.pdf": ("unreadable", "ce n'est pas un PDF (signature %PDF absente)"),
    "tronque.pdf": (
        "unreadable",
        "PDF tronqué : la fin du fichier manque (marque %%EOF absente)",
    ),
    "entete-seul.pdf": ("unreadable", "PDF endommagé, illisible (PDFSyntaxError)"),
    "malforme.pdf": ("unreadable", "PDF endommagé, illisible (PDFSyntaxError)"),
    "image.pdf": (
        "no_text_layer",
        "3 page(s) lue(s), 0 lettres seulement : document scanné sans couche texte ; la "
        "reconnaissance de caractères (OCR) n'y a pas lu de texte",
    ),
    # tests/fixtures/ingest-bad (README.md there says how they were made)
    "chiffre-aes256.pdf": ("unreadable", "PDF chiffré : mot de passe requis"),
    "chiffre-rc4.pdf": ("unreadable", "PDF chiffré : mot de passe requis"),
    "chiffre-certificat.pdf": (
        "unreadable",
        "PDF chiffré par une méthode non prise en charge (certificat…)",
    ),
    # only the owner's password: printing and copying forbidden, reading allowed
    "protege.pdf": ("ok", None),
}


def test_bad_inputs_yield_a_status_and_a_message(tmp_path: Path) -> None:
    reports = {name: check_pdf(path) for name, path in _bad_files(tmp_path).items()}
    assert {name: (r.status, r.message) for name, r in reports.items()} == BAD_REPORTS
    (d,) = reports["protege.pdf"].deliberations
    assert (d.ref, d.declared_total, d.expected_total) == ("2024-01", 3, 3)


def test_a_bad_file_does_not_stop_a_batch(tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)
    (tmp_path / "long.pdf").write_bytes(_long_pv(500))
    paths = [
        bad["vide.pdf"],
        tmp_path / "long.pdf",
        bad["chiffre-aes256.pdf"],
        DOCS["004_465084a1f6b77f0d"],
        bad["image.pdf"],
        bad["texte.pdf"],
        bad["tronque.pdf"],
    ]
    reports = check_pdfs(paths, workers=2, timeout=60)
    assert [(r.status, r.message) for r in reports] == [
        BAD_REPORTS["vide.pdf"],
        ("ok", "seules les 400 premières pages ont été lues"),
        BAD_REPORTS["chiffre-aes256.pdf"],
        ("ok", None),
        BAD_REPORTS["image.pdf"],
        BAD_REPORTS["texte.pdf"],
        BAD_REPORTS["tronque.pdf"],
    ]
    assert reports[1].pages == 500 and len(reports[1].deliberations) == 399
    assert exit_code(reports) == 2
    assert '"status": "ok"' in reports_to_json(reports)


@pytest.mark.parametrize("workers", [1, 2])
def test_time_limit(workers: int) -> None:
    """Regression (``workers=1``): the files were read in the calling process, with no time
    limit: a PDF that makes the parser loop hung ``registre check-pdf --workers 1``."""
    [report] = check_pdfs([DOCS["lannion_pv_cm_2020-06-08"]], workers=workers, timeout=0.01)
    assert report.status == "unreadable"
    assert report.message == "délai dépassé : analyse interrompue après 0.01 s"


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("Pour : 21\nContre : 0", (21, 0, None, None, False)),
        ("POUR 21 / CONTRE 0", (21, 0, None, None, False)),
        ("adopté par 29 voix pour", (29, None, None, None, False)),
        ("à trente-quatre voix pour et une voix contre", (34, 1, None, None, False)),
        ("2 votes contre 1 abstention 9 votes pour", (9, 2, 1, None, False)),
        ("A L'UNANIMITE des votants (31 voix), 8 abstentions", (31, None, 8, None, True)),
        ("AVEC :29 VOIX POUR2 NE PRENNENT PAS PART AU VOTE", (29, None, None, 2, False)),
        ("adopté à l'unanimité", (None, None, None, None, True)),
        ("Pour information, 60 % des écoles pour 2017", (None, None, None, None, False)),
    ],
)
def test_vote_layouts(text: str, figures: tuple[Any, ...]) -> None:
    v = find_vote(text)
    assert (v.pour, v.contre, v.abstention, v.nppv, v.unanimite) == figures


def test_number_words() -> None:
    assert replace_number_words(fold("quatre-vingt-dix-huit voix")) == "98 voix"
    assert replace_number_words(fold("soixante et onze")) == "71"
    assert replace_number_words(fold("une convention")) == "une convention"


def test_import_pdf_writes_drafts(tmp_path: Path) -> None:
    from generator.ingest import import_pdf

    written = import_pdf(DOCS["002_91caae8e95b269c5"], tmp_path / "content")
    seance = (tmp_path / "content" / "seances" / "2023-06-22" / "seance.yml").read_text("utf-8")
    assert [p.name for p in written] == ["seance.yml", "membres.yml", "DEL20230622_5.yml"]
    assert "procurations:" in seance and "Membres inconnus" not in seance


def _fill_in(content: Path) -> None:
    """What a secretary adds to the drafts: the keys ``registre check`` said were missing."""
    import datetime as dt
    import re

    for path in content.glob("seances/*/seance.yml"):
        text = path.read_text("utf-8")
        m = re.search(r"^date: (\S+)", text, re.M)
        first = re.search(r"^  - (?:membre: )?([\w-]+)", text, re.M)
        assert m and first
        convocation = dt.date.fromisoformat(m.group(1)) - dt.timedelta(days=10)
        text += f"lieu: Mairie\nconvocation: {convocation}\n"
        text += f"president: {first.group(1)}\nsecretaires: [{first.group(1)}]\n"
        path.write_text(text, "utf-8")
    for path in content.glob("seances/*/deliberations/*.yml"):
        text = path.read_text("utf-8")
        if "\nobjet:" not in text:
            text += "objet: Objet\n"
        path.write_text(text + 'matiere: "8.1"\ntexte: Texte.\n', "utf-8")


@pytest.mark.parametrize(
    ("stem", "folder", "missing"),
    [
        (
            "002_91caae8e95b269c5",
            "2023-06-22",
            {
                "seance.yml": {"convocation", "lieu", "president", "secretaires"},
                "DEL20230622_5.yml": {"matiere", "objet", "texte"},
            },
        ),
        (
            "004_465084a1f6b77f0d",
            "2015-03-09",
            {
                "seance.yml": {"convocation", "lieu", "president", "secretaires"},
                "15_09_03_35.yml": {"matiere", "texte"},
            },
        ),
    ],
)
def test_import_pdf_drafts_pass_check_but_for_what_is_not_printed(
    tmp_path: Path, stem: str, folder: str, missing: dict[str, set[str]]
) -> None:
    """Givors and Dole into a content tree: ``registre check`` names exactly the keys the
    document does not print; once they are added, the drafts pass without a warning."""
    import re
    import shutil

    from generator.diagnostics import Severity
    from generator.ingest import import_pdf
    from generator.project import check
    from tests.conftest import BASE, TODAY

    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(BASE / "collectivite.yml", content / "collectivite.yml")
    import_pdf(DOCS[stem], content)
    result = check(content, today=TODAY)
    found: dict[str, set[str]] = {}
    for d in result.diagnostics:
        assert d.code == "S005", d.format()
        key = re.search(r"« (\w+) » manque", d.message)
        assert key, d.message
        found.setdefault(Path(d.loc.file).name, set()).add(key.group(1))
    assert found == missing
    assert all(
        Path(d.loc.file).parent.name in (folder, "deliberations") for d in result.diagnostics
    )
    _fill_in(content)
    result = check(content, today=TODAY)
    assert [d.format() for d in result.diagnostics] == []
    assert result.project is not None
    assert not any(d.severity is Severity.ERROR for d in result.diagnostics)


def test_import_pdf_into_a_tree_with_its_own_members(base_copy: Path) -> None:
    """A membres.yml written by hand is left alone; the members it lacks are reported."""
    from generator.ingest import import_pdf
    from generator.project import check
    from tests.conftest import TODAY

    before = (base_copy / "membres.yml").read_text("utf-8")
    import_pdf(DOCS["004_465084a1f6b77f0d"], base_copy)
    assert (base_copy / "membres.yml").read_text("utf-8") == before
    seance = (base_copy / "seances" / "2015-03-09" / "seance.yml").read_text("utf-8")
    assert "# Membres inconnus (à ajouter à membres.yml) : M. Jean-Marie SERMIER" in seance
    _fill_in(base_copy)
    codes = {d.code for d in check(base_copy, today=TODAY).diagnostics if "2015" in d.loc.file}
    assert "R101" in codes  # « membre inconnu », one per member the tree does not know


def test_regression_surname_does_not_swallow_the_next_civilite() -> None:
    """Regression: in « … à Mme Nathalie JEANNET » followed on the next line by « M. Gilbert
    CARD à … » (Dole), the « M » of « M. » was read as an initial of JEANNET (« JEANNET M »)
    and the next mandant lost his civilité."""
    from generator.ingest.attendance import parse_attendance
    from generator.ingest.names import find_mentions

    text = "Mme Laetitia CUSSEY à Mme Nathalie JEANNET\nM. Gilbert CARD à M. Jean-Claude WAMBST"
    labels = [m.label for m in find_mentions(text)]
    assert labels == [
        "Mme Laetitia CUSSEY",
        "Mme Nathalie JEANNET",
        "M. Gilbert CARD",
        "M. Jean-Claude WAMBST",
    ]
    att = parse_attendance("Conseillers absents ayant donné procuration :\n" + text)
    assert [(p.mandant.label, p.mandataire and p.mandataire.label) for p in att.pouvoirs] == [
        ("Mme Laetitia CUSSEY", "Mme Nathalie JEANNET"),
        ("M. Gilbert CARD", "M. Jean-Claude WAMBST"),
    ]


def test_regression_count_glued_to_the_next_label() -> None:
    """Regression: « 29 VOIX POUR2 NE PRENNENT PAS PART AU VOTE » (Givors): the count of the
    next label is glued to « POUR » without a space."""
    v = find_vote("ADOPTE AVEC :29 VOIX POUR2 NE PRENNENT PAS PART AU VOTE (M. RIVA, M. BODARD)")
    assert (v.pour, v.nppv, v.contre, v.abstention) == (29, 2, None, None)


def test_regression_explicit_label_wins_over_a_number_before_the_next_line() -> None:
    """Regression: « Ne prennent pas part au vote : 0 » followed by the line « Pour extrait
    conforme » was read as « 0 pour », and the NPPV figure was lost."""
    v = find_vote(
        "Pour : 38, Contre : 0, Abstentions : 0, Ne prennent pas part au vote : 0\n"
        "Pour extrait conforme au registre,"
    )
    assert (v.pour, v.contre, v.abstention, v.nppv) == (38, 0, 0, 0)


def test_regression_negated_secret_ballot() -> None:
    """« décidé, à l'unanimité, de ne pas procéder au scrutin secret » is not a secret ballot;
    « élu au scrutin secret », far from the figures, is."""
    assert not find_vote(
        "Le conseil a décidé de ne pas procéder au scrutin secret.\nPour : 3, Contre : 0"
    ).secret
    text = "Il est procédé à l'élection au scrutin secret.\n" + "x " * 400 + "\nvotants : 39"
    assert find_vote(text + " ; blancs ou nuls : 3 ; suffrages exprimés : 36").secret


def test_table_of_figures_in_the_head() -> None:
    """A row of labels over a row of numbers (Registre's own extracts, many others)."""
    from generator.ingest.attendance import table_figures

    f = fold("Membres en exercice Présents Pouvoirs Votants\n40 36 2 38\nLe quorum (21 membres)")
    assert table_figures(f) == {
        "en_exercice": 40,
        "presents_n": 36,
        "procurations_n": 2,
        "votants_n": 38,
    }
    assert table_figures(fold("Les présents et les votants sont\n3 4")) == {}


def test_regression_absents_only_from_a_printed_count() -> None:
    """Regression: ``absents`` was computed from the names listed (excused members, members
    represented by a pouvoir, late arrivals…), a matter of definition; it is now null unless
    the document prints a count (Putanges-le-Lac 2017 lists 13 absents and prints no count)."""
    assert check_pdf(DOCS["putanges-le-lac_cr_registre_2017-10-06"]).absents is None
    assert check_pdf(DOCS["lannion_pv_cm_2020-06-08"]).absents == 0  # « 0 absent »


def test_regression_seance_date_not_from_the_convocation_or_the_previous_minutes() -> None:
    """Regression: the first date on a line naming a séance or the council was taken, i.e.
    the convocation's (Montpellier), the approved minutes' (L'Arbresle: « … SEANCE DU /
    CONSEIL MUNICIPAL / DU 9 JUILLET 2013 » then « séance du 27 mai 2013 … approuvé »), or the
    previous séance's joined to the convocation (Putanges-le-Lac 2017)."""
    from generator.ingest.sections import seance_date

    assert seance_date(
        [
            "COMPTE RENDU DE LA SEANCE DU",
            "CONSEIL MUNICIPAL",
            "DU 9 JUILLET 2013",
            "",
            "Le compte rendu de la séance du 27 mai 2013 est approuvé à l'unanimité",
        ]
    ) == dt.date(2013, 7, 9)
    assert seance_date(
        [
            "Ville de X",
            "Convocation du Conseil Municipal du 29 mai 2020, pour la séance du :",
            "lundi 08 juin 2020",
        ]
    ) == dt.date(2020, 6, 8)
    assert seance_date(
        [
            "COMMUNE DE X",
            "Du 6 octobre 2017",
            "joint à la convocation, le compte rendu de la séance du 25 septembre 2017",
        ]
    ) == dt.date(2017, 10, 6)


def test_regression_numbered_deliberation_headings() -> None:
    """Regression: headings « DEL2025-02 : … », « DE-2014/68 – … », « 1. D2024-15 - … »,
    « D2025-035 - Objet : … », « DL-055-07-13 - … » were not cut into items (the PV read as a
    handful of « 1. FINANCES » sections, or as one item)."""
    from generator.ingest.sections import split_items

    heads = [
        "DEL2025-02 : Vote du compte financier unique",
        "DE-2014/68 – Délégations de pouvoirs : Information",
        "1.  D2024-15 - Compte Financier Unique 2023",
        "D2025-035 - Objet : Adhésion au CAUE",
        "DL-055-07-13 - Signature du marché",
        "2020-290 du 23 mars 2020",
    ]
    lines = [line for h in heads for line in (h, "Texte.", "", "Le Conseil décide.")]
    items = split_items(lines, [])
    assert [(i.ref, i.objet) for i in items] == [
        ("DEL2025-02", "Vote du compte financier unique"),
        ("DE-2014/68", "Délégations de pouvoirs : Information"),
        ("D2024-15", "Compte Financier Unique 2023"),
        ("D2025-035", "Adhésion au CAUE"),
        ("DL-055-07-13", "Signature du marché"),
    ]


def test_regression_items_sharing_a_number() -> None:
    """Regression (found by tests/test_fuzz_pdf.py): three items numbered « 1. » (numbering
    restarting in each chapter) and a bound citing point 2 made an order of passage shorter
    than the items, and the cross-check raised IndexError."""
    from generator.ingest.crosscheck import crosscheck
    from generator.ingest.sections import parse_document
    from generator.ingest.text import Line, PdfText, Segment

    texts = ["Présents : M. Jean DUPONT (à partir du 2), Mme Marie DURAND, M. Paul MARTIN"]
    for title in ("FINANCES", "PERSONNEL", "URBANISME"):
        texts += [f"1. {title} DE LA COMMUNE", "Texte.", "Pour : 2"]
    lines = [Line(1, 12.0 * i, (Segment(40, 400, t),), 10) for i, t in enumerate(texts)]
    check = crosscheck(parse_document(PdfText(pages=1, lines=lines)))
    assert [(i.ref, i.declared_total) for i in check.items] == [("1", 2)] * 3


def test_regression_nearly_upright_text_is_read(tmp_path: Path) -> None:
    """Regression: the OCR layer of a scan fed in slightly askew (Putanges-le-Lac 2024: a
    rotation of 0.3°) was dropped, glyph by glyph, as « not upright », and with it half of the
    votes; text turned by a few degrees is now read, text set at an angle still is not."""
    from generator.ingest.text import read_pdf

    path = tmp_path / "penche.pdf"
    path.write_bytes(
        typst_pdf(
            "#rotate(0.4deg)[Le conseil adopte. Pour : 3, Contre : 0]\n#rotate(20deg)[Tampon : 5]\n"
        )
    )
    assert [line.text for line in read_pdf(path).lines] == [
        "Le conseil adopte. Pour : 3, Contre : 0"
    ]


def test_regression_a_count_glued_to_a_word_is_not_a_vote() -> None:
    """Regression: « frais de gestion versés au CDG60 pour sa gestion » (Pierrefonds 2025) was
    read as « 60 pour », and the item's unanimity as a vote of 60."""
    v = find_vote(
        "les frais de gestion qui seront versés au CDG60 pour sa gestion du contrat.\n"
        "Le Conseil Municipal, après en avoir délibéré, à l'unanimité : DÉCIDE d'adhérer."
    )
    assert (v.pour, v.unanimite) == (None, True)


def test_numbered_items_without_a_vote_are_kept_once() -> None:
    """A deliberation number heads an item even when no vote is read (a « prise d'acte », a
    vote postponed); listed again in the agenda or a closing list, it is kept once, where its
    text is. Items under a mere point number still need a vote."""
    from generator.ingest.sections import parse_document
    from generator.ingest.text import Line, PdfText, Segment

    agenda = ["DE-2014/1 – Budget", "DE-2014/2 – Rapport annuel", "DE-2014/3 – Voirie"]
    texts = [
        "Présents : M. Jean DUPONT, Mme Marie DURAND, M. Paul MARTIN",
        *agenda,
        "",
        "DE-2014/1 – Budget",
        "Le conseil adopte le budget.",
        "Pour : 3",
        "DE-2014/2 – Rapport annuel",
        "Le conseil prend acte du rapport annuel du délégataire.",
        "Le rapport est présenté par le maire, puis commenté.",
        "DE-2014/3 – Voirie",
        "Le conseil adopte les travaux.",
        "Pour : 3",
        "1. QUESTIONS DIVERSES",
        "Aucune.",
        *agenda,
    ]
    lines = [Line(1, 12.0 * i, (Segment(40, 400, t),), 10) for i, t in enumerate(texts) if t]
    doc = parse_document(PdfText(pages=1, lines=lines))
    assert [(i.ref, i.vote.empty) for i in doc.items] == [
        ("DE-2014/1", False),
        ("DE-2014/2", True),
        ("DE-2014/3", False),
    ]
    assert "prend acte" in doc.items[1].text


def _doc(texts: list[str]) -> Any:
    """A parsed document made of these lines (one segment each)."""
    from generator.ingest.sections import parse_document
    from generator.ingest.text import Line, PdfText, Segment

    lines = [Line(1, 12.0 * i, (Segment(40, 400, t),), 10) for i, t in enumerate(texts) if t]
    return parse_document(PdfText(pages=1, lines=lines))


def test_point_headings_in_lower_case_numbered_in_sequence() -> None:
    """« 1 - Création et composition des commissions » (Lannion): a point number and a title
    not in capitals start an item when the numbers run 1, 2, 3… through the body; the agenda
    that announces them, and a numbered paragraph inside a point, do not."""
    doc = _doc(
        [
            "Présents : M. Jean DUPONT, Mme Marie DURAND, M. Paul MARTIN",
            "1 - Création des commissions",
            "2 - Délégations au maire",
            "3 - Indemnités de fonction",
            "1 - Création des commissions",
            "Le conseil crée trois commissions :",
            "1 - Finances, 2 - Travaux.",
            "ADOPTE A L'UNANIMITE (3 voix)",
            "2 - Délégations au maire",
            "Pour : 2, Contre : 1",
            "3 - Indemnités de fonction",
            "Pour : 3",
        ]
    )
    assert [(i.ref, i.vote.pour) for i in doc.items] == [("1", 3), ("2", 2), ("3", 3)]


def test_one_deliberation_per_counted_vote_of_a_point() -> None:
    """A point holding several counted votes, each announced (« 1. Budget » : compte de
    gestion, compte administratif, each subsidy; Pierrefonds 2016) gives one deliberation per
    vote, with the point's number; « Vote : Pour à l'unanimité » between them is one too.
    Figures repeated row after row of a table are one vote (Pierrefonds 2024)."""
    doc = _doc(
        [
            "Présents : M. Jean DUPONT, Mme Marie DURAND, M. Paul MARTIN",
            "1. Budget - Commune",
            "− Approbation du compte de gestion",
            "Vote :",
            "− Pour : 2",
            "− Abstentions : 1, Monsieur Paul MARTIN",
            "− Vote du taux des taxes",
            "Vote : Pour à l'unanimité",
            "Festival des Forêts 3000 €",
            "Vote :",
            "− Pour : 1",
            "− Contre : 2",
            "2. Subventions",
            "ACPG 320 €   3 pour",
            "0 abstention",
            "Judo 500 €   3 pour",
            "0 abstention",
            "Le conseil, après en avoir délibéré, approuve le tableau.",
            "3. Voirie",
            "Pour : 3",
        ]
    )
    assert [(i.ref, i.vote.pour, i.vote.abstention, i.vote.unanimite) for i in doc.items] == [
        ("1", 2, 1, False),
        ("1", None, None, True),
        ("1", 1, None, False),
        ("2", 3, 0, False),
        ("3", 3, None, False),
    ]
    assert len({i.point for i in doc.items}) == 5  # distinct in the order of passage


def test_regression_a_number_before_a_noun_or_after_a_decimal_point_is_not_a_vote() -> None:
    """Regression (Pierrefonds 2016): « ils s'abstiennent pour 2 raisons » was read as 2 pour,
    and « est de 1.01 pour la taxe » as 1 pour, hiding the « Vote : Pour à l'unanimité »."""
    v = find_vote(
        "M. X indique qu'ils s'abstiennent pour 2 raisons. Le coefficient est de 1.01 pour la "
        "taxe foncière.\nVote : Pour à l'unanimité"
    )
    assert (v.pour, v.unanimite) == (None, True)


def test_attendance_given_per_range_of_items() -> None:
    """« Questions 1 à 10 : 32 présents … / Questions 11 à 17 : Départ de M. X (procuration à
    Y) … / Questions 18 à la fin : Retour de M. X … » (Lannion): the séance's figures are
    those of the first range, a unanimity without figures declares its range's votants, the
    member who leaves and comes back is present before and after."""
    from generator.ingest.crosscheck import crosscheck

    texts = [
        "Étaient présents :",
        "Jean DUPONT - Marie DURAND - Paul MARTIN - Eric ROBERT",
        "Procurations :",
        "Anne LE GUEN (procuration à Jean DUPONT)",
        "Questions 1 à 2 :",
        "4 présents",
        "1 procuration    5 votants",
        "Questions 3 à la fin :",
        "Départ de Monsieur Eric ROBERT (procuration à Marie DURAND)",
        "3 présents",
        "2 procurations    5 votants",
        "Le Syndicat Départemental d'Energie : Paul MARTIN",
    ]
    for n in (1, 2, 3):
        texts += [f"{n} - Délibération numéro {n}", "Texte.", "ADOPTE A L'UNANIMITE"]
    doc = _doc(texts)
    check = crosscheck(doc)
    assert (check.presents, check.procurations, check.votants) == (4, 1, 5)
    assert [(i.presents, i.procurations, i.declared_total, i.coherent) for i in check.items] == [
        (4, 1, 5, True),
        (4, 1, 5, True),
        (3, 2, 5, True),
    ]


def test_regression_leaving_and_coming_back() -> None:
    """Regression: a member who left at item 2 and came back at item 3 was counted absent from
    the opening (the return replaced the first span); « Madame X revient sur le dispositif »
    (comes back to a subject) and « Syndicat Départemental » were read as a return and a
    departure."""
    from generator.ingest.crosscheck import crosscheck

    texts = ["Présents : Jean DUPONT, Marie DURAND, Paul MARTIN"]
    texts += ["1 - Budget", "Pour : 3", "2 - Voirie", "Départ de Monsieur Paul MARTIN.", "Pour : 2"]
    texts += ["3 - Écoles", "Retour de Monsieur Paul MARTIN.", "Pour : 3"]
    texts += ["4 - Syndicat Départemental d'Energie : Paul MARTIN", "Pour : 3"]
    texts += ["5 - Allée verte", "Madame Marie DURAND revient sur le dispositif.", "Pour : 3"]
    check = crosscheck(_doc(texts))
    assert [i.presents for i in check.items] == [3, 2, 3, 3, 3]
    assert all(i.coherent for i in check.items)


def test_regression_a_label_and_its_value_far_apart() -> None:
    """Regression (L'Arbresle): « Nombre de conseillers votants :        28 », label and value
    far apart on the line, was cut into a side column (the label) and the body (the value);
    the figures of the head were lost. A unanimity without figures declares them at an item
    where nobody has come or gone since the opening."""
    from generator.ingest.crosscheck import crosscheck
    from generator.ingest.sections import parse_document
    from generator.ingest.text import Line, PdfText, Segment

    rows: list[tuple[str, ...]] = [
        ("Nombre de conseillers en exercice :", "4"),
        ("Nombre de conseillers présents :", "3"),
        ("Nombre de conseillers votants :", "3"),
        ("Présents : Jean DUPONT, Marie DURAND, Paul MARTIN",),
        ("DL-055-07-13 - Budget",),
        ("Le maire présente le budget.",),
        ("Le conseil adopte, à l'unanimité, le budget.",),
        ("DL-056-07-13 - Voirie",),
        ("Le maire présente les travaux.",),
        ("Le conseil adopte, à l'unanimité, les travaux.",),
    ]
    lines = [
        Line(
            1, 12.0 * i, tuple(Segment(70 + 210 * k, 260 + 210 * k, t) for k, t in enumerate(r)), 10
        )
        for i, r in enumerate(rows)
    ]
    doc = parse_document(PdfText(pages=1, lines=lines))
    assert (doc.attendance.en_exercice, doc.attendance.votants_n) == (4, 3)
    assert [(i.declared_total, i.coherent) for i in crosscheck(doc).items] == [(3, True)] * 2


def test_regression_civilites_in_capitals_are_not_people() -> None:
    """Regression (Chéméré): « M. Georges LECLEVE, Maire / M. MMES Virginie PORCHER, … » gave
    two more présents, « Maire M. MMES » and « Adjoints M. MMES »."""
    from generator.ingest.names import find_mentions

    text = "M. Georges LECLEVE, Maire\nM. MMES Virginie PORCHER, Michel GRAVOUIL, Adjoints\n"
    text += "M. MMES Jean-Marc VOYAU, Karine FOUQUET"
    assert [m.label for m in find_mentions(text)] == [
        "M. Georges LECLEVE",
        "Virginie PORCHER",
        "Michel GRAVOUIL",
        "Jean-Marc VOYAU",
        "Karine FOUQUET",
    ]


def test_a_member_who_withdraws_for_one_item() -> None:
    """« Madame X se retire de la salle du Conseil et ne prend pas part au débat ni au vote »
    (Chéméré): out of the room for that item only, not gone for the rest of the séance."""
    from generator.ingest.crosscheck import crosscheck

    texts = ["Présents : Jean DUPONT, Marie DURAND, Paul MARTIN"]
    texts += ["DE-2014/1 – Budget", "Le conseil adopte.", "Pour : 3"]
    texts += ["DE-2014/2 – Subvention", "Madame Marie DURAND se retire de la salle du Conseil"]
    texts += ["et ne prend pas part au débat ni au vote.", "Le conseil adopte.", "Pour : 2"]
    texts += ["DE-2014/3 – Voirie", "Le conseil adopte.", "Pour : 3"]
    check = crosscheck(_doc(texts))
    assert [(i.presents, i.coherent) for i in check.items] == [(3, True), (2, True), (3, True)]


def test_regression_dates_and_quoted_labels() -> None:
    """Regression (Chéméré): « 02/07/14 … Pour 3 ans » in a table was read as 14 pour, and
    « Par 12 voix « Pour » et 6 « Abstention » » (labels in quotes) was not read."""
    assert find_vote("02/07/14\nPour 3 ans\nLe conseil prend acte.").empty
    v = find_vote("Par 12 voix « Pour » et 6 « Abstention », le conseil approuve.")
    assert (v.pour, v.abstention) == (12, 6)


def test_events_name_their_people() -> None:
    """« Départ de M. X », « Arrivées de Mesdames X et Y » name the people after the noun;
    « M. X quitte la salle », « Monsieur Leroux siège à nouveau » before the verb; « l'absence
    de départ des élèves » names nobody (Pierrefonds 2025: read as Mme Debuisser leaving)."""
    from generator.ingest.attendance import parse_events

    def read(text: str) -> list[tuple[str, str]]:
        return [(e.kind, e.mention.label) for e in parse_events(text, "1")]

    assert read("Madame Debuisser s'interroge sur l'absence de départ des élèves de CM2.") == []
    assert read("Arrivées de Mesdames Monique FOUREY-BECHET et Françoise DUARTE (37 présents)") == [
        ("arrivee", "Mme Monique FOUREY-BECHET"),
        ("arrivee", "Françoise DUARTE"),
    ]
    assert read("Monsieur Sébastien Leroux, Maire, quitte la salle.") == [
        ("depart", "M. Sébastien Leroux")
    ]
    assert read("Monsieur Leroux siège à nouveau.") == [("arrivee", "M. Leroux")]


def test_changes_said_after_a_vote_apply_from_the_next_item() -> None:
    """« Arrivées de Mmes X et Y ayant pris part aux délibérations ci-après (4 présents, 1
    procuration, soit 5 votants) » after the vote of 4-2 (Putanges-le-Lac 2017): the
    arrivals count from the next item, whose unanimity declares the votants printed there;
    « 4-1 », « 5.a) » head sub-items, « 5. QUESTIONS DIVERSES » just above is their group;
    dot leaders stand between a label and its figure."""
    from generator.ingest.crosscheck import crosscheck

    texts = [
        "Etaient présents : Jean DUPONT, Marie DURAND",
        "Absents ayant donné procuration : Paul MARTIN à Jean DUPONT",
        "Absents : Anne LEROY, Eva SIMON",
        "4. ELECTION DU 1ER ADJOINT.",
        "Texte.",
        "4-1 DETERMINATION DU NOMBRE DE POSTES D'ADJOINT.",
        "Le maire rappelle la délibération du 5 janvier 2016.",
        "Le conseil fixe à un le nombre d'adjoints à l'unanimité.",
        "4-2 ELECTION D'UN PREMIER ADJOINT.",
        "b. Nombre de votants ……………… 3",
        "c. Nombre de suffrages exprimés ……… 3",
        "Arrivées de Mesdames Anne LEROY et Eva SIMON ayant pris part aux délibérations",
        "ci-après (4 présents, 1 procuration, soit 5 votants)",
        "5. QUESTIONS DIVERSES.",
        "5.a) TRAVAUX COMPLEMENTAIRES INTERIEURS EGLISE ST PIERRE DE LA COMMUNE HISTORIQUE",
        "DE PUTANGES PONT ECREPIN",
        "Le conseil approuve à l'unanimité.",
    ]
    check = crosscheck(_doc(texts))
    assert [(i.ref, i.presents, i.declared_total, i.coherent) for i in check.items] == [
        ("4-1", 2, None, None),  # no votants printed for the séance
        ("4-2", 2, 3, True),
        ("5.a", 4, 5, True),
    ]
    assert check.items[2].objet == (
        "TRAVAUX COMPLEMENTAIRES INTERIEURS EGLISE ST PIERRE DE LA COMMUNE HISTORIQUE DE "
        "PUTANGES PONT ECREPIN"
    )


def test_titles_wrapped_over_lines() -> None:
    """A long heading not ending a sentence goes on over the lines that continue it (in lower
    case, or in capitals after capitals); its final period and « , Rapporteur X » are not part
    of the title."""
    from generator.ingest.sections import _title

    assert (
        _title(
            "Service public d’assainissement collectif : Rapport annuel 2013 du",
            "DE-2014/74 – Service public d’assainissement collectif : Rapport annuel 2013 du",
            ["délégataire", "Monsieur le Maire présente le rapport."],
        )
        == "Service public d’assainissement collectif : Rapport annuel 2013 du délégataire"
    )
    assert _title("Fauchage, attribution du marché annuel, Rapporteur M. Gaudin", "", []) == (
        "Fauchage, attribution du marché annuel"
    )
    assert _title("ELECTION D’UN PREMIER ADJOINT.", "4-2 ELECTION D’UN PREMIER ADJOINT.", []) == (
        "ELECTION D’UN PREMIER ADJOINT"
    )


def test_regression_counts_after_lists_and_bulleted_lines() -> None:
    """Regression (Lisières de l'Oise): the count « (4) » after the list of absents was lost
    because the block went on over the agenda's bulleted lines (« ▪ Approbation … »); the
    counts printed after the lists are the séance's figures when no other is printed."""
    from generator.ingest.attendance import parse_attendance

    att = parse_attendance(
        "Étaient présents : M. Jean DUPONT, Mme Marie DURAND (2)\n"
        "Absents ayant donné procuration à :\n"
        "M. Paul MARTIN donne procuration à M. Jean DUPONT (1)\n"
        "Absents et absent(s) excusé(s) :\nMme Anne LEROY, M. Eric SIMON (2)\n"
        "▪ Approbation à l’unanimité du compte-rendu de la séance du Conseil\n"
        "▪ Signature du registre ;"
    )
    assert (att.presents_n, att.procurations_n, att.absents_n) == (2, 1, 2)


def test_regression_a_civilite_does_not_end_a_sentence() -> None:
    """Regression (Lisières de l'Oise): « …, M. SUPERBI réintègre le Conseil » was cut after
    « M. » and the return was lost; « est invité à sortir de la salle » is a departure."""
    from generator.ingest.attendance import parse_events

    text = "M. SUPERBI est invité à sortir de la salle.\n"
    text += "A l’issue des votes des Comptes Financiers Uniques, M. SUPERBI réintègre le Conseil."
    assert [(e.kind, e.mention.label) for e in parse_events(text, "1")] == [
        ("depart", "M. SUPERBI"),
        ("arrivee", "M. SUPERBI"),
    ]


def test_named_abstainers_on_a_line_of_their_own() -> None:
    """« Abstention : M. Papin » under an unanimity (Pierrefonds 2025): one abstention; a
    count (« Abstentions : 3, Monsieur GOSSOT … ») is read as a count."""
    v = find_vote(
        "Le Conseil Municipal, après en avoir délibéré, à l’unanimité :\n- APPROUVE l’adhésion ;"
        "\n\nAbstention : M. Papin\n\nMonsieur Tanguy estime que cette adhésion est inutile."
    )
    assert (v.unanimite, v.abstention) == (True, 1)
    assert find_vote("Vote :\n− Pour : 16\n− Abstentions : 3, Monsieur GOSSOT").abstention == 3


def test_a_point_without_a_deliberation_number_between_numbered_ones() -> None:
    """« 3. D2024-17 - Subventions », « 4. Vote des taux d'imposition 2024 », « 5. D2024_19 -
    Budget » (Pierrefonds 2024): point 4 heads an item of its own, not part of D2024-17; the
    same line in the agenda above does not."""
    doc = _doc(
        [
            "Présents : Jean DUPONT, Marie DURAND, Paul MARTIN",
            "3. Subventions 2024 aux associations",
            "4. Vote des taux d’imposition 2024",
            "5. BP 2024",
            "3. D2024-17 - Subventions 2024 aux associations",
            "Le conseil approuve le tableau des subventions.",
            "Pour : 3",
            "4. Vote des taux d’imposition 2024",
            "Le conseil maintient les taux.",
            "Pour : 2, Contre : 1",
            "5. D2024_19 - Budget Primitif 2024",
            "Le conseil adopte le budget.",
            "Pour : 3",
        ]
    )
    assert [(i.ref, i.vote.pour) for i in doc.items] == [
        ("D2024-17", 3),
        ("4", 2),
        ("D2024_19", 3),
    ]


def test_the_maire_named_in_the_head_leaves_and_comes_back() -> None:
    """« sous la présidence de Madame Michèle BOURBIER, maire » then « Madame le maire quitte
    la séance » before the compte administratif and « réintègre la séance » after it
    (Pierrefonds 2016), said again later without leaving; « Hors de la présence de Madame le
    Maire » (Pierrefonds 2024): out of the room for that item only."""
    from generator.ingest.crosscheck import crosscheck

    texts = [
        "Le conseil s'est réuni sous la présidence de Madame Michèle BOURBIER, maire.",
        "Présents : Michèle BOURBIER, Jean DUPONT, Paul MARTIN",
        "1. Budget - Commune",
        "− Approbation du compte de gestion",
        "Vote :",
        "− Pour : 3",
        "− Contre : 0",
        "Madame le maire quitte la séance.",
        "− Approbation du compte administratif",
        "Vote :",
        "− Pour : 2",
        "− Contre : 0",
        "Madame le maire réintègre la séance.",
        "2. Budget - Eau",
        "Hors de la présence de Madame le Maire, le conseil approuve le compte.",
        "Pour : 2",
        "3. Voirie",
        "Madame le maire réintègre la séance et remercie le conseil.",
        "Pour : 3",
    ]
    check = crosscheck(_doc(texts))
    assert [(i.ref, i.presents, i.coherent) for i in check.items] == [
        ("1", 3, True),
        ("1", 2, True),
        ("2", 2, True),
        ("3", 3, True),
    ]


def test_collectivite_in_the_opening_sentence_or_a_running_footer() -> None:
    """Not in the title block: « le Conseil Municipal de la Commune de L’Arbresle » (opening
    sentence, wrapped), else a line repeated on the pages (« Ville de BOURG-EN-BRESSE -
    Conseil Municipal du lundi 1er Février 2016 », a running footer)."""
    from generator.ingest.sections import collectivite

    head = ["COMPTE RENDU DE LA SEANCE DU", "CONSEIL MUNICIPAL", "DU 9 JUILLET 2013"]
    assert (
        collectivite(
            [
                *head,
                "L’an deux mille treize, le Conseil Municipal de la Commune de",
                "L’Arbresle, dûment convoqué, s’est réuni en session ordinaire",
            ]
        )
        == "Commune de L’Arbresle"
    )
    footer = "Ville de BOURG-EN-BRESSE - Conseil Municipal du lundi 1er Février 2016"
    body = ["La ville de Bourg-en-Bresse a été sollicitée par l’association"]
    assert collectivite([*head, *body, footer, *body, footer]) == "Ville de BOURG-EN-BRESSE"
    assert collectivite([*head, *body]) is None


def test_regression_a_page_number_before_pour_on_the_next_line() -> None:
    """Regression (L'Arbresle): « Page 18 sur 19 » at a page foot, then « Pour info, … » on
    the next line, was read as 19 pour; a count and its label stand on one line."""
    assert find_vote("Page 18 sur 19\nPour info, sur l'opération Gabriel Péri.").empty
    assert find_vote("adopté par 29 voix\npour et 2 voix contre").pour == 29


def test_roll_call_and_non_voters_of_an_election() -> None:
    """« qui procède à l’appel des 33 conseillers municipaux » (Lannion) gives the number in
    office; « Nombre de conseillers présent à l’appel n’ayant pas pris part au vote …… 0 »
    (Putanges-le-Lac 2017) is the election's NPPV figure."""
    from generator.ingest.attendance import parse_attendance

    att = parse_attendance("Anne LE GUEN qui procède à l’appel des 33 conseillers municipaux.")
    assert att.en_exercice == 33
    v = find_vote(
        "a. Nombre de conseillers présent à l’appel n’ayant pas pris part au vote ……… 0\n"
        "b. Nombre de votants ……………… 38"
    )
    assert (v.nppv, v.votants) == (0, 38)


def test_an_unanimous_decision_after_a_table_of_figures() -> None:
    """Pierrefonds 2024 (D2024-17): a table of subsidies printing « 14 pour / 2 abstentions »
    on each line, then « Le conseil, après en avoir délibéré, à l'unanimité : décide … »: the
    vote is read from the table and is unanimous; not when a figure says « contre »."""
    table = "Tiers VOTE\n" + "ACPG 320 €   14 pour\n2 abstentions\n" * 3
    decision = "x " * 150 + "\nLe conseil municipal, après en avoir délibéré, à l'unanimité :"
    v = find_vote(table + decision)
    assert (v.pour, v.abstention, v.unanimite) == (14, 2, True)
    assert not find_vote("Pour : 12, Contre : 3\n" + decision).unanimite


def test_pouvoirs_without_a_named_holder_count_as_exercised() -> None:
    """« Absents ayant voté par procuration … : Stéphanie JANNIN, Bernard TRAVIER » without
    their holders (Montpellier): still votes by procuration, counted, and reported."""
    from generator.ingest.crosscheck import crosscheck

    texts = [
        "Présents : Jean DUPONT, Marie DURAND, Paul MARTIN",
        "Absents ayant voté par procuration en application de l'article L 2121-20 :",
        "Stéphanie JANNIN, Bernard TRAVIER.",
        "Délibération n° 2014/155 - Personnel",
        "Pour : 5",
    ]
    check = crosscheck(_doc(texts))
    (item,) = check.items
    assert (check.procurations, item.procurations, item.expected_total, item.coherent) == (
        2,
        2,
        5,
        True,
    )
    assert "2 pouvoir(s) sans mandataire nommé" in item.explanation
    assert "pouvoir de Stéphanie JANNIN : mandataire non indiqué" in check.anomalies
    # the same pouvoir listed again with its holder counts once
    texts.insert(3, "Pouvoirs : Bernard TRAVIER à Jean DUPONT")
    (item,) = crosscheck(_doc(texts)).items
    assert (item.procurations, item.expected_total) == (2, 5)


def test_a_vote_by_majority_without_figures() -> None:
    """« après en avoir délibéré, à la majorité : … » then « Contre : M. Tanguy » (Pierrefonds
    2025): a vote without its « pour », one opponent named; « la majorité absolue » of an
    election's rules is not a vote."""
    v = find_vote(
        "Le Conseil Municipal, après en avoir délibéré, à la majorité :\n- AUTORISE le maire.\n"
        "\nContre : M. Tanguy\n"
    )
    assert (v.empty, v.unanimite, v.pour, v.contre, v.declared_total()) == (
        False,
        False,
        None,
        1,
        None,
    )
    assert find_vote("Est élu le candidat qui l'emporte à la majorité absolue des suffrages.").empty


def test_damaged_pages_are_named_and_do_not_make_a_scan() -> None:
    """Regression: a page pdfminer could not draw counted as a page without letters, so a
    two-page délibération with thirteen damaged pages was reported « document scanné »."""
    path = DOCS["bourg-en-bresse_delib_2016-02-01_n2016-02-16"]
    settings = TextSettings()
    pdf = read_pdf(path, settings)
    damaged = PdfText(pdf.pages + 13, pdf.lines, pdf.letters, damaged=list(range(3, 16)))
    report = text_to_report(path.name, damaged, settings)
    whole = check_pdf(path)
    assert report.status == whole.status == "ok"
    assert report.message == (
        "page(s) endommagée(s), non lue(s) : 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15"
    )
    assert report.deliberations == whole.deliberations
