"""``registre new``: filled skeletons of a séance or a délibération, ready to complete.

The skeletons come from ``templates/new/`` and are filled from the project (members in office,
next free number); a new délibération's point is appended to its séance's order of passage
with a round-trip edit that keeps the file's comments and layout.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import jinja2
from ruamel.yaml import YAML

from generator.atomic import write_text
from generator.model import Project, SeanceFiles
from generator.rules import SEUIL_CINQ_JOURS
from generator.textrules import OBJET_A_COMPLETER, TEXTE_A_COMPLETER

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class SkeletonError(Exception):
    """A skeleton cannot be written; the message is French and says what to do."""


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "new"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    # A JSON string is a valid double-quoted YAML scalar: any text is safe in the template.
    env.filters["yaml"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return env


def _president(project: Project, jour: dt.date) -> str:
    in_office = [m for m in project.membres if m.en_exercice(jour)]
    if not in_office:
        raise SkeletonError("aucun membre en exercice à cette date dans content/membres.yml")
    for m in in_office:
        if (m.fonction or "").lower().startswith(("maire", "président", "presidente")):
            return m.id
    return in_office[0].id


def new_seance(project: Project, content: Path, jour: dt.date) -> Path:
    """Write ``seances/<date>/seance.yml`` with every member in office listed as present."""
    folder = content / "seances" / jour.isoformat()
    if folder.exists():
        raise SkeletonError(f"le dossier {folder} existe déjà")
    in_office = [m for m in project.membres if m.en_exercice(jour)]
    president = _president(project, jour)
    secretaire = next((m.id for m in in_office if m.id != president), president)
    delai = 5 if project.collectivite.population >= SEUIL_CINQ_JOURS else 3
    previous = project.seances[-1].seance.lieu if project.seances else None
    text = (
        _env()
        .get_template("seance.yml.j2")
        .render(
            date=jour,
            lieu=previous or project.collectivite.adresse.splitlines()[0],
            convocation=jour - dt.timedelta(days=delai + 1),
            delai=delai,
            president=president,
            secretaire=secretaire,
            membres=in_office,
        )
    )
    (folder / "deliberations").mkdir(parents=True)
    path = folder / "seance.yml"
    write_text(path, text)
    return path


def next_numero(project: Project, year: int) -> str:
    """The next free ``AAAA_NNN`` number of the year, across all séances."""
    pattern = re.compile(rf"{year}_(\d+)")
    used = [
        int(m[1])
        for s in project.seances
        for d in s.deliberations
        if (m := pattern.fullmatch(d.numero))
    ]
    return f"{year}_{max(used, default=0) + 1:03d}"


def new_deliberation(project: Project, content: Path, dossier: str) -> Path:
    """Write a délibération in séance ``dossier`` and add its point to the order of passage."""
    files: SeanceFiles | None = next((s for s in project.seances if s.dossier == dossier), None)
    if files is None:
        known = ", ".join(s.dossier for s in project.seances) or "aucune"
        raise SkeletonError(f"séance « {dossier} » inconnue (séances : {known})")
    seance_path = content / "seances" / dossier / "seance.yml"
    numero = next_numero(project, files.seance.date.year)
    taken = set(files.seance.ordre_de_passage)
    point = next(str(n) for n in range(1, len(taken) + 2) if str(n) not in taken)
    path = content / "seances" / dossier / "deliberations" / f"{numero}.yml"
    text = (
        _env()
        .get_template("deliberation.yml.j2")
        .render(
            numero=numero,
            point=point,
            objet=OBJET_A_COMPLETER,
            rapporteur=files.seance.president,
            texte=TEXTE_A_COMPLETER,
        )
    )
    yaml = YAML()  # round trip: comments and layout of seance.yml are kept
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)  # the layout of docs/format.md and templates
    data = yaml.load(seance_path.read_text(encoding="utf-8"))
    data["ordre_de_passage"].append(point)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    write_text(path, text)
    write_text(seance_path, buffer.getvalue())
    return path
