"""OpenDocument text (.odt) reader: paragraphs, headings, lists, tables, text boxes, links.

An ODT file is a zip holding ``content.xml`` (the text) and ``styles.xml`` (named styles).
This module only reads the package; ``extract`` turns the paragraphs into its ``Line`` objects,
so there is no import cycle between the two.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from app.parsing.result import ParseError
from app.parsing.zip_guard import refuse_zip_bomb

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
_XLINK = "{http://www.w3.org/1999/xlink}"

_HEADING_STYLE = re.compile(r"(?i)^(heading|title)")


@dataclass
class OdtLine:
    """One paragraph (or part of one split by a line break) with its typography."""

    text: str
    bold: bool = False
    heading: bool = False
    new_block: bool = False


@dataclass
class OdtDocument:
    lines: list[OdtLine] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@dataclass
class _Style:
    parent: str = ""
    display: str = ""
    bold: bool | None = None


def read_odt(path: Path, data: bytes, max_bytes: int, max_ratio: float) -> OdtDocument:
    """The paragraphs and links of an ODT file; bad input raises ``ParseError``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "content.xml" not in names:
                raise ParseError(
                    f"{path.name} is not an OpenDocument text (it is a zip archive without "
                    "content.xml in it).",
                    kind="type",
                )
            refuse_zip_bomb(path, infos, max_bytes, max_ratio)
            if "mimetype" in names:
                kind = archive.read("mimetype").decode("ascii", "replace").strip()
                if kind != ODT_MIMETYPE:
                    raise ParseError(
                        f"{path.name} is not an OpenDocument text (it is {kind or 'unknown'}).",
                        kind="type",
                    )
            content = ET.fromstring(archive.read("content.xml"))
            styles_root = (
                ET.fromstring(archive.read("styles.xml")) if "styles.xml" in names else None
            )
    except ParseError:
        raise
    except (zipfile.BadZipFile, ET.ParseError, OSError, ValueError, EOFError) as exc:
        raise ParseError(f"{path.name}: the ODT file is damaged ({exc}).", kind="corrupt") from exc
    styles: dict[str, _Style] = {}
    if styles_root is not None:
        _collect_styles(styles_root, styles)
    _collect_styles(content, styles)
    body = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise ParseError(f"{path.name}: the ODT file has no text body.", kind="corrupt")
    reader = _Reader(styles)
    reader.blocks(body)
    return OdtDocument(lines=reader.lines, links=reader.links)


def _collect_styles(root: ET.Element, styles: dict[str, _Style]) -> None:
    for element in root.iter(f"{_STYLE}style"):
        name = element.get(f"{_STYLE}name")
        if not name:
            continue
        props = element.find(f"{_STYLE}text-properties")
        weight = props.get(f"{_FO}font-weight") if props is not None else None
        styles[name] = _Style(
            parent=element.get(f"{_STYLE}parent-style-name") or "",
            display=element.get(f"{_STYLE}display-name") or name,
            bold=None if weight is None else weight in ("bold", "600", "700", "800", "900"),
        )


class _Reader:
    def __init__(self, styles: dict[str, _Style]) -> None:
        self.styles = styles
        self.lines: list[OdtLine] = []
        self.links: list[str] = []

    def _chain(self, name: str) -> list[_Style]:
        out: list[_Style] = []
        while name and name in self.styles and len(out) < 10:
            style = self.styles[name]
            out.append(style)
            name = style.parent
        return out

    def _bold(self, name: str) -> bool | None:
        for style in self._chain(name):
            if style.bold is not None:
                return style.bold
        return None

    def _is_heading_style(self, name: str) -> bool:
        names = [name, *(s.parent for s in self._chain(name))]
        names += [s.display for s in self._chain(name)]
        return any(_HEADING_STYLE.match(n.replace("_20_", " ")) for n in names if n)

    def blocks(self, element: ET.Element, bullet: bool = False) -> None:
        """Block-level children in document order."""
        for child in element:
            tag = child.tag
            if tag in (f"{_TEXT}p", f"{_TEXT}h"):
                self.paragraph(child, heading=tag == f"{_TEXT}h", bullet=bullet)
            elif tag == f"{_TEXT}list":
                for item in child:
                    if item.tag in (f"{_TEXT}list-item", f"{_TEXT}list-header"):
                        self.blocks(item, bullet=item.tag == f"{_TEXT}list-item")
            elif tag == f"{_TABLE}table":
                self.table(child)
            elif tag in (f"{_TEXT}section", f"{_TEXT}index-body") or tag.endswith("-index"):
                self.blocks(child, bullet)

    def table(self, table: ET.Element) -> None:
        for row in table.iter(f"{_TABLE}table-row"):
            cells: list[str] = []
            for cell in row:
                if cell.tag != f"{_TABLE}table-cell":
                    continue
                sub = _Reader(self.styles)
                sub.blocks(cell)
                self.links.extend(link for link in sub.links if link not in self.links)
                parts = [line for line in sub.lines if line.text.strip()]
                if len(parts) > 1:
                    for line in parts[1:]:
                        line.new_block = False
                    self.lines.extend(parts)  # a cell with several paragraphs: keep its lines
                elif parts:
                    cells.append(parts[0].text)
            if cells:
                self.lines.append(OdtLine("\t".join(cells), new_block=True))

    def paragraph(self, p: ET.Element, heading: bool, bullet: bool) -> None:
        style_name = p.get(f"{_TEXT}style-name") or ""
        base_bold = bool(self._bold(style_name))
        heading = heading or self._is_heading_style(style_name)
        pieces: list[str] = []
        boxes: list[OdtLine] = []
        counts = [0, 0]  # bold characters, all characters

        def text(value: str | None, bold: bool) -> None:
            if value:
                pieces.append(value)
                visible = len(value.strip())
                counts[1] += visible
                if bold:
                    counts[0] += visible

        def walk(node: ET.Element, bold: bool) -> None:
            text(node.text, bold)
            for child in node:
                tag = child.tag
                if tag == f"{_TEXT}s":
                    pieces.append(" " * int(child.get(f"{_TEXT}c") or "1"))
                elif tag == f"{_TEXT}tab":
                    pieces.append("\t")
                elif tag == f"{_TEXT}line-break":
                    pieces.append("\n")
                elif tag in (f"{_TEXT}span", f"{_TEXT}a"):
                    if tag == f"{_TEXT}a":
                        href = child.get(f"{_XLINK}href") or ""
                        if href and not href.startswith("#") and href not in self.links:
                            self.links.append(href)
                    own = self._bold(child.get(f"{_TEXT}style-name") or "")
                    walk(child, bold if own is None else own)
                elif tag == f"{_DRAW}frame":
                    for box in child.iter(f"{_DRAW}text-box"):
                        sub = _Reader(self.styles)
                        sub.blocks(box)
                        for line in sub.lines:
                            line.heading = True
                        boxes.extend(sub.lines)
                        self.links.extend(link for link in sub.links if link not in self.links)
                elif tag in (f"{_TEXT}note", f"{_OFFICE}annotation"):
                    pass  # footnotes and comments are not part of the resume's text
                else:
                    walk(child, bold)
                text(child.tail, bold)

        walk(p, base_bold)
        self.lines.extend(boxes)
        joined = "".join(pieces)
        if bullet and joined.strip():
            joined = "• " + joined.lstrip()  # the list style draws the bullet; keep it as text
        bold = counts[1] > 0 and counts[0] >= 0.8 * counts[1]
        for i, part in enumerate(joined.split("\n")):
            if part.strip():
                self.lines.append(OdtLine(part, bold=bold, heading=heading, new_block=i == 0))
