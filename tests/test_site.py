"""The public site in a real browser: Debian's Chromium driven by Playwright, served locally."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

import generator.site.pages as pages_module
from generator.project import build
from tests.bench.synth import write_archive
from tests.browser import chromium, serving
from tests.conftest import BASE, TODAY, sample_copy


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("site")
    out = folder / "site"
    build(sample_copy(folder), out, today=TODAY)
    with serving(out) as url:
        yield url, out


@pytest.fixture
def page(browser: Browser, sample: tuple[str, Path]) -> Iterator[Page]:
    """A fresh page, in its own browser context."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_home_lists_the_latest_seances(page: Page, sample: tuple[str, Path]) -> None:
    url, _ = sample
    page.goto(url)
    assert page.title().startswith("Communauté d'agglomération du Val d'Amour")
    assert page.locator("html").get_attribute("lang") == "fr"
    latest = page.get_by_role("link", name="jeudi 21 novembre 2024")
    assert latest.count() == 1


def test_search_then_open_the_deliberation_and_read_its_vote(
    page: Page, sample: tuple[str, Path]
) -> None:
    url, _ = sample
    page.goto(url + "recherche/")
    page.get_by_role("searchbox", name="Rechercher dans les délibérations").fill(
        "déchets ménagers accord-cadre"
    )
    first = page.locator(".registre-recherche__lien").first
    first.wait_for(timeout=15_000)
    assert "2024_003" in (first.get_attribute("href") or "")
    assert page.locator(".registre-recherche__objet").first.inner_text() == (
        "Attribution de l'accord-cadre de collecte des déchets ménagers et assimilés pour la "
        "période 2024-2028"
    )
    first.click()
    page.wait_for_url("**/deliberations/2024_003/")
    body = page.locator("article").inner_text()
    assert "Pour : 31, Contre : 5, Abstentions : 2, Ne prennent pas part au vote : 0" in body
    assert "Adoptée à la majorité des suffrages exprimés" in body
    bar = page.locator(".registre-vote")
    assert bar.get_attribute("role") == "img"
    assert bar.get_attribute("aria-label") == (
        "Pour : 31, Contre : 5, Abstentions : 2, Ne prennent pas part au vote : 0"
    )


def test_search_finds_an_elu_in_the_merged_index(page: Page, sample: tuple[str, Path]) -> None:
    """The élus have their own Pagefind bundle, merged by the search page into the year's."""
    url, _ = sample
    page.goto(url + "recherche/?q=Nadia%20COLLIN")
    links = page.locator(".registre-recherche__lien")
    links.first.wait_for(timeout=15_000)
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert any(h.endswith("/elus/collin-nadia/") for h in hrefs), hrefs
    assert any("/deliberations/2024_007/" in h for h in hrefs), hrefs
    status = page.locator(".registre-recherche__etat").inner_text()
    assert status.endswith("pour « Nadia COLLIN »"), status


def test_the_recourse_mention_is_shown_not_searched(page: Page, sample: tuple[str, Path]) -> None:
    """The recourse mention (and the counts) are on every délibération's page: a search for
    their words would list the whole archive; they are shown and left out of the index."""
    url, _ = sample
    page.goto(url + "deliberations/2024_010/")
    assert "Télérecours citoyens" in page.locator(".registre-recours").inner_text()
    assert page.get_by_text("Membres en exercice : 40 · Présents : 36").count() == 1
    assert page.get_by_text("Pour : 37, Contre : 0, Abstentions : 2").count() == 1
    for query in ("tribunal", "Télérecours citoyens"):
        status, hrefs = _search(page, url, query)
        assert (status, hrefs) == (f"Aucun résultat pour « {query} ».", [])


