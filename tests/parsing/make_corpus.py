"""Write the parser's test corpus: small resumes of invented people, with truth files.

Run from the project root:  QT_QPA_PLATFORM=offscreen .venv/bin/python tests/parsing/make_corpus.py

Each persona is rendered as DOCX (python-docx), plain text, or PDF through Qt (QTextDocument
printed by QPdfWriter) in a one-column, two-column (HTML table) or sidebar layout, so that the
tests exercise the layout analysis without any file from outside the project. The bad inputs
(damaged, encrypted, image-only, zip bomb...) are written next to them under ``bad/``.
"""

from __future__ import annotations

import html
import json
import os
import zipfile
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"

PERSONAS: list[dict] = [
    {
        "id": "maria_lopez",
        "name": "Maria Lopez",
        "title": "Senior Data Engineer",
        "email": "maria.lopez@example.net",
        "phone": "(312) 555-0187",
        "phone_e164": "+13125550187",
        "location": "Chicago, IL",
        "links": ["linkedin.com/in/marialopez", "github.com/mlopez-data"],
        "summary": "Data engineer with nine years of experience building batch and streaming "
        "pipelines for retail and logistics companies.",
        "jobs": [
            (
                "Northwind Logistics",
                "Senior Data Engineer",
                "Mar 2021",
                "Present",
                "2021-03",
                "present",
            ),
            ("Blue Harbor Retail", "Data Engineer", "Jun 2017", "Feb 2021", "2017-06", "2021-02"),
            (
                "Lakeside Analytics",
                "Junior Data Analyst",
                "Aug 2015",
                "May 2017",
                "2015-08",
                "2017-05",
            ),
        ],
        "education": [
            ("University of Illinois", "Bachelor of Science in Computer Science", "2015"),
        ],
        "skills": ["Python", "SQL", "Apache Spark", "Airflow", "Kafka", "Snowflake", "Docker"],
    },
    {
        "id": "oliver_bennett",
        "name": "Oliver Bennett",
        "title": "Product Designer",
        "email": "oliver.bennett@example.org",
        "phone": "+44 20 7946 0958",
        "phone_e164": "+442079460958",
        "location": "London, UK",
        "links": ["oliverbennett.design", "dribbble.com/obennett"],
        "summary": "Product designer who turns research into interfaces people enjoy using.",
        "jobs": [
            (
                "Cobalt Studios Ltd",
                "Lead Product Designer",
                "January 2020",
                "Present",
                "2020-01",
                "present",
            ),
            (
                "Marlow Digital",
                "UX Designer",
                "September 2016",
                "December 2019",
                "2016-09",
                "2019-12",
            ),
        ],
        "education": [
            ("Royal College of Art", "Master of Arts in Information Experience Design", "2016"),
            ("University of Leeds", "BA in Graphic Communication", "2014"),
        ],
        "skills": ["Figma", "User Research", "Prototyping", "Design Systems", "Accessibility"],
    },
    {
        "id": "priya_raman",
        "name": "Priya Raman",
        "title": "Registered Nurse",
        "email": "priya.raman@example.com",
        "phone": "415-555-0123",
        "phone_e164": "+14155550123",
        "location": "Oakland, CA",
        "links": [],
        "summary": "Registered nurse with critical care experience and a calm bedside manner.",
        "jobs": [
            ("Bayview Medical Center", "Charge Nurse", "05/2019", "Present", "2019-05", "present"),
            (
                "Eastbay Community Hospital",
                "Staff Nurse",
                "07/2014",
                "04/2019",
                "2014-07",
                "2019-04",
            ),
        ],
        "education": [
            ("San Francisco State University", "Bachelor of Science in Nursing", "2014"),
        ],
        "skills": ["Patient Care", "Critical Care", "Epic EHR", "Wound Care", "Team Leadership"],
    },
    {
        "id": "tomas_novak",
        "name": "Tomas Novak",
        "title": "Backend Developer",
        "email": "tomas.novak@example.com",
        "phone": "+1 646 555 0199",
        "phone_e164": "+16465550199",
        "location": "Brooklyn, NY",
        "links": ["github.com/tnovak", "linkedin.com/in/tomas-novak"],
        "summary": "Backend developer focused on reliable APIs and pragmatic testing.",
        "jobs": [
            ("Quarry Labs", "Backend Developer", "2022", "Present", "2022", "present"),
            ("Fennel Systems Inc.", "Software Engineer", "2019", "2022", "2019", "2022"),
        ],
        "education": [
            ("Czech Technical University", "Master of Science in Software Engineering", "2019"),
        ],
        "skills": ["Go", "PostgreSQL", "gRPC", "Kubernetes", "Terraform", "Redis"],
    },
]

