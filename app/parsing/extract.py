"""Text extraction from PDF, DOCX, ODT, TXT/MD and RTF into lines the field finders can read.

Each format has its reader; PDFs go to `app.parsing.pdf`, which rebuilds the page layout
from word positions (columns, sidebars, tab-separated dates) and collects link annotations,
because some resumes show only an icon for a profile link.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from app.parsing import ocr, pdf
from app.parsing.lines import Extracted, Line, clean
from app.parsing.result import ParseError
from app.parsing.zip_guard import refuse_zip_bomb

__all__ = ["DOCX", "PDF", "RTF", "TXT", "Extracted", "Line", "extract"]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PAGES = 30
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100

PDF, DOCX, TXT, RTF = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/plain",
    "application/rtf",
)
# The same string as odt.ODT_MIMETYPE, spelled out so a PDF worker need not import odt.
ODT, DOC = "application/vnd.oasis.opendocument.text", "application/msword"
_BY_SUFFIX = {".pdf": PDF, ".docx": DOCX, ".txt": TXT, ".md": TXT, ".text": TXT, ".rtf": RTF}


def extract(path: Path) -> Extracted:
    """Read ``path`` by its real content type; bad input raises ``ParseError`` only."""
    data = _read(path)
    if path.suffix.lower() in ocr.IMAGE_SUFFIXES:
        if not ocr.is_image(data):
            raise ParseError(
                f"{path.name}: the picture is damaged or is not a PNG or JPEG image.",
                kind="corrupt",
            )
        return _from_ocr(
            ocr.read_image(path, data), "image/png" if data[:1] == b"\x89" else "image/jpeg"
        )
    media_type = _odt_or_doc(path, data) or _sniff(path, data)
    if media_type == PDF:
        result = _pdf(path)
    elif media_type == DOCX:
        result = _docx(path, data)
    elif media_type in (ODT, DOC):
        result = _read_odt_or_doc(path, data, media_type)
    elif media_type == RTF:
        result = _plain_lines(_rtf_to_text(_decode(data)))
    else:
        result = _plain_lines(_decode(data))
    result.media_type = media_type
    if not any(line.text.strip() for line in result.lines):
        raise ParseError(f"{path.name}: the file contains no text.", kind="empty")
    return result


def _from_ocr(found: ocr.OcrText, media_type: str) -> Extracted:
    lines = [Line(text, size=size, new_block=block) for text, size, block in found.lines]
    return Extracted(
        lines, media_type=media_type, pages=found.pages, ocr_confidence=found.confidence
    )


def _read(path: Path) -> bytes:
    try:
        if not path.is_file():
            what = "a folder" if path.is_dir() else "missing or a broken link"
            raise ParseError(f"{path.name}: cannot read the file ({what}).", kind="unreadable")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ParseError(
                f"{path.name}: the file is too large ({size / 1e6:.1f} MB; the limit is "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB).",
                kind="too_large",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(
            f"{path.name}: cannot read the file ({exc.strerror or exc}).", kind="unreadable"
        ) from exc
    if not data.strip():
        raise ParseError(f"{path.name}: the file is empty.", kind="empty")
    return data


def _sniff(path: Path, data: bytes) -> str:
    """The real type from the first bytes, which must agree with the file's name.

    A file whose content is not what its extension says (text saved as ``.docx``, a picture
    named ``.pdf``) is refused with what it really is: reading it anyway would turn a
    mislabelled note into a blank candidate. Text files may hold RTF (it is text); a name
    with no known extension is read by its content.
    """
    head = data[:1024]
    suffix = path.suffix.lower()
    found = _content_type(head, data)
    expected = _BY_SUFFIX.get(suffix)
    if found in (_IMAGE, _OLD_WORD) and expected not in (PDF, DOCX, RTF):
        what = _DESCRIPTIONS[found]
        raise ParseError(
            f"{path.name}: {what} is not supported; save it as PDF, DOCX or text.", kind="type"
        )
    if expected is None:  # no usable extension: trust the content
        if found in (PDF, DOCX, RTF, TXT):
            return found
        raise ParseError(f"{path.name}: unknown file type.", kind="type")
    if expected == TXT and found in (TXT, RTF):
        return found
    if found != expected:
        what = _zip_kind(data) if found == DOCX else _DESCRIPTIONS[found]
        raise ParseError(f"{path.name} is not {_NAMES[expected]} (it is {what}).", kind="type")
    return found


_IMAGE, _OLD_WORD, _BINARY = "image", "old-word", "binary"
_NAMES = {
    PDF: "a PDF document",
    DOCX: "a Word document",
    RTF: "an RTF document",
    TXT: "a text file",
}
_DESCRIPTIONS = {
    PDF: "a PDF document",
    DOCX: "a Word document",
    RTF: "an RTF document",
    TXT: "plain text",
    _IMAGE: "an image",
    _OLD_WORD: "an old Word .doc file",
    _BINARY: "binary data",
}


def _content_type(head: bytes, data: bytes) -> str:
    """What the bytes are, by their magic numbers (a zip is checked for Word when opened)."""
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return DOCX
    if head.lstrip().startswith(b"{\\rtf"):
        return RTF
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _OLD_WORD
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return _IMAGE
    return TXT if _looks_like_text(data) else _BINARY


def _zip_kind(data: bytes) -> str:
    """ "a Word document" for a zip holding word/document.xml, else "a zip archive"."""

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "a damaged zip archive"
    return "a Word document" if "word/document.xml" in names else "a zip archive"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls <= len(sample) * 0.02


def _odt_or_doc(path: Path, data: bytes) -> str | None:
    """ODT or legacy Word by name and content; None leaves the file to ``_sniff``."""
    suffix = path.suffix.lower()
    if suffix == ".odt":
        if not data.startswith(b"PK\x03\x04"):
            what = _DESCRIPTIONS[_content_type(data[:1024], data)]
            raise ParseError(
                f"{path.name} is not an OpenDocument text (it is {what}).", kind="type"
            )
        return ODT
    old_word = data.startswith(b"\xd0\xcf\x11\xe0")
    return DOC if old_word and suffix in (".doc", "") else None  # a .doc holding RTF: _sniff


def _read_odt_or_doc(path: Path, data: bytes, media_type: str) -> Extracted:
    # Deferred: only ODT and .doc files need these (and odt's XML parser); a PDF worker
    # starts faster without them.
    from app.parsing import legacy_word, odt

    if media_type == DOC:
        converted = legacy_word.convert_doc(path)
        if converted.docx is not None:
            return _docx(path, converted.docx)
        return _plain_lines(converted.text or "")
    document = odt.read_odt(path, data, MAX_UNCOMPRESSED_BYTES, MAX_COMPRESSION_RATIO)
    lines = [
        Line(clean(p.text), bold=p.bold, heading=p.heading, new_block=p.new_block)
        for p in document.lines
        if clean(p.text)
    ]
    return Extracted(lines=lines, links=document.links, pages=0)


# --- plain text and RTF -------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """Text in whatever encoding it was saved in (UTF-8 first, then detection)."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass

    # Deferred: detection is needed only for text that is not UTF-8; charset_normalizer
    # costs ~6 ms to import in every worker.
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("latin-1")


