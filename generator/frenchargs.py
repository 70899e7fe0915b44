"""argparse in French: the texts argparse writes itself (« usage: », « options: », « show this
help message and exit », « invalid choice »…).

argparse passes them through gettext at the time it writes them, and Python ships no French
catalogue for them: ``french()`` gives argparse a translation of its own, for the time the
``registre`` parser is built and used. A text this table does not know (a newer Python's) stays
in English rather than failing.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

#: argparse's texts (Python 3.11 to 3.13), in French. The ``%`` fields are argparse's own.
FRENCH = {
    "usage: ": "utilisation : ",
    # section titles: argparse adds the « : », French typography puts a space before it
    "positional arguments": "arguments ",
    "options": "options ",
    "show this help message and exit": "affiche cette aide et quitte",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (choisissez parmi %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s attendu) : %(value)r",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "une valeur au plus est attendue",
    "expected at least one argument": "une valeur au moins est attendue",
    "expected %s argument": "%s valeur est attendue",
    "expected %s arguments": "%s valeurs sont attendues",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur %r ignorée",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "unexpected option string: %s": "option inattendue : %s",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}


def translate(text: str) -> str:
    """``gettext`` for argparse: the French of ``text``, or ``text``."""
    return FRENCH.get(text, text)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """``ngettext`` for argparse."""
    return translate(singular if n == 1 else plural)


@contextmanager
def french() -> Iterator[None]:
    """argparse speaks French within the block (the previous functions are put back)."""
    module = vars(argparse)
    saved = {name: module.get(name) for name in ("_", "ngettext")}
    module["_"], module["ngettext"] = translate, translate_plural
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                del module[name]
            else:
                module[name] = value
