"""Scanned PDFs and photos of resumes read by the local Tesseract OCR engine.

Tesseract runs as a subprocess (``tesseract IMAGE stdout tsv``): it reports every word with its
position, height and confidence, so lines, blocks and a rough font size come back as well as the
text. Nothing is downloaded: without the ``tesseract`` binary (Debian ``tesseract-ocr`` and
``tesseract-ocr-eng``) OCR is unavailable and scanned files keep their "scanned — no text" state.

Limits keep a hostile file from hanging the worker or exhausting memory: images are measured
before they are decoded (``MAX_PIXELS``), at most ``MAX_OCR_PAGES`` PDF pages are rendered, and
each Tesseract run, as well as the whole file, has a time limit.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.parsing.result import ParsedResume, ParseError

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
DPI = 300
MAX_PIXELS = 40_000_000  # about an A4 page at 600 dpi; a larger image is refused unread
MAX_OCR_PAGES = 10
# Inside the intake worker's 60 s limit per file, so that a slow scan ends with this module's
# message rather than a killed worker (and an orphaned Tesseract).
PAGE_TIMEOUT_S = 30.0
FILE_TIMEOUT_S = 50.0
MIN_WORD_CONFIDENCE = 30  # Tesseract's 0-100 score; below it a "word" is usually noise

NEEDS_TESSERACT = "OCR needs Tesseract installed (Debian: tesseract-ocr tesseract-ocr-eng)"


@dataclass
class OcrText:
    """What Tesseract read: lines as (text, size in points, starts a block) and the mean word
    confidence between 0 and 1."""

    lines: list[tuple[str, float, bool]] = field(default_factory=list)
    confidence: float = 0.0
    pages: int = 0
    words: int = 0  # how many words the confidence is the mean of


def tesseract() -> str | None:
    """The path of the ``tesseract`` binary, or None when it is not installed."""
    return shutil.which("tesseract")


def is_image(data: bytes) -> bool:
    return data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))


def read_image(path: Path, data: bytes) -> OcrText:
    """OCR one PNG or JPEG file; ParseError when it cannot be read or holds no text."""
    # Deferred: Pillow is needed only for pictures, not for every resume.
    from PIL import Image

    binary = _binary(path)
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height = image.size
            dpi = image.info.get("dpi")
    except Image.DecompressionBombError as exc:  # Pillow's own, far higher, limit
        raise ParseError(
            f"{path.name}: the image is too large to read (the limit is "
            f"{MAX_PIXELS // 1_000_000} megapixels).",
            kind="too_large",
        ) from exc
    except Exception as exc:  # Pillow raises many types on damaged images
        raise ParseError(f"{path.name}: the image is damaged ({exc}).", kind="corrupt") from exc
    _check_pixels(path, width, height)
    density = round(float(dpi[0])) if dpi and 70 <= float(dpi[0]) <= 1200 else DPI
    result = OcrText(pages=1)
    _read_into(result, binary, path, path, density, time.monotonic() + FILE_TIMEOUT_S)
    return _done(path, result)


def read_pdf(path: Path, pages: int) -> OcrText:
    """Render each page of an image-only PDF at ``DPI`` and OCR it."""
    # Deferred: only scanned PDFs are rendered, and the import is not free.
    import pypdfium2

    binary = _binary(path)
    if pages > MAX_OCR_PAGES:
        raise ParseError(
            f"{path.name}: scanned — no text; {pages} scanned pages is too many to read by OCR "
            f"(the limit is {MAX_OCR_PAGES}).",
            kind="too_large",
        )
    deadline = time.monotonic() + FILE_TIMEOUT_S
    result = OcrText(pages=pages)
    try:
        document = pypdfium2.PdfDocument(str(path))
    except Exception as exc:  # pdfium's own error on a file pdfplumber could open
        raise ParseError(
            f"{path.name}: the PDF is damaged and cannot be read.", kind="corrupt"
        ) from exc
    try:
        with tempfile.TemporaryDirectory(prefix="hirebench-ocr-") as tmp:
            for index in range(min(len(document), MAX_OCR_PAGES)):
                page = document[index]
                width, height = page.get_size()  # points
                scale = DPI / 72
                while width * height * scale * scale > MAX_PIXELS and scale > 1:
                    scale /= 1.5
                _check_pixels(path, int(width * scale), int(height * scale))
                image = page.render(scale=scale, grayscale=True).to_pil()
                page_file = Path(tmp) / f"page-{index + 1}.png"
                image.save(page_file, dpi=(round(72 * scale), round(72 * scale)))
                image.close()
                page.close()
                _read_into(result, binary, path, page_file, round(72 * scale), deadline)
    finally:
        document.close()
    return _done(path, result)


def flag(resume: ParsedResume, confidence: float) -> ParsedResume:
    """Mark a resume read by OCR; each field's confidence is scaled by the OCR confidence,
    so that a poor scan sends its fields to review."""
    return dataclasses.replace(
        resume,
        ocr=True,
        ocr_confidence=round(confidence, 3),
        confidence={k: round(v * confidence, 3) for k, v in resume.confidence.items()},
        reasons={
            key: (*resume.reasons.get(key, ()), f"read by OCR (confidence {confidence:.0%})")
            for key in resume.confidence
        },
    )


def _binary(path: Path) -> str:
    binary = tesseract()
    if binary is None:
        raise ParseError(f"{path.name}: scanned — no text ({NEEDS_TESSERACT}).", kind="scanned")
    return binary


def _check_pixels(path: Path, width: int, height: int) -> None:
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        raise ParseError(
            f"{path.name}: the image is {width}×{height} pixels, too large to read "
            f"(the limit is {MAX_PIXELS // 1_000_000} megapixels).",
            kind="too_large",
        )


def _done(path: Path, result: OcrText) -> OcrText:
    if not result.lines:
        raise ParseError(f"{path.name}: scanned — no text (OCR found none).", kind="scanned")
    return result


def _read_into(
    result: OcrText, binary: str, source: Path, image: Path, dpi: int, deadline: float
) -> None:
    """Run Tesseract on one image and append its lines; the confidence is the running mean."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ParseError(f"{source.name}: OCR took too long.", kind="too_large")
    # One thread: the worker runs several files at once, and Tesseract's own threads only
    # compete with them.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [binary, str(image), "stdout", "-l", "eng", "--dpi", str(dpi), "tsv"],
            capture_output=True,
            timeout=min(PAGE_TIMEOUT_S, remaining),
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ParseError(f"{source.name}: OCR took too long.", kind="too_large") from exc
    except OSError as exc:
        raise ParseError(
            f"{source.name}: scanned — no text (Tesseract could not run: {exc}).", kind="scanned"
        ) from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ParseError(
            f"{source.name}: the image could not be read by OCR"
            f"{' (' + message[-1] + ')' if message else ''}.",
            kind="corrupt",
        )
    lines, confidences = _tsv_lines(done.stdout.decode("utf-8", "replace"), dpi)
    if lines:
        lines[0] = (lines[0][0], lines[0][1], True)  # a page starts a block
    total = result.confidence * result.words + sum(confidences)
    result.words += len(confidences)
    result.confidence = total / result.words if result.words else 0.0
    result.lines.extend(lines)


