"""Fuzzing check-pdf: mutated real PDFs, random bytes and mutated text only ever give a status.

Three levels: whole files through ``check_pdf`` (bytes flipped, cut, inserted, PDF tokens
spliced in, random bytes); the text of real documents, mutated, through the pure parser
(``parse_document`` and ``crosscheck``); positioned characters through the line builder. Each
example runs under an alarm, so that a hang fails the test instead of stopping the suite; files
built to keep the reader busy go through the pool of ``check_pdfs`` and its time limit.
"""

from __future__ import annotations

import signal
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ingest import check_pdf, check_pdfs, reports_to_json, reports_to_text
from generator.ingest.crosscheck import crosscheck
from generator.ingest.report import FileReport
from generator.ingest.sections import parse_document
from generator.ingest.text import Line, PdfText, Segment, TextSettings, page_chars_to_lines
from generator.ingest.text import read_pdf as read_lines
from tests.conftest import REFERENCE

SOURCES = [
    REFERENCE / "extraits" / "000_07502a19c6daf1fa.pdf",  # Grand Besançon: side column, bounds
    REFERENCE / "extraits" / "002_91caae8e95b269c5.pdf",  # Givors
    REFERENCE / "extraits" / "004_465084a1f6b77f0d.pdf",  # Dole
    REFERENCE / "corpus" / "montpellier_delib_2014-04-24_n2014-155.pdf",
    REFERENCE / "corpus" / "pierrefonds_cr_cm_2016-04-04.pdf",  # a compte rendu, many items
]
STATUSES = {"ok", "ocr", "incoherent", "no_text_layer", "unreadable", "not_a_deliberation"}
#: what check_pdf says when an exception escaped the reader or the parser (a bug)
INTERNAL = ("erreur de lecture (", "erreur d'analyse (")
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class _Hang(BaseException):
    """Raised by the alarm; a BaseException, so that no ``except Exception`` swallows it."""


@contextmanager
def _at_most(seconds: int) -> Iterator[None]:
    def ring(signum: int, frame: FrameType | None) -> None:
        raise _Hang(f"plus de {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _assert_a_status(report: FileReport) -> None:
    assert report.status in STATUSES, report.status
    if report.status not in ("ok", "incoherent"):
        assert report.message, report.status
    assert not (report.message or "").startswith(INTERNAL), report.message
    reports_to_json([report])
    reports_to_text([report])


# --- whole files -------------------------------------------------------------------------------

_TOKENS = [
    b" obj ",
    b"endobj",
    b" 0 R ",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"(",
    b")",
    b"/Length 999999999",
    b"/Length -1",
    b"stream\n",
    b"endstream",
    b"/Kids [3 0 R 3 0 R]",
    b"/Parent 1 0 R",
    b"/Filter /FlateDecode",
    b"xref\n0 1\n",
    b"trailer",
    b"startxref\n0\n",
    b"%%EOF",
    b"/Encrypt 1 0 R",
    b"BT /F1 1e308 Tf (x) Tj ET",
    b"1e400 0 0 1 0 0 cm",
]


@st.composite
def _mutated_pdf(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SOURCES)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete", "duplicate", "token"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 400))]
        elif action == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 800))]
        else:
            data[at:at] = draw(st.sampled_from(_TOKENS))
    return bytes(data)


_FILES = st.one_of(
    _mutated_pdf(),
    st.binary(max_size=3000),
    st.binary(max_size=3000).map(lambda b: b"%PDF-1.7\n" + b),
)


