"""Scanned resumes and photos read by Tesseract: images drawn with Qt at test time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from app.parsing import ocr, parse_file
from app.parsing.result import ParseError

DPI = 300
LINES = [
    ("Jordan Ellison", 26, True),
    ("Senior Data Engineer", 14, False),
    ("jordan.ellison@example.com | (312) 555-0147 | Chicago, IL", 11, False),
    ("", 11, False),
    ("EXPERIENCE", 14, True),
    ("Senior Data Engineer, Northwind Analytics", 11, True),
    ("March 2019 - Present", 11, False),
    ("Built streaming pipelines for billing data.", 11, False),
    ("Data Engineer, Contoso Retail", 11, True),
    ("June 2015 - February 2019", 11, False),
    ("", 11, False),
    ("EDUCATION", 14, True),
    ("B.S. Computer Science, University of Illinois, 2015", 11, False),
]


@pytest.fixture(scope="module", autouse=True)
def tesseract_installed() -> None:
    """These tests exercise the real engine: a machine without it fails here, loudly."""
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract is not installed (make system-deps installs tesseract-ocr)")


@pytest.fixture
def qt_app(qapp):
    """Painting needs an application; pytest-qt's, so widget tests after these still work."""
    return qapp


def _resume_image(blank: bool = False) -> QImage:
    """A US Letter page at 300 dpi, black text on white, as a scanner would produce."""
    image = QImage(int(8.5 * DPI), 11 * DPI, QImage.Format.Format_Grayscale8)
    image.fill(Qt.GlobalColor.white)
    image.setDotsPerMeterX(round(DPI / 0.0254))
    image.setDotsPerMeterY(round(DPI / 0.0254))
    if blank:
        return image
    painter = QPainter(image)
    painter.setPen(Qt.GlobalColor.black)
    y = DPI  # one-inch margins
    for text, points, bold in LINES:
        font = QFont("DejaVu Sans")
        font.setPixelSize(round(points * DPI / 72))
        font.setBold(bold)
        painter.setFont(font)
        height = round(points * DPI / 72 * 1.6)
        if text:
            painter.drawText(QRectF(DPI, y, 6.5 * DPI, height), Qt.AlignmentFlag.AlignLeft, text)
        y += height
    painter.end()
    return image


def _image_pdf(image: QImage, path: Path) -> Path:
    """A PDF whose only content is the picture of the page (no text layer)."""
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Portrait, QMarginsF()
        )
    )
    painter = QPainter(writer)
    painter.drawImage(QRectF(0, 0, image.width(), image.height()), image)
    painter.end()
    return path


def _check(resume) -> None:
    assert resume.name == "Jordan Ellison"
    assert resume.emails == ("jordan.ellison@example.com",)
    assert resume.phones == ("+13125550147",)
    assert resume.ocr is True
    assert resume.ocr_confidence is not None and 0.6 < resume.ocr_confidence <= 1.0
    # Every field's confidence is scaled by how sure the OCR was.
    assert resume.confidence["emails"] == pytest.approx(0.99 * resume.ocr_confidence, abs=1e-3)
    assert resume.to_json()["ocr"] is True


@pytest.mark.parametrize("suffix, fmt", [(".png", "PNG"), (".jpg", "JPEG"), (".jpeg", "JPEG")])
def test_a_photo_of_a_resume_is_read_by_ocr(qt_app, tmp_path, suffix, fmt) -> None:
    path = tmp_path / f"resume{suffix}"
    assert _resume_image().save(str(path), fmt, 90)
    resume = parse_file(path)
    _check(resume)
    assert resume.media_type == ("image/png" if fmt == "PNG" else "image/jpeg")


def test_a_scanned_pdf_is_rendered_and_read_by_ocr(qt_app, tmp_path) -> None:
    path = _image_pdf(_resume_image(), tmp_path / "scan.pdf")
    resume = parse_file(path)
    _check(resume)
    assert resume.media_type == "application/pdf"
    assert resume.pages == 1
    assert any(e.company and "Northwind" in e.company for e in resume.employers)


def test_a_blank_scan_is_scanned_with_no_text(qt_app, tmp_path) -> None:
    png = tmp_path / "blank.png"
    assert _resume_image(blank=True).save(str(png), "PNG")
    pdf = _image_pdf(_resume_image(blank=True), tmp_path / "blank.pdf")
    for path in (png, pdf):
        with pytest.raises(ParseError) as caught:
            parse_file(path)
        assert caught.value.kind == "scanned"
        assert "no text" in str(caught.value)


def test_without_tesseract_a_scan_says_ocr_needs_it(qt_app, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert ocr.tesseract() is None
    png = tmp_path / "resume.png"
    assert _resume_image().save(str(png), "PNG")
    pdf = _image_pdf(_resume_image(), tmp_path / "scan.pdf")
    for path in (png, pdf):
        with pytest.raises(ParseError) as caught:
            parse_file(path)
        assert caught.value.kind == "scanned"
        assert "scanned — no text" in str(caught.value)
        assert "Tesseract" in str(caught.value)


def test_an_image_too_large_to_read_is_refused_before_decoding(tmp_path) -> None:
    # A PNG header claiming 100000×100000 pixels: refused from the header alone.
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", 8_000, 8_000, 8, 0, 0, 0, 0)  # 64 megapixels
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
    path = tmp_path / "huge.png"
    path.write_bytes(data)
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert caught.value.kind == "too_large"
    assert "8000×8000 pixels" in str(caught.value)


def test_a_scan_with_too_many_pages_is_refused_before_any_ocr(qt_app, tmp_path) -> None:
    path = tmp_path / "long.pdf"
    writer = QPdfWriter(str(path))
    writer.setResolution(72)
    painter = QPainter(writer)
    for page in range(ocr.MAX_OCR_PAGES + 1):
        if page:
            writer.newPage()
        painter.drawImage(QRectF(0, 0, 200, 100), _small_image())
    painter.end()
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert caught.value.kind == "too_large"
    assert f"the limit is {ocr.MAX_OCR_PAGES}" in str(caught.value)


def _small_image() -> QImage:
    image = QImage(200, 100, QImage.Format.Format_Grayscale8)
    image.fill(Qt.GlobalColor.gray)
    return image


def test_a_slow_ocr_run_is_stopped(qt_app, tmp_path, monkeypatch) -> None:
    slow = tmp_path / "bin" / "tesseract"
    slow.parent.mkdir()
    slow.write_text("#!/bin/sh\nexec /bin/sleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setenv("PATH", str(slow.parent))
    monkeypatch.setattr(ocr, "PAGE_TIMEOUT_S", 0.5)
    png = tmp_path / "resume.png"
    assert _resume_image().save(str(png), "PNG")
    with pytest.raises(ParseError) as caught:
        parse_file(png)
    assert caught.value.kind == "too_large"
    assert "too long" in str(caught.value)