def _tsv_lines(tsv: str, dpi: int) -> tuple[list[tuple[str, float, bool]], list[float]]:
    """Words grouped into Tesseract's lines; a new block or paragraph starts a block."""
    # Deferred: only OCR reads Tesseract's TSV or needs statistics (~3.5 ms together to
    # import in every parser worker).
    import csv
    from statistics import median

    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    groups: dict[tuple[str, str, str, str], list[dict[str, str]]] = {}
    for row in rows:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        try:
            conf = float(row.get("conf") or -1)
        except ValueError:
            continue
        if not text or conf < MIN_WORD_CONFIDENCE:
            continue
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        groups.setdefault(key, []).append(row)
    lines: list[tuple[str, float, bool]] = []
    confidences: list[float] = []
    previous: tuple[str, str, str] | None = None
    for key, words in groups.items():
        words.sort(key=lambda w: int(w["left"]))
        parts: list[str] = []
        last_right: int | None = None
        heights: list[int] = []
        for w in words:
            left, width, height = int(w["left"]), int(w["width"]), int(w["height"])
            if last_right is not None:
                # A gap of several letter heights ("Title      2019 - 2021") is a tab.
                parts.append("\t" if left - last_right > 2.5 * max(heights) else " ")
            parts.append(w["text"].strip())
            last_right = left + width
            heights.append(height)
            confidences.append(float(w["conf"]) / 100)
        size = round(median(heights) * 72 / dpi / 0.72, 1)  # cap height ≈ 0.72 em
        block = key[:3]
        lines.append(("".join(parts), size, previous is not None and block != previous))
        previous = block
    return lines, confidences
