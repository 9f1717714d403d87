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
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from tests.corpus import doc_format as fmt
from tests.corpus.render_docx_skills import _no_borders
from tests.corpus.render_office import convert
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


def _ruled_heading(document, text: str) -> None:
    """Bold capitals over a bottom border: a heading made by paragraph formatting alone."""
    p = document.add_paragraph()
    p.paragraph_format.space_before = Pt(10)
    run = p.add_run(text.upper())
    run.bold, run.font.size = True, Pt(11)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "444444")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    _paragraph_property(p, borders)


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


def _pdf(style: Callable[[dict, Path], None], target: str = "pdf") -> Callable[[dict, Path], None]:
    """``style``'s document converted by LibreOffice to ``target`` (PDF, ODT, legacy DOC)."""

    def render(resume: dict, out: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="corpus-docx-") as tmp:
            source = Path(tmp) / "resume.docx"
            style(resume, source)
            convert(source, target, out)

    return render


def templates() -> list[Template]:
    return [
        Template("office-shaded-pdf", ".pdf", _pdf(shaded), tools=("soffice",)),
        Template("office-tabcols-pdf", ".pdf", _pdf(tabcols), tools=("soffice",)),
        Template("office-shaded-doc", ".doc", _pdf(shaded, "doc"), tools=("soffice",)),
    ]
