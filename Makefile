# The two set-up commands of the README: `make site` (build the sample) and `make test`.
# Each creates the virtual environment on first use, from pyproject.toml alone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check serve apercu ocr-engine score score-aside golden bench clean

# The browser tests drive Debian's Chromium (Playwright cannot download a browser here).
CHROMIUM := /usr/bin/chromium
# The Word/ODT tests open the copies in a word processor: Debian's LibreOffice Writer.
SOFFICE := /usr/bin/soffice

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/registre build

check: $(STAMP)
	$(BIN)/registre check

# The built site as a citizen sees it (search included: Pagefind needs HTTP, not file://).
PORT ?= 8000
serve: site
	@echo "Site : http://127.0.0.1:$(PORT)/  (Ctrl+C pour arrêter)"
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory site $(PORT)

# The live preview while editing content/ (reloads on save; no search).
apercu: $(STAMP)
	$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:$(PORT)

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

$(SOFFICE):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui

# OCR of scanned PDFs (check-pdf, import-pdf): Debian's Tesseract and its French model.
ocr-engine:
	@tesseract --list-langs 2>/dev/null | grep -qx fra || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-fra)

test: $(STAMP) $(CHROMIUM) $(SOFFICE) ocr-engine
	$(BIN)/ruff check generator tests
	$(BIN)/mypy
	$(BIN)/pytest

# Regenerates every golden file under tests/ from the current code (review the diff!).
golden: $(STAMP)
	REGISTRE_REGEN_GOLDEN=1 $(BIN)/pytest -q tests -k golden

# pdftotext (poppler-utils) is the floor the ingest benchmark compares against; the site's
# benchmark measures the first search in Chromium.
/usr/bin/pdftotext:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils

bench: $(STAMP) /usr/bin/pdftotext $(CHROMIUM) ocr-engine
	$(BIN)/python tests/bench/bench_check.py
	$(BIN)/python tests/bench/bench_render.py
	$(BIN)/python tests/bench/bench_site.py
	$(BIN)/python tests/bench/bench_build.py
	$(BIN)/python -m tests.bench.bench_ingest
	$(BIN)/python -m tests.bench.bench_ocr

# The reader scored against the hand-written labels (tests/labels), development set; the
# councils kept aside (tests/labels/kept-aside.txt) are measured once, when the reader is done.
score: $(STAMP) ocr-engine
	$(BIN)/python -m tests.score

score-aside: $(STAMP) ocr-engine
	$(BIN)/python -m tests.score --aside

clean:
	rm -rf site .registre-cache
