"""Hostile YAML: the loader returns diagnostics, quickly, and never raises or crashes."""

from __future__ import annotations

import os
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import text_to_model
from generator.model import Deliberation, Seance
from generator.project import check
from tests.conftest import BASE, TODAY, run_cli

DELIB = (BASE / "seances" / "2024-05-16" / "deliberations" / "2024_011.yml").read_text("utf-8")
SEANCE = (BASE / "seances" / "2024-05-16" / "seance.yml").read_text("utf-8")


def test_deep_nesting_is_refused_before_composing() -> None:
    """Regression: 100,000 nested brackets overflowed the C composer's stack (segfault)."""
    for text in (
        "date: " + "[" * 100_000 + "]" * 100_000,
        "date: " + "{a: " * 50_000 + "1" + "}" * 50_000,
        "".join(" " * (2 * i) + f"k{i}:\n" for i in range(3000)),
    ):
        start = time.perf_counter()
        value, [diag] = text_to_model(text, "s.yml", Seance)
        assert value is None
        assert diag.code == "S011"
        assert diag.message == "structure imbriquée sur plus de 24 niveaux"
        assert time.perf_counter() - start < 2


def test_alias_bomb_is_refused_quickly() -> None:
    """Billion laughs: nine levels of nine aliases would expand to 387 million strings."""
    rows = ['&a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"&{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = DELIB.replace("      - [Prix de vente, 42000, 0]", "      - " + "\n      - ".join(rows))
    start = time.perf_counter()
    value, diags = text_to_model(text, "b.yml", Deliberation)
    assert value is None
    assert "S006" in {d.code for d in diags}
    assert time.perf_counter() - start < 2


def test_an_annex_behind_a_symlink_out_of_content_is_refused(base_copy: Path) -> None:
    annexes = base_copy / "seances" / "2024-05-16" / "annexes"
    (annexes / "plan.pdf").unlink()
    os.symlink("/etc/passwd", annexes / "plan.pdf")
    [diag] = check(base_copy, today=TODAY).diagnostics
    assert (diag.code, diag.message) == (
        "R109",
        "l'annexe « ../annexes/plan.pdf » est un lien qui sort du dossier content/",
    )


def _mutations() -> st.SearchStrategy[str]:
    """Real files cut, spliced and sprinkled with YAML's special characters."""
    special = st.sampled_from([*":-[]{}&*!|>'\"#%@`,?\t\n ", "\x00", "\x1f", "\ufeff", "é", "---"])

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        text = draw(st.sampled_from([DELIB, SEANCE]))
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, len(text)))
            action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
            if action == "insert":
                text = text[:at] + draw(special) + text[at:]
            elif action == "delete":
                text = text[:at] + text[at + draw(st.integers(1, 40)) :]
            else:
                text = text[:at] + text[at : at + draw(st.integers(1, 80))] * 2 + text[at:]
        return text

    return st.one_of(mutate(), st.text(max_size=400))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_fuzzed_yaml_only_ever_gives_diagnostics(text: str) -> None:
    for cls in (Deliberation, Seance):
        value, diags = text_to_model(text, "f.yml", cls)
        assert value is not None or diags, "refused without a word"
        for d in diags:
            assert d.loc.file == "f.yml" and d.message and d.code[0] == "S"


def test_a_50_mb_file_is_refused_quickly_and_nothing_is_built(
    base_copy: Path, tmp_path: Path
) -> None:
    """A 50 MB deliberation is refused from its size, before it is read (issue #7)."""
    big = base_copy / "seances" / "2024-05-16" / "deliberations" / "2024_011.yml"
    big.write_text(DELIB + ("# " + "x" * 1021 + "\n") * (50 * 1024), encoding="utf-8")
    assert big.stat().st_size > 50 * 1024 * 1024
    options = ("--content", str(base_copy), "--no-cache", "--today", str(TODAY))
    start = time.perf_counter()
    code, out, err = run_cli("check", *options)
    assert time.perf_counter() - start < 5
    assert (code, err) == (1, "")
    assert out.startswith(
        f"{big}: S008 le fichier est trop gros (50 Mo ; 5 Mo au plus)\n"
        "    → Un fichier YAML décrit une séance ou une délibération : placez les longs "
        "documents en annexe (PDF).\n"
    )
    site = tmp_path / "site"
    start = time.perf_counter()
    code, out, err = run_cli("build", *options, "--out", str(site))
    assert time.perf_counter() - start < 5
    assert code == 1 and "S008" in out and "Rien n'a été écrit" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]