@FUZZ
@given(data=_FILES)
def test_fuzzed_files_only_ever_get_a_status(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.pdf"
    path.write_bytes(data)
    with _at_most(30):
        report = check_pdf(path)
    _assert_a_status(report)


# --- text ---------------------------------------------------------------------------------------


@cache
def _real_lines(path: Path) -> tuple[Line, ...]:
    return tuple(read_lines(path).lines)


#: words the parser looks for, to splice into real lines
_WORDS = [
    "Pour : 21",
    "Contre : 0",
    "Abstentions : 2",
    "à l'unanimité",
    "soixante-dix-neuf voix pour",
    "quatre vingt",
    "Délibération n° 2024-1",
    "Rapport n° 7.1 - OBJET",
    "N° 1 - OBJET",
    "DEL2025-02 : Vote",
    "1.",
    "2)",
    "Objet :",
    "Présents :",
    "Etaient présents :",
    "Absents ayant donné procuration :",
    "Pouvoirs :",
    "Excusés :",
    "Absents :",
    "Absents pour ce point :",
    "Se sont retirés :",
    "Absents en cours de séance :",
    "Mandants :",
    "Mandataires :",
    "M. Jean DUPONT",
    "Mme Marie DURAND",
    "DURAND Marie",
    "(à partir du 3.2)",
    "(jusqu'au 1.1.2)",
    "(pouvoir à M. X)",
    "(suppléant de M. Y)",
    "(DCM 12-13)",
    "a donné procuration à",
    "Questions 1 à 3 :",
    "Départ de M. Paul MARTIN",
    "Arrivée de Mme LEROY",
    "ordre de passage : 1, 2, 3",
    "Secrétaire de séance :",
    "scrutin secret",
    "a obtenu 12 voix",
    "votants : 0",
    "en exercice : 0",
    "présents : 99999",
    "1er janvier 2024",
    "31/02/2020",
    "Commune de X",
    "Questions 18 à la fin :",
    "32 présents",
    "1 procuration    33 votants",
    "(37 présents, 3 procurations, soit 40 votants)",
    "Vote :",
    "− Pour : 16",
    "Vote : Pour à l'unanimité",
    "Abstention : M. Papin",
    "Nombre de votants ……… 38",
    "4-1 DETERMINATION DU NOMBRE",
    "5.a) TRAVAUX",
    "1 - Création des commissions",
    "sous la présidence de Madame Florence DEMOUY, maire.",
    "Madame le maire quitte la séance.",
    "Monsieur Leroux siège à nouveau.",
    "Hors de la présence de Madame le Maire,",
    "Arrivées de Mesdames Anne LEROY et Eva SIMON",
    "se retire de la salle et ne prend pas part au vote",
    "Stéphanie JANNIN donne procuration",
    "▪",
    "Page 18 sur 19",
    "(",
    ")",
    ":",
    "\xad",
    "-",
]


@st.composite
def _mutated_text(draw: st.DrawFn) -> PdfText:
    """Lines of a real document (or none) with the parser's words spliced in, lines added
    (some with a count in a side column), removed and repeated."""
    rows: list[tuple[int, list[str]]] = []
    if draw(st.booleans()):
        lines = _real_lines(draw(st.sampled_from(SOURCES)))
        rows = [(line.page, [s.text for s in line.segments]) for line in lines]
    words = st.one_of(st.sampled_from(_WORDS), st.text(max_size=12))
    for _ in range(draw(st.integers(1, 25))):
        at = draw(st.integers(0, len(rows)))
        action = draw(st.sampled_from(["splice", "line", "side", "delete", "duplicate"]))
        if action in ("line", "side") or not rows:
            texts = [" ".join(draw(st.lists(words, min_size=1, max_size=5)))]
            if action == "side":
                texts.append(str(draw(st.integers(0, 120))))
            rows.insert(at, (rows[at - 1][0] if at else 1, texts))
        elif action == "splice":
            texts = rows[min(at, len(rows) - 1)][1]
            k = draw(st.integers(0, len(texts) - 1))
            cut = draw(st.integers(0, len(texts[k])))
            texts[k] = texts[k][:cut] + draw(words) + texts[k][cut:]
        elif action == "delete":
            del rows[at : at + draw(st.integers(1, 5))]
        else:
            rows[at:at] = [(page, list(texts)) for page, texts in rows[at : at + 20]]
    out = []
    for n, (page, texts) in enumerate(rows):
        segs = tuple(
            Segment(40.0 + 300 * i, 60.0 + 300 * i, t.strip())
            for i, t in enumerate(texts)
            if t.strip()
        )
        if segs:
            out.append(Line(page, 12.0 * n, segs, 10.0))
    return PdfText(pages=max((line.page for line in out), default=1), lines=out)


@settings(FUZZ, max_examples=150)
@given(pdf=_mutated_text())
def test_fuzzed_text_is_parsed_without_an_exception(pdf: PdfText) -> None:
    with _at_most(20):
        doc = parse_document(pdf)
        check = crosscheck(doc)
    assert len(check.items) == len(doc.items)
    for item in check.items:
        assert item.coherent is None or item.coherent == (
            item.declared_total == item.expected_total
        )


_COORD = st.floats(-1e6, 1e6, allow_nan=False)


@FUZZ
@given(
    chars=st.lists(
        st.tuples(_COORD, _COORD, _COORD, st.floats(0, 100), st.text(min_size=1, max_size=2)),
        max_size=200,
    )
)
def test_fuzzed_characters_make_lines(
    chars: list[tuple[float, float, float, float, str]],
) -> None:
    lines = page_chars_to_lines(chars, 1, TextSettings())
    assert all(line.segments and all(s.text for s in line.segments) for line in lines)


# --- files built to keep the reader busy ---------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 0 obj is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def form_bomb(levels: int = 9, fanout: int = 10) -> bytes:
    """One page drawing a form that draws the one below ten times, nine levels deep: 10⁹
    glyphs, no circular reference for pdfminer to refuse."""
    forms = b" ".join(b"/X%d %d 0 R" % (k, 6 + k) for k in range(levels + 1))
    resources = b"/Resources << /Font << /F1 4 0 R >> /XObject << %s >> >>" % forms
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R %s >>" % resources,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _stream(b"/X%d Do" % levels),
    ]
    for k in range(levels + 1):
        body = (
            b"BT /F1 12 Tf 72 720 Td (Pour : 1) Tj ET"
            if k == 0
            else b" ".join([b"/X%d Do" % (k - 1)] * fanout)
        )
        objects.append(
            _stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] " + resources)
        )
    return _pdf(objects)


