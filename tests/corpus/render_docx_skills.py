"""Word documents, laid out by LibreOffice into PDF, that set their skills the ways real
resumes do beyond a plain comma list:

* ``office-levels-pdf``: Word headings, a "Technical Skills" section with each group as a
  sub-heading and each skill on a line of its own with a proficiency word after a long
  dash ("Python — Expert").
* ``office-dots-pdf``: a two-column page (a borderless table) with a narrow right sidebar
  whose headings are in small capitals ("Toolbox"), each skill followed by a tab and a
  dot rating ("SQL  ●●●○○").
* ``office-columns-pdf``: a "Core Competencies" section flowed into three newspaper columns
  in the main column, one bulleted skill a line, the group names left out.
* ``office-stack-pdf``: a "Tech Stack" section as a bordered table, the group name in the
  first column and its items in the second separated by " | " or " / ".
* ``docx-skilltable``: the Word document itself, jobs as "Company | Title", the skills
  under "Skills & Expertise" as a table with a header row (Skill, Proficiency,
  Experience), one skill a row with its level and years in the cells beside it, the
  group names left out.
* ``office-inline-pdf``: no skills heading: an "Additional Information" section whose
  paragraphs open with a bold label on the same line as their text ("Key skills: Python;
  Go; SQL", "Certifications: …"), items separated by ";" or " • ".
"""

from __future__ import annotations

import zlib
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from tests.corpus import doc_format as fmt
from tests.corpus.render_office import converted
from tests.corpus.templates import Template

LEVELS = ("Expert", "Advanced", "Proficient", "Intermediate", "Working knowledge")


def _pick(keyword: str, choices: tuple | int) -> int:
    """A stable choice per skill, so a person renders the same every time."""
    n = choices if isinstance(choices, int) else len(choices)
    return zlib.crc32(keyword.encode("utf-8")) % n


def _header(document, b: dict, style: str = " | ") -> None:
    name = document.add_paragraph().add_run(b["name"])
    name.bold, name.font.size = True, Pt(20)
    if b.get("label"):
        document.add_paragraph(b["label"])
    document.add_paragraph(style.join(fmt.contact_items(b) + fmt.links(b)))


def _work(container, resume: dict, dates: str = "short", add_heading=None) -> None:
    for w in resume.get("work", []):
        p = container.add_paragraph()
        p.add_run(w["position"]).bold = True
        p.add_run(f", {w['name']} — {w.get('location', '')}")
        container.add_paragraph(fmt.date_range(w, dates))
        for h in w.get("highlights", []):
            container.add_paragraph(f"• {h}")


def _education(container, resume: dict) -> None:
    for e in resume.get("education", []):
        container.add_paragraph(f"{fmt.degree(e)}, {e['institution']}, {fmt.year(e)}")


