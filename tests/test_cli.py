"""The command line as the secretariat uses it."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from generator.cli import main, parser
from generator.diagnostics import Loc
from generator.load import text_to_model
from generator.model import Seance
from tests.conftest import AFTER_BUILD, BASE, run_cli


def test_check_clean_project() -> None:
    code, out, err = run_cli("check", "--content", str(BASE), "--no-cache", "--today", "2026-11-22")
    assert (code, out, err) == (
        0,
        "Aucun problème : 1 séance(s), 2 délibération(s) vérifiées.\n",
        "",
    )


def test_check_json_format_for_tools(base_copy: Path) -> None:
    delib = base_copy / "seances" / "2024-05-16" / "deliberations" / "2024_010.yml"
    delib.write_text(
        delib.read_text(encoding="utf-8").replace("  pour: 6", "  pour: 7"), encoding="utf-8"
    )
    code, out, _ = run_cli(
        "check",
        "--content",
        str(base_copy),
        "--format",
        "json",
        "--no-cache",
        "--today",
        "2026-11-22",
    )
    assert code == 1
    payload = json.loads(out)
    assert payload["ok"] is False
    [diag] = payload["diagnostics"]
    assert diag["code"] == "V301"
    assert diag["severity"] == "error"
    assert (diag["file"], diag["line"], diag["column"]) == (str(delib), 14, 3)
    assert diag["message"] == (
        "point 1 : le vote compte 8 voix (pour 7, contre 1, abstention 0, NPPV 0) mais 7 membres "
        "pouvaient voter : 6 présents et 1 pouvoirs exercés"
    )


def test_missing_content_folder_is_a_clear_message_not_a_traceback(tmp_path: Path) -> None:
    code, out, err = run_cli("check", "--content", str(tmp_path / "nulle-part"))
    assert code == 2
    assert out == ""
    assert err == (
        f"registre : le dossier de contenu « {tmp_path / 'nulle-part'} » n'existe pas ; lancez la "
        "commande depuis la racine du projet, ou indiquez-le avec --content\n"
    )


def test_build_writes_outputs_and_a_failed_build_keeps_them(
    base_copy: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    build_args = [
        *("build", "--content", str(base_copy), "--out", str(site)),
        *("--no-cache", "--today", "2026-11-22"),
    ]
    code, out, _ = run_cli(*build_args)
    assert code == 0, out
    assert sorted(p.name for p in (site / "schemas").iterdir()) == [
        "collectivite.schema.json",
        "deliberation.schema.json",
        "membres.schema.json",
        "seance.schema.json",
    ]
    assert out.endswith(
        f"Site public écrit dans {site}/, documents officiels dans {tmp_path / 'officiel'}/.\n"
    )
    report = json.loads((tmp_path / "officiel" / "verification.json").read_text("utf-8"))
    assert report["deliberations"] == 2 and report["diagnostics"] == []
    before = sorted(str(p.relative_to(site)) for p in site.rglob("*"))

    (base_copy / "membres.yml").write_text("membres:\n  - id: x\n", encoding="utf-8")
    code, out, _ = run_cli(*build_args)
    assert code == 1
    assert out.endswith("Rien n'a été écrit : 3 erreur(s) à corriger d'abord.\n")
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == AFTER_BUILD


def test_new_seance_then_deliberation_checks_clean(base_copy: Path) -> None:
    code, out, _ = run_cli("new", "--content", str(base_copy), "seance", "2024-06-20")
    assert code == 0, out
    seance_path = base_copy / "seances" / "2024-06-20" / "seance.yml"
    assert out == (f"écrit : {seance_path} — complétez-le puis lancez « registre check ».\n")
    seance, diags = text_to_model(seance_path.read_text(encoding="utf-8"), "s.yml", Seance)
    assert diags == [] and seance is not None
    # every member in office on that date is listed present, the maire presides
    assert [p.membre for p in seance.presents] == [
        "vernier-anne", "blanc-pierre", "colin-marie", "durand-luc", "etienne-sarah",
        "fabre-jean", "gros-lea", "hugo-marc", "jacob-paul",
    ]  # fmt: skip
    assert seance.president == "vernier-anne"
    assert seance.convocation.isoformat() == "2024-06-16"  # 3 clear days below 3,500 inhabitants

    code, out, _ = run_cli("new", "--content", str(base_copy), "deliberation", "2024-06-20")
    assert code == 0, out
    delib = base_copy / "seances" / "2024-06-20" / "deliberations" / "2024_012.yml"
    assert delib.exists()
    text = seance_path.read_text(encoding="utf-8")
    # the point was appended to the order of passage, and the comments and layout were kept
    assert text.splitlines()[8:12] == [
        "ordre_de_passage:               # les points, dans l'ordre où ils sont examinés",
        "  - '1'",
        "presents:                       # retirez les absents ; bornes : {membre, a_partir_de, "
        "jusqu_a}",
        "  - vernier-anne   # Mme Anne VERNIER",
    ]
    seance2, _ = text_to_model(text, "s.yml", Seance)
    assert seance2 is not None and seance2.ordre_de_passage == ("1",)
    assert seance2.pos.of("date") == Loc("s.yml", 2, 7)

    # the template's objet and texte are reported (R116_OBJET, R116_TEXTE), until replaced
    check_args = ("check", "--content", str(base_copy), "--no-cache", "--today", "2026-11-22")
    code, out, _ = run_cli(*check_args)
    assert (code, out) == (
        0,
        f"{delib}:4:8: R116 (avertissement) {R116_OBJET}\n"
        f"{delib}:7:8: R116 (avertissement) {R116_TEXTE}\n\n"
        "0 erreur(s) et 2 avertissement(s) dans 1 fichier(s) (2 séance(s), 3 délibération(s)).\n",
    )
    text = delib.read_text(encoding="utf-8")
    text = text.replace('"À compléter"', "Travaux de voirie").replace(
        "Exposé des motifs.", "La voirie communale est à refaire."
    )
    delib.write_text(text.replace("Article 1 : …", "Article 1 : les travaux sont lancés."))
    code, out, _ = run_cli(*check_args)
    assert (code, out) == (0, "Aucun problème : 2 séance(s), 3 délibération(s) vérifiées.\n")


#: R116 on the objet and on the texte of ``registre new deliberation``'s template, with hints.
R116_OBJET = (
    "l'objet est encore celui du modèle de « registre new deliberation » : « À compléter »\n"
    "    → Écrivez l'objet de la délibération, sur une ligne. Tant qu'une délibération garde le "
    "texte du modèle, « registre build », « registre pdf » et « registre export » refusent "
    "d'écrire (il serait publié et transmis tel quel)."
)
R116_TEXTE = (
    "le texte garde « Exposé des motifs. » et « Article 1 : … », lignes du modèle de "
    "« registre new deliberation »\n"
    "    → Écrivez à la place l'exposé des motifs et les articles de la délibération. Tant "
    "qu'une délibération garde le texte du modèle, « registre build », « registre pdf » et "
    "« registre export » refusent d'écrire (il serait publié et transmis tel quel)."
)


def test_a_new_deliberation_left_as_is_is_not_published(base_copy: Path, tmp_path: Path) -> None:
    code, out, _ = run_cli("new", "--content", str(base_copy), "deliberation", "2024-05-16")
    assert code == 0, out
    delib = base_copy / "seances" / "2024-05-16" / "deliberations" / "2024_012.yml"
    common = ("--content", str(base_copy), "--no-cache", "--today", "2026-11-22")
    refused = (
        f"{delib}:4:8: R116 {R116_OBJET}\n{delib}:7:8: R116 {R116_TEXTE}\n\n"
        "Rien n'a été écrit : 2 erreur(s) à corriger d'abord.\n"
    )
    site = tmp_path / "site"
    for command in (
        ("build", *common, "--out", str(site)),
        ("pdf", *common, "2024_012", "--out", str(site)),
        ("export", "scdl", *common, "--out", str(site / "donnees")),
        ("export", "actes", *common, "--out", str(tmp_path / "officiel" / "actes")),
    ):
        assert run_cli(*command)[:2] == (1, refused), command
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


def test_new_refuses_an_existing_seance(base_copy: Path) -> None:
    code, _, err = run_cli("new", "--content", str(base_copy), "seance", "2024-05-16")
    assert code == 2
    assert err == (f"registre : le dossier {base_copy / 'seances' / '2024-05-16'} existe déjà\n")


def test_export_scdl_publishes_the_occulted_version(base_copy: Path, tmp_path: Path) -> None:
    """Regression: the command exported the project as written, private passages included."""
    delib = base_copy / "seances" / "2024-05-16" / "deliberations" / "2024_011.yml"
    text = delib.read_text(encoding="utf-8").replace(
        "objet: Vente de la parcelle AB 112 au lieu-dit Les Prés",
        "objet: Vente de la parcelle AB 112 à M. Jean MARTINEAU",
    )
    delib.write_text(text + "occulter: [M. Jean MARTINEAU]\n", encoding="utf-8")
    out = tmp_path / "donnees"
    code, printed, _ = run_cli(
        *("export", "scdl", "--content", str(base_copy), "--out", str(out)),
        *("--no-cache", "--today", "2026-11-22"),
    )
    assert code == 0, printed
    csv = (out / "deliberations.csv").read_text(encoding="utf-8")
    assert "Vente de la parcelle AB 112 à [occulté]" in csv
    for path in out.iterdir():
        assert "MARTINEAU" not in path.read_text(encoding="utf-8"), path


def run_argparse(*args: str) -> tuple[int | str | None, str, str]:
    """Run ``registre`` where argparse itself answers (help, usage errors): it exits."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as exited:
        main(list(args))
    return exited.value.code, out.getvalue(), err.getvalue()


