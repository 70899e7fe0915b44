"""check-pdf reads Registre's own extracts back exactly, and catches altered copies of them.

The sample project (content/) is built once; each official extract is read by ``check_pdf``
and its figures compared with those Registre computes from the YAML (generator.presence and
generator.votes), as tests/test_pdf.py does with the raw text. Altered copies are produced by
the same pipeline (plan → Typst template → PDF) from an ``Extrait`` changed the way another
software's inconsistent document would be.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator.ingest import check_pdf
from generator.ingest.report import FileReport
from generator.model import Deliberation, Project, SeanceFiles
from generator.presence import seance_to_presence
from generator.project import build
from generator.render.context import Extrait, Figure, NameList
from generator.render.pdf import (
    RenderSettings,
    compile_typst,
    plan_extraits,
    planned_to_documents,
)
from generator.votes import vote_to_figures
from tests.conftest import TODAY, sample_copy


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    """The sample project and the folder of its official extracts."""
    folder = tmp_path_factory.mktemp("ingest-sample")
    out = folder / "site"
    result = build(sample_copy(folder), out, today=TODAY)
    assert result.project is not None
    return result.project, out.with_name("officiel") / "extraits"


def _deliberations(project: Project) -> list[tuple[SeanceFiles, Deliberation]]:
    return [(files, d) for files in project.seances for d in files.deliberations]


def test_every_sample_extract_parses_back_exactly(sample: tuple[Project, Path]) -> None:
    project, folder = sample
    membres = {m.id: m for m in project.membres}
    checked = 0
    for files, d in _deliberations(project):
        point = seance_to_presence(files.seance, membres).at(d.point)
        assert point is not None
        figures = vote_to_figures(d.vote, point.votants)
        report = check_pdf(folder / f"{d.numero}.pdf")
        where = d.numero
        assert report.status == "ok", (where, report_text(report))
        assert report.seance_date == files.seance.date.isoformat(), where
        assert report.collectivite == project.collectivite.nom, where
        # the head of an extract prints the figures of its own item
        assert (report.en_exercice, report.presents, report.procurations, report.votants) == (
            point.en_exercice,
            len(point.presents),
            len(point.procurations),
            point.votants,
        ), where
        (parsed,) = report.deliberations
        assert parsed.ref == d.numero
        assert parsed.objet == " ".join(d.objet.split()), where
        assert (parsed.presents, parsed.procurations) == (
            len(point.presents),
            len(point.procurations),
        ), where
        assert parsed.expected_total == point.votants, where
        assert parsed.declared_total == figures.total, where
        assert parsed.coherent is True, where
        assert parsed.anomalies == [], where
        assert parsed.secret_ballot == (d.vote.scrutin == "secret"), where
        if d.vote.candidats:
            # an election prints the candidates' votes, not pour/contre
            assert parsed.vote == {"pour": None, "contre": None, "abstentions": None, "nppv": None}
        else:
            assert parsed.vote == {
                "pour": figures.pour,
                "contre": figures.contre,
                "abstentions": figures.abstention,
                "nppv": figures.nppv,
            }, where
            assert parsed.unanimite == d.vote.unanimite, where
        checked += 1
    assert checked == 18


def report_text(report: FileReport) -> str:
    from generator.ingest import report_to_text

    return report_to_text(report)


# --- altered copies --------------------------------------------------------------------------


def _extrait(project: Project, numero: str) -> Extrait:
    items = [(f, d) for f, d in _deliberations(project) if d.numero == numero]
    (planned,) = plan_extraits(project, items, RenderSettings())
    return planned.extrait


def _render(project: Project, extrait: Extrait, path: Path) -> Path:
    settings = RenderSettings()
    items = [(f, d) for f, d in _deliberations(project) if d.numero == extrait.numero]
    (planned,) = plan_extraits(project, items, settings)
    (document,) = planned_to_documents([dataclasses.replace(planned, extrait=extrait)], settings)
    path.write_bytes(compile_typst(document.source))
    return path


def _replace_list(extrait: Extrait, title: str, names: tuple[str, ...]) -> Extrait:
    lists = tuple(
        NameList(nl.title, names) if nl.title == title else nl for nl in extrait.attendance
    )
    assert lists != extrait.attendance, title
    return dataclasses.replace(extrait, attendance=lists)


def _names(extrait: Extrait, title: str) -> tuple[str, ...]:
    for nl in extrait.attendance:
        if nl.title == title:
            return nl.names
    raise AssertionError(title)


def test_unaltered_copy_is_coherent(sample: tuple[Project, Path], tmp_path: Path) -> None:
    """The harness itself: re-rendering an untouched extract gives a coherent report."""
    project, _ = sample
    report = check_pdf(_render(project, _extrait(project, "2024_003"), tmp_path / "a.pdf"))
    assert report.status == "ok", report_text(report)


def test_altered_vote_figure_is_caught(sample: tuple[Project, Path], tmp_path: Path) -> None:
    project, _ = sample
    e = _extrait(project, "2024_003")  # point 6: 36 présents + 2 pouvoirs, 31/5/2/0
    assert e.decompte.startswith("Pour : 31,")
    altered = dataclasses.replace(e, decompte=e.decompte.replace("Pour : 31,", "Pour : 32,"))
    report = check_pdf(_render(project, altered, tmp_path / "vote.pdf"))
    assert report.status == "incoherent"
    (d,) = report.deliberations
    assert (d.declared_total, d.expected_total, d.coherent) == (39, 38, False)
    assert d.anomalies[0] == "total déclaré 39 ≠ 38 attendus (36 présents + 2 pouvoirs en vigueur)"
    assert "36 présents et 2 pouvoirs exercés, soit 38 votants" in d.explanation


def test_pouvoir_to_an_absent_member_is_caught(
    sample: tuple[Project, Path], tmp_path: Path
) -> None:
    project, _ = sample
    e = _extrait(project, "2024_003")
    title = "Absents ayant donné pouvoir"
    names = _names(e, title)
    assert names[0] == "Mme Chantal LEFÈVRE (pouvoir à M. Jérôme MOULIN)"
    # M. Éric BENOIT is listed among the excusés of this extract
    altered = _replace_list(
        e, title, ("Mme Chantal LEFÈVRE (pouvoir à M. Éric BENOIT)", *names[1:])
    )
    report = check_pdf(_render(project, altered, tmp_path / "pouvoir.pdf"))
    assert report.status == "incoherent"
    assert (
        "pouvoir de Mme Chantal LEFÈVRE à M. Éric BENOIT, qui ne figure pas parmi les présents"
        in report.anomalies
    )
    (d,) = report.deliberations
    assert (d.declared_total, d.expected_total) == (38, 37)
    assert "Mme Chantal LEFÈVRE → M. Éric BENOIT (le mandataire est absent)" in d.explanation


def test_mandant_also_listed_present_is_caught(
    sample: tuple[Project, Path], tmp_path: Path
) -> None:
    project, _ = sample
    e = _extrait(project, "2024_003")
    title = "Absents ayant donné pouvoir"
    names = _names(e, title)
    # M. Luc BERNARD is in the list of présents of this extract
    altered = _replace_list(e, title, ("M. Luc BERNARD (pouvoir à M. Jérôme MOULIN)", *names[1:]))
    report = check_pdf(_render(project, altered, tmp_path / "mandant.pdf"))
    assert report.status == "incoherent"
    assert "M. Luc BERNARD donne pouvoir mais figure aussi parmi les présents" in report.anomalies
    (d,) = report.deliberations
    assert (d.declared_total, d.expected_total) == (38, 37)
    assert "M. Luc BERNARD → M. Jérôme MOULIN (le mandant est présent)" in d.explanation


def test_two_pouvoirs_held_by_one_member_are_caught(
    sample: tuple[Project, Path], tmp_path: Path
) -> None:
    project, _ = sample
    e = _extrait(project, "2024_003")
    title = "Absents ayant donné pouvoir"
    altered = _replace_list(
        e,
        title,
        (
            "Mme Chantal LEFÈVRE (pouvoir à M. Jérôme MOULIN)",
            "Mme Odile SCHMITT (pouvoir à M. Jérôme MOULIN)",
        ),
    )
    report = check_pdf(_render(project, altered, tmp_path / "deux.pdf"))
    assert "M. Jérôme MOULIN détient 2 pouvoirs (un seul permis)" in report.anomalies


def test_header_figures_that_disagree_with_the_names_are_reported(
    sample: tuple[Project, Path], tmp_path: Path
) -> None:
    project, _ = sample
    e = _extrait(project, "2024_003")
    figures = tuple(Figure(f.label, "37") if f.label == "Présents" else f for f in e.figures)
    report = check_pdf(
        _render(project, dataclasses.replace(e, figures=figures), tmp_path / "tete.pdf")
    )
    assert report.presents == 37
    assert "en-tête : 37 présents annoncés, 36 noms listés" in report.anomalies
    # the head no longer vouches for the lists being those of point 6: the bounds are read in
    # numeric order, and the two members gone after points 3 and 4 make the votes too many
    assert report.status == "incoherent"


def test_member_absent_for_the_item_moved_among_presents_is_reported(
    sample: tuple[Project, Path], tmp_path: Path
) -> None:
    """The extract of point 2 of 21 November lists M. GIRARD as absent for this point; moved
    back among the présents, the list no longer matches the 34 présents of the head."""
    project, _ = sample
    e = _extrait(project, "2024_015")
    away = _names(e, "Absents pour ce point")
    assert away == ("M. Thomas GIRARD (parti après le point 4, arrivé au point 3)",)
    altered = dataclasses.replace(
        e,
        attendance=tuple(
            NameList(nl.title, nl.names + away) if nl.title == "Étaient présents" else nl
            for nl in e.attendance
            if nl.title != "Absents pour ce point"
        ),
    )
    report = check_pdf(_render(project, altered, tmp_path / "absent.pdf"))
    assert "en-tête : 34 présents annoncés, 35 noms listés" in report.anomalies
    assert report.status == "incoherent"


def test_a_name_after_a_civilite_at_the_end_of_a_line_is_read() -> None:
    """Regression: « M.\nThomas GIRARD (parti après le point 4, arrivé au point 3). » ended
    the list of présents: its note made the line look like prose."""
    from generator.ingest.attendance import parse_attendance

    att = parse_attendance(
        "Étaient présents (2) : Mme Claire MOREL, M.\n"
        "Thomas GIRARD (parti après le point 4, arrivé au point 3).\n"
        "Absents (1) : M. René BARBIER."
    )
    assert [a.mention.label for a in att.presents] == ["Mme Claire MOREL", "M. Thomas GIRARD"]
    assert [m.label for m in att.absents] == ["M. René BARBIER"]
