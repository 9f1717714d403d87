"""pdfplumber reads what PDFium cannot open or finds no text in; passwords stay refused."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from app.parsing import ParseError, parse_file, pdf

CORPUS = Path(__file__).resolve().parent / "corpus"


def _refusing(code: int):
    def open_document(*_args: object, **_kwargs: object) -> None:
        raise pypdfium2.PdfiumError("Failed to load document", err_code=code)

    return open_document


def test_a_file_pdfium_cannot_open_is_read_by_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf.pypdfium2, "PdfDocument", _refusing(pdfium_c.FPDF_ERR_FORMAT))
    parsed = parse_file(CORPUS / "maria_lopez_one-column.pdf")
    assert parsed.name == "Maria Lopez"
    assert "maria.lopez@example.net" in parsed.emails


def test_a_password_is_refused_without_a_second_try(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fallback(*_args: object) -> None:
        raise AssertionError("pdfplumber was asked to read a password-protected file")

    monkeypatch.setattr(pdf, "_with_pdfplumber", no_fallback)
    with pytest.raises(ParseError) as caught:
        parse_file(CORPUS / "bad" / "encrypted.pdf")
    assert caught.value.kind == "encrypted"


def test_pages_without_text_or_pictures_get_a_second_opinion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf.pdf_text, "page_words", lambda page: ([], 612.0))
    parsed = parse_file(CORPUS / "oliver_bennett_two-column.pdf")
    assert parsed.name == "Oliver Bennett"
