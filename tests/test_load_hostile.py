"""Hostile and broken content folders (issue #17, classes 3, 4, 7, 12, 15): links, loops,
names that are not UTF-8, nesting that crashed the C composer, editors' hidden files.

Shapes that git cannot keep as plain overlay files (links, non-UTF-8 names, FIFOs) are made
here in ``tmp_path``. Each refused case asserts the exact message, the exit code of the real
CLI (in-process and, for the crash shapes, in a subprocess), no traceback, and that ``build``
leaves a previously built ``site/`` and ``officiel/`` byte for byte unchanged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

from generator.depth import nesting_bound
from generator.project import check
from tests.conftest import BASE, ROOT, TODAY, run_cli, tree_bytes

SEANCE = Path("seances") / "2024-05-16"
DELIBS = SEANCE / "deliberations"
OPTIONS = ("--no-cache", "--today", str(TODAY))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the base project's ``site/`` and ``officiel/``, built once."""
    folder = tmp_path_factory.mktemp("published")
    content = folder / "content"
    shutil.copytree(BASE, content)
    code, out, err = run_cli(
        "build", "--content", str(content), "--out", str(folder / "site"), *OPTIONS
    )
    assert (code, err) == (0, ""), out
    return folder


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(BASE, target)
    return target


def _refused(content: Path, published: Path, expected: str) -> None:
    """``check`` prints exactly ``expected`` (content/ written ``content``) and exits 1;
    ``build`` exits 1 and leaves the published outputs unchanged."""
    code, out, err = run_cli("check", "--content", str(content), *OPTIONS)
    assert (code, err) == (1, ""), out
    assert out.replace(str(content), "content") == expected
    assert "Traceback" not in out
    before = {name: tree_bytes(published / name) for name in ("site", "officiel")}
    code, out, err = run_cli(
        "build", "--content", str(content), "--out", str(published / "site"), *OPTIONS
    )
    assert (code, err) == (1, ""), out
    assert "Rien n'a été écrit" in out
    assert {name: tree_bytes(published / name) for name in ("site", "officiel")} == before


def _subprocess_check(content: Path) -> subprocess.CompletedProcess[str]:
    """The real ``python -m generator check``: a crash of the interpreter shows as -11."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "check", "--content", str(content), *OPTIONS],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def _summary(errors: int, warnings: int, files: int, delibs: int = 1) -> str:
    return (
        f"\n{errors} erreur(s) et {warnings} avertissement(s) dans {files} fichier(s) "
        f"(1 séance(s), {delibs} délibération(s)).\n"
    )


LINK_OUT_HINT = (
    "    → Registre ne lit que ce qui est dans content/ : copiez-y le fichier lui-même au lieu "
    "d'un lien (ou d'un raccourci) vers un autre dossier.\n"
)


def test_a_deliberation_linked_to_a_system_file_is_refused_unread(
    content: Path, published: Path
) -> None:
    """Class 3: /etc/passwd behind a délibération was read and its lines printed."""
    delib = content / DELIBS / "2024_011.yml"
    delib.unlink()
    os.symlink("/etc/passwd", delib)
    _refused(
        content,
        published,
        "content/seances/2024-05-16/deliberations/2024_011.yml: S012 le fichier est un lien "
        "qui sort du dossier content/\n" + LINK_OUT_HINT + _summary(1, 0, 1),
    )


def test_a_seance_folder_linked_out_of_content_is_refused(
    content: Path, published: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "ailleurs"
    shutil.copytree(content / SEANCE, outside)
    os.symlink(outside, content / "seances" / "2024-06-20")
    _refused(
        content,
        published,
        "content/seances/2024-06-20: S012 le dossier « 2024-06-20 » est un lien qui sort du "
        "dossier content/\n" + LINK_OUT_HINT + _summary(1, 0, 1, delibs=2),
    )


def test_a_link_inside_content_is_followed(content: Path) -> None:
    archive = content / "seances" / "2024-05-16" / "originaux"
    archive.mkdir()
    delib = content / DELIBS / "2024_011.yml"
    delib.rename(archive / "2024_011.txt")
    os.symlink("../originaux/2024_011.txt", delib)
    result = check(content, today=TODAY)
    assert result.diagnostics == [] and result.project is not None
    assert len(result.project.seances[0].deliberations) == 2


def test_an_annex_linked_out_of_content_says_so(content: Path, published: Path) -> None:
    annex = content / SEANCE / "annexes" / "plan.pdf"
    annex.unlink()
    os.symlink("/etc/hostname", annex)
    _refused(
        content,
        published,
        "content/seances/2024-05-16/deliberations/2024_011.yml:25:14: R109 l'annexe "
        "« ../annexes/plan.pdf » est un lien qui sort du dossier content/\n"
        "    → Placez l'annexe elle-même (pas un lien vers un autre dossier) dans le dossier de "
        "la séance et donnez son chemin relatif.\n" + _summary(1, 0, 1, delibs=2),
    )


def test_annexes_are_found_when_content_is_the_current_folder(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: with ``--content .`` every annex was said to leave content/."""
    monkeypatch.chdir(content)
    assert check(Path("."), today=TODAY).diagnostics == []


