"""Loading: values typed by the schema, positions kept, cache keyed by content."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from generator import cache as cache_module
from generator import load as load_module
from generator.atomic import write_bytes
from generator.cache import Cache, Memo, content_key, known_key, value_to_key
from generator.diagnostics import Diagnostic, Loc, Pos, Severity
from generator.load import load_project, text_to_model
from generator.model import Deliberation, Seance, SeanceFiles
from generator.project import check
from generator.rules import Checker
from tests.bench.synth import write_archive
from tests.conftest import BASE, TODAY

DELIB = """\
numero: 2024_014
point: 3
objet: Budget
matiere: "7.1"
tableaux:
  - colonnes: [Poste, "2024"]
    lignes:
      - [Dépenses, 3107000]
      - ["12", 12.5]
texte: |
  Texte.
vote:
  pour: 25
  noms:
    contre: [a-b, c-d]
"""


def test_scalars_are_typed_by_the_schema_not_by_yaml() -> None:
    d, diags = text_to_model(DELIB, "d.yml", Deliberation)
    assert diags == []
    assert d is not None
    # YAML would read 2024_014 as the integer 2024014 and 3 as an int: the schema says text.
    assert d.numero == "2024_014"
    assert d.point == "3"
    # Numbers in tables are exact decimals; quoted ones stay text.
    assert d.tableaux[0].lignes == (("Dépenses", Decimal(3107000)), ("12", Decimal("12.5")))


def test_every_value_keeps_its_position() -> None:
    d, _ = text_to_model(DELIB, "d.yml", Deliberation)
    assert d is not None
    assert d.pos.of("numero") == Loc("d.yml", 1, 9)
    assert d.vote.pos.of("pour") == Loc("d.yml", 13, 9)
    assert d.vote.noms is not None
    assert d.vote.noms.pos.of("contre", 1) == Loc("d.yml", 15, 19)
    assert d.tableaux[0].pos.of("lignes", 1) == Loc("d.yml", 9, 9)


def test_times_read_with_or_without_quotes() -> None:
    base = (BASE / "seances" / "2024-05-16" / "seance.yml").read_text(encoding="utf-8")
    for written in ('"20:00"', "20:00", "20h00"):
        text = base.replace('ouverture: "20:00"', f"ouverture: {written}")
        s, diags = text_to_model(text, "s.yml", Seance)
        assert diags == []
        assert s is not None and s.ouverture == dt.time(20, 0)


def test_shorthand_and_full_form_of_a_presence_are_equal() -> None:
    s, _ = text_to_model(
        (BASE / "seances" / "2024-05-16" / "seance.yml").read_text(encoding="utf-8"),
        "s.yml",
        Seance,
    )
    assert s is not None
    assert s.presents[0].membre == "vernier-anne"
    assert s.presents[3].a_partir_de == "3"
    assert s.pos.of("presents", 3) == Loc("s.yml", 13, 5)


def test_cache_serves_unchanged_files_and_rereads_changed_ones(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold = Cache(cache_dir)
    first, diags = load_project(BASE, cold)
    cold.save()
    assert first is not None and diags == []
    assert (cold.hits, cold.misses) == (0, 5)
    warm = Cache(cache_dir)
    second, _ = load_project(BASE, warm)
    assert second == first
    assert (warm.hits, warm.misses) == (5, 0)


def test_unchanged_files_are_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their signature (inode, size, times) is kept with their hash: a large archive's build
    reads the file an edit changed, not the 10,000 others."""
    read: list[str] = []
    real = load_module._read_text

    def counting(path: Path, file: str, root: str) -> tuple[str | None, bytes, list[Diagnostic]]:
        read.append(file)
        return real(path, file, root)

    monkeypatch.setattr(load_module, "_read_text", counting)
    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # a fresh clone's files are seconds old
    cache = Cache(tmp_path / "cache")
    first, _ = load_project(BASE, cache)
    cache.save()
    assert len(read) == 5
    read.clear()
    again, _ = load_project(BASE, Cache(tmp_path / "cache"))
    assert again == first and read == []