def _plain_lines(text: str) -> Extracted:
    lines: list[Line] = []
    blank = True
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = clean(raw)
        if not stripped:
            blank = True
            continue
        lines.append(Line(stripped, new_block=blank))
        blank = False
    return Extracted(lines=lines, pages=1)


_RTF_DESTINATIONS = re.compile(
    r"\\\*|\\(?:fonttbl|colortbl|stylesheet|info|pict|header|footer|listtable|"
    r"listoverridetable|rsidtbl|generator|xmlnstbl|themedata|colorschememapping|latentstyles|"
    r"datastore|fldinst)\b"
)


def _rtf_to_text(rtf: str) -> str:
    """A small RTF reader: drops control words and ignorable groups, keeps the text."""
    out: list[str] = []
    skip_depth: int | None = None
    depth = 0
    fallback = 1  # \ucN: characters after each \uN that stand in for it in old readers
    i, n = 0, len(rtf)
    while i < n:
        ch = rtf[i]
        if ch == "{":
            depth += 1
            if skip_depth is None and _RTF_DESTINATIONS.match(rtf, i + 1):
                skip_depth = depth
            i += 1
        elif ch == "}":
            if skip_depth == depth:
                skip_depth = None
            depth -= 1
            i += 1
        elif ch == "\\":
            m = re.compile(r"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\(.)").match(rtf, i)
            if m is None:
                i += 1
                continue
            i = m.end()
            if skip_depth is not None:
                continue
            word, arg, hexa, sym = m.groups()
            if hexa:
                out.append(bytes([int(hexa, 16)]).decode("cp1252", errors="replace"))
            elif sym:
                out.append({"~": " ", "_": "-", "-": ""}.get(sym, sym if sym in "\\{}" else ""))
            elif word in ("par", "line", "row", "sect", "page"):
                out.append("\n")
            elif word in ("tab", "cell"):
                out.append("\t")
            elif word == "uc" and arg:
                fallback = int(arg)
            elif word == "u" and arg:
                out.append(chr(int(arg) % 65536))
                i = _skip_rtf_fallback(rtf, i, fallback)
            elif word in ("bullet",):
                out.append("•")
        else:
            if skip_depth is None and ch not in "\r\n":
                out.append(ch)
            i += 1
    return "".join(out)


