"""The public site's pages, as plain Markdown with front matter (pure).

Pages do not depend on the engine that renders them (mkdocs-material today, its successor
tomorrow): Markdown, raw HTML blocks for the délibération's own text (converted by pandoc with
raw HTML disabled, so any ``<script>`` a text holds is shown as text) and front matter.
Every value of the model is escaped for Markdown and HTML before it enters a page.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from generator.cache import Memo, seance_keys
from generator.model import MATIERES_NIVEAU_1, Deliberation, Membre, Project, SeanceFiles
from generator.presence import PointPresence, SeancePresence, seance_to_presence
from generator.render.context import (
    Extrait,
    Liste,
    deliberation_to_extrait,
    seance_to_liste,
)
from generator.render.formats import date_to_text
from generator.votes import vote_to_figures

CSS_CHOICES = ("pour", "contre", "abstention", "nppv")
#: The characters that start inline Markdown syntax where values are placed (inside a line,
#: a table cell or a link text): emphasis, code, links, table cells, escapes. Block markers
#: (#, -, 1.) only act at the start of a line, where no value is ever placed. Escaping less
#: also keeps Python-Markdown fast (each escape is an inline pattern match).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md(text: object) -> str:
    """Any value as inline Markdown text: HTML escaped, Markdown syntax backslashed."""
    escaped = html.escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped).replace("\n", " ")


def attr(text: object) -> str:
    """A value inside a double-quoted HTML attribute."""
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Page:
    """A page of the site: its path under the docs folder, front matter and body."""

    path: str
    title: str
    body: str
    description: str = ""
    tags: tuple[str, ...] = ()
    #: The part of the search index the page goes in (its year, or "elus"): the index is one
    #: Pagefind bundle per group, so that an edit indexes its year again, not the archive.
    #: None for index pages (lists of links), left out: a word would find them all.
    search_group: str | None = "general"
    #: The hash of ``text()``: what a rendered page is kept under. Computed once, kept with
    #: the page in the memo: a build compares 10,000 pages' keys, and renders only the few
    #: whose text it then needs.
    key: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", hashlib.sha256(self.text().encode()).hexdigest())

    def text(self) -> str:
        # plain text: escaped once when handed to the theme (theme.py)
        meta: dict[str, object] = {"title": self.title}
        if self.description:
            meta["description"] = self.description
        if self.tags:
            meta["tags"] = list(self.tags)
        if self.search_group is None:
            meta["search"] = {"exclude": True}  # mkdocs-material's own key for it
        # JSON is valid YAML: the front matter cannot be broken by any title
        lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
        return "---\n" + "\n".join(lines) + "\n---\n\n" + self.body


def rel(from_path: str, to_path: str) -> str:
    """A relative link between two pages (or files) of the docs folder."""
    up = from_path.count("/")
    return "../" * up + to_path


def href(from_path: str, to_path: str) -> str:
    """The URL of a page from another, for raw HTML (not rewritten by the engine): pages are
    served as folders (``deliberations/2024_001/``), ``use_directory_urls`` in mkdocs.yml."""
    folder = to_path.removesuffix(".md").removesuffix("index")
    depth = from_path.count("/") + (0 if from_path.endswith("index.md") else 1)
    return "../" * depth + (folder if folder.endswith("/") or not folder else folder + "/")


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells must already be escaped."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def seance_path(files: SeanceFiles) -> str:
    return f"seances/{files.dossier}.md"


def deliberation_path(d: Deliberation) -> str:
    return f"deliberations/{d.numero}.md"


def elu_path(ident: str) -> str:
    return f"elus/{ident}.md"


def theme_of(d: Deliberation) -> str:
    return d.matiere.split(".")[0]


def unindexed(inner: str) -> str:
    """A paragraph of HTML (``inner``, already escaped) that the search does not index."""
    return f"<p data-pagefind-ignore>{inner}</p>"


def vote_bar(extrait_figures: Mapping[str, int]) -> str:
    """A small proportional bar of the vote; its text alternative says the figures."""
    total = sum(extrait_figures.values()) or 1
    label = ", ".join(f"{k} : {v}" for k, v in extrait_figures.items())
    spans = "".join(
        f'<span class="registre-vote__{css}" style="width: {100 * v / total:.1f}%"></span>'
        for css, v in zip(CSS_CHOICES, extrait_figures.values(), strict=True)
        if v
    )
    return f'<div class="registre-vote" role="img" aria-label="{attr(label)}">{spans}</div>'


@dataclass(frozen=True)
class SiteData:
    """What the pages need beyond the model: converted texts and computed presence."""

    project: Project
    #: The délibérations' texts as safe HTML (pandoc, raw HTML disabled), by numero.
    textes: Mapping[str, str]

    @property
    def membres(self) -> dict[str, Membre]:
        return {m.id: m for m in self.project.membres}


def _member_link(membres: Mapping[str, Membre], ident: str, here: str) -> str:
    m = membres.get(ident)
    name = m.nom_complet if m is not None else ident
    return f"[{md(name)}]({rel(here, elu_path(ident))})"


def deliberation_page(
    data: SiteData,
    files: SeanceFiles,
    d: Deliberation,
    presence: SeancePresence,
    group: str,
) -> Page:
    """A délibération's page, in the search group ``group`` (``seances_to_groups``)."""
    membres = data.membres
    here = deliberation_path(d)
    e: Extrait = deliberation_to_extrait(data.project, files, d, "", presence)
    point = presence.at(d.point)
    assert point is not None
    figures = vote_to_figures(d.vote, point.votants)
    parts = [
        f"# Délibération n° {md(d.numero)}",
        f"**{md(d.objet.strip())}**",
        _table(
            ["", ""],
            [
                ["Séance", f"[{md(e.seance)}]({rel(here, seance_path(files))})"],
                ["Point", md(d.point)],
                *(
                    [["Rapporteur", _member_link(membres, d.rapporteur, here)]]
                    if d.rapporteur
                    else []
                ),
                *([["Commission", md(d.commission)]] if d.commission else []),
                [
                    "Thème",
                    f"[{md(MATIERES_NIVEAU_1.get(theme_of(d), theme_of(d)))}]"
                    f"({rel(here, f'themes/{theme_of(d)}.md')}) — matière {md(d.matiere)}",
                ],
            ],
        ),
        "## Vote",
        f"**{md(e.resultat)}**",
        vote_bar(
            {
                "Pour": figures.pour,
                "Contre": figures.contre,
                "Abstentions": figures.abstention,
                "Ne prennent pas part au vote": figures.nppv,
            }
        )
        if not d.vote.candidats
        else "",
        # the same words on every page: left out of the search index (a search for « pour »,
        # « contre » or « présents » would otherwise find every délibération); an election's
        # count names its candidates and stays in it
        md(e.decompte) if d.vote.candidats else unindexed(attr(e.decompte)),
        unindexed(
            " · ".join(f"{attr(f.label)} : <strong>{attr(f.value)}</strong>" for f in e.figures)
        ),
    ]
    if d.vote.noms is not None:
        for title, idents in (
            ("Ont voté pour", d.vote.noms.pour),
            ("Ont voté contre", d.vote.noms.contre),
            ("Se sont abstenus", d.vote.noms.abstention),
            ("Ne prennent pas part au vote", d.vote.noms.nppv),
        ):
            if idents:
                # raw HTML: left out of the search index (the names are on each élu's page,
                # and they would be half of the words of the archive)
                links = ", ".join(
                    f'<a href="{attr(href(here, elu_path(i)))}">'
                    f"{attr(membres[i].nom_complet if i in membres else i)}</a>"
                    for i in idents
                )
                parts.append(unindexed(f"<strong>{attr(title)}</strong> : {links}"))
    parts += ["## Texte", f'<div class="registre-texte">\n{data.textes.get(d.numero, "")}\n</div>']
    for t in e.tables:
        if t.title:
            parts.append(f"**{md(t.title)}**")
        parts.append(_table([md(c) for c in t.columns], ([md(c) for c in r] for r in t.rows)))
    downloads = [
        f"[Extrait officiel (PDF)]({rel(here, f'extraits/{d.numero}.pdf')})",
        f"[Word]({rel(here, f'extraits/{d.numero}.docx')})",
        f"[OpenDocument]({rel(here, f'extraits/{d.numero}.odt')})",
    ]
    parts += ["## Documents", " · ".join(downloads)]
    transmission = []
    if d.prefecture is not None:
        transmission.append(
            f"Reçue en préfecture le {md(date_to_text(d.prefecture.date_reception))} — "
            f"identifiant @CTES : <code>{attr(d.prefecture.identifiant)}</code>"
        )
    if d.publication is not None:
        transmission.append(f"Mise en ligne le {md(date_to_text(d.publication))}")
    if transmission:
        parts += ["## Caractère exécutoire", "  \n".join(transmission)]
    parts.append(f'<p class="registre-recours" data-pagefind-ignore>{attr(e.recours)}</p>')
    return Page(
        here,
        f"Délibération n° {d.numero}",
        "\n\n".join(p for p in parts if p) + "\n",
        description=d.objet.strip()[:300],
        tags=(MATIERES_NIVEAU_1.get(theme_of(d), theme_of(d)), str(files.seance.date.year)),
        search_group=group,
    )


