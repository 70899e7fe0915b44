"""Finding and opening the files of ``content/`` without ever leaving it.

``discover`` walks the whole folder once: every YAML-looking file is either given a role
(collectivité, membres, séance, délibération) or reported with its path and what to do;
editors' and systems' hidden files are ignored without a word; links are followed only while
they stay inside ``content/``. ``read_inside`` opens one file the same way, and reads at most
``MAX_FILE_BYTES`` of it.
"""

from __future__ import annotations

import errno
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostic, Loc, error, warning

#: Files larger than this are refused before parsing (nobody types a 5 MB séance).
MAX_FILE_BYTES = 5 * 1024 * 1024

#: More entries than this under content/ is not an archive but an accident (or a link maze).
MAX_ENTRIES = 200_000

YAML_SUFFIXES = (".yml", ".yaml")

#: Files that systems and office suites drop beside documents (compared case-insensitively).
_SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", "__macosx", "icon\r"})


def is_hidden(name: str) -> bool:
    """Editors' and systems' own files: hidden (``.x``, ``._x`` AppleDouble, ``.#x`` Emacs
    lock, ``.x.swp``, ``.git``), Office owner files (``~$x``), backups (``x~``), Emacs
    autosaves (``#x#``), Windows and macOS droppings."""
    return (
        name.startswith((".", "~$"))
        or name.endswith("~")
        or (name.startswith("#") and name.endswith("#"))
        or name.casefold() in _SYSTEM_FILES
    )


def is_yaml_name(name: str) -> bool:
    """Whether the name ends like a YAML file, in any case (``.yml``, ``.YAML``…)."""
    return name.casefold().endswith(YAML_SUFFIXES)


def canonical_name(name: str) -> str:
    """The name as the format wants it: the same stem, ending in ``.yml`` in lower case."""
    stem = name[: -len(".yaml")] if name.casefold().endswith(".yaml") else name[: -len(".yml")]
    return stem + ".yml"