def test_search_shows_ten_results_then_ten_more(page: Page, sample: tuple[str, Path]) -> None:
    url, _ = sample
    page.goto(url + "recherche/?q=conseil")
    links = page.locator(".registre-recherche__lien")
    links.first.wait_for(timeout=15_000)
    status = page.locator(".registre-recherche__etat")
    total = int(status.inner_text().split()[0])
    assert total > 10 and links.count() == 10
    assert status.inner_text() == f"{total} résultats pour « conseil » ; 10 affichés"
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_function(
        "() => document.querySelectorAll('.registre-recherche__lien').length > 10", timeout=15_000
    )
    assert links.count() == min(20, total)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A twelve-year archive (one séance a year), its oldest délibération's objet given a word
    found nowhere else: « zorglub »."""
    folder = tmp_path_factory.mktemp("archive")
    content = folder / "content"
    write_archive(content, 12, 2, seed=1)
    _prefix_objet(next(content.glob("seances/2015-*/deliberations/2015_0001.yml")), "Zorglub")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages_module, "PRIMARY_PAGES", 3)  # each year a bundle of its own
        build(content, folder / "site", today=TODAY)
    with serving(folder / "site") as url:
        yield url, folder / "site"


def _bundles_read(requests: list[str]) -> set[str]:
    """The Pagefind bundles (folders) a page read from."""
    return {r.split("/")[3] for r in requests if r.split("/")[3].startswith("pagefind")}


def _search_reading(browser: Browser, url: str, query: str) -> tuple[str, list[str], set[str]]:
    """A first search in a fresh browser context: its status, its results' links, and the
    Pagefind bundles it read."""
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    status, hrefs = _search(page, url, query)
    context.close()
    return status, hrefs, _bundles_read(requests)


def _prefix_objet(delib: Path, word: str) -> None:
    """Put ``word`` at the start of a délibération's objet, in its YAML file."""
    text = delib.read_text(encoding="utf-8")
    delib.write_text(text.replace("\nobjet: ", f"\nobjet: {word}, ", 1), encoding="utf-8")


def test_search_reads_the_latest_years_first_then_further_back(
    browser: Browser, archive: tuple[str, Path]
) -> None:
    """A first search reads only the years it needs to fill the page (each year searched costs
    a chunk of index per word); « Afficher plus de résultats » reaches back to the oldest. The
    word is found in every year: the vocabulary is never asked."""
    url, site = archive
    context = browser.new_context()
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda request: requests.append(request.url))
    pg.goto(url + "recherche/?q=séance")
    links = pg.locator(".registre-recherche__lien")
    links.first.wait_for(timeout=15_000)
    status = pg.locator(".registre-recherche__etat")
    since = status.inner_text().split(" depuis ")[1].split()[0]
    assert links.count() == 10
    assert status.inner_text().endswith(f"pour « séance » depuis {since} ; 10 affichés")
    read = _bundles_read(requests)
    years = sorted(p.name.removeprefix("pagefind-") for p in site.glob("pagefind-2*"))
    assert since > years[0]
    assert read == {"pagefind", "pagefind-elus"} | {f"pagefind-{y}" for y in years if y >= since}
    more = pg.get_by_role("button", name="Afficher plus de résultats")
    while more.count():
        shown = links.count()
        more.click()
        pg.wait_for_function(
            f"() => document.querySelectorAll('.registre-recherche__lien').length > {shown}"
        )
        more = pg.get_by_role("button", name="Afficher")
        pg.wait_for_timeout(200)
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert status.inner_text() == f"{len(hrefs)} résultats pour « séance »"
    assert len(set(hrefs)) == len(hrefs)
    found = {h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs if "/deliberations/" in h}
    assert found == {p.name for p in (site / "deliberations").iterdir() if p.is_dir()}
    assert _bundles_read(requests) == {p.name for p in site.glob("pagefind*")} - {"pagefind-mots"}
    context.close()


def test_first_search_reaches_back_to_a_word_of_the_oldest_year(
    browser: Browser, archive: tuple[str, Path]
) -> None:
    """The vocabulary says which year holds the word: that year's index is the only one read."""
    url, _ = archive
    context = browser.new_context()
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda request: requests.append(request.url))
    pg.goto(url + "recherche/?q=zorglub")
    links = pg.locator(".registre-recherche__lien")
    links.first.wait_for(timeout=15_000)
    hrefs = sorted(links.nth(i).get_attribute("href") or "" for i in range(links.count()))
    assert hrefs == ["/deliberations/2015_0001/", "/seances/2015-01-12/"]
    assert pg.locator(".registre-recherche__etat").inner_text() == "2 résultats pour « zorglub »"
    assert pg.locator(".registre-recherche__plus").count() == 0
    assert _bundles_read(requests) == {
        "pagefind",
        "pagefind-elus",
        "pagefind-mots",
        "pagefind-2015",
    }
    context.close()


