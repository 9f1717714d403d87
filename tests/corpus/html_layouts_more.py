"""More of our own HTML/CSS layouts, each a structure the first four do not have.

* ``timeline``: dates in a left column beside each entry (MM/YYYY), skills as chips with no
  separators, the contact line in a footer at the foot of the page.
* ``rightbar``: a right sidebar with contact and skills; the name over two lines, the family
  name in capitals; titles with the dates set flush right on their line.
* ``chips``: a centred header whose contact items are separated by slashes, one chip cloud
  per skill group under a plain group name, company on the line under the title.
* ``grid``: education and skills side by side in a grid under a full-width experience
  section headed "Career"; the job title after the company on one line, dates in brackets.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from tests.corpus.html_layouts import _contact, _date, _dates, _education, _links, _page
from tests.corpus.people import degree_text


def _numeric(value: str | None) -> str:
    if not value:
        return "now"
    year, _, month = value.partition("-")
    return f"{month[:2]}/{year}" if month else year


def _chips(keywords: list[str]) -> str:
    return "".join(f"<span class=chip>{escape(k)}</span>" for k in keywords)


_CHIP_CSS = (
    ".chip{display:inline-block;border:1px solid #999;border-radius:8px;padding:1px 6px;"
    "margin:0 10px 4px 0}"
)


def timeline(resume: dict) -> str:
    """Dates in a left column, skills as chips, contact in a footer."""
    b = resume["basics"]
    css = _CHIP_CSS + (
        "h1{font-size:21pt;margin:0}h2{font-size:11pt;color:#2a6f4e;margin:12px 0 4px}"
        "table{border-collapse:collapse;width:100%}td{vertical-align:top;padding:2px 4px}"
        "td.d{width:28mm;color:#2a6f4e;white-space:nowrap}.foot{position:fixed;bottom:0;"
        "left:0;right:0;border-top:1px solid #2a6f4e;font-size:8.5pt;padding-top:3px}"
    )
    rows = "".join(
        f"<tr><td class=d>{_numeric(w.get('startDate'))} – {_numeric(w.get('endDate'))}</td>"
        f"<td><b>{escape(w['position'])}</b><br>{escape(w['name'])}, "
        f"{escape(w.get('location', ''))}<ul>"
        + "".join(f"<li>{escape(h)}</li>" for h in w.get("highlights", []))
        + "</ul></td></tr>"
        for w in resume.get("work", [])
    )
    schools = "".join(
        f"<tr><td class=d>{escape(e.get('endDate', ''))}</td><td><b>"
        f"{escape(degree_text(e))}</b><br>{escape(e['institution'])}</td></tr>"
        for e in resume.get("education", [])
    )
    keywords = [k for s in resume.get("skills", []) for k in s["keywords"]]
    foot = " &nbsp; ".join(_contact(b) + _links(b))
    body = (
        f"<h1>{escape(b['name'])}</h1><div>{escape(b.get('label', ''))}</div>"
        f"<h2>Experience</h2><table>{rows}</table><h2>Education</h2><table>{schools}</table>"
        f"<h2>Skills</h2><div>{_chips(keywords)}</div><div class=foot>{foot}</div>"
    )
    return _page(css, body, b["name"])


def rightbar(resume: dict) -> str:
    """Main column on the left, contact and skills in a right sidebar, name on two lines."""
    b = resume["basics"]
    given, _, family = b["name"].partition(" ")
    css = (
        ".wrap{display:flex}.main{flex:1;padding:0 14px 0 0}.side{width:30%;padding:10px;"
        "background:#f3efe6;min-height:265mm}.given{font-size:20pt}.family{font-size:20pt;"
        "font-weight:bold;text-transform:uppercase}h2{font-size:11pt;border-bottom:1px solid #444}"
        ".row{display:flex;justify-content:space-between}.c{font-size:8.5pt;margin-bottom:3px}"
    )
    jobs = "".join(
        f"<div class=row><b>{escape(w['position'])}</b><span>{_dates(w)}</span></div>"
        f"<div><i>{escape(w['name'])}</i> · {escape(w.get('location', ''))}</div><ul>"
        + "".join(f"<li>{escape(h)}</li>" for h in w.get("highlights", []))
        + "</ul>"
        for w in resume.get("work", [])
    )
    skills = "".join(
        f"<div><b>{escape(s['name'])}</b></div><ul>"
        + "".join(f"<li>{escape(k)}</li>" for k in s["keywords"])
        + "</ul>"
        for s in resume.get("skills", [])
    )
    contact = "".join(f"<div class=c>{c}</div>" for c in _contact(b) + _links(b))
    body = (
        f"<div class=wrap><div class=main><div class=given>{escape(given)}</div>"
        f"<div class=family>{escape(family)}</div><div>{escape(b.get('label', ''))}</div>"
        f"<h2>Experience</h2>{jobs}<h2>Education</h2>{_education(resume)}</div>"
        f"<div class=side><h2>Contact</h2>{contact}<h2>Skills</h2>{skills}</div></div>"
    )
    return _page(css, body, b["name"])


def chips(resume: dict) -> str:
    """Centred header with slash-separated contact items; a chip cloud per skill group."""
    b = resume["basics"]
    css = _CHIP_CSS + (
        ".head{text-align:center}h1{font-size:24pt;margin:0;font-weight:400}"
        "h2{font-size:10.5pt;text-transform:uppercase;color:#7a2e8e;margin:12px 0 4px}"
        ".grp{color:#555;font-size:9pt;margin-top:4px}.co{color:#555}"
    )
    jobs = "".join(
        f"<div><b>{escape(w['position'])}</b> <span class=co>({_dates(w)})</span></div>"
        f"<div class=co>{escape(w['name'])} — {escape(w.get('location', ''))}</div><ul>"
        + "".join(f"<li>{escape(h)}</li>" for h in w.get("highlights", []))
        + "</ul>"
        for w in resume.get("work", [])
    )
    groups = "".join(
        f"<div class=grp>{escape(s['name'])}</div><div>{_chips(s['keywords'])}</div>"
        for s in resume.get("skills", [])
    )
    contact = " / ".join(_contact(b) + _links(b))
    body = (
        f"<div class=head><h1>{escape(b['name'])}</h1><div>{escape(b.get('label', ''))}</div>"
        f"<div>{contact}</div></div><h2>Professional Experience</h2>{jobs}"
        f"<h2>Skills</h2>{groups}<h2>Education</h2>{_education(resume)}"
    )
    return _page(css, body, b["name"])


def grid(resume: dict) -> str:
    """Full-width career section; education and skills side by side below it."""
    b = resume["basics"]
    css = (
        "h1{font-size:19pt;margin:0 0 2px}h2{font-size:11pt;background:#e8e8e8;padding:2px 4px}"
        ".g{display:grid;grid-template-columns:1fr 1fr;gap:16px}.sub{color:#444}"
    )
    jobs = "".join(
        f"<div><b>{escape(w['name'])}</b>, {escape(w['position'])} "
        f"<span class=sub>[{_date(w.get('startDate'))} – {_date(w.get('endDate'))}]</span></div>"
        "<ul>" + "".join(f"<li>{escape(h)}</li>" for h in w.get("highlights", [])) + "</ul>"
        for w in resume.get("work", [])
    )
    skills = "".join(
        f"<div><b>{escape(s['name'])}</b> — {escape(' · '.join(s['keywords']))}</div>"
        for s in resume.get("skills", [])
    )
    contact = " · ".join(_contact(b))
    links = " · ".join(_links(b))
    body = (
        f"<h1>{escape(b['name'])}</h1><div class=sub>{contact}</div><div class=sub>{links}</div>"
        f"<p>{escape(b.get('summary', ''))}</p><h2>Career</h2>{jobs}<div class=g>"
        f"<div><h2>Education</h2>{_education(resume)}</div>"
        f"<div><h2>Skills</h2>{skills}</div></div>"
    )
    return _page(css, body, b["name"])


LAYOUTS: dict[str, Callable[[dict], str]] = {
    "timeline": timeline,
    "rightbar": rightbar,
    "chips": chips,
    "grid": grid,
}
# grid prints no job places: each job's line holds company, title and dates only.
HIDES: dict[str, frozenset[str]] = {"grid": frozenset({"employer_location"})}