def _presence_words(
    files: SeanceFiles, presence: SeancePresence, ident: str, membres: Mapping[str, Membre]
) -> str:
    """How a member attended a séance, for its attendance table."""
    points = presence.points
    here = [pt.point for pt in points if ident in pt.presents]
    by_pouvoir = [pt for pt in points if any(p.mandant == ident for p in pt.procurations)]
    words = []
    if here and len(here) == len(points):
        words.append("présent à tous les points")
    elif here:
        words.append("présent aux points " + ", ".join(here))
    if by_pouvoir:
        holder = next(p.mandataire for p in by_pouvoir[0].procurations if p.mandant == ident)
        m = membres.get(holder)
        words.append(
            f"représenté par {m.nom_complet if m else holder} "
            f"({len(by_pouvoir)} point{'s' if len(by_pouvoir) > 1 else ''})"
        )
    if not words:
        s = files.seance
        words.append("excusé" if ident in s.excuses else "absent")
    return " ; ".join(words)


def seance_page(data: SiteData, files: SeanceFiles, presence: SeancePresence, group: str) -> Page:
    s = files.seance
    membres = data.membres
    here = seance_path(files)
    liste: Liste = seance_to_liste(data.project, files)
    quorum = (
        "sans condition de quorum (seconde convocation)"
        if s.quorum_non_atteint_le
        else "atteint à tous les points"
        if all(pt.quorum_atteint for pt in presence.points)
        else "non atteint à certains points"
    )
    heures = ""
    if s.ouverture is not None:
        heures = f", de {s.ouverture:%H:%M}" + (f" à {s.cloture:%H:%M}" if s.cloture else "")
    first: PointPresence | None = presence.points[0] if presence.points else None
    parts = [
        f"# {md(liste.seance)}",
        f"{md(s.lieu)}{md(heures)}. Convocation du {md(date_to_text(s.convocation))}.",
        _table(
            ["", ""],
            [
                ["Président de séance", _member_link(membres, s.president, here)],
                [
                    "Secrétaire(s)",
                    ", ".join(_member_link(membres, i, here) for i in s.secretaires),
                ],
                ["Quorum", md(quorum)],
                *(
                    [
                        ["Membres en exercice", str(first.en_exercice)],
                        ["Présents à l'ouverture", str(len(first.presents))],
                        ["Pouvoirs à l'ouverture", str(len(first.procurations))],
                    ]
                    if first
                    else []
                ),
            ],
        ),
        "## Délibérations",
        _table(
            ["N°", "Point", "Objet", "Résultat"],
            (
                [
                    f"[{md(li.numero)}]({rel(here, f'deliberations/{li.numero}.md')})",
                    md(li.point),
                    md(li.objet),
                    md(li.resultat),
                ]
                for li in liste.lignes
            ),
        ),
        f"[Liste des délibérations (PDF)]({rel(here, f'listes/{files.dossier}.pdf')})",
        "## Présences",
    ]
    listed = list(dict.fromkeys([p.membre for p in s.presents] + [*s.excuses, *s.absents]))
    parts.append(
        _table(
            ["Membre", "Présence"],
            (
                [
                    _member_link(membres, i, here),
                    md(_presence_words(files, presence, i, membres)),
                ]
                for i in listed
            ),
        )
    )
    year = str(s.date.year)
    return Page(here, liste.seance, "\n\n".join(parts) + "\n", tags=(year,), search_group=group)


