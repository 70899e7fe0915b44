"""Hostile values in content/ that ``registre check`` accepts reach the public site as text:
nothing they hold runs, in the HTML as written and in a real browser, under the pages'
Content-Security-Policy; and the site still works under that policy.

The values are listed in ``tests/hostile/valeurs.yml`` and put all at once into a copy of
``tests/fixtures/base/`` (one build).
"""

from __future__ import annotations

import posixpath
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog
from ruamel.yaml import YAML

from generator.project import build, check
from generator.site.theme import script_hash, with_policy
from tests.browser import serving
from tests.conftest import BASE, ROOT, TODAY
from tests.test_site import browser  # noqa: F401 (the module's browser, a fixture)

VALUES = ROOT / "tests" / "hostile" / "valeurs.yml"
#: Every element the site's pages hold: the theme's, and what pages.py writes. Anything else
#: was made by a value of content/.
# fmt: off
ELEMENTS = {
    "a", "article", "body", "br", "button", "code", "div", "em", "footer", "h1", "h2", "h3",
    "head", "header", "html", "input", "label", "li", "link", "main", "meta", "nav", "ol", "p",
    "path", "script", "span", "strong", "svg", "table", "tbody", "td", "th", "thead", "title",
    "tr", "ul",
}
# fmt: on
#: The attributes that hold a URL a browser follows or runs.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
#: A URL scheme that runs or embeds what it holds (browsers drop blanks and controls in it).
_BAD_SCHEME = re.compile(r"^(javascript|data|vbscript):")
_BLANKS = re.compile(r"[\x00-\x20]+")


def hostile_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = YAML(typ="safe", pure=True).load(VALUES)
    return rows


