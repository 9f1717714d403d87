"""Word documents written with python-docx in the styles recruiters receive.

* ``docx-headings``: one column with Word's Title and Heading styles, dates after a tab.
* ``docx-table``: a borderless two-column table: dates on the left, entries on the right.
* ``docx-band``: the name and contact line in a shaded full-width table row (a header band).
* ``docx-pasted``: an online profile page copied into Word — logo alt text, repeated lines,
  employment types, durations, endorsement counts and "Show all" links left in.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from tests.corpus import doc_format as fmt
from tests.corpus.people import location_text
from tests.corpus.templates import Template


def _shade(cell, colour: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def _bullets(document, items: list[str]) -> None:
    for item in items:
        document.add_paragraph(item, style="List Bullet")


def headings(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    document.add_paragraph(b["name"], style="Title")
    document.add_paragraph(" | ".join(fmt.contact_items(b) + fmt.links(b)))
    if b.get("summary"):
        document.add_heading("Summary", level=1)
        document.add_paragraph(b["summary"])
    document.add_heading("Professional Experience", level=1)
    for w in resume.get("work", []):
        p = document.add_paragraph()
        p.paragraph_format.tab_stops.add_tab_stop(Pt(470), WD_TAB_ALIGNMENT.RIGHT)
        p.add_run(w["position"]).bold = True
        p.add_run(f", {w['name']}\t{fmt.date_range(w, 'short')}")
        if w.get("location"):
            document.add_paragraph(w["location"]).runs[0].italic = True
        _bullets(document, w.get("highlights", []))
    document.add_heading("Education", level=1)
    for e in resume.get("education", []):
        p = document.add_paragraph()
        p.add_run(fmt.degree(e)).bold = True
        p.add_run(f"\n{e['institution']}, {fmt.year(e)}")
    document.add_heading("Skills", level=1)
    for name, keywords in fmt.skill_groups(resume):
        p = document.add_paragraph()
        p.add_run(f"{name}: ").bold = True
        p.add_run(", ".join(keywords))
    document.save(out)


def table(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    name = document.add_paragraph()
    run = name.add_run(b["name"])
    run.bold, run.font.size = True, Pt(22)
    for item in fmt.contact_items(b) + fmt.links(b):
        document.add_paragraph(item)
    for heading, rows in (
        (
            "WORK EXPERIENCE",
            [
                (
                    fmt.date_range(w, "numeric"),
                    [w["name"], w["position"], w.get("location", ""), *w.get("highlights", [])],
                )
                for w in resume.get("work", [])
            ],
        ),
        (
            "EDUCATION",
            [(fmt.year(e), [e["institution"], fmt.degree(e)]) for e in resume.get("education", [])],
        ),
    ):
        document.add_heading(heading, level=2)
        grid = document.add_table(rows=0, cols=2)
        for left, right in rows:
            cells = grid.add_row().cells
            cells[0].text = left
            first, *rest = [r for r in right if r]
            cells[1].paragraphs[0].add_run(first).bold = True
            for line in rest:
                cells[1].add_paragraph(line)
    document.add_heading("SKILLS", level=2)
    document.add_paragraph(" · ".join(k for _, ks in fmt.skill_groups(resume) for k in ks))
    document.save(out)


def band(resume: dict, out: Path) -> None:
    b = resume["basics"]
    document = docx.Document()
    grid = document.add_table(rows=1, cols=1)
    cell = grid.rows[0].cells[0]
    _shade(cell, "1F4E79")
    run = cell.paragraphs[0].add_run(b["name"].upper())
    run.bold, run.font.size = True, Pt(20)
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    line = cell.add_paragraph().add_run("  •  ".join(fmt.contact_items(b)))
    line.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    if fmt.links(b):
        more = cell.add_paragraph().add_run("  •  ".join(fmt.links(b)))
        more.font.color.rgb = RGBColor(0xDD, 0xEE, 0xFF)
    document.add_heading("Experience", level=1)
    for w in resume.get("work", []):
        p = document.add_paragraph()
        p.add_run(w["name"]).bold = True
        p.add_run(f" — {w['position']}")
        document.add_paragraph(f"{fmt.date_range(w, 'full')} | {w.get('location', '')}")
        _bullets(document, w.get("highlights", []))
    document.add_heading("Education", level=1)
    for e in resume.get("education", []):
        document.add_paragraph(f"{e['institution']} — {fmt.degree(e)} ({fmt.year(e)})")
    document.add_heading("Core Skills", level=1)
    _bullets(document, [", ".join(ks) for _, ks in fmt.skill_groups(resume)])
    document.save(out)


def _duration(work: dict) -> str:
    start = work["startDate"]
    end = work.get("endDate") or "2026-12"
    months = (int(end[:4]) * 12 + int(end[5:7])) - (int(start[:4]) * 12 + int(start[5:7])) + 1
    years, rest = divmod(months, 12)
    parts = ([f"{years} yr{'s' if years > 1 else ''}"] if years else []) + (
        [f"{rest} mo{'s' if rest > 1 else ''}"] if rest else []
    )
    return " ".join(parts) or "1 mo"


def pasted(resume: dict, out: Path) -> None:
    """What a recruiter gets by copying a profile page into Word."""
    b = resume["basics"]
    work = resume.get("work", [])
    lines = [b["name"], b["name"]]
    if work:
        lines.append(f"{work[0]['position']} at {work[0]['name']}")
    place = location_text(b.get("location"))
    if place:
        lines.append(place)
    lines += ["Contact info", "500+ connections"]
    lines += [f"Email: {b['email']}"] + ([f"Phone: {b['phone']}"] if b.get("phone") else [])
    lines += [f"Profile: {link}" for link in fmt.links(b)]
    lines += ["About", b.get("summary", ""), "Experience"]
    for w in work:
        lines += [
            f"{w['name']} logo",
            w["position"],
            f"{w['name']} · Full-time",
            f"{fmt.date_range(w, 'short').replace(' – ', ' - ')} · {_duration(w)}",
        ]
        if w.get("location"):
            lines.append(f"{w['location']} · Hybrid")
        lines += w.get("highlights", [])[:1]
    lines += [f"Show all {len(work) + 2} experiences", "Education"]
    for e in resume.get("education", []):
        lines += [f"{e['institution']} logo", e["institution"], fmt.degree(e)]
        start = e.get("startDate")
        lines.append(f"{start} - {fmt.year(e)}" if start else fmt.year(e))
    lines.append("Skills")
    for n, keyword in enumerate(k for _, ks in fmt.skill_groups(resume) for k in ks):
        lines.append(keyword)
        if n % 2 == 0:
            lines.append(f"{n + 3} endorsements")
    lines.append("Show all skills")
    document = docx.Document()
    for line in lines:
        if line:
            document.add_paragraph(line)
    document.save(out)


def templates() -> list[Template]:
    return [
        Template("docx-headings", ".docx", headings),
        Template("docx-table", ".docx", table),
        Template("docx-band", ".docx", band),
        Template("docx-pasted", ".docx", pasted),
    ]