def levels(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    _header(document, b)
    document.add_heading("Experience", level=1)
    _work(document, resume, "full")
    document.add_heading("Education", level=1)
    _education(document, resume)
    document.add_heading("Technical Skills", level=1)
    for name, keywords in fmt.skill_groups(resume):
        document.add_heading(name, level=2)
        for k in keywords:
            document.add_paragraph(f"{k} — {LEVELS[_pick(k, LEVELS)]}")
    document.save(out)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _small_caps_heading(cell, text: str) -> None:
    run = cell.add_paragraph().add_run(text)
    run.font.small_caps, run.bold, run.font.size = True, True, Pt(11)


def dots(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    _header(document, b, "  ·  ")
    page = document.add_table(rows=1, cols=2)
    page.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(page)
    page.autofit = False
    main, side = page.rows[0].cells
    for column, cell, width in zip(page.columns, (main, side), (Cm(12.5), Cm(4.5)), strict=True):
        column.width = cell.width = width
    _small_caps_heading(main, "Experience")
    _work(main, resume, "numeric")
    _small_caps_heading(main, "Education")
    _education(main, resume)
    _small_caps_heading(side, "Toolbox")
    for name, keywords in fmt.skill_groups(resume):
        side.add_paragraph().add_run(name).italic = True
        for k in keywords:
            rating = 5 - _pick(k, 3)
            p = side.add_paragraph(f"{k}\t{'●' * rating}{'○' * (5 - rating)}")
            p.runs[0].font.size = Pt(9)
    document.save(out)


def _columns(section, count: int) -> None:
    cols = section._sectPr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        section._sectPr.append(cols)
    cols.set(qn("w:num"), str(count))
    cols.set(qn("w:space"), "360")


def columns(resume: dict, out: Path) -> None:
    from docx.enum.section import WD_SECTION

    b = resume["basics"]
    document = docx.Document()
    _header(document, b)
    document.add_heading("Professional Experience", level=1)
    _work(document, resume, "short")
    document.add_heading("Education", level=1)
    _education(document, resume)
    document.add_heading("Core Competencies", level=1)
    _columns(document.add_section(WD_SECTION.CONTINUOUS), 3)
    for _, keywords in fmt.skill_groups(resume):
        for k in keywords:
            document.add_paragraph(k, style="List Bullet")
    # Back to one column for what follows: the columns balance on the last page.
    _columns(document.add_section(WD_SECTION.CONTINUOUS), 1)
    document.add_paragraph("References available on request.")
    # The first section (before the columns) keeps one column.
    _columns(document.sections[0], 1)
    document.save(out)


def stack(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    _header(document, b)
    document.add_heading("Work History", level=1)
    _work(document, resume, "dotted")
    document.add_heading("Tech Stack", level=1)
    groups = fmt.skill_groups(resume)
    table = document.add_table(rows=len(groups), cols=2)
    table.style = "Table Grid"
    sep = " | " if _pick(b["name"], 2) else " / "
    for row, (name, keywords) in zip(table.rows, groups, strict=True):
        row.cells[0].text = ""
        row.cells[0].paragraphs[0].add_run(name).bold = True
        row.cells[1].text = sep.join(keywords)
        row.cells[0].width, row.cells[1].width = Cm(3.5), Cm(12.5)
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Cm(3.5), Cm(12.5)
    document.add_heading("Education", level=1)
    _education(document, resume)
    document.save(out)


def inline(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    _header(document, b, " • ")
    if b.get("summary"):
        document.add_heading("Profile", level=1)
        document.add_paragraph(b["summary"])
    document.add_heading("Experience", level=1)
    _work(document, resume, "short")
    document.add_heading("Education", level=1)
    _education(document, resume)
    document.add_heading("Additional Information", level=1)
    sep = "; " if _pick(b["name"], 2) else " • "
    for index, (name, keywords) in enumerate(fmt.skill_groups(resume)):
        p = document.add_paragraph()
        label = "Key skills" if index == 0 and len(fmt.skill_groups(resume)) == 1 else name
        p.add_run(f"{label}: ").bold = True
        p.add_run(sep.join(keywords))
    document.save(out)


def skilltable(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    _header(document, b, " · ")
    document.add_heading("Experience", level=1)
    for w in resume.get("work", []):
        document.add_paragraph().add_run(f"{w['name']} | {w['position']}").bold = True
        document.add_paragraph(fmt.date_range(w, "numeric"))
        for h in w.get("highlights", []):
            document.add_paragraph(h, style="List Bullet")
    document.add_heading("Education", level=1)
    _education(document, resume)
    document.add_heading("Skills & Expertise", level=1)
    keywords = [k for _, group in fmt.skill_groups(resume) for k in group]
    table = document.add_table(rows=len(keywords) + 1, cols=3)
    table.style = "Light List Accent 1"
    for cell, text in zip(table.rows[0].cells, ("Skill", "Proficiency", "Experience"), strict=True):
        cell.text = text
    for row, k in zip(table.rows[1:], keywords, strict=True):
        years = 2 + _pick(k + "years", 9)
        row.cells[0].text = k
        row.cells[1].text = LEVELS[_pick(k, LEVELS)]
        row.cells[2].text = f"{years} years"
    document.save(out)


def templates() -> list[Template]:
    return [
        Template("docx-skilltable", ".docx", skilltable),
        *(
            Template(f"office-{name}-pdf", ".pdf", converted(style), tools=("soffice",))
            for name, style in (
                ("levels", levels),
                ("dots", dots),
                ("columns", columns),
                ("stack", stack),
                ("inline", inline),
            )
        ),
    ]