@dataclass
class EluCounts:
    """What an élu's page counts: points where the élu sat (as a titular member), points
    present, pouvoirs given and received (a point each)."""

    points: int = 0
    present: int = 0
    given: int = 0
    received: int = 0

    def add(self, other: EluCounts) -> None:
        self.points += other.points
        self.present += other.present
        self.given += other.given
        self.received += other.received


def seance_to_counts(
    files: SeanceFiles, membres: Sequence[Membre], presence: SeancePresence
) -> dict[str, EluCounts]:
    """Each élu's counts at one séance (kept with the séance's pages: the élus' pages need
    every séance's, and their attendance is computed again only for the séances that
    changed)."""
    counts: dict[str, EluCounts] = defaultdict(EluCounts)
    for m in membres:
        if not m.en_exercice(files.seance.date) and m.suppleant_de is None:
            continue
        for pt in presence.points:
            if m.suppleant_de is None:
                counts[m.id].points += 1
            if m.id in pt.presents:
                counts[m.id].present += 1
    for pt in presence.points:
        for p in pt.procurations:
            counts[p.mandant].given += 1
            counts[p.mandataire].received += 1
    return dict(counts)


def seance_to_elu_lines(files: SeanceFiles) -> dict[str, tuple[str, str]]:
    """Each élu's lines at one séance, for their page: the délibérations they reported (list
    items) and their roll-call votes (table rows), raw HTML (kept with the séance's pages,
    like its counts: the élus' pages list every séance's, made again only when it changed)."""
    labels = {"pour": "pour", "contre": "contre", "abstention": "abstention", "nppv": "NPPV"}
    rapports: dict[str, list[str]] = defaultdict(list)
    votes: dict[str, list[str]] = defaultdict(list)
    for d in files.deliberations:
        # the élus' pages are all in elus/: the link is the same on each
        link = _link(elu_path("_"), d)
        if d.rapporteur:
            rapports[d.rapporteur].append(f"<li>{link} — {attr(d.objet.strip())}</li>")
        if d.vote.noms is not None:
            for choice, label in labels.items():
                for ident in getattr(d.vote.noms, choice):
                    votes[ident].append(f"<tr><td>{link}</td><td>{label}</td></tr>")
    return {
        ident: ("".join(rapports.get(ident, ())), "".join(votes.get(ident, ())))
        for ident in rapports.keys() | votes.keys()
    }


