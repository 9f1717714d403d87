"""Word documents laid out the way many hand-made Word resumes are, with tab stops, borderless
tables and paragraph formatting instead of Word's heading styles:

* ``office-shaded-pdf``: the name and headline left with the contact items right-aligned on
  the same lines by a right tab stop; section headings as shaded paragraphs in small
  capitals; each job as "Company <tab> Location" over "Title <tab> Dates" (numeric dates);
  skills under "Areas of Expertise" as a two-column table whose two cells each hold half of
  the skills as bulleted paragraphs (the list runs down the first column, then the second).
* ``office-tabcols-pdf``: a Word document laid out by LibreOffice: a centred name, headline
  and contact line; each job as "dates <tab> Title, Company" with the dates in a column made
  by a left tab stop and the place under the title; education as "year <tab> Degree,
  School"; "Key Skills" as lines of three skills parted by tabs into columns (no table).
* ``office-shaded-doc``: the shaded document saved by LibreOffice as legacy Word, as older
  tools send it.
* ``office-banner-pdf``: a Word document laid out by LibreOffice: the name and headline in
  a banner (one shaded table cell the width of the page, no contact items in it) over a
  borderless two-column table: a narrow shaded left column with "Contact" (one item a
  line) and "Skills" as "Group: item, item" lines, a wide right column with "Profile",
  "Experience" (the title in bold, "Company | Place" under it, "full" dates in grey
  italics, bullets) and "Education"; headings are coloured bold capitals over a rule.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from tests.corpus import doc_format as fmt
from tests.corpus.render_docx_skills import _no_borders
from tests.corpus.render_office import converted
from tests.corpus.templates import Template


def _text_width(document) -> int:
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _tabbed(document, left: str, right: str, bold: bool = False, italic: bool = False):
    """``left`` at the margin and ``right`` flush with the right margin (a right tab stop)."""
    p = document.add_paragraph()
    p.paragraph_format.tab_stops.add_tab_stop(_text_width(document), WD_TAB_ALIGNMENT.RIGHT)
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(left)
    run.bold, run.italic = bold, italic
    p.add_run(f"\t{right}")
    return p


def _paragraph_property(p, element) -> None:
    p._p.get_or_add_pPr().append(element)


def _bottom_rule(p, colour: str) -> None:
    """A thin rule under paragraph ``p`` (a paragraph border, not a drawn line)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", colour)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    _paragraph_property(p, borders)


def _ruled_heading(document, text: str) -> None:
    """Bold capitals over a bottom border: a heading made by paragraph formatting alone."""
    p = document.add_paragraph()
    p.paragraph_format.space_before = Pt(10)
    run = p.add_run(text.upper())
    run.bold, run.font.size = True, Pt(11)
    _bottom_rule(p, "444444")


def _shaded_heading(document, text: str) -> None:
    """A shaded paragraph in small capitals, the band running the text width."""
    p = document.add_paragraph()
    p.paragraph_format.space_before = Pt(8)
    run = p.add_run(text)
    run.bold, run.font.small_caps, run.font.size = True, True, Pt(12)
    run.font.color.rgb = RGBColor(0x1F, 0x2A, 0x44)
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", "D9E2F3")):
        shading.set(qn(f"w:{key}"), value)
    _paragraph_property(p, shading)


def _bullet(container, text: str) -> None:
    p = container.add_paragraph(text, style="List Bullet")
    p.paragraph_format.space_after = Pt(0)