def _one_page(compressed_contents: bytes) -> bytes:
    """A PDF of one page whose contents are ``compressed_contents`` (Flate)."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            _stream(compressed_contents, b"/Filter /FlateDecode"),
        ]
    )


def busy_page(operators: int = 2_000_000) -> bytes:
    """One page whose compressed contents (8 KB) unfold into millions of « q Q » operators:
    nothing drawn, half a minute of work for pdfminer."""
    return _one_page(zlib.compress(b"q Q " * operators, 9))


def test_a_form_bomb_is_refused_quickly(tmp_path: Path) -> None:
    """Regression: nested forms (10⁹ glyphs on one page) kept pdfminer busy for ever, even in
    a single process; a page is now read within a budget of drawing operations."""
    path = tmp_path / "bombe.pdf"
    path.write_bytes(form_bomb())
    start = time.perf_counter()
    with _at_most(60):
        report = check_pdf(path)
    assert (report.status, report.message) == (
        "unreadable",
        "page 1 : plus de 300 000 opérations de dessin, lecture arrêtée (PDF anormal ou "
        "construit pour bloquer la lecture)",
    )
    assert time.perf_counter() - start < 30


def memory_bomb(megabytes: int) -> bytes:
    """One page whose contents (a few hundred kilobytes) unfold into ``megabytes`` of zeros."""
    compressor = zlib.compressobj(9)
    chunk = bytes(2**20)
    return _one_page(
        b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    )


def test_a_memory_bomb_is_refused_within_the_reading_process_memory(tmp_path: Path) -> None:
    """Regression: a stream was unfolded whole in memory, whatever its size (a 50 MB file of
    zeros compressed a thousand times is 50 GB): a reading process now has a memory limit,
    and running out of it is a status like any other, not a page read as empty."""
    bomb = tmp_path / "bombe-memoire.pdf"
    bomb.write_bytes(memory_bomb(512))
    good = tmp_path / "bon.pdf"
    good.write_bytes(SOURCES[2].read_bytes())
    with _at_most(120):
        reports = check_pdfs([bomb, good], workers=1, memory=384 * 2**20)
    assert (reports[0].status, reports[0].message) == (
        "unreadable",
        "page 1 : mémoire dépassée pendant la lecture (PDF anormal, ou construit pour saturer "
        "la mémoire)",
    )
    assert reports[1].status == "ok"


def test_busy_and_mutated_files_in_a_batch_end_within_the_time_limit(tmp_path: Path) -> None:
    """The per-file limit of the pool stops a file that keeps the reader busy; the other files
    of the batch, mutated or not, are reported as usual."""
    files = {
        "bon.pdf": SOURCES[2].read_bytes(),
        "occupe.pdf": busy_page(),
        "bombe.pdf": form_bomb(),
        "tronque.pdf": SOURCES[0].read_bytes()[:20_000],
        "hasard.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 8,
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    start = time.perf_counter()
    with _at_most(120):
        reports = check_pdfs(paths, workers=2, timeout=8)
    assert time.perf_counter() - start < 60
    by_name = {r.file: r for r in reports}
    assert [r.file for r in reports] == list(files)
    for report in reports:
        _assert_a_status(report)
    assert (by_name["occupe.pdf"].status, by_name["occupe.pdf"].message) == (
        "unreadable",
        "délai dépassé : analyse interrompue après 8 s",
    )
    assert by_name["bon.pdf"].status == "ok"
    assert by_name["tronque.pdf"].status == "unreadable"