def test_a_word_found_nowhere_reads_no_year_but_the_latest(
    browser: Browser, archive: tuple[str, Path]
) -> None:
    """A word of no page: the latest year, the élus and the vocabulary are read, none of the
    other years."""
    url, site = archive
    status, hrefs, read = _search_reading(browser, url, "introuvable")
    assert (status, hrefs) == ("Aucun résultat pour « introuvable ».", [])
    assert read == {"pagefind", "pagefind-elus", "pagefind-mots"}
    assert len(list(site.glob("pagefind-2*"))) == 9  # the years before the latest


def test_a_word_added_to_an_old_year_is_found_through_the_vocabulary(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit in an old year: its changed page is indexed alone (an overlay beside the
    year's bundle), the vocabulary's page for that year takes the overlay's words, and a
    search for the new word reads that year."""
    monkeypatch.setattr(pages_module, "PRIMARY_PAGES", 26)  # the latest year alone
    content = tmp_path / "content"
    write_archive(content, 4, 25, seed=2)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content, out, today=TODAY, cache_dir=cache)
    _prefix_objet(next(content.glob("seances/*/deliberations/2015_0001.yml")), "Zorglub")
    build(content, out, today=TODAY, cache_dir=cache)
    assert (out / "pagefind-2015-modifs").is_dir()  # the year was not indexed again
    with serving(out) as url:
        status, hrefs, read = _search_reading(browser, url, "zorglub")
    assert status == "2 résultats pour « zorglub »"
    assert sorted(hrefs) == ["/deliberations/2015_0001/", "/seances/2015-01-12/"]
    assert {"pagefind-mots", "pagefind-2015", "pagefind-2015-modifs"} <= read


def test_a_word_of_a_part_of_a_large_year_reads_that_part_only(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large year is indexed in parts (``GROUP_PAGES``): the search page reaches back
    through them like through years, and reads only the part that holds the word."""
    monkeypatch.setattr(pages_module, "GROUP_PAGES", 7)
    monkeypatch.setattr(pages_module, "PRIMARY_PAGES", 6)  # the latest year alone
    content = tmp_path / "content"
    write_archive(content, 24, 2, seed=1)
    delib = next(content.glob("seances/2015-11-27/deliberations/*.yml"))
    _prefix_objet(delib, "Zorglub")
    build(content, tmp_path / "site", today=TODAY)
    assert {p.name for p in (tmp_path / "site").glob("pagefind-2015*")} == {
        "pagefind-2015-1",
        "pagefind-2015-2",
    }
    with serving(tmp_path / "site") as url:
        status, hrefs, read = _search_reading(browser, url, "zorglub")
    assert status == "2 résultats pour « zorglub »"
    assert sorted(hrefs) == [f"/deliberations/{delib.stem}/", "/seances/2015-11-27/"]
    assert "pagefind-2015-2" in read and "pagefind-2015-1" not in read


def _search(page: Page, url: str, query: str) -> tuple[str, list[str]]:
    """The status and the results' links of a search, once its status is shown."""
    page.goto(url + "recherche/?q=" + query)
    status = page.locator(".registre-recherche__etat")
    page.wait_for_function(
        "() => document.querySelector('.registre-recherche__etat').textContent.length > 0"
    )
    links = page.locator(".registre-recherche__lien")
    return status.inner_text(), [
        links.nth(i).get_attribute("href") or "" for i in range(links.count())
    ]


def test_an_edited_page_is_found_as_it_is_now_and_once(browser: Browser, tmp_path: Path) -> None:
    """After an edit, the changed page is indexed alone beside its year's bundle, which still
    has the page as it was: the search page hides that result. The new word is found, the
    word taken out is not, a word of both versions finds the page once."""
    content = sample_copy(tmp_path)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content, out, today=TODAY, cache_dir=cache)
    delib = content / "seances" / "2024-06-27" / "deliberations" / "2024_010.yml"
    text = delib.read_text(encoding="utf-8")
    delib.write_text(text.replace("volatils", "fluctuants"), encoding="utf-8")
    build(content, out, today=TODAY, cache_dir=cache)
    assert (out / "pagefind-2024-modifs").is_dir()  # the year was not indexed again
    page = "/deliberations/2024_010/"
    with serving(out) as url:
        context = browser.new_context()
        pg = context.new_page()
        status, hrefs = _search(pg, url, "fluctuants")
        assert (status, hrefs) == ("1 résultat pour « fluctuants »", [page])
        status, hrefs = _search(pg, url, "volatils")
        assert (status, hrefs) == ("Aucun résultat pour « volatils ».", [])
        status, hrefs = _search(pg, url, "électricité")
        assert hrefs.count(page) == 1
        assert status == f"{len(hrefs)} résultats pour « électricité »"
        context.close()


def test_download_the_official_pdf(page: Page, sample: tuple[str, Path]) -> None:
    url, out = sample
    page.goto(url + "deliberations/2024_001/")
    response = page.request.get(
        page.get_by_role("link", name="Extrait officiel (PDF)").evaluate("a => a.href")
    )
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == (out / "extraits" / "2024_001.pdf").read_bytes()


def test_navigate_from_seance_to_elu(page: Page, sample: tuple[str, Path]) -> None:
    url, _ = sample
    page.goto(url + "deliberations/2024_008/")
    page.get_by_role("link", name="Séance du jeudi 27 juin 2024 à 18 h 30").click()
    page.wait_for_url("**/seances/2024-06-27/")
    page.get_by_role("cell").get_by_role("link", name="M. Michel ARNAUD").click()
    page.wait_for_url("**/elus/arnaud-michel/")
    assert page.locator("h1").inner_text() == "M. Michel ARNAUD"
    assert "Présence aux points" in page.locator("article").inner_text()


def test_open_data_page_serves_the_scdl_csv(page: Page, sample: tuple[str, Path]) -> None:
    url, _ = sample
    page.goto(url + "donnees/")
    href = page.get_by_role("link", name="deliberations.csv").evaluate("a => a.href")
    csv = page.request.get(href).text()
    lines = csv.splitlines()
    assert lines[0].startswith("COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE")
    assert len(lines) == 1 + 18


def test_no_request_leaves_the_site(page: Page, sample: tuple[str, Path]) -> None:
    url, _ = sample
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path in ("", "recherche/?q=budget", "deliberations/2024_001/", "elus/morel-claire/"):
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
    assert requests and all(r.startswith(url) for r in requests), [
        r for r in requests if not r.startswith(url)
    ]


@pytest.mark.parametrize(
    "path",
    [
        "",
        "seances/2024-03-14/",
        "deliberations/2024_003/",
        "elus/morel-claire/",
        "recherche/",
        "donnees/",
    ],
)
def test_no_serious_accessibility_violation(
    page: Page, sample: tuple[str, Path], path: str
) -> None:
    url, _ = sample
    page.goto(url + path)
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_hostile_text_is_shown_and_never_run(browser: Browser, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    delib = content / "seances" / "2024-05-16" / "deliberations" / "2024_010.yml"
    text = delib.read_text(encoding="utf-8")
    text = text.replace(
        "objet: Tarifs de la cantine scolaire pour l'année 2024-2025",
        "objet: '<script>window.__xss = 1</script> Tarifs <img src=x onerror=\"window.__xss=2\">'",
    )
    text = text.replace(
        "  Le conseil municipal fixe chaque année les tarifs de la cantine.",
        "  Texte <script>window.__xss = 3</script> et [lien](javascript:window.__xss=4) et\n"
        '  <img src=x onerror="window.__xss=5"> et ![image](https://tracker.example/x.png).',
    )
    delib.write_text(text, encoding="utf-8")
    membres = content / "membres.yml"
    membres.write_text(
        membres.read_text(encoding="utf-8").replace(
            "nom: HUGO,", "nom: 'HUGO<script>window.__xss=6</script>',"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build(content, out, today=TODAY)
    with serving(out) as url:
        context = browser.new_context()
        pg = context.new_page()
        requests: list[str] = []
        pg.on("request", lambda request: requests.append(request.url))
        for path in ("deliberations/2024_010/", "seances/2024-05-16/", "elus/hugo-marc/", ""):
            pg.goto(url + path)
            assert pg.evaluate("window.__xss") is None
        pg.goto(url + "deliberations/2024_010/")
        article = pg.locator("article").inner_text()
        assert '<script>window.__xss = 1</script> Tarifs <img src=x onerror="window.__xss=2">' in (
            article
        )
        assert "Texte <script>window.__xss = 3</script> et lien et" in article
        assert pg.locator("article a[href^='javascript']").count() == 0
        assert all(r.startswith(url) for r in requests)
        context.close()