def commands(p: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and subcommand of ``p``, as typed after ``registre``."""
    yield words
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*words, name))


#: argparse's own English, which Python ships no French catalogue for (issue #23).
ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:", "required")


@pytest.mark.parametrize("words", list(commands(parser())), ids=" ".join)
def test_the_help_of_every_command_is_in_french(words: tuple[str, ...]) -> None:
    code, out, err = run_argparse(*words, "--help")
    assert (code, err) == (0, "")
    assert out.startswith(f"utilisation : {' '.join(('registre', *words))} [-h]")
    assert "options :\n  -h, --help" in out
    assert "affiche cette aide et quitte" in out
    assert [word for word in ENGLISH if word in out] == []


def test_a_wrong_command_is_said_in_french() -> None:
    assert run_argparse("buid") == (
        2,
        "",
        "utilisation : registre [-h] [--debug] COMMANDE ...\n"
        "registre : erreur : argument COMMANDE : choix invalide : 'buid' (choisissez parmi "
        "'check', 'build', 'pdf', 'new', 'check-pdf', 'import-pdf', 'export', 'import-ar', "
        "'schema')\n",
    )
    code, _, err = run_argparse()
    assert (code, err.splitlines()[-1]) == (
        2,
        "registre : erreur : arguments obligatoires manquants : COMMANDE",
    )
    code, _, err = run_argparse("check-pdf", "--workers", "deux", "a.pdf")
    assert (code, err.splitlines()[-1]) == (
        2,
        "registre check-pdf : erreur : argument --workers : « deux » n'est pas un nombre entier",
    )


def test_argparse_speaks_english_again_outside_registre() -> None:
    """The French is argparse's only while registre's parser is built and used."""
    assert "show this help message and exit" in argparse.ArgumentParser().format_help()