@dataclass(frozen=True)
class SeanceSite:
    """What the site makes of one séance: its pages (the séance's, its délibérations'), and
    its counts and lines for the élus' pages; kept between builds under the séance's key."""

    pages: tuple[Page, ...]
    counts: Mapping[str, EluCounts]
    lines: Mapping[str, tuple[str, str]]


def _link(here: str, d: Deliberation) -> str:
    """A raw HTML link to a délibération's page, its numéro as text."""
    return f'<a href="{attr(href(here, deliberation_path(d)))}">{attr(d.numero)}</a>'


def elu_pages(data: SiteData, seances: Sequence[SeanceSite]) -> list[Page]:
    """One page per member: mandate, attendance rate, pouvoirs, reports, roll-call votes
    (each séance's counts and lines, ``seance_to_counts``, ``seance_to_elu_lines``)."""
    membres = data.membres
    stats: dict[str, EluCounts] = defaultdict(EluCounts)
    rapports: dict[str, list[str]] = defaultdict(list)
    votes: dict[str, list[str]] = defaultdict(list)
    for seance in seances:
        for ident, c in seance.counts.items():
            stats[ident].add(c)
        for ident, (reported, voted) in seance.lines.items():
            rapports[ident].append(reported)
            votes[ident].append(voted)
    pages = []
    for m in data.project.membres:
        here = elu_path(m.id)
        st = stats[m.id]
        rate = f"{100 * st.present / st.points:.0f} %" if st.points else "—"
        rows = [
            ["Fonction", md(m.fonction or "—")],
            ["Groupe", md(m.groupe or "—")],
            *([["Commune", md(m.commune)]] if m.commune else []),
            [
                "Mandat",
                md(
                    (f"depuis le {date_to_text(m.debut_mandat)}" if m.debut_mandat else "")
                    + (f", jusqu'au {date_to_text(m.fin_mandat)}" if m.fin_mandat else "")
                    or "—"
                ),
            ],
        ]
        if m.suppleant_de:
            rows.append(["Suppléant de", _member_link(membres, m.suppleant_de, here)])
        rows += [
            ["Présence aux points", md(f"{st.present} sur {st.points} ({rate})")],
            ["Pouvoirs donnés (points)", str(st.given)],
            ["Pouvoirs reçus (points)", str(st.received)],
        ]
        parts = [f"# {md(m.nom_complet)}", _table(["", ""], rows)]
        # the lists below are raw HTML, left out of the search index: the délibérations are
        # found on their own pages, and the élus' bundle, which every search reads, stays small
        items = "".join(rapports[m.id])
        if items:
            parts.append("## Rapporteur")
            parts.append(f"<ul data-pagefind-ignore>{items}</ul>")
        cells = "".join(votes[m.id])
        if cells:
            parts.append("## Votes nominatifs")
            parts.append(
                "<table data-pagefind-ignore><thead><tr><th>Délibération</th><th>Vote</th></tr>"
                f"</thead><tbody>{cells}</tbody></table>"
            )
        pages.append(Page(here, m.nom_complet, "\n\n".join(parts) + "\n", search_group=ELUS))
    return pages