def test_an_edit_keeping_size_and_date_is_read(
    base_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # the copy's files were written just now
    cache = Cache(tmp_path / "cache")
    load_project(base_copy, cache)
    cache.save()
    delib = base_copy / "seances" / "2024-05-16" / "deliberations" / "2024_010.yml"
    before = delib.stat()
    delib.write_text(delib.read_text(encoding="utf-8").replace("Tarifs", "TARIFS"))
    os.utime(delib, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (delib.stat().st_size, delib.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    project, _ = load_project(base_copy, Cache(tmp_path / "cache"))
    assert project is not None
    assert project.seances[0].deliberations[0].objet.startswith("TARIFS de la cantine")


def test_a_file_written_just_before_it_was_read_is_read_again(
    base_copy: Path, tmp_path: Path
) -> None:
    """Changed again within the same tick of the clock, its signature could stay the same."""
    cache = Cache(tmp_path / "cache")
    load_project(base_copy, cache)
    cache.save()
    warm = Cache(tmp_path / "cache")
    load_project(base_copy, warm)
    assert (warm.hits, warm.misses) == (5, 0)  # read again, found by its content
    assert warm.signatures.get(str(base_copy / "membres.yml")) is None


def test_cache_is_keyed_by_content(base_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache = Cache(cache_dir)
    load_project(base_copy, cache)
    cache.save()
    delib = base_copy / "seances" / "2024-05-16" / "deliberations" / "2024_010.yml"
    delib.write_text(
        delib.read_text(encoding="utf-8").replace("Tarifs", "Nouveaux tarifs"), encoding="utf-8"
    )
    project, _ = load_project(base_copy, Cache(cache_dir))
    assert project is not None
    objets = [d.objet for d in project.seances[0].deliberations]
    assert objets[0] == "Nouveaux tarifs de la cantine scolaire pour l'année 2024-2025"


def test_a_long_lived_process_keeps_its_memos_and_reads_what_another_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under ``mkdocs serve`` (``keep_memos_resident``), a reload does not unpickle the memos
    it wrote itself, but reads again a shard that another process replaced."""
    monkeypatch.setattr(cache_module, "_RESIDENT", None)
    cache_module.keep_memos_resident()
    memo: Memo[list[str]] = Memo.load(tmp_path, "m", "v1")
    value = ["kept"]
    memo.put("k", value)
    memo.save()
    again: Memo[list[str]] = Memo.load(tmp_path, "m", "v1")
    assert again.get("k") is value  # the same object: not read from the file
    again.save()
    shard = next((tmp_path / "m-v1").glob("*.pickle"))
    write_bytes(shard, pickle.dumps({"k": ["written by another process"]}))
    assert Memo.load(tmp_path, "m", "v1").get("k") == ["written by another process"]


def test_saving_a_memo_keeps_another_whose_name_starts_with_its_own(tmp_path: Path) -> None:
    """Regression: saving the memo « scdl » removed the other versions of « scdl-* », the
    memo « scdl-lignes » among them."""
    lignes: Memo[str] = Memo.load(tmp_path, "scdl-lignes", "v1")
    lignes.put("k", "ligne")
    lignes.save()
    scdl: Memo[str] = Memo.load(tmp_path, "scdl", "v1")
    scdl.put("k", "valide")
    scdl.save()
    assert Memo.load(tmp_path, "scdl-lignes", "v1").get("k") == "ligne"


def test_a_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache = Cache(cache_dir)
    load_project(BASE, cache)
    cache.save()
    assert cache.memo.folder is not None
    shards = list(cache.memo.folder.glob("*.pickle"))
    assert shards
    for shard in shards:
        shard.write_bytes(b"not a pickle")
    project, diags = load_project(BASE, Cache(cache_dir))
    assert project is not None and diags == []


def test_rules_run_again_for_the_edited_seance_only_and_point_to_the_new_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules' diagnostics are kept per séance: after an edit (here, two lines added at the
    top of a délibération with a wrong vote), that séance's rules run again, and every
    diagnostic is the one a check without cache gives, at its new line."""
    content = tmp_path / "content"
    write_archive(content, seances=4, deliberations_per_seance=5, seed=3, inconsistencies=2)
    cache_dir = tmp_path / "cache"
    check(content, today=TODAY, cache_dir=cache_dir)
    wrong = next(d for d in check(content, today=TODAY).diagnostics if d.code == "V301")
    edited = Path(wrong.loc.file)
    edited.write_text("# relu le 3 mars\n# par le secrétariat\n" + edited.read_text())
    runs: list[str] = []
    original = Checker.check_seance_files

    def counted(self: Checker, files: SeanceFiles) -> None:
        runs.append(files.dossier)
        original(self, files)

    monkeypatch.setattr(Checker, "check_seance_files", counted)
    cached = check(content, today=TODAY, cache_dir=cache_dir)
    assert runs == [edited.parent.parent.name]
    fresh = check(content, today=TODAY)
    assert [d.to_json() for d in cached.diagnostics] == [d.to_json() for d in fresh.diagnostics]
    moved = next(d for d in cached.diagnostics if d.loc.file == wrong.loc.file)
    assert moved.loc.line == (wrong.loc.line or 0) + 2


def test_a_loaded_seance_has_the_key_of_its_files_and_a_copy_has_none() -> None:
    """Memos key a séance by the hash of its files (``remember_key``); a copy made with
    ``dataclasses.replace`` (an edited séance, in a benchmark or a tool) is another object and
    must be keyed by its content, or it would be served what was made for the original."""
    project, _ = load_project(BASE)
    assert project is not None
    files = project.seances[0]
    assert known_key(files) is not None
    first = files.deliberations[0]
    edited = dataclasses.replace(
        files, deliberations=(dataclasses.replace(first, objet="Autre objet"),)
    )
    assert known_key(edited) is None
    assert content_key(edited, "salt") != content_key(files, "salt")
    assert content_key(edited, "salt") == value_to_key(edited, "salt")


def test_positions_come_back_from_the_cache_by_field_and_by_item() -> None:
    at = Loc("seances/a/deliberations/1.yml", 2, 1)
    pos = Pos(
        at,
        {"objet": Loc(at.file, 3, 8), "votes": Loc(at.file, 5, 3), "votes.1": Loc(at.file, 7, 5)},
    )
    again = pickle.loads(pickle.dumps(pos, protocol=pickle.HIGHEST_PROTOCOL))
    assert again.of("objet") == Loc(at.file, 3, 8)
    assert again.of("votes", 1) == Loc(at.file, 7, 5)
    assert again.of("votes", 0) == Loc(at.file, 5, 3)  # no item position: the field's
    assert again.of("texte") == at  # no field position: the object's
    with pytest.raises(ValueError):
        Pos(at, {"objet": Loc("autre.yml", 1, 1)})


@pytest.mark.parametrize(
    ("text", "loc"),
    [
        ("date: 2024-05-16\n\tlieu: Mairie\n", Loc("s.yml", 2, 1)),
        # libyaml says « found character that cannot start any token » for these two
        ("declare:\n\tpresents: 3\n", Loc("s.yml", 2, 1)),
        ("presents:\n  - a\nexcuses:\n  \t- b\n", Loc("s.yml", 4, 3)),
    ],
)
def test_a_tab_in_the_indentation_is_named_with_how_to_fix_it(text: str, loc: Loc) -> None:
    assert text_to_model(text, "s.yml", Seance) == (
        None,
        [
            Diagnostic(
                "S001",
                Severity.ERROR,
                loc,
                "tabulation dans l'indentation : YAML n'accepte que des espaces pour indenter",
                "Remplacez les tabulations du début de la ligne par des espaces, en l'alignant "
                "sur les autres lignes du même bloc ; réglez l'éditeur pour qu'il écrive des "
                "espaces quand on appuie sur la touche Tab.",
            )
        ],
    )


def test_a_character_that_cannot_start_a_value_is_not_taken_for_a_tab() -> None:
    _, [diagnostic] = text_to_model("lieu: Mairie\ndeclare: @x\n", "s.yml", Seance)
    assert (diagnostic.loc, diagnostic.message) == (
        Loc("s.yml", 2, 10),
        "caractère qui ne peut pas commencer une valeur",
    )
