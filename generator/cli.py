"""``registre``: a thin command line over the library; messages in French."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from generator.diagnostics import RegistreError, Severity, format_diagnostics
from generator.export.actes import default_state_file, export_actes
from generator.export.ar import import_ar
from generator.export.opendata import export_json
from generator.export.scdl import export_scdl
from generator.frenchargs import french
from generator.ingest import check_pdfs, exit_code, import_pdf, reports_to_json, reports_to_text
from generator.ingest.cluster import ClusterError, check_pdfs_on_cluster
from generator.ingest.ocr import MODES, OcrSettings, default_cache
from generator.jsonschema import write_schemas
from generator.load import load_project
from generator.project import (
    CheckResult,
    build,
    check,
    default_cache_dir,
    official_dir,
    render_some,
)
from generator.public import public_project
from generator.skeleton import SkeletonError, new_deliberation, new_seance
from generator.text_safety import escape_unprintable

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """A problem the user can fix, said in French; printed without traceback."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une date AAAA-MM-JJ") from None


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None


def _seconds(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas un nombre de secondes (ex. 60 ou 2.5)"
        ) from None


#: The help of every ``--out``.
OUT_HELP = "dossier de sortie (défaut : %(default)s)"


def content_folder(
    cmd: argparse.ArgumentParser,
    flag: str = "--content",
    text: str = "dossier du contenu (défaut : content)",
) -> None:
    """The option that names the content folder (``args.content``); ``text``: its help."""
    cmd.add_argument(
        flag, type=Path, default=Path("content"), dest="content", metavar="DOSSIER", help=text
    )


def ocr_options(cmd: argparse.ArgumentParser) -> None:
    """``--ocr`` and ``--no-cache`` of the commands that read PDFs."""
    cmd.add_argument(
        "--ocr",
        choices=MODES,
        default="auto",
        help="reconnaissance de caractères des pages scannées : auto (pages sans texte, ou "
        "dont le texte n'est qu'un tampon), always (toutes), never (aucune) ; défaut : auto",
    )
    cmd.add_argument(
        "--no-cache",
        action="store_true",
        help="relit par OCR les pages déjà lues (gardées sinon dans ~/.cache/registre/ocr)",
    )


def ocr_settings(args: argparse.Namespace) -> OcrSettings:
    return OcrSettings(mode=args.ocr, cache=None if args.no_cache else default_cache())