def _skip_rtf_fallback(rtf: str, i: int, count: int) -> int:
    """Past the ``count`` stand-in characters after ``\\uN`` (``?`` or ``\\'fc``)."""
    for _ in range(count):
        if rtf.startswith("\\'", i):
            i += 4
        elif i < len(rtf) and rtf[i] not in "\\{}":
            i += 1
        else:
            break
    return i


# --- DOCX ---------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_VML_TEXTBOX = "{urn:schemas-microsoft-com:vml}textbox"


def _check_zip(path: Path, data: bytes) -> None:
    """Refuse zip bombs before any XML is parsed: total size and compression ratio."""

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(f"{path.name}: the DOCX file is damaged ({exc}).", kind="corrupt") from exc
    if "word/document.xml" not in names:
        raise ParseError(
            f"{path.name} is not a Word document (it is a zip archive without one in it).",
            kind="type",
        )
    refuse_zip_bomb(path, infos, MAX_UNCOMPRESSED_BYTES, MAX_COMPRESSION_RATIO)


def _docx(path: Path, data: bytes) -> Extracted:
    _check_zip(path, data)
    # Deferred: python-docx costs ~40 ms to load, which a parser process given only PDFs
    # (most intake) should not pay before its first file.
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types on damaged parts
        raise ParseError(f"{path.name}: the DOCX file is damaged ({exc}).", kind="corrupt") from exc
    lines: list[Line] = []
    seen_header: set[str] = set()
    sizes = _style_sizes(document)
    for section in document.sections:
        try:
            header = section.header
            if header.is_linked_to_previous and lines:
                continue
            for block in _docx_blocks(header._element, sizes):
                if block.text not in seen_header:
                    seen_header.add(block.text)
                    lines.append(block)
        except Exception:  # a header is a nicety; never fail the file for it
            continue
    lines.extend(_docx_blocks(document.element.body, sizes))
    links: list[str] = []
    try:
        parts = [document.part, *(s.header.part for s in document.sections[:1])]
        for part in parts:
            for rel in part.rels.values():
                if rel.reltype.endswith("/hyperlink") and rel.is_external:
                    links.append(rel.target_ref)
    except Exception:  # links are a nicety; the text is what matters
        pass
    return Extracted(lines=lines, links=links, pages=0)


def _style_sizes(document) -> dict[str, float]:
    """Font size of each paragraph style (following "based on"); "" is the default."""
    sizes: dict[str, float] = {}
    try:
        default = document.styles.element.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}sz")
        if default is not None and (default.get(f"{_W}val") or "").isdigit():
            sizes[""] = int(default.get(f"{_W}val")) / 2
        for style in document.styles:
            current, depth = style, 0
            while current is not None and depth < 10:
                font = getattr(current, "font", None)
                if font is not None and font.size is not None:
                    sizes[style.style_id] = font.size.pt
                    break
                current, depth = current.base_style, depth + 1
    except Exception:  # styles are a nicety; never fail the file for them
        pass
    return sizes


def _docx_blocks(element, sizes: dict[str, float] | None = None) -> Iterator[Line]:
    """Paragraphs and table cells in document order; text boxes become their own lines."""
    for child in element.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield from _docx_paragraph(child, sizes or {})
        elif tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                yield from _docx_row(row, sizes)
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _docx_blocks(content, sizes)