def shown(path: str) -> str:
    """A path as it can be printed: bytes that are not UTF-8 written ``\\xff``."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_utf8(name: str) -> bool:
    """False for a name whose bytes were not UTF-8 (decoded with surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _fold(name: str) -> str:
    """A folder name without case or accents (« Délibérations » → « deliberations »)."""
    decomposed = unicodedata.normalize("NFD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def inside(real: str, root: str) -> bool:
    """Whether a resolved path is the resolved ``root`` or below it."""
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


@dataclass(frozen=True)
class ContentFiles:
    """The files of ``content/`` that have a role; ``refused`` ones were reported already."""

    collectivite: Path
    membres: Path
    seances: tuple[tuple[Path, tuple[Path, ...]], ...]
    refused: frozenset[str] = frozenset()

    def all(self) -> list[tuple[Path, str]]:
        """Every file with its kind, in reading order."""
        out = [(self.collectivite, "collectivite"), (self.membres, "membres")]
        for seance, delibs in self.seances:
            out.append((seance, "seance"))
            out.extend((d, "deliberation") for d in delibs)
        return out


@dataclass
class _Walk:
    """What the walk has found so far."""

    root: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    top: dict[str, Path] = field(default_factory=dict)
    seance_dirs: list[Path] = field(default_factory=list)
    seance_files: dict[Path, Path] = field(default_factory=dict)
    delibs: dict[Path, list[Path]] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)
    entries: int = 0


def _refuse(walk: _Walk, path: str, code: str, message: str, hint: str) -> None:
    walk.diagnostics.append(error(code, Loc(shown(path)), message, hint))
    walk.refused.add(path)


def _link_problem(walk: _Walk, path: str, what: str) -> bool:
    """Report a link that leaves content/, is broken or loops; True if one was reported."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            _refuse(
                walk,
                path,
                "S013",
                f"{what} est un lien qui mène à lui-même (boucle)",
                "Supprimez ce lien et placez-y le vrai fichier ou dossier.",
            )
            return True
        if not os.path.islink(path):
            return False  # vanished or unreadable: reported when it is read
        real = os.path.realpath(path)
        if not inside(real, walk.root):
            _refuse_outside(walk, path, what)
        else:
            _refuse(
                walk,
                path,
                "S013",
                f"{what} est un lien vers un fichier qui n'existe pas",
                "Supprimez ce lien, ou placez le vrai fichier à cet endroit.",
            )
        return True
    if os.path.islink(path) and not inside(os.path.realpath(path), walk.root):
        _refuse_outside(walk, path, what)
        return True
    return False


def _refuse_outside(walk: _Walk, path: str, what: str) -> None:
    _refuse(
        walk,
        path,
        "S012",
        f"{what} est un lien qui sort du dossier content/",
        "Registre ne lit que ce qui est dans content/ : copiez-y le fichier lui-même au lieu "
        "d'un lien (ou d'un raccourci) vers un autre dossier.",
    )


def _describe(path: str, is_dir: bool) -> str:
    return f"le dossier « {os.path.basename(shown(path))} »" if is_dir else "le fichier"


def discover(content: Path) -> tuple[ContentFiles, list[Diagnostic]]:
    """List the content files by role and report every YAML-looking file that has none."""
    walk = _Walk(os.path.realpath(content))
    _walk_dir(walk, str(content), (), (walk.root,))
    seances = []
    for folder in sorted(walk.seance_dirs, key=lambda p: p.name):
        seance = walk.seance_files.get(folder, folder / "seance.yml")
        seances.append((seance, tuple(sorted(walk.delibs.get(folder, [])))))
    files = ContentFiles(
        walk.top.get("collectivite.yml", content / "collectivite.yml"),
        walk.top.get("membres.yml", content / "membres.yml"),
        tuple(seances),
        frozenset(walk.refused),
    )
    return files, walk.diagnostics


def _entries(walk: _Walk, folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as exc:
        _refuse(
            walk,
            folder,
            "S009",
            f"dossier illisible ({exc.strerror})",
            "Vérifiez les droits de ce dossier (il doit pouvoir être lu).",
        )
        return []


def _walk_dir(walk: _Walk, folder: str, rel: tuple[str, ...], ancestors: tuple[str, ...]) -> None:
    """Visit one folder: give each YAML file its role or report it, then go down."""
    for entry in _entries(walk, folder):
        walk.entries += 1
        if walk.entries > MAX_ENTRIES:
            if walk.entries == MAX_ENTRIES + 1:
                _refuse(
                    walk,
                    folder,
                    "S019",
                    f"le dossier content/ contient plus de {_thousands(MAX_ENTRIES)} "
                    "fichiers et dossiers",
                    "Retirez de content/ ce qui n'est pas le registre (copies, archives, liens "
                    "vers d'autres dossiers).",
                )
            return
        name = entry.name
        if is_hidden(name):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        yaml_like = is_yaml_name(name)
        if not (is_dir or yaml_like or entry.is_symlink()):
            _other_file(walk, entry.path, rel)
            continue
        if not (is_dir or yaml_like):
            continue  # a link to an annex or another document: R109 checks annexes
        what = _describe(entry.path, is_dir)
        if _link_problem(walk, entry.path, what):
            continue
        if not is_utf8(name):
            _refuse(
                walk,
                entry.path,
                "S014",
                f"le nom {'du dossier' if is_dir else 'du fichier'} n'est pas en UTF-8",
                "Renommez-le avec des lettres, des chiffres et des tirets (il a sans doute "
                "été copié depuis un autre système).",
            )
            continue
        if is_dir:
            _enter(walk, entry.path, (*rel, name), ancestors)
        else:
            _yaml_file(walk, entry.path, (*rel, name))


def _enter(walk: _Walk, path: str, rel: tuple[str, ...], ancestors: tuple[str, ...]) -> None:
    real = os.path.realpath(path)
    if real in ancestors:
        _refuse(
            walk,
            path,
            "S013",
            f"le dossier « {rel[-1]} » est un lien vers un dossier qui le contient (boucle)",
            "Supprimez ce lien : il ferait lire les mêmes fichiers à l'infini.",
        )
        return
    if len(rel) == 2 and rel[0] == "seances":
        walk.seance_dirs.append(Path(path))
    _walk_dir(walk, path, rel, (*ancestors, real))


def _other_file(walk: _Walk, path: str, rel: tuple[str, ...]) -> None:
    """A file that is not YAML: only one in deliberations/ deserves a word."""
    if not (len(rel) == 3 and rel[0] == "seances" and rel[2] == "deliberations"):
        return
    name = os.path.basename(path)
    stem, _, _ = name.rpartition(".")
    if is_yaml_name(stem):  # « 2024_018.yml.txt »: a délibération that would go missing
        walk.diagnostics.append(
            error(
                "S015",
                Loc(shown(path)),
                "cette délibération n'est pas lue : son nom ne se termine pas par .yml",
                f"Renommez-le en « {canonical_name(stem)} » (votre éditeur a ajouté une "
                "extension ; sous Windows, affichez les extensions des fichiers).",
            )
        )
        return
    walk.diagnostics.append(
        warning(
            "S016",
            Loc(shown(path)),
            "ce fichier de deliberations/ n'est pas lu : il ne se termine pas par .yml",
            "Une délibération s'écrit en YAML dans un fichier .yml ; placez les pièces "
            "jointes dans le dossier annexes/ de la séance.",
        )
    )


def _yaml_file(walk: _Walk, path: str, rel: tuple[str, ...]) -> None:
    """Give a YAML-looking file its role, or report where it should be."""
    name = rel[-1]
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except OSError as exc:
        walk.diagnostics.append(_unreadable(shown(path), exc))
        walk.refused.add(path)
        return
    if not regular:
        _refuse(
            walk,
            path,
            "S018",
            "ce nom de fichier YAML désigne un dossier ou un fichier spécial, pas un fichier",
            "Renommez ou retirez-le : un fichier .yml contient du texte.",
        )
        return
    role = _role(rel)
    if role is None:
        _misplaced(walk, path, rel)
        return
    kind, key = role
    if kind == "deliberation":
        walk.delibs.setdefault(Path(path).parent.parent, []).append(Path(path))
    elif kind == "seance":
        folder = Path(path).parent
        if _shadowed(path, key):
            _misplaced(walk, path, rel)
            return
        walk.seance_files[folder] = Path(path)
    else:
        if _shadowed(path, key):
            _misplaced(walk, path, rel)
            return
        walk.top[key] = Path(path)
    # A délibération keeps its own stem; the other files have one name (« seance.yml »).
    wanted = canonical_name(name) if kind == "deliberation" else key
    if name != wanted:
        walk.diagnostics.append(
            warning(
                "S017",
                Loc(shown(path)),
                f"ce fichier est lu, mais son nom ne s'écrit pas « {wanted} »",
                f"Renommez-le en « {wanted} » (extension « .yml » en minuscules) : c'est le "
                "nom qu'attendent la documentation et la vérification dans l'éditeur, sur "
                "tous les systèmes.",
            )
        )


def _shadowed(path: str, key: str) -> bool:
    """Whether a file written the expected way sits beside this variant (``Seance.YML``)."""
    return os.path.basename(path) != key and os.path.lexists(
        os.path.join(os.path.dirname(path), key)
    )


def _role(rel: tuple[str, ...]) -> tuple[str, str] | None:
    """(kind, canonical name) of a YAML file at this place of content/, if it has one."""
    name = canonical_name(rel[-1]).casefold()
    if len(rel) == 1 and name in ("collectivite.yml", "membres.yml"):
        return name.removesuffix(".yml"), name
    if len(rel) == 3 and rel[0] == "seances" and name == "seance.yml":
        return "seance", name
    if len(rel) == 4 and rel[0] == "seances" and rel[2] == "deliberations":
        return "deliberation", name
    return None


def _misplaced(walk: _Walk, path: str, rel: tuple[str, ...]) -> None:
    """A YAML file nobody reads: an error under seances/ (a délibération would be missing
    from the register), a warning elsewhere."""
    where = "/".join(rel[:-1]) or "content/"
    if rel[0] != "seances":
        walk.diagnostics.append(
            warning(
                "S016",
                Loc(shown(path)),
                f"ce fichier n'est pas lu : Registre ne lit à cet endroit ({where}) que "
                "collectivite.yml et membres.yml",
                "S'il s'agit d'une délibération, rangez-la dans "
                "seances/<date de la séance>/deliberations/ ; sinon sortez-le de content/.",
            )
        )
        return
    detail = (
        "le dossier s'écrit « deliberations », sans accent ni majuscule"
        if len(rel) == 4 and rel[2] != "deliberations" and _fold(rel[2]) == "deliberations"
        else "une délibération se range dans le dossier deliberations/ de sa séance"
    )
    walk.diagnostics.append(
        error(
            "S015",
            Loc(shown(path)),
            "ce fichier n'est pas lu : il n'est ni le seance.yml d'une séance, ni dans son "
            "dossier deliberations/",
            f"Déplacez-le ({detail} : seances/<date>/deliberations/), ou sortez-le de "
            "content/ s'il ne fait pas partie du registre.",
        )
    )


@dataclass(frozen=True)
class Read:
    """One file's bytes, or why it could not be read."""

    data: bytes | None
    problem: Diagnostic | None = None


def read_inside(path: Path, file: str, root: str) -> Read:
    """Read a file of content/ (``root`` resolved) without following a link out of it, without
    blocking on a special file, and never more than ``MAX_FILE_BYTES``."""
    real = os.path.realpath(path)
    if not inside(real, root):
        return Read(
            None,
            error(
                "S012",
                Loc(file),
                "le fichier est un lien qui sort du dossier content/",
                "Registre ne lit que ce qui est dans content/ : copiez-y le fichier lui-même.",
            ),
        )
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        return Read(None, _unreadable(file, exc))
    with os.fdopen(fd, "rb") as f:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            return Read(
                None,
                error(
                    "S018",
                    Loc(file),
                    "ce nom de fichier YAML désigne un dossier ou un fichier spécial, pas un "
                    "fichier",
                    "Renommez ou retirez-le : un fichier .yml contient du texte.",
                ),
            )
        data = f.read(MAX_FILE_BYTES + 1) if status.st_size <= MAX_FILE_BYTES else None
    if data is None or len(data) > MAX_FILE_BYTES:
        size = max(status.st_size, len(data or b""))
        return Read(
            None,
            error(
                "S008",
                Loc(file),
                f"le fichier est trop gros ({size // (1024 * 1024)} Mo ; 5 Mo au plus)",
                "Un fichier YAML décrit une séance ou une délibération : placez les longs "
                "documents en annexe (PDF).",
            ),
        )
    return Read(data)


def _unreadable(file: str, exc: OSError) -> Diagnostic:
    return error("S009", Loc(file), f"lecture impossible ({exc.strerror})", "Vérifiez le fichier.")