def parser() -> argparse.ArgumentParser:
    """The command line; argparse's own texts are in French while it is used under
    ``french()`` (``parse``)."""
    with french():
        return _parser()


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments of ``argv``; help and errors, argparse's texts included, in French."""
    with french():
        return parser().parse_args(argv)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="registre",
        description="Registre des délibérations : vérifie le contenu YAML et produit extraits, "
        "site public, transmissions et données ouvertes.",
    )
    p.add_argument("--debug", action="store_true", help="affiche la trace complète des erreurs")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    def content_option(cmd: argparse.ArgumentParser) -> None:
        content_folder(cmd)
        cmd.add_argument("--no-cache", action="store_true", help="ignore le cache de lecture")
        cmd.add_argument(
            "--today",
            type=_date,
            default=None,
            metavar="AAAA-MM-JJ",
            help="date du jour pour les contrôles de dates",
        )

    c = sub.add_parser("check", help="vérifie tout le contenu et affiche les problèmes")
    content_option(c)
    c.add_argument("--format", choices=["text", "json"], default="text", help="format de sortie")

    b = sub.add_parser("build", help="vérifie puis produit toutes les sorties dans site/")
    content_option(b)
    b.add_argument("--out", type=Path, default=Path("site"), metavar="DOSSIER", help=OUT_HELP)

    pdf = sub.add_parser("pdf", help="vérifie puis produit les extraits de quelques délibérations")
    content_option(pdf)
    pdf.add_argument("numeros", nargs="+", metavar="NUMERO", help="numéros des délibérations")
    pdf.add_argument("--out", type=Path, default=Path("site"), metavar="DOSSIER", help=OUT_HELP)

    n = sub.add_parser("new", help="écrit un modèle de séance ou de délibération")
    content_option(n)
    kinds = n.add_subparsers(dest="kind", required=True, metavar="TYPE")
    ns = kinds.add_parser("seance", help="nouvelle séance, tous les membres en exercice présents")
    ns.add_argument("date", type=_date, metavar="DATE", help="date de la séance (AAAA-MM-JJ)")
    nd = kinds.add_parser("deliberation", help="nouvelle délibération dans une séance")
    nd.add_argument("seance", metavar="SEANCE", help="dossier de la séance (ex. 2024-03-14)")

    cp = sub.add_parser(
        "check-pdf", help="vérifie présences, pouvoirs et votes de PDF de délibérations"
    )
    cp.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="FICHIER|DOSSIER",
        help="PDF à lire, ou dossiers où les chercher",
    )
    cp.add_argument("--json", action="store_true", help="sortie JSON (une entrée par fichier)")
    cp.add_argument(
        "--workers",
        type=_count,
        metavar="N",
        default=2,
        help="processus de lecture sur ce poste (défaut : 2 ; sans effet avec --scheduler)",
    )
    cp.add_argument(
        "--timeout",
        type=_seconds,
        default=60.0,
        metavar="SECONDES",
        help="limite par fichier, en secondes (défaut : 60)",
    )
    cp.add_argument(
        "--scheduler",
        metavar="tcp://MACHINE:PORT",
        help="lit les fichiers sur les nœuds d'une grappe de calcul Dask, via son planificateur",
    )
    ocr_options(cp)
    ip = sub.add_parser("import-pdf", help="écrit une séance lue dans un PDF en brouillons YAML")
    ip.add_argument("pdf", type=Path, metavar="FICHIER", help="le PDF à lire")
    content_folder(ip, "--to", "dossier du contenu où écrire la séance (défaut : content)")
    ocr_options(ip)

    e = sub.add_parser("export", help="transmission @CTES ou données ouvertes")
    exports = e.add_subparsers(dest="kind", required=True, metavar="TYPE")
    ea = exports.add_parser(
        "actes",
        help="une archive @CTES par délibération (par défaut : celles sans accusé de réception)",
    )
    content_option(ea)
    chosen = ea.add_mutually_exclusive_group()
    chosen.add_argument("numeros", nargs="*", default=[], metavar="NUMERO", help="numéros")
    chosen.add_argument(
        "--seance",
        type=_date,
        metavar="AAAA-MM-JJ",
        help="les délibérations de la séance de ce jour",
    )
    ea.add_argument(
        "--out", type=Path, default=Path("officiel/actes"), metavar="DOSSIER", help=OUT_HELP
    )
    es = exports.add_parser("scdl", help="CSV SCDL « Délibérations » et export JSON complet")
    content_option(es)
    es.add_argument(
        "--out", type=Path, default=Path("site/donnees"), metavar="DOSSIER", help=OUT_HELP
    )

    ia = sub.add_parser(
        "import-ar", help="enregistre l'accusé de réception (ou l'anomalie) de la préfecture"
    )
    ia.add_argument("file", type=Path, metavar="FICHIER", help="ARActe…xml ou ANO_…xml")
    content_folder(ia)

    s = sub.add_parser("schema", help="écrit le schéma JSON des fichiers (pour les éditeurs)")
    s.add_argument(
        "folder",
        type=Path,
        nargs="?",
        default=Path("docs/schema"),
        metavar="DOSSIER",
        help="où écrire les schémas (défaut : docs/schema)",
    )
    return p


def summary(result: CheckResult) -> str:
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    files = len({d.loc.file for d in result.diagnostics})
    if result.project is not None:
        seances = len(result.project.seances)
        delibs = sum(len(s.deliberations) for s in result.project.seances)
        scope = f"{seances} séance(s), {delibs} délibération(s)"
    else:
        scope = "contenu incomplet"
    if not errors and not warnings:
        return f"Aucun problème : {scope} vérifiées."
    return f"{errors} erreur(s) et {warnings} avertissement(s) dans {files} fichier(s) ({scope})."


@contextmanager
def _status(console: Console, enabled: bool) -> Iterator[Callable[[str], None]]:
    if not enabled:
        yield lambda _: None
        return
    with console.status("") as status:
        yield lambda step: status.update(f"{step}…")


def _cache_dir(args: argparse.Namespace) -> Path | None:
    return None if args.no_cache else default_cache_dir()


def _require_content(content: Path) -> None:
    if not content.is_dir():
        raise UserError(
            f"le dossier de contenu « {content} » n'existe pas ; lancez la commande depuis la "
            "racine du projet, ou indiquez-le avec --content"
        )