def shaded(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    items = fmt.contact_items(b) + fmt.links(b)
    lefts = [b["name"], b.get("label") or ""]
    for index in range(max(len(items), len(lefts))):
        p = _tabbed(
            document,
            lefts[index] if index < len(lefts) else "",
            items[index] if index < len(items) else "",
            bold=index == 0,
        )
        if index == 0:
            p.runs[0].font.size = Pt(20)
    _shaded_heading(document, "Professional Experience")
    for w in resume.get("work", []):
        _tabbed(document, w["name"], w.get("location", ""), bold=True)
        _tabbed(document, w["position"], fmt.date_range(w, "numeric"), italic=True)
        for h in w.get("highlights", []):
            _bullet(document, h)
    _shaded_heading(document, "Education")
    for e in resume.get("education", []):
        _tabbed(document, e["institution"], fmt.year(e), bold=True)
        document.add_paragraph(fmt.degree(e))
    _shaded_heading(document, "Areas of Expertise")
    keywords = [k for _, group in fmt.skill_groups(resume) for k in group]
    half = (len(keywords) + 1) // 2
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    for cell, part in zip(table.rows[0].cells, (keywords[:half], keywords[half:]), strict=True):
        for index, keyword in enumerate(part):
            p = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            p.text = keyword
            p.style = document.styles["List Bullet"]
    # Word always ends a document with a paragraph mark, even after a closing table;
    # without it LibreOffice's legacy-Word round trip mangles that table.
    document.add_paragraph()
    document.save(out)


def tabcols(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    for text, size, bold in (
        (b["name"], 20, True),
        (b.get("label") or "", 12, False),
        ("  |  ".join(fmt.contact_items(b) + fmt.links(b)), 10, False),
    ):
        if text:
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(2)
            run = p.add_run(text)
            run.bold, run.font.size = bold, Pt(size)
    column = Cm(4.8)

    def dated(left: str, right: str, bold: bool = False):
        p = document.add_paragraph()
        p.paragraph_format.tab_stops.add_tab_stop(column)
        p.paragraph_format.left_indent = column
        p.paragraph_format.first_line_indent = -column
        p.paragraph_format.space_after = Pt(0)
        p.add_run(f"{left}\t")
        p.add_run(right).bold = bold
        return p

    _ruled_heading(document, "Work Experience")
    for w in resume.get("work", []):
        dated(fmt.date_range(w, "short"), f"{w['position']}, {w['name']}", bold=True)
        dated("", w.get("location", "")).runs[1].italic = True
        for h in w.get("highlights", []):
            dated("", f"– {h}")
    _ruled_heading(document, "Education")
    for e in resume.get("education", []):
        dated(fmt.year(e), f"{fmt.degree(e)}, {e['institution']}")
    _ruled_heading(document, "Key Skills")
    keywords = [k for _, group in fmt.skill_groups(resume) for k in group]
    for start in range(0, len(keywords), 3):
        p = document.add_paragraph("\t".join(keywords[start : start + 3]))
        p.paragraph_format.space_after = Pt(0)
        for stop in (Cm(5.5), Cm(11)):
            p.paragraph_format.tab_stops.add_tab_stop(stop)
    document.save(out)


def _shade_cell(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
        shading.set(qn(f"w:{key}"), value)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_heading(cell, text: str, first: bool = False) -> None:
    """Bold capitals in the accent colour over a thin rule, inside a table cell."""
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.paragraph_format.space_before = Pt(0 if first else 12)
    p.paragraph_format.space_after = Pt(4)
    run = p.add_run(text.upper())
    run.bold, run.font.size = True, Pt(11)
    run.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    _bottom_rule(p, "1F4E79")


def _line(cell, text: str, size: float = 10, bold: bool = False, italic: bool = False):
    p = cell.add_paragraph()
    p.paragraph_format.space_after = Pt(1)
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return p


def banner(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(1.6)
    section.top_margin = section.bottom_margin = Cm(1.5)
    width = _text_width(document)
    head = document.add_table(rows=1, cols=1)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(head)
    cell = head.rows[0].cells[0]
    cell.width = width
    _shade_cell(cell, "DCE6F1")
    name = cell.paragraphs[0]
    name.paragraph_format.space_before = Pt(8)
    run = name.add_run(b["name"])
    run.bold, run.font.size = True, Pt(26)
    run.font.color.rgb = RGBColor(0x1F, 0x2A, 0x44)
    if b.get("label"):
        label = cell.add_paragraph()
        label.paragraph_format.space_after = Pt(8)
        run = label.add_run(b["label"])
        run.font.size = Pt(13)
        run.font.color.rgb = RGBColor(0x40, 0x55, 0x70)
    document.add_paragraph().paragraph_format.space_after = Pt(0)
    body = document.add_table(rows=1, cols=2)
    body.alignment = WD_TABLE_ALIGNMENT.CENTER
    body.autofit = False
    _no_borders(body)
    left, right = body.rows[0].cells
    for column, cell, size in zip(body.columns, (left, right), (Cm(5.6), None), strict=True):
        column.width = cell.width = size or width - Cm(5.6)
    _shade_cell(left, "F2F2F2")
    _cell_heading(left, "Contact", first=True)
    for item in fmt.contact_items(b) + fmt.links(b):
        _line(left, item, 9.5)
    _cell_heading(left, "Skills")
    for group, keywords in fmt.skill_groups(resume):
        p = _line(left, f"{group}: ", 9.5, bold=True)
        p.paragraph_format.space_after = Pt(4)
        p.add_run(", ".join(keywords)).font.size = Pt(9.5)
    first = True
    if b.get("summary"):
        _cell_heading(right, "Profile", first=True)
        _line(right, b["summary"])
        first = False
    _cell_heading(right, "Experience", first=first)
    for w in resume.get("work", []):
        _line(right, w["position"], 11, bold=True).paragraph_format.space_before = Pt(6)
        _line(right, " | ".join(x for x in (w["name"], w.get("location")) if x))
        dates = _line(right, fmt.date_range(w, "full"), 9.5, italic=True)
        dates.runs[0].font.color.rgb = RGBColor(0x70, 0x70, 0x70)
        for h in w.get("highlights", []):
            _bullet(right, h)
    _cell_heading(right, "Education")
    for e in resume.get("education", []):
        _line(right, fmt.degree(e), bold=True).paragraph_format.space_before = Pt(4)
        _line(right, f"{e['institution']}, {fmt.year(e)}")
    document.add_paragraph()
    document.save(out)


def templates() -> list[Template]:
    return [
        Template("office-shaded-pdf", ".pdf", converted(shaded), tools=("soffice",)),
        Template("office-tabcols-pdf", ".pdf", converted(tabcols), tools=("soffice",)),
        Template("office-shaded-doc", ".doc", converted(shaded, "doc"), tools=("soffice",)),
        Template("office-banner-pdf", ".pdf", converted(banner), tools=("soffice",)),
    ]