# (persona id, format, layout)
RENDERINGS = [
    ("maria_lopez", "pdf", "one-column"),
    ("maria_lopez", "docx", "one-column"),
    ("oliver_bennett", "pdf", "two-column"),
    ("oliver_bennett", "txt", "one-column"),
    ("priya_raman", "pdf", "sidebar"),
    ("priya_raman", "docx", "table"),
    ("tomas_novak", "pdf", "sidebar"),
    ("tomas_novak", "txt", "one-column"),
]


def truth(p: dict) -> dict:
    return {
        "name": p["name"],
        "emails": [p["email"]],
        "phones": [p["phone_e164"]],
        "location": p["location"],
        "links": p["links"],
        "employers": [
            {"company": c, "title": t, "start": s, "end": e} for c, t, _a, _b, s, e in p["jobs"]
        ],
        "education": [{"institution": i, "degree": d, "year": y} for i, d, y in p["education"]],
        "skills": p["skills"],
    }


def contact_items(p: dict) -> list[str]:
    return [p["location"], p["phone"], p["email"], *p["links"]]


# --- text ---------------------------------------------------------------------------------


def render_txt(p: dict) -> str:
    out = [p["name"], p["title"], " | ".join(contact_items(p)), "", "SUMMARY", p["summary"], ""]
    out.append("EXPERIENCE")
    for company, title, a, b, _s, _e in p["jobs"]:
        out += [f"{title} | {company} | {a} - {b}", "- Delivered the work the role required.", ""]
    out.append("EDUCATION")
    for inst, degree, year in p["education"]:
        out += [f"{degree}", f"{inst}, {year}", ""]
    out += ["SKILLS", ", ".join(p["skills"]), ""]
    return "\n".join(out)


# --- DOCX ---------------------------------------------------------------------------------


def render_docx(p: dict, path: Path, layout: str) -> None:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    document = docx.Document()
    document.add_heading(p["name"], level=0)
    document.add_paragraph(p["title"])
    contact = document.add_paragraph(" | ".join([p["location"], p["phone"], p["email"]]))
    for link in p["links"]:
        contact.add_run(" | ")
        r_id = contact.part.relate_to(
            f"https://{link}", RELATIONSHIP_TYPE.HYPERLINK, is_external=True
        )
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = link
        run.append(text)
        hyperlink.append(run)
        contact._p.append(hyperlink)
    document.add_heading("Professional Summary", level=1)
    document.add_paragraph(p["summary"])
    document.add_heading("Work Experience", level=1)
    for company, title, a, b, _s, _e in p["jobs"]:
        if layout == "table":
            table = document.add_table(rows=1, cols=2)
            table.rows[0].cells[0].text = f"{title}, {company}"
            table.rows[0].cells[1].text = f"{a} – {b}"
        else:
            document.add_paragraph(f"{company} – {title}\t{a} – {b}")
        document.add_paragraph("Led the team through a busy season.", style="List Bullet")
    document.add_heading("Education", level=1)
    for inst, degree, year in p["education"]:
        document.add_paragraph(f"{degree}, {inst}, {year}")
    document.add_heading("Skills", level=1)
    if layout == "table":
        table = document.add_table(rows=1, cols=len(p["skills"]))
        for cell, skill in zip(table.rows[0].cells, p["skills"], strict=True):
            cell.text = skill
    else:
        document.add_paragraph(", ".join(p["skills"]))
    document.core_properties.author = "Hirebench tests"
    document.save(path)


# --- PDF through Qt -----------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text)


def _links_html(p: dict) -> str:
    return " | ".join(f'<a href="https://{_e(link)}">{_e(link)}</a>' for link in p["links"])


def _main_html(p: dict) -> str:
    jobs = "".join(
        f"<p><b>{_e(title)}</b> — {_e(company)}<br/><i>{_e(a)} – {_e(b)}</i></p>"
        f"<ul><li>Shipped the projects the role asked for, on time.</li></ul>"
        for company, title, a, b, _s, _e2 in p["jobs"]
    )
    return f"<h2>Summary</h2><p>{_e(p['summary'])}</p><h2>Experience</h2>{jobs}"


def _education_html(p: dict) -> str:
    return "<h2>Education</h2>" + "".join(
        f"<p><b>{_e(inst)}</b><br/>{_e(degree)}<br/>{_e(year)}</p>"
        for inst, degree, year in p["education"]
    )


