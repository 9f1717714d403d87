"""Reading a PDF resume: PDFium for the words, the layout analysis for the lines.

PDFium (`pdf_text`) reads the characters and their boxes; `pdf_layout` turns the words into
reading-order lines. pdfplumber (pdfminer) keeps one job: a second opinion when PDFium cannot
open a file for a reason other than a password (its "format" and "file" errors), or finds no
text on pages that draw no picture either. Measured on the 17 sample resumes and the parser's
corpus (good and bad files, 27 PDFs), PDFium read every file pdfminer could read and the
fallback ran only for the damaged one, which pdfminer refuses too; so it costs nothing on
ordinary files, and a file pdfminer can read is never refused. pdfplumber takes about 115 ms
a resume against PDFium's 8 ms, and is imported only when the fallback runs.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c

from app.parsing import ocr, pdf_layout, pdf_text
from app.parsing.lines import Extracted, Line
from app.parsing.result import ParseError

_PASSWORD_ERRORS = (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)


def read_pdf(path: Path, max_pages: int) -> Extracted:
    """The lines and links of a PDF; bad input raises ``ParseError`` only."""
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        if getattr(exc, "err_code", None) in _PASSWORD_ERRORS:
            raise _encrypted(path) from exc
        return _with_pdfplumber(path, max_pages)
    try:
        count = len(document)
        _check_pages(path, count, max_pages)
        lines: list[Line] = []
        links: list[str] = []
        for index in range(count):
            page = document[index]
            try:
                words, width = pdf_text.page_words(page)
                for uri in pdf_text.page_links(document, page):
                    if uri not in links:
                        links.append(uri)
            finally:
                page.close()
            _add_page(lines, pdf_layout.page_lines(words, width))
        if not _has_text(lines):
            images = 0
            for index in range(count):
                page = document[index]
                images += pdf_text.page_images(page)
                page.close()
            if images:
                return _scanned(path, count)
    except ParseError:
        raise
    except Exception as exc:  # pdfium's own error on a page it could not load
        raise _damaged(path) from exc
    finally:
        document.close()
    if not lines:
        return _with_pdfplumber(path, max_pages)
    return Extracted(lines=lines, links=links, pages=count)


def _add_page(lines: list[Line], page_lines: list[Line]) -> None:
    if page_lines:
        page_lines[0].new_block = True
    lines.extend(page_lines)


def _has_text(lines: list[Line]) -> bool:
    return any(line.text.strip() for line in lines)


def _check_pages(path: Path, count: int, max_pages: int) -> None:
    if count > max_pages:
        raise ParseError(
            f"{path.name}: {count} pages is too long for a resume (the limit is {max_pages}).",
            kind="too_large",
        )


def _encrypted(path: Path) -> ParseError:
    return ParseError(
        f"{path.name}: the PDF is password-protected; remove the password and retry.",
        kind="encrypted",
    )


def _damaged(path: Path) -> ParseError:
    return ParseError(f"{path.name}: the PDF is damaged and cannot be read.", kind="corrupt")


def _scanned(path: Path, pages: int) -> Extracted:
    found = ocr.read_pdf(path, pages)
    lines = [Line(text, size=size, new_block=block) for text, size, block in found.lines]
    return Extracted(lines, pages=found.pages, ocr_confidence=found.confidence)


# --- the pdfplumber fallback ----------------------------------------------------------------

_pdfminer_quieted = False


def _quiet_pdfminer() -> None:
    """Keep pdfminer's warnings about harmless oddities ("Could not get FontBBox from font
    descriptor…") out of stderr and the log; done once, on first use, not at import."""
    global _pdfminer_quieted
    if _pdfminer_quieted:
        return
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        # Children inherit the level unless one was set on them explicitly.
        if name.startswith("pdfminer.") and isinstance(logger, logging.Logger) and logger.level:
            logger.setLevel(max(logger.level, logging.ERROR))
    _pdfminer_quieted = True


def _with_pdfplumber(path: Path, max_pages: int) -> Extracted:
    """The same lines from pdfplumber's words, for files PDFium could not read."""
    # Deferred: pdfplumber (pdfminer) loads in ~40 ms and is needed only for this fallback.
    import pdfplumber

    # Deferred: as above.
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    _quiet_pdfminer()
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        cause = exc.__cause__ or exc.__context__ or exc
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else cause
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or isinstance(
            exc, (PDFPasswordIncorrect, PDFEncryptionError)
        ):
            raise _encrypted(path) from exc
        raise _damaged(path) from exc
    try:
        with pdf:
            count = len(pdf.pages)
            _check_pages(path, count, max_pages)
            lines: list[Line] = []
            links: list[str] = []
            for page in pdf.pages:
                words = page.extract_words(extra_attrs=["size", "fontname"])
                for uri in (h.get("uri") for h in page.hyperlinks):
                    if uri and uri not in links:
                        links.append(uri)
                _add_page(lines, pdf_layout.page_lines(words, float(page.width)))
    except ParseError:
        raise
    except Exception as exc:
        raise _damaged(path) from exc
    if not _has_text(lines):
        raise ParseError(f"{path.name}: the PDF has no text.", kind="empty")
    return Extracted(lines=lines, links=links, pages=count)
