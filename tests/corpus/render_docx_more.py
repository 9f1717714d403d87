"""More Word documents written with python-docx, each a structure render_docx lacks.

* ``docx-skillgrid``: plain bold paragraphs as headings (no Word heading styles), the name
  in large bold type with the contact items one a line under it, experience as "Company |
  Title" with the dates on a line of their own in "full" style, and the skills laid out in
  a three-column table, one skill a cell.
* ``docx-header``: the name and contact line in the page header (Word's header part), the
  body opening with a "Career History" section, titles in capitals followed by the company,
  dotted dates, skills as one line per group with the group name in bold.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.shared import Pt

from tests.corpus import doc_format as fmt
from tests.corpus.templates import Template


def _heading(document, text: str) -> None:
    run = document.add_paragraph().add_run(text.upper())
    run.bold = True
    run.font.size = Pt(12)


def skillgrid(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    name = document.add_paragraph().add_run(b["name"])
    name.bold, name.font.size = True, Pt(22)
    for item in fmt.contact_items(b) + fmt.links(b):
        document.add_paragraph(item)
    _heading(document, "Experience")
    for w in resume.get("work", []):
        document.add_paragraph().add_run(f"{w['name']} | {w['position']}").bold = True
        document.add_paragraph(fmt.date_range(w, "full"))
        for h in w.get("highlights", []):
            document.add_paragraph(h, style="List Bullet")
    _heading(document, "Education")
    for e in resume.get("education", []):
        document.add_paragraph(f"{fmt.degree(e)} — {e['institution']} ({fmt.year(e)})")
    _heading(document, "Skills")
    keywords = [k for _, group in fmt.skill_groups(resume) for k in group]
    rows = (len(keywords) + 2) // 3
    grid = document.add_table(rows=rows, cols=3)
    for index, keyword in enumerate(keywords):
        grid.cell(index // 3, index % 3).text = keyword
    document.save(out)


def header(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    head = document.sections[0].header
    title = head.paragraphs[0].add_run(b["name"])
    title.bold, title.font.size = True, Pt(18)
    head.add_paragraph(" · ".join(fmt.contact_items(b) + fmt.links(b)))
    if b.get("label"):
        document.add_paragraph(b["label"])
    _heading(document, "Career History")
    for w in resume.get("work", []):
        p = document.add_paragraph()
        p.add_run(w["position"].upper()).bold = True
        p.add_run(f" — {w['name']}, {w.get('location', '')}")
        document.add_paragraph(fmt.date_range(w, "dotted"))
        for h in w.get("highlights", []):
            document.add_paragraph(h, style="List Bullet")
    _heading(document, "Education")
    for e in resume.get("education", []):
        document.add_paragraph(f"{e['institution']}, {fmt.degree(e)}, {fmt.year(e)}")
    _heading(document, "Skills")
    for name, keywords in fmt.skill_groups(resume):
        p = document.add_paragraph()
        p.add_run(f"{name}: ").bold = True
        p.add_run(", ".join(keywords))
    document.save(out)


def templates() -> list[Template]:
    return [
        Template("docx-skillgrid", ".docx", skillgrid),
        Template("docx-header", ".docx", header),
    ]