def _skills_html(p: dict, as_list: bool) -> str:
    if as_list:
        return "<h2>Skills</h2>" + "".join(f"<p>{_e(s)}</p>" for s in p["skills"])
    return f"<h2>Skills</h2><p>{_e(', '.join(p['skills']))}</p>"


def page_html(p: dict, layout: str) -> str:
    head = f"<h1>{_e(p['name'])}</h1><p>{_e(p['title'])}</p>"
    style = "<style>h1{font-size:16pt} h2{font-size:10pt} p,li{font-size:7pt}</style>"
    if layout == "one-column":
        contact = " | ".join(_e(x) for x in contact_items(p)[:3])
        links = _links_html(p)
        return (
            f"<html>{style}<body>{head}<p>{contact}{' | ' + links if links else ''}</p>"
            f"{_main_html(p)}{_education_html(p)}{_skills_html(p, False)}</body></html>"
        )
    if layout == "two-column":
        contact = "<br/>".join(_e(x) for x in contact_items(p)[:3])
        return (
            f"<html>{style}<body>{head}<p>{contact}<br/>{_links_html(p)}</p>"
            '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
            f'<td width="56%" valign="top">{_main_html(p)}</td>'
            '<td width="8%"></td>'
            f'<td width="36%" valign="top">{_education_html(p)}{_skills_html(p, False)}</td>'
            "</tr></table></body></html>"
        )
    # sidebar: contact, education and skills in a narrow left column
    contact = "".join(f"<p>{_e(x)}</p>" for x in contact_items(p)[:3])
    links = "".join(f'<p><a href="https://{_e(x)}">{_e(x)}</a></p>' for x in p["links"])
    return (
        f"<html>{style}<body>{head}"
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        f'<td width="32%" valign="top"><h2>Contact</h2>{contact}{links}'
        f"{_education_html(p)}{_skills_html(p, True)}</td>"
        '<td width="7%"></td>'
        f'<td width="61%" valign="top">{_main_html(p)}</td>'
        "</tr></table></body></html>"
    )


def _qt_app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication([])


def render_pdf(source_html: str, path: Path) -> None:
    _qt_app()
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setResolution(72)
    writer.setCreator("Hirebench tests")
    document = QTextDocument()
    document.setHtml(source_html)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    document.setPageSize(QSizeF(rect.width(), rect.height()))
    document.print_(writer)


def image_only_pdf(path: Path) -> None:
    """A "scanned" page: one picture of text and no text layer."""
    _qt_app()
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter

    image = QImage(200, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawText(10, 30, "Scanned resume")
    painter.end()
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A6))
    painter = QPainter(writer)
    painter.drawImage(QPoint(0, 0), image)
    painter.end()


def encrypted_pdf() -> bytes:
    """A minimal PDF with a Standard security handler whose user password is not empty."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <"
        + b"41" * 32
        + b"> /U <"
        + b"42" * 32
        + b"> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Encrypt 4 0 R "
        f"/ID [<{'00' * 16}><{'00' * 16}>] >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def zip_bomb(path: Path) -> None:
    """A DOCX-shaped zip whose document expands about a thousand times."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (8 * 1024 * 1024))


def write_bad(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corrupt.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\ngarbage\x00\xff"
    )
    (folder / "encrypted.pdf").write_bytes(encrypted_pdf())
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "empty.txt").write_bytes(b"  \n\n ")
    image_only_pdf(folder / "scanned.pdf")
    zip_bomb(folder / "bomb.docx")
    (folder / "notes.docx").write_text("Just some text saved with the wrong extension.\n")
    (folder / "picture.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    by_id = {p["id"]: p for p in PERSONAS}
    for persona_id, fmt, layout in RENDERINGS:
        p = by_id[persona_id]
        name = f"{persona_id}_{layout}.{fmt}"
        path = CORPUS / name
        if fmt == "txt":
            path.write_text(render_txt(p), encoding="utf-8")
        elif fmt == "docx":
            render_docx(p, path, layout)
        else:
            render_pdf(page_html(p, layout), path)
        expected = truth(p)
        if fmt == "txt":
            expected["links"] = p["links"]
        (CORPUS / f"{name}.json").write_text(
            json.dumps(expected, indent=1, ensure_ascii=False) + "\n"
        )
        print(f"{path.name}: {path.stat().st_size} bytes")
    write_bad(CORPUS / "bad")
    for item in sorted((CORPUS / "bad").iterdir()):
        print(f"bad/{item.name}: {item.stat().st_size} bytes")


if __name__ == "__main__":
    main()