def _refused(out: Console, exc: RegistreError) -> int:
    out.print(format_diagnostics(exc.diagnostics))
    out.print()
    out.print(f"Rien n'a été écrit : {len(exc.diagnostics)} erreur(s) à corriger d'abord.")
    return EXIT_ERRORS


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    if args.command == "schema":
        for path in write_schemas(args.folder):
            out.print(f"écrit : {path}")
        return EXIT_OK
    if args.command == "check-pdf":
        if args.scheduler:
            try:
                reports = check_pdfs_on_cluster(
                    args.paths, args.scheduler, timeout=args.timeout, ocr=ocr_settings(args)
                )
            except ClusterError as exc:
                raise UserError(str(exc)) from exc
        else:
            reports = check_pdfs(
                args.paths, workers=args.workers, timeout=args.timeout, ocr=ocr_settings(args)
            )
        sys.stdout.write(reports_to_json(reports) if args.json else reports_to_text(reports))
        return exit_code(reports)
    _require_content(args.content)
    if args.command == "import-pdf":
        try:
            written = import_pdf(args.pdf, args.content, ocr_settings(args))
        except ValueError as exc:
            raise UserError(str(exc)) from exc
        for path in written:
            out.print(f"écrit : {path}")
        return EXIT_OK
    if args.command == "import-ar":
        try:
            written = import_ar(args.content, args.file)
        except RegistreError as exc:
            return _refused(out, exc)
        for path in written:
            out.print(f"écrit : {path}")
        return EXIT_OK
    interactive = err.is_terminal
    if args.command == "check":
        with _status(err, interactive and args.format == "text") as progress:
            result = check(
                args.content, today=args.today, cache_dir=_cache_dir(args), progress=progress
            )
        if args.format == "json":
            payload = {
                "ok": result.ok,
                "diagnostics": [d.to_json() for d in result.diagnostics],
            }
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        else:
            if result.diagnostics:
                out.print(format_diagnostics(result.diagnostics))
                out.print()
            out.print(summary(result))
        return EXIT_OK if result.ok else EXIT_ERRORS
    common = {"today": args.today, "cache_dir": _cache_dir(args)}
    if args.command == "build":
        with _status(err, interactive) as progress:
            try:
                result = build(args.content, args.out, progress=progress, **common)
            except RegistreError as exc:
                return _refused(out, exc)
        if result.diagnostics:
            out.print(format_diagnostics(result.diagnostics))
        out.print(
            f"{summary(result)} Site public écrit dans {args.out}/, documents officiels dans "
            f"{official_dir(args.out)}/."
        )
        return EXIT_OK
    if args.command == "pdf":
        with _status(err, interactive) as progress:
            try:
                written = render_some(
                    args.content, args.out, set(args.numeros), progress=progress, **common
                )
            except RegistreError as exc:
                return _refused(out, exc)
        for path in written:
            out.print(f"écrit : {path}")
        return EXIT_OK
    if args.command == "export":
        with _status(err, interactive) as progress:
            result = check(args.content, progress=progress, **common)
            refused = result.refused()
            if refused is not None:
                return _refused(out, refused)
            assert result.project is not None
            try:
                if args.kind == "actes":
                    written = export_actes(
                        result.project,
                        args.out,
                        today=args.today or dt.date.today(),
                        state=default_state_file(args.content),
                        seance=args.seance,
                        numeros=args.numeros,
                        cache_dir=common["cache_dir"],
                        progress=progress,
                    )
                else:  # open data: the public version, occulted passages hidden
                    public = public_project(result.project)
                    written = [export_scdl(public, args.out), *export_json(public, args.out)]
            except RegistreError as exc:
                return _refused(out, exc)
        for path in written:
            out.print(f"écrit : {path}")
        return EXIT_OK
    # new
    project, diagnostics = load_project(args.content)
    if project is None:
        out.print(format_diagnostics(diagnostics))
        raise UserError("corrigez d'abord collectivite.yml et membres.yml")
    try:
        if args.kind == "seance":
            path = new_seance(project, args.content, args.date)
        else:
            path = new_deliberation(project, args.content, args.seance)
    except SkeletonError as exc:
        raise UserError(str(exc)) from exc
    out.print(f"écrit : {path} — complétez-le puis lancez « registre check ».")
    return EXIT_OK


def _console(*, stderr: bool) -> Console:
    """User text is printed as is: no emoji codes, markup or highlighting interpreted in it."""
    return Console(stderr=stderr, soft_wrap=True, emoji=False, markup=False, highlight=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    out, err = _console(stderr=False), _console(stderr=True)
    try:
        return run(args, out, err)
    except UserError as exc:
        err.print(f"registre : {escape_unprintable(str(exc))}")
        return EXIT_USAGE
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        else:
            err.print(
                f"registre : erreur interne ({type(exc).__name__}: "
                f"{escape_unprintable(str(exc))}). Relancez avec --debug "
                "et signalez-la avec la trace."
            )
        return 3


if __name__ == "__main__":
    sys.exit(main())
