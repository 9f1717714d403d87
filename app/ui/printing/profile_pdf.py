"""A candidate profile as a PDF in the agency's branding, made locally with Qt (no web engine).

The body is a `QTextDocument` laid out in pages; each page gets a band in the agency's primary
colour with its logo and name, and a footer with the recruiter and page number. Everything
shown comes from the `ProfileDocument` — a blind one holds no identifying detail to show — and
the PDF's title metadata is the document's title (initials, when blind).

Painting onto a `QPdfWriter` works on any thread; it needs a `QGuiApplication` (for fonts),
which `ensure_gui_application` makes for the command line.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

from PySide6.QtGui import (
    QGuiApplication,
)

from app.services.candidates.profile_document import ProfileDocument
from app.ui.printing.branded_page import (
    MUTED,
    Furniture,
    render_branded_pdf,
)
from app.ui.saving import write_atomically


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new one on the offscreen platform (no display is
    needed to write a PDF)."""
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication([sys.argv[0] if sys.argv else "hirebench", "-platform", "offscreen"])
    assert isinstance(app, QGuiApplication)
    return app


def render_profile_pdf(document: ProfileDocument) -> bytes:
    """The profile as PDF bytes (what a submittal attaches)."""
    brand = document.brand
    kind = "Blind candidate profile" if document.blind else "Candidate profile"
    parts = [brand.footer or brand.name]
    if document.recruiter_name:
        who = document.recruiter_name
        if document.recruiter_email:
            who += f" <{document.recruiter_email}>"
        parts.append(f"Presented by {who}")
    furniture = Furniture(
        brand.primary_color,
        brand.accent_color,
        brand.logo,
        brand.name or "Candidate profile",
        f"{kind}\n{document.prepared_on:%d %B %Y}",
        tuple(parts),
    )
    return render_branded_pdf(
        document.title, brand.name or "Hirebench", furniture, lambda _width: profile_html(document)
    )


def write_profile_pdf(document: ProfileDocument, path: Path) -> None:
    """Write the profile to ``path`` (replaced whole)."""
    write_atomically(path, render_profile_pdf(document))


# ---- the body -------------------------------------------------------------------------------
def _e(text: str | None) -> str:
    return html.escape(text or "")


def _paragraphs(text: str | None) -> str:
    blocks = [b.strip() for b in (text or "").split("\n\n") if b.strip()]
    return "".join(f"<p>{_e(b).replace(chr(10), '<br>')}</p>" for b in blocks)


def profile_html(document: ProfileDocument) -> str:
    """The body's HTML: every value escaped, colours from the branding."""
    accent = document.brand.accent_color
    primary = document.brand.primary_color
    heading = (
        f'style="color:{accent}; font-size:11pt; font-weight:bold; '
        'margin-top:14px; margin-bottom:4px;"'
    )
    out = [f'<h1 style="color:{accent}; font-size:20pt; margin:0;">{_e(document.name)}</h1>']
    if document.headline:
        out.append(f'<p style="color:{MUTED}; font-size:11pt;">{_e(document.headline)}</p>')
    if document.job_title:
        client = f" at {_e(document.client_name)}" if document.client_name else ""
        out.append(f"<p>Presented for <b>{_e(document.job_title)}</b>{client}</p>")
    details = [d for d in (document.location, *document.contact_lines) if d]
    if details:
        out.append(
            f'<p style="color:{MUTED};">' + " &nbsp;·&nbsp; ".join(_e(d) for d in details) + "</p>"
        )
    if document.pitch:
        out.append(
            f'<table width="100%" cellpadding="8" style="margin-top:10px;">'
            f'<tr><td width="6" bgcolor="{primary}"></td><td>'
            f'<p style="color:{accent}; font-weight:bold;">Why we recommend this candidate</p>'
            f"{_paragraphs(document.pitch)}</td></tr></table>"
        )
    if document.summary:
        out.append(f"<h2 {heading}>Summary</h2>{_paragraphs(document.summary)}")
    if document.skills:
        out.append(
            f"<h2 {heading}>Skills</h2><p>" + " &nbsp;·&nbsp; ".join(map(_e, document.skills))
        )
        out.append("</p>")
    if document.history:
        out.append(f"<h2 {heading}>Experience</h2>")
        for item in document.history:
            role = " — ".join(_e(p) for p in (item.title, item.employer) if p)
            period = (
                f' <span style="color:{MUTED};">{_e(item.period)}</span>' if item.period else ""
            )
            out.append(f'<p style="margin-top:6px;"><b>{role}</b>{period}</p>')
            out.append(_paragraphs(item.description))
    if document.education:
        out.append(f"<h2 {heading}>Education</h2>")
        for entry in document.education:
            what = ", ".join(_e(p) for p in (entry.degree, entry.institution) if p)
            year = f' <span style="color:{MUTED};">{_e(entry.year)}</span>' if entry.year else ""
            out.append(f"<p>{what}{year}</p>")
    return "<html><body>" + "".join(out) + "</body></html>"