def index_pages(data: SiteData) -> list[Page]:
    """Home, séances, élus, themes and years: the only pages in the navigation."""
    project = data.project
    c = project.collectivite
    seances = sorted(project.seances, key=lambda s: s.seance.date, reverse=True)
    delibs = [(f, d) for f in seances for d in f.deliberations]
    past = [f for f in seances if f.deliberations]
    upcoming = [f for f in seances if not f.deliberations]  # announced, not yet held
    home = [
        f"# {md(c.nom)}",
        f"Registre des délibérations du {md(c.organe_effectif.lower())} : "
        f"{len(past)} séances, {len(delibs)} délibérations.",
    ]
    if upcoming:
        nxt = min(upcoming, key=lambda f: f.seance.date)
        home.append(
            f"**Prochaine séance** : [{md(date_to_text(nxt.seance.date, weekday=True))}]"
            f"({seance_path(nxt)}), {md(nxt.seance.lieu)}"
        )
    home.append("## Dernières séances")
    home += [
        f"- [{md(date_to_text(f.seance.date, weekday=True))}]({seance_path(f)}) — "
        f"{len(f.deliberations)} délibérations"
        for f in past[:5]
    ]
    pages = [Page("index.md", c.nom, "\n\n".join(home) + "\n")]

    by_year: dict[int, list[SeanceFiles]] = defaultdict(list)
    for f in seances:
        by_year[f.seance.date.year].append(f)
    lines = ["# Séances"]
    for year in sorted(by_year, reverse=True):
        lines.append(f"## [{year}](annees/{year}.md)")
        lines += [
            f"- [{md(date_to_text(f.seance.date, weekday=True))}]({f.dossier}.md) — "
            f"{len(f.deliberations)} délibérations"
            for f in by_year[year]
        ]
    pages.append(Page("seances/index.md", "Séances", "\n".join(lines) + "\n"))
    for year, year_seances in by_year.items():
        here = f"seances/annees/{year}.md"
        body = [f"# Délibérations de {year}"]
        for f in year_seances:
            body.append(f"## [{md(date_to_text(f.seance.date))}]({rel(here, seance_path(f))})")
            body += [
                f"- [{md(d.numero)}]({rel(here, deliberation_path(d))}) — {md(d.objet.strip())}"
                for d in f.deliberations
            ]
        pages.append(Page(here, f"Année {year}", "\n".join(body) + "\n"))

    themes: dict[str, list[tuple[SeanceFiles, Deliberation]]] = defaultdict(list)
    for f, d in delibs:
        themes[theme_of(d)].append((f, d))
    lines = ["# Thèmes", "Les délibérations classées selon la nomenclature @CTES des matières."]
    lines += [
        f"- [{md(MATIERES_NIVEAU_1.get(t, t))}]({t}.md) — {len(themes[t])} délibérations"
        for t in sorted(themes)
    ]
    pages.append(Page("themes/index.md", "Thèmes", "\n".join(lines) + "\n"))
    for t, items in themes.items():
        pages += theme_pages(t, items)

    elus = sorted(project.membres, key=lambda m: (m.nom, m.prenom))
    lines = [
        "# Élus",
        _table(
            ["Nom", "Fonction", "Groupe ou commune"],
            (
                [
                    f"[{md(m.nom_complet)}]({m.id}.md)",
                    md(m.fonction or ""),
                    md(m.commune or m.groupe or ""),
                ]
                for m in elus
            ),
        ),
    ]
    pages.append(Page("elus/index.md", "Élus", "\n\n".join(lines) + "\n"))
    return [replace(p, search_group=None) for p in pages]


