"""Our own HTML/CSS resume layouts, written to reproduce the cases parsers trip on.

* ``band``: two columns under a coloured header band holding the name and a contact line
  (phone · email · City, Region).
* ``sidebar``: a left sidebar with contact and skills, experience on the right.
* ``spaced``: letter-spaced uppercase headings and job titles (CSS letter-spacing).
* ``icons``: icon glyphs before each contact item, links shown as handles.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from tests.corpus.people import degree_text, location_text

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _date(value: str | None) -> str:
    if not value:
        return "Present"
    year, _, month = value.partition("-")
    return f"{MONTHS[int(month[:2]) - 1]} {year}" if month else year


def _dates(w: dict) -> str:
    return f"{_date(w.get('startDate'))} – {_date(w.get('endDate'))}"


def _contact(b: dict) -> list[str]:
    items = [b.get("phone"), b.get("email"), location_text(b.get("location"))]
    return [escape(i) for i in items if i]


def _links(b: dict) -> list[str]:
    urls = ([b["url"]] if b.get("url") else []) + [p["url"] for p in b.get("profiles", [])]
    return [escape(u.split("://", 1)[-1]) for u in urls]


def _work(resume: dict, title_first: bool = False) -> str:
    parts = []
    for w in resume.get("work", []):
        company, title = escape(w["name"]), escape(w["position"])
        head = (
            f"<div class=job><span class=title>{title}</span>, {company}</div>"
            if title_first
            else f"<div class=job><b>{company}</b> — <span class=title>{title}</span></div>"
        )
        bullets = "".join(f"<li>{escape(h)}</li>" for h in w.get("highlights", []))
        parts.append(
            f"<div class=entry>{head}<div class=meta>{_dates(w)} · "
            f"{escape(w.get('location', ''))}</div><ul>{bullets}</ul></div>"
        )
    return "".join(parts)


def _education(resume: dict) -> str:
    return "".join(
        f"<div class=entry><b>{escape(degree_text(e))}</b><br>"
        f"{escape(e['institution'])}, {escape(e.get('endDate', ''))}</div>"
        for e in resume.get("education", [])
    )


def _skills(resume: dict, inline: bool = True) -> str:
    if inline:
        return "".join(
            f"<div><b>{escape(s['name'])}:</b> {escape(', '.join(s['keywords']))}</div>"
            for s in resume.get("skills", [])
        )
    return "".join(
        f"<h4>{escape(s['name'])}</h4><ul>"
        + "".join(f"<li>{escape(k)}</li>" for k in s["keywords"])
        + "</ul>"
        for s in resume.get("skills", [])
    )


def _page(css: str, body: str, title: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{escape(title)}</title>"
        f"<style>@page{{size:A4;margin:12mm}}body{{font:10pt 'DejaVu Sans',sans-serif;"
        f"margin:0}}ul{{margin:2px 0 6px 16px;padding:0}}{css}</style></head>"
        f"<body>{body}</body></html>"
    )


def band(resume: dict) -> str:
    """Coloured header band with name and contact line; two columns below."""
    b = resume["basics"]
    css = (
        ".band{background:#1f4e79;color:#fff;padding:14px 18px}.band h1{margin:0;font-size:22pt}"
        ".cols{display:flex;gap:18px;padding:10px 18px}.main{flex:2}.side{flex:1}"
        "h2{color:#1f4e79;border-bottom:1px solid #1f4e79;font-size:12pt}.meta{color:#555}"
    )
    contact = " · ".join(_contact(b))
    links = " · ".join(_links(b))
    body = (
        f"<div class=band><h1>{escape(b['name'])}</h1><div>{escape(b.get('label', ''))}</div>"
        f"<div>{contact}</div><div>{links}</div></div>"
        f"<div class=cols><div class=main><h2>Experience</h2>{_work(resume)}</div>"
        f"<div class=side><h2>Education</h2>{_education(resume)}"
        f"<h2>Skills</h2>{_skills(resume)}</div></div>"
    )
    return _page(css, body, b["name"])


def sidebar(resume: dict) -> str:
    """Left sidebar holding contact and skills; experience and education on the right."""
    b = resume["basics"]
    css = (
        ".wrap{display:flex}.side{width:32%;background:#eef1f4;padding:12px;min-height:270mm}"
        ".main{flex:1;padding:12px 16px}h1{font-size:20pt;margin:0 0 4px}"
        "h2{font-size:11pt;text-transform:uppercase;color:#333}.meta{color:#666}"
        ".c{white-space:nowrap;font-size:8pt}"
    )
    contact = "".join(f"<div class=c>{c}</div>" for c in _contact(b) + _links(b))
    body = (
        f"<div class=wrap><div class=side><h2>Contact</h2>{contact}"
        f"<h2>Skills</h2>{_skills(resume, inline=False)}</div>"
        f"<div class=main><h1>{escape(b['name'])}</h1><div>{escape(b.get('summary', ''))}</div>"
        f"<h2>Work Experience</h2>{_work(resume, title_first=True)}"
        f"<h2>Education</h2>{_education(resume)}</div></div>"
    )
    return _page(css, body, b["name"])


def spaced(resume: dict) -> str:
    """Letter-spaced uppercase headings and job titles, centred name."""
    b = resume["basics"]
    css = (
        "h1{text-align:center;letter-spacing:4px;text-transform:uppercase;font-weight:300}"
        ".contact{text-align:center;color:#444}h2{letter-spacing:3px;text-transform:uppercase;"
        "font-size:10pt;border-bottom:2px solid #000}.title{letter-spacing:2px;"
        "text-transform:uppercase;font-size:9pt}.meta{font-style:italic}"
    )
    contact = " | ".join(_contact(b) + _links(b))
    body = (
        f"<h1>{escape(b['name'])}</h1><div class=contact>{contact}</div>"
        f"<h2>Professional Experience</h2>{_work(resume)}"
        f"<h2>Education</h2>{_education(resume)}<h2>Skills</h2>{_skills(resume)}"
    )
    return _page(css, body, b["name"])


ICONS = {"phone": "☎", "email": "✉", "location": "⌂", "link": "➚"}


def icons(resume: dict) -> str:
    """Icon glyphs before each contact item; profiles printed as the full link text."""
    b = resume["basics"]
    css = (
        ".head{display:flex;justify-content:space-between;border-bottom:3px solid #c0392b}"
        "h1{margin:0;font-size:24pt;color:#c0392b}.c{text-align:right}.c span{margin-right:4px;"
        "color:#c0392b}h2{font-size:12pt;color:#c0392b}.meta{color:#777}"
    )
    rows = []
    for key, value in (
        ("phone", b.get("phone")),
        ("email", b.get("email")),
        ("location", location_text(b.get("location"))),
    ):
        if value:
            rows.append(f"<div><span>{ICONS[key]}</span>{escape(value)}</div>")
    rows += [f"<div><span>{ICONS['link']}</span>{u}</div>" for u in _links(b)]
    body = (
        f"<div class=head><div><h1>{escape(b['name'])}</h1>{escape(b.get('label', ''))}</div>"
        f"<div class=c>{''.join(rows)}</div></div>"
        f"<h2>Skills</h2>{_skills(resume)}<h2>Employment History</h2>{_work(resume, True)}"
        f"<h2>Education</h2>{_education(resume)}"
    )
    return _page(css, body, b["name"])


LAYOUTS: dict[str, Callable[[dict], str]] = {
    "band": band,
    "sidebar": sidebar,
    "spaced": spaced,
    "icons": icons,
}
HIDES: dict[str, frozenset[str]] = {}


def all_layouts() -> tuple[dict[str, Callable[[dict], str]], dict[str, frozenset[str]]]:
    """These layouts and those of ``html_layouts_more``, with their hidden fields."""
    from tests.corpus import html_layouts_more

    return {**LAYOUTS, **html_layouts_more.LAYOUTS}, {**HIDES, **html_layouts_more.HIDES}