def test_a_link_loop_under_seances_is_a_diagnostic(content: Path, published: Path) -> None:
    """Class 12: ``ln -s . seances/boucle``."""
    os.symlink(".", content / "seances" / "boucle")
    expected = (
        "content/seances/boucle: S013 le dossier « boucle » est un lien vers un dossier qui le "
        "contient (boucle)\n"
        "    → Supprimez ce lien : il ferait lire les mêmes fichiers à l'infini.\n"
        + _summary(1, 0, 1, delibs=2)
    )
    _refused(content, published, expected)
    run = _subprocess_check(content)
    assert (run.returncode, run.stderr) == (1, "")
    assert run.stdout.replace(str(content), "content") == expected


def test_a_file_linked_to_itself_is_a_diagnostic(content: Path) -> None:
    os.symlink("2024_012.yml", content / DELIBS / "2024_012.yml")
    [diag] = check(content, today=TODAY).diagnostics
    assert (diag.code, diag.message, diag.loc.file) == (
        "S013",
        "le fichier est un lien qui mène à lui-même (boucle)",
        str(content / DELIBS / "2024_012.yml"),
    )


def test_a_file_name_that_is_not_utf8_is_shown_escaped(content: Path, published: Path) -> None:
    """Class 12: b"\\xff.yml" raised UnicodeEncodeError (exit 3)."""
    name = os.fsdecode(b"\xff.yml")
    shutil.copyfile(content / DELIBS / "2024_011.yml", content / DELIBS / name)
    expected = (
        "content/seances/2024-05-16/deliberations/\\xff.yml: S014 le nom du fichier n'est pas "
        "en UTF-8\n"
        "    → Renommez-le avec des lettres, des chiffres et des tirets (il a sans doute été "
        "copié depuis un autre système).\n" + _summary(1, 0, 1, delibs=2)
    )
    _refused(content, published, expected)
    run = _subprocess_check(content)
    assert (run.returncode, run.stderr) == (1, "")
    assert run.stdout.replace(str(content), "content") == expected


def test_a_fifo_named_like_a_deliberation_does_not_block(content: Path) -> None:
    os.mkfifo(content / DELIBS / "2024_012.yml")
    [diag] = check(content, today=TODAY).diagnostics
    assert (diag.code, diag.message) == (
        "S018",
        "ce nom de fichier YAML désigne un dossier ou un fichier spécial, pas un fichier",
    )


def test_a_yml_at_the_top_of_content_is_reported(content: Path) -> None:
    shutil.copyfile(content / DELIBS / "2024_011.yml", content / "2024_011.yml")
    [diag] = check(content, today=TODAY).diagnostics
    assert (diag.code, diag.loc.file) == ("S016", str(content / "2024_011.yml"))
    assert diag.message == (
        "ce fichier n'est pas lu : Registre ne lit à cet endroit (content/) que "
        "collectivite.yml et membres.yml"
    )


def test_hidden_files_and_an_emacs_lock_link_are_ignored(content: Path) -> None:
    """Class 15: a dangling ``.#x.yml`` lock is neither read nor a link out of content/."""
    os.symlink("root@poste.12345:1733300000", content / DELIBS / ".#2024_011.yml")
    (content / ".git").mkdir()
    (content / ".git" / "config.yml").write_text("[core]\n", encoding="utf-8")
    (content / SEANCE / "__MACOSX").mkdir()
    (content / SEANCE / "__MACOSX" / "._seance.yml").write_bytes(b"\x00\x05\x16\x07")
    assert check(content, today=TODAY).diagnostics == []


CRASHERS = {
    "dashes": "- " * 50_000 + "x\n",
    "dashes-in-a-key": "tableaux:\n  - " + "- " * 50_000 + "x\n",
    "question-marks": "? " * 50_000 + "x\n",
    "mixed": "tableaux:\n" + "- ? - " * 20_000 + "[{a: [" * 100 + "\n",
    "block": "tableaux:\n" + "".join(" " * i + "-\n" for i in range(3000)),
}


@pytest.mark.parametrize("shape", sorted(CRASHERS))
def test_deep_nesting_exits_1_in_a_real_process(content: Path, shape: str) -> None:
    """Class 4: 50,000 nested lists on one line crashed ``registre check`` (SIGSEGV)."""
    (content / DELIBS / "2024_011.yml").write_text(CRASHERS[shape], encoding="utf-8")
    run = _subprocess_check(content)
    assert (run.returncode, run.stderr) == (1, "")
    first = run.stdout.splitlines()[0].replace(str(content), "content")
    assert first.startswith("content/seances/2024-05-16/deliberations/2024_011.yml:")
    assert first.endswith(": S011 structure imbriquée sur plus de 24 niveaux")


_TOKENS = ["- ", "? ", ": ", "-", "[", "{", "]", "}", ", ", "a", "k: ", "\n", "  ", " ", "\t"]
_TOKENS += ["&x ", "!t ", "--- ", "# c", "'q", '"q', "|", ">", "\r", "\x85", "\u2028", "\ufeff"]


def _depth_before_error(text: str) -> int:
    """The deepest nesting the parser reaches before the text ends or is found wrong."""
    depth = deepest = 0
    try:
        for event in YAML(typ="safe", pure=False).parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        pass
    return deepest


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=80).map("".join))
def test_the_nesting_bound_is_never_below_the_real_depth(text: str) -> None:
    """The scan that lets a text reach the composer must never under-estimate its depth."""
    assert nesting_bound(text) >= _depth_before_error(text)