#: A theme with more délibérations than this has one page per year: a ten-year archive put
#: 3,000 links (400 KB) on one page, too much for a phone on a slow link.
THEME_PAGE_MAX = 100


def theme_pages(theme: str, items: Sequence[tuple[SeanceFiles, Deliberation]]) -> list[Page]:
    """A theme's page: its délibérations (most recent first), or, past ``THEME_PAGE_MAX``,
    its years, each with a page of its own (``themes/<theme>/<year>.md``)."""
    title = MATIERES_NIVEAU_1.get(theme, theme)
    here = f"themes/{theme}.md"

    def entries(page: str, chosen: Iterable[tuple[SeanceFiles, Deliberation]]) -> list[str]:
        return [
            f"- [{md(d.numero)}]({rel(page, deliberation_path(d))}) "
            f"({md(date_to_text(f.seance.date))}) — {md(d.objet.strip())}"
            for f, d in chosen
        ]

    if len(items) <= THEME_PAGE_MAX:
        body = [f"# {md(title)}", *entries(here, items)]
        return [Page(here, title, "\n".join(body) + "\n")]
    by_year: dict[int, list[tuple[SeanceFiles, Deliberation]]] = defaultdict(list)
    for f, d in items:
        by_year[f.seance.date.year].append((f, d))
    years = "\n".join(
        f"- [{year}]({theme}/{year}.md) — {len(by_year[year])} délibérations"
        for year in sorted(by_year, reverse=True)
    )
    body = [f"# {md(title)}", f"{len(items)} délibérations, par année :", years]
    pages = [Page(here, title, "\n\n".join(body) + "\n")]
    for year, chosen in by_year.items():
        page = f"themes/{theme}/{year}.md"
        lines = [
            f"# {md(title)} : {year}",
            f"[Toutes les années]({rel(page, here)})",
            "\n".join(entries(page, chosen)),
        ]
        pages.append(Page(page, f"{title} : {year}", "\n\n".join(lines) + "\n"))
    return pages


def donnees_page(project: Project) -> Page:
    """The open data: SCDL CSV and the complete JSON export, with its schema."""
    n = sum(len(s.deliberations) for s in project.seances)
    rows = [
        [
            "[deliberations.csv](donnees/deliberations.csv)",
            "format SCDL « Délibérations » 2.1.5 (schema.data.gouv.fr) : une ligne par "
            "délibération (collectivité, numéro, date, matière, objet, préfecture, votes)",
        ],
        [
            "[deliberations.json](donnees/deliberations.json)",
            "export complet : séances, présences et pouvoirs à chaque point, votes détaillés "
            "(dont « ne prend pas part au vote »), textes et tableaux",
        ],
        [
            "[deliberations.schema.json](donnees/deliberations.schema.json)",
            "le schéma JSON de l'export complet",
        ],
    ]
    body = [
        "# Données ouvertes",
        f"Toutes les délibérations publiées ({n}), réutilisables librement.",
        _table(["Fichier", "Contenu"], rows),
        "Les passages protégés (données personnelles de tiers) y sont remplacés par « [occulté] ».",
    ]
    return Page("donnees.md", "Données ouvertes", "\n\n".join(body) + "\n", search_group=None)


#: A year of more pages than this, but the latest, is indexed for the search in parts of about
#: as many: Pagefind holds all of a group's words while indexing it (~0.3 KB a word), and two
#: years of 1,000 délibérations indexed at once beside the build took it past 1 GB.
GROUP_PAGES = 600

#: The primary search group, which every search reads first, takes the years before the
#: latest while it holds at most this many pages: a small latest year alone could not fill a
#: first page of results, and the search would read further back, a chunk of index per word.
PRIMARY_PAGES = 600