def hostile_copy(folder: Path) -> Path:
    """A copy of the base project, as ``folder/content``, with every hostile value put in."""
    content = folder / "content"
    shutil.copytree(BASE, content)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    for row in hostile_rows():
        path = content / row["fichier"]
        data = yaml.load(path)
        *keys, last = [int(k) if k.isdigit() else k for k in row["cle"].split(".")]
        node: Any = data
        for key in keys:
            node = node[key]
        node[last] = row["valeur"]
        yaml.dump(data, path)
    return content


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile project, checked without an error and built: its site."""
    folder = tmp_path_factory.mktemp("hostile")
    content = hostile_copy(folder)
    result = check(content, today=TODAY)
    assert result.ok, result.diagnostics
    build(content, folder / "site", today=TODAY)
    return folder / "site"


def _html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _shipped_scripts(site: Path) -> set[str]:
    """The scripts the theme and the project ship (``assets/``), by path in the site."""
    return {str(p.relative_to(site)) for p in (site / "assets").rglob("*.js")}


def _policy_hashes(tree: Any) -> set[str] | None:
    """The script hashes the page's Content-Security-Policy allows (None if it has none, or
    one that allows inline scripts or plugins); it must come first in ``<head>``, before any
    script."""
    first = tree.find("head")[0]
    if first.tag != "meta" or first.get("http-equiv") != "Content-Security-Policy":
        return None
    policy = first.get("content")
    [scripts] = [d for d in policy.split(";") if d.split()[0] == "script-src"]
    if "'unsafe-inline'" in scripts or "object-src 'none'" not in policy:
        return None
    return {word for word in scripts.split() if word.startswith("'sha256-")}


#: The only element the site gives a style: a share of the vote bar (its width).
_VOTE_BAR = re.compile(r"registre-vote__[a-z]+")


def _in_text(el: Any) -> bool:
    """Whether ``el`` is inside a délibération's text (pandoc's HTML, in ``registre-texte``)."""
    return any("registre-texte" in (a.get("class") or "") for a in el.iterancestors())


def _problems(site: Path, page: Path) -> list[str]:
    """What in ``page`` could run, or was made by content: event-handler attributes, URLs
    that run, scripts not shipped nor allowed by the policy, elements the site never writes."""
    tree = lxml.html.parse(str(page)).getroot()
    where = str(page.relative_to(site))
    hashes = _policy_hashes(tree)
    shipped = _shipped_scripts(site)
    found = [] if hashes is not None else [f"{where}: no Content-Security-Policy first"]
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag not in ELEMENTS:
            found.append(f"{where}: <{el.tag}>")
        for name, value in el.attrib.items():
            if name.lower().startswith("on") or name.lower() == "autofocus":
                found.append(f"{where}: <{el.tag} {name}>")
            if name.lower() == "style" and not _VOTE_BAR.fullmatch(el.get("class", "")):
                found.append(f"{where}: <{el.tag} style={value!r}>")
            if name.lower() == "class" and any(
                c.startswith("md-") for c in value.split()
            ) and el.getparent() is not None and _in_text(el):
                found.append(f"{where}: <{el.tag} class={value!r}> in a text")
            url = _BLANKS.sub("", value).lower()
            if name.lower() in URL_ATTRIBUTES and _BAD_SCHEME.match(url):
                found.append(f"{where}: <{el.tag} {name}={value!r}>")
        if el.tag == "script":
            src = el.get("src")
            kind = el.get("type", "")
            if src is not None:
                # relative to the page, or to the site's root (404.html)
                target = posixpath.normpath(posixpath.join(posixpath.dirname(where), src))
                target = target.lstrip("/")
                if target not in shipped:
                    found.append(f"{where}: <script src={src!r}>")
            elif kind != "application/json" and script_hash(el.text or "") not in (hashes or ()):
                found.append(f"{where}: inline <script> not in the policy: {el.text!r}")
    return found


def test_the_policy_allows_the_theme_s_inline_scripts_not_the_content_s() -> None:
    """The second wall: a script that reached a page's content (the Markdown's HTML) is not
    among the hashes the policy allows, even when the theme prints the same elsewhere."""
    theme_script, content_script = "var a=1", "alert(1)"
    content = f"<p>x</p><script>{content_script}</script>"
    page = (
        f"<html><head><script>{theme_script}</script></head>"
        f"<body><article>{content}</article><script type='application/json'>{{}}</script>"
        "</body></html>"
    )
    tree = lxml.html.fromstring(with_policy(page, content))
    assert _policy_hashes(tree) == {script_hash(theme_script)}
    [policy] = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in policy
    assert script_hash(content_script) not in policy


def test_no_page_holds_a_handler_a_script_or_an_element_from_content(hostile: Path) -> None:
    pages = _html_pages(hostile)
    assert len(pages) > 20
    assert [problem for page in pages for problem in _problems(hostile, page)] == []


def _shown(page: Path) -> str:
    """The text a reader sees of ``page`` (its title, then its body), blanks collapsed."""
    tree = lxml.html.parse(str(page)).getroot()
    for script in list(tree.iter("script")):
        script.drop_tree()
    title, body = tree.findtext(".//title") or "", tree.find("body")
    assert body is not None
    return " ".join(f"{title} {body.text_content()}".split())


@pytest.mark.parametrize("row", hostile_rows(), ids=lambda row: row["cle"])
def test_each_hostile_value_is_shown_as_text(hostile: Path, row: dict[str, str]) -> None:
    """Escaped, not dropped nor escaped twice (« l'été » is not « l&#39;été »)."""
    seen = row.get("vu", row["valeur"])
    assert " ".join(seen.split()) in _shown(hostile / row["page"])


def test_the_collectivite_name_is_the_title_of_every_page_as_text(hostile: Path) -> None:
    [nom] = [r["valeur"] for r in hostile_rows() if r["cle"] == "nom"]
    for page in _html_pages(hostile):
        title = lxml.html.parse(str(page)).getroot().findtext(".//title")
        assert title is not None and title.endswith(nom), page
    delib = lxml.html.parse(str(hostile / "deliberations/2024_010/index.html")).getroot()
    [description] = delib.xpath("//meta[@name='description']/@content")
    assert description == 'Tarifs "><img src=x onerror=alert(2)> de la cantine'


#: Before any script of a page runs: record the policy's violations and the dialogs.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});
"""
#: Every handler content could have set, given its event.
TRIGGER = """
() => {
  for (const el of document.querySelectorAll("body *")) {
    for (const type of ["mouseover", "focus", "error", "load", "click"]) {
      if (type === "click" && el.closest("a, button, label, input, form")) continue;
      el.dispatchEvent(new Event(type));
    }
  }
}
"""


@pytest.fixture(scope="module")
def served(hostile: Path) -> Iterator[str]:
    with serving(hostile) as url:
        yield url


def test_no_hostile_page_runs_anything_in_a_browser(
    browser: Browser,  # noqa: F811
    hostile: Path,
    served: str,
) -> None:
    """Each page opened in Chromium: no dialog, no handler, no violation of the policy (the
    theme's and the project's scripts run under it), no error in the console."""
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            errors.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in _html_pages(hostile):
        where = str(path.relative_to(hostile)).removesuffix("index.html")
        page.goto(served + where)
        page.wait_for_load_state("load")
        page.evaluate(TRIGGER)
        ran = page.evaluate("[window.__pwned, window.__violations]")
        assert ran == [None, []], where
        # the theme's inline and bundled scripts ran
        assert page.evaluate(
            "typeof __md_get === 'function' && !!document.querySelector('.md-top')"
        ), where
    context.close()
    assert (dialogs, errors) == ([], [])


def test_search_and_navigation_work_under_the_policy(
    browser: Browser,  # noqa: F811
    served: str,
) -> None:
    """Pagefind (its WebAssembly) finds the hostile objet and shows it as text; the tabs lead
    to the séances, and their links to a séance; nothing violates the policy."""
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto(served + "recherche/?q=cantine")
    first = page.locator(".registre-recherche__lien").first
    first.wait_for(timeout=15_000)
    assert page.locator(".registre-recherche__objet").first.inner_text() == (
        'Tarifs "><img src=x onerror=alert(2)> de la cantine'
    )
    assert page.evaluate("window.__violations") == []
    page.get_by_role("link", name="Séances", exact=True).first.click()
    page.wait_for_url("**/seances/")
    page.get_by_role("link", name="jeudi 16 mai 2024").first.click()
    page.wait_for_url("**/seances/2024-05-16/")
    assert "Salle </title><script>alert('lieu')</script> du conseil" in page.inner_text("article")
    assert page.evaluate("[window.__pwned, window.__violations]") == [None, []]
    context.close()
