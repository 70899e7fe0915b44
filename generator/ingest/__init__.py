"""Reading council PDFs made by other software: attendance, pouvoirs, votes, and the cross-check.

Entry points for the CLI: :func:`check_pdfs` (a pool of worker processes with a time limit per
file), :func:`report_to_text` / :func:`reports_to_json`, :func:`import_pdf`.
"""

from __future__ import annotations

from generator.ingest.check import check_pdf, check_pdfs, expand_paths
from generator.ingest.drafts import import_pdf
from generator.ingest.report import (
    FileReport,
    exit_code,
    report_to_text,
    reports_to_json,
    reports_to_text,
)

__all__ = [
    "FileReport",
    "check_pdf",
    "check_pdfs",
    "exit_code",
    "expand_paths",
    "import_pdf",
    "report_to_text",
    "reports_to_json",
    "reports_to_text",
]
