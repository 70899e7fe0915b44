"""The documentation lists exactly the codes the checker can emit."""

from __future__ import annotations

import re

from tests.conftest import ROOT

CODE = re.compile(r"\b[SRPVQDNBXGT][0-9]{3}\b")


def test_every_rule_code_is_documented_and_every_documented_code_exists() -> None:
    emitted = set()
    for source in (ROOT / "generator").rglob("*.py"):
        emitted |= set(re.findall(r'"([SRPVQDNBXGT][0-9]{3})"', source.read_text(encoding="utf-8")))
    documented = set(CODE.findall((ROOT / "docs" / "regles.md").read_text(encoding="utf-8")))
    assert emitted == documented