def _year_parts(year: int, items: Sequence[SeanceFiles], sizes: Sequence[int]) -> dict[str, str]:
    """A large year's séances in parts of about the same size, whole séances in date order
    (``2024-1``, ``2024-2``…), as few as keep them under about ``GROUP_PAGES`` pages."""
    total = sum(sizes)
    parts = -(-total // GROUP_PAGES)  # rounded up
    groups, start = {}, 0
    for files, size in zip(items, sizes, strict=True):
        groups[files.dossier] = f"{year}-{1 + start * parts // total}"
        start += size
    return groups


def seances_to_groups(seances: Sequence[SeanceFiles]) -> dict[str, str]:
    """The search group of each séance's pages (by dossier): its year (``2024``); for the
    latest year, the primary group, with the years before it up to ``PRIMARY_PAGES`` pages
    (``2020_2026``); for an earlier year of more than ``GROUP_PAGES`` pages, a part of it
    (``_year_parts``)."""
    by_year: dict[int, list[SeanceFiles]] = defaultdict(list)
    for files in sorted(seances, key=lambda f: f.seance.date):
        by_year[files.seance.date.year].append(files)
    sizes = {
        year: [1 + len(f.deliberations) for f in items]  # the séance's page, its délibérations'
        for year, items in by_year.items()
    }
    years = sorted(by_year, reverse=True)
    primary, total = years[:1], sum(sizes[years[0]]) if years else 0
    for year in years[1:]:
        total += sum(sizes[year])
        if total > PRIMARY_PAGES:
            break
        primary.append(year)
    groups: dict[str, str] = {}
    for year, items in by_year.items():
        if year in primary:
            name = str(year) if len(primary) == 1 else f"{primary[-1]}_{primary[0]}"
            groups.update((f.dossier, name) for f in items)
        elif sum(sizes[year]) > GROUP_PAGES:
            groups.update(_year_parts(year, items, sizes[year]))
        else:
            groups.update((f.dossier, str(year)) for f in items)
    return groups


#: Converts délibération texts (Markdown) to HTML, in order (pandoc, kept in a cache).
Convert = Callable[[Sequence[str]], list[str]]


def project_to_pages(
    project: Project,
    convert: Convert,
    memo: Memo[SeanceSite] | None = None,
    salt: str = "",
) -> list[Page]:
    """Every page of the site. What the site makes of a séance (``SeanceSite``) depends on
    the séance, the collectivité, the members and the texts' conversion only (``salt``: what
    it depends on besides the text): with ``memo`` (kept between builds by the caller), it is
    taken from it under the hash of those, and only the other séances' texts are converted
    and their attendance computed."""
    membres = {m.id: m for m in project.membres}
    seance_key = seance_keys(project, salt)
    groups = seances_to_groups(project.seances)
    keys: dict[str, str] = {}
    kept: dict[str, SeanceSite] = {}
    for files in project.seances:
        if memo is not None:
            keys[files.dossier] = f"{seance_key(files)}\0{groups[files.dossier]}"
            found = memo.get(keys[files.dossier])
            if found is not None:
                kept[files.dossier] = found
    delibs = [d for f in project.seances if f.dossier not in kept for d in f.deliberations]
    html = convert([d.texte for d in delibs])
    data = SiteData(project, dict(zip((d.numero for d in delibs), html, strict=True)))
    pages = index_pages(data)
    sites = []
    for files in project.seances:
        made = kept.get(files.dossier)
        if made is None:
            presence = seance_to_presence(files.seance, membres)
            made = SeanceSite(
                (
                    seance_page(data, files, presence, groups[files.dossier]),
                    *(
                        deliberation_page(data, files, d, presence, groups[files.dossier])
                        for d in files.deliberations
                    ),
                ),
                seance_to_counts(files, project.membres, presence),
                seance_to_elu_lines(files),
            )
            if memo is not None:
                memo.put(keys[files.dossier], made)
        pages += made.pages
        sites.append(made)
    pages += elu_pages(data, sites)
    pages.append(donnees_page(data.project))
    *others, primary = search_groups(pages)
    # the years from the most recent (the order in which the search page reaches back)
    merged = " ".join(f"{group_folder(g)}/" for g in reversed(others))
    pages.append(
        Page(
            "recherche.md",
            "Rechercher",
            "# Rechercher\n\n"
            f'<div id="registre-recherche" class="registre-recherche" data-index="{merged}"'
            f' data-annee="{primary[:4]}"></div>\n',  # the group's first year
            search_group=None,
        )
    )
    return pages


#: The search group of the élus' pages, searched with the latest year's from the start.
ELUS = "elus"


def search_groups(pages: Iterable[Page]) -> list[str]:
    """The search index's groups, the primary one last (the latest year): "elus" first, then
    the years in order."""
    groups = {p.search_group for p in pages if p.search_group is not None}
    return sorted(groups, key=lambda g: (g != ELUS, g))


def group_folder(group: str) -> str:
    """Where a group's Pagefind bundle is published (the primary one in ``pagefind/``)."""
    return f"pagefind-{group}"