def _docx_row(row, sizes: dict[str, float] | None) -> Iterator[Line]:
    """A table row in reading order. One-line cells are columns of one line ("Title <tab>
    Dates"); beside a cell of several paragraphs (an entry), they join its first line in
    column order, so a date column left or right of an entry opens that entry."""
    cells = [
        [line for line in _docx_blocks(cell, sizes) if line.text]
        for cell in row.iterchildren(f"{_W}tc")
    ]
    cells = [parts for parts in cells if parts]
    if not cells:
        return
    long_at = next((i for i, parts in enumerate(cells) if len(parts) > 1), None)
    if long_at is None:
        yield Line("\t".join(parts[0].text for parts in cells), new_block=True)
        return
    first = cells[long_at][0]
    columns = [parts[0].text for parts in cells[:long_at] if len(parts) == 1]
    columns.append(first.text)
    columns += [parts[0].text for parts in cells[long_at + 1 :] if len(parts) == 1]
    first.text, first.new_block = "\t".join(columns), True
    yield first
    for parts in cells[long_at:]:
        if len(parts) > 1:
            for line in parts[1:] if parts is cells[long_at] else parts:
                line.new_block = False
                yield line


def _docx_paragraph(p, style_sizes: dict[str, float]) -> Iterator[Line]:
    boxes: list[Line] = []
    pieces: list[str] = []
    bold_chars = total_chars = 0
    sizes: list[float] = []  # explicit run sizes

    def walk(node, in_box: bool) -> None:
        nonlocal bold_chars, total_chars
        for child in node.iterchildren():
            tag = child.tag
            if tag == _MC_FALLBACK or (tag == _VML_TEXTBOX and not in_box):
                continue
            if tag == f"{_W}txbxContent":
                for line in _docx_blocks(child, style_sizes):
                    line.heading = True
                    boxes.append(line)
                continue
            if tag == f"{_W}r":
                walk_boxes(child)
                text = _run_text(child)
                pieces.append(text)
                rpr = child.find(f"{_W}rPr")
                if text.strip():
                    total_chars += len(text)
                    if rpr is not None:
                        b = rpr.find(f"{_W}b")
                        if b is not None and b.get(f"{_W}val") not in ("0", "false"):
                            bold_chars += len(text)
                        sz = rpr.find(f"{_W}sz")
                        if sz is not None and (sz.get(f"{_W}val") or "").isdigit():
                            sizes.append(int(sz.get(f"{_W}val")) / 2)
                continue
            walk(child, in_box)

    def walk_boxes(node) -> None:
        """Text boxes anchored in a run (drawings), skipping the VML fallback copy."""
        for child in node.iterchildren():
            if child.tag == _MC_FALLBACK:
                continue
            if child.tag == f"{_W}txbxContent":
                for line in _docx_blocks(child, style_sizes):
                    line.heading = True
                    boxes.append(line)
            else:
                walk_boxes(child)

    walk(p, False)
    yield from boxes
    style = p.find(f"{_W}pPr/{_W}pStyle")
    style_name = (style.get(f"{_W}val") or "") if style is not None else ""
    text = "".join(pieces)
    listed = p.find(f"{_W}pPr/{_W}numPr") is not None or "List" in style_name
    if listed and text.strip():
        text = "• " + text.lstrip()  # Word numbering draws the bullet; keep it as text
    size = (
        max(sizes) if sizes else style_sizes.get(style_name or "Normal", style_sizes.get("", 0.0))
    )
    for i, part in enumerate(text.split("\n")):
        cleaned = clean(part)
        if cleaned:
            yield Line(
                cleaned,
                size=size,
                bold=total_chars > 0 and bold_chars >= 0.8 * total_chars,
                heading=bool(re.match(r"(?i)heading|title", style_name)),
                new_block=i == 0,
            )


def _run_text(run) -> str:
    out: list[str] = []
    for child in run.iterchildren():
        tag = child.tag
        if tag == f"{_W}t":
            out.append(child.text or "")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            out.append("-")
    return "".join(out)


# --- PDF ----------------------------------------------------------------------------------


def _pdf(path: Path) -> Extracted:
    return pdf.read_pdf(path, MAX_PAGES)
